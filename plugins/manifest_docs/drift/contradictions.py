"""The ``fact/*`` rules: prose that states a manifest-owned fact with another value.

A value is only compared when it is *tied* to a subject and an attribute:

* the subject (a service name, alias or technology, or a provider) is named in the
  same sentence, list item or table row — the value belongs to the nearest name, and
  when that subject has no such fact there is no finding — or, when the unit names no
  subject at all, in an enclosing heading or bold lead-in (services before providers);
  a table row whose first cell names something else (``| redis-py | 5.0.1 |``) does
  not fall back to the heading;
* an attribute word (version, memory, region, port, timeout, SSL…) appears next to
  the value, or labels it — ``**Version**: 14+`` under a ``PostgreSQL`` heading, a
  ``Version`` table column, an ``SSL/TLS`` heading over ``Mode: Full (strict)``;
  health-check timeouts and intervals also need health-check context;
* for versions, the value is not attached to another product (``Next.js 14+``,
  ``version 3.11 of Python``).

Anything less certain is left alone: a gate that cries wolf gets switched off.
"""

from __future__ import annotations

import difflib
import re
from dataclasses import dataclass, replace
from decimal import Decimal
from typing import TYPE_CHECKING, Any, TypeAlias

from ..factwalk import field_specs, norm_command, schema_paths
from ..model import SslMode
from ..values import NUMBER_WORDS, SPELLED_NUMBER, cpu_amounts, number
from ..vocabulary import PACKAGES, framework_spellings, platform_of
from .claims import (
    about_elsewhere,
    conditional,
    future,
    hedged,
    hypothetical,
    introduced_as_example,
    modal,
    negated,
    not_about_today,
    other_environment,
    question,
)
from .expect import Bound
from .markdown import Span, Unit

if TYPE_CHECKING:
    from collections.abc import Callable, Iterator, Sequence

    from ..factwalk import FieldSpec
    from .expect import Expectation, FactIndex, Subject

__all__ = ["Contradiction", "Named", "find_contradictions", "heading_groups", "mentions_in"]

_UNITS = {
    "ms": 0.001,
    "millisecond": 0.001,
    "s": 1,
    "sec": 1,
    "second": 1,
    "m": 60,
    "min": 60,
    "minute": 60,
    "h": 3600,
    "hr": 3600,
    "hour": 3600,
    "d": 86400,
    "day": 86400,
    "w": 604800,
    "week": 604800,
}
_DUR_UNIT = r"(ms|milliseconds?|s|secs?|seconds?|m|mins?|minutes?|h|hrs?|hours?|d|days?|w|weeks?)"
_DURATION = re.compile(
    r"(?<![\w.])(\d+(?:\.\d+)?)\s?(?:[-–]|to)\s?(\d+(?:\.\d+)?)\s?" + _DUR_UNIT + r"(?![\w])"
    r"|(?<![\w.])(\d+(?:\.\d+)?)\s?" + _DUR_UNIT + r"(?![\w])",
    re.IGNORECASE,
)
_SIZE_UNITS = {"kb": 1024, "mb": 1024**2, "gb": 1024**3, "tb": 1024**4}
_SIZE = re.compile(
    r"(?<![\w.])(\d+(?:\.\d+)?)\s?([KMGT])i?B\b"
    r"(?!\s*(?:per\s|/\s*(?:s|sec|min|h|hr|hour|d|day|w|week|mo|month|y|yr|year)\b))",
    re.IGNORECASE,
)
_VERSION = re.compile(r"(?<![\w.$/-])v?(\d+(?:\.\d+)*)(\+|\.x)?(?![\w%/]|\.\d)")
_INT = re.compile(
    r"(?<![\w.$/:-])(\d{1,6})(?![\w%/-]|[.:]\d|\s?(?:[KMGTP]i?B|vCPUs?|ms|GHz|MHz)\b)"
)
"""A whole number, not a size, duration or other measure (``512 MB`` is no count)."""
_REGION = re.compile(r"(?<![\w-])([a-z]{2,}(?:-[a-z]+)+-?\d+[a-z]?)(?![\w-])")
_SSL = re.compile(
    r"full[\s(_-]*strict(?:\s*\))?|\bstrict\b|\bfull\b|\bflexible\b|\boff\b", re.IGNORECASE
)
_SSL_LABEL = re.compile(
    r"(?:\bssl(?:\s*/\s*tls)?(?:\s+(?:encryption\s+)?mode)?|\bencryption\s+mode|^\W*mode)"
    r"\W*?(?:[:=]|\bis\b|\bset\s+to\b)?\s*$",
    re.IGNORECASE,
)
"""What must come right before a bare ``strict`` or ``off`` for it to be an SSL mode."""


def _needs_met(kind: Kind, around: str) -> bool:
    """Whether ``around`` (the unit and its headings) has the context ``kind`` needs.

    Health-check timeouts and intervals are only compared in health-check context.
    """
    return kind.needs is None or kind.needs.search(around) is not None


_CONFIG_FILE = re.compile(r"\.(?:toml|json|ya?ml|md|cfg|ini|lock|txt|env)$", re.IGNORECASE)
_DNS_COLUMN = re.compile(r"\b(?:sub)?domains?\b|\bhost(?:name)?s?\b|\brecords?\b", re.IGNORECASE)
_OF = re.compile(r"\s+of\s+(?:the\s+)?(?=([\w.+#-]+))")
_PERSIST = re.compile(r"\b(RDB|AOF|snapshots?|append[- ]only)\b", re.IGNORECASE)
_EVICTION = re.compile(
    r"\b((?:allkeys|volatile)-(?:lru|lfu|random|ttl)|noeviction)\b", re.IGNORECASE
)


@dataclass(frozen=True)
class Found:
    """A candidate value in prose."""

    start: int
    """Offset in the unit text."""
    end: int
    """End offset."""
    text: str
    """As written."""
    value: Any
    """Parsed, comparable form."""


def _unit(word: str) -> float:
    w = word.lower()
    if w in _UNITS:
        return _UNITS[w]
    return _UNITS.get(w.rstrip("s"), 1)


_SIZE_WORDS = re.compile(
    r"\b(?:(half|a quarter) (?:of )?an? |(" + SPELLED_NUMBER + r"|an?|\d+(?:\.\d+)?) )"
    r"(kilo|mega|giga|tera)?(byte|gig|meg)s?\b(?!\s*(?:per|/|a|an|each)\s)",
    re.IGNORECASE,
)
"""Sizes in words: ``two gigabytes``, ``half a gig``, ``512 megabytes``."""
_SIZE_PREFIX = {"kilo": "kb", "mega": "mb", "giga": "gb", "tera": "tb", "gig": "gb", "meg": "mb"}


def _sizes(text: str) -> Iterator[Found]:
    for m in _SIZE.finditer(text):
        yield Found(
            m.start(),
            m.end(),
            m.group(0),
            int(float(m.group(1)) * _SIZE_UNITS[m.group(2).lower() + "b"]),
        )
    for m in _SIZE_WORDS.finditer(text):
        head = (m.group(3) or m.group(4)).lower()
        unit = _SIZE_PREFIX.get(head)
        if unit is None:
            continue  # plain "bytes": too small to be a setting anyone writes so
        share = {"half": 0.5, "a quarter": 0.25}.get((m.group(1) or "").lower())
        said = m.group(2) or ""
        if said.lower() in ("a", "an"):
            said = "1"
        count = number(said) if not re.fullmatch(r"\d+\.\d+", said) else float(said)
        amount = share if share is not None else count
        if amount is None:
            continue
        yield Found(m.start(), m.end(), m.group(0), int(amount * _SIZE_UNITS[unit]))


def _versions(text: str) -> Iterator[Found]:
    for m in _VERSION.finditer(text):
        parts = tuple(int(p) for p in m.group(1).split("."))
        yield Found(m.start(), m.end(), m.group(0), (parts, m.group(2) == "+"))


_NUMBER_WORDS = NUMBER_WORDS | {
    "a single": 1,
    "single": 1,
    "a pair of": 2,
    "a couple of": 2,
    "a dozen": 12,
}
_NUMBER_WORD = re.compile(
    r"\b(" + "|".join(sorted(_NUMBER_WORDS, key=len, reverse=True)) + r")\b(?!-)(?!\s+of\b)",
    re.IGNORECASE,
)
"""Counts in words ("three instances"); "one-off" and "one of the replicas" stay words."""


_PART_OF = re.compile(
    r"\s+(?:of|out of)\s+(?:\d|(?:one|two|three|four|five|six|seven|eight|nine|ten"
    r"|them|those|these|it|its|their)\b)",
    re.IGNORECASE,
)
"""``2 of 3``, ``160 of them``: a part of a whole (step 2 of 3), not a value of its own."""


_SHELL_DEFAULT = re.compile(r"\$\{[A-Za-z_]\w*:?-(\d{1,6})\}")
"""A shell default (``${PORT:-8080}``): the number used when the variable is unset."""


def _ints(text: str) -> Iterator[Found]:
    found = [
        Found(m.start(), m.end(), m.group(0), int(m.group(1)))
        for m in _INT.finditer(text)
        if not _PART_OF.match(text, m.end())
    ]
    found += [
        Found(m.start(1), m.end(1), m.group(1), int(m.group(1)))
        for m in _SHELL_DEFAULT.finditer(text)
    ]
    found += [
        Found(m.start(), m.end(), m.group(0), _NUMBER_WORDS[m.group(1).lower()])
        for m in _NUMBER_WORD.finditer(text)
    ]
    yield from sorted(found, key=lambda f: f.start)


def _regions(text: str) -> Iterator[Found]:
    for m in _REGION.finditer(text):
        yield Found(m.start(), m.end(), m.group(0), m.group(1).lower())


def _ssl(text: str) -> Iterator[Found]:
    for m in _SSL.finditer(text):
        word = m.group(0).lower()
        if word in ("strict", "off") and not _SSL_LABEL.search(text[: m.start()]):
            continue  # "HSTS strict", "the WAF is off": only "SSL (mode): off" counts
        mode = SslMode.STRICT if "strict" in word else SslMode(word)
        yield Found(m.start(), m.end(), m.group(0), mode)


def _persistence(text: str) -> Iterator[Found]:
    for m in _PERSIST.finditer(text):
        word = m.group(1).lower()
        yield Found(
            m.start(), m.end(), m.group(0), "aof" if word.startswith(("aof", "append")) else "rdb"
        )


def _eviction(text: str) -> Iterator[Found]:
    for m in _EVICTION.finditer(text):
        yield Found(m.start(), m.end(), m.group(0), m.group(1).lower())


def _commands(text: str, spans: Sequence[str]) -> Iterator[Found]:
    """Code spans of ``text`` that read as a command line (a program and arguments)."""
    for found in _spans(text, spans):
        if len(found.text.split()) > 1 and not _CONFIG_FILE.search(found.text):
            yield Found(found.start, found.end, found.text, found.text)


@dataclass(frozen=True)
class Kind:
    """How to recognise one attribute in prose (built from a schema field's words)."""

    kinds: tuple[str, ...]
    """Expectation kinds it is compared with."""
    words: re.Pattern[str]
    """Attribute words."""
    values: Reader
    """Candidate values in a text, given its code spans."""
    needs: re.Pattern[str] | None = None
    """Context the unit (or its headings) must have for the kind to apply."""
    code: bool = False
    """Values are joined to the words by linking words only (commands, paths, names)."""
    spec: FieldSpec | None = None
    """The schema field it reads."""
    triggers: tuple[str, ...] | None = None
    """Lower-case text every match of :attr:`words` starts with (``None``: unknown);
    a unit containing none of them cannot name the attribute, and is not searched."""

    def read(self, text: str, spans: Sequence[str] = ()) -> list[Found]:
        """The candidate values in running ``text`` whose code spans are ``spans``."""
        return list(self.values(text, spans))

    def read_whole(self, text: str) -> list[Found]:
        """The values a whole table cell or config value holds.

        A command or a name is the whole text; anything else is read as in prose.
        """
        text = text.strip().strip("`")
        if self.spec is not None and self.spec.parser in ("command", "word"):
            value = norm_command(text) if self.spec.parser == "command" else text.lower()
            return [Found(0, len(text), text, value)] if text else []
        return self.read(text, [text])


Reader: TypeAlias = "Callable[[str, Sequence[str]], Iterator[Found]]"
"""Reads the candidate values of one attribute from a text and its code spans."""


def _w(pattern: str) -> re.Pattern[str]:
    return re.compile(pattern, re.IGNORECASE)


_HALF = re.compile(r"\b(?:a )?(half|quarter) (?:of )?(?:a |an )?(minute|hour|day)\b", re.IGNORECASE)
_DURATION_WORDS = re.compile(
    rf"\b(an?|{SPELLED_NUMBER})"
    r"(?:\s+|-)(milliseconds?|seconds?|minutes?|hours?|days?|weeks?)\b",
    re.IGNORECASE,
)


_AT_MOST = re.compile(
    r"\b(?:at most|no (?:more|longer) than|not (?:more|longer) than|never (?:more|longer) than"
    r"|up to|a maximum of|maximum(?: of)?|max\.?|(?:the )?longest\b[^.,;]{0,30}?\b(?:is|of|at))"
    r"\s+$",
    re.IGNORECASE,
)
_AT_LEAST = re.compile(
    r"\b(?:at least|no (?:less|shorter) than|not (?:less|shorter) than|a minimum of|"
    r"minimum(?: of)?|min\.?|(?:the )?shortest\b[^.,;]{0,30}?\b(?:is|of|at))\s+$",
    re.IGNORECASE,
)
_EVERY = re.compile(r"\b(?:every|each|per|an?|once an?)\s+(second|minute|hour|day|week)\b", re.I)
"""``every hour``, ``once a day``: one of the unit."""


def _bounded(text: str, found: Found) -> Found:
    """``at most 15 minutes`` is a maximum, ``the shortest is 30 s`` a minimum."""
    if isinstance(found.value, tuple):
        return found
    before = text[max(0, found.start - 40) : found.start]
    for side, pattern in (("max", _AT_MOST), ("min", _AT_LEAST)):
        if pattern.search(before):
            return Found(found.start, found.end, found.text, Bound(side, found.value))
    return found


def _durations(text: str) -> Iterator[Found]:
    """Durations in digits (``30s``, ``5 min``, ``1-2 h``) and words (``an hour``).

    ``every hour`` is one hour; a bound is kept as one (``at most a day``).
    """
    found = []
    for m in _DURATION.finditer(text):
        if m.group(1):
            unit = _unit(m.group(3))
            value: Any = (float(m.group(1)) * unit, float(m.group(2)) * unit)
        else:
            value = float(m.group(4)) * _unit(m.group(5))
        found.append(Found(m.start(), m.end(), m.group(0), value))
    for m in _DURATION_WORDS.finditer(text):
        n = 1 if m.group(1).lower() in ("a", "an") else number(m.group(1))
        if n is not None and not any(f.start <= m.start() < f.end for f in found):
            found.append(Found(m.start(), m.end(), m.group(0), n * _unit(m.group(2))))
    for m in _HALF.finditer(text):
        part = 2 if m.group(1).lower() == "half" else 4
        found = [f for f in found if not m.start() <= f.start < m.end()]  # not its "an hour"
        found.append(Found(m.start(), m.end(), m.group(0), _unit(m.group(2)) / part))
    for m in _EVERY.finditer(text):
        if not any(f.start <= m.start(1) < f.end for f in found):
            found.append(Found(m.start(), m.end(), m.group(0), float(_unit(m.group(1)))))
    yield from sorted((_bounded(text, f) for f in found), key=lambda f: f.start)


