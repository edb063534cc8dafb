"""Lists that grow with the catalog, capped on each page, with a page holding all of them.

A shared database read by hundreds of services would otherwise put hundreds of links on
its own page, in its row of the Architecture table and in the rows of its variables on
the Environment page, and every page would grow with the whole catalog. Each such list
is shown up to :data:`LIST_CAP` names followed by "and 312 more (all 332)", the last
words linking to a **full list** page: one per service with more dependents than the
cap (:func:`dependents_uri`) and one per variable with more readers or exporters than
the cap (:func:`readers_uri`). So a page's size depends on the cap, not on the number of
services; the full lists are the only pages that grow, and only for the hubs.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from .escape import Markup, md

if TYPE_CHECKING:
    from collections.abc import Sequence

__all__ = ["LIST_CAP", "Capped", "cap", "dependents_uri", "more", "readers_uri"]

LIST_CAP = 20
"""Most names of one list shown on a page; the rest are counted and linked."""


@dataclass(frozen=True)
class Capped:
    """The first :data:`LIST_CAP` names of a list, its length and where the rest are."""

    shown: tuple[str, ...]
    """Names shown, in the list's order."""
    total: int
    """Length of the whole list."""
    full: str | None
    """``src_uri`` of the page with the whole list; ``None`` when nothing was cut."""

    @property
    def more(self) -> int:
        """How many names are not shown."""
        return self.total - len(self.shown)


def cap(names: Sequence[str], full: str, limit: int = LIST_CAP) -> Capped:
    """``names`` cut to ``limit``; ``full`` is the page listing them all (used when cut)."""
    if len(names) <= limit:
        return Capped(tuple(names), len(names), None)
    return Capped(tuple(names[:limit]), len(names), full)


def dependents_uri(service: str) -> str:
    """Page listing every service that depends on ``service``."""
    return f"lists/dependents-of-{service}.md"


def readers_uri(variable: str) -> str:
    """Page listing every service that reads (or exports) ``variable``.

    Variable names are ``[A-Z][A-Z0-9_]*``; the file name is lower case with ``-`` for
    ``_`` (one-to-one, and no character a Markdown link or a file system treats specially).
    """
    return f"lists/readers-of-{variable.lower().replace('_', '-')}.md"


def more(capped: Capped) -> Markup:
    """`` and 312 more (all 332)``, linked to the full list; empty when nothing was cut.

    For pages one folder deep, as every generated page is.
    """
    if not capped.more or capped.full is None:
        return Markup("")
    return Markup(f" and {capped.more:,} more ([all {capped.total:,}](../{md(capped.full)}))")
