"""``fact/cost`` and total ``fact/count``: totals stated in prose, against the roll-ups.

A cost total is compared only when it is plainly one: the word *total* (``**Total
(phase 1)**: $95/month``, ``the yearly cost total is …``) within reach of the amounts,
a phase named (in the unit, else the nearest heading) or the plan as a whole, and no
other owner in the unit — no service or provider (that is a line or a subtotal), no
other product name, no price per unit (``$10/year per domain``). It is compared with
:func:`manifest_docs.costs.phase_costs` (exact ``Decimal``; ``~`` allows 10 %). A total
naming no phase must match some phase; it is cited against the current one. Amounts
are compared per currency (``€X`` with the EUR lines' total; the reporting currency's
with the converted total too), never across currencies.

A total service count is ``N services`` with *in total* / *in all* / *total*, or after
*runs*, said of the organisation, ``we`` or ``the platform`` — not of another owner
(``Netflix runs 700 services in total``) and not narrowed (``20 services on Railway``).
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

from ..values import SPELLED_NUMBER, number
from .claims import modal
from .contradictions import Contradiction
from .costlines import CAPITAL, PLAIN_CAPITALS, find_line_costs, read_amounts

if TYPE_CHECKING:
    from collections.abc import Iterator
    from decimal import Decimal

    from .expect import CostClaim, Expectation, FactIndex
    from .markdown import Unit

__all__ = ["find_totals"]

_PER_UNIT = re.compile(
    r"\s*(?:(?:/|per\b|a\b|an\b)\s*(?!mo|month|yr|year|annum)[a-z]|each\b|apiece\b)",
    re.IGNORECASE,
)
_TOTAL = re.compile(r"\btotal\b|\baltogether\b", re.IGNORECASE)
_PLAN_CUE = re.compile(
    r"^\W*(?:grand\s+)?total\b|\bin\s+total\b|\baltogether\b|\bcosts?\b|\bspend\b|\bbudget\b|\bbill\b",
    re.IGNORECASE,
)
_NEAR_AFTER, _NEAR_BEFORE = 60, 25
_MONEY = re.compile(r"[$€£]|\b(?:USD|EUR|GBP|CHF|CAD|AUD|JPY|dollars?|euros?)\b", re.I)
"""What any written amount of money holds (a cheap test before reading amounts)."""

_N = rf"(?<!of the )(?<!of our )(\d{{1,5}}|{SPELLED_NUMBER})"
"""A count, in digits or spelled, that is not a part (``3 of the 13``)."""
_N_SERVICES = re.compile(rf"(?<![\w,.$]){_N}\s+services\b", re.IGNORECASE)
_CATALOG = r"in (?:the|our) (?:manifest|catalog(?:ue)?)"
_COUNT_CUE = re.compile(
    rf"\bin total\b|\bin all\b|\baltogether\b|\btotal\b|\b{_CATALOG}\b", re.IGNORECASE
)
_STATUS = r"(active|live|planned|experimental|retired|in[- ]development|development)"


def _status_name(word: str) -> str:
    """The manifest's status a count's word means (``in development``, ``live``)."""
    status = word.lower().replace("in-", "").replace("in ", "")
    return "active" if status == "live" else status


_STATUS_COUNTS = (
    # "3 active services", "three planned services"
    re.compile(rf"(?<![\w,.$]){_N}\s+{_STATUS}\s+services?\b", re.IGNORECASE),
    # "Three services are active", "two of the services are in development"
    re.compile(
        rf"(?<![\w,.$]){_N}\s+(?:of (?:the|our) )?services?\s+(?:are|is)\s+"
        rf"(?:currently\s+|now\s+|still\s+)?{_STATUS}\b",
        re.IGNORECASE,
    ),
)
_DOMAIN_COUNTS = (
    re.compile(
        rf"(?<![\w,.$]){_N}\s+(?:of (?:the|our) )?domains?\s+(?:are|is)\s+"
        r"(primary|secondary|active|planned|reserved|retired)\b",
        re.IGNORECASE,
    ),
    re.compile(rf"(?<![\w,.$]){_N}\s+(primary|secondary|reserved)\s+domains\b", re.IGNORECASE),
)
_DOMAIN_TOTAL = re.compile(
    rf"\b(?:holds?|have|has|owns?|registered|manages?|lists?)\s+(?:all\s+)?{_N}\s+domains\b"
    rf"|(?<![\w,.$]){_N}\s+domains\s+(?:are|were)\s+registered\b",
    re.IGNORECASE,
)
_NORMATIVE = re.compile(r"\b(?:can|cannot|can't|must|mustn't|may not|need to|should)\b")
"""What a rule says of any N things, not a count of ours."""
_COUNT_LABEL = re.compile(
    r"^(services?|domains?)(?:\s+(?:in (?:the|our) manifest|in total|total|registered|held))?"
    r"(?:\s*\((active|planned|experimental|retired|development)\))?$"
)
"""A key/value row that counts: ``| Services in the manifest | 12 |``."""
_RUN = frozenset({"runs", "run", "running", "operates", "operate", "operating"})
_VERBS = _RUN | frozenset(
    {"has", "have", "lists", "list", "includes", "include", "counts", "comprises", "contains"}
    | {"describes", "describe", "covers", "cover", "holds", "hold", "tracks", "track"}
    | {"are", "is", "totals", "numbers"}
)
_MODIFIER = re.compile(
    r"\s*\b(?:a total of|in total|in all|altogether|exactly|currently|now|today|also)\s*$"
)
_BOUND = re.compile(
    r"(?:up to|over|more than|at least|at most|fewer than|less than|about|around|nearly"
    r"|almost|than|of|per|each|every|by|~)\s*$"
)
_CLAUSE = re.compile(r"[.;:!?,()]")
_SENTENCE = re.compile(r"[.;!?]")
_FIRST_WORD = re.compile(r"\W*[\w.&-]*")
_OWNER_EDGES = re.compile(
    r"^(?:today|currently|now|in total|altogether|overall)\s+"
    r"|\s+(?:today|currently|now|altogether|also)$"
)
_NARROW = re.compile(
    rf"^\s*(?!in total\b|in all\b|{_CATALOG}\b)(?:on|in|at|for|from|of|under|behind|across"
    r"|per|that|which|with|using|where|built|deployed|hosted|running|behind)\b",
    re.IGNORECASE,
)


def _names_subject(index: FactIndex, text: str) -> bool:
    """Whether ``text`` names a service, provider or domain (a phase does not count)."""
    return any(
        not all(s.key.startswith("phase:") for s in index.by_name.get(m.group(1).lower(), []))
        for m in index.pattern.finditer(text)
    )


def find_totals(index: FactIndex, unit: Unit) -> Iterator[Contradiction]:
    """Cost totals and total service counts in ``unit`` that disagree with the manifest."""
    if unit.kind == "code":
        return
    about_a_line, wrong = find_line_costs(index, unit)
    yield from wrong
    if not about_a_line and _MONEY.search(unit.text) and index.global_facts.get("cost"):
        yield from _cost_total(index, unit)
    if modal(unit.text):
        return  # what there will be, or was, is not today's count
    lowered = unit.text.lower()
    if _NORMATIVE.search(lowered):
        return  # "two active services cannot share a hostname": a rule, not a count
    if "service" in lowered:
        yield from _service_total(index, unit)
    context = " ".join((*unit.headings[-1:], unit.lead, *(h for h, _ in unit.cells))).lower()
    if "service" in lowered or "domain" in lowered or "service" in context:
        yield from _part_counts(index, unit)


def _foreign_capitals(index: FactIndex, text: str) -> bool:
    """Whether a capitalised word other than the opening one names another owner."""
    first = _FIRST_WORD.match(text)
    start = first.end() if first else 0
    return any(
        w.group(0).strip(".") not in PLAIN_CAPITALS
        and w.group(0).strip(".") not in index.owner_words
        for w in CAPITAL.finditer(text, start)
    )


def _claim(text: str) -> tuple[CostClaim, str] | None:
    """The amounts ``text`` states as a total, and how it writes them."""
    hits = [m.span() for m in _TOTAL.finditer(text)]
    amounts: list[tuple[Decimal, str, bool, int, str]] = []
    shown: list[str] = []
    for amount in read_amounts(text):
        near = any(
            0 <= amount.start - e <= _NEAR_AFTER or 0 <= s - amount.end <= _NEAR_BEFORE
            for s, e in hits
        )
        if not near or _PER_UNIT.match(text, amount.end):
            continue  # not the total's amount, or a price per domain / per seat
        if not amount.period:
            continue  # "$95" alone: no period, nothing to compare
        amounts.append((amount.value, amount.period, amount.approx, amount.places, amount.currency))
        shown.append(amount.shown)
    periods = [(a[4], a[1]) for a in amounts]
    if not amounts or len(periods) != len(set(periods)):
        return None  # none, or two monthly amounts in one currency: which is the total?
    return tuple(amounts), " + ".join(shown)


def _cost_total(index: FactIndex, unit: Unit) -> Iterator[Contradiction]:
    text = unit.text
    if not _TOTAL.search(text) or _names_subject(index, text):
        return  # no total, or a service's / provider's line or subtotal
    phases = index.phases_named(text)
    if not phases:
        for heading in reversed((*unit.headings, unit.lead)):
            phases = index.phases_named(heading)
            if phases:
                break
    if len(phases) > 1:
        return
    if not phases and not _PLAN_CUE.search(text):
        return  # "total" of something, not of the plan
    if _foreign_capitals(index, text):
        return  # "Vercel's Pro plan total": another product's price
    claim = _claim(text)
    if claim is None:
        return
    value, shown = claim
    exps = index.global_facts["cost"]
    if phases:
        want = [e for e in exps if e.qualifier == str(next(iter(phases)))]
        subject = f"phase {next(iter(phases))} total cost"
    else:
        want = exps
        subject = "total cost"
    if not want or any(e.accepts(value) for e in want):
        return
    cited: Expectation = next((e for e in want if e.qualifier == str(index.current_phase)), want[0])
    yield Contradiction(unit.line, "cost", subject, shown, cited)


def _counting(index: FactIndex, text: str, start: int) -> tuple[str, str] | None:
    """(verb, owner) when the number at ``start`` counts what we hold, else ``None``.

    The clause must open with it or read "<owner> <counting verb> N": "We run 13",
    "The manifest lists 13". Not "up to 20", "3 of 20", "split into 20", "Netflix runs
    700", "two active services cannot …".
    """
    clause = _CLAUSE.split(text[:start])[-1].strip().lower()
    while (trimmed := _MODIFIER.sub("", clause)) != clause:
        clause = trimmed.strip()
    if _BOUND.search(clause):
        return None
    words = clause.split()
    verb = words[-1] if words else ""
    if words and verb not in _VERBS:
        return None
    owner = _OWNER_EDGES.sub("", " ".join(words[:-1]))
    return (verb, owner) if index.owners.match(owner) else None


def _service_total(index: FactIndex, unit: Unit) -> Iterator[Contradiction]:
    text = unit.text
    want = [e for e in index.global_facts.get("count", []) if e.qualifier == "total"]
    if not want:
        return
    for m in _N_SERVICES.finditer(text):
        counted = _counting(index, text, m.start())
        if counted is None:
            continue
        verb, owner = counted
        tail = _SENTENCE.split(text[m.end() :])[0]
        if _NARROW.match(tail):
            continue  # "20 services on Railway": a part, not the whole
        running = verb in _RUN
        catalog = "manifest" in owner or "catalog" in owner  # "the manifest lists 13 services"
        if not (running or catalog or _COUNT_CUE.search(text)):
            continue
        n = number(m.group(1)) or 0
        if not want[0].accepts((n, running)):
            yield Contradiction(unit.line, "count", "services in total", m.group(1), want[0])


_STATUS_LABEL = re.compile(
    rf"^\W*{_STATUS}\W*\s*[:=|—–-]?\s*(\d{{1,4}}|{SPELLED_NUMBER})(?:\s+services?)?\W*$",
    re.IGNORECASE,
)
"""A status and a number, as a list item or a two-column row: ``Experimental: 2``."""
_SERVICES_WORD = re.compile(r"\bservices?\b|\bcount\b|#", re.IGNORECASE)


def _part_counts(index: FactIndex, unit: Unit) -> Iterator[Contradiction]:
    """Services per status and domains, all or per tier or status, that are miscounted.

    ``three services are active``, ``Four of the domains are primary``, ``We hold 16
    domains``, a ``| Domains | 10 |`` row.
    """
    text = unit.text
    counts = {e.qualifier: e for e in index.global_facts.get("count", [])}
    said: list[tuple[str, str, str]] = []  # (qualifier, number, what)
    if unit.kind == "row" and len(unit.cells) >= 2:
        label, cell = unit.cells[0][1].strip(" *_").lower(), unit.cells[1][1].strip(" *_`")
        labelled = _COUNT_LABEL.match(label)
        if labelled and number(cell) is not None:
            noun, status = labelled.group(1), (labelled.group(2) or "").lower()
            whole = "domains" if noun.startswith("domain") else "total"
            said.append((status or whole, cell, label))
    listed = _STATUS_LABEL.match(
        text if unit.kind == "item" else " : ".join(c for _, c in unit.cells[:2])
    )
    about = " ".join((*unit.headings[-1:], unit.lead, *(h for h, _ in unit.cells)))
    if listed and unit.kind in ("item", "row") and _SERVICES_WORD.search(about):
        # "Services by status:" over "- Experimental: 2", a "| planned | 5 |" row
        status = _status_name(listed.group(1))
        said.append((status, listed.group(2), f"{status} services"))
    for pattern in _STATUS_COUNTS:
        for m in pattern.finditer(text):
            if _counting(index, text, m.start(1)) is None:
                continue
            status = _status_name(m.group(2))
            said.append((status, m.group(1), f"{status} services"))
    for pattern in _DOMAIN_COUNTS:
        for m in pattern.finditer(text):
            if _counting(index, text, m.start(1)) is None:
                continue
            said.append((f"domains:{m.group(2).lower()}", m.group(1), f"{m.group(2)} domains"))
    for m in _DOMAIN_TOTAL.finditer(text):
        group = next(i for i, g in enumerate(m.groups(), start=1) if g)
        if _counting(index, text, m.start(group)) is not None:
            said.append(("domains", m.group(group), "domains"))
    for qualifier, count, what in said:
        exp = counts.get(qualifier)
        n = number(count) or 0
        if exp is not None and not exp.accepts((n, False) if qualifier == "total" else n):
            yield Contradiction(unit.line, "count", what, count, exp)
            return
