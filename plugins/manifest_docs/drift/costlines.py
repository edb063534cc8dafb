"""``fact/cost`` for one cost line: what a provider, plan or item costs, and how many.

``Railway's Hobby plan costs us $5 a month``, ``| Cloudflare Free | $0 |``, ``Each
droplet is budgeted at $20 a month``, ``Five droplets are costed for phase 2``: an
amount (or a quantity) tied to a cost line of the manifest — by the provider or
service it names, the words of the line's item (``Hobby``, ``droplet``, ``domain``)
and the phase it is about (named in the text, its row, lead-in or headings; else the
current one).

An amount agrees with a line when it is the line's price per unit or its total (price
× quantity), or, when no single line is meant, the lines' sum; in the period it is
written in (a monthly line costs twelve times as much a year). ``about``, ``~`` and
``roughly`` allow 10 %. Amounts in another currency than the lines' are never
compared, and a statement about the future names its phase or states nothing.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from decimal import Decimal
from typing import TYPE_CHECKING

from ..costs import MONTHS, CostLine, money
from ..values import SPELLED_NUMBER, number
from .claims import modal
from .contradictions import Contradiction, mentions_in
from .expect import Expectation, same_amount

if TYPE_CHECKING:
    from collections.abc import Iterator

    from ..errors import Loc
    from ..model import Period
    from .expect import FactIndex
    from .markdown import Unit

__all__ = ["CAPITAL", "PLAIN_CAPITALS", "Amount", "find_line_costs", "read_amounts"]

_NUM = r"\d{1,3}(?:,\d{3})+(?:\.\d{1,2})?|\d+(?:\.\d{1,2})?"
_SYMBOLS = {"$": "USD", "€": "EUR", "£": "GBP"}
_CODES = r"USD|EUR|GBP|CHF|CAD|AUD|JPY|dollars?|euros?"
_AMOUNT = re.compile(
    r"(?P<approx>~\s?|≈\s?|\b(?:about|around|approx(?:\.|imately)?|roughly|nearly|almost|some)"
    r"\s+)?"
    rf"(?:(?P<sym>[$€£])\s?(?P<n1>{_NUM})(?:\s?(?P<c1>{_CODES}))?"
    rf"|\b(?P<c2>{_CODES})\s?(?P<n2>{_NUM})"
    rf"|(?<![\w.,])(?P<n3>{_NUM})\s?(?P<c3>{_CODES}))(?![\d,]|\.\d)"
    r"(?:\s*(?:/\s*|per\s+|an?\s+|each\s+|a\s+|every\s+)(?P<period>mo(?:nth)?s?|yr|years?|annum)\b"
    r"|\s+(?P<adverb>monthly|yearly|annually))?",
    re.IGNORECASE,
)
"""``$20/month``, ``35 USD per month``, ``~$340 a year``, ``€18``: an amount of money."""
_EACH_AFTER = re.compile(
    r"\s*(?:each|apiece|per\s+(?!mo|month|yr|year|annum)[a-z]+|an?\s+(?!mo|month|yr|year)[a-z]+)\b",
    re.IGNORECASE,
)
_EACH_BEFORE = re.compile(r"^\W*(?:each|every|one|a single|per)\b", re.IGNORECASE)
_ALL = re.compile(r"\b(?:alone|altogether|in total|in all|all told|combined|together)\b", re.I)
_WHOLE = re.compile(
    r"\b(?:all[- ]in|in total|total|altogether|overall|everything|all told|combined)\b", re.I
)
_MONTHLY = re.compile(r"\bmonthly\b|\bper month\b|\ba month\b|/\s*mo\b", re.IGNORECASE)
_YEARLY = re.compile(r"\byearly\b|\bannual(?:ly)?\b|\bper year\b|\ba year\b|/\s*yr\b", re.I)
_COST_CUE = re.compile(
    r"\$|€|£|\b(?:costs?|costed|budget(?:ed)?|paid|pays?|billed|bills?|priced|renews?|"
    r"charges?|spend|fees?)\b",
    re.IGNORECASE,
)
_WORD = re.compile(r"[a-z][a-z0-9-]*", re.IGNORECASE)
_STOP = frozenset(
    {"plan", "plans", "the", "and", "for", "per", "with", "public", "from", "tier", "line", "item"}
)
_QUANTITY = re.compile(
    rf"(?<![\w.$])(\d{{1,5}}|{SPELLED_NUMBER})\s+([a-z-]+)(?:\s+([a-z-]+))?", re.I
)
"""A number and the one or two words after it (``five droplets``, ``3 RoadChain nodes``)."""


@dataclass(frozen=True)
class Amount:
    """An amount of money stated in prose."""

    start: int
    """Offset in the text."""
    end: int
    """End offset."""
    shown: str
    """As written."""
    value: Decimal
    """The amount."""
    currency: str
    """ISO 4217 code."""
    period: str
    """``month``, ``year`` or ``""`` when the text gives none."""
    approx: bool
    """Whether it is hedged (``about``, ``~``)."""
    places: int
    """Decimals written."""


def _currency(m: re.Match[str]) -> str:
    code = (m.group("c1") or m.group("c2") or m.group("c3") or "").upper()
    if code.startswith("DOLLAR"):
        return "USD"
    if code.startswith("EURO"):
        return "EUR"
    return code or _SYMBOLS.get(m.group("sym") or "", "USD")


def read_amounts(text: str) -> list[Amount]:
    """Every amount of money in ``text``, with its currency and period."""
    out = []
    monthly, yearly = bool(_MONTHLY.search(text)), bool(_YEARLY.search(text))
    for m in _AMOUNT.finditer(text):
        raw = m.group("n1") or m.group("n2") or m.group("n3")
        word = (m.group("period") or m.group("adverb") or "").lower()
        if word.startswith("mo"):
            period = "month"
        elif word:
            period = "year"
        else:
            period = "month" if monthly and not yearly else "year" if yearly and not monthly else ""
        frac = raw.split(".", 1)[1] if "." in raw else ""
        out.append(
            Amount(
                m.start(),
                m.end(),
                m.group(0).strip(),
                Decimal(raw.replace(",", "")),
                _currency(m),
                period,
                bool(m.group("approx")),
                len(frac),
            )
        )
    return out


def _singular(word: str) -> str:
    w = word.lower()
    return w[:-1] if len(w) > 3 and w.endswith("s") and not w.endswith("ss") else w


def _words_of(index: FactIndex, line: CostLine) -> frozenset[str]:
    item = line.item.split(":", 1)[0]
    provider = {w.lower() for s in index.by_name.get(line.provider, []) for w in s.names}
    words = {_singular(w) for w in _WORD.findall(item) if len(w) >= 3}
    return frozenset(w for w in words if w not in _STOP and w not in provider)


def _all_item_words(index: FactIndex) -> dict[CostLine, frozenset[str]]:
    """Each line's item words, worked out once per check."""
    return index.once("cost-words", "", lambda: {c: _words_of(index, c) for c in index.cost_lines})


