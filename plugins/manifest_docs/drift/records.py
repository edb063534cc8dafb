"""``fact/record``: a DNS record written in a page with another value than the zone's.

The zone is the manifest's merged one (:func:`manifest_docs.dns.zone`): the records its
domains declare and the CNAMEs its services' hostnames imply. A page states a record
in a table (``| @ | TXT | v=spf1 … -all |`` under ``### kestrel.example``, a *Name*,
*Type* and *Value* column), in zone-file lines (``www 300 IN CNAME x.example.net.``) or
in ``dig`` output (``$ dig +short MX kestrel.example`` over ``20 mx.mail.example.``).

Only a record the manifest states is compared, by name and type: a page that lists a
record the manifest does not have says nothing here (``host/unknown`` speaks of unknown
hostnames). A placeholder record, a value with a placeholder (``<railway-host>``) and a
block introduced as an example are not compared.
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

from .claims import introduced_as_example, not_about_today
from .contradictions import HOSTNAME, Contradiction, contradiction
from .expect import Expectation

if TYPE_CHECKING:
    from collections.abc import Iterator

    from ..dns import Record
    from .expect import FactIndex
    from .markdown import Unit

__all__ = ["find_records"]

TYPES = ("A", "AAAA", "CNAME", "ALIAS", "ANAME", "MX", "TXT", "CAA", "NS", "SRV")
_TYPE = "|".join(TYPES)
_ZONE_LINE = re.compile(
    rf"^\s*(@|[\w*.-]+?)\.?\s+(?:\d+\s+)?(?:IN\s+)?({_TYPE})\s+(.+?)\s*$", re.IGNORECASE
)
"""``name [ttl] [IN] TYPE value`` (a zone file or a full ``dig`` answer line)."""
_DIG = re.compile(
    rf"^\s*(?:\$\s*)?dig\b(?=.*\+short)(?:\s+(?:\+\S+|@\S+|-\S+))*"
    rf"(?:\s+({_TYPE})\s+([\w.-]+)|\s+([\w.-]+)\s+({_TYPE}))\b",
    re.IGNORECASE,
)
"""``dig +short MX example.org`` (or ``dig example.org MX +short``): the lines after it
are the values of that name and type."""
_NAME_HEAD = re.compile(r"\b(?:name|host(?:name)?|records?|sub-?domains?|label)\b", re.I)
_TYPE_HEAD = re.compile(r"\btype\b", re.I)
_VALUE_HEAD = re.compile(
    r"\b(?:value|content|target|points?(?: to)?|data|answer|address|destination)\b", re.I
)
_PRIORITY_HEAD = re.compile(r"\b(?:priority|pref(?:erence)?)\b", re.I)
_PLACEHOLDER = re.compile(
    r"[<>{}]|\.\.\.|…|\bx{3,}\b|\bplaceholder\b|\b(?:your|my)[-_]", re.IGNORECASE
)
"""A value that stands for one (``<backend>.up.railway.app``, ``your-app.fly.dev``)."""


def _norm(value: str) -> str:
    """A record value as compared: no quotes, code marks, case or trailing dot."""
    text = value.strip().strip("`").strip().strip("\"'").strip()
    return " ".join(text.split()).rstrip(".").lower()


def _full(name: str, zones: list[str], known: frozenset[str]) -> str | None:
    """The full name a record's name means: itself, or a label under a zone around it."""
    name = name.strip().strip("`*").rstrip(".").lower()
    if name in known or any(name.endswith("." + z) for z in known):
        return name
    for zone in reversed(zones):
        return zone if name in ("@", "", "root", "apex") else f"{name}.{zone}"
    return None


def _split_priority(kind: str, value: str) -> tuple[int | None, str]:
    """``10 mx.mail.example.`` as (10, ``mx.mail.example.``) for MX and SRV."""
    if kind in ("MX", "SRV"):
        m = re.match(r"^\s*(\d{1,5})\s+(\S.*)$", value)
        if m:
            return int(m.group(1)), m.group(2)
    return None, value


_ALIASES = {"ANAME": "ALIAS", "CNAME": "ALIAS", "ALIAS": "CNAME"}
"""Types written for one another: an apex CNAME is flattened, ANAME is ALIAS."""


def _records(index: FactIndex, name: str, kind: str) -> tuple[str, list[Record]]:
    kind = "ALIAS" if kind == "ANAME" else kind
    for typ in (kind, _ALIASES.get(kind, kind)):
        found = [r for r in index.records.get((name, typ), []) if not r.placeholder]
        if found:
            return typ, found
    return kind, []


