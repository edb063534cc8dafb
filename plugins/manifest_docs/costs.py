"""Cost roll-ups in exact ``Decimal``: by phase, provider and service, per currency.

A cost line applies from its ``phase`` to its ``until_phase`` (or every later phase); a
manifest without phases has one set of totals, which every line is part of.
Domain registrations are cost lines too, derived from ``domains[].yearly_cost`` so the
manifest never states the same money twice. Totals are computed, never typed.

Amounts in different currencies are never added together: every total is a mapping
currency → :class:`Totals` (the reporting currency first, then alphabetical). When the
manifest declares a ``reporting_currency``, a :class:`Conversion` also gives each total
converted into it with the declared ``exchange_rates`` (exact; rounded only for display).
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal
from typing import TYPE_CHECKING

from .model import DEFAULT_CURRENCY, DomainStatus, Period

if TYPE_CHECKING:
    from collections.abc import Iterable, Mapping

    from .model import ExchangeRate, Manifest

__all__ = [
    "DEFAULT_CURRENCY",
    "Conversion",
    "CostLine",
    "PhaseCosts",
    "ServiceCosts",
    "Totals",
    "by_currency",
    "conversion",
    "cost_lines",
    "currencies",
    "currency_order",
    "money",
    "money_each",
    "phase_costs",
    "service_costs",
    "signed",
]

CENT = Decimal("0.01")
MONTHS = Decimal(12)


def money(amount: Decimal, currency: str = DEFAULT_CURRENCY) -> str:
    """Format an amount for people: ``$28.33`` (USD) or ``28.33 EUR``."""
    text = f"{amount.quantize(CENT, rounding=ROUND_HALF_UP):,}"
    return f"${text}" if currency == "USD" else f"{text} {currency}"


def currency_order(currencies: Iterable[str], reporting: str | None = None) -> list[str]:
    """``currencies`` once each: the reporting currency first, then alphabetical."""
    return sorted(set(currencies), key=lambda c: (c != reporting, c))


@dataclass(frozen=True)
class CostLine:
    """One cost as it applies in the roll-up (a manifest line or a domain registration)."""

    item: str
    """What is paid for."""
    provider: str
    """Provider id (empty when a domain names neither a registrar nor a DNS provider)."""
    unit_amount: Decimal
    """Amount per unit per period."""
    quantity: int
    """Units paid for."""
    period: Period
    """``month`` or ``year``."""
    currency: str
    """ISO 4217 code."""
    phase: int | None
    """First phase it applies to (``None`` when the manifest has no phases)."""
    until_phase: int | None
    """Last phase it applies to, or ``None`` for every later phase."""
    service: str | None
    """Owning service, if any."""
    estimate: bool
    """Whether the amount is a projection."""
    environment: str | None
    """The environment it pays for, or ``None`` when shared by all."""
    origin: tuple[str, int]
    """``("costs", 3)`` or ``("domains", 0)``: the manifest entry the line comes from."""

    @property
    def source(self) -> str:
        """``costs[3]`` or ``domains[0]``: where the line comes from."""
        return f"{self.origin[0]}[{self.origin[1]}]"

    @property
    def amount(self) -> Decimal:
        """Total per period: ``unit_amount × quantity``."""
        return self.unit_amount * self.quantity

    @property
    def monthly(self) -> Decimal:
        """Amount per month, exact (a yearly amount divided by 12, unrounded)."""
        return self.amount if self.period is Period.MONTH else self.amount / MONTHS

    def applies_to(self, phase: int | None) -> bool:
        """Whether this line is paid during ``phase``.

        ``None``: the manifest has no phases, and every line is paid.
        """
        if phase is None or self.phase is None:
            return True
        return self.phase <= phase and (self.until_phase is None or phase <= self.until_phase)


@dataclass(frozen=True)
class Totals:
    """Sums of the cost lines of one currency, kept apart by period and combined."""

    currency: str
    """ISO 4217 code every amount here is in."""
    monthly: Decimal
    """Sum of the monthly lines."""
    yearly: Decimal
    """Sum of the yearly lines."""

    @property
    def amortised_monthly(self) -> Decimal:
        """Monthly lines plus yearly lines spread over twelve months."""
        return self.monthly + self.yearly / MONTHS

    @property
    def annual(self) -> Decimal:
        """What a whole year costs: twelve months plus the yearly lines."""
        return self.monthly * MONTHS + self.yearly

    @classmethod
    def of(cls, currency: str, lines: Iterable[CostLine]) -> Totals:
        """Add up the lines of ``lines`` that are in ``currency`` (the others are not)."""
        mine = [c for c in lines if c.currency == currency]
        month = sum((c.amount for c in mine if c.period is Period.MONTH), Decimal(0))
        year = sum((c.amount for c in mine if c.period is Period.YEAR), Decimal(0))
        return cls(currency, month, year)


def by_currency(lines: list[CostLine], reporting: str | None = None) -> dict[str, Totals]:
    """The totals of ``lines``, one per currency they use (reporting currency first)."""
    return {
        cur: Totals.of(cur, lines) for cur in currency_order((c.currency for c in lines), reporting)
    }


def money_each(
    sums: Mapping[str, Totals],
    field: str = "amortised_monthly",
    per: str = "",
    empty: str = DEFAULT_CURRENCY,
) -> str:
    """``$120.00/month + 45.00 EUR/month``: one amount per currency, never added up.

    ``field`` is a :class:`Totals` attribute; ``per`` follows each amount; a set of no
    lines shows zero in ``empty``.
    """
    if not sums:
        return money(Decimal(0), empty) + per
    return " + ".join(money(getattr(t, field), cur) + per for cur, t in sums.items())


def signed(amount: Decimal, currency: str, minus: str = "−") -> str:
    """``+$50.00`` or ``−10.00 EUR``."""
    return ("+" if amount >= 0 else minus) + money(abs(amount), currency)


@dataclass(frozen=True)
class Conversion:
    """Totals converted into the reporting currency with the manifest's exchange rates."""

    currency: str
    """The reporting currency (ISO 4217)."""
    rates: dict[str, ExchangeRate]
    """The declared rate of every other currency, by its code."""

    def rate(self, currency: str) -> Decimal:
        """Units of the reporting currency per unit of ``currency``.

        Raises ``ValueError`` when no rate is declared (a loaded manifest always has one:
        the loader reports the line that lacks it).
        """
        if currency == self.currency:
            return Decimal(1)
        if currency not in self.rates:
            raise ValueError(f"no exchange rate from {currency} to {self.currency}")
        return self.rates[currency].rate

    def convert(self, sums: Mapping[str, Totals]) -> Totals:
        """The sum of ``sums`` in the reporting currency, exact."""
        month = sum((t.monthly * self.rate(c) for c, t in sums.items()), Decimal(0))
        year = sum((t.yearly * self.rate(c) for c, t in sums.items()), Decimal(0))
        return Totals(self.currency, month, year)

    def used(self, currencies: Iterable[str]) -> list[ExchangeRate]:
        """The rates a conversion of ``currencies`` applies (in currency order)."""
        return [self.rates[c] for c in currency_order(currencies) if c in self.rates]


