"""A drift finding and its text form."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

from ..errors import visible

__all__ = ["Finding", "format_finding"]


@dataclass(frozen=True, order=True)
class Finding:
    """One place where the docs (or a committed file) disagree with the manifest."""

    file: str
    """File the finding is in, as shown to the user (``docs/infra.md``)."""
    line: int
    """1-based line (0: the whole file)."""
    rule: str
    """Rule id, e.g. ``fact/version``."""
    message: str
    """What is wrong, citing the manifest's line and path where relevant."""
    severity: Literal["error", "warning"] = "error"
    """``warning`` findings fail only a strict build (freshness, by default)."""
    diff: str = ""
    """A unified diff, for stale committed artefacts."""


def format_finding(f: Finding) -> str:
    """``docs/infra.md:182: fact/version: …`` — the text format.

    The finding is one line whatever the page or manifest held (control characters
    are shown as escapes); a diff follows on lines of its own, each made visible too.
    """
    where = f"{f.file}:{f.line}" if f.line else f.file
    text = visible(f"{where}: {f.rule}: {f.message}")
    if not f.diff:
        return text
    return "\n".join([text, *(visible(line) for line in f.diff.rstrip("\n").split("\n"))])
