"""Located problems and the one error type that carries them."""

from __future__ import annotations

import difflib
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Literal

if TYPE_CHECKING:
    from collections.abc import Iterable, Sequence

__all__ = [
    "DocsError",
    "Loc",
    "LocatedError",
    "ManifestError",
    "Problem",
    "did_you_mean",
    "format_loc",
]

Loc = tuple[str | int, ...]
"""A path into the manifest: ``("services", "redis", "resources", "memory")``."""


def format_loc(loc: Loc) -> str:
    """Render a path the way people write it: ``services.redis.depends_on[1]``."""
    out = ""
    for part in loc:
        if isinstance(part, int):
            out += f"[{part}]"
        else:
            out += f".{part}" if out else str(part)
    return out or "(document)"


def did_you_mean(word: str, candidates: Iterable[str]) -> str:
    """A `` (did you mean 'x'?)`` suffix when a close candidate exists, else ``""``."""
    pool = list(candidates)
    lowered = {c.lower(): c for c in pool}
    match = difflib.get_close_matches(word.lower(), list(lowered), n=1, cutoff=0.6)
    return f" (did you mean {lowered[match[0]]!r}?)" if match else ""


@dataclass(frozen=True, order=True)
class Problem:
    """One thing wrong (or worth a warning) at one place in a file."""

    file: str
    """Path of the file as the user named it."""
    line: int
    """1-based line; 0 when the problem concerns the whole file."""
    column: int
    """1-based column; 0 when unknown."""
    message: str
    """What is wrong and what would be right."""
    loc: Loc = field(default=(), compare=False)
    """Path of the offending node in the manifest, if any."""
    severity: Literal["error", "warning"] = field(default="error", compare=False)
    """``error`` fails loading; ``warning`` is reported and loading goes on."""

    def __str__(self) -> str:
        where = self.file
        if self.line:
            where += f":{self.line}"
            if self.column:
                where += f":{self.column}"
        prefix = "warning: " if self.severity == "warning" else ""
        path = f"{format_loc(self.loc)}: " if self.loc else ""
        return f"{where}: {prefix}{path}{self.message}"


class LocatedError(Exception):
    """Input that could not be used; ``problems`` lists every reason, in file order."""

    def __init__(self, problems: Sequence[Problem]) -> None:
        self.problems: list[Problem] = sorted(problems)
        super().__init__("\n".join(str(p) for p in self.problems))

    def __str__(self) -> str:
        return "\n".join(str(p) for p in self.problems)


class ManifestError(LocatedError):
    """The manifest could not be loaded; ``problems`` lists every reason, in file order."""


class DocsError(LocatedError):
    """Markdown under the docs folder could not be read; ``problems`` says which and why."""