def conversion(manifest: Manifest) -> Conversion | None:
    """The manifest's conversion into its ``reporting_currency``, or ``None`` without one."""
    if manifest.reporting_currency is None:
        return None
    rates = {
        r.currency: r for r in manifest.exchange_rates if r.currency != manifest.reporting_currency
    }
    return Conversion(manifest.reporting_currency, rates)


@dataclass(frozen=True)
class PhaseCosts:
    """What one phase costs, and how it breaks down, per currency."""

    phase: int | None
    """Phase id (``None``: the manifest has no phases, and this is the one set of totals)."""
    name: str
    """Phase name (empty without phases)."""
    lines: list[CostLine]
    """The lines that apply in this phase."""
    total: dict[str, Totals]
    """Their totals per currency (reporting currency first, then alphabetical; empty
    when no line applies)."""
    by_provider: dict[str, dict[str, Totals]]
    """Totals per provider id (sorted by id), per currency."""
    by_service: dict[str, dict[str, Totals]]
    """Totals per owning service (lines without one under ``""``, sorted), per currency."""
    change: dict[str, Decimal] | None
    """Change in amortised monthly cost from the previous phase, per currency of either
    phase (``None`` for the first)."""
    converted: Totals | None = None
    """The total in the reporting currency (``None`` when the manifest declares none)."""
    converted_change: Decimal | None = None
    """Change of :attr:`converted` from the previous phase (``None`` for the first)."""
    rates: tuple[ExchangeRate, ...] = ()
    """The exchange rates :attr:`converted` applies (none when every line is already in
    the reporting currency)."""