def _item_words(index: FactIndex, line: CostLine) -> frozenset[str]:
    """The words of a line's item that can name it (``hobby``, ``droplet``, ``domain``)."""
    return _all_item_words(index)[line]


@dataclass(frozen=True)
class _Owner:
    lines: tuple[int, ...]
    """Indexes of the cost lines meant."""
    named: str
    """How the text names them."""
    by_item: bool
    """Whether an item word narrowed them (the item is known, whatever the phase)."""


_ASIDE = re.compile(
    r"\b(?:before|after|excluding|without|plus|besides|except|beyond|once|than)\s+(?:the\s+)?"
    r"(?:\w+\s+)?$",
    re.IGNORECASE,
)
"""Right before a word: it is set aside (``before domain renewals``), not the subject."""


def _lines_named(index: FactIndex, keys: set[str]) -> list[int]:
    """The cost lines of the providers or services ``keys`` name."""
    return [
        i
        for i, c in enumerate(index.cost_lines)
        if f"provider:{c.provider}" in keys or (c.service and f"service:{c.service}" in keys)
    ]


def _narrowed(
    index: FactIndex, text: str, lines: list[int], words: set[str], named: str
) -> _Owner | None:
    """``lines``, kept to those whose item ``words`` name, if any do (``Railway Hobby``)."""
    by_item = [i for i in lines if _item_words(index, index.cost_lines[i]) & words]
    if by_item:
        hit = sorted(_item_words(index, index.cost_lines[by_item[0]]) & words)[0]
        written = re.search(rf"\b{re.escape(hit)}s?\b", text, re.IGNORECASE)
        item = written.group(0) if written else hit
        return _Owner(tuple(by_item), f"{named} {item}".strip(), True)
    return _Owner(tuple(lines), named, False) if lines and named else None


