"""The Zensical build of the site, read in real Chromium: catalog, a service, search, diagram.

The site is built the way ``make site-zensical`` builds it (``br-ops pages`` then
``zensical build``) from a copy of the project's inputs; skipped with the reason when
Zensical is not installed (``pip install -e '.[zensical]'``).
"""

from __future__ import annotations

import re
import sys
from typing import TYPE_CHECKING

import pytest
from browserkit import REPO_ROOT, drawn_diagrams, row, screenshot_name, serve, tabs

sys.path.insert(0, str(REPO_ROOT / "tests" / "zensical"))  # zkit: how the Zensical site is built

from zkit import build_zensical, copy_site

if TYPE_CHECKING:
    from collections.abc import Iterator
    from pathlib import Path

    from browserkit import Visit
    from playwright.sync_api import Browser

try:
    from playwright.sync_api import expect
except ImportError:  # the ``chromium`` fixture skips (or fails) and says why
    expect = None  # type: ignore[assignment]

pytestmark = pytest.mark.browser


@pytest.fixture(scope="module")
def zensical_site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The project's site built by Zensical (``make site-zensical`` in a copy)."""
    return build_zensical(copy_site(tmp_path_factory.mktemp("zensical") / "site"))


@pytest.fixture(scope="module")
def zensical_url(zensical_site: Path) -> Iterator[str]:
    """Base URL (ending in ``/``) of the Zensical build, served on 127.0.0.1."""
    with serve(zensical_site, name="zensical-server") as url:
        yield url


@pytest.fixture
def zvisit(request: pytest.FixtureRequest, chromium: Browser, zensical_url: str) -> Iterator[Visit]:
    with tabs(chromium, zensical_url, screenshot_name(request.node.name)) as open_:
        yield open_()


def test_zensical_catalog_and_service_page(zvisit: Visit) -> None:
    page = zvisit.goto("/services/")
    expect(page.locator("article h1")).to_have_text(re.compile("Service catalog"))
    expect(row(page.locator("article"), "redis").first).to_be_visible()
    page.locator("article a[href$='redis/']").first.click()
    expect(page.locator("article h1")).to_have_text(re.compile("redis"))
    expect(page.locator("article")).to_contain_text("Generated from")
    zvisit.assert_clean()


def test_zensical_search_finds_a_service(zvisit: Visit) -> None:
    # Zensical's search is a dialog (a combobox and its options), not Material's form.
    page = zvisit.goto("/")
    page.locator(".md-search__button").click()
    field = page.get_by_role("combobox", name="Search")
    field.press_sequentially("redis")
    expect(page.get_by_role("option").first).to_contain_text("redis")
    zvisit.assert_clean()


@pytest.mark.parametrize("path", ["/architecture/", "/services/blackroad-backend/"])
def test_zensical_draws_the_static_diagrams(zvisit: Visit, path: str) -> None:
    # Inline SVG: nothing to load, so no Mermaid (Zensical's theme would load Mermaid 12).
    page = zvisit.goto(path)
    drawn_diagrams(page)
    assert page.locator("article .mdocs-graph a").count() >= 2
    # Nothing is fetched to draw it (Material still asks GitHub for the repository's stars).
    assert not [u for u in zvisit.blocked if "mermaid" in u], zvisit.blocked
    zvisit.assert_clean()
