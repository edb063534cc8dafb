"""Cost roll-ups in exact ``Decimal``: by phase, provider and service.

A cost line applies from its ``phase`` to its ``until_phase`` (or every later phase).
Domain registrations are cost lines too, derived from ``domains[].yearly_cost`` so the
manifest never states the same money twice. Totals are computed, never typed.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal
from typing import TYPE_CHECKING

from .model import DomainStatus, Period

if TYPE_CHECKING:
    from .model import Manifest

__all__ = [
    "CostLine",
    "PhaseCosts",
    "ServiceCosts",
    "Totals",
    "cost_lines",
    "money",
    "phase_costs",
    "service_costs",
]

CENT = Decimal("0.01")
MONTHS = Decimal(12)


def money(amount: Decimal, currency: str = "USD") -> str:
    """Format an amount for people: ``$28.33`` (USD) or ``28.33 EUR``."""
    text = f"{amount.quantize(CENT, rounding=ROUND_HALF_UP):,}"
    return f"${text}" if currency == "USD" else f"{text} {currency}"


@dataclass(frozen=True)
class CostLine:
    """One cost as it applies in the roll-up (a manifest line or a domain registration)."""

    item: str
    """What is paid for."""
    provider: str
    """Provider id."""
    unit_amount: Decimal
    """Amount per unit per period."""
    quantity: int
    """Units paid for."""
    period: Period
    """``month`` or ``year``."""
    currency: str
    """ISO 4217 code."""
    phase: int
    """First phase it applies to."""
    until_phase: int | None
    """Last phase it applies to, or ``None`` for every later phase."""
    service: str | None
    """Owning service, if any."""
    estimate: bool
    """Whether the amount is a projection."""
    source: str
    """``costs[3]`` or ``domains[0]``: where the line comes from."""

    @property
    def amount(self) -> Decimal:
        """Total per period: ``unit_amount × quantity``."""
        return self.unit_amount * self.quantity

    @property
    def monthly(self) -> Decimal:
        """Amount per month, exact (a yearly amount divided by 12, unrounded)."""
        return self.amount if self.period is Period.MONTH else self.amount / MONTHS

    def applies_to(self, phase: int) -> bool:
        """Whether this line is paid during ``phase``."""
        return self.phase <= phase and (self.until_phase is None or phase <= self.until_phase)


@dataclass(frozen=True)
class Totals:
    """Sums of a set of cost lines, kept apart by period and combined."""

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
    def of(cls, lines: list[CostLine]) -> Totals:
        """Add up ``lines``."""
        month = sum((c.amount for c in lines if c.period is Period.MONTH), Decimal(0))
        year = sum((c.amount for c in lines if c.period is Period.YEAR), Decimal(0))
        return cls(month, year)


@dataclass(frozen=True)
class PhaseCosts:
    """What one phase costs, and how it breaks down."""

    phase: int
    """Phase id."""
    name: str
    """Phase name."""
    lines: list[CostLine]
    """The lines that apply in this phase."""
    total: Totals
    """Their totals."""
    by_provider: dict[str, Totals]
    """Totals per provider id (sorted by id)."""
    by_service: dict[str, Totals]
    """Totals per owning service (lines without one under ``""``), sorted."""
    change: Decimal | None
    """Change in amortised monthly cost from the previous phase (``None`` for the first)."""


def cost_lines(manifest: Manifest) -> list[CostLine]:
    """Every cost line: the manifest's ``costs`` then one per registered domain."""
    first = min((p.id for p in manifest.phases), default=1)
    lines = [
        CostLine(
            item=c.item,
            provider=c.provider,
            unit_amount=c.amount,
            quantity=c.quantity,
            period=c.period,
            currency=c.currency,
            phase=c.phase,
            until_phase=c.until_phase,
            service=c.service,
            estimate=c.estimate,
            source=f"costs[{i}]",
        )
        for i, c in enumerate(manifest.costs)
    ]
    for i, d in enumerate(manifest.domains):
        if d.yearly_cost is None or d.status is DomainStatus.RETIRED:
            continue
        lines.append(
            CostLine(
                item=f"Domain registration: {d.name}",
                provider=d.registrar or d.dns.provider,
                unit_amount=d.yearly_cost,
                quantity=1,
                period=Period.YEAR,
                currency=d.currency,
                phase=first,
                until_phase=None,
                service=d.service,
                estimate=False,
                source=f"domains[{i}]",
            )
        )
    return lines


def phase_costs(manifest: Manifest) -> list[PhaseCosts]:
    """The cost of every phase, in phase order, with the change from the one before."""
    lines = cost_lines(manifest)
    out: list[PhaseCosts] = []
    previous: Decimal | None = None
    for phase in sorted(manifest.phases, key=lambda p: p.id):
        here = [c for c in lines if c.applies_to(phase.id)]
        providers = sorted({c.provider for c in here})
        services = sorted({c.service or "" for c in here})
        total = Totals.of(here)
        out.append(
            PhaseCosts(
                phase=phase.id,
                name=phase.name,
                lines=here,
                total=total,
                by_provider={p: Totals.of([c for c in here if c.provider == p]) for p in providers},
                by_service={
                    s: Totals.of([c for c in here if (c.service or "") == s]) for s in services
                },
                change=None if previous is None else total.amortised_monthly - previous,
            )
        )
        previous = total.amortised_monthly
    return out


@dataclass(frozen=True)
class ServiceCosts:
    """What one service costs: its lines (domain registrations included) and its share.

    The share of each phase is the by-service total of that phase's :class:`PhaseCosts`,
    so a service page and the costs page always agree.
    """

    lines: list[CostLine]
    """The service's cost lines, in roll-up order (manifest lines, then domains)."""
    by_phase: list[tuple[int, str, Totals]]
    """(phase id, phase name, totals) for every phase in which a line applies."""


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
