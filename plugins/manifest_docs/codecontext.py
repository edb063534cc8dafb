"""Facts written inside code: the page source rewritten before the macros run.

A fact renders escaped for prose (``*`` becomes ``&#42;``, ``<`` becomes ``&lt;``), which
Markdown turns back into the character — except inside code, where an entity is printed
as typed. Contributors naturally put a fact between backticks, or in a shell block a
reader will copy, so before the macros expand a page:

* a code span holding a macro becomes inline HTML code (``<code>…</code>``), where
  entities are decoded: the literal text around the macro is escaped the same way, so
  the span reads exactly as written;
* a macro inside a fenced code block is passed through the ``verbatim`` filter: the
  plain value, since the highlighter escapes the block itself;
* except in a ``mermaid`` block, which is a diagram, not code shown to readers: there a
  macro between double quotes (``A["{{ x }}"]``) goes through ``mermaid_text`` and any
  other through ``mermaid_label``, which adds the quotes, so a value always stays the
  text of one label (:func:`manifest_docs.render.escape.mermaid`).

``{% raw %}`` regions are left alone, and every rewrite stays on its line, so a macro
error is still reported at the line the author wrote. Pure text in, text out.
"""

from __future__ import annotations

import re

from .facts import inline

__all__ = [
    "CODE_FILTER",
    "MERMAID_LABEL_FILTER",
    "MERMAID_TEXT_FILTER",
    "VERBATIM_FILTER",
    "protect_code",
]

CODE_FILTER = "md_code_text"
"""Filter applied to a macro inside a code span (escaped text, decoded by Markdown)."""

VERBATIM_FILTER = "verbatim"
"""Filter applied to a macro inside a fenced code block (the plain value)."""

MERMAID_LABEL_FILTER = "mermaid_label"
"""Filter applied to a macro in a ``mermaid`` block outside quotes (a quoted label)."""

MERMAID_TEXT_FILTER = "mermaid_text"
"""Filter applied to a macro in a ``mermaid`` block between double quotes."""

_RAW = re.compile(r"\{%-?\s*raw\s*-?%\}.*?\{%-?\s*endraw\s*-?%\}", re.DOTALL)
_FENCE = re.compile(r"^[ \t]*(`{3,}|~{3,})")
_EXPR = re.compile(r"\{\{(-?)(.*?)(-?)\}\}", re.DOTALL)
_TICKS = re.compile(r"`+")
_MERMAID_INFO = re.compile(r"\s*\{?\s*\.?mermaid(?![\w-])")
_STATEMENT = re.compile(r"\{%.*?%\}|\{#.*?#\}")


def _wrap(expr: re.Match[str], name: str) -> str:
    left, body, right = expr.groups()
    if not body.strip():
        return expr.group(0)
    return f"{{{{{left} ({body.strip()}) | {name} {right}}}}}"


def _literal(text: str) -> str:
    """Text from a code span, escaped for inline HTML code (Jinja statements kept)."""
    out, pos = [], 0
    for stmt in re.finditer(r"\{%.*?%\}", text):
        out.append(inline(text[pos : stmt.start()]))
        out.append(stmt.group(0))
        pos = stmt.end()
    out.append(inline(text[pos:]))
    return "".join(out)


def _span(content: str) -> str:
    """One code span's content (holding a macro) as ``<code>…</code>``."""
    out, pos = ["<code>"], 0
    for expr in _EXPR.finditer(content):
        out.append(_literal(content[pos : expr.start()]))
        out.append(_wrap(expr, CODE_FILTER))
        pos = expr.end()
    out.append(_literal(content[pos:]))
    out.append("</code>")
    return "".join(out)


def _inline(line: str) -> str:
    """Rewrite the code spans of one line of prose that hold a macro."""
    if "`" not in line or "{{" not in line:
        return line
    out, pos = [], 0
    while True:
        opening = _TICKS.search(line, pos)
        if opening is None:
            break
        run = opening.group(0)
        closing = re.compile(rf"(?<!`){run}(?!`)").search(line, opening.end())
        if closing is None:
            break  # an unmatched run is literal backticks
        content = line[opening.end() : closing.start()]
        out.append(line[pos : opening.start()])
        if "{{" in content:
            inner = (
                content[1:-1] if len(content) > 1 and content[0] == content[-1] == " " else content
            )
            out.append(_span(inner))
        else:
            out.append(line[opening.start() : closing.end()])
        pos = closing.end()
    out.append(line[pos:])
    return "".join(out)


_MASK = "\x00\x01"


def protect_code(markdown: str) -> str:
    """The page source with every macro inside code made to render as written.

    >>> protect_code("Eviction is `{{ x }}`.")
    'Eviction is <code>{{ (x) | md_code_text }}</code>.'
    """
    if "{{" not in markdown:
        return markdown
    # Inside {% raw %} nothing is a macro: hide its braces, keep its lines and fences.
    masked = _RAW.sub(lambda m: m.group(0).replace("{{", _MASK), markdown)
    lines = masked.split("\n")
    fence: str | None = None
    diagram = False
    for i, line in enumerate(lines):
        marker = _FENCE.match(line)
        if fence is None:
            if marker is not None:
                fence = marker.group(1)
                diagram = _MERMAID_INFO.match(line[marker.end() :]) is not None
            else:
                lines[i] = _inline(line)
        elif _closes(fence, marker, line):
            fence = None
        elif "{{" in line:
            lines[i] = _mermaid(line) if diagram else _EXPR.sub(_verbatim, line)
    return "\n".join(lines).replace(_MASK, "{{")


def _verbatim(expr: re.Match[str]) -> str:
    return _wrap(expr, VERBATIM_FILTER)


def _mermaid(line: str) -> str:
    """One line of a ``mermaid`` block: each macro becomes a label or a label's text.

    Whether a macro stands between double quotes is decided by counting the ``"`` of
    the line before it, leaving out other macros and Jinja statements.
    """
    out, pos, quoted = [], 0, False
    for expr in _EXPR.finditer(line):
        before = line[pos : expr.start()]
        if _STATEMENT.sub("", before).count('"') % 2:
            quoted = not quoted
        out.append(before)
        out.append(_wrap(expr, MERMAID_TEXT_FILTER if quoted else MERMAID_LABEL_FILTER))
        pos = expr.end()
    out.append(line[pos:])
    return "".join(out)


def _closes(fence: str, marker: re.Match[str] | None, line: str) -> bool:
    """Whether ``line`` ends the block opened by ``fence`` (same character, as long)."""
    if marker is None:
        return False
    run = marker.group(1)
    return run[0] == fence[0] and len(run) >= len(fence) and not line[marker.end() :].strip()
