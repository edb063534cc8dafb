"""Markdown split into the units the drift rules read, each with its line and context.

A unit is a sentence of a paragraph, a list item, a table row (with its column
headers) or a fenced code block, together with the headings that enclose it and the
bold lead-in paragraph that introduces it (``**Railway health checks**:`` before a
list). Macro expressions (``{{ … }}``, ``{% … %}``) are blanked out: facts inserted
through macros come from the manifest and cannot contradict it. The text of a
``{% raw %}`` region is literal and is read like any other. A GitHub Actions
expression (``${{ secrets.X }}``) is not a macro and is kept.
"""

from __future__ import annotations

import bisect
import re
from dataclasses import dataclass, field

__all__ = ["Span", "Suppression", "Unit", "parse_markdown"]

_FENCE = re.compile(r"^(\s*)(`{3,}|~{3,})\s*([\w+-]*)")
_ADMONITION = re.compile(r"^(?:!!!|\?\?\?\+?)\s*[\w-]+(?:\s+[\w-]+)*(?:\s+\"([^\"]*)\")?\s*$")
"""An admonition's first line (``!!! warning "Before you deploy"``), title captured."""
_HEADING = re.compile(r"^\s{0,3}(#{1,6})\s+(.*?)\s*#*\s*(\{[^}]*\})?\s*$")
_LIST = re.compile(r"^(\s*)([-*+]|\d+[.)])\s+(.*)$")
_TABLE_SEP = re.compile(r"^\s*\|?\s*:?-{2,}:?\s*(\|\s*:?-{2,}:?\s*)*\|?\s*$")
_SUPPRESS = re.compile(r"<!--\s*drift:\s*ignore\s+([\w/*-]+)\s*(.*?)\s*-->")
_COMMENT = re.compile(r"<!--.*?-->", re.DOTALL)
_MACRO = re.compile(r"\{\{.*?\}\}|\{%.*?%\}|\{#.*?#\}", re.DOTALL)
_GITHUB_EXPR = re.compile(
    r"\$\{\{\s*(?:secrets|env|vars|github|matrix|steps|needs|inputs|runner|job)\."
)
"""A GitHub Actions expression (``${{ secrets.X }}``): workflow text, not a macro."""
_RAW = re.compile(r"(\{%-?\s*raw\s*-?%\})(.*?)(\{%-?\s*endraw\s*-?%\})", re.DOTALL)
"""A ``{% raw %}`` region: its tags go, its text stays (it is literal, not a macro)."""
_IF_TAG = re.compile(r"\{%-?\s*(if|endif)\b[^%]*%\}")
_CODE_SPAN = re.compile(r"(`+)(.+?)\1")
_SENTENCE_END = re.compile(r"(?<=[.!?])\s+(?=[A-Z(\"'*`])")
_STATED = re.compile(r"(?:^\W{0,4}|\()[A-Za-z][A-Za-z /&-]{1,40}:\s+\S")
"""A heading that states a fact: a short label without digits, a colon and a value, at
its start or in parentheses (``Primary Domain: blackroad.io``, ``Current Status: Phase
2.5``, ``Recovering from total loss (RTO: 90 minutes)``)."""
_LEAD_IN = re.compile(r"^(\*\*|__)(?=\S)([^*_]+?)(:?)\1\s*(:?)\s*$")
"""A paragraph that is one bold phrase ending in a colon: ``**Health checks**:``."""