_TRUE = (
    r"enabled|on(?!\s+(?:failures?|failed|errors?|push(?:es)?|merges?|deploys?|main|the|a|an|"
    r"every|each|its|our|their)\b)|yes|true|enforced|turned on|switched on"
)
_FALSE = r"disabled|off|no|false|inactive|turned off|switched off|not enabled|not set"
_POLARITY = re.compile(rf"(?<![\w-])(?:({_FALSE})|({_TRUE}))(?![\w-])", re.IGNORECASE)


_PARTICLE_OF = re.compile(
    r"\b(?:cut(?:s|ting)?|log(?:s|ged)?|sign(?:s|ed)?|kick(?:s|ed)?|drop(?:s|ped)?|pa(?:y|ys|id)"
    r"|show(?:s|ed)?|tak(?:e|es|en)|took|wear(?:s)?|wore|writ(?:e|es|ten)|wrote|start(?:s|ed)?"
    r"|tip(?:s|ped)?|ward(?:s|ed)?|hold(?:s)?|held|carr(?:y|ies|ied)|go(?:es|ne)?|went"
    r"|keep(?:s)?|kept|based|depend(?:s|ed|ing)?|rel(?:y|ies|ied)|run(?:s|ning)?|ran|buil(?:t|ds?)"
    r"|hosted|focus(?:es|ed)?|work(?:s|ed)?|call(?:s|ed)?|bill(?:s|ed)?|plan(?:s|ned)?)\s+$",
    re.IGNORECASE,
)
"""A verb whose particle is the ``on``/``off`` after it ("cut off by the proxy", "runs on
Railway"): no yes or no."""


def _synonym_values(spec: FieldSpec, text: str) -> list[Found]:
    out = []
    for pattern, value in spec.words.synonyms:
        for m in re.finditer(rf"(?<![\w-])(?:{pattern})(?![\w-])", text, re.IGNORECASE):
            out.append(Found(m.start(), m.end(), m.group(0), value or m.group(0).lower()))
    return out


def _bool_values(spec: FieldSpec) -> Callable[[str], Iterator[Found]]:
    affirm = [_w(rf"\b(?:{a})\b") for a in spec.words.affirm]

    def polar(text: str, start: int, value: bool) -> bool:
        return value != negated(text[:start])

    def values(text: str) -> Iterator[Found]:
        found = [
            Found(m.start(), m.end(), m.group(0), polar(text, m.start(), m.group(2) is not None))
            for m in _POLARITY.finditer(text)
            if not (m.group(0).lower() in ("on", "off") and _PARTICLE_OF.search(text, 0, m.start()))
        ]
        for f in _synonym_values(spec, text):
            found.append(Found(f.start, f.end, f.text, polar(text, f.start, f.value == "true")))
        for pattern in affirm:
            for m in pattern.finditer(text):
                said = not negated(text[: m.start()])  # shown as "not sensitive" when negated
                shown = m.group(0) if said else f"not {m.group(0)}"
                found.append(Found(m.start(), m.end(), shown, said))
        yield from sorted(found, key=lambda f: f.start)

    return values


_NOT_A_NOUN = (
    r"(?!\s+(?:mode|environment|env|branch|builds?|server|settings|config|stage|machine)\b)"
)
"""After an enum's value: nouns it only describes ("development mode" is no status)."""


def _enum_values(spec: FieldSpec) -> Callable[[str], Iterator[Found]]:
    choices = [
        (_w(rf"(?<![\w.-]){re.escape(c).replace('_', '[_ -]')}(?![\w-]|\.\d){_NOT_A_NOUN}"), c)
        for c in spec.choices
    ]

    def values(text: str) -> Iterator[Found]:
        found = _synonym_values(spec, text)
        for pattern, choice in choices:
            for m in pattern.finditer(text):
                if not any(f.start <= m.start() < f.end for f in found):
                    found.append(Found(m.start(), m.end(), m.group(0), choice))
        # "there is no Dockerfile", "not AOF": what the text denies is not its value
        kept = [f for f in found if not negated(text[: f.start])]
        yield from sorted(kept, key=lambda f: f.start)

    return values


_TOKEN = re.compile(r"(?<![\w.-])([A-Z][\w.+-]*[\w+])(?![\w-])")
_WORD_STOP = frozenset({"The", "A", "An", "It", "We", "Our", "This", "That", "Its", "And", "Or"})


def _spans(text: str, spans: Sequence[str]) -> Iterator[Found]:
    """The code spans of ``text`` where they stand.

    A :class:`~manifest_docs.drift.markdown.Span` knows its offset; a bare string is
    looked for after the one before it.
    """
    pos = 0
    for span in spans:
        start = getattr(span, "start", None)
        if start is None or text[start : start + len(span)] != span:
            start = text.find(span, pos)
        if start < 0:
            continue
        pos = start + len(span)
        yield Found(start, pos, str(span), span.strip().lower())


def _word_values(text: str, spans: Sequence[str]) -> Iterator[Found]:
    """Names: code spans and capitalised words (``Hobby``, ``Pro``)."""
    found = list(_spans(text, spans))
    for m in _TOKEN.finditer(text):
        if m.group(1) in _WORD_STOP or any(f.start <= m.start() < f.end for f in found):
            continue
        found.append(Found(m.start(), m.end(), m.group(1), m.group(1).lower()))
    yield from sorted(found, key=lambda f: f.start)


def _team_values(text: str, spans: Sequence[str]) -> Iterator[Found]:
    """Team names (as :func:`_word_values`), except those the text denies ("not owned by")."""
    for found in _word_values(text, spans):
        if not negated(text[: found.start], far=True):
            yield found


_PATHLIKE = re.compile(
    r"(?<![\w/.:-])((?:\.{0,2}/)?[\w.-]+(?:/[\w.*-]+)+/?|[\w-]+\.[a-z]{2,4})(?![\w/-])"
)


_URL = re.compile(r"https?://[\w.-]+(?::\d+)?(/[^\s?#'\"`]*)")


def _url_path(found: Found) -> Found:
    """A span holding a URL (``curl -fsS https://x.dev/healthz``) states the URL's path."""
    m = _URL.search(found.text) if "://" in found.text else None
    if m is None or m.group(1) in ("", "/"):
        return found
    return Found(found.start, found.end, m.group(1), m.group(1).lower())


def _path_values(spec: FieldSpec) -> Reader:
    allowed = _w(rf"^(?:{spec.words.pattern})$") if spec.words.pattern else None

    def values(text: str, spans: Sequence[str]) -> Iterator[Found]:
        found = [
            _url_path(f) for f in _spans(text, spans) if "/" in f.text or "." in f.text or allowed
        ]
        for m in _PATHLIKE.finditer(text):
            if not any(f.start <= m.start() < f.end for f in found):
                found.append(Found(m.start(), m.end(), m.group(1), m.group(1).lower()))
        for f in sorted(found, key=lambda f: f.start):
            if allowed is None or allowed.match(f.text.strip()):
                yield f

    return values


def _key_values(text: str, spans: Sequence[str]) -> Iterator[Found]:
    """Redis-style keys in code (``session:{user_id}``)."""
    for f in _spans(text, spans):
        if ":" in f.text and " " not in f.text.strip() and "//" not in f.text:
            yield f


_HOSTNAME = re.compile(r"(?<![\w.-])((?:[a-z0-9-]+\.)+[a-z]{2,})\.?(?![\w-])", re.IGNORECASE)


def _hosts(text: str) -> Iterator[Found]:
    for m in _HOSTNAME.finditer(text):
        yield Found(m.start(), m.end(), m.group(1), m.group(1).lower())


_QUARTERS = re.compile(
    r"\b(?:(?:end of |early |late )?Q([1-4])\s*(\d{4})|(\d{4})[-\s]?Q([1-4])"
    r"|(January|February|March|April|May|June|July|August|September|October|November"
    r"|December)\s+(\d{4}))\b",
    re.IGNORECASE,
)
_MONTHS = ("jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec")


