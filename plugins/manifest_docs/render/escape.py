"""Escaping of manifest strings for Markdown pages.

Every manifest string reaches a page through :func:`md`, which makes it inert in all
three languages the page passes through: HTML (``<script>``), Markdown (``|`` breaking
a table, ``*`` and ``_`` starting emphasis, ``[`` starting a link) and the
mkdocs-macros Jinja pass (``{{ 7*7 }}``). Characters are replaced by numeric character
references, which every stage passes through untouched and the browser shows as the
original text. Pieces built here on purpose are :class:`~markupsafe.Markup` and pass
through unchanged.
"""

from __future__ import annotations

import functools
import re
from urllib.parse import quote, urlsplit

from markupsafe import Markup

__all__ = ["Markup", "code", "doc", "link", "md", "url"]

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
