"""The drift gate: findings where hand-written docs contradict ``manifest.yml``.

:func:`check_docs` reads every Markdown file under a docs folder and runs the rules
(see :data:`RULES`); :func:`check_project` adds the committed artefacts. Findings come
back sorted (file, line, rule), so output and CI annotations are stable.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from typing import TYPE_CHECKING

from ..errors import DocsError, Problem
from .findings import Finding, format_finding
from .rules import RULES, check_freshness, check_sources

if TYPE_CHECKING:
    from pathlib import Path

    from ..load import LoadedManifest

__all__ = ["RULES", "DocsError", "Finding", "check_docs", "check_freshness", "format_finding"]


def check_docs(
    loaded: LoadedManifest,
    docs_dir: Path,
    *,
    shown_dir: str | None = None,
    narratives: str = "services",
    today: dt.date | None = None,
    strict_freshness: bool = False,
) -> list[Finding]:
    """Every finding for the Markdown files under ``docs_dir`` plus freshness, sorted.

    Only files count (a folder named ``x.md`` or a dangling link is not a page). Raises
    :class:`DocsError` naming every page that could not be read.
    """
    shown = shown_dir if shown_dir is not None else str(docs_dir)
    pages = {}
    unreadable = []
    for path in sorted(docs_dir.rglob("*.md")):
        if not path.is_file():
            continue
        rel = path.relative_to(docs_dir).as_posix()
        try:
            pages[rel] = path.read_text(encoding="utf-8", errors="replace")
        except OSError as exc:
            reason = exc.strerror or type(exc).__name__
            unreadable.append(Problem(f"{shown}/{rel}", 0, 0, f"cannot read this page: {reason}"))
    if unreadable:
        raise DocsError(unreadable)
    findings = [
        dataclasses.replace(f, file=f"{shown}/{f.file}")
        for f in check_sources(loaded, pages, narratives=narratives)
    ]
    findings += check_freshness(loaded, today or dt.date.today(), strict=strict_freshness)
    return sorted(set(findings))