def _quarters(text: str) -> Iterator[Found]:
    for m in _QUARTERS.finditer(text):
        if m.group(1):
            value = (int(m.group(2)), int(m.group(1)))
        elif m.group(3):
            value = (int(m.group(3)), int(m.group(4)))
        else:
            month = _MONTHS.index(m.group(5)[:3].lower()) + 1
            value = (int(m.group(6)), (month - 1) // 3 + 1)
        yield Found(m.start(), m.end(), m.group(0), value)


def _plain_reader(values: Callable[[str], Iterator[Found]], pattern: str) -> Reader:
    """A reader of values that code spans do not change, kept to ``pattern`` if given."""
    allowed = _w(rf"^(?:{pattern})$") if pattern else None

    def read(text: str, spans: Sequence[str]) -> Iterator[Found]:
        for found in values(text):
            if allowed is None or allowed.match(found.text.strip()):
                yield found

    return read


_FRAMEWORK = re.compile(
    r"(?<![\w.-])("
    + "|".join(re.escape(n) for n in sorted(framework_spellings(), key=len, reverse=True))
    + r")(?=-based\b|(?![\w-]|\.\w))"
)
"""A framework's name as written, case and all ("Express", not "express delivery")."""


def _frameworks(text: str) -> Iterator[Found]:
    for m in _FRAMEWORK.finditer(text):
        yield Found(m.start(), m.end(), m.group(1), m.group(1))


def _cpus(text: str) -> Iterator[Found]:
    for m, value in cpu_amounts(text):
        yield Found(m.start(), m.end(), m.group(0), value)


_PERCENT = re.compile(r"(?<![\w.])(\d+(?:\.\d+)?)\s*(?:%|per\s?cent\b)", re.IGNORECASE)


def _percents(text: str) -> Iterator[Found]:
    for m in _PERCENT.finditer(text):
        yield Found(m.start(), m.end(), m.group(0), Decimal(m.group(1)).normalize())


_ADDRESS = re.compile(
    r"(?<![\w.+@#-])([\w.+-]+@[\w-]+(?:\.[\w-]+)+|#[a-z0-9][\w.-]*\w)(?![\w@-])", re.I
)


def _addresses(text: str) -> Iterator[Found]:
    """E-mail addresses and chat channels (``#team-payments``)."""
    for m in _ADDRESS.finditer(text):
        yield Found(m.start(), m.end(), m.group(1), m.group(1).lower())


_TIME = re.compile(
    r"(?<![\w:.])(?:([01]?\d|2[0-3])[:.h]([0-5]\d)(?!\s*[ap]\.?m\b)|(1[0-2]|0?[1-9])"
    r"(?:[:.]([0-5]\d))?\s*([ap])\.?m\.?(?!\w))"
    r"(?:\s+(?:(UTC|GMT|Z)\b|([A-Z][a-z]+)\s+time\b|(local)\s+time\b))?"
)
"""A time of day (``03:30``, ``2:30 am``, ``3 pm``) and the zone written after it."""


def _times(text: str) -> Iterator[Found]:
    """Times of day as (hour, minute, zone): the zone as written, lower case, or ``""``."""
    for m in _TIME.finditer(text):
        if m.group(1):
            hour, minute = int(m.group(1)), int(m.group(2))
        else:
            hour = int(m.group(3)) % 12 + (12 if m.group(5).lower() == "p" else 0)
            minute = int(m.group(4) or 0)
        zone = (m.group(6) or m.group(7) or m.group(8) or "").lower()
        yield Found(m.start(), m.end(), m.group(0), (hour, minute, zone))


_SIMPLE: dict[str, Callable[[str], Iterator[Found]]] = {
    "cron": _times,
    "cpu": _cpus,
    "percent": _percents,
    "address": _addresses,
    "framework": _frameworks,
    "size": _sizes,
    "duration": _durations,
    "version": _versions,
    "int": _ints,
    "region": _regions,
    "ssl": _ssl,
    "quarter": _quarters,
    "host": _hosts,
}
_SPAN_READERS: dict[str, Reader] = {
    "command": _commands,
    "word": _word_values,
    "team": _team_values,
    "key": _key_values,
}
"""Readers of values that are code spans or names (``npm start``, ``Hobby``)."""
_LINKED = frozenset({"command", "path", "word", "key", "team"})
"""Parsers whose values must be joined to the words by linking words only."""


def _leading(items: Any) -> set[str] | None:
    """The literal text a parsed regex sequence must start with, if it can be told."""
    acc = ""
    for op, arg in items:
        name = str(op)
        if name == "LITERAL":
            acc += chr(arg).lower()
            continue
        if acc:
            return {acc}
        if name == "AT" or (name in ("MAX_REPEAT", "MIN_REPEAT") and arg[0] == 0):
            continue  # \b, ^, a leading \W*: they add nothing the text must contain
        if name == "BRANCH":
            out: set[str] = set()
            for branch in arg[1]:
                sub = _leading(branch)
                if sub is None:
                    return None
                out |= sub
            return out
        if name == "SUBPATTERN":
            return _leading(arg[-1])
        return None
    return {acc} if acc else None


def triggers(pattern: str) -> tuple[str, ...] | None:
    """What any match of ``pattern`` (case-insensitive) starts with, lower-cased.

    ``None`` when that cannot be told (a character class, an optional start): the
    pattern is then always searched. Checking a few substrings is much cheaper than
    running sixty patterns over every sentence of a large site.
    """
    try:
        from re import _parser  # type: ignore[attr-defined]

        found = _leading(_parser.parse(pattern, re.IGNORECASE))
    except (ImportError, AttributeError, re.error):  # pragma: no cover - other Pythons
        return None
    if not found or any(len(t) < 2 for t in found):
        return None
    return tuple(sorted(found))


def _kept_to(values: Reader, allowed: re.Pattern[str]) -> Reader:
    """``values``, keeping only those whose text ``allowed`` matches whole (case and all)."""

    def read(text: str, spans: Sequence[str]) -> Iterator[Found]:
        for found in values(text, spans):
            if allowed.fullmatch(found.text.strip().strip("`")):
                yield found

    return read


def _kind(spec: FieldSpec, others: list[FieldSpec]) -> Kind:
    """The :class:`Kind` of a schema field (and the fields that share its rule)."""
    words = spec.words
    phrases = list(words.phrases)
    if words.self_naming:
        phrases += [p for p, _ in words.synonyms]
    body = "|".join(f"(?:{p})" for p in phrases)
    pattern = rf"\b(?:{body})\b" if body else r"(?!x)x"
    if words.label_only:
        labels = "|".join(words.label_only)
        pattern += rf"|^\W*(?:{labels})\b(?=\W*(?:[:=|]|$))"
    values: Reader
    if spec.parser in _SIMPLE:
        values = _plain_reader(_SIMPLE[spec.parser], words.pattern)
    elif spec.parser == "bool":
        values = _plain_reader(_bool_values(spec), "")
    elif spec.parser == "enum":
        values = _plain_reader(_enum_values(spec), "")
    elif spec.parser == "path":
        values = _path_values(spec)
    else:
        values = _SPAN_READERS[spec.parser]
        if words.pattern:
            values = _kept_to(values, re.compile(rf"(?:{words.pattern})"))
    needs = _w(words.needs) if words.needs else None
    return Kind(
        tuple(dict.fromkeys(o.rule for o in others)),
        _w(pattern),
        values,
        needs,
        spec.parser in _LINKED,
        spec,
        triggers(pattern),
    )


def _schema_kinds() -> tuple[Kind, ...]:
    # One kind per rule, and per way of reading it: a second reading of the same
    # attribute whose value must follow its words ("runs in us-west1") is a kind of
    # its own with the same rule.
    by_rule: dict[tuple[str, bool], list[FieldSpec]] = {}
    for spec in field_specs():
        if spec.parser != "subject":  # read by _check_hosting: the value is a name
            by_rule.setdefault((spec.rule, spec.words.adjacent), []).append(spec)
    return tuple(_kind(specs[0], specs) for specs in by_rule.values())


KINDS: tuple[Kind, ...] = _schema_kinds()
"""Every attribute the contradiction rule understands: one per rule of the schema's words."""

_VERSION_KIND = next(k for k, kind in enumerate(KINDS) if kind.kinds == ("version",))
_NAMED_VERSION = re.compile(
    r"(?::[ \t]*|[ \t]+)v?(?!\d{4,}(?!\.\d))\d+(?:\.\d+)*(?:\+|\.x)?"
    r"(?![\w%/:-]|\.\d|\s*(?:[KMGT]i?B|%|x\b|"
    r"(?:replicas?|instances?|connections?|workers?|nodes?|GB|MB|ms|s|seconds?|minutes?|"
    r"h|hours?|d|days?|weeks?|months?|years?)\b))",
    re.IGNORECASE,
)
"""What follows a name when it states a version: `` 14``, `` v6.2``, `` 15+``, a label's
``: v13`` (not `` 3 replicas``, ``: 30 days`` or `` 512MB``)."""


_STOP = {
    "is",
    "are",
    "of",
    "at",
    "to",
    "was",
    "be",
    "version",
    "v",
    "the",
    "a",
    "an",
    "on",
    "runs",
    "running",
    "uses",
    "using",
    "with",
    "and",
    "set",
    "mode",
}
_WORD_BEFORE = re.compile(r"([\w.+#-]+)\W*$")
_OWNER = re.compile(r"([\w.+#-]+)[ \t]+$")
_GENERIC = {"db", "database", "server", "cache", "cluster", "service", "app", "default", "primary"}
"""Capitalised words before an attribute that name no other product (``DB version``)."""
_OF_FINE = {"this", "that", "it", "its", "our", "your", "their", "each", "every", "all", "any"}
"""Words after ``version … of`` that give the value no other owner."""
_NEAR_AFTER, _NEAR_BEFORE, _LABEL = 60, 25, 70


@dataclass(frozen=True)
class Contradiction:
    """A value in prose that disagrees with the manifest."""

    line: int
    """Line of the unit (or code line)."""
    kind: str
    """Attribute kind; the rule id is ``fact/<kind>``."""
    subject: str
    """How the prose names the subject."""
    found: str
    """The value as written in prose."""
    expected: Expectation
    """The manifest fact it contradicts."""
    also: tuple[Expectation, ...] = ()
    """The other items of the list :attr:`expected` is an item of (any would agree)."""

    @property
    def cited(self) -> tuple[str, str]:
        """What the manifest says, as a finding cites it, and the path it says it at.

        One value (``'7+'``), or every item of a list (``'development', 'staging',
        'production'``) at the list's path.
        """
        if not self.also:
            return repr(self.expected.shown), self.expected.path
        shown = ", ".join(repr(e.shown) for e in (self.expected, *self.also))
        return shown, _ITEM_INDEX.sub("", self.expected.path)


_ITEM_INDEX = re.compile(r"\[\d+\]$")


def _contradiction(
    line: int, kind: str, subject: str, found: str, exps: Sequence[Expectation]
) -> Contradiction:
    """``found`` contradicts the first of ``exps``, citing the rest of its list with it."""
    first = exps[0]
    if not _ITEM_INDEX.search(first.path):
        return Contradiction(line, kind, subject, found, first)
    base = _ITEM_INDEX.sub("", first.path)
    also = tuple(e for e in exps[1:] if _ITEM_INDEX.sub("", e.path) == base)
    return Contradiction(line, kind, subject, found, first, also)


Named = tuple[str, list["Subject"]]
"""A name in text (as written) and the subjects it may mean."""
Picked = tuple[str, list["Expectation"]] | None
"""How the prose names the owner of a value, and its facts of the kind (or nobody)."""


def _mentions(index: FactIndex, text: str) -> list[tuple[int, str, list[Subject]]]:
    """Every subject name in ``text``: its offset, how it is written, what it may mean.

    A variable is named only as written (``DEBUG``, not the word *debug*), or by its
    words in prose ("access tokens").
    """
    out = []
    for m in index.pattern.finditer(text):
        said = m.group(1)
        subjects = [
            s
            for s in index.by_name.get(said.lower(), [])
            if not s.exact or said in s.names or " " in said
        ]
        if subjects:
            out.append((m.start(), said, subjects))
    opening, bare = index.environment_opening
    env = opening.match(text)
    if env is not None and not any(s == env.start(1) for s, _, _ in out):
        out.insert(0, (env.start(1), env.group(1), [bare[env.group(1).lower()]]))
    return out


mentions_in = _mentions
"""Every subject name in a text (for the other rules of the gate)."""
contradiction = _contradiction
"""A finding that cites the first expectation and the rest of its list (for the other
rules of the gate)."""
HOSTNAME = _HOSTNAME
"""A hostname in text (for the other rules of the gate)."""


def _short_mentions(index: FactIndex, text: str) -> list[tuple[int, str, list[Subject]]]:
    """:func:`_mentions` of a heading or a first cell, once per text."""
    return index.once("mentions", text, lambda: _mentions(index, text))


def _heading_groups(index: FactIndex, context: tuple[str, ...]) -> list[list[Named]]:
    """The names in each heading (and lead-in), innermost first.

    In one heading the names keep their order, services before providers
    (``blackroad-backend on Railway``).
    """
    groups = []
    for heading in reversed(context):
        named = [(w, subs) for _, w, subs in _short_mentions(index, heading)]
        if named:
            groups.append(sorted(named, key=lambda n: not any(s.is_service for s in n[1])))
    return groups


heading_groups = _heading_groups
"""The names in each heading and lead-in, innermost first (for the other rules)."""


def _facts(subject: Subject, kind: Kind, skip_inherited: bool) -> list[Expectation]:
    return [
        e
        for k in kind.kinds
        if not (skip_inherited and k in subject.inherited)
        for e in subject.facts.get(k, [])
    ]


def _one(
    shown: str,
    subjects: list[Subject],
    kind: Kind,
    skip: bool,
    around: frozenset[str] = frozenset(),
) -> tuple[int, Picked]:
    """How many distinct subjects behind one name state ``kind``, and the one if unique.

    A variable several services read is the one of the service named ``around`` it
    (in the unit or its headings); with none named, any of them may be meant.
    """
    having = [s for s in subjects if _facts(s, kind, skip)]
    if len(having) == 1 and having[0].per_service:
        variable = having[0]
        readers = [facts for key, facts in variable.per_service.items() if key in around]
        mine = [e for facts in readers for k in kind.kinds for e in facts.get(k, [])]
        return 1, (shown, mine or _facts(variable, kind, skip))
    keys = {s.key for s in having}
    if len(keys) == 1:
        return 1, (shown, _facts(having[0], kind, skip))
    return len(keys), None


def _owner(
    kind: Kind,
    named: list[Named],
    groups: list[list[Named]],
    index: FactIndex | None = None,
    after: list[Named] | None = None,
    text: str = "",
    context: str = "",
) -> Picked:
    """Whose fact a value states (and that subject's facts of the kind).

    The nearest name before the value in the unit (``named``, nearest first) — when
    that subject has no such fact, nobody's; else the first name after it that has
    such a fact (``3000 (Railway overrides it)`` is still the heading's port); else
    the first heading subject that has one; else a fact of no one subject.
    """
    # an environment or team named beside a service's value is where or whose, not
    # what: "the Shipments API in production runs 3 tasks"
    named = [n for n in named if _holds(n[1], kind) or not _bystander(n[1])]
    after = [n for n in after or [] if _holds(n[1], kind) or not _bystander(n[1])]
    around = frozenset(
        s.key
        for _, subjects in [*named, *(after or []), *(n for g in groups for n in g)]
        if not subjects[0].exact  # a variable's name names no service
        for s in subjects
        if s.is_service
    )
    if named and all(s.key.startswith("provider:") for s in named[0][1]):
        # "Redis: 7, managed by Railway, no backups": the platform stands for the
        # service only when no service is named before it
        first = next(
            (n for n in named[1:] if any(s.is_service for s in n[1]) or _holds(n[1], kind)),
            None,
        )  # "the staging environment uses the AWS account …": the environment's
        if first is not None:
            named = [first]
    if named:
        count, picked = _one(*named[0], kind, skip=False, around=around)
        hosts_only = all(s.key.startswith(("provider:", "technology:")) for s in named[0][1])
        if count or not hosts_only:
            return picked
        # "Railway probes /healthz" on a service's page: the platform acts for the service,
        # and so does its tool ("MkDocs writes the site to public/")
    for shown, subjects in after or []:
        count, picked = _one(shown, subjects, kind, skip=False, around=around)
        if count:
            return picked
    for group in groups:
        has_service = any(s.is_service for _, subs in group for s in subs)
        for shown, subjects in group:
            count, picked = _one(shown, subjects, kind, skip=has_service, around=around)
            if count:
                return picked
    if index is not None:  # facts of no one subject (recovery objectives, every zone)
        facts = [e for k in kind.kinds for e in index.global_facts.get(k, [])]
        named_here = any(subs for group in groups for _, subs in group)
        if not facts and not named_here and not after and not named:
            return _sole_holder(index, kind, text, context)
        if named_here and facts and all(e.loc[:1] == ("services",) for e in facts):
            # services' facts said of "the service": not when the context names some
            # other subject ("**Cloudflare Health Checks**: Retries: 2")
            return None
        if facts:
            return "the manifest", facts
    return None


def _holds(subjects: list[Subject], kind: Kind) -> bool:
    return any(s.facts.get(k) for s in subjects for k in kind.kinds)


def _bystander(subjects: list[Subject]) -> bool:
    """Whether the subjects are only environments or teams (which name where or whose)."""
    return all(s.key.startswith(("environment:", "team:")) for s in subjects)


_OPENING = (
    r"^[\W\d]*(?:(?:an?|the|our|all|every|each|daily|nightly|hourly|weekly|full|automatic"
    r"|database|db)\s+)*(?:"
)
"""The start of text whose own subject is what an implied field's words name."""


def _sole_holder(index: FactIndex, kind: Kind, text: str, context: str) -> Picked:
    """The one service that states ``kind`` at all, for ``text`` that names no subject.

    Only for a field whose words say so (:attr:`~manifest_docs.vocabulary.Words.implied`),
    in text that opens with them or under a heading or header cell that has them:
    "Backups are kept for seven days" in a guide that names nothing is about the one
    service with a backup retention ("Laptops are backed up weekly" is not); when two
    services state the kind, nobody's.
    """
    words = kind.spec.words if kind.spec is not None else None
    if not words or not words.implied:
        return None
    opens = re.search(_OPENING + words.implied + ")", text, re.IGNORECASE)
    if not opens and not re.search(words.implied, context, re.IGNORECASE):
        return None
    holders = index.once(
        "sole-holder",
        " ".join(kind.kinds),
        lambda: [
            s
            for s in index.subjects
            if s.is_service and not s.exact and any(s.facts.get(k) for k in kind.kinds)
        ],
    )
    if len(holders) != 1:
        return None
    only = holders[0]
    facts = [e for k in kind.kinds for e in only.facts.get(k, []) if not e.environment]
    return (only.key.split(":", 1)[1], facts) if facts else None


def _of_owner(index: FactIndex, text: str, end: int) -> tuple[bool, Named | None]:
    """Whether ``of X`` after a value gives it another owner, and the subject X names.

    ``version 3.11 of Python`` belongs to Python (``True, None``); ``version 15 of
    PostgreSQL`` to PostgreSQL (``False``, the name).
    """
    m = _OF.match(text, end)
    if m is None:
        return False, None
    named = index.pattern.match(text, m.end())
    if named is not None:
        return False, (named.group(1), index.by_name.get(named.group(1).lower(), []))
    word = m.group(1).strip(".").lower()
    return word not in _STOP and word not in _GENERIC and word not in _OF_FINE, None


def _tied_version(text: str, found: Found, index: FactIndex, kind: Kind) -> bool:
    """``Next.js 14+`` is about Next.js: reject a version glued to some other name."""
    if _of_owner(index, text, found.end)[0]:
        return False
    before = _WORD_BEFORE.search(text[: found.start])
    if before is None:
        return True
    word = before.group(1).strip(".:").lower()
    if not word or word in _STOP or kind.words.fullmatch(word):
        return True
    if word.lower() in index.by_name:
        return True
    gap = text[before.end(1) : found.start]
    return ":" in gap or "=" in gap


_NOT_ALNUM = re.compile(r"[^a-z0-9]+")


def _qualified(qualifier: str, text: str) -> bool:
    """Whether ``text`` names ``qualifier`` by its last word, in any spelling.

    ``api:cache:`` is named by "cached responses", ``ratelimit:`` by "rate-limit
    counters", ``session:`` by "Sessions".
    """
    words = [w for w in _NOT_ALNUM.split(qualifier.lower()) if w]
    return not words or words[-1] in _NOT_ALNUM.sub("", text.lower())


def _relevant(
    exps: list[Expectation],
    text: str,
    envs: frozenset[str] = frozenset(),
    headings: Sequence[str] = (),
    part: str = "",
) -> list[Expectation]:
    """The expectations ``text`` can be about (a qualifier must appear in it).

    ``envs`` are the environments whose overrides state facts. Text naming one of them
    is about what its override states (nothing else of that environment is judged:
    the manifest may simply not say); text naming production is about the service's
    own values; text naming no environment may state any environment's value. The
    ``part`` of the sentence around the value speaks first ("prod runs four tasks and
    staging runs two"); text that names none is about the environment its nearest
    heading names, if any (``## Orders database in staging``, an admonition titled
    ``dev``).
    """
    relevant = [e for e in exps if not e.qualifier or _qualified(e.qualifier, text)]
    if any(e.qualifier for e in exps) and not any(e.qualifier for e in relevant):
        return []
    if relevant and all(e.loc[:1] == ("environments",) for e in relevant):
        return relevant  # an environment's own facts (its region): named by the subject
    named: list[str] = []
    production = False
    for said in (part, text) if part else (text,):
        named = [env for env in sorted(envs) if _names_environment(env, said)]
        production = _PRODUCTION.search(said) is not None
        if named or production:
            break
    for heading in reversed(headings):
        if named or production:
            break
        named = [env for env in sorted(envs) if _heading_names_environment(env, heading)]
        production = _PRODUCTION.search(heading) is not None
    if named:
        return [e for e in relevant if e.environment == named[0]] if len(named) == 1 else []
    if any(e.environment for e in relevant):
        shared = [e for e in relevant if not e.environment]
        if production or not shared:
            return shared  # only an override states it: text must name that environment
    return relevant


_PART_BREAK = re.compile(r";|\.\s|,?\s+(?:and|but|while|whereas)\s+|,\s+", re.IGNORECASE)


def _part_around(text: str, found: Found) -> str:
    """The part of a sentence (between ``;``, ``and``, ``but``, commas) holding a value."""
    return _clause(text, found.start, found.end, _PART_BREAK)


def _heading_names_environment(env: str, heading: str) -> bool:
    """Whether a heading is about environment ``env``: names it as text does, or is it."""
    bare = re.fullmatch(rf"\W*{re.escape(env)}(?:\s+(?:environment|env))?\W*", heading, re.I)
    return bare is not None or _names_environment(env, heading)


_PRODUCTION = re.compile(r"\b(?:prod|production)\b(?!-)|\b(?:in|on|for)\s+(?:the\s+)?live\b", re.I)
"""Text that says it is about production (``in production``, ``on prod``)."""


def _names_environment(env: str, text: str) -> bool:
    """Whether ``text`` is about environment ``env``.

    "in staging", "the staging API", "staging's", "Staging runs" — not ``staging``
    listed among values ("one of dev, staging or prod") or inside a hostname.
    """
    e = re.escape(env)
    pattern = (
        rf"\b(?:in|on|for)\s+(?:the\s+)?{e}\b(?![.-]\w)"
        rf"|(?:^|[.:;!]\s+|\bthe\s+){e}(?:'s)?\s+[a-z]"
        rf"|\b{e}(?:'s|\s+(?:environment|env|project|stack|deploys?|deployments?|instances?))\b"
    )
    return re.search(pattern, text, re.IGNORECASE) is not None


def _compare(
    unit_line: int,
    kind: Kind,
    shown: str,
    exps: list[Expectation],
    found: Found,
    text: str,
    envs: frozenset[str] = frozenset(),
    headings: Sequence[str] = (),
) -> Contradiction | None:
    relevant = _relevant(exps, text, envs, headings, _part_around(text, found))
    if not relevant and kind.spec is not None and kind.spec.parser == "key":
        # a key no namespace has, whichever one the text means ("counters live under
        # rl:{ip}"): cited against the namespace it is most like
        relevant = sorted(exps, key=lambda e: -_likeness(found.text, e.shown))
    if not relevant or any(e.accepts(found.value) for e in relevant):
        return None
    return _contradiction(unit_line, relevant[0].kind, shown, found.text, relevant)


def _likeness(a: str, b: str) -> float:
    return difflib.SequenceMatcher(None, a.lower(), b.lower()).ratio()


def _distance(hit: tuple[int, int], found: Found) -> int | None:
    """How far ``found`` is from an attribute word (``None``: too far to be its value)."""
    start, end = hit
    if found.start < end and start < found.end:
        return 0  # the value names the attribute itself ("DNS-only", "append-only file")
    if 0 <= found.start - end <= _NEAR_AFTER:
        return found.start - end
    if 0 <= start - found.end <= _NEAR_BEFORE:
        return start - found.end
    return None


_CHECKBOX = re.compile(r"^\s*\[[ xX]\]\s*")
"""A task list item's box (``[x] ``), before its first word."""


def _foreign(index: FactIndex, text: str, start: int, kind: Kind) -> bool:
    """``AWS region``, ``Python version``: the attribute word belongs to another product.

    Not when the word before is a value of the attribute (``Flexible SSL``).
    """
    m = _OWNER.search(text[:start])
    if m is None or not _CHECKBOX.sub("", text[: m.start(1)]).strip(" *_(\"'`"):
        return False  # no word right before it, or the word opens the sentence (or task)
    word = m.group(1).strip(".")
    if any(
        hit.end() == m.end(1)
        for hit in index.pattern.finditer(text, max(0, m.end(1) - 80), m.end(1))
    ):
        return False  # the last word of a name ("Quantum Math Lab moved into …")
    return (
        any(c.isupper() for c in word)
        and word.lower() not in index.by_name
        and word.lower() not in _STOP
        and word.lower() not in _GENERIC
        and not any(k.words.fullmatch(word) for k in KINDS)
        and not kind.read(word)
    )


def _kinds_named(index: FactIndex, text: str) -> list[bool]:
    """Which kinds a heading or header cell names (once per text: they recur)."""

    def work() -> list[bool]:
        possible = _possible_kinds(text.lower())
        return [possible[k] and bool(kind.words.search(text)) for k, kind in enumerate(KINDS)]

    return index.once("kinds", text, work)


def _trigger_table() -> tuple[re.Pattern[str], dict[str, frozenset[int]], list[bool]]:
    """One pattern finding every kind's triggers at once, and the kinds each one opens.

    A trigger found also opens the kinds whose triggers it starts with (``build``
    inside ``build output``); kinds without triggers are always searched.
    """
    all_triggers = sorted({t for k in KINDS for t in k.triggers or ()}, key=len, reverse=True)
    opens = {
        t: frozenset(
            k for k, kind in enumerate(KINDS) if any(t.startswith(x) for x in kind.triggers or ())
        )
        for t in all_triggers
    }
    body = "|".join(re.escape(t) for t in all_triggers) or "(?!x)x"
    return re.compile(f"(?=({body}))"), opens, [kind.triggers is None for kind in KINDS]


_TRIGGERS, _TRIGGER_OPENS, _ALWAYS = _trigger_table()


def _possible_kinds(lowered: str) -> list[bool]:
    """Which kinds a lower-cased text may name (the others cannot match it)."""
    possible = list(_ALWAYS)
    for trigger in {m.group(1) for m in _TRIGGERS.finditer(lowered)}:
        for k in _TRIGGER_OPENS[trigger]:
            possible[k] = True
    return possible


def _attribute_hits(index: FactIndex, text: str) -> list[list[tuple[int, int]]]:
    """Attribute words per kind (in the order of :data:`KINDS`), found in ``text``.

    A word inside a longer attribute word of another kind (``timeout`` in ``deploy
    timeout``) or owned by another product (``AWS region``, ``the version of Python``)
    is left out.
    """
    possible = _possible_kinds(text.lower())
    raw = [
        [m.span() for m in kind.words.finditer(text)] if possible[k] else []
        for k, kind in enumerate(KINDS)
    ]
    # "PostgreSQL 14", "Redis v6.2": a subject's name right before a version number
    # states its version as plainly as the word "version" does.
    raw[_VERSION_KIND] += [
        m.span(1) for m in index.pattern.finditer(text) if _NAMED_VERSION.match(text, m.end())
    ]
    spans = [(k, s, e) for k, hits in enumerate(raw) for s, e in hits]
    return [
        [
            (s, e)
            for s, e in hits
            if not any(k2 != k and s2 <= s and e <= e2 and e2 - s2 > e - s for k2, s2, e2 in spans)
            and not _foreign(index, text, s, KINDS[k])
            and not (KINDS[k].kinds == ("version",) and _of_owner(index, text, e)[0])
        ]
        for k, hits in enumerate(raw)
    ]


_EACH = re.compile(r"\b(?:each|every|per|any)\s+(?:[\w-]+\s+){0,3}$", re.IGNORECASE)
"""Before a count's word, what makes it one of them (``each Shipments API task``)."""
_OF_WORD = re.compile(r"\s+of(?:\s+(?:the|its|dedicated|shared))?\s+")
"""Between a value and the attribute word it measures (``4 GB of memory``)."""


def _bound_values(
    k: int, hits: list[list[tuple[int, int]]], values: list[list[Found]], text: str
) -> list[Found]:
    """The value each attribute word of ``KINDS[k]`` states.

    That is the nearest value after the word, else the nearest one before it — unless
    that value is closer to a word of another kind (``every 30s with a timeout of 5s``:
    30s is the interval, 5s the timeout).
    """

    def nearest(kind: int, found: Found) -> int | None:
        dists = [d for h in hits[kind] if (d := _distance(h, found)) is not None]
        return min(dists) if dists else None

    def claimed(found: Found, mine: int) -> bool:
        for other in range(len(KINDS)):
            if (
                other == k
                or KINDS[other].code
                or not any(f.start == found.start and f.end == found.end for f in values[other])
            ):
                continue
            theirs = nearest(other, found)
            if theirs is not None and theirs < mine:
                return True
        return False

    bound: list[Found] = []
    spec = KINDS[k].spec
    adjacent = spec is not None and spec.words.adjacent
    for start, end in hits[k]:
        after = sorted(
            (f for f in values[k] if 0 <= f.start - end <= _NEAR_AFTER),
            key=lambda f: f.start,
        )
        before = sorted(
            (f for f in values[k] if 0 <= start - f.end <= _NEAR_BEFORE),
            key=lambda f: -f.end,
        )
        # a value inside the words names the field only for self-naming fields ("DNS-only")
        # or when no other value stands beside them; elsewhere it is part of the words
        # ("Automatic rollback is off": off, not automatic)
        overlapping = [f for f in values[k] if f.start < end and start < f.end]
        if overlapping and not (spec is not None and spec.words.self_naming):
            after = [f for f in after if f not in overlapping]
            before = [f for f in before if f not in overlapping]
            if after or before:  # another value beside the words is the one they state
                overlapping = []
        if _PER_UNIT.match(text, end):
            before = []  # "30 connections each": a share, not the setting
        if _EACH.search(text, max(0, start - 40), start) and KINDS[k].kinds == ("replicas",):
            continue  # "each API task caps its pool at 40": one of them, not how many
        if adjacent:
            after = [f for f in after if _ADJACENT.fullmatch(text, end, f.start)][:1]
            before = []

        # The nearer of the first value after and the first before ("daily backups …
        # weekly dumps": daily); a value after the word is the usual order.
        ordered = overlapping + sorted(
            after[:1] + before[:1],
            key=lambda f: (
                (f.start - end)
                if f.start >= end
                else -1
                if _OF_WORD.fullmatch(text, f.end, start)  # "4 GB of memory"
                else 2 * (start - f.end)
            ),
        )
        for found in ordered + after[1:] + before[1:]:
            mine = nearest(k, found)
            if mine is not None and not claimed(found, mine):
                if found not in bound:
                    bound.append(found)
                break
    return bound


_LIST_GAP = re.compile(r"\s*(?:,|;)?\s*(?:(?:and|or|and/or)\s+)?", re.IGNORECASE)
"""Between the items of an enumeration (``a, b or c``)."""


def _enumerated(text: str, bound: list[Found], values: list[Found]) -> list[Found]:
    """The values bound to a list field's words, with the rest of their enumeration.

    ```takes `debug`, `info`, `warn` or `error```: every item, not just the first.
    """
    out = list(bound)
    ordered = sorted(values, key=lambda f: f.start)
    for first in bound:
        last = first
        for found in ordered:
            if found.start < last.end or found in out:
                continue
            if not _LIST_GAP.fullmatch(text, last.end, found.start):
                break
            out.append(found)
            last = found
    return out


_PRONOUN = re.compile(r"\b(?:it|its|it's|they|their|them)\b", re.IGNORECASE)
"""A pronoun that may stand for the subject of the sentence before."""


def _antecedent(index: FactIndex, prior: str) -> list[Named]:
    """What "it" stands for: the one service the sentence before names, if just one."""
    services = [
        (w, subs)
        for _, w, subs in _short_mentions(index, prior)
        if any(s.is_service for s in subs) and not subs[0].exact
    ]
    keys = {s.key for _, subs in services for s in subs if s.is_service}
    return services[:1] if len(keys) == 1 else []


_CHANGED_FROM = re.compile(r"\bfrom\s+(?:[\w.`*'-]+\s+){0,2}$", re.IGNORECASE)
_CHANGED_TO = re.compile(r"[`*'\"]*\s*(?:to|→|->|=>)\s", re.IGNORECASE)
"""``from X to Y`` around a value: a change, whose ``from`` side is what it used to be."""


_WITH_OWNER = re.compile(
    r"\b(?:an?|the|our|my|your|their|each|every|any|one)\s+([a-z][\w-]*)\s+(?:with|that has|"
    r"having)\s+(?:about\s+|around\s+|roughly\s+|only\s+|just\s+|up to\s+)?$",
    re.IGNORECASE,
)
"""``a laptop with``, ``any machine that has``: a thing right before a value that owns it."""
_OWN_NOUNS = frozenset(
    {"container", "instance", "service", "replica", "database", "cache", "server", "deployment",
     "plan", "volume", "app", "backend", "process", "worker"}
)  # fmt: skip
"""Nouns that may stand for the subject itself (``the container with 512 MB``)."""
_ATTACHED = re.compile(r"[\s`'\"]*(?:(?:the|its|their|a|an)\s+)?[`'\"]*$", re.IGNORECASE)
"""Between a value and the name right after it: the value describes that name."""
_ADJACENT = re.compile(r"[\s:=`'\"]*(?:(?:an?|the)\s+[`'\"]*)?", re.IGNORECASE)
"""What may stand between a word and the value that must follow it: ``phase 3``,
``expects a `204```."""
_POSSESSIVE = re.compile(r"\b([A-Z][\w.-]*)['’]s\s+$")
"""Right before a value: whose it is (``Vercel's Pro plan``)."""
_COMPARED = re.compile(
    r"(?<!\bno )(?<!\bnot )(?<!\bnever )\b(?:more|fewer|less|greater|lower|higher|longer|shorter"
    r"|other)\s+than\s+\W*$",
    re.IGNORECASE,
)
"""Right before a value: a comparison (``more than 2 replicas``), not the value."""
_FRAME = re.compile(r"^\W*(?:in|during|by|from|until|after|before|for)\s+phase\s*$", re.I)
"""A sentence that opens with its time frame (``In phase 2 …``)."""
_CLAUSE_EDGE = re.compile(r"[;,()]|\s(?:but|while|whereas|although)\s", re.IGNORECASE)


def _clause(
    text: str, at: int, until: int | None = None, edges: re.Pattern[str] = _CLAUSE_EDGE
) -> str:
    """The clause of ``text`` around offsets ``at``..``until``.

    Clauses end at commas, ``but``… (:data:`_CLAUSE_EDGE`), or at the ``edges`` given.
    """
    starts = [m.end() for m in edges.finditer(text, 0, at)]
    end = edges.search(text, at if until is None else until)
    return text[starts[-1] if starts else 0 : end.start() if end else len(text)]


_PER_UNIT = re.compile(r"\s*(?:each|apiece|per\s+(?!second|minute|hour|day|month|year)\w+)\b")
"""After an attribute word: the value before it is per unit (``30 connections each``)."""
_LINK_AFTER = re.compile(
    # one verb may join them too: "health check hits `/ping`", "probed at", "lives in";
    # and a proper name: "the probe Railway runs: `curl …`"
    r"^(?:\s*[a-z]{2,}(?:s|ed)(?=\W))?"
    r"(?:\W|\b(?:is|was|reads?|becomes?|set|to|now|of|the|for|its|runs?|at|in|on|under|"
    r"from|via|by|with|uses?|using|called|named|a|an|our|this)\b|"
    r"(?:(?<=\bof )|(?<=\bfor ))(?:the\s+)?[\w.-]+|(?-i:\b[A-Z][\w.-]*\b))*$",
    re.IGNORECASE,
)
_LINK_BEFORE = re.compile(r"^\W*(?:is|was|as)?\W*(?:the|its|our)?\W*$", re.IGNORECASE)
_NAME_AFTER = re.compile(r"^[\s`'\"]*(?:[:=]|is|was|(?:is )?set to)?[\s`'\"]*(?:the\s+)?$", re.I)
_NAME_BEFORE = re.compile(r"^[\s`'\"]*(?:is (?:the|our)|'s)?[\s`'\"]*$", re.IGNORECASE)
"""A name is joined to its attribute more tightly (``the Hobby plan``, ``plan: Pro``)."""


_COLON_GAP = re.compile(r"[^.;`\n]{0,60}:\s*[`'\"]?")
"""Words, then a colon right before the value: "the probe Railway runs after a deploy:
`curl …`" (a shell comment over its command reads so)."""


def _bound_commands(
    text: str, hits: list[tuple[int, int]], values: list[Found], *, name: bool = False
) -> list[Found]:
    """The command (path, name) each attribute word states.

    That is a value joined to it by linking words only (``start command is `npm
    start```, ```npm start` is the start command``); a name more tightly still
    (``the Hobby plan``, ``plan: Pro``).
    """
    link_after, link_before = (_NAME_AFTER, _NAME_BEFORE) if name else (_LINK_AFTER, _LINK_BEFORE)
    bound = []
    for start, end in hits:
        after = [
            f
            for f in values
            if f.start >= end
            and (link_after.match(text[end : f.start]) or _COLON_GAP.fullmatch(text, end, f.start))
        ]
        before = [f for f in values if f.end <= start and link_before.match(text[f.end : start])]
        for found in after[:1] + before[-1:]:
            if found not in bound:
                bound.append(found)
    return bound


_DESIGNED = frozenset({"framework", "version"})
"""Facts a planned service has as a design: "it will be a Next.js 12 app" states one."""


def _all_planned(index: FactIndex, exps: list[Expectation]) -> bool:
    """Whether every fact of ``exps`` belongs to a service that is still planned."""
    if not exps or any(len(e.loc) < 2 or e.loc[0] != "services" for e in exps):
        return False
    owners = {e.loc[1] for e in exps}
    for name in owners:
        subject = index.subject(f"service:{name}")
        status = subject.facts.get("status", []) if subject else []
        if not any(e.accepts("planned") for e in status):
            return False
    return True


def _check_text(
    index: FactIndex,
    unit: Unit,
    groups: list[list[Named]],
    context_attr: str,
    around: str,
    mentions: list[tuple[int, str, list[Subject]]],
) -> Iterator[Contradiction]:
    text = unit.text
    hits = _attribute_hits(index, text)
    in_context = _kinds_named(index, context_attr)
    live = [  # only kinds named here (or in the headings) can state a value
        (hits[k] or in_context[k]) and _needs_met(kind, around) for k, kind in enumerate(KINDS)
    ]
    values = [kind.read(text, unit.code_spans) if live[k] else [] for k, kind in enumerate(KINDS)]
    for k, kind in enumerate(KINDS):
        if not live[k]:
            continue
        if hits[k] and kind.code:
            name = kind.spec is not None and kind.spec.parser == "word"
            candidates = _bound_commands(text, hits[k], values[k], name=name)
            if candidates and kind.spec is not None and kind.spec.many:
                candidates = _enumerated(text, candidates, values[k])
        elif hits[k]:
            candidates = _bound_values(k, hits, values, text)
        elif not kind.words.search(text) and not (kind.spec and kind.spec.words.adjacent):
            # named by the headings only; a value that must follow its word cannot be
            candidates = [f for f in values[k] if f.start <= _LABEL]
        else:
            continue
        found_wrong: dict[tuple[str, ...], Contradiction] = {}
        agreed: set[tuple[str, ...]] = set()
        for found in candidates:
            if kind.kinds == ("version",) and not _tied_version(text, found, index, kind):
                continue
            owned = _POSSESSIVE.search(text, 0, found.start)
            if owned and owned.group(1).lower() not in index.by_name:
                continue  # "Vercel's Pro plan": another product's
            compared = _COMPARED.search(text, 0, found.start)
            if compared and not any(a <= compared.start() < b for a, b in hits[k]):
                continue  # "more than 2 replicas": a bound, not the setting (unless the
                # attribute's own words compare: "a probe taking longer than 10 s fails")
            holder = _WITH_OWNER.search(text, 0, found.start)
            owner_word = holder.group(1).lower() if holder else ""
            if holder and owner_word not in index.by_name and owner_word not in _OWN_NOUNS:
                continue  # "a laptop with 16 GB of RAM": the laptop's, not a service's
            if _CHANGED_FROM.search(text, max(0, found.start - 40), found.start) and (
                _CHANGED_TO.match(text, found.end)
            ):
                continue  # "upgraded from PostgreSQL 14 to 16": what it was, not what it is
            if kind.kinds == ("phase",) and _FRAME.match(text[: found.start]):
                continue  # "In phase 2 the backend will scale…": when, not whose phase
            clause = _clause(text, found.start).replace(found.text, " ")
            not_today = kind.kinds[0] not in _TIMELESS and modal(clause)
            planning = not_today and kind.kinds[0] in _DESIGNED and future(clause)
            if not_today and not planning:
                continue  # "was version 13", "will scale to three replicas": not today
            inside = [
                subs
                for s, w, subs in mentions
                if found.start < s + len(w)
                and s < found.end
                # a code value may hold a name (a URL its hostname); a number may not
                and not (kind.code and (s > found.start or s + len(w) < found.end))
            ]
            address = kind.spec is not None and kind.spec.parser == "address"
            if not address and any(
                not x.key.startswith(("phase:", "team:")) for subs in inside for x in subs
            ):
                continue  # the "value" is part of a name (a hostname), not a team or an
                # e-mail address (whose domain is a zone)
            of = _of_owner(index, text, found.end)[1] if kind.kinds == ("version",) else None
            before = [(w, subs) for s, w, subs in reversed(mentions) if s + len(w) <= found.start]
            if not before and unit.prior and _PRONOUN.search(text, 0, found.start):
                before = _antecedent(index, unit.prior)  # "It has three tasks."
            # a name after the value only owns it in the same part of the sentence
            part_end = _PART_END.search(text, found.end)
            stop = part_end.start() if part_end else -1
            after = [
                (w, subs) for s, w, subs in mentions if s >= found.end and (stop < 0 or s < stop)
            ]
            first_after = next((s for s, _, _ in mentions if s >= found.end), -1)
            if (
                kind.spec is not None
                and kind.spec.parser in ("enum", "bool")
                and after
                and first_after >= 0
                and _ATTACHED.match(text, found.end, first_after)
            ):
                before = [after[0], *before]  # "the optional `X`", "start without `X`"
            named_only = kind.spec is not None and kind.spec.words.named
            picked = _owner(
                kind,
                [of] if of else before,
                [] if named_only else groups,
                index,
                after=[] if of else after,
                text=text,
                context=" / ".join((*unit.headings, *(head for head, _ in unit.cells))),
            )
            if picked is None or (planning and not _all_planned(index, picked[1])):
                continue
            # "from version 14 to version 15" is a change. After a variable's name, a value
            # after ";" is another claim: each clause may name its own ("A is optional;
            # only B is required").
            by_name = bool(before) and any(x.exact for x in before[0][1])
            part = text.count(";", 0, found.start) if by_name else 0
            key = (str(part), *(e.path for e in picked[1]))
            result = _compare(
                unit.line_at(found.start),
                kind,
                picked[0],
                picked[1],
                found,
                text,
                index.overridden,
                unit.headings,
            )
            if result is not None:
                found_wrong.setdefault(key, result)
            elif not (kind.spec is not None and kind.spec.many) and _relevant(
                picked[1], text, index.overridden, unit.headings, _part_around(text, found)
            ):  # one value agreeing with a list says nothing of the others
                agreed.add(key)  # "from version 14 to version 15": a change, not drift
        for key, result in found_wrong.items():
            if key not in agreed:
                yield result
                break  # one finding per attribute per unit


def _foreign_key(index: FactIndex, unit: Unit, groups: list[list[Named]]) -> bool:
    """Whether a table row's first cell names something that is not a subject.

    ``| redis-py | 5.0.1 |`` under ``## Redis`` is not about Redis.
    """
    header, key = unit.cells[0]
    if not any(c.isalpha() for c in key) or _DNS_COLUMN.search(header):
        return False  # no name there, or a DNS record (its SSL mode is the zone's)
    if _header_kinds(index, header):
        return False  # the first column holds values
    if _short_mentions(index, key) or _header_kinds(index, key) or _typed_cell(index, unit):
        return False  # a subject, or an attribute label ("| Memory | 512MB |")
    if key.strip(" `*_:").lower() in _GENERIC:
        return False
    lowered = key.lower()
    return not any(  # a key namespace of the heading's subject ("| `session:*` | 1h |")
        e.qualifier and e.qualifier.lower() in lowered
        for group in groups
        for _, subjects in group
        for s in subjects
        for exps in s.facts.values()
        for e in exps
    )


_PART_END = re.compile(r";|\.\s|,\s+(?:so|but|and|which|because|while|whereas)\b")
"""Where the part of a sentence a value is in ends (a name beyond it is not its owner)."""


def _typed_cell(index: FactIndex, unit: Unit) -> list[tuple[int, str, list[Subject]]]:
    """A first cell that names a subject together with its column's header.

    ``| 2 |`` under ``Phase`` is phase 2, ``| docs_deploy |`` under ``Workflow`` the
    docs_deploy workflow: the header says what kind of thing the cell names. A bare
    number is the row's subject only when another cell names it as well (``| 2 |
    Strategic Split |``): rows ``| 2 | Retire the old script |`` are tasks of phase 2.
    """
    header, cell = unit.cells[0]
    word = header.strip(" `*_:").lower()
    if not word or " " in word:
        return []
    word = word[:-1] if word.endswith("s") and len(word) > 3 else word
    name = cell.strip(" `*_").lower()
    if name.isdigit():
        rest = " / ".join(c for _, c in unit.cells[1:])
        if int(name) not in index.phases_named(rest):
            return []
    for said in (f"{name} {word}", f"{word} {name}"):
        subjects = index.by_name.get(said, [])
        if subjects:
            return [(0, said, subjects)]
    return []


def _header_kinds(index: FactIndex, header: str) -> list[Kind]:
    """The kinds a column header names."""
    return [kind for kind, named in zip(KINDS, _kinds_named(index, header), strict=True) if named]


def _check_cells(
    index: FactIndex, unit: Unit, groups: list[list[Named]], around: str
) -> Iterator[Contradiction]:
    """Values under an attribute column (``| Redis | 128MB |`` under ``Memory``).

    They belong to the subject the row's first cell names, else to the heading's.
    """
    header, first = unit.cells[0]
    key = _short_mentions(index, first)[:1] or _typed_cell(index, unit)
    if _DNS_COLUMN.search(header):  # a record's name: only a whole domain names a subject
        key = [
            (s, w, subs)
            for s, w, subs in key
            if w.strip().lower() == first.strip(" `*").lower()
            and any(x.key.startswith("domain:") for x in subs)
        ]
    named = [(w, subs) for _, w, subs in key]
    for header, cell in unit.cells:
        if not cell:
            continue
        for kind in _header_kinds(index, header):
            if kind.words.search(cell):
                continue
            if not _needs_met(kind, around):
                continue
            command = kind.spec is not None and kind.spec.parser == "command"
            if command and cell not in unit.code_spans:
                continue  # a command is written as code
            for found in kind.read_whole(cell):
                if kind.kinds == ("version",) and not _tied_version(cell, found, index, kind):
                    continue
                picked = _owner(kind, named, groups, index)
                if picked is None:
                    continue
                result = _compare(
                    unit.line,
                    kind,
                    picked[0],
                    picked[1],
                    found,
                    unit.text,
                    index.overridden,
                    unit.headings,
                )
                if result is not None:
                    yield result
                break


_PHASE_COLUMN = re.compile(r"^\s*phase\s*$", re.IGNORECASE)
_TIMELESS = frozenset({"phase", "target-date", "phase-status"})
"""Kinds a statement about another phase can still contradict."""


def _other_phase(index: FactIndex, unit: Unit) -> bool:
    """Whether ``unit`` speaks of a phase other than the current one (``a phase 2 item``)."""
    current = index.current_phase
    if index.phases_named(unit.text) - {current}:
        return True
    for header, cell in unit.cells:
        if _PHASE_COLUMN.match(header) and cell.strip().isdigit() and int(cell) != current:
            return True
    return False


_WORKFLOW_PATH = re.compile(r"(?<![\w/.-])((?:\.github/workflows/)?([\w.-]+\.ya?ml))(?![\w/-])")
_WORKFLOW_CONTEXT = re.compile(
    r"\bworkflows?\b|\bgithub actions\b|\.github/workflows|\bci(?:/cd)?\b", re.IGNORECASE
)
_NOT_WORKFLOWS = re.compile(
    r"^(?:docker-compose|compose|mkdocs|railway|fly|render|netlify|vercel|app|manifest|"
    r"\.?pre-commit-config|dependabot|codecov|\.?gitlab-ci|action|values|chart|openapi|"
    r"swagger|config|settings|\.?readthedocs|environment|conda|pnpm-lock|kustomization)"
    r"(?:[.-][\w-]+)*\.ya?ml$",
    re.IGNORECASE,
)
"""Names of YAML files that are not GitHub workflows."""


def _workflow_files(index: FactIndex) -> list[Expectation]:
    return index.once(
        "workflow-files",
        "",
        lambda: [
            e
            for subj in index.subjects
            if subj.key.startswith("workflow:")
            for e in subj.facts.get("workflow-file", [])
        ],
    )


def _unknown_workflows(index: FactIndex, unit: Unit, context: str) -> Iterator[Contradiction]:
    """A workflow file the manifest does not list (``.github/workflows/deploy.yml``).

    A path under ``.github/workflows/`` is one wherever it stands; a bare ``x.yml``
    only where the text or its headings speak of workflows, and not a well-known
    config file (``docker-compose.yml``). It is cited against the listed workflow
    whose file it is most like.
    """
    files = _workflow_files(index)
    if not files:
        return
    known = {e.shown.rsplit("/", 1)[-1].lower() for e in files}
    about_workflows = bool(_WORKFLOW_CONTEXT.search(f"{unit.text} {context}"))
    texts: list[tuple[int | None, str]] = [(None, unit.text)] if unit.kind != "code" else []
    texts += [(unit.line + n, ln) for n, ln in enumerate(unit.lines, start=1)]
    for at_line, text in texts:
        for m in _WORKFLOW_PATH.finditer(text):
            path, base = m.group(1), m.group(2)
            full = path.startswith(".github/")
            if base.lower() in known or not (full or about_workflows):
                continue
            said_workflow = re.match(r"[`'\"]?\s+workflow\b", text[m.end() :], re.IGNORECASE)
            if not full and _NOT_WORKFLOWS.match(base) and not said_workflow:
                continue  # docker-compose.yml, unless called a workflow ("railway.yml workflow")
            cited = max(files, key=lambda e: _likeness(base, e.shown.rsplit("/", 1)[-1]))
            line = unit.line_at(m.start()) if at_line is None else at_line
            yield Contradiction(line, "workflow-file", "the workflow", path, cited)
            return


_DELIVERABLE = re.compile(
    r"^\W*(?:\[[ xX]\]\s*)?\W*(?:create|add|deploy|extract|launch|ship|build|stand up|"
    r"split out|introduce|release|roll out|set up|spin up|bring up|publish|open)\b",
    re.IGNORECASE,
)
"""A roadmap item that delivers something (``📋 Create marketing site``)."""


_OBJECT_BEFORE = re.compile(r"\s+(?:(?:the|a|an|our|new|its)\s+)*", re.IGNORECASE)
_OBJECT_AFTER = re.compile(
    r"\s*(?:$|[.,;:()—–-]|(?:standalone|separately|service|app|site|as|on|to|in|for|with|"
    r"from|at|behind)\b)",
    re.IGNORECASE,
)
"""Around a deliverable's name: it is the whole object ("Create marketing site", not
"Add the backend metrics")."""


def _roadmap_phase(index: FactIndex, unit: Unit) -> Iterator[Contradiction]:
    """A list item under a heading of one phase that delivers a service of another.

    ``### Phase 2`` over ``- Create marketing site``: the marketing site is put in
    phase 2; the manifest may give it phase 1.
    """
    heading = unit.lead or (unit.headings[-1] if unit.headings else "")
    said = index.phases_named(heading)
    if len(said) != 1 or re.search(r"phases?\s*\d+\s*[-–/&,]|and\s+phase", heading, re.I):
        return
    verb = _DELIVERABLE.match(unit.text)
    if verb is None or hedged(unit.text):
        return
    mention = next(iter(_mentions(index, unit.text)), None)
    if mention is None:
        return
    start, name, found = mention
    subs = [s for s in found if s.is_service]
    end = start + len(name)
    if (
        len({s.key for s in subs}) != 1
        or not _OBJECT_BEFORE.fullmatch(unit.text, verb.end(), start)
        or not _OBJECT_AFTER.match(unit.text, end)
    ):
        return  # the service must be what is delivered ("Create marketing site")
    phase = next(iter(said))
    status = subs[0].facts.get("status", [])
    if any(e.accepts("active") for e in status):
        return  # it exists already: a later phase changes it ("Deploy the backend to …")
    for exp in subs[0].facts.get("phase", []):
        if not exp.accepts(phase):
            yield Contradiction(unit.line, "phase", name, f"phase {phase}", exp)
            return


def _phase_number(group: str) -> str:
    """``phase 2`` (or ``the phase 2.5``), its number in the named ``group``."""
    return rf"(?:the\s+)?phase\s+(?P<{group}>\d+(?:\.\d+)?)(?!\w|\.\d)"


_CURRENT_PHASE = re.compile(
    rf"\bcurrent(?:ly)?\s+(?:status|phase|stage|state)\s*(?::|is|=|[-—–|])?\s*"
    rf"(?:(?:in|at|on)\s+)?{_phase_number('label')}(?!\s+of\b)"
    rf"|(?:^|[.;,:]\s*|\b)(?P<who>[\w.&-]+(?:\s+[\w.&-]+){{0,3}}?)(?:'re|\s+(?:is|are))\s+"
    rf"(?:now\s+|currently\s+|still\s+)?(?:in|at|on)\s+{_phase_number('owned')}(?!\s+of\b)"
    rf"|\bwhere\s+we\s+are(?:\s+(?:now|today))?\s*[:—–-]\s*{_phase_number('here')}"
    r"|\bcurrent\s+phase\s*(?::|is|=|[-—–|])\s*(?:the\s+)?"
    r"(?P<name>[A-Z][\w&]*(?:\s+[A-Z&][\w&]*)*)"
    rf"|\b{_phase_number('said')}\s*(?:\(\s*current\b|is\s+(?:the\s+)?"
    r"(?:current|under\s?way|in\s+progress)\b|[-—–:]\s*(?:current|in\s+progress)\s*$)",
    re.IGNORECASE,
)
"""Prose saying which phase is under way: ``Current Status: Phase 2.5``, ``we are now in
phase 2`` (we, the platform or the organisation: "it is in phase 3" on a service's page
is that service's phase), ``Phase 3 is in progress`` (not ``phase 1 of the migration``)."""


def _current_phase(index: FactIndex, unit: Unit) -> Iterator[Contradiction]:
    """A phase called the current one that the manifest does not mark current."""
    want = index.global_facts.get("current-phase")
    if not want or "phase" not in unit.text.lower():
        return
    for m in _CURRENT_PHASE.finditer(unit.text):
        who = (m.group("who") or "").lower()
        if m.group("who") and (who == "it" or not index.owners.fullmatch(who)):
            continue  # "the backend is in phase 1": the service's phase, not the roadmap's
        name = (m.group("name") or "").lower()
        numbers = (m.group(g) for g in ("label", "owned", "here", "said"))
        said = next((n for n in numbers if n), "") or next(
            (str(i) for n, i in index.phase_ids.items() if n and name.startswith(n.lower())), ""
        )
        if not said:
            continue
        if hedged(unit.text[max(0, m.start() - 30) : m.start()]) or conditional(
            unit.text[: m.start()]
        ):
            continue
        if not want[0].accepts(float(said)):
            exp = want[0]
            state = index.phase_status.get(int(float(said))) if float(said).is_integer() else None
            if state:  # "phase 1 (Monolith); phase 2 is planned"
                exp = replace(exp, shown=f"{exp.shown}; phase {said} is {state}")
            yield Contradiction(
                unit.line_at(m.start()), "phase", "the current phase", f"phase {said}", exp
            )
            return


_SHELLS = frozenset({"bash", "sh", "shell", "console", "zsh", "shell-session", "fish"})
_CONFIGS = frozenset({"dotenv", "env", "ini", "toml", "yaml", "yml", "conf", "properties"})
_COMMENT = re.compile(r"^\s*(?:#|;|//)\s*(?!!)(.+?)\s*$")
_PROMPT = re.compile(r"^\s*(?:\$|>|#\s*(?=sudo\b))\s*")


_WHOLE_REMARK = re.compile(r"\w[,;]\s|\w\.\s+\w|^(?:\S+\s+){11}")
"""A shell comment that is a sentence of its own (clauses, sentences, a dozen words),
not a caption of the command under it (``# what Railway runs at start``)."""


def _commented_commands(unit: Unit) -> Iterator[Unit]:
    """Each command of a shell block under a comment that says what it is, as a sentence.

    ``# what Railway runs when the container starts`` over ``uvicorn … --host
    127.0.0.1`` says the start command is that line, as prose would. In a config file
    a comment is a sentence of its own (``# DEBUG: … Default: True``).
    """
    if unit.lang.lower() in _CONFIGS:  # "# DEBUG: debug mode on or off. Default: True"
        for k, line in enumerate(unit.lines):
            said = _COMMENT.match(line)
            first = said.group(1).split()[0].rstrip(":=") if said else ""
            setting = _CONFIG_LINE.match(said.group(1)) if said else None
            if _config_key(first) or (setting and len(setting.group(2).split()) <= 1):
                continue  # a setting commented out ("# maxmemory 128mb"), not a sentence
            if said and len(said.group(1).split()) >= 3:
                yield Unit("sentence", unit.line + k + 1, said.group(1), unit.headings)
        return
    if unit.lang.lower() not in _SHELLS:
        return
    commands = [(k, ln.strip()) for k, ln in enumerate(unit.lines) if ln.strip()]
    intro = unit.intro.strip()
    if len(commands) == 1 and intro.endswith(":") and not commands[0][1].startswith("#"):
        # "Start command (what Railway runs in the container):" over one command
        k, command = commands[0]
        command = _PROMPT.sub("", command)
        yield Unit(
            "sentence",
            unit.line + k + 1,
            f"{intro} {command}",
            unit.headings,
            [Span(command, len(intro) + 1)],
            lead=unit.lead,
        )
        return
    comment = ""
    for k, line in enumerate(unit.lines):
        stripped = line.strip()
        if stripped.startswith("#") and not stripped.startswith("#!"):
            comment = stripped.lstrip("#").strip()
            if _WHOLE_REMARK.search(comment):  # a remark of its own, not a caption
                yield Unit("sentence", unit.line + k + 1, comment, unit.headings, lead=unit.lead)
                comment = ""
            continue
        command = _PROMPT.sub("", stripped)
        if comment and command:
            text = f"{comment}: {command}"
            yield Unit(
                "sentence",
                unit.line + k + 1,
                text,
                unit.headings,
                [Span(command, len(comment) + 2)],
                lead=unit.lead,
            )
        comment = ""


_LOOK = re.compile(
    r"^\[ \]\s*(?:open|select|check|verify|confirm|go to|visit|look at|click|inspect|watch)\b",
    re.IGNORECASE,
)
"""An open task that inspects what exists ("- [ ] Open the `blackroad-production`
project"): its objects are today's, like a sentence's."""


_AT_PATH = re.compile(
    r"\b(?:is|are|lives?|served|available|mounted|sits?|runs?|found)\s+(?:\w+\s+){0,2}?"
    r"(?:at|on|under|from)\s*$",
    re.IGNORECASE,
)
_PATH_FIRST = re.compile(r"^[\s`]*(/[^\s`:|]*)`?\s*(?:[:—–=|]|->|→)\s*")


def _route_paths(index: FactIndex, unit: Unit) -> Iterator[Contradiction]:
    """A route's content said to be served at another path.

    ``Swagger UI is at `/docs``` or a list item ```/docs`: Swagger UI`` where the one
    route that serves Swagger is ``/api/docs``. The route is named by a word of its
    ``serves`` that no other route has; the path is a code span right after "is at"
    (or the item's opening path).
    """
    if not index.routes or "/" not in unit.text:
        return
    text = unit.text
    spans = [(f.start, f.text) for f in _spans(text, unit.code_spans)]
    first = _PATH_FIRST.match(text)
    claims = [
        (m, p)
        for m, p in spans
        if p.startswith("/") and _AT_PATH.search(text, 0, m - 1 if m else 0)
    ]
    if first:
        claims.append((first.start(1), first.group(1)))
    words = set(re.findall(r"[a-z]{4,}", text.lower()))
    for at, path in claims:
        if len(path) < 2:
            continue
        named = [e for own, e in index.routes if own & words]
        if len(named) != 1:
            continue
        exp = named[0]
        others = {e.shown.rstrip("/*") for _, e in index.routes}
        if path.rstrip("/*") != exp.shown.rstrip("/*") and path.rstrip("/*") not in others:
            what = "the route" if exp.kind == "route" else "the endpoint"
            yield Contradiction(unit.line_at(at), exp.kind, what, path, exp)
            return


def find_contradictions(index: FactIndex, unit: Unit) -> Iterator[Contradiction]:
    """Every contradiction in ``unit``.

    A unit about another phase than the current one (``the Pro plan is a phase 2
    item``) only contradicts phases and target dates: today's facts are not its subject.
    """
    elsewhere = other_environment(unit.text) if unit.kind != "code" else None
    if unit.kind != "code" and (
        not_about_today(unit.text)
        or question(unit.text)
        or hypothetical(unit.text)
        or (elsewhere is not None and elsewhere not in index.overridden)
    ):
        return
    if elsewhere is not None:  # an environment the manifest states values for
        yield from _in_environment(index, unit, elsewhere)
        return
    if unit.kind == "item":
        yield from _roadmap_phase(index, unit)
    said_current = list(_current_phase(index, unit)) if unit.kind != "code" else []
    yield from said_current
    # an open task says what is to be done, not what is; its dates and phases are still
    # the plan's ("- [ ] Split out the Prism Console (Q2 2026)"); one that only looks at
    # what exists ("- [ ] Open the blackroad-production project") states today's facts
    to_do = unit.kind == "item" and unit.text.startswith("[ ]") and not _LOOK.match(unit.text)
    context = (*unit.headings, unit.lead) if unit.lead else unit.headings
    groups = _heading_groups(index, context)
    example = unit.kind == "code" and introduced_as_example(f"{unit.intro} {unit.lead}")
    if not (example or to_do):
        yield from _unknown_workflows(index, unit, " ".join((*context, unit.intro)))
        yield from _platform_records(index, unit)
    if unit.kind == "code":
        yield from _check_code(index, unit, groups)
        for said in _commented_commands(unit):
            yield from find_contradictions(index, said)
        return
    around = " / ".join((unit.text, *context, *(head for head, _ in unit.cells)))
    found: list[Contradiction] = []
    if unit.kind == "row" and len(unit.cells) == 2:
        titled = _short_mentions(index, unit.cells[0][0])
        if titled:  # "| `ENVIRONMENT` | |" over "| Tier | optional |": the header names it
            groups = [[(w, subs) for _, w, subs in titled], *groups]
            # and its words are the rows' context, as a heading's ("| orders-db backups |"
            # over "| Frequency | hourly |")
            context = (*context, unit.cells[0][0])
    if unit.kind == "row" and unit.cells:
        if _foreign_key(index, unit, groups):
            groups = []  # the row is about its first cell, not the heading's subject
        else:
            found += _check_cells(index, unit, groups, around)
    mentions = _mentions(index, unit.text)
    found += _check_text(index, unit, groups, " / ".join(context[-2:]), around, mentions)
    if found and (to_do or _other_phase(index, unit)):
        found = [c for c in found if c.kind in _TIMELESS]
    if said_current:  # "Phase 2 is in progress": the current phase's rule has said it
        found = [c for c in found if c.kind != "phase-status"]
    yield from found
    if to_do:
        return
    yield from _check_hosting(index, unit, groups, mentions, around)
    yield from _route_paths(index, unit)


def _in_environment(index: FactIndex, unit: Unit, env: str) -> Iterator[Contradiction]:
    """Text about ``env`` ("In staging, …"): only the values its override states."""
    context = (*unit.headings, unit.lead) if unit.lead else unit.headings
    groups = _heading_groups(index, context)
    around = " / ".join((unit.text, *context))
    mentions = _mentions(index, unit.text)
    for found in _check_text(index, unit, groups, " / ".join(context[-2:]), around, mentions):
        if found.expected.environment == env:
            yield found


@dataclass(frozen=True)
class _Named:
    """A field whose value prose gives by naming something (a provider)."""

    rule: str
    """The fields' rule (``provider``, ``registrar``, ``dns-provider``)."""
    verbs: re.Pattern[str]
    """The words right before the name (``hosted on``, ``registered with``)."""
    needs: re.Pattern[str] | None
    """Context the unit must have."""
    collective: bool
    """Whether prose naming no subject states it of the manifest as a whole."""


def _named_fields() -> tuple[_Named, ...]:
    by_rule: dict[str, list[FieldSpec]] = {}
    for spec in field_specs():
        if spec.parser == "subject":
            by_rule.setdefault(spec.rule, []).append(spec)
    out = []
    for rule, specs in by_rule.items():
        phrases = [p for spec in specs for p in spec.words.phrases]
        needs = next((spec.words.needs for spec in specs if spec.words.needs), "")
        out.append(
            _Named(
                rule,
                re.compile(r"\b(?:" + "|".join(phrases) + r")\s+(?:the\s+|a\s+)?", re.IGNORECASE),
                _w(needs) if needs else None,
                any(spec.words.collective for spec in specs),
            )
        )
    return tuple(out)


_NAMED_FIELDS = _named_fields()
"""``hosted on``, ``registered with``, ``DNS is managed by`` (the words of the fields
parsed as ``subject``) before a platform's name."""
_PRODUCT = re.compile(r"[A-Z][\w.-]*[\w](?:\s+[A-Z0-9](?:[\w.-]*\w)?)?(?![\w-]|\.\w)")
_PLACE_VERB = re.compile(r"^(?:hosted|deployed|served|hosting\s*:)", re.IGNORECASE)
"""The verbs (and the ``Hosting:`` label) after which a name the manifest does not know
is still a platform ("runs on Python 3.11" is not)."""
_PLAIN_HOSTS = frozenset(
    {"production", "staging", "prod", "dev", "main", "the", "our", "every", "each", "push",
     "merge", "release", "demand", "request", "startup", "boot", "port", "monday", "friday"}
)  # fmt: skip
"""Capitalised words after a hosting verb that name no platform ("deployed to Production")."""


_CI_SYSTEM = re.compile(
    r"\bCI\b|CircleCI|Jenkins|Buildkite|Travis|TeamCity|Drone|Bamboo|\bActions\b|Pipelines"
    r"|DevOps|CodeBuild|CodePipeline|Cloud Build|Semaphore|Woodpecker|Concourse|Argo",
    re.IGNORECASE,
)
"""A CI system's name (``GitLab CI``, ``GitHub Actions``, ``Jenkins``)."""


def _held(index: FactIndex, rule: str) -> bool:
    """Whether some subject holds facts of ``rule`` (else only the manifest does)."""
    return index.once("held", rule, lambda: any(s.facts.get(rule) for s in index.subjects))


def _platforms(
    field: _Named, text: str, mentions: list[tuple[int, str, list[Subject]]]
) -> Iterator[tuple[re.Match[str], str, str]]:
    """Each platform named right after one of ``field``'s verbs, with its provider id.

    The id is ``""`` for a platform the manifest does not know ("hosted on Netlify").
    """
    at = {s: (w, subs) for s, w, subs in mentions}
    for verb in field.verbs.finditer(text):
        if verb.end() in at:
            shown, subjects = at[verb.end()]
            pid = next((x.key[9:] for x in subjects if x.key.startswith("provider:")), None)
            if pid is not None:
                yield verb, shown, pid
            continue
        product = _PRODUCT.match(text, verb.end())
        if product is None or (field.rule == "provider" and not _PLACE_VERB.match(verb.group(0))):
            continue
        if product.group(0).split()[0].lower() not in _PLAIN_HOSTS:
            yield verb, product.group(0), ""


def _check_hosting(
    index: FactIndex,
    unit: Unit,
    groups: list[list[Named]],
    mentions: list[tuple[int, str, list[Subject]]],
    around: str,
) -> Iterator[Contradiction]:
    """``The docs site is hosted on Railway`` when the manifest says GitHub Pages.

    The same for every field whose value is a provider's name: a domain's host, its
    registrar ("registered with Namecheap"), its DNS provider ("DNS for blackroad.io
    is managed by Route 53"). The provider follows the field's verb; the owner is the
    nearest subject named before it that has the field, else the heading's (or the
    narrative page's), else, for a field of the whole manifest, every subject's. A
    platform the manifest does not know ("hosted on Netlify") is no one's provider.
    """
    text = unit.text
    fields = [f for f in _NAMED_FIELDS if f.needs is None or f.needs.search(around)]
    spans = [m.span() for f in fields for m in f.verbs.finditer(text)]
    for field in fields:
        for verb, shown, pid in _platforms(field, text, mentions):
            if field.rule == "ci-provider" and not _CI_SYSTEM.search(shown):
                continue  # "deployed by Railway": the platform, not who runs the pipeline
            window = text[max(0, verb.start() - 30) : verb.start()]
            # "will be deployed to Vercel" is a plan: it can contradict only a planned
            # service's provider (the manifest's plan), never what runs today
            planning = hedged(window) and future(window) and not conditional(window)
            if hedged(window) and not planning:
                continue
            a, b = verb.span()
            if any(s <= a and b <= e and (s, e) != (a, b) for s, e in spans):
                continue  # "DNS for x is hosted on": the longer words (the zone's) read it
            before = [  # not a name inside a hostname ("lucidia.studio is served from …")
                (w, subs)
                for s, w, subs in reversed(mentions)
                if s + len(w) <= verb.end()
                and not any(x.key.startswith("provider:") for x in subs)
                and not re.match(r"\.[a-z]", text[s + len(w) : s + len(w) + 2])
            ]
            owners = [(w, subs) for w, subs in before if any(x.facts.get(field.rule) for x in subs)]
            if not owners and not before:
                owners = [
                    n for g in groups for n in g if any(x.facts.get(field.rule) for x in n[1])
                ]
            expected: list[Expectation] = []
            name = ""
            if owners:
                name, subs = owners[0]
                expected = next(x.facts[field.rule] for x in subs if x.facts.get(field.rule))
            elif field.collective and (not before or not _held(index, field.rule)):
                # "the registrar"; a fact no subject holds (who runs CI) is the
                # manifest's, whoever the sentence is about
                name = f"the {field.rule.replace('-', ' ')}"
                expected = index.global_facts.get(field.rule, [])
            if planning and not _all_planned(index, expected):
                continue
            if expected and not any(e.accepts(pid) for e in expected):
                yield _contradiction(unit.line_at(verb.end()), field.rule, name, shown, expected)
                break


_TARGET = re.compile(r"(?<![\w.<>-])((?:[\w<>-]+\.)+[a-z]{2,})\.?(?![\w-])", re.IGNORECASE)
"""A hostname, placeholders allowed (``<backend-railway>.up.railway.app``)."""
_NAME_COLUMN = re.compile(r"\b(?:name|sub-?domains?|hosts?(?:name)?|records?)\b", re.I)
_NOT_NAME_COLUMN = re.compile(r"\b(?:type|target|value|content|points?|alias)\b", re.I)
_DNS_LABEL = re.compile(
    r"^[\s`*]*(@|[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?)[\s`*]*(?:\(root\))?\s*$", re.I
)
_ZONE_LINE = re.compile(
    r"^\s*(@|[\w-]+)(?:\s+\d+)?(?:\s+IN)?\s+(?:CNAME|ALIAS|ANAME)\s+(\S+?)\.?\s*$", re.I
)


def _record_name(index: FactIndex, label: str, zones: list[str]) -> str | None:
    """The hostname a record's name means: the label under the zone named around it."""
    for zone in reversed(zones):
        host = zone if label in ("@", "root") else f"{label.lower()}.{zone}"
        if host in index.hostnames:
            return host
    return None


def _platform_records(index: FactIndex, unit: Unit) -> Iterator[Contradiction]:
    """A hostname said to point at a platform the manifest does not host it on.

    ``| docs | CNAME | x.up.railway.app |`` under ``### blackroad.systems``: the docs
    site answers on Railway, while the manifest hosts it on GitHub Pages. The platform
    comes from the target's host suffix (:data:`PLATFORM_HOSTS`); the record's name is
    a hostname in the same row or line, else its label under a zone the headings name.
    """
    if not index.hostnames:
        return
    context = " ".join((*unit.headings, unit.lead, unit.intro))
    zones = [h.lower() for h in _TARGET.findall(context) if h.lower() in index.domain_names]
    if unit.kind == "code":
        first = next((ln for ln in unit.lines if ln.strip()), "")
        if first.lstrip().startswith(("#", ";")):
            zones += [h.lower() for h in _TARGET.findall(first) if h.lower() in index.domain_names]
        rows = [(unit.line + k + 1, ln, _ZONE_LINE.match(ln)) for k, ln in enumerate(unit.lines)]
        texts = [(line, m.group(2), m.group(1)) for line, _, m in rows if m]
    else:
        label = ""
        if unit.kind == "row":
            label = next(
                (
                    lab.group(1)
                    for head, cell in unit.cells
                    if _NAME_COLUMN.search(head) and not _NOT_NAME_COLUMN.search(head)
                    for lab in [_DNS_LABEL.match(cell)]
                    if lab
                ),
                "",
            )
        texts = [(unit.line, unit.text, label)]
    for line, text, label in texts:
        hosts = [(m.start(), m.group(1).lower()) for m in _TARGET.finditer(text)]
        for at, target in hosts:
            platform = platform_of(target)
            if platform is None:
                continue
            if conditional(text[:at]) or hedged(text[max(0, at - 40) : at]):
                continue  # "Before the move, docs… pointed at …", "was a CNAME to …"
            named = [h for s, h in hosts if s < at and h in index.hostnames]
            host = named[-1] if named else (label and _record_name(index, label, zones))
            if not host:
                continue
            subject = index.subject(index.hostnames[host])
            expected = subject.facts.get("provider", []) if subject else []
            pid = index.provider_named(platform[1])
            if expected and not any(e.accepts(pid) for e in expected):
                shown = f"{platform[0]} ({target})"
                yield Contradiction(
                    line if unit.kind == "code" else unit.line_at(at),
                    "provider",
                    host,
                    shown,
                    expected[0],
                )
                return


_BY_KIND: dict[str, Kind] = {}
for _k in KINDS:  # a rule's first reading (not the one bound to a verb) reads config keys
    _BY_KIND.setdefault(_k.kinds[0], _k)


def _config_key_table() -> dict[str, str]:
    """Config-file keys (from the schema's words), folded, and the rule each states."""
    table: dict[str, str] = {}
    for kind in KINDS:
        assert kind.spec is not None
        for spec_key in kind.spec.words.keys:
            folded = spec_key.lower()
            table.setdefault(folded, kind.kinds[0])
            table.setdefault(re.sub(r"[_.-]", "", folded), kind.kinds[0])
    return table


_CONFIG_KEYS = _config_key_table()
"""Well-known keys of config formats (``healthcheckPath``, ``maxmemory``, ``EXPOSE``),
folded, and the manifest fact each one states; they are written beside the fields."""
_CONFIG_LINE = re.compile(
    r"^\s*(?:-\s+)?(?:export\s+)?[\"']?([A-Za-z][\w.-]*)[\"']?\s*(?:[:=]\s*|\s+(?=\S))"
    r"[\"']?([^\"'#,]*?)[\"']?\s*,?\s*(?:#.*)?$"
)
"""``key = value``, ``key: value``, ``"key": value,``, ``key value`` (redis.conf, EXPOSE)."""
_REPLY_KEY = re.compile(r"^\s*\d+\)\s+\"([a-z][\w-]*)\"\s*$")
_REPLY_VALUE = re.compile(r"^\s*\d+\)\s+\"([^\"]*)\"\s*$")
"""A ``redis-cli`` reply's numbered lines: a setting's name, then its value."""
_SQL_SET = re.compile(
    r"^\s*(?:ALTER\s+(?:SYSTEM|DATABASE\s+\S+|ROLE\s+\S+)\s+)?SET\s+([a-z_][\w.]*)\s*"
    r"(?:=|\bTO\b)\s*'?([^';]+?)'?\s*;?\s*(?:--.*)?$",
    re.IGNORECASE,
)
"""A server setting set in SQL: ``ALTER SYSTEM SET max_connections = 250;``, ``SET
work_mem TO '64MB';``."""
_SECONDS = re.compile(r"^\d{1,6}$")


_BYTE_KEYS = frozenset({"maxmemory"})
"""Config keys whose bare number counts bytes (Redis's ``maxmemory 134217728``); a bare
PostgreSQL ``shared_buffers`` counts 8 kB pages, so it is not among them."""


def _config_values(key: str, kind_name: str, value: str) -> list[Found]:
    """The value of a config key, parsed as the fact kind compares it."""
    kind = _BY_KIND[kind_name]
    assert kind.spec is not None
    text = value.strip()
    meanings = {v.lower(): m for k, v, m in kind.spec.words.key_values if k.lower() == key.lower()}
    if meanings:  # "appendonly yes": the key's own spelling of a value
        word = meanings.get(text.lower())
        return [Found(0, len(value), value, word)] if word else []
    if kind.spec.parser == "duration" and _SECONDS.match(text):
        return [Found(0, len(value), value, float(text))]  # Railway and compose count seconds
    if kind.spec.parser == "size" and text.isdigit() and key.lower() in _BYTE_KEYS:
        return [Found(0, len(value), value, int(text))]
    if text.startswith("[") and kind.spec.parser == "command":  # CMD ["uvicorn", "app"]
        text = " ".join(re.findall(r"\"([^\"]*)\"", text))
    elif text.startswith("[") and text.endswith("]"):  # branches: [main, release]
        items = [i.strip().strip("\"'") for i in text[1:-1].split(",")]
        return [f for i in items if i for f in kind.read_whole(i)]
    return kind.read_whole(text)


def _config_key(key: str) -> str | None:
    lowered = key.lower()
    return _CONFIG_KEYS.get(lowered) or _CONFIG_KEYS.get(re.sub(r"[_.-]", "", lowered))


_TOML_SECTION = re.compile(r"^\[+\s*([\w.-]+)\s*\]+$")
_PSQL_HEADER = re.compile(r"^\s*([a-z_][\w.-]*)\s*$")
_PSQL_RULE = re.compile(r"^\s*-{3,}\s*$")
_IMAGE = re.compile(
    r"^\s*(?:-\s*)?(?:image:\s*|FROM\s+)[\"']?(?:[\w.-]+/)*([\w.-]+):v?(\d+(?:\.\d+)*)",
    re.IGNORECASE,
)
"""A container image with its version (``image: redis:6.2-alpine``, ``FROM python:3.9``)."""
_PINNED = re.compile(
    r"^\s*[\"']?([A-Za-z][\w.-]*)[\"']?\s*(?:==|===|@|:\s*[\"'][\^~=]?)\s*v?(\d+(?:\.\d+)+)\b"
)
"""A pinned package (``fastapi==0.99.1`` in ``pip freeze`` or requirements,
``"react": "^18.2.0"`` in package.json)."""
_JSON_PIN = re.compile(r"\"(@?[\w./-]+)\"\s*:\s*\"[\^~=]?v?(\d+(?:\.\d+)+)[^\"]*\"")
"""A pinned dependency anywhere on a JSON line (``{ "next": "13.5.6", … }``)."""
_OPENS = ("{", "[", "")
_MEASURED = "(set or shown)"
"""What an entry has above it when a running server reported it (``SHOW
max_connections``) or a statement set it (``ALTER SYSTEM SET``): not a sketch."""

_LIST_ITEM = re.compile(r"^\s*-\s+[\"']?([^\"':#{}\[\]]+?)[\"']?\s*(?:#.*)?$")
"""A YAML list item that is a plain value (``- "docs/**"``), not a mapping."""
Entry = tuple[int, str, str, str, tuple[str, ...]]
"""A config line that states a fact: (line offset, key, rule, value, keys above it)."""


def _config_entries(lines: list[str], services: frozenset[str] = frozenset()) -> list[Entry]:
    """The lines of a config block that state manifest facts.

    Keys are known config keys (``healthcheckPath``) or the manifest's own keys under
    their parent (``backups:`` / ``frequency: hourly``, a TOML ``[deploy]`` section, a
    service's own keys under its name, one of ``services``: ``redis:`` / ``version:``);
    ``psql`` output (a setting's name, a rule, its value) counts as ``name = value``.
    Lines under ``environments:`` (an environment's override) are left out.
    """
    out: list[Entry] = []
    parents: list[tuple[int, str]] = []
    section = ""
    for offset, line in enumerate(lines, start=1):
        stripped = line.strip()
        sec = _TOML_SECTION.match(stripped)
        if sec:
            names = sec.group(1).split(".")
            # [environments.staging.deploy]: another environment's values (skipped below)
            section = "environments" if "environments" in names else names[-1]
            parents = []
            continue
        if (
            offset >= 3
            and _PSQL_RULE.match(lines[offset - 2])
            and (head := _PSQL_HEADER.match(lines[offset - 3]))
            and stripped
        ):
            rule = _config_key(head.group(1))
            if rule:
                out.append((offset, head.group(1), rule, stripped, (_MEASURED,)))
            continue
        item = _LIST_ITEM.match(line)
        if item and parents and parents[-1][0] < len(line) - len(line.lstrip(" ")):
            # "- docs/**" under "paths:": a value of the key above
            key = parents[-1][1]
            outer = parents[-2][1] if len(parents) > 1 else section
            spec = schema_paths().get((outer.lower(), key.lower()))
            rule = spec.rule if spec is not None else _config_key(key)
            if rule:
                out.append(
                    (offset, key, rule, item.group(1), (section, *(k for _, k in parents[:-1])))
                )
            continue
        pair = _REPLY_KEY.match(line)
        reply = _REPLY_VALUE.match(lines[offset]) if pair and offset < len(lines) else None
        if pair and reply:  # redis-cli CONFIG GET: 1) "maxmemory" / 2) "134217728"
            rule = _config_key(pair.group(1))
            if rule:
                out.append((offset + 1, pair.group(1), rule, reply.group(1), (_MEASURED,)))
            continue
        sql = _SQL_SET.match(line)
        if sql is not None:
            rule = _config_key(sql.group(1))
            if rule:
                out.append((offset, sql.group(1), rule, sql.group(2).strip(), (_MEASURED,)))
            continue
        m = _CONFIG_LINE.match(line)
        if m is None:
            continue
        indent = len(line) - len(line.lstrip(" -"))
        while parents and parents[-1][0] >= indent:
            parents.pop()
        key, value = m.group(1), m.group(2).strip()
        if value in _OPENS:
            parents.append((indent, key))
            continue
        parent = parents[-1][1] if parents else section
        spec = schema_paths().get((parent.lower(), key.lower()))
        if spec is None and parent.lower() in services:  # "redis:" / "version: 6+"
            spec = schema_paths().get(("services", key.lower()))
        rule = spec.rule if spec is not None else _config_key(key)
        if rule:
            out.append((offset, key, rule, value, (section, *(k for _, k in parents))))
    # Under ``environments:`` a block states what one environment changes, not the
    # service's own values: those lines are not read as the service's.
    return [e for e in out if "environments" not in (k.lower() for k in e[4])]


def _block_owner(index: FactIndex, entries: list[Entry]) -> Named | None:
    """The one service whose facts a block's keys state most, if there is one.

    ``maxmemory`` and ``maxmemory-policy`` state Redis's facts: the block is about
    Redis when nothing around it names a subject.
    """
    rules = {entry[2] for entry in entries}
    scores: dict[str, tuple[int, Subject]] = {}
    for subj in index.subjects:
        if subj.is_service:
            score = sum(1 for r in rules if subj.facts.get(r))
            if score:
                scores[subj.key] = (score, subj)
    if not scores:
        return None
    best = max(score for score, _ in scores.values())
    top = [subj for score, subj in scores.values() if score == best]
    return (top[0].key.split(":", 1)[1], top) if len(top) == 1 else None


_NAME_KEY = re.compile(
    r"^\s*(?:-\s+)?[\"']?(?:service|service_?name|name|app|application|family|container_?name"
    r"|identifier|db_?instance_?identifier)[\"']?\s*[:=]\s*[\"']?([\w.-]+)[\"']?\s*,?\s*$",
    re.IGNORECASE,
)
"""A config block's own name key (``"service": "orders-db"``, ``name: shipments-api``)."""


def _named_by_key(index: FactIndex, lines: Sequence[str]) -> tuple[Named | None, bool]:
    """The service a block's name keys name, and whether they name only strangers.

    ``"service": "orders-db"`` names the block's subject; ``"service": "billing-db"``
    says the block is about something the manifest does not describe.
    """
    named: dict[str, Named] = {}
    others = False
    for line in lines:
        m = _NAME_KEY.match(line)
        if m is None:
            continue
        subjects = [s for s in index.by_name.get(m.group(1).lower(), []) if s.is_service]
        if subjects:
            named.setdefault(subjects[0].key, (m.group(1), subjects))
        else:
            others = True
    return (next(iter(named.values())) if len(named) == 1 else None), others and not named


def _key_subject(index: FactIndex, key: str) -> Named | None:
    """A subject the key itself names (``redis_version``)."""
    for part in re.split(r"[_.-]", key.lower()):
        subjects = [s for s in index.by_name.get(part, []) if s.is_service]
        if subjects:
            return part, subjects
    return None


def _image_versions(index: FactIndex, unit: Unit) -> Iterator[Contradiction]:
    """Versions of the manifest's products in images and pinned packages."""
    for offset, line in enumerate(unit.lines, start=1):
        image = _IMAGE.match(line)
        pins = [image] if image else [_PINNED.match(line), *_JSON_PIN.finditer(line)]
        for m in dict.fromkeys(p for p in pins if p is not None):
            name = m.group(1).lower()
            subjects = index.by_name.get(name, []) or index.by_name.get(
                PACKAGES.get(name, "").lower(), []
            )
            if not image:  # a package is a library: redis==5.0.1 is the client, not the server
                subjects = [x for x in subjects if x.key.startswith("technology:")]
            if not subjects:
                continue
            exps = [e for s in subjects for e in s.facts.get("version", [])]
            found = ((tuple(int(p) for p in m.group(2).split(".")), False),)
            if exps and not any(e.accepts(found[0]) for e in exps):
                yield _contradiction(unit.line + offset, "version", m.group(1), m.group(2), exps)
                break


_ENV_LINE = re.compile(r"^\s*(?:export\s+)?([A-Z][A-Z0-9_]*)\s*=\s*[\"']?(.*?)[\"']?\s*$")
"""``NAME=value`` in a ``.env`` file or a shell ``export``."""
_PLACEHOLDER = re.compile(r"^(?:|<.*>|\.\.\.|…|x+|changeme|your[-_].*|\$\{?[A-Z_]+\}?)$", re.I)
"""A value that stands for one (``<token>``, ``...``, ``$OTHER``): it states nothing."""
_DEFAULTS = re.compile(
    r"(?<!\bnot )(?<!\bnot the )(?<!\bfrom the )(?<!\bover the )(?<!\bthan the )\bdefaults?\b",
    re.IGNORECASE,
)
"""A block said to give the defaults (not "values for your machine, not defaults")."""


def _env_entries(
    index: FactIndex, unit: Unit, context: list[list[Named]], about: str
) -> Iterator[Contradiction]:
    """``NAME=value`` lines of the manifest's variables against what it says of them.

    A platform reference (``${{Postgres.DATABASE_URL}}``) is the variable's source; a
    literal value must be its fixed value and one of its allowed values, and, in a
    block that gives the defaults, its default.
    """
    defaults = bool(_DEFAULTS.search(about))
    for offset, line in enumerate(unit.lines, start=1):
        m = _ENV_LINE.match(line)
        if m is None:
            continue
        name, value = m.group(1), m.group(2).strip()
        subjects = [s for s in index.by_name.get(name.lower(), []) if s.exact]
        if not subjects or _PLACEHOLDER.match(value):
            continue
        if value.startswith("${{"):
            kinds = ["source"]
        else:
            kinds = ["value", "allowed", *(["default"] if defaults else [])]
        for kind_name in kinds:
            picked = _owner(_BY_KIND[kind_name], [(name, subjects)], context, index)
            if picked is None or not picked[1]:
                continue
            exps = picked[1]
            if not any(e.accepts(value.lower()) for e in exps):
                yield _contradiction(unit.line + offset, kind_name, name, value, exps)
                break


_TTL_COMMAND = re.compile(r"\bttl\s+[\"']?([\w:{}.*-]+)", re.IGNORECASE)
_INTEGER_REPLY = re.compile(r"^\s*\(integer\)\s+(-?\d+)\s*$")


def _key_ttls(index: FactIndex, unit: Unit) -> Iterator[Contradiction]:
    """``redis-cli ttl session:42`` answered ``(integer) 86400``: the key's TTL, in seconds.

    It is compared with the namespace whose prefix the key starts with (``-1``, no
    expiry, contradicts a TTL; ``-2``, no such key, says nothing).
    """
    for offset, line in enumerate(unit.lines[:-1], start=1):
        m = _TTL_COMMAND.search(line)
        reply = _INTEGER_REPLY.match(unit.lines[offset]) if m else None
        if m is None or reply is None or int(reply.group(1)) == -2:
            continue
        key, seconds = m.group(1), float(reply.group(1))
        exps = [
            e
            for subj in index.subjects
            for e in subj.facts.get("ttl", [])
            if e.qualifier and key.startswith(e.qualifier)
        ]
        if exps and not any(e.accepts(seconds) for e in exps):
            yield _contradiction(unit.line + offset + 1, "ttl", key, reply.group(1), exps)


_DIG_NS = re.compile(r"^\s*(?:\$\s*)?dig\b[^\n]*?\bNS\s+([a-z0-9][a-z0-9.-]*)", re.IGNORECASE)
_NS_ANSWER = re.compile(
    r"^\s*(?:[a-z0-9.-]+\.?\s+(?:\d+\s+)?(?:IN\s+)?NS\s+)?([a-z0-9][a-z0-9-]*(?:\.[a-z0-9-]+)+)\.?\s*$",
    re.IGNORECASE,
)
"""A line of ``dig`` output naming a nameserver (``+short``, or a full answer line)."""


def _dig_nameservers(index: FactIndex, unit: Unit) -> Iterator[Contradiction]:
    """``dig NS zone`` output naming a nameserver that no DNS provider of the manifest has."""
    exps = index.global_facts.get("nameservers", [])
    if not exps:
        return
    lines = unit.lines
    for i, line in enumerate(lines):
        asked = _DIG_NS.match(line)
        if asked is None or asked.group(1).rstrip(".").lower() not in index.domain_names:
            continue
        listed: list[tuple[int, str]] = []
        for j in range(i + 1, len(lines)):
            answer = _NS_ANSWER.match(lines[j])
            if lines[j].lstrip().startswith(("$", "#", ";")) or answer is None:
                break
            listed.append((j, answer.group(1).lower()))
        wrong = [(j, host) for j, host in listed if not any(e.accepts(host) for e in exps)]
        if wrong:  # cited against a nameserver the output leaves out
            j, host = wrong[0]
            left_out = [e for e in exps if not any(e.accepts(h) for _, h in listed)]
            cited = (left_out or exps)[0]
            yield Contradiction(unit.line + j + 1, cited.kind, asked.group(1), host, cited)
            return


def _under_other_service(index: FactIndex, above: tuple[str, ...]) -> bool:
    """Whether a manifest-shaped block puts the key under a service the manifest lacks."""
    keys = [k.lower() for k in above]
    if "services" not in keys:
        return False
    at = keys.index("services") + 1
    return at < len(keys) and keys[at] not in index.service_names


def _check_code(index: FactIndex, unit: Unit, groups: list[list[Named]]) -> Iterator[Contradiction]:
    """Facts in a fenced block: config keys, manifest-shaped YAML, ``psql`` output, images.

    Config keys are ``healthcheckPath = "/x"``, ``maxmemory 1gb`` and the like; images
    are container tags (``image: redis:6.2``).

    The block's subject is named in the paragraph that introduces it, else by its
    headings (or the narrative page), else by the keys themselves (``redis_version``)
    or by being the one service that states those facts; a block introduced as an
    example, or about another environment, states nothing.
    """
    # comments, and the commands of a transcript ("$ railway status" names Railway)
    comments = " ".join(ln for ln in unit.lines if ln.lstrip().startswith(("#", "//", ";", "$ ")))
    about = f"{unit.intro} {unit.lead} {comments}"
    # Reported speech introduces a block with a colon ("Older notes say:"); a paragraph
    # that merely precedes it ("…the backend's page lists the alerts.") reports nothing.
    said = f"{unit.intro if unit.intro.rstrip().endswith(':') else ''} {unit.lead} {comments}"
    if introduced_as_example(about) or not_about_today(said) or about_elsewhere(about):
        return  # an example, or another environment's configuration
    yield from _image_versions(index, unit)
    yield from _dig_nameservers(index, unit)
    intro = [(w, subs) for _, w, subs in _short_mentions(index, unit.intro)] if unit.intro else []
    commented = [(w, subs) for _, w, subs in _mentions(index, comments)] if comments else []
    context = [g for g in (commented, intro) if g] + groups  # "# .github/workflows/x.yml"
    titled, foreign = _named_by_key(index, unit.lines)
    if titled is not None and not commented and not intro:
        context = [[titled], *context]  # "service": "orders-db", name: shipments-api
    around = f"{unit.text} / {unit.intro}"
    yield from _env_entries(index, unit, context, about)
    yield from _key_ttls(index, unit)
    entries = _config_entries(unit.lines, index.service_names)
    # a block that names itself something the manifest lacks is not guessed to be ours
    fallback = _block_owner(index, entries) if entries and not foreign else None
    if fallback is not None and not commented:
        rules = {entry[2] for entry in entries}
        mine = sum(1 for r in rules if fallback[1][0].facts.get(r))
        first = [s for g in context for _, subs in g for s in subs if s.is_service][:1]
        if first and sum(1 for r in rules if first[0].facts.get(r)) < mine:
            context = []  # "maxmemory-policy" after a paragraph on the backend: Redis's
    guessed: list[Contradiction | None] = []  # by the fallback: None where a key agrees
    for offset, key, kind_name, value, above in entries:
        kind = _BY_KIND.get(kind_name)
        if kind is None or not _needs_met(kind, around):
            continue  # a provider named as a value ("provider: railway") is read as prose
        if _under_other_service(index, above):
            continue  # "services: / example-worker: / …": a service this manifest lacks
        # "redis_version", or a key above it: "redis:" / "resources:" / "maxmemory-policy:"
        named = next((n for k in (key, *reversed(above)) if (n := _key_subject(index, k))), None)
        picked = _owner(kind, [named] if named else [], context, index)
        guess = picked is None and fallback is not None
        measured = above == (_MEASURED,)
        if guess:
            assert fallback is not None
            picked = _owner(kind, [fallback], [])
        if picked is None:
            continue
        guess = guess and not measured  # output of a query on the one such service: its
        for found in _config_values(key, kind_name, value):
            exps = picked[1]
            wrong = None
            if exps and not any(e.accepts(found.value) for e in exps):
                wrong = _contradiction(unit.line + offset, kind_name, picked[0], found.text, exps)
            if guess:
                guessed.append(wrong)
            elif wrong is not None:
                yield wrong
            break
    # A block whose subject is only guessed from its keys must mostly agree with that
    # service: a sketch for some other service ("example-worker") agrees on little.
    wrongs = [c for c in guessed if c is not None]
    if 2 * len(wrongs) <= len(guessed):
        yield from wrongs