def _owner(index: FactIndex, text: str, at: int | None = None) -> _Owner | None:
    """The cost lines ``text`` names: by provider or service, narrowed by item words.

    With ``at`` (an amount's offset), the nearest cue before it decides: a provider or
    service ("Railway's Hobby plan costs $5"), or an item word ("each droplet is $10"),
    kept to the lines of a provider named earlier that has that item. With no cue before
    it, a name after it does (not after a total: "All in, phase 1 costs $340: the Railway
    plan plus …" is a breakdown). Another product named in between owns the amount
    (``Vercel's Pro plan is $150``).
    """
    names = [
        (s, w, {x.key for x in subs})
        for s, w, subs in mentions_in(index, text)
        if any(x.key.startswith(("provider:", "service:")) for x in subs)
    ]
    known = set().union(*_all_item_words(index).values())
    words = {_singular(w) for w in _WORD.findall(text)}
    everything = list(range(len(index.cost_lines)))
    if at is None:  # a heading, row or lead-in: its first name, else its items
        for _, said, keys in names:
            if lines := _lines_named(index, keys):
                return _narrowed(index, text, lines, words, said)
        return _narrowed(index, text, everything, words, "")
    items = [
        (m.start(), _singular(m.group(0)))
        for m in _WORD.finditer(text, 0, at)
        if _singular(m.group(0)) in known and not _ASIDE.search(text, 0, m.start())
    ]
    before = [(s, w, keys) for s, w, keys in names if s < at and _lines_named(index, keys)]
    name_at = before[-1][0] + len(before[-1][1]) if before else -1
    item_at, item = items[-1] if items else (-1, "")
    if _foreign(index, text[max(name_at, 0) : at]):  # "Vercel's Pro plan": not a line's
        return None
    if item_at > name_at:  # "… Cloudflare Free …, each droplet is $10": the item named last
        lines = _lines_named(index, before[-1][2]) if before else []
        mine = [i for i in lines if item in _item_words(index, index.cost_lines[i])]
        said = before[-1][1] if mine else ""
        return _narrowed(index, text, mine or everything, {item}, said)
    if before:
        return _narrowed(index, text, _lines_named(index, before[-1][2]), words, before[-1][1])
    if _WHOLE.search(text):
        return None
    for s, said, keys in names:
        if s >= at and (lines := _lines_named(index, keys)):
            return _narrowed(index, text, lines, words, said)
    return None


CAPITAL = re.compile(r"(?<![\w.-])[A-Z][\w.&-]*")
"""A capitalised word: perhaps a product's name."""
PLAIN_CAPITALS = frozenset({
    "Total", "Totals", "Phase", "Cost", "Costs", "Monthly", "Yearly", "Annual", "USD", "EUR",
    "GBP", "The", "This", "That", "Our", "We", "It", "Its", "In", "On", "For", "All", "Grand",
    "Estimated", "Projected", "Current", "Today", "Now", "About", "Around", "Approx",
    "Approximately", "Roughly", "Month", "Year", "Per", "Plan", "Budget", "Spend", "Bill",
    "Amortised", "Amortized", "And", "Or", "Plus", "I", "A", "An", "Each", "Every", "Pro",
    "Free", "Hobby", "Team"
})  # fmt: skip
"""Capitalised words that name no owner of a cost (no other product)."""


def _foreign(index: FactIndex, text: str) -> bool:
    """Whether ``text`` (before an amount) names a product the manifest does not know."""
    for m in CAPITAL.finditer(text):
        word = m.group(0).strip(".")
        known = word.lower() in index.by_name or any(
            _singular(word) in words for words in _all_item_words(index).values()
        )
        if not known and word not in PLAIN_CAPITALS and word not in index.owner_words:
            return True
    return False


def _convert(amount: Decimal, period: Period, to: str) -> Decimal:
    if not to or to == period.value:
        return amount
    return amount * MONTHS if to == "year" else amount / MONTHS


def _agrees(stated: Amount, lines: list[CostLine], each: bool, whole: bool) -> bool:
    """Whether ``stated`` is a line's price or total, or the lines' sum, in its period."""
    periods = [stated.period] if stated.period else ["month", "year"]
    for period in periods:
        candidates: list[Decimal] = []
        for c in lines:
            candidates.append(_convert(c.unit_amount, c.period, period))
            if not each:
                candidates.append(_convert(c.amount, c.period, period))
        if not each or whole:
            candidates.append(
                sum((_convert(c.amount, c.period, period) for c in lines), Decimal(0))
            )
        if any(
            same_amount(stated.value, value, stated.approx, stated.places) for value in candidates
        ):
            return True
    return False


def _expected(lines: list[CostLine], index: FactIndex) -> Expectation:
    first = lines[0]
    loc: Loc
    if first.source.startswith("domains["):
        loc = ("domains", int(first.source[8:-1]), "yearly_cost")
    else:
        loc = ("costs", int(first.source[6:-1]), "amount")
    price = f"{money(first.unit_amount, first.currency)}/{first.period.value}"
    shown = f"{price} × {first.quantity}" if first.quantity > 1 else price
    if len(lines) > 1:
        shown += f" (and {len(lines) - 1} more line{'s' if len(lines) > 2 else ''})"
    return Expectation("cost", shown, loc, lambda _found: False)


