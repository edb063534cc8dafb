"""``fact/cost`` (cost totals) and total ``fact/count`` (all services), against the roll-ups.

The fixture manifest gets cost lines here: phase 1 costs $20.00/month (Railway Hobby)
plus $12.00/year (the acme.dev registration, every phase) — ≈ $21.00/month amortised,
$252.00 for a whole year; phase 2 $50.00/month plus the same $12.00/year. It lists 4
services (3 active, 1 planned).
"""

from __future__ import annotations

import functools
from typing import TYPE_CHECKING

import pytest
from driftkit import br_ops, fixture_text, parse_lines, project
from manifest_docs.drift.rules import check_sources
from manifest_docs.load import load_text

if TYPE_CHECKING:
    from pathlib import Path

    from manifest_docs.drift import Finding
    from manifest_docs.load import LoadedManifest

COSTS = """\
costs:
  - item: Railway Hobby plan
    provider: railway
    amount: "20.00"
    period: month
    phase: 1
    until_phase: 1
  - item: Railway Pro plan
    provider: railway
    amount: "50.00"
    period: month
    phase: 2
    estimate: true
"""


def costed_text() -> str:
    """The fixture manifest with cost lines and a yearly domain registration."""
    text = fixture_text(("  - name: acme.dev\n", '  - name: acme.dev\n    yearly_cost: "12.00"\n'))
    return text + COSTS


@functools.cache
def costed() -> LoadedManifest:
    return load_text(costed_text(), shown="manifest.yml")


def found(markdown: str) -> list[Finding]:
    return check_sources(costed(), {"page.md": markdown})


def costs_line() -> int:
    lines = costed_text().splitlines()
    return lines.index("costs:") + 2  # cited at its first entry


PHASE_1 = "phase 1: $20.00/month + $12.00/year (≈ $21.00/month)"


@pytest.mark.parametrize(
    ("markdown", "subject", "value", "cited"),
    [
        pytest.param(
            "# Costs\n\n**Total (phase 1)**: $95/month\n",
            "phase 1 total cost",
            "$95/month",
            PHASE_1,
            id="phase-label",
        ),
        pytest.param(
            "# Costs\n\n**Total**: ~$20/mo + $900/year\n",
            "total cost",
            "~$20/mo + $900/year",
            PHASE_1,
            id="monthly-plus-yearly",
        ),
        pytest.param(
            "# Costs\n\nThe yearly cost total is $9,999/year.\n",
            "total cost",
            "$9,999/year",
            PHASE_1,
            id="yearly-sentence",
        ),
        pytest.param(
            "## Phase 2 — Scale\n\n- **Total**: $60/month\n",
            "phase 2 total cost",
            "$60/month",
            "phase 2: $50.00/month + $12.00/year (≈ $51.00/month)",
            id="phase-from-heading",
        ),
        pytest.param(
            "# Costs\n\nThe Launch total comes to $30/month.\n",
            "phase 1 total cost",
            "$30/month",
            PHASE_1,
            id="phase-by-name",
        ),
    ],
)
def test_cost_total_contradicted(markdown: str, subject: str, value: str, cited: str) -> None:
    [finding] = found(markdown)
    assert finding.rule == "fact/cost"
    assert finding.message == (
        f"{subject} is {value!r} here, manifest.yml:{costs_line()} says {cited!r} (costs)"
    )


