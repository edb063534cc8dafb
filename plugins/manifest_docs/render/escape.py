"""Escaping of manifest strings: one function per output syntax.

Manifest values come from pull requests, so none of them may become syntax in what is
generated from it. Each output language has its own function here, and everything that
writes that language goes through it:

==============  ==============================================================
Markdown page   :func:`md` (with :func:`code`, :func:`link`, :func:`url`, :func:`doc`)
``.env`` file   :func:`dotenv` (a value) and :func:`dotenv_comment` (a ``#`` comment)
TOML            :func:`toml_string`
JSON            :func:`json_text`
POSIX shell     :func:`shell` (one word)
Mermaid         :func:`mermaid` (a quoted label) and :func:`mermaid_text` (inside one)
terminal        :func:`terminal` (the one implementation lives in
                :func:`manifest_docs.errors.visible`, which error messages use too)
==============  ==============================================================

:func:`md` makes a string inert in all three languages a page passes through: HTML
(``<script>``), Markdown (``|`` breaking a table, ``*`` and ``_`` starting emphasis,
``[`` starting a link) and the mkdocs-macros Jinja pass (``{{ 7*7 }}``). Characters are
replaced by numeric character references, which every stage passes through untouched
and the browser shows as the original text. Pieces built here on purpose are
:class:`~markupsafe.Markup` and pass through unchanged.
"""

from __future__ import annotations

import functools
import json
import re
import shlex
from typing import Any
from urllib.parse import quote, urlsplit

from markupsafe import Markup

from ..errors import INVISIBLE, escape_char, visible

__all__ = [
    "Markup",
    "code",
    "doc",
    "dotenv",
    "dotenv_comment",
    "json_text",
    "link",
    "md",
    "mermaid",
    "mermaid_text",
    "shell",
    "terminal",
    "terminal_data",
    "toml_string",
    "url",
]

_TABLE = str.maketrans(
    {
        "&": "&amp;",
        "<": "&lt;",
        ">": "&gt;",
        '"': "&quot;",
        "'": "&#39;",
        "|": "&#124;",
        "{": "&#123;",
        "}": "&#125;",
        "*": "&#42;",
        "_": "&#95;",
        "`": "&#96;",
        "[": "&#91;",
        "]": "&#93;",
        "\\": "&#92;",
        "~": "&#126;",
        "#": "&#35;",
        ":": "&#58;",
        "$": "&#36;",
        "^": "&#94;",
        "=": "&#61;",
        "+": "&#43;",
        "!": "&#33;",
        "%": "&#37;",
        "\n": " ",
        "\r": " ",
        "\t": " ",
    }
)


def md(value: object) -> Markup:
    """``value`` as inert text for a Markdown page (safe in a table cell, on one line)."""
    if isinstance(value, Markup):
        return value
    return _md_text("" if value is None else str(value))


@functools.lru_cache(maxsize=65536)
def _md_text(text: str) -> Markup:
    """Escaped text, cached: pages repeat names, statuses and kinds many times."""
    return Markup(text.translate(_TABLE))


def code(value: object) -> Markup:
    """``value`` as inline code (an HTML ``<code>`` element, so entities still apply)."""
    return Markup(f"<code>{md(value)}</code>")


_SAFE_URL = re.compile(r"^(https?://|mailto:)", re.IGNORECASE)


def url(value: str) -> str | None:
    """``value`` when it is an http(s)/mailto URL, percent-encoded where needed, else ``None``."""
    if not _SAFE_URL.match(value):
        return None
    parts = urlsplit(value)
    if not parts.netloc and not value.lower().startswith("mailto:"):
        return None
    return quote(value, safe=":/?#[]@!$&'()*+,;=%~-._")


def link(text: object, href: str) -> Markup:
    """An HTML link to an external ``href`` (plain escaped text when it is not http(s))."""
    target = url(href)
    if target is None:
        return md(text)
    escaped = target.translate(_TABLE)
    return Markup(f'<a href="{escaped}">{md(text)}</a>')


_DOC_CODE = re.compile(r"&#96;&#96;(.+?)&#96;&#96;")


def doc(text: object) -> Markup:
    """A docstring for a page: escaped like :func:`md`, with reST ````code```` as ``<code>``."""
    return Markup(_DOC_CODE.sub(r"<code>\1</code>", str(md(text))))


# --------------------------------------------------------------------------- terminal


def terminal(value: object) -> str:
    """``value`` as text for a terminal: every control and invisible character visible.

    ESC (``\\x1b``), NUL, DEL, C1 controls, line breaks, bidi overrides (``\\u202e``)
    and the other invisible format characters are written as escapes, so manifest text
    can neither drive the terminal nor hide or reorder what is shown. The same function
    as :func:`manifest_docs.errors.visible`, which error messages use.
    """
    return visible("" if value is None else str(value))


