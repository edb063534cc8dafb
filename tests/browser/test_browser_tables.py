"""Generated tables on a phone: identifiers stay whole, secrets wear the theme's lock icon."""

from __future__ import annotations

from typing import TYPE_CHECKING

import pytest
from browserkit import PHONE

if TYPE_CHECKING:
    from collections.abc import Callable

    from browserkit import Visit

pytestmark = pytest.mark.browser

# Code elements in tables whose text is one word (no space or hyphen to break at), with
# the number of lines the browser laid each out on.
_WORDS = """() => [...document.querySelectorAll("article table code")]
  .filter((c) => !/[\\s-]/.test(c.textContent))
  .map((c) => [c.textContent, c.getClientRects().length])"""

_LOCK = """() => {
  const mark = document.querySelector("article .mdocs-secret");
  const before = getComputedStyle(mark, "::before");
  return [mark.textContent, before.content, before.maskImage || before.webkitMaskImage,
          parseFloat(before.width)];
}"""


@pytest.mark.parametrize("path", ["/environment/", "/services/blackroad-backend/"])
def test_identifiers_in_tables_are_never_broken_inside_a_word(
    open_visit: Callable[..., Visit], path: str
) -> None:
    visit = open_visit(*PHONE)
    page = visit.goto(path)
    words = page.evaluate(_WORDS)
    assert any("_" in text for text, _ in words), "the page shows variable names"
    broken = [text for text, lines in words if lines != 1]
    assert broken == [], f"{path}: identifiers broken across lines: {broken}"
    visit.assert_clean()


def test_secret_marker_is_the_lock_icon_and_the_word(open_visit: Callable[..., Visit]) -> None:
    visit = open_visit(*PHONE)
    page = visit.goto("/environment/")
    text, content, mask, width = page.evaluate(_LOCK)
    assert text == "secret"
    assert content == '""'  # no emoji character: the icon is a mask
    assert "data:image/svg+xml" in mask
    assert width > 0
    visit.assert_clean()