_NOT_A_PRICE_BEFORE = re.compile(
    r"\b(?:includes?|included|including|credits?|up to|over|beyond|above|under|below|than"
    r"|saves?|saving|discount)\s+(?:\w+\s+)?$",
    re.IGNORECASE,
)
_NOT_A_PRICE_AFTER = re.compile(r"^\s*(?:of|worth|off|in credits?)\b", re.IGNORECASE)
"""Around an amount: it is a credit, a bound or a saving, not a price."""


def _a_price(text: str, amount: Amount) -> bool:
    """Whether ``amount`` is a price (not ``$5 of included usage``, ``over $100``)."""
    before = text[max(0, amount.start - 30) : amount.start]
    return not (_NOT_A_PRICE_BEFORE.search(before) or _NOT_A_PRICE_AFTER.match(text, amount.end))


def _context(unit: Unit) -> list[str]:
    """Where a line's owner and phase may be named: the unit, its row, lead-in, headings."""
    around = [unit.text]
    around += [header for header, _ in unit.cells]
    if unit.lead:
        around.append(unit.lead)
    around += list(reversed(unit.headings))
    return around


def find_line_costs(index: FactIndex, unit: Unit) -> tuple[bool, list[Contradiction]]:
    """Whether ``unit`` speaks of some cost line, and the amounts in it that disagree.

    Each amount belongs to the line its own words name (the nearest provider before
    it, then after it), else to what the row, lead-in or headings name.
    """
    text = unit.text
    if not index.cost_lines or unit.kind == "code":
        return False, []
    amounts = read_amounts(text)
    if not amounts and not _COST_CUE.search(text):
        return False, []
    amounts = [a for a in amounts if _a_price(text, a)]
    around = _context(unit)
    outer = next((o for w in around[1:] if (o := _owner(index, w)) is not None), None)
    owners = [_owner(index, text, a.start) or outer for a in amounts]
    first = _owner(index, text, amounts[0].start if amounts else None) or outer
    if first is None and not any(owners):
        return False, []
    phases: set[int] = set()
    for where in around:
        phases = index.phases_named(where)
        if phases:
            break
    if len(phases) > 1:
        return True, []
    if not phases and (modal(text) or (index.current_phase is None and index.phase_ids)):
        return True, []  # "Cloudflare Pro will add $25": in which phase?
    phase = next(iter(phases)) if phases else index.current_phase  # None: no phases at all

    def lines_of(owner: _Owner) -> list[CostLine]:
        everywhere = [index.cost_lines[i] for i in owner.lines]
        lines = [c for c in everywhere if c.applies_to(phase)]
        if not lines and not phases and owner.by_item:
            return everywhere  # "each droplet is budgeted at $20": the item says which line
        return lines

    found = list(_quantities(index, unit, lines_of(first), first)) if first else []
    for amount, owner in zip(amounts, owners, strict=True):
        same = [c for c in lines_of(owner) if c.currency == amount.currency] if owner else []
        if owner is None or not same:
            continue
        each = bool(_EACH_AFTER.match(text, amount.end) or _EACH_BEFORE.match(text))
        whole = bool(_ALL.search(text))
        if not _agrees(amount, same, each, whole):
            found.append(
                Contradiction(
                    unit.line_at(amount.start),
                    "cost",
                    owner.named,
                    amount.shown,
                    _expected(same, index),
                )
            )
            break
    return True, found


def _quantities(
    index: FactIndex, unit: Unit, lines: list[CostLine], owner: _Owner
) -> Iterator[Contradiction]:
    """``Five droplets are costed``: how many units a line pays for."""
    if not owner.by_item:
        return
    counted = [c for c in lines if c.quantity > 1]
    for m in _QUANTITY.finditer(unit.text):
        if m.group(2).lower() in ("per", "of", "for", "each", "in", "a", "an"):
            continue  # "one per RoadChain node": a ratio
        nouns = {_singular(w) for w in m.groups()[1:] if w}
        mine = [c for c in counted if nouns & _item_words(index, c)]
        n = number(m.group(1))
        if not mine or n is None:
            continue
        noun = next(w for w in m.groups()[1:] if w and _singular(w) in _item_words(index, mine[0]))
        said = f"{m.group(1)} {m.group(0)[len(m.group(1)) :].split(noun)[0].strip()} {noun}"
        said = " ".join(said.split())
        if not any(c.quantity == n for c in mine):
            exp = _expected(mine, index)
            loc = (*exp.loc[:2], "quantity")
            shown = f"{mine[0].quantity}"
            yield Contradiction(
                unit.line_at(m.start()),
                "cost",
                owner.named,
                said,
                Expectation("cost", shown, loc, exp.accepts),
            )
            return
