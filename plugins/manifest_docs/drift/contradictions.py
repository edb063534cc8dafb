"""The ``fact/*`` rules: prose that states a manifest-owned fact with another value.

A value is only compared when it is *tied* to a subject and an attribute:

* the subject (a service name, alias or technology, or a provider) is named in the
  same sentence, list item or table row, or in an enclosing heading;
* an attribute word (version, memory, region, port, timeout, SSL…) appears next to
  the value, or labels it — ``**Version**: 14+`` under a ``PostgreSQL`` heading, a
  ``Version`` table column, an ``SSL/TLS`` heading over ``Mode: Full (strict)``;
* for versions, the value is not attached to another product (``Next.js 14+``).

Anything less certain is left alone: a gate that cries wolf gets switched off.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from ..model import SslMode

if TYPE_CHECKING:
    from collections.abc import Callable, Iterator

    from .expect import Expectation, FactIndex, Subject
    from .markdown import Unit

__all__ = ["Contradiction", "find_contradictions"]

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
_INT = re.compile(r"(?<![\w.$/:-])(\d{1,6})(?![\w%/-]|[.:]\d)")
_REGION = re.compile(r"(?<![\w-])([a-z]{2,}(?:-[a-z]+)+-?\d+[a-z]?)(?![\w-])")
_SSL = re.compile(
    r"full[\s(_-]*strict(?:\s*\))?|\bstrict\b|\bfull\b|\bflexible\b|\boff\b", re.IGNORECASE
)
_PERSIST = re.compile(r"\b(RDB|AOF|snapshots?|append[- ]only)\b", re.IGNORECASE)
_EVICTION = re.compile(
    r"\b((?:allkeys|volatile)-(?:lru|lfu|random|ttl)|noeviction)\b", re.IGNORECASE
)
_PATH = re.compile(r"(?<![\w/.:])(/[a-z0-9_][a-z0-9_/.-]*)", re.IGNORECASE)


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


def _durations(text: str) -> Iterator[Found]:
    for m in _DURATION.finditer(text):
        if m.group(1):
            unit = _unit(m.group(3))
            value: Any = (float(m.group(1)) * unit, float(m.group(2)) * unit)
        else:
            value = float(m.group(4)) * _unit(m.group(5))
        yield Found(m.start(), m.end(), m.group(0), value)


def _unit(word: str) -> float:
    w = word.lower()
    if w in _UNITS:
        return _UNITS[w]
    return _UNITS.get(w.rstrip("s"), 1)


def _sizes(text: str) -> Iterator[Found]:
    for m in _SIZE.finditer(text):
        yield Found(
            m.start(),
            m.end(),
            m.group(0),
            int(float(m.group(1)) * _SIZE_UNITS[m.group(2).lower() + "b"]),
        )


def _versions(text: str) -> Iterator[Found]:
    for m in _VERSION.finditer(text):
        parts = tuple(int(p) for p in m.group(1).split("."))
        yield Found(m.start(), m.end(), m.group(0), (parts, m.group(2) == "+"))


def _ints(text: str) -> Iterator[Found]:
    for m in _INT.finditer(text):
        yield Found(m.start(), m.end(), m.group(0), int(m.group(1)))


def _regions(text: str) -> Iterator[Found]:
    for m in _REGION.finditer(text):
        yield Found(m.start(), m.end(), m.group(0), m.group(1).lower())


def _ssl(text: str) -> Iterator[Found]:
    for m in _SSL.finditer(text):
        word = m.group(0).lower()
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


def _paths(text: str) -> Iterator[Found]:
    for m in _PATH.finditer(text):
        path = m.group(1).rstrip(".")
        yield Found(m.start(), m.start() + len(path), path, path)


@dataclass(frozen=True)
class Kind:
    """How to recognise one attribute in prose."""

    kinds: tuple[str, ...]
    """Expectation kinds it is compared with."""
    words: re.Pattern[str]
    """Attribute words."""
    values: Callable[[str], Iterator[Found]]
    """Candidate values in a text."""


def _w(pattern: str) -> re.Pattern[str]:
    return re.compile(pattern, re.IGNORECASE)


KINDS: tuple[Kind, ...] = (
    Kind(("version",), _w(r"\bversions?\b"), _versions),
    Kind(("shared_buffers",), _w(r"\bshared[_ ]buffers\b"), _sizes),
    Kind(("effective_cache_size",), _w(r"\beffective[_ ]cache[_ ]size\b"), _sizes),
    Kind(("maintenance_work_mem",), _w(r"\bmaintenance[_ ]work[_ ]mem\b"), _sizes),
    Kind(("work_mem",), _w(r"(?<!maintenance[_ ])\bwork[_ ]mem\b"), _sizes),
    Kind(("memory",), _w(r"\b(memory|ram|maxmemory|size)\b"), _sizes),
    Kind(("storage",), _w(r"\b(storage|disk)\b"), _sizes),
    Kind(("max_connections",), _w(r"\b(max(imum)?[_ ])?connections\b"), _ints),
    Kind(("persistence",), _w(r"\bpersistence\b"), _persistence),
    Kind(("eviction",), _w(r"\b(eviction|maxmemory[-_ ]policy)\b"), _eviction),
    Kind(("port",), _w(r"\bports?\b"), _ints),
    Kind(("replicas",), _w(r"\b(replicas?|instances?)\b"), _ints),
    Kind(("path",), _w(r"\bhealth[ _-]?checks?(path)?\b|\bhealthcheck\b"), _paths),
    Kind(("timeout", "deploy-timeout"), _w(r"\btime-?outs?\b"), _durations),
    Kind(("interval",), _w(r"\b(interval|every)\b"), _durations),
    Kind(("ttl",), _w(r"\bttl\b|\bexpir(e|es|ed|y|ation)\b"), _durations),
    Kind(("retention",), _w(r"\bretention\b|\bretained\b"), _durations),
    Kind(("region",), _w(r"\bregions?\b"), _regions),
    Kind(("ssl",), _w(r"\bssl\b|\bencryption mode\b"), _ssl),
)
"""Every attribute the contradiction rule understands."""

_GLOBAL = (
    ("rto", _w(r"\bRTO\b|recovery time objective"), _durations),
    ("rpo", _w(r"\bRPO\b|recovery point objective"), _durations),
)
_COUNT = re.compile(
    r"\b(\d+)\s+(active|planned|experimental|retired|development|in-development)\s+services?\b",
    re.IGNORECASE,
)
_CODE_KEYS = (
    (
        re.compile(r"^\s*(?:startCommand|start_command)\s*[=:]\s*[\"']?(.*?)[\"']?\s*,?\s*$"),
        "start-command",
    ),
    (
        re.compile(
            r"^\s*(?:healthcheck\.path|healthcheckPath|healthcheck_path)\s*[=:]\s*"
            r"[\"']?([^\"'\s]*)"
        ),
        "path",
    ),
)
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


def _mentions(index: FactIndex, text: str) -> list[tuple[int, str, list[Subject]]]:
    return [
        (m.start(), m.group(1), index.by_name.get(m.group(1).lower(), []))
        for m in index.pattern.finditer(text)
    ]


def _pick(
    kind: Kind, candidates: list[tuple[str, list[Subject]]]
) -> tuple[str, list[Expectation]] | None:
    """The first named subject that has a fact of this kind (ambiguous names skipped)."""
    for shown, subjects in candidates:
        having = [s for s in subjects if any(k in s.facts for k in kind.kinds)]
        if len({s.key for s in having}) == 1:
            return shown, [e for k in kind.kinds for e in having[0].facts.get(k, [])]
        if len(having) > 1:
            return None
    return None


def _tied_version(text: str, found: Found, index: FactIndex, kind: Kind) -> bool:
    """``Next.js 14+`` is about Next.js: reject a version glued to some other name."""
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


def _relevant(exps: list[Expectation], text: str) -> list[Expectation]:
    """The expectations ``text`` can be about (a qualifier must appear in it)."""
    relevant = [e for e in exps if not e.qualifier or e.qualifier.lower() in text.lower()]
    if any(e.qualifier for e in exps) and not any(e.qualifier for e in relevant):
        return []
    return relevant


def _compare(
    unit_line: int, kind: Kind, shown: str, exps: list[Expectation], found: Found, text: str
) -> Contradiction | None:
    relevant = _relevant(exps, text)
    if not relevant or any(e.accepts(found.value) for e in relevant):
        return None
    return Contradiction(unit_line, relevant[0].kind, shown, found.text, relevant[0])


def _distance(hit: tuple[int, int], found: Found) -> int | None:
    """How far ``found`` is from an attribute word (``None``: too far to be its value)."""
    start, end = hit
    if 0 <= found.start - end <= _NEAR_AFTER:
        return found.start - end
    if 0 <= start - found.end <= _NEAR_BEFORE:
        return start - found.end
    return None


def _foreign(index: FactIndex, text: str, start: int) -> bool:
    """``AWS region``, ``Python version``: the attribute word belongs to another product."""
    m = _OWNER.search(text[:start])
    if m is None or not text[: m.start(1)].strip(" *_(\"'`"):
        return False  # no word right before it, or the word opens the sentence
    word = m.group(1).strip(".")
    return (
        any(c.isupper() for c in word)
        and word.lower() not in index.by_name
        and word.lower() not in _STOP
        and word.lower() not in _GENERIC
        and not any(k.words.fullmatch(word) for k in KINDS)
    )


def _attribute_hits(index: FactIndex, text: str) -> list[list[tuple[int, int]]]:
    """Attribute words per kind (in the order of :data:`KINDS`), found in ``text``.

    A word inside a longer attribute word of another kind (``size`` in ``effective cache
    size``) or owned by another product (``AWS region``) is left out.
    """
    raw = [[m.span() for m in kind.words.finditer(text)] for kind in KINDS]
    spans = [(k, s, e) for k, hits in enumerate(raw) for s, e in hits]
    return [
        [
            (s, e)
            for s, e in hits
            if not any(k2 != k and s2 <= s and e <= e2 and e2 - s2 > e - s for k2, s2, e2 in spans)
            and not _foreign(index, text, s)
        ]
        for k, hits in enumerate(raw)
    ]


def _bound_values(
    k: int, hits: list[list[tuple[int, int]]], values: list[list[Found]]
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
            if other == k or not any(
                f.start == found.start and f.end == found.end for f in values[other]
            ):
                continue
            theirs = nearest(other, found)
            if theirs is not None and theirs < mine:
                return True
        return False

    bound: list[Found] = []
    for start, end in hits[k]:
        after = sorted(
            (f for f in values[k] if 0 <= f.start - end <= _NEAR_AFTER),
            key=lambda f: f.start,
        )
        before = sorted(
            (f for f in values[k] if 0 <= start - f.end <= _NEAR_BEFORE),
            key=lambda f: -f.end,
        )
        for found in after + before:
            mine = nearest(k, found)
            if mine is not None and not claimed(found, mine):
                if found not in bound:
                    bound.append(found)
                break
    return bound


def _check_text(
    index: FactIndex,
    unit: Unit,
    text: str,
    heading_subjects: list[tuple[str, list[Subject]]],
    context_attr: str,
    line: int,
) -> Iterator[Contradiction]:
    mentions = _mentions(index, text)
    hits = _attribute_hits(index, text)
    in_context = [bool(kind.words.search(context_attr)) for kind in KINDS]
    values = [  # only kinds named here (or in the headings) can state a value
        list(kind.values(text)) if hits[k] or in_context[k] else [] for k, kind in enumerate(KINDS)
    ]
    for k, kind in enumerate(KINDS):
        if hits[k]:
            candidates = _bound_values(k, hits, values)
        elif in_context[k] and not kind.words.search(text):
            candidates = [f for f in values[k] if f.start <= _LABEL]
        else:
            continue
        found_wrong: dict[tuple[str, ...], Contradiction] = {}
        agreed: set[tuple[str, ...]] = set()
        for found in candidates:
            if kind.kinds == ("version",) and not _tied_version(text, found, index, kind):
                continue
            if any(found.start < s + len(w) and s < found.end for s, w, _ in mentions):
                continue  # the "value" is part of a name (e.g. a hostname)
            before = [(w, subs) for s, w, subs in reversed(mentions) if s < found.start]
            after = [(w, subs) for s, w, subs in mentions if s >= found.end]
            picked = _pick(kind, before + after + heading_subjects)
            if picked is None:
                continue
            key = tuple(e.path for e in picked[1])
            result = _compare(line, kind, picked[0], picked[1], found, text)
            if result is not None:
                found_wrong.setdefault(key, result)
            elif _relevant(picked[1], text):
                agreed.add(key)  # "from version 14 to version 15": a change, not drift
        for key, result in found_wrong.items():
            if key not in agreed:
                yield result
                break  # one finding per attribute per unit


def find_contradictions(index: FactIndex, unit: Unit) -> Iterator[Contradiction]:
    """Every contradiction in ``unit``."""
    heading_subjects: list[tuple[str, list[Subject]]] = []
    for heading in reversed(unit.headings):
        heading_subjects += [(w, subs) for _, w, subs in reversed(_mentions(index, heading))]
    context = " / ".join(unit.headings[-2:])
    if unit.kind == "code":
        yield from _check_code(index, unit, heading_subjects)
        return
    if unit.kind == "row" and unit.cells:
        row_subjects = [(w, subs) for _, w, subs in _mentions(index, unit.text)]
        for header, cell in unit.cells:
            if not cell:
                continue
            for kind in KINDS:
                if kind.words.search(header) and not kind.words.search(cell):
                    for found in kind.values(cell):
                        if kind.kinds == ("version",) and not _tied_version(
                            cell, found, index, kind
                        ):
                            continue
                        picked = _pick(kind, row_subjects + heading_subjects)
                        if picked is None:
                            continue
                        result = _compare(unit.line, kind, picked[0], picked[1], found, unit.text)
                        if result is not None:
                            yield result
                        break
    yield from _check_text(index, unit, unit.text, heading_subjects, context, unit.line)
    yield from _check_global(index, unit)


def _check_global(index: FactIndex, unit: Unit) -> Iterator[Contradiction]:
    for kind_name, words, values in _GLOBAL:
        exps = index.global_facts.get(kind_name, [])
        if not exps or not (words.search(unit.text) or words.search(" ".join(unit.headings))):
            continue
        hit = words.search(unit.text)
        for found in values(unit.text):
            if hit and not 0 <= found.start - hit.end() <= _NEAR_AFTER:
                continue
            if not any(e.accepts(found.value) for e in exps):
                yield Contradiction(unit.line, kind_name, kind_name.upper(), found.text, exps[0])
            break
    for m in _COUNT.finditer(unit.text):
        status = m.group(2).lower().replace("in-", "")
        for exp in index.global_facts.get("count", []):
            if exp.qualifier == status and not exp.accepts(int(m.group(1))):
                yield Contradiction(unit.line, "count", f"{status} services", m.group(1), exp)


def _check_code(
    index: FactIndex, unit: Unit, heading_subjects: list[tuple[str, list[Subject]]]
) -> Iterator[Contradiction]:
    for offset, line in enumerate(unit.lines, start=1):
        for pattern, kind_name in _CODE_KEYS:
            m = pattern.match(line)
            if not m or not m.group(1):
                continue
            kind = (
                next(k for k in KINDS if kind_name in k.kinds)
                if kind_name != "start-command"
                else Kind(("start-command",), _w("x"), _paths)
            )
            picked = _pick(kind, heading_subjects)
            if picked is None:
                continue
            value: Any = m.group(1)
            exps = picked[1]
            if exps and not any(e.accepts(value) for e in exps):
                yield Contradiction(unit.line + offset, kind_name, picked[0], m.group(1), exps[0])
