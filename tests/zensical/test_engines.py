"""BlackRoad's site built by both engines: the same pages, and the same facts on them.

Skipped, with the reason, when Zensical is not installed.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import pytest
from zkit import build_zensical, copy_site, html_pages, need_zensical, run, visible_text

if TYPE_CHECKING:
    from pathlib import Path


@pytest.fixture(scope="module")
def sites(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    """(MkDocs site, Zensical site) of one copy of the project."""
    need_zensical()
    project = copy_site(tmp_path_factory.mktemp("engines") / "site")
    run("mkdocs", "build", cwd=project)
    return project / "site", build_zensical(project)


def test_both_engines_build_the_same_pages(sites: tuple[Path, Path]) -> None:
    mkdocs, zensical = sites
    assert html_pages(zensical) == html_pages(mkdocs)
    for name in ("CNAME", "assets/manifest-docs.css", "environment/blackroad-backend.env.example"):
        assert (zensical / name).read_bytes() == (mkdocs / name).read_bytes(), name


@pytest.mark.parametrize(
    "page",
    [
        "services/index.html",  # the catalog
        "services/redis/index.html",  # a service page with a hand-written narrative
        "infrastructure/index.html",  # a hand-written page full of macros
        "costs/index.html",
    ],
)
def test_a_reader_sees_the_same_text(sites: tuple[Path, Path], page: str) -> None:
    mkdocs, zensical = sites
    text = visible_text(zensical / page)
    assert text == visible_text(mkdocs / page)
    assert "⚠" not in text  # no placeholder for a fact that could not be read


def test_every_page_reads_the_same(sites: tuple[Path, Path]) -> None:
    mkdocs, zensical = sites
    differ = [
        p
        for p in sorted(html_pages(mkdocs))
        if visible_text(mkdocs / p) != visible_text(zensical / p)
    ]
    assert differ == []
