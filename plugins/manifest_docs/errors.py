"""Located problems and the one error type that carries them.

Also the one place that makes text safe to show: :func:`visible` writes every control
and invisible character as an escape (``render.escape.terminal`` is the same
function), :func:`quote` quotes a value for a message, short and on one line, and
:class:`Problem` always prints as one bounded line, whatever its message and path hold.
"""

from __future__ import annotations

import difflib
import re
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Literal

if TYPE_CHECKING:
    from collections.abc import Iterable, Sequence

__all__ = [
    "FILE_LIMIT",
    "INVISIBLE",
    "LOC_LIMIT",
    "MAX_PROBLEMS",
    "MESSAGE_LIMIT",
    "QUOTE_LIMIT",
    "DocsError",
    "Loc",
    "LocatedError",
    "ManifestError",
    "Problem",
    "did_you_mean",
    "escape_char",
    "format_loc",
    "quote",
    "shorten",
    "visible",
]

Loc = tuple[str | int, ...]
"""A path into the manifest: ``("services", "redis", "resources", "memory")``."""

# --------------------------------------------------------------------------- visible text

INVISIBLE = re.compile(
    "["
    "\x00-\x1f\x7f-\x9f"  # C0 controls (ESC, NUL, newline, tab...), DEL, C1 controls
    "\u00ad\u0600-\u0605\u061c\u06dd\u070f\u0890\u0891\u08e2\u180e"
    "\u200b-\u200f"  # zero-width space and joiners, left-to-right/right-to-left marks
    "\u2028-\u202e"  # line and paragraph separators, bidi embeddings and overrides
    "\u2060-\u2064\u2066-\u206f"  # word joiner, invisible operators, bidi isolates
    "\ud800-\udfff"  # lone surrogates (not even encodable as UTF-8)
    "\ufeff\ufff9-\ufffb"
    "\U000110bd\U000110cd\U00013430-\U0001343f\U0001bca0-\U0001bca3"
    "\U0001d173-\U0001d17a\U000e0001\U000e0020-\U000e007f"
    "]"
)
"""Characters a terminal or an editor does not show as themselves.

Every character of the Unicode categories Cc (controls: C0, DEL, C1), Cf (invisible
format characters, among them the bidi overrides U+202A–U+202E and isolates
U+2066–U+2069), Zl and Zp (line and paragraph separators) and Cs (surrogates).
"""


def escape_char(char: str) -> str:
    """One character as a Python-style escape: ``\\x1b``, ``\\u202e``, ``\\U000e0001``."""
    point = ord(char)
    if point < 0x100:
        return f"\\x{point:02x}"
    if point < 0x10000:
        return f"\\u{point:04x}"
    return f"\\U{point:08x}"


def visible(text: str) -> str:
    """``text`` with every :data:`INVISIBLE` character written as an escape.

    ESC becomes the four characters ``\\x1b``, a newline ``\\x0a``, a right-to-left
    override ``\\u202e``: what remains can go to a terminal or a log line and shows
    exactly what is there, on one line. Backslashes already in ``text`` are kept as
    they are (this is for people to read, not to parse back).
    """
    if INVISIBLE.search(text) is None:
        return text
    return INVISIBLE.sub(lambda m: escape_char(m.group(0)), text)


ELLIPSIS = "…"


