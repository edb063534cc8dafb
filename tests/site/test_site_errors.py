"""Builds that must fail, and what they say: macro typos with page and line, a broken
manifest with ``manifest.yml:LINE:COL``, a narrative for a service that does not exist."""

from __future__ import annotations

from typing import TYPE_CHECKING

import pytest
from mkdocs.exceptions import Abort, PluginError
from sitekit import (
    FIXTURE_MANIFEST,
    build_error,
    build_site,
    captured_warnings,
    read_page,
    write_project,
)

if TYPE_CHECKING:
    from pathlib import Path

GOOD = FIXTURE_MANIFEST.read_text("utf-8")


def lines_of(error: BaseException) -> list[str]:
    return str(error).splitlines()


def position(text: str, needle: str) -> tuple[int, int]:
    """1-based line and column of the only occurrence of ``needle`` in ``text``."""
    assert text.count(needle) == 1, needle
    start = text.index(needle)
    return text.count("\n", 0, start) + 1, start - text.rfind("\n", 0, start)


# --------------------------------------------------------------------------- macros


def test_unknown_service_in_a_macro_names_page_line_and_suggestion(tmp_path: Path) -> None:
    page = "# Typo\n\nOne.\n\nTwo.\n\nRedis is {{ service('redsi').version }} today.\n"
    assert page.splitlines()[6].startswith("Redis is {{ service('redsi')")
    config = write_project(tmp_path, docs={"typo.md": page}, options={"drift": "off"})
    error = build_error(config)
    assert isinstance(error, PluginError)
    assert "docs/typo.md:7: unknown service 'redsi' (did you mean 'redis'?)" in lines_of(error)


def test_misspelt_field_counts_lines_from_the_top_of_the_file(tmp_path: Path) -> None:
    page = "---\ntitle: Field\n---\n\n# Field\n\nRedis is {{ service('redis').verison }}.\n"
    config = write_project(tmp_path, docs={"field.md": page}, options={"drift": "off"})
    error = build_error(config)
    assert isinstance(error, PluginError)
    assert lines_of(error) == [
        "docs/field.md:7: services.redis has no field 'verison' (did you mean 'version'?)"
    ]


def test_macro_error_in_a_narrative_names_the_narrative_line(tmp_path: Path) -> None:
    narrative = "## Notes\n\nUp to {{ service('redis').resources.memroy }}.\n"
    config = write_project(
        tmp_path, docs={"services/redis.md": narrative}, options={"drift": "off"}
    )
    error = build_error(config)
    assert isinstance(error, PluginError)
    assert lines_of(error) == [
        "docs/services/redis.md:3: services.redis.resources has no field 'memroy' "
        "(did you mean 'memory'?)"
    ]


def test_macro_error_in_an_included_snippet_points_at_the_right_place(tmp_path: Path) -> None:
    page = "# Page\n\nOne.\n\nTwo.\n\n{% include 'snip.md' %}\n"
    config = write_project(
        tmp_path,
        docs={"page.md": page},
        files={"snippets/snip.md": "Snippet.\n\nRedis {{ service('redsi').version }}\n"},
        options={"drift": "off"},
        macros={"include_dir": str(tmp_path / "snippets")},
    )
    error = build_error(config)
    assert isinstance(error, PluginError)
    located = [line for line in lines_of(error) if "unknown service 'redsi'" in line]
    assert len(located) == 1
    assert located[0].startswith(("snippets/snip.md:3:", "docs/page.md:7:"))


def test_unknown_phase_in_cost_total_fails_the_build(tmp_path: Path) -> None:
    page = "# Costs\n\nPhase nine: {{ cost_total(phase=9) }}\n"
    config = write_project(tmp_path, docs={"c.md": page}, options={"drift": "off"})
    error = build_error(config)
    assert lines_of(error) == ["docs/c.md:3: unknown phase 9; phases: [1, 2]"]


def test_correct_macros_build_cleanly_in_strict_mode(tmp_path: Path) -> None:
    page = "# Ok\n\n{{ service('PostgreSQL').version }} / {{ count_services(status='active') }}\n"
    config = write_project(tmp_path, docs={"ok.md": page}, options={"drift": "off"})
    site = build_site(config, strict=True)
    assert "16+ / 4" in read_page(site, "ok/").article.text()


# --------------------------------------------------------------------------- broken manifest


def test_strict_build_of_broken_manifest_lists_every_located_problem(tmp_path: Path) -> None:
    bad = GOOD.replace("memory: 256MB", "memory: lots").replace("port: 8000", "port: 99999")
    mem_line, mem_col = position(bad, "lots")
    port_line, port_col = position(bad, "99999")
    config = write_project(tmp_path, manifest=bad, docs={"services/redis.md": "## Notes\n"})
    error = build_error(config, strict=True)
    assert isinstance(error, PluginError)
    assert lines_of(error) == [
        "manifest-docs: invalid manifest",
        f"manifest.yml:{port_line}:{port_col}: services.backend.deploy.port: "
        "input should be less than or equal to 65535, got 99999",
        f"manifest.yml:{mem_line}:{mem_col}: services.redis.resources.memory: "
        "expected a size like '256MB', got 'lots'",
    ]
    assert not (tmp_path / "site" / "services").exists()


def test_broken_manifest_fails_even_without_strict(tmp_path: Path) -> None:
    config = write_project(tmp_path, manifest=GOOD.replace("phase: 1\n", "phase: one\n", 1))
    error = build_error(config)
    assert isinstance(error, PluginError)
    assert any(line.startswith("manifest.yml:") for line in lines_of(error))


def test_missing_manifest_is_reported_by_name(tmp_path: Path) -> None:
    config = write_project(tmp_path, options={"manifest": "nowhere.yml"})
    error = build_error(config)
    assert isinstance(error, PluginError)
    assert "nowhere.yml" in str(error)


# --------------------------------------------------------------------------- narratives


def test_narrative_for_unknown_service_is_a_warning(tmp_path: Path) -> None:
    config = write_project(
        tmp_path,
        docs={"services/redsi.md": "## Notes\n\nAbout the cache.\n"},
        options={"drift": "off"},
    )
    with captured_warnings() as warnings:
        build_site(config)
    narrative = [w for w in warnings if "narrative" in w]
    assert len(narrative) == 1
    # The path is MkDocs' docs_dir, which is absolute.
    assert narrative[0].endswith(
        "docs/services/redsi.md: narrative for unknown service 'redsi'; services: backend, "
        "postgres, redis, docs-site, gateway, ml-lab"
    )


def test_narrative_for_unknown_service_fails_a_strict_build(tmp_path: Path) -> None:
    config = write_project(
        tmp_path,
        docs={"services/redsi.md": "## Notes\n\nAbout the cache.\n"},
        options={"drift": "off"},
    )
    with pytest.raises(Abort, match="in strict mode"):
        build_site(config, strict=True)


def test_known_narrative_alone_passes_a_strict_build(tmp_path: Path) -> None:
    config = write_project(
        tmp_path,
        docs={"services/redis.md": "## Notes\n\nAbout the cache.\n"},
        options={"drift": "off"},
    )
    with captured_warnings() as warnings:
        site = build_site(config, strict=True)
    assert warnings == []
    assert read_page(site, "services/redis/").article.headings("h2")[-1] == "Notes"