def cost_lines(manifest: Manifest) -> list[CostLine]:
    """Every cost line: the manifest's ``costs`` then one per registered domain."""
    first = min((p.id for p in manifest.phases), default=None)
    lines = [
        CostLine(
            item=c.item,
            provider=c.provider,
            unit_amount=c.amount,
            quantity=c.quantity,
            period=c.period,
            currency=c.currency,
            phase=first if c.phase is None else c.phase,
            until_phase=c.until_phase,
            service=c.service,
            estimate=c.estimate,
            environment=c.environment,
            origin=("costs", i),
        )
        for i, c in enumerate(manifest.costs)
    ]
    for i, d in enumerate(manifest.domains):
        if d.yearly_cost is None or d.status is DomainStatus.RETIRED:
            continue
        lines.append(
            CostLine(
                item=f"Domain registration: {d.name}",
                provider=d.registrar or d.dns.provider or "",
                unit_amount=d.yearly_cost,
                quantity=1,
                period=Period.YEAR,
                currency=d.currency,
                phase=first,
                until_phase=None,
                service=d.service,
                estimate=False,
                environment=None,
                origin=("domains", i),
            )
        )
    return lines


def phase_costs(manifest: Manifest) -> list[PhaseCosts]:
    """The cost of every phase, in phase order, with the change from the one before.

    A manifest without phases gets one entry (``phase`` ``None``) holding every line,
    when it has any.
    """
    lines = cost_lines(manifest)
    reporting = manifest.reporting_currency
    convert = conversion(manifest)
    out: list[PhaseCosts] = []
    previous: dict[str, Decimal] | None = None
    previous_converted: Decimal | None = None
    stages: list[tuple[int | None, str]] = [
        (p.id, p.name) for p in sorted(manifest.phases, key=lambda p: p.id)
    ]
    if not stages and lines:
        stages = [(None, "")]
    for phase_id, phase_name in stages:
        here = [c for c in lines if c.applies_to(phase_id)]
        providers = sorted({c.provider for c in here})
        services = sorted({c.service or "" for c in here})
        total = by_currency(here, reporting)
        monthly = {cur: t.amortised_monthly for cur, t in total.items()}
        change = None
        if previous is not None:
            change = {
                cur: monthly.get(cur, Decimal(0)) - previous.get(cur, Decimal(0))
                for cur in currency_order([*monthly, *previous], reporting)
            }
        converted = convert.convert(total) if convert else None
        out.append(
            PhaseCosts(
                phase=phase_id,
                name=phase_name,
                lines=here,
                total=total,
                by_provider={
                    p: by_currency([c for c in here if c.provider == p], reporting)
                    for p in providers
                },
                by_service={
                    s: by_currency([c for c in here if (c.service or "") == s], reporting)
                    for s in services
                },
                change=change,
                converted=converted,
                converted_change=(
                    None
                    if converted is None or previous_converted is None
                    else converted.amortised_monthly - previous_converted
                ),
                rates=tuple(convert.used(total)) if convert else (),
            )
        )
        previous = monthly
        previous_converted = converted.amortised_monthly if converted else None
    return out


def currencies(phases: Iterable[PhaseCosts], reporting: str | None = None) -> list[str]:
    """Every currency the totals of ``phases`` use (reporting currency first, then A–Z)."""
    return currency_order((cur for p in phases for cur in p.total), reporting)


@dataclass(frozen=True)
class ServiceCosts:
    """What one service costs: its lines (domain registrations included) and its share.

    The share of each phase is the by-service total of that phase's :class:`PhaseCosts`,
    so a service page and the costs page always agree.
    """

    lines: list[CostLine]
    """The service's cost lines, in roll-up order (manifest lines, then domains)."""
    by_phase: list[tuple[int | None, str, dict[str, Totals]]]
    """(phase id, phase name, totals per currency) for every phase in which a line
    applies."""


def service_costs(
    manifest: Manifest, phases: list[PhaseCosts] | None = None
) -> dict[str, ServiceCosts]:
    """Every service that owns a cost line, with its costs (one pass over the lines).

    ``phases`` is :func:`phase_costs` of the manifest when the caller has it already.
    """
    rollup = phase_costs(manifest) if phases is None else phases
    lines: dict[str, list[CostLine]] = {}
    for line in cost_lines(manifest):
        if line.service:
            lines.setdefault(line.service, []).append(line)
    return {
        name: ServiceCosts(
            lines=owned,
            by_phase=[
                (p.phase, p.name, p.by_service[name]) for p in rollup if name in p.by_service
            ],
        )
        for name, owned in lines.items()
    }