@dataclass
class Unit:
    """One piece of prose (or code) that a fact can be tied to."""

    kind: str
    """``sentence``, ``item``, ``row``, ``code`` or ``heading`` (one that states a fact)."""
    line: int
    """1-based line where the unit starts."""
    text: str
    """Plain text: emphasis markers removed, code spans kept as their content."""
    headings: tuple[str, ...]
    """Enclosing headings, outermost first."""
    code_spans: list[str] = field(default_factory=list)
    """Contents of the inline code spans of the unit."""
    cells: list[tuple[str, str]] = field(default_factory=list)
    """For table rows: (column header, cell text) pairs."""
    lang: str = ""
    """For code blocks: the info string (``bash``, ``python``…)."""
    lines: list[str] = field(default_factory=list)
    """For code blocks: the lines of code (line numbers follow ``line + 1``)."""
    lead: str = ""
    """The bold lead-in paragraph (``Railway health checks:``) that introduces this list
    item, table row or code block, without its emphasis; ``""`` when there is none."""
    breaks: tuple[int, ...] = ()
    """For sentences over several source lines: offsets in :attr:`text` where each
    further line starts (so a value is reported at its own line)."""

    intro: str = ""
    """For code blocks: the paragraph right before it (``For example:``), plain text."""
    prior: str = ""
    """For sentences: the sentence before it in the same paragraph, plain text (what
    "it" in "It listens on 8080" may stand for)."""

    def line_at(self, offset: int) -> int:
        """The source line of the character at ``offset`` in :attr:`text`."""
        return self.line + bisect.bisect_right(self.breaks, offset)


@dataclass
class Suppression:
    """A ``<!-- drift: ignore RULE reason -->`` comment."""

    line: int
    """Line of the comment."""
    rule: str
    """Rule id or family (``fact/version``, ``fact``, ``fact/*``)."""
    reason: str
    """Why the finding is accepted."""
    first: int
    """First line it covers."""
    last: int
    """Last line it covers."""
    used: bool = False
    """Whether any finding was suppressed by it."""

    def covers(self, rule: str, line: int) -> bool:
        """Whether this comment silences ``rule`` at ``line``."""
        family = self.rule.rstrip("*").rstrip("/")
        matches = rule == self.rule or rule.startswith(family + "/") or family == rule
        return matches and self.first <= line <= self.last


def _blank(match: re.Match[str]) -> str:
    """Replace a match by spaces, keeping newlines (so line numbers stay right)."""
    return "".join("\n" if c == "\n" else " " for c in match.group(0))


def _blank_macro(match: re.Match[str]) -> str:
    """:func:`_blank` for a macro; a GitHub Actions expression is kept as written."""
    start = match.start()
    if start and _GITHUB_EXPR.match(match.string, start - 1):
        return match.group(0)
    return _blank(match)


def _blank_conditionals(text: str) -> str:
    """Blank every ``{% if %}…{% endif %}`` region (nested ones with it).

    Which branch renders depends on the manifest, so neither can contradict it: the
    reader sees the branch that agrees.
    """
    out, depth, start, last = [], 0, 0, 0
    for m in _IF_TAG.finditer(text):
        if m.group(1) == "if":
            if depth == 0:
                start = m.start()
            depth += 1
        elif depth:
            depth -= 1
            if depth == 0:
                out += [
                    text[last:start],
                    "".join("\n" if c == "\n" else " " for c in text[start : m.end()]),
                ]
                last = m.end()
    out.append(text[last:])
    return "".join(out)


def _blank_jinja(text: str) -> str:
    return _MACRO.sub(_blank_macro, _blank_conditionals(text))


def _spaces(text: str) -> str:
    return "".join("\n" if c == "\n" else " " for c in text)


def _without_macros(source: str) -> str:
    """``source`` with its macros blanked; a ``{% raw %}`` region's text is kept.

    ``{% raw %}`` only switches Jinja off: the Railway reference or Actions snippet
    inside it is what the reader sees, so the gate reads it. Lengths and newlines are
    kept, so every line number stays right.
    """
    out, last = [], 0
    for m in _RAW.finditer(source):
        out += [_blank_jinja(source[last : m.start()]), _spaces(m.group(1)), m.group(2)]
        out.append(_spaces(m.group(3)))
        last = m.end()
    out.append(_blank_jinja(source[last:]))
    return "".join(out)


class Span(str):
    """A code span's text, knowing where it starts in its unit's plain text."""

    start: int
    """Offset in :attr:`Unit.text`."""

    def __new__(cls, text: str, start: int) -> Span:
        """The span ``text``, found at ``start``."""
        span = super().__new__(cls, text)
        span.start = start
        return span