@pytest.mark.parametrize(
    ("markdown", "in_two_currencies"),
    [
        pytest.param("**Total (phase 1)**: $20/month + $12/year\n", False, id="exact-split"),
        pytest.param("**Total (phase 1)**: $21/month\n", False, id="amortised"),
        pytest.param("**Total (phase 1)**: $21.00/month\n", False, id="amortised-cents"),
        pytest.param("The phase 1 total is $252/year.\n", False, id="whole-year"),
        pytest.param("**Total**: ~$20/mo + $12/year\n", False, id="approximate"),
        pytest.param("The phase 2 total is about $51/month.\n", False, id="approximate-phase-2"),
        pytest.param("**Total**: $51/month\n", False, id="no-phase-matches-another-phase"),
        pytest.param(
            "The Railway Hobby plan costs $20/month.\n", False, id="single-line-not-a-total"
        ),
        pytest.param("Each domain is $12/year per domain.\n", False, id="price-per-domain"),
        pytest.param("Domains: $12/year per domain in total.\n", False, id="per-domain-with-total"),
        pytest.param("Vercel's Pro plan total is $20/month.\n", False, id="another-product"),
        pytest.param("The Railway total is $20/month.\n", False, id="provider-subtotal"),
        pytest.param(
            "The total of the Sentry invoice was $26/month.\n", False, id="unrelated-invoice"
        ),
        pytest.param("A GPU box would cost $500/month.\n", False, id="price-without-total"),
        pytest.param(
            "**Total**: $20/month now, $50/month after phase 2\n", False, id="two-monthly"
        ),
        pytest.param("**Total (phase 1)**: $95\n", False, id="no-period"),
        pytest.param("{{ cost_total(phase=1) }} in total a month.\n", False, id="macro"),
        # the same manifest with a line in EUR beside the USD ones
        pytest.param("**Total (phase 1)**: €30/month\n", True, id="right-eur"),
        pytest.param("**Total (phase 1)**: 30.00 EUR per month\n", True, id="right-eur-code"),
        pytest.param("**Total (phase 1)**: $21/month\n", True, id="right-usd"),
        pytest.param("**Total (phase 1)**: $21/month + €30/month\n", True, id="both-right"),
        pytest.param("**Total (phase 1)**: £30/month\n", True, id="a-currency-with-no-lines"),
    ],
)
def test_cost_total_controls(markdown: str, in_two_currencies: bool) -> None:
    if in_two_currencies:
        assert found_mixed(markdown) == []
    else:
        assert found("# Costs\n\n" + markdown) == []


# --------------------------------------------------------------------------- currencies

EUR_LINE = """\
  - item: EU object storage
    provider: cloudflare
    amount: "30.00"
    currency: EUR
    period: month
    phase: 1
"""
RATES = """\
reporting_currency: EUR
exchange_rates:
  - currency: USD
    rate: "0.92"
    date: 2026-01-10
"""


@functools.cache
def mixed(reporting: bool = False) -> LoadedManifest:
    """Phase 1 in two currencies: $20.00/month + $12.00/year and 30.00 EUR/month."""
    return load_text(costed_text() + EUR_LINE + (RATES if reporting else ""), shown="manifest.yml")


def found_mixed(markdown: str, reporting: bool = False) -> list[Finding]:
    return check_sources(mixed(reporting), {"page.md": "# Costs\n\n" + markdown})


MIXED_1 = "phase 1: 30.00 EUR/month; $20.00/month + $12.00/year (≈ $21.00/month)"


@pytest.mark.parametrize(
    ("markdown", "value"),
    [
        pytest.param("**Total (phase 1)**: €45/month\n", "€45/month", id="wrong-eur"),
        pytest.param("**Total (phase 1)**: 51 EUR per month\n", "51 EUR per month", id="sum"),
        pytest.param("**Total (phase 1)**: $95/month\n", "$95/month", id="wrong-usd"),
        pytest.param(
            "**Total (phase 1)**: $21/month + €40/month\n",
            "$21/month + €40/month",
            id="one-of-two-wrong",
        ),
    ],
)
def test_cost_total_per_currency_contradicted(markdown: str, value: str) -> None:
    [finding] = found_mixed(markdown)
    assert finding.rule == "fact/cost"
    assert finding.message == (
        f"phase 1 total cost is {value!r} here, manifest.yml:{costs_line()} says "
        f"{MIXED_1!r} (costs)"
    )


