"""The benchmark's edit-rebuild loop runs end to end (on a tiny catalog).

``make bench`` times it at 1,000 services; here it only has to work, so a change to
the bench's project generator cannot break it unnoticed.
"""

from __future__ import annotations

import sys
from typing import TYPE_CHECKING

from zkit import REPO, need_zensical

if TYPE_CHECKING:
    from pathlib import Path

sys.path.insert(0, str(REPO / "bench"))

from edit_loop import edit_loop, table


def test_the_edit_loop_times_both_engines(tmp_path: Path) -> None:
    need_zensical()
    result = edit_loop(5, 1, tmp_path)
    assert result["n"] == 5
    for key in ("mkdocs_cold_s", "mkdocs_edit_s", "zensical_cold_s", "zensical_edit_s"):
        assert result[key] > 0, key
    assert "| 5 | MkDocs + plugin |" in table(result)