def terminal_data(data: Any) -> Any:
    """``data`` (dicts, lists, scalars) with every string passed through :func:`terminal`.

    For the data behind a command's text output: the formatter's own styling is then
    the only thing that can reach the terminal.
    """
    if isinstance(data, str):
        return terminal(data)
    if isinstance(data, dict):
        return {terminal_data(k): terminal_data(v) for k, v in data.items()}
    if isinstance(data, list):
        return [terminal_data(v) for v in data]
    return data


# --------------------------------------------------------------------------- .env

_BARE = re.compile(r"[A-Za-z0-9_./:@,+=-]+")
"""Values written without quotes: literal for every reader, docker's ``--env-file`` too."""

_UNWRITABLE = re.compile(f"(?!\t){INVISIBLE.pattern}")
"""Characters no ``.env`` line holds literally: :data:`INVISIBLE` except the tab."""

_DOUBLE_QUOTED = {
    "\\": "\\\\",
    '"': '\\"',
    "$": "\\$",
    "`": "\\`",
    "\n": "\\n",
    "\r": "\\r",
}


def _double_quoted(match: re.Match[str]) -> str:
    char = match.group(0)
    return _DOUBLE_QUOTED.get(char) or escape_char(char)


_DOUBLE_QUOTE_SPECIAL = re.compile(f'[\\\\"$`]|{_UNWRITABLE.pattern}')


def dotenv(value: str) -> str:
    """``value`` as the right-hand side of ``NAME=value`` in a ``.env`` file.

    The result is always on one physical line (docker's ``--env-file`` rule), and a
    POSIX shell that runs ``set -a; . ./.env`` never executes anything in it and
    defines exactly the names written. Three forms, the first that fits:

    1. **bare** — empty, or only ``A-Z a-z 0-9 _ . / : @ , + = -``: every reader
       (python-dotenv, the shell, docker's ``--env-file``, docker compose) reads the
       value exactly.
    2. **single-quoted** ``'value'`` — when the value holds no ``'``, no ``\\\\``, does
       not end in ``\\`` and has no control character but the tab. The shell reads it
       literally (``$``, backticks, ``"``, ``#`` and spaces included), and so does
       python-dotenv, whose single-quoted values only decode ``\\\\`` and ``\\'``.
    3. **double-quoted** ``"value"`` otherwise, with ``\\`` ``"`` ``$`` and backtick
       escaped by a backslash, newline and carriage return written as ``\\n`` and
       ``\\r``, and any other control or invisible character (NUL, ESC, DEL, C1, bidi
       overrides, U+2028...) written as its visible escape (``\\x1b``, ``\\u202e``).
       What each reader gets:

       * the shell: the value exactly, except ``\\n`` and ``\\r`` stay those two
         characters and other controls stay their visible escape;
       * python-dotenv: the value exactly — newline and carriage return included —
         except that a ``$`` or backtick keeps the backslash before it (``\\$``,
         ``\\```), and other controls stay their visible escape.

       So a value that has both a ``$`` or backtick *and* a ``'``, ``\\\\`` or trailing
       ``\\`` cannot be read exactly by both python-dotenv and the shell; it is written so
       that the shell reads it exactly and nothing runs.

    docker's ``--env-file`` does not unquote: it reads everything after ``=`` as is.
    python-dotenv expands ``${NAME}`` in *every* value, quoted or not, unless it is
    loaded with ``interpolate=False``; a value holding ``${`` reads as written only then.
    """
    if value == "" or _BARE.fullmatch(value):
        return value
    if (
        "'" not in value
        and "\\\\" not in value
        and not value.endswith("\\")
        and _UNWRITABLE.search(value) is None
    ):
        return f"'{value}'"
    return '"' + _DOUBLE_QUOTE_SPECIAL.sub(_double_quoted, value) + '"'


def dotenv_comment(text: str) -> str:
    """``text`` for after the ``#`` of a comment line in a ``.env`` or TOML file.

    Always one line: runs of whitespace (newlines, carriage returns, tabs, U+2028...)
    become one space, and every other control or invisible character its visible
    escape (``\\x1b``, ``\\u202e``). Nothing after a ``#`` is read by python-dotenv,
    the shell or a TOML parser, so no other character needs escaping; TOML also forbids
    control characters in comments, which this removes.
    """
    return visible(" ".join(text.split()))


# --------------------------------------------------------------------------- TOML

_TOML_SPECIAL = re.compile(f'[\\\\"]|{INVISIBLE.pattern}')


