"""Generated tables on a phone: secrets wear the theme's lock icon.

That identifiers in tables stay whole on a phone is a check of the layout crawl, on
every page (``test_browser_crawl.py``).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import pytest
from browserkit import PHONE

if TYPE_CHECKING:
    from collections.abc import Callable

    from browserkit import Visit

pytestmark = pytest.mark.browser

_LOCK = """() => {
  const mark = document.querySelector("article .mdocs-secret");
  const before = getComputedStyle(mark, "::before");
  return [mark.textContent, before.content, before.maskImage || before.webkitMaskImage,
          parseFloat(before.width)];
}"""


def test_secret_marker_is_the_lock_icon_and_the_word(open_visit: Callable[..., Visit]) -> None:
    visit = open_visit(*PHONE)
    page = visit.goto("/environment/")
    text, content, mask, width = page.evaluate(_LOCK)
    assert text == "secret"
    assert content == '""'  # no emoji character: the icon is a mask
    assert "data:image/svg+xml" in mask
    assert width > 0
    visit.assert_clean()