_OPEN, _CLOSE = "\x01", "\x02"
"""Marks around code spans while the rest of the markup is taken out."""
_MARKED = re.compile(f"{_OPEN}([^{_OPEN}{_CLOSE}]*){_CLOSE}")


def _plain(text: str) -> tuple[str, list[str]]:
    text = text.replace(_OPEN, "").replace(_CLOSE, "")
    text = _CODE_SPAN.sub(lambda m: _OPEN + m.group(2) + _CLOSE, text)
    text = re.sub(r"\*\*|__|(?<!\w)[*_](?=\S)|(?<=\S)[*_](?!\w)", "", text)
    text = re.sub(r"!?\[([^\]]*)\]\([^)]*\)", r"\1", text)
    text = _COMMENT.sub(" ", text)
    marked = " ".join(text.split())
    spans: list[str] = []
    for n, m in enumerate(_MARKED.finditer(marked)):
        body = m.group(1)
        lead = len(body) - len(body.lstrip())
        spans.append(Span(body.strip(), m.start(1) - 2 * n - 1 + lead))  # less the marks
    return marked.replace(_OPEN, "").replace(_CLOSE, ""), spans


def _cells(line: str) -> list[str]:
    body = line.strip()
    body = body.removeprefix("|").removesuffix("|")
    return [c.strip() for c in re.split(r"(?<!\\)\|", body)]


def _suppressions(line: str, number: int, first: int, last: int) -> list[Suppression]:
    """The ``drift: ignore`` comments on ``line`` (not those shown inside a code span)."""
    spans = [m.span() for m in _CODE_SPAN.finditer(line)]
    return [
        Suppression(number, m.group(1), m.group(2), first, last)
        for m in _SUPPRESS.finditer(line)
        if not any(s <= m.start() < e for s, e in spans)
    ]


def _lead_in(lines: list[tuple[int, str]]) -> str:
    """The text of a lead-in paragraph, else ``""``.

    That is one bold phrase ending in a colon (``**Health checks**:``) or one short
    line that does (``Key layout:``), right before a list, table or code block.
    """
    if len(lines) != 1:
        return ""
    m = _LEAD_IN.match(lines[0][1])
    if m and (m.group(3) or m.group(4)):
        return m.group(2).strip() + ":"
    label = lines[0][1].strip()
    if label.endswith(":") and len(label) <= _LABEL_MAX and not label.startswith(("|", "<")):
        return _plain(label)[0]
    return ""


_LABEL_MAX = 80
"""Longest plain line taken as a label over what follows it (``Key layout:``)."""


