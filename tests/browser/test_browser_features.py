"""Material's interactive parts on the built site: search, diagrams, palette, phone drawer.

The generated diagrams are inline SVG (no script, no CDN); the deployment guide's
hand-written Mermaid diagram is still drawn by Mermaid, from the local copy.
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

import pytest
from browserkit import PHONE, drawn_diagrams

if TYPE_CHECKING:
    from collections.abc import Callable
    from pathlib import Path

    from browserkit import Visit

try:
    from playwright.sync_api import expect
except ImportError:  # the ``chromium`` fixture skips (or fails) and says why
    expect = None  # type: ignore[assignment]

pytestmark = pytest.mark.browser


def test_search_finds_an_exported_variable(visit: Visit) -> None:
    page = visit.goto("/")
    field = page.locator("input.md-search__input")
    field.click()
    expect(field).to_be_focused()
    field.press_sequentially("REDIS_URL")

    results = page.locator(".md-search-result__item")
    expect(results.first).to_be_visible()
    assert results.count() >= 1
    expect(page.locator(".md-search-result__meta")).to_contain_text(re.compile(r"\d+ matching"))

    # Following the first result lands on a page that mentions the variable.
    page.locator("a.md-search-result__link").first.click()
    expect(page).to_have_url(re.compile(r"[?&]h=redis_url\b", re.IGNORECASE))
    expect(page.locator("article")).to_contain_text("REDIS_URL")
    visit.assert_clean()


@pytest.mark.parametrize("path", ["/architecture/", "/services/blackroad-backend/"])
def test_static_diagrams_are_drawn_in_light_and_dark(
    built_site: Path, visit: Visit, path: str
) -> None:
    html = (built_site / path.strip("/") / "index.html").read_text(encoding="utf-8")
    assert '<div class="mdocs-graph">' in html
    assert "mermaid" not in html, "the generated diagram needs no Mermaid"

    page = visit.goto(path)
    light = drawn_diagrams(page)
    if path == "/architecture/":
        assert light[0]["links"] >= 10, "every service of the diagram links to its page"
    visit.screenshot("default")
    page.locator('form[data-md-component="palette"] label:visible').click()
    expect(page.locator("body")).to_have_attribute("data-md-color-scheme", "slate")
    dark = drawn_diagrams(page)
    visit.screenshot("slate")
    assert dark[0]["text"] != light[0]["text"], "the diagram's text follows the palette"
    assert dark[0]["shape"] != light[0]["shape"], "the diagram's nodes follow the palette"
    # Nothing is fetched to draw it (Material still asks GitHub for the repository's stars).
    assert not [u for u in visit.blocked if "mermaid" in u], visit.blocked
    visit.assert_clean()


def test_a_diagram_node_opens_the_service_page(visit: Visit) -> None:
    page = visit.goto("/architecture/")
    page.locator('article .mdocs-graph a[href$="/postgres/"]').first.click()
    expect(page.locator("article h1")).to_have_text(re.compile("postgres"))
    drawn_diagrams(page)  # its own neighbourhood
    visit.assert_clean()


def test_hand_written_mermaid_diagram_is_drawn(
    mermaid_js: Path, built_site: Path, visit: Visit
) -> None:
    # Pages may still use Mermaid by hand (the deployment guide does): Material loads it
    # from its CDN, answered here from the local copy.
    html = (built_site / "guides" / "deployment" / "index.html").read_text(encoding="utf-8")
    diagrams = len(re.findall(r'<pre class="mermaid"', html))
    assert diagrams >= 1, "the deployment guide holds no Mermaid diagram"

    page = visit.goto("/guides/deployment/")
    # Material swaps each <pre class="mermaid"> for a <div class="mermaid"> once Mermaid has
    # drawn it into a closed shadow root, so the swap is the signal to wait for.
    drawn = page.locator("div.mermaid")
    expect(drawn).to_have_count(diagrams)
    expect(page.locator("pre.mermaid")).to_have_count(0)
    for index in range(diagrams):
        box = drawn.nth(index).bounding_box()
        assert box is not None, f"diagram {index} is not laid out"
        assert box["height"] > 50, f"diagram {index} is only {box['height']}px tall"
    assert page.evaluate("typeof mermaid") == "object", "Mermaid did not load from the route"
    visit.assert_clean()


def test_palette_toggle_switches_light_and_dark(visit: Visit) -> None:
    page = visit.goto("/")
    body = page.locator("body")
    toggle = page.locator('form[data-md-component="palette"] label:visible')
    expect(body).to_have_attribute("data-md-color-scheme", "default")
    visit.screenshot("default")

    toggle.click()
    expect(body).to_have_attribute("data-md-color-scheme", "slate")
    visit.screenshot("slate")

    # The choice follows the reader to the next page ...
    visit.goto("/services/")
    expect(body).to_have_attribute("data-md-color-scheme", "slate")
    # ... and the toggle goes back.
    toggle.click()
    expect(body).to_have_attribute("data-md-color-scheme", "default")
    visit.assert_clean()


def test_phone_drawer_opens_from_menu_button(open_visit: Callable[..., Visit]) -> None:
    visit = open_visit(*PHONE)
    page = visit.goto("/")
    drawer = page.locator("#__drawer")
    nav = page.locator(".md-nav--primary")
    menu = page.locator('label.md-header__button[for="__drawer"]')

    expect(drawer).not_to_be_checked()
    expect(nav).not_to_be_in_viewport()
    expect(menu).to_be_visible()

    menu.click()
    expect(drawer).to_be_checked()
    expect(nav).to_be_visible()
    expect(nav).to_be_in_viewport()
    visit.screenshot("open", full_page=False)
    visit.assert_clean()
