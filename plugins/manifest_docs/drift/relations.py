"""``fact/depends-on``: prose that says one service uses another the manifest does not list.

``It calls Lucidia for every AI request`` on the backend's page, ``The Prism Console
will read the job tables straight from PostgreSQL``, ``| lucidia | postgres, redis,
blackroad-agents |`` under *Depends on*: a relation verb (calls, talks to, reads from,
writes to, proxies to, fetches through, connects to, sends … to, depends on, uses)
between two services — the one named before it (else the lead-in's, the heading's or
the narrative page's) and the first one named after it in the same clause.

It is compared only with services whose ``depends_on`` the manifest writes; the other
direction agrees too (``Redis is read by the worker``: passive forms are not read). What
a service that is not live yet *will* use is its planned design, which ``depends_on``
describes; of a live service, the future is not today's dependency.
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

from .claims import hedged, modal, negated
from .contradictions import Contradiction, Named, heading_groups, mentions_in
from .expect import Expectation

if TYPE_CHECKING:
    from collections.abc import Iterator

    from .expect import FactIndex, Subject
    from .markdown import Unit

__all__ = ["find_dependencies"]

_RELATION = re.compile(
    r"\b(?:calls?|calling|talks? to|talking to|reads?(?:\s+[\w-]+){0,4}?\s+from|"
    r"writes?(?:\s+[\w-]+){0,4}?\s+(?:to|into)|connects? to|queries|query|"
    r"prox(?:y|ies)(?:\s+\S+)?\s+to|fetch(?:es)?(?:\s+[\w-]+){0,4}?\s+(?:from|through|via)|"
    r"sends?(?:\s+[\w'-]+){0,5}?\s+to|depends? on|relies on|uses|publishes(?:\s+[\w-]+){0,3}?"
    r"\s+to|subscribes to|pulls(?:\s+[\w-]+){0,3}?\s+from)\b",
    re.IGNORECASE,
)
"""A verb that says its subject uses what follows it."""
_PASSIVE = re.compile(r"\b(?:is|are|was|were|be|been|gets?)\s+$", re.IGNORECASE)
_CLAUSE_END = re.compile(r"[;.!?]|\s(?:but|while|whereas|rather than|instead of)\s", re.I)
_DEPENDS_COLUMN = re.compile(r"\b(?:depends? on|dependencies|needs|uses|talks to)\b", re.I)


def _service(subjects: list[Subject]) -> Subject | None:
    found = [s for s in subjects if s.is_service]
    return found[0] if len({s.key for s in found}) == 1 else None


def _finding(
    index: FactIndex, line: int, user: Subject, said: str, used: Subject
) -> Contradiction | None:
    deps = index.depends.get(user.key)
    if deps is None or used.key == user.key or used.key in deps:
        return None
    if user.key in index.depends.get(used.key, ()):
        return None  # the other direction: "the worker feeds Redis" / Redis is used by it
    name = user.key.split(":", 1)[1]
    shown = ", ".join(d.split(":", 1)[1] for d in deps) or "nothing"
    exp = Expectation("depends-on", shown, ("services", name, "depends_on"), lambda _v: False)
    return Contradiction(line, "depends-on", name, said, exp)


def _live(index: FactIndex, user: Subject) -> bool:
    return any(e.accepts("active") for e in user.facts.get("status", []))


def find_dependencies(index: FactIndex, unit: Unit) -> Iterator[Contradiction]:
    """Services a unit says one service uses, where the manifest lists others."""
    if not index.depends or unit.kind == "code":
        return
    context = (*unit.headings, unit.lead) if unit.lead else unit.headings
    groups = heading_groups(index, context)
    if unit.kind == "row" and len(unit.cells) >= 2:
        yield from _table(index, unit)
        return
    text = unit.text
    mentions = mentions_in(index, text)
    lead_verb = _RELATION.search(unit.lead) if unit.lead else None
    verbs = list(_RELATION.finditer(text))
    if lead_verb is not None and not verbs and unit.kind == "item":
        # "What the agents runtime will talk to:" over "- Lucidia for every model call"
        leads = [u for _, subs in (groups[0] if groups else []) if (u := _service(subs))]
        user = leads[0] if leads else None
        if user is None or (modal(unit.lead) and _live(index, user)) or negated(unit.lead):
            return
        for _, said, subs in mentions:
            used = _service(subs)
            if used is not None and (found := _finding(index, unit.line, user, said, used)):
                yield found
                return
        return
    for verb in verbs:
        before = text[: verb.start()]
        if _PASSIVE.search(before) or negated(before) or hedged(text[verb.start() : verb.end()]):
            continue
        users = [(w, subs) for s, w, subs in reversed(mentions) if s < verb.start()]
        named = next((_service(subs) for _, subs in users if _service(subs)), None)
        user = named
        if user is None:
            pool: list[Named] = [n for g in groups for n in g]
            user = next((_service(subs) for _, subs in pool if _service(subs)), None)
        if user is None:
            continue
        if modal(text) and _live(index, user):
            continue  # what a live service will use is not what it uses
        end = _CLAUSE_END.search(text, verb.end())
        stop = end.start() if end else len(text)
        for start, said, subs in mentions:
            if verb.end() <= start < stop and (used := _service(subs)) is not None:
                found = _finding(index, unit.line_at(start), user, said, used)
                if found is not None:
                    yield found
                    return
                break


def _table(index: FactIndex, unit: Unit) -> Iterator[Contradiction]:
    """``| lucidia | postgres, redis, blackroad-agents |`` under a *Depends on* column."""
    first = mentions_in(index, unit.cells[0][1])
    user = _service(first[0][2]) if first else None
    if user is None:
        return
    for header, cell in unit.cells[1:]:
        if not _DEPENDS_COLUMN.search(header):
            continue
        for _, said, subs in mentions_in(index, cell):
            used = _service(subs)
            if used is not None and (found := _finding(index, unit.line, user, said, used)):
                yield found
                return