def parse_markdown(source: str) -> tuple[list[Unit], list[Suppression]]:
    """Split ``source`` into units and suppression comments."""
    text = _without_macros(source)
    lines = text.split("\n")
    src_lines = source.split("\n")
    units: list[Unit] = []
    suppressions: list[Suppression] = []
    headings: list[tuple[int, str]] = []
    lead = ""  # the bold lead-in paragraph over the current list, table or code block
    i = 0
    n = len(lines)
    if lines and lines[0].strip() == "---":
        for j in range(1, n):
            if lines[j].strip() in ("---", "..."):
                i = j + 1
                break

    def heads() -> tuple[str, ...]:
        return tuple(h for _, h in headings)

    def fence_end(start: int) -> int:
        """Line of the fence closing the one opened at ``start`` (``n``: never closed)."""
        opener = _FENCE.match(lines[start])
        ticks = opener.group(2) if opener else "```"
        j = start + 1
        while j < n and not lines[j].strip().startswith(ticks[0] * len(ticks)):
            j += 1
        return j

    def block_end(start: int) -> int:
        """Last line of the block starting at ``start`` (up to the next blank line).

        A fenced code block counts as one block, however many blank lines it holds.
        """
        j = start
        while True:
            if _FENCE.match(lines[j]):
                j = fence_end(j)
                if j >= n:
                    return n - 1
            if j + 1 < n and lines[j + 1].strip():
                j += 1
            else:
                return j

    paragraph: list[tuple[int, str]] = []

    intro = ""

    def flush_paragraph() -> None:
        nonlocal lead, intro
        if not paragraph:
            return
        intro = _plain(" ".join(t for _, t in paragraph))[0]
        start = paragraph[0][0]
        joined = "\n".join(t for _, t in paragraph)
        pos = 0
        prior = ""
        for piece in _SENTENCE_END.split(joined):
            offset = joined.find(piece, pos)
            pos = offset + len(piece)
            plain, spans = _plain(piece)
            if plain:
                breaks, at = [], 0
                for part in piece.split("\n")[:-1]:  # where each further line starts
                    at += len(_plain(part)[0]) + (1 if _plain(part)[0] else 0)
                    breaks.append(at)
                units.append(
                    Unit(
                        "sentence",
                        start + joined.count("\n", 0, offset),
                        plain,
                        heads(),
                        spans,
                        lead=lead,
                        breaks=tuple(breaks),
                        prior=prior,
                    )
                )
                prior = plain
        lead = _lead_in(paragraph)
        paragraph.clear()

    while i < n:
        raw = lines[i]
        number = i + 1
        stripped = raw.strip()
        if "drift:" in src_lines[i]:
            alone = _SUPPRESS.sub("", src_lines[i]).strip() == ""
            first = number + 1 if alone else number
            last = block_end(i + 1) + 1 if alone and i + 1 < n else number
            suppressions += _suppressions(src_lines[i], number, first, last)
        fence = _FENCE.match(raw)
        if fence:
            flush_paragraph()
            j = fence_end(i)
            body = lines[i + 1 : j]
            units.append(
                Unit(
                    "code",
                    number,
                    "\n".join(body),
                    heads(),
                    lang=fence.group(3),
                    lines=body,
                    lead=lead,
                    intro=intro,
                )
            )
            intro = ""
            i = j + 1
            continue
        heading = _HEADING.match(raw)
        if heading:
            flush_paragraph()
            lead = intro = ""
            level = len(heading.group(1))
            while headings and headings[-1][0] >= level:
                headings.pop()
            plain, spans = _plain(heading.group(2))
            if _STATED.search(plain):  # "## Primary Domain: blackroad.io" states a fact
                units.append(Unit("heading", number, plain, heads(), spans))
            headings.append((level, plain))
            i += 1
            continue
        if not stripped or stripped.startswith("<!--"):
            flush_paragraph()
            i += 1
            continue
        admonition = _ADMONITION.match(stripped)
        if admonition:  # "!!! warning "Title"": the body below is prose of its own
            flush_paragraph()
            lead = admonition.group(1) or ""
            i += 1
            continue
        if "|" in stripped and i + 1 < n and _TABLE_SEP.match(lines[i + 1]) and "-" in lines[i + 1]:
            flush_paragraph()
            header = [_plain(c)[0] for c in _cells(raw)]
            j = i + 2
            while j < n and "|" in lines[j] and lines[j].strip():
                cells = _cells(lines[j])
                pairs = [
                    (header[k] if k < len(header) else "", _plain(c)[0])
                    for k, c in enumerate(cells)
                ]
                plain, spans = _plain(" | ".join(cells))
                units.append(Unit("row", j + 1, plain, heads(), spans, pairs, lead=lead))
                j += 1
            i = j
            continue
        item = _LIST.match(raw)
        if item:
            flush_paragraph()
            indent = len(item.group(1))
            parts = [item.group(3)]
            j = i + 1
            while (
                j < n
                and lines[j].strip()
                and not _LIST.match(lines[j])
                and not _FENCE.match(lines[j])
                and not _HEADING.match(lines[j])
                and (
                    len(lines[j]) - len(lines[j].lstrip()) > indent or not lines[j].startswith(" ")
                )
            ):
                parts.append(lines[j].strip())
                j += 1
            plain, spans = _plain(" ".join(parts))
            units.append(Unit("item", number, plain, heads(), spans, lead=lead))
            i = j
            continue
        paragraph.append((number, stripped))
        i += 1
    flush_paragraph()
    return units, suppressions