def shorten(text: str, limit: int, *, middle: bool = False) -> str:
    """:func:`visible` ``text`` in at most ``limit`` characters; ``…`` marks a cut.

    The end is cut off, or with ``middle`` the middle (so a message keeps its hint at
    the end). Only ``limit`` characters of ``text`` are ever looked at, so a value of
    megabytes costs no more than a short one.
    """
    if len(text) <= limit:
        shown = visible(text)
        if len(shown) <= limit:
            return shown
    room = max(limit - len(ELLIPSIS), 0)
    if not middle:
        return _fit(text, room, tail=False) + ELLIPSIS
    head = _fit(text, room - room // 3, tail=False)
    tail = _fit(text, room - len(head), tail=True)
    return head + ELLIPSIS + tail


def _fit(text: str, room: int, *, tail: bool) -> str:
    """The longest start (or end) of ``text`` whose visible form has ``room`` characters."""
    keep = room
    while keep > 0:
        piece = text[-keep:] if tail else text[:keep]
        shown = visible(piece)
        if len(shown) <= room:
            return shown
        keep -= len(shown) - room  # each escape is longer than its character: converges
    return ""


QUOTE_LIMIT = 80
"""Default length of a value quoted in a message (:func:`quote`)."""


def quote(value: object, limit: int = QUOTE_LIMIT) -> str:
    """``value`` for a message: quoted like ``repr``, one line, about ``limit`` characters.

    Text is quoted as Python quotes it (``'lots'``), with escapes for every invisible
    character; text longer than ``limit`` is cut, an ``…`` before the closing quote
    saying so (``'aaaa…'``). Other values give their ``repr``, cut the same way.
    """
    if not isinstance(value, str):
        try:
            text = repr(value)
        except ValueError:  # an int too long to print
            text = f"<{type(value).__name__}>"
        return shorten(text, limit)
    keep = min(len(value), limit)
    while True:
        cut = keep < len(value)
        shown = visible(repr(value[:keep] + (ELLIPSIS if cut else "")))
        if len(shown) <= limit + 2 or keep == 0:
            return shown
        keep = max(0, keep - (len(shown) - limit - 2))


# --------------------------------------------------------------------------- locations

_PLAIN_KEY = re.compile(r"[A-Za-z0-9_-]+")

LOC_LIMIT = 200
"""Most characters :func:`format_loc` gives for one path."""

_KEY_LIMIT = 40


def format_loc(loc: Loc) -> str:
    """Render a path the way people write it: ``services.redis.depends_on[1]``.

    A key that is not a plain name (it holds a dot, a space, a newline, a quote...) is
    shown quoted in brackets, ``services['a.b'].kind``, so the path reads as one path on
    one line; long keys are shortened and the whole path is at most :data:`LOC_LIMIT`
    characters.
    """
    out = ""
    for part in loc:
        if isinstance(part, int):
            out += f"[{part}]"
        elif _PLAIN_KEY.fullmatch(part) and len(part) <= _KEY_LIMIT:
            out += f".{part}" if out else part
        else:
            out += f"[{quote(part, _KEY_LIMIT)}]"
        if len(out) > LOC_LIMIT:
            break
    return shorten(out, LOC_LIMIT) if out else "(document)"


def did_you_mean(word: str, candidates: Iterable[str]) -> str:
    """A `` (did you mean 'x'?)`` suffix when a close candidate exists, else ``""``."""
    pool = list(candidates)
    lowered = {c.lower(): c for c in pool}
    match = difflib.get_close_matches(word.lower(), list(lowered), n=1, cutoff=0.6)
    return f" (did you mean {lowered[match[0]]!r}?)" if match else ""


FILE_LIMIT = 200
"""Most characters of a file name in one :class:`Problem` line."""

MAX_PROBLEMS = 200
"""Problems worked out per run; a manifest with more has one mistake repeated."""

MESSAGE_LIMIT = 500
"""Most characters of a message in one :class:`Problem` line."""


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
        """``file:line:column: [warning: ]path: message`` — always one line, bounded.

        Whatever the file name, path and message hold, the result has no control or
        invisible character (they are shown as escapes), no line break, and at most
        about :data:`FILE_LIMIT` + :data:`LOC_LIMIT` + :data:`MESSAGE_LIMIT` characters
        (a long message loses its middle, marked ``…``).
        """
        where = shorten(self.file, FILE_LIMIT)
        if self.line:
            where += f":{self.line}"
            if self.column:
                where += f":{self.column}"
        prefix = "warning: " if self.severity == "warning" else ""
        path = f"{format_loc(self.loc)}: " if self.loc else ""
        message = shorten(self.message, MESSAGE_LIMIT, middle=True)
        return f"{where}: {prefix}{path}{message}"


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
