"""Recognising credentials in manifest text, in linear time.

A manifest arrives through pull requests, so whatever it holds is scanned before
anything is published. Two families of shapes are known (:data:`SHAPES`):

* **Distinctive** shapes carry a prefix or a structure nobody writes by accident
  (``ghp_…``, ``sk_live_…``, a JWT, a PEM block, a password inside a URL). They are
  refused anywhere: in values, in keys, and in comments.
* **Contextual** shapes (a UUID, 64 hex digits, a 40-character AWS secret access key
  or Cloudflare token, any long random-looking string) are also ordinary identifiers,
  checksums and ids. They are refused where the context says "credential": every
  string of a variable marked ``secret: true``, the literal values of a variable
  named like a credential (``RAILWAY_TOKEN``), and text of the form
  ``NAME_TOKEN = value`` / ``api_key: value``, in values and comments alike.

Every scan is linear in the length of the text: each pattern either starts with a
literal or is bounded (``{0,40}`` rather than ``*``), so no input makes the regex
engine backtrack over unbounded runs. A token written with single spaces inside it
(``ghp_AbC1 23dE …``) is found too: after each distinctive prefix the next few dozen
characters are read again without those spaces.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

__all__ = [
    "SHAPES",
    "Finding",
    "Shape",
    "credential_like",
    "credential_name",
    "find_credential",
    "find_in_value",
    "find_secret_value",
    "has_contextual",
    "may_hold_contextual",
    "redact",
    "scan_text",
]


@dataclass(frozen=True)
class Shape:
    """One kind of credential and how to recognise it."""

    what: str
    """What it is, as messages say it: ``a GitHub token``."""
    pattern: re.Pattern[str]
    """The shape itself; every quantifier is bounded or follows a literal prefix."""
    distinctive: bool
    """Refused anywhere (``True``), or only where the context says credential."""
    example: str
    """A made-up instance (for the reference page and the tests; not a real key)."""
    prefixes: tuple[str, ...] = ()
    """Literal starts of every match (distinctive shapes; empty for contextual ones)."""
    mixed: bool = False
    """Matches count only when they mix digits and letters (both cases, unless hex)."""


def _s(
    what: str,
    pattern: str,
    example: str,
    *prefixes: str,
    distinctive: bool = True,
    mixed: bool = False,
) -> Shape:
    return Shape(what, re.compile(pattern), distinctive, example, prefixes, mixed)


_ALNUM20 = "A1b2C3d4E5f6G7h8I9j0K1l2"
SHAPES: tuple[Shape, ...] = (
    _s("a Stripe secret key", r"sk_(?:live|test)_[A-Za-z0-9]{8,}", "sk_live_" + _ALNUM20, "sk_"),
    _s(
        "a Stripe restricted key", r"rk_(?:live|test)_[A-Za-z0-9]{8,}", "rk_test_" + _ALNUM20, "rk_"
    ),
    _s("a Stripe webhook secret", r"whsec_[A-Za-z0-9]{16,}", "whsec_" + _ALNUM20, "whsec_"),
    _s("an OpenAI-style API key", r"sk-[A-Za-z0-9_-]{16,}", "sk-proj-" + _ALNUM20, "sk-"),
    _s(
        "a GitHub token",
        r"gh[pousr]_[A-Za-z0-9]{20,}",
        "ghp_" + _ALNUM20 + "abcdefghijkl",
        *(f"gh{c}_" for c in "pousr"),
    ),
    _s(
        "a GitHub fine-grained token",
        r"github_pat_[A-Za-z0-9_]{20,}",
        "github_pat_" + _ALNUM20,
        "github_pat_",
    ),
    _s("a GitLab token", r"glpat-[A-Za-z0-9_-]{20,}", "glpat-" + _ALNUM20, "glpat-"),
    _s("an npm token", r"npm_[A-Za-z0-9]{36}", "npm_" + _ALNUM20 + "abcdefghijkl", "npm_"),
    _s(
        "an AWS access key id",
        r"(?:AKIA|ASIA)[0-9A-Z]{16}(?![0-9A-Z])",
        "AKIA2E0A8F3B244C9986",
        "AKIA",
        "ASIA",
    ),
    _s("a Slack token", r"xox[abposr]-[A-Za-z0-9-]{10,}", "xoxb-1234567890-" + _ALNUM20, "xox"),
    _s(
        "a Slack webhook URL",
        r"hooks\.slack\.com/services/T[A-Z0-9]{6,}/B[A-Z0-9]{6,}/[A-Za-z0-9]{16,}",
        "https://hooks.slack.com/services/T0123ABCD/B0123ABCD/" + _ALNUM20,
        "hooks.slack.com/",
    ),
    _s(
        "a Google API key",
        r"AIza[0-9A-Za-z_-]{35}(?![0-9A-Za-z_-])",
        "AIza" + _ALNUM20 + "abcdefghijk",
        "AIza",
    ),
    _s(
        "a SendGrid API key",
        r"SG\.[A-Za-z0-9_-]{22}\.[A-Za-z0-9_-]{43}",
        "SG." + "a1B2c3D4e5F6g7H8i9J0kL" + "." + "A1b2C3d4E5f6G7h8I9j0K1l2M3n4O5p6Q7r8S9t0U1v",
        "SG.",
    ),
    _s(
        "a JSON Web Token",
        r"eyJ[A-Za-z0-9_-]{8,}\.eyJ[A-Za-z0-9_-]{8,}\.[A-Za-z0-9_-]{8,}",
        "eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxMjM0NTY3ODkwIn0.c2lnbmF0dXJlLXNpZ25hdHVyZQ",
        "eyJ",
    ),
    _s(
        "a private key block",
        r"-----BEGIN (?:[A-Z0-9]{1,12} ){0,3}PRIVATE KEY-----",
        "-----BEGIN RSA PRIVATE KEY-----",
        "-----BEGIN ",
    ),
    _s(
        "a PGP private key block",
        r"-----BEGIN PGP PRIVATE KEY BLOCK-----",
        "-----BEGIN PGP PRIVATE KEY BLOCK-----",
        "-----BEGIN ",
    ),
    # Contextual: ordinary ids and checksums look the same, so only where a credential is due.
    _s(
        "a UUID-shaped token (Railway and others issue these)",
        r"(?<![0-9A-Fa-f-])[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}(?![0-9A-Fa-f-])",
        "3f1c2a9e-7b4d-4e21-9c8a-5d6e7f8a9b0c",
        distinctive=False,
    ),
    _s(
        "a 64-hex-digit secret",
        r"(?<![0-9A-Fa-f])[0-9a-fA-F]{64}(?![0-9A-Fa-f])",
        "9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08",
        distinctive=False,
        mixed=True,
    ),
    _s(
        "a Cloudflare API token",
        r"(?<![A-Za-z0-9_-])[A-Za-z0-9_-]{40}(?![A-Za-z0-9_-])",
        "Y5n0rJm2XkQ8sL4tVb7HcW1pZ3dF6gA9eR0uI2oP",
        distinctive=False,
        mixed=True,
    ),
    _s(
        "an AWS secret access key",
        r"(?<![A-Za-z0-9/+])[A-Za-z0-9/+]{40}(?![A-Za-z0-9/+=])",
        "Zm9vK7MDENG/bPxRfiCYq8s2LmN0pQrStUvWx1Y+",
        distinctive=False,
        mixed=True,
    ),
)
"""Every credential shape recognised, distinctive first. Keep :data:`_PREFIX` in step."""

_DISTINCTIVE = tuple(s for s in SHAPES if s.distinctive)
_CONTEXTUAL = tuple(s for s in SHAPES if not s.distinctive)
_PREFIX = re.compile(
    "|".join(
        sorted({re.escape(p) for s in _DISTINCTIVE for p in s.prefixes}, key=len, reverse=True)
    )
)
"""Where a distinctive credential may start: one pass finds every candidate."""
_SPLIT_WINDOW = 120
"""Characters after a prefix read again without the spaces a token may be split by."""
_SPLIT_SPACE = re.compile(r"(?<=[A-Za-z0-9_-]) (?=[A-Za-z0-9_-])")

_URL_PASSWORD = re.compile(r"://([^\s/@:'\"<>`]{0,128}):([^\s@:'\"<>`]{1,256})@")
"""A password in a URL, with a user (``postgres://u:p@h``) or without (``redis://:p@h``).

The pattern starts at the literal ``://``, so the regex engine finds candidates with
a fast literal search (a lookbehind in front would make it try every position); the
scheme before it is checked by :func:`_scheme_before`. Neither part runs past a ``:``, so
each character is read a bounded number of times whatever the text (a password may
hold ``/``, not ``:``).
"""
_SCHEME_CHARS = frozenset("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+.-")


def _scheme_before(text: str, end: int) -> bool:
    """Whether a URL scheme (a letter, then letters, digits, ``+.-``) ends at ``end``."""
    start = end
    while start > 0 and end - start < 32 and text[start - 1] in _SCHEME_CHARS:
        start -= 1
    return (
        start < end
        and text[start].isalpha()
        and (start == 0 or text[start - 1] not in _SCHEME_CHARS)
    )


_PORT_AND_PATH = re.compile(r"\d{1,5}(?:[/?#].*)?", re.DOTALL)
"""What follows ``host:`` when the ``@`` belongs to a path (``https://h:8080/a@b``)."""

_KEYWORD = re.compile(
    r"(?i)(?:a(?:pi[_-]?key|ccess[_-]?key|uth[_-]?key)|credentials?"
    r"|p(?:assw(?:or)?d|wd|rivate[_-]?key)|secret|token)"
    r"[A-Za-z0-9_-]{0,40}[\"']?[ \t]{0,3}[:=][ \t]{0,3}[\"']?"
    r"([^\s\"'`,;]{8,256})"
)
"""``NAME_TOKEN = value`` / ``api_key: value``: a value the text itself calls a credential.

The keywords are grouped by first letter, so the regex engine tries one branch where
a letter could start a keyword, not every keyword.
"""
_KEYWORD_LOWER = re.compile(_KEYWORD.pattern.removeprefix("(?i)"))
"""The same over lower-cased text: ten times faster than matching case-insensitively."""
_IDENT_CHARS = frozenset("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789_-")
_RANDOM = re.compile(r"[A-Za-z0-9+/=_.~-]{20,256}")

_PLACEHOLDER_WORDS = {
    "pass",
    "password",
    "passwd",
    "pwd",
    "secret",
    "changeme",
    "example",
    "placeholder",
    "redacted",
    "token",
    "xxx",
    "xxxx",
    "yourpassword",
    "your-password",
    "your_password",
    "foo",
    "bar",
    "baz",
}


@dataclass(frozen=True)
class Finding:
    """A credential found in a text."""

    start: int
    """Offset of its first character."""
    end: int
    """Offset just past its last character."""
    what: str
    """What it looks like (a :attr:`Shape.what`)."""


def _is_placeholder(secret: str) -> bool:
    s = secret.strip()
    if s.lower() in _PLACEHOLDER_WORDS:
        return True
    if (s.startswith("<") and s.endswith(">")) or (s.startswith("{") and s.endswith("}")):
        return True
    if s.startswith(("${", "$", "<")) or "{{" in s:
        return True
    return bool(set(s) <= set("*x.X"))


def _example(text: str) -> bool:
    """Documented sample values (``…EXAMPLE…``): not credentials where only context says so."""
    return "EXAMPLE" in text


def _squeezed_end(window: str, end: int) -> int:
    """Offset in ``window`` of squeezed offset ``end`` (the spaces taken out counted back)."""
    kept = 0
    for i in range(len(window)):
        if not _SPLIT_SPACE.match(window, i):
            kept += 1
            if kept == end:
                return i + 1
    return len(window)


def _distinctive(text: str) -> list[Finding]:
    found: list[Finding] = []
    reach = 0  # findings do not overlap
    for m in _PREFIX.finditer(text):
        start = m.start()
        if start < reach or (start and text[start - 1] in _IDENT_CHARS):
            continue  # inside a longer word (``task-…``), or inside the previous finding
        window = text[start : start + _SPLIT_WINDOW]
        squeezed: str | None = None
        for shape in _DISTINCTIVE:
            if not window.startswith(shape.prefixes):
                continue
            hit = shape.pattern.match(text, start)  # a JWT may be longer than the window
            if hit is not None:
                found.append(Finding(start, hit.end(), shape.what))
                reach = hit.end()
                break
            if squeezed is None:
                squeezed = _SPLIT_SPACE.sub("", window)
            hit = shape.pattern.match(squeezed) if len(squeezed) < len(window) else None
            if hit is not None and _mixed(hit.group(), hexadecimal=False):
                end = start + _squeezed_end(window, hit.end())
                found.append(Finding(start, end, shape.what + " (written with spaces in it)"))
                reach = end
                break
    for m in _URL_PASSWORD.finditer(text):
        password = m.group(2)
        if not _scheme_before(text, m.start()):
            continue
        if _is_placeholder(password) or _PORT_AND_PATH.fullmatch(password):
            continue
        found.append(Finding(m.start(2), m.end(2), "a password inside a URL"))
    return sorted(found, key=lambda f: f.start)


def _mixed(text: str, *, hexadecimal: bool) -> bool:
    """Whether ``text`` looks machine-made: digits and letters (of both cases, unless hex)."""
    if not any(c.isdigit() for c in text):
        return False
    if hexadecimal:
        return any(c.isalpha() for c in text)
    return any(c.islower() for c in text) and any(c.isupper() for c in text)


def _uniform(value: str) -> bool:
    """``0000…`` or ``aaaa-…``: padding and placeholders, not keys."""
    return len(set(value.replace("-", ""))) <= 2


def _contextual(text: str) -> list[Finding]:
    """Contextual shapes anywhere in ``text`` (ids and checksums look the same)."""
    found = []
    for shape in _CONTEXTUAL:
        for m in shape.pattern.finditer(text):
            value = m.group()
            if _example(value) or _uniform(value):
                continue
            if shape.mixed and not _mixed(value, hexadecimal=len(value) == 64):
                continue
            found.append(Finding(m.start(), m.end(), shape.what))
    return found


def _keyword_values(text: str) -> list[Finding]:
    """Values that the text itself introduces as a credential (``RAILWAY_TOKEN=…``)."""
    found = []
    lower = text.lower()
    # Offsets carry over unless lower-casing changed a length (a few non-ASCII letters).
    matches = _KEYWORD_LOWER.finditer(lower) if len(lower) == len(text) else _KEYWORD.finditer(text)
    for m in matches:
        value = text[m.start(1) : m.end(1)]
        # The whole name around the keyword: RAILWAY_TOKEN, not just TOKEN.
        first = m.start()
        while first > 0 and m.start() - first < 80 and text[first - 1] in _IDENT_CHARS:
            first -= 1
        last = m.start()
        while last < m.end() and text[last] in _IDENT_CHARS:
            last += 1
        name = text[first:last].replace("-", "_")
        if not credential_name(name) or _is_placeholder(value):
            continue
        if _contextual(value) or (credential_like(value) and _mixed(value, hexadecimal=False)):
            found.append(Finding(m.start(1), m.end(1), f"a credential (the value of {name})"))
    return found


def scan_text(text: str) -> list[Finding]:
    """Every credential in ``text`` that context does not need to reveal.

    Distinctive shapes, and values the text itself introduces as a credential
    (``API_TOKEN=…``); for the raw manifest text, comments included.
    """
    found = _distinctive(text)
    taken = [(f.start, f.end) for f in found]
    for f in _keyword_values(text):
        if not any(a < f.end and f.start < b for a, b in taken):
            found.append(f)
    return sorted(found, key=lambda f: f.start)


def find_credential(text: str) -> str | None:
    """What credential ``text`` seems to contain (see :func:`scan_text`), or ``None``."""
    found = scan_text(text)
    return found[0].what if found else None


def _contextual_only(text: str) -> list[Finding]:
    """Contextual shapes in ``text``, skipping the regexes where no run could hold one."""
    return _contextual(text) if may_hold_contextual(text) else []


def find_secret_value(text: str, *, shapes: bool = True) -> str | None:
    """Like :func:`find_credential`, also counting contextual shapes (UUIDs, hex keys…).

    For text that belongs to a credential — a secret variable's description, source
    or allowed values, the literal of a variable named like one. ``shapes=False``
    leaves out what :func:`scan_text` finds, for text already known to have none.
    """
    found = (scan_text(text) if shapes else []) or _contextual_only(text)
    return found[0].what if found else None


_URL = re.compile(r"[A-Za-z][A-Za-z0-9+.-]{0,31}://[^\s\"'<>`]{1,2048}")
"""A URL: ids of credential shape are ordinary there (``…/project/<uuid>``)."""


def find_in_value(text: str, *, shapes: bool = True) -> str | None:
    """What credential a manifest value holds, or ``None``.

    Distinctive shapes anywhere; contextual shapes (UUIDs, 64 hex digits, 40-character
    keys) too, except inside a URL, where ids of those shapes are ordinary. For a
    value whose field is an id, use :func:`find_credential`. ``shapes=False`` leaves
    out what :func:`scan_text` finds, for text already known to have none.
    """
    found = scan_text(text) if shapes else []
    if found:
        return found[0].what
    hits = _contextual_only(text)
    if not hits:
        return None
    urls = [(m.start(), m.end()) for m in _URL.finditer(text)]
    for f in hits:
        if not any(a <= f.start and f.end <= b for a, b in urls):
            return f.what
    return None


_RUN_CHARS = frozenset("0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz/+_-")
_RUN = 32
"""Every contextual shape lies inside a run of at least this many :data:`_RUN_CHARS`."""
_LONG_RUN = re.compile(f"[0-9A-Za-z/+_-]{{{_RUN},}}")
_RUN_TABLE = bytes(0x61 if chr(i) in _RUN_CHARS else 0x20 for i in range(256))
"""Byte translation: a run character becomes ``a``, anything else a space."""


def _long_runs(text: str) -> list[tuple[int, int]]:
    """The (start, end) of every run of :data:`_RUN` or more run characters in ``text``.

    Every contextual shape lies inside one (UUIDs, hex and base64 keys are made of run
    characters), so scanning only these spans finds the same matches. For ASCII text
    (nearly every manifest) the runs are found with a byte translation and substring
    searches, which cost a small fraction of a regex pass over a megabyte.
    """
    if not text.isascii():
        return [m.span() for m in _LONG_RUN.finditer(text)]
    marked = text.encode("ascii").translate(_RUN_TABLE)
    needle = b"a" * _RUN
    runs = []
    at = marked.find(needle)
    while at >= 0:
        end = marked.find(b" ", at + _RUN)
        end = len(marked) if end < 0 else end
        runs.append((at, end))
        at = marked.find(needle, end)
    return runs


def may_hold_contextual(text: str) -> bool:
    """Whether ``text`` is long enough and has a run where a contextual shape could lie."""
    return len(text) >= _RUN and _LONG_RUN.search(text) is not None


def has_contextual(text: str) -> bool:
    """Whether any contextual shape occurs in ``text`` (a quick test for a whole file)."""
    return any(
        shape.pattern.search(text, start, end + 1)  # one more: lookaheads see what follows
        for start, end in _long_runs(text)
        for shape in _CONTEXTUAL
    )


def redact(text: str) -> str:
    """``text`` with every credential :func:`scan_text` finds replaced by ``<redacted>``.

    Messages echo what the user wrote ("got 'x'", "unknown key 'x'"); a pasted
    credential must not travel on into terminals and CI logs that way.
    """
    found = scan_text(text)
    if not found:
        return text
    out, at = [], 0
    for f in found:
        if f.start < at:
            continue
        out += [text[at : f.start], "<redacted>"]
        at = f.end
    out.append(text[at:])
    return "".join(out)


_CREDENTIAL_LAST = {"KEY", "TOKEN", "SECRET", "PASSWORD", "PASSWD", "PASS", "PWD", "APIKEY"}
_CREDENTIAL_ANY = {"PASSWORD", "PASSWD", "SECRET", "CREDENTIALS", "CREDENTIAL"}
_PUBLIC_WORDS = {"PUBLIC", "PUBLISHABLE", "ID", "NAME", "PATH", "FILE", "URL"}


def credential_name(name: str) -> bool:
    """Whether a variable's name says it holds a credential (``DB_PASSWORD``, ``API_KEY``).

    A key that is public by name (``STRIPE_PUBLISHABLE_KEY``) or that names where a
    credential lives (``SECRET_KEY_FILE``, ``ACCESS_TOKEN_EXPIRE_MINUTES``) does not.
    """
    words = [w for w in name.upper().split("_") if w]
    if not words or _PUBLIC_WORDS & set(words):
        return False
    return words[-1] in _CREDENTIAL_LAST or bool(_CREDENTIAL_ANY & set(words[:-1]))


def credential_like(value: str) -> bool:
    """Whether a literal could be a real credential: long, unbroken, letters and digits."""
    s = value.strip()
    return (
        len(s) >= 8
        and not any(c.isspace() for c in s)
        and any(c.isalpha() for c in s)
        and any(c.isdigit() for c in s)
        and not _is_placeholder(s)
        and not s.lower().startswith(("change", "your", "example", "dummy", "test"))
    )