def _toml_char(match: re.Match[str]) -> str:
    char = match.group(0)
    if char in '\\"':
        return "\\" + char
    point = ord(char)
    if 0xD800 <= point <= 0xDFFF:  # no TOML string holds a lone surrogate: show it
        return "\\" + escape_char(char)
    return f"\\u{point:04X}" if point < 0x10000 else f"\\U{point:08X}"


def toml_string(value: str) -> str:
    """``value`` as a TOML 1.0 basic string (``"..."``) that reads back as ``value``.

    ``"`` and ``\\`` are escaped, and every control character (U+0000–U+001F, U+007F,
    C1) and invisible format character (bidi overrides, zero-width spaces, U+2028...)
    is written as a ``\\uXXXX`` escape, so the file stays valid and on one line and
    shows what it holds. A lone surrogate, which no TOML string can hold, is written as
    the text of its escape (``\\ud800``).
    """
    return '"' + _TOML_SPECIAL.sub(_toml_char, value) + '"'


# --------------------------------------------------------------------------- JSON


_JSON_RAW = re.compile(f"(?![\x00-\x1f]){INVISIBLE.pattern}")
"""What ``json.dumps`` leaves raw: :data:`INVISIBLE` but C0 (escaped in strings; the
newlines of the layout are the only C0 outside them)."""


def _json_char(match: re.Match[str]) -> str:
    point = ord(match.group(0))
    if point < 0x10000:
        return f"\\u{point:04x}"
    point -= 0x10000
    return f"\\u{0xD800 + (point >> 10):04x}\\u{0xDC00 + (point & 0x3FF):04x}"


def json_text(value: object, *, indent: int | None = None, sort_keys: bool = False) -> str:
    """``value`` as JSON text: :func:`json.dumps`, which escapes quotes and backslashes.

    ``json.dumps`` is all JSON needs; on top of it, the invisible characters JSON lets
    through raw (DEL, C1 controls, bidi overrides, U+2028...) are written as ``\\uXXXX``
    escapes, which decode to the same value but cannot drive or reorder a terminal the
    JSON is printed on. Other non-ASCII text stays readable.
    """
    text = json.dumps(value, ensure_ascii=False, indent=indent, sort_keys=sort_keys)
    return _JSON_RAW.sub(_json_char, text)


# --------------------------------------------------------------------------- shell


def shell(value: str) -> str:
    """``value`` as one POSIX shell word: :func:`shlex.quote`.

    Plain words stay as they are; anything else is put in single quotes (inside which
    nothing is special; a ``'`` is written ``'"'"'``), so the word is never expanded,
    split or run. A value with a newline gives one word spanning lines.
    """
    return shlex.quote(value)


# --------------------------------------------------------------------------- Mermaid

_MERMAID_KEEP = frozenset(" .-_/:,?!'@+=")
"""Punctuation kept as typed in a label; every other non-alphanumeric is an entity."""


_MERMAID_WORDS = re.compile(r"(?=style|classDef)\w")
"""Words before which Mermaid's entity pre-pass drops a ``;`` (it protects ``#f00;``)."""


@functools.lru_cache(maxsize=4096)
def _mermaid_text(text: str) -> str:
    flat = visible(" ".join(text.split()))
    coded = "".join(c if c.isalnum() or c in _MERMAID_KEEP else f"#{ord(c)};" for c in flat)
    return _MERMAID_WORDS.sub(lambda m: f"#{ord(m.group(0))};", coded)


def mermaid_text(value: object) -> Markup:
    """``value`` as the text inside a quoted Mermaid label (``A["…"]``), on one line.

    Letters, digits, spaces and ``.-_/:,?!'@+=`` stay as typed; every other character —
    ``"`` that would end the label, ``%`` of ``%%`` comments and ``%%{init}%%``
    directives, ``#`` of entity codes, brackets, braces, parentheses, pipes, ``<``,
    ``>``, ``&``, ``;`` and backticks — becomes a Mermaid entity code (``#34;``), which
    Mermaid documents for labels and shows as the character. Line breaks become spaces
    and controls their visible escape, so a label cannot end a statement either. Words
    such as ``click`` or ``end`` are harmless inside the quotes; the first letter of
    ``style`` and ``classDef`` is an entity too, because Mermaid's entity pre-pass cuts
    the last ``;`` of a line holding ``style …:…#…;`` (which would show an entity as
    typed).
    """
    return Markup(_mermaid_text("" if value is None else str(value)))


def mermaid(value: object) -> Markup:
    """``value`` as a complete quoted Mermaid label: ``"…"`` around :func:`mermaid_text`.

    Put it where a node's text goes: ``A[`` + label + ``]``. Whatever ``value`` holds,
    the label stays one label of that node.
    """
    return Markup(f'"{mermaid_text(value)}"')
