"""A real MkDocs build of a manifest with costs in dollars and euros.

The fixture manifest gets one EUR line for ``backend`` (a 30.00 EUR/month mirror) and,
in the second build, ``reporting_currency: EUR`` with a dollar rate. The Costs page,
the service page and the macros list each currency apart, and add currencies together
only through the declared rate, which is shown beside the converted total.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import pytest
from sitekit import FIXTURE_MANIFEST, build_error, build_site, read_page, write_project

if TYPE_CHECKING:
    from pathlib import Path

EUR_LINE = """\
  - item: EU mirror
    provider: railway
    amount: "30.00"
    currency: EUR
    period: month
    phase: 1
    service: backend
"""
RATES = """
reporting_currency: EUR
exchange_rates:
  - currency: USD
    rate: "0.90"
    date: 2026-01-10
    source: "Bank <b>rate</b>"
"""
FACTS = """\
# Money

Phase 1 costs {{ cost_total(phase=1) }} a month amortised; in euros alone,
{{ cost_total(phase=1, currency='EUR', period='month') }}.

**Total (phase 1)**: €30/month.
"""


def manifest(rates: bool) -> str:
    text = FIXTURE_MANIFEST.read_text("utf-8")
    text = text.replace("\nci_cd:\n", EUR_LINE + "\nci_cd:\n", 1)
    return text + (RATES if rates else "")


@pytest.fixture(scope="module", params=[False, True], ids=["per-currency", "reporting"])
def built(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> tuple[Path, bool]:
    """The built site, and whether its manifest declares a reporting currency."""
    root = tmp_path_factory.mktemp("currencies")
    config = write_project(root, manifest=manifest(request.param), docs={"money.md": FACTS})
    return build_site(config, strict=True), request.param


def test_costs_summary_lists_each_currency(built: tuple[Path, bool]) -> None:
    site, converting = built
    summary = read_page(site, "costs/").article.section("Summary by phase")
    first = summary.rows()[0]
    assert first[:4] == [
        "1 — Foundation",
        "30.00 EUR / month + $20.00 / month",
        "0.00 EUR / year + $100.00 / year",
        "≈ 30.00 EUR / month + $28.33 / month",
    ]
    if converting:
        # 30.00 + 0.90 x 28.333… = 55.50 EUR; the rate, its date and source below it.
        assert first[-1] == "≈ 55.50 EUR / month"
        text = summary.text()
        assert "1 USD = 0.90 EUR, rate of 2026-01-10 (Bank <b>rate</b>)" in text
    else:
        assert len(first) == 5


def test_phase_total_row_carries_the_rate(built: tuple[Path, bool]) -> None:
    site, converting = built
    phase = read_page(site, "costs/").article.section("Phase 1 — Foundation")
    by_provider = next(t for t in phase.tables() if t[0][0] == "Provider")
    labels = [r[0] for r in by_provider]
    assert by_provider[labels.index("Total")][1] == "30.00 EUR + $20.00"
    if converting:
        row = by_provider[-1]
        assert row[0] == "Total in EUR (1 USD = 0.90 EUR on 2026-01-10)"
        assert row[1:] == ["48.00 EUR", "90.00 EUR", "55.50 EUR"]
    else:
        assert labels[-1] == "Total"


def test_service_page_share_per_currency(built: tuple[Path, bool]) -> None:
    site, converting = built
    costs = read_page(site, "services/backend/").article.section("Costs")
    share = costs.tables()[1]
    assert share[1][:4] == [
        "1 — Foundation",
        "30.00 EUR + $20.00",
        "0.00 EUR + $25.00",
        "30.00 EUR + $22.08",
    ]
    if converting:
        assert share[1][4] == "≈ 49.88 EUR / month"  # 30.00 + 0.90 x 22.0833…


def test_macros_never_add_currencies_without_a_rate(built: tuple[Path, bool]) -> None:
    site, converting = built
    text = read_page(site, "money/").article.text()
    total = "55.50 EUR" if converting else "30.00 EUR + $28.33"
    assert f"Phase 1 costs {total} a month amortised; in euros alone,\n30.00 EUR." in text


def test_a_wrong_euro_total_fails_the_strict_build(tmp_path: Path) -> None:
    wrong = FACTS.replace("€30/month", "€45/month")
    config = write_project(tmp_path, manifest=manifest(False), docs={"money.md": wrong})
    assert "1 warnings" in str(build_error(config, strict=True))
