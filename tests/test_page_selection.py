"""Which generated pages a site gets (:mod:`manifest_docs.render.selection`), without MkDocs."""

from __future__ import annotations

from pathlib import Path

import pytest
from manifest_docs.load import load_manifest
from manifest_docs.render.selection import (
    PAGE_KINDS,
    EngineFeatures,
    has_data,
    parse_pages,
    select_pages,
)
from manifest_docs.render.site import PageOptions

FIXTURE = Path(__file__).parent / "site" / "fixtures" / "manifest.yml"
PLAIN = EngineFeatures.from_config({"plugins": ["search", {"manifest-docs": {}}]})
WITH_API = EngineFeatures.from_config({"plugins": {"search": {}, "mkdocstrings": {}}})


def test_default_is_every_page_with_data_and_api_only_with_mkdocstrings() -> None:
    manifest = load_manifest(FIXTURE).manifest
    assert all(has_data(kind, manifest) for kind in PAGE_KINDS)
    assert select_pages(manifest, None, PLAIN) == (PAGE_KINDS[:-1], [])
    assert select_pages(manifest, None, WITH_API) == (PAGE_KINDS, [])


def test_explicit_selection_keeps_navigation_order() -> None:
    manifest = load_manifest(FIXTURE).manifest
    assert select_pages(manifest, ["roadmap", "catalog"], PLAIN) == (("catalog", "roadmap"), [])


def test_unmet_requirement_is_located_and_names_the_lines_to_add() -> None:
    manifest = load_manifest(FIXTURE).manifest
    text = "site_name: x\nplugins:\n  - search\n"
    chosen, problems = select_pages(manifest, ["api"], PLAIN, config_text=text)
    assert chosen == ("api",)
    assert len(problems) == 1
    assert problems[0].startswith("mkdocs.yml:2: manifest-docs: the 'api' page")
    assert "plugins:\n  - mkdocstrings\n" in problems[0]


def test_markdown_extensions_in_either_yaml_form() -> None:
    listed = EngineFeatures.from_config({"markdown_extensions": ["admonition", {"toc": {}}]})
    mapped = EngineFeatures.from_config({"markdown_extensions": {"admonition": None}})
    assert {"admonition", "toc", "tables"} <= set(listed.extensions)
    assert "admonition" in mapped.extensions


@pytest.mark.parametrize(
    ("value", "message"),
    [
        ("catalog", "expected a list of page names"),
        (["catalog", 3], "expected a list of page names"),
        (["catalogue"], "unknown page 'catalogue'; the pages are catalog, services"),
    ],
)
def test_bad_pages_value_names_the_option(value: object, message: str) -> None:
    with pytest.raises(ValueError, match=message) as info:
        parse_pages(value, "mkdocs.yml: plugins.manifest-docs.pages")
    assert str(info.value).startswith("mkdocs.yml: plugins.manifest-docs.pages: ")


def test_page_options_read_the_selection() -> None:
    options = PageOptions.from_mapping({"pages": ["schema", "catalog"]}, "mkdocs.yml")
    assert options.pages == ("catalog", "schema")
    assert PageOptions.from_mapping({}, "mkdocs.yml").pages is None