def test_cost_total_in_the_reporting_currency() -> None:
    # 30.00 EUR + 0.92 x (20.00 + 12.00 / 12) USD = 49.32 EUR a month, amortised.
    assert found_mixed("**Total (phase 1)**: €49.32/month\n", reporting=True) == []
    assert found_mixed("**Total (phase 1)**: €30/month\n", reporting=True) == []
    [finding] = found_mixed("**Total (phase 1)**: €60/month\n", reporting=True)
    assert finding.message.endswith(
        f"says '{MIXED_1}; 48.40 EUR/month + 11.04 EUR/year (≈ 49.32 EUR/month) converted' (costs)"
    )
    # The converted total is in euros: it is no dollar amount.
    [finding] = found_mixed("**Total (phase 1)**: $49.32/month\n", reporting=True)
    assert finding.rule == "fact/cost"


# --------------------------------------------------------------------------- cost lines


@pytest.mark.parametrize(
    ("markdown", "subject", "value", "cited", "path"),
    [
        pytest.param(
            "The Railway Hobby plan costs $25/month.\n",
            "Railway Hobby",
            "$25/month",
            "$20.00/month",
            "costs[0].amount",
            id="plan-price",
        ),
        pytest.param(
            "Each domain renews for $10 a year.\n",
            "domain",
            "$10 a year",
            "$12.00/year",
            "domains[0].yearly_cost",
            id="domain-by-its-item",
        ),
        pytest.param(
            "The Railway total is $50/month.\n",
            "Railway",
            "$50/month",
            "$20.00/month",
            "costs[0].amount",
            id="provider-subtotal-today",
        ),
        pytest.param(
            "In phase 2, Railway Pro will cost about $80/month.\n",
            "Railway Pro",
            "about $80/month",
            "$50.00/month",
            "costs[1].amount",
            id="future-with-its-phase",
        ),
        pytest.param(
            "| Item | Projected |\n| --- | --- |\n| Railway Pro (phase 2) | 60 USD per month |\n",
            "Railway Pro",
            "60 USD per month",
            "$50.00/month",
            "costs[1].amount",
            id="table-row",
        ),
        pytest.param(
            "Railway Hobby is $20/month, and each domain is $15 a year.\n",
            "domain",
            "$15 a year",
            "$12.00/year",
            "domains[0].yearly_cost",
            id="each-amount-its-own-owner",
        ),
        pytest.param(
            "Railway alone comes to $600 a year.\n",
            "Railway",
            "$600 a year",
            "$20.00/month",
            "costs[0].amount",
            id="a-year-of-a-monthly-line",
        ),
    ],
)
def test_line_cost_contradicted(
    markdown: str, subject: str, value: str, cited: str, path: str
) -> None:
    [finding] = found(markdown)
    assert finding.rule == "fact/cost"
    assert finding.message.startswith(f"{subject} is {value!r} here, manifest.yml:")
    assert finding.message.endswith(f"says {cited!r} ({path})")


@pytest.mark.parametrize(
    "markdown",
    [
        pytest.param("Railway comes to $240 a year.\n", id="a-year-of-it"),
        pytest.param("In phase 2 Railway Pro costs roughly $50 a month.\n", id="approximate"),
        pytest.param("Railway Pro will cost $80/month.\n", id="future-without-a-phase"),
        pytest.param("The Railway Hobby plan includes $5 of usage.\n", id="included-credit"),
        pytest.param("Railway costs €20 a month.\n", id="another-currency"),
        pytest.param("Vercel's Pro plan is $150/month, so we stay on Railway.\n", id="foreign"),
        pytest.param("About $21 a month once each domain is spread out.\n", id="aside"),
        pytest.param(
            "Railway Hobby is $20/month, and each domain is $12 a year.\n", id="two-owners"
        ),
    ],
)
def test_line_cost_controls(markdown: str) -> None:
    assert found("# Costs\n\n" + markdown) == []


def test_no_cost_facts_when_the_manifest_states_no_costs() -> None:
    from driftkit import findings

    assert findings("# Costs\n\n**Total (phase 1)**: $95/month\n") == []


def services_line() -> int:
    return costed_text().splitlines().index("  api:") + 1


