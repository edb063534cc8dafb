"""Helpers for tests that load manifest text and check the located problems it reports.

Not in ``conftest.py``: test modules import from here (its basename is unique in the
tests tree, like ``browserkit``).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import pytest
from manifest_docs.errors import ManifestError
from manifest_docs.load import load_manifest, load_text

if TYPE_CHECKING:
    from pathlib import Path

__all__ = ["after", "at", "position", "problems_in", "problems_in_file", "replace_once"]


def replace_once(text: str, old: str, new: str) -> str:
    """``text`` with its one ``old`` replaced by ``new`` (fails unless ``old`` is unique)."""
    assert text.count(old) == 1, f"{old!r} occurs {text.count(old)} times"
    return text.replace(old, new)


def position(text: str, needle: str, nth: int = 1) -> tuple[int, int]:
    """1-based (line, column) of the ``nth`` ``needle``, read from the text, not the loader."""
    start = -1
    for _ in range(nth):
        start = text.index(needle, start + 1)
    return text.count("\n", 0, start) + 1, start - text.rfind("\n", 0, start)


def problems_in(text: str) -> list[str]:
    """Every problem ``load_text`` reports for ``text``, as printed."""
    with pytest.raises(ManifestError) as info:
        load_text(text)
    return [str(p) for p in info.value.problems]


def problems_in_file(path: Path | str) -> list[str]:
    """Every problem ``load_manifest`` reports for ``path``, as printed."""
    with pytest.raises(ManifestError) as info:
        load_manifest(path)
    return [str(p) for p in info.value.problems]


def at(text: str, needle: str, nth: int = 1) -> str:
    """``manifest.yml:LINE:COL`` of the ``nth`` ``needle`` in ``text``."""
    line, col = position(text, needle, nth)
    return f"manifest.yml:{line}:{col}"


def after(text: str, prefix: str, nth: int = 1) -> str:
    """``manifest.yml:LINE:COL`` of what follows the ``nth`` ``prefix`` in ``text``."""
    start = -1
    for _ in range(nth):
        start = text.index(prefix, start + 1)
    end = start + len(prefix)
    line = text.count("\n", 0, end) + 1
    return f"manifest.yml:{line}:{end - text.rfind(chr(10), 0, end)}"