def _leading(value: str) -> str:
    """What kind of TXT record a value is (``v=spf1``, ``google-site-verification``)."""
    return re.split(r"[\s=]", _norm(value), maxsplit=1)[0]


def _compare(
    index: FactIndex, line: int, name: str, kind: str, value: str, priority: int | None
) -> Contradiction | None:
    kind, records = _records(index, name, kind)
    if kind == "TXT":  # a zone holds many TXT records; compare with the same kind only
        records = [r for r in records if _leading(r.value) == _leading(value)]
    if not records or _PLACEHOLDER.search(value):
        return None
    said = _norm(value)
    same = [r for r in records if _norm(r.value) == said]
    if not same:
        return _cited(line, f"{kind} {name}", value.strip(), records, [r.value for r in records])
    stated = priority is not None and all(r.priority is not None for r in same)
    if stated and not any(r.priority == priority for r in same):
        shown = [str(r.priority) for r in same]
        return _cited(line, f"{kind} {name} priority", str(priority), same, shown)
    return None


def _cited(
    line: int, subject: str, found: str, records: list[Record], shown: list[str]
) -> Contradiction:
    """A finding citing the first record, and the others of its domain's list with it."""
    exps = [
        Expectation("record", s, r.loc, lambda _v: False)
        for r, s in zip(records, shown, strict=True)
    ]
    return contradiction(line, "record", subject, found, exps)


def find_records(index: FactIndex, unit: Unit) -> Iterator[Contradiction]:
    """Records ``unit`` states with another value than the manifest's zone."""
    if not index.records:
        return
    context = " ".join((*unit.headings, unit.lead, unit.intro))
    if unit.kind == "code" and introduced_as_example(f"{unit.intro} {unit.lead}"):
        return
    known = index.domain_names
    zones = [z.lower() for z in HOSTNAME.findall(context) if z.lower() in known]
    if unit.kind == "row":
        yield from _row(index, unit, zones, known)
    elif unit.kind == "code":
        yield from _code(index, unit, zones, known)


def _row(
    index: FactIndex, unit: Unit, zones: list[str], known: frozenset[str]
) -> Iterator[Contradiction]:
    if not_about_today(unit.text):
        return
    cells = {}
    for head, cell in unit.cells:
        for role, pattern in (
            ("type", _TYPE_HEAD),
            ("priority", _PRIORITY_HEAD),
            ("value", _VALUE_HEAD),
            ("name", _NAME_HEAD),
        ):
            if pattern.search(head) and role not in cells:
                cells[role] = cell
                break
    if not {"name", "type", "value"} <= cells.keys():
        return
    kind = cells["type"].strip(" `*").upper()
    name = _full(cells["name"], zones, known)
    if kind not in TYPES or name is None:
        return
    said = cells.get("priority", "").strip(" `*")
    priority, value = _split_priority(kind, cells["value"])
    if said.isdigit():
        priority = int(said)
    found = _compare(index, unit.line, name, kind, value, priority)
    if found is not None:
        yield found


def _code(
    index: FactIndex, unit: Unit, zones: list[str], known: frozenset[str]
) -> Iterator[Contradiction]:
    for line in unit.lines:  # "; kestrel.example", "$ORIGIN kestrel.example."
        if line.lstrip().startswith((";", "#", "$ORIGIN")):
            zones += [z.lower() for z in HOSTNAME.findall(line) if z.lower() in known]
    asked: tuple[str, str] | None = None
    for k, line in enumerate(unit.lines):
        at = unit.line + k + 1
        dig = _DIG.match(line)
        if dig:
            kind = (dig.group(1) or dig.group(4)).upper()
            name = _full(dig.group(2) or dig.group(3), zones, known)
            asked = (name, kind) if name else None
            continue
        stripped = line.strip()
        if not stripped or stripped.startswith((";", "#", "$")):  # a comment, a prompt
            asked = None if stripped.startswith("$") else asked
            continue
        zone_line = _ZONE_LINE.match(line)
        if zone_line:
            name = _full(zone_line.group(1), zones, known)
            kind = zone_line.group(2).upper()
            priority, value = _split_priority(kind, zone_line.group(3))
        elif asked is not None:
            name, kind = asked
            priority, value = _split_priority(kind, stripped)
        else:
            continue
        if name is None:
            continue
        found = _compare(index, at, name, kind, value, priority)
        if found is not None:
            yield found
