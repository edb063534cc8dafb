"""Material's interactive parts on the built site: search, diagrams, palette, phone drawer."""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

import pytest
from browserkit import PHONE

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


def test_architecture_diagram_is_drawn(mermaid_js: Path, built_site: Path, visit: Visit) -> None:
    html = (built_site / "architecture" / "index.html").read_text(encoding="utf-8")
    diagrams = len(re.findall(r'<pre class="mermaid"', html))
    assert diagrams >= 1, "the built architecture page holds no Mermaid diagram"

    page = visit.goto("/architecture/")
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