@pytest.mark.parametrize(
    "markdown",
    [
        pytest.param("Acme Platform runs 20 services in total.\n", id="org-runs-in-total"),
        pytest.param("In total, Acme runs 7 services.\n", id="in-total-first"),
        pytest.param("There are 9 services in all.\n", id="there-are-in-all"),
        pytest.param("The platform runs 12 services.\n", id="platform-runs"),
    ],
)
def test_total_service_count_contradicted(markdown: str) -> None:
    [finding] = found(markdown)
    assert finding.rule == "fact/count"
    value = next(w for w in markdown.split() if w.isdigit())
    assert finding.message == (
        f"services in total is {value!r} here, manifest.yml:{services_line()} says "
        "'4 services' (services)"
    )


@pytest.mark.parametrize(
    "markdown",
    [
        pytest.param("Acme Platform runs 4 services in total.\n", id="agrees"),
        pytest.param("Acme runs 3 services.\n", id="runs-the-active-ones"),
        pytest.param("Netflix runs 700 services in total.\n", id="another-company"),
        pytest.param("Backstage's demo catalog has 20 services in total.\n", id="another-product"),
        pytest.param("We run 20 services on Railway in total.\n", id="narrowed"),
        pytest.param("Up to 20 services in total can share a project.\n", id="a-bound"),
        pytest.param("The monolith was split into 20 services in total.\n", id="not-a-count"),
        pytest.param("We run 3 active services and 1 planned service.\n", id="counts-by-status"),
        pytest.param("The benchmark generates 1,000 services in total.\n", id="thousands"),
    ],
)
def test_total_service_count_controls(markdown: str) -> None:
    assert found("# Overview\n\n" + markdown) == []


def test_totals_through_the_command(tmp_path: Path) -> None:
    docs = {
        "index.md": "# Home\n\nAcme Platform runs 4 services in total.\n",
        "costs.md": "# Costs\n\n- **Railway**: $20/month\n- **Domains**: $12/year per domain\n\n"
        "**Total (phase 1)**: $95/month\n\nAcme Platform runs 20 services in total.\n",
    }
    result = br_ops("check", cwd=project(tmp_path, docs, manifest=costed_text()))
    assert result.returncode == 1, result.stdout + result.stderr
    assert [(f.file, f.line, f.rule) for f in parse_lines(result.stdout)] == [
        ("docs/costs.md", 6, "fact/cost"),
        ("docs/costs.md", 8, "fact/count"),
    ]
    assert "phase 1 total cost is '$95/month' here, manifest.yml:" in result.stdout


@pytest.mark.parametrize(
    ("markdown", "cited"),
    [
        pytest.param("Two services are active right now.\n", "'3 active'", id="status-in-words"),
        pytest.param("We run 2 planned services.\n", "'1 planned'", id="status-before-noun"),
        pytest.param("Acme holds three domains.\n", "'2 domains'", id="domains-in-words"),
        pytest.param("One of our domains is primary.\n", "'2 primary domains'", id="domain-tier"),
        pytest.param("| | |\n| --- | --- |\n| Domains | 5 |\n", "'2 domains'", id="key-value-row"),
        pytest.param("The manifest lists five services.\n", "'4 services'", id="the-catalog"),
    ],
)
def test_counts_of_parts_contradicted(markdown: str, cited: str) -> None:
    (finding,) = found("# Overview\n\n" + markdown)
    assert finding.rule == "fact/count"
    assert f"says {cited}" in finding.message


@pytest.mark.parametrize(
    "markdown",
    [
        pytest.param("Three services are active and one is planned.\n", id="agrees"),
        pytest.param("Five services will be active by next year.\n", id="the-future"),
        pytest.param("Two of the three domains were primary once.\n", id="the-past"),
        pytest.param("Phase 2 holds five services.\n", id="a-phase"),
        pytest.param("Two active services cannot claim one hostname.\n", id="a-rule-not-a-count"),
    ],
)
def test_counts_of_parts_controls(markdown: str) -> None:
    assert found("# Overview\n\n" + markdown) == []
