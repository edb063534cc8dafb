"""Money in more than one currency: totals per currency, never added across currencies.

Every reader of the cost roll-up is checked on the same manifests: the Costs and service
pages, the ``cost_total()`` macro, ``br-ops status`` (text and JSON). Without a
``reporting_currency`` each shows one amount per currency; with one (and its
``exchange_rates``) the converted total is exact and cites the rate and its date.
"""

from __future__ import annotations

import html
import json
import re
from decimal import ROUND_HALF_UP, Decimal

import pytest
import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from manifest_docs import ops
from manifest_docs.costs import CENT, Totals, money, money_each, phase_costs, service_costs
from manifest_docs.facts import FactError, Facts
from manifest_docs.load import load_text
from manifest_docs.render.pages import render_site

MIXED_COSTS = """\
costs:
  - item: Railway plan
    provider: railway
    amount: "120.00"
    period: month
    phase: 1
    service: backend
  - item: Hetzner box
    provider: hetzner
    amount: "45.00"
    currency: EUR
    period: month
    phase: 1
    service: backend
  - item: Hetzner storage
    provider: hetzner
    amount: "24.00"
    currency: EUR
    period: year
    phase: 2
"""


@pytest.fixture
def base(minimal_manifest: str) -> str:
    """The shared minimal manifest without costs or domains, and a Hetzner provider."""
    data = yaml.safe_load(minimal_manifest)
    del data["costs"], data["domains"]
    data["providers"]["hetzner"] = {"name": "Hetzner", "kind": "hosting"}
    return str(yaml.safe_dump(data, sort_keys=False))


@pytest.fixture
def mixed(base: str) -> str:
    """``base`` with USD and EUR lines for the service ``backend`` (and a shared one)."""
    return base + MIXED_COSTS


RATES = """\
reporting_currency: EUR
exchange_rates:
  - currency: USD
    rate: "0.923456"
    date: 2026-01-10
    source: ECB reference rate
"""

_AMOUNT = re.compile(r"\$(?P<usd>[\d,]+\.\d\d)|(?P<n>[\d,]+\.\d\d) (?P<code>[A-Z]{3})")


def amounts(text: str) -> dict[str, Decimal]:
    """The amounts written in ``text``, by currency (one each, or the test fails)."""
    out: dict[str, Decimal] = {}
    for m in _AMOUNT.finditer(html.unescape(text)):
        code = "USD" if m.group("usd") else m.group("code")
        assert code not in out, f"two {code} amounts in {text!r}"
        out[code] = Decimal((m.group("usd") or m.group("n")).replace(",", ""))
    return out


def cents(value: Decimal) -> Decimal:
    return value.quantize(CENT, rounding=ROUND_HALF_UP)


def pages_of(text: str) -> dict[str, str]:
    out = render_site(load_text(text).manifest)
    return {p.src_uri: p.content for p in out.pages}


def cell_row(markdown: str, first: str) -> list[str]:
    """The cells of the Markdown table row whose first cell starts with ``first``."""
    for line in markdown.splitlines():
        cells = [c.strip() for c in line.strip().strip("|").split("|")]
        if line.startswith("|") and cells[0].startswith(first):
            return cells
    raise AssertionError(f"no row {first!r}")


# --------------------------------------------------------------------------- the roll-up


def test_totals_are_kept_per_currency_reporting_first_then_alphabetical(mixed: str) -> None:
    [one, two] = phase_costs(load_text(mixed).manifest)
    assert one.total == {
        "EUR": Totals("EUR", Decimal("45.00"), Decimal(0)),
        "USD": Totals("USD", Decimal("120.00"), Decimal(0)),
    }
    assert list(one.by_provider) == ["hetzner", "railway"]
    assert list(one.by_provider["hetzner"]) == ["EUR"]
    assert one.change is None
    assert one.converted is None
    assert two.change == {"EUR": Decimal(2), "USD": Decimal(0)}


def test_reporting_currency_comes_first(mixed: str) -> None:
    text = mixed + (
        "reporting_currency: USD\n"
        'exchange_rates:\n  - currency: EUR\n    rate: "1.08"\n    date: 2026-01-10\n'
    )
    [one, _] = phase_costs(load_text(text).manifest)
    assert list(one.total) == ["USD", "EUR"]


def test_a_converted_total_is_exact(mixed: str) -> None:
    [one, two] = phase_costs(load_text(mixed + RATES).manifest)
    rate = Decimal("0.923456")
    assert one.converted == Totals("EUR", Decimal("45.00") + Decimal("120.00") * rate, Decimal(0))
    assert one.converted is not None
    assert one.converted.monthly == Decimal("155.81472")
    assert two.converted is not None
    assert two.converted.yearly == Decimal("24.00")
    assert two.converted_change == Decimal(2)
    assert [r.currency for r in one.rates] == ["USD"]


def test_service_costs_follow_the_phases_per_currency(mixed: str) -> None:
    manifest = load_text(mixed).manifest
    api = service_costs(manifest)["backend"]
    assert [(p, list(t)) for p, _, t in api.by_phase] == [(1, ["EUR", "USD"]), (2, ["EUR", "USD"])]


def test_money_each_lists_and_never_adds(mixed: str) -> None:
    [one, _] = phase_costs(load_text(mixed).manifest)
    assert money_each(one.total, "monthly", "/month") == "45.00 EUR/month + $120.00/month"
    assert money_each({}, "monthly") == "$0.00"


# --------------------------------------------------------------------------- pages


def test_costs_page_lists_each_currency_apart(mixed: str) -> None:
    costs = html.unescape(pages_of(mixed)["costs/index.md"])
    assert cell_row(costs, "1 — Launch")[1:4] == [
        "45.00 EUR / month + $120.00 / month",
        "0.00 EUR / year + $0.00 / year",
        "≈ 45.00 EUR / month + $120.00 / month",
    ]
    assert cell_row(costs, "2 — Growth")[4] == "+2.00 EUR / month, +$0.00 / month"
    assert "165.00" not in costs  # 120 + 45: never a sum across currencies
    assert "never added together" in costs
    assert "In EUR" not in costs


def test_costs_page_converts_into_the_reporting_currency_with_rate_and_date(mixed: str) -> None:
    costs = html.unescape(pages_of(mixed + RATES)["costs/index.md"])
    assert cell_row(costs, "1 — Launch")[-1] == "≈ 155.81 EUR / month"
    assert "- 1 USD = 0.923456 EUR, rate of 2026-01-10 (ECB reference rate)" in costs
    total = cell_row(costs, "**Total in EUR**")
    assert total[0] == "**Total in EUR** (1 USD = 0.923456 EUR on 2026-01-10)"
    assert total[1:] == ["**155.81 EUR**", "**0.00 EUR**", "**155.81 EUR**"]


def test_service_page_shares_per_currency_and_converted(mixed: str) -> None:
    plain = html.unescape(pages_of(mixed)["services/backend.md"])
    assert cell_row(plain, "1 — Launch") == [
        "1 — Launch",
        "45.00 EUR + $120.00",
        "0.00 EUR + $0.00",
        "45.00 EUR + $120.00",
    ]
    converted = html.unescape(pages_of(mixed + RATES)["services/backend.md"])
    assert cell_row(converted, "1 — Launch")[-1] == "≈ 155.81 EUR / month"


def test_phases_without_lines_show_zero_in_the_default_currency(base: str) -> None:
    costs = html.unescape(pages_of(base)["costs/index.md"])
    assert cell_row(costs, "2 — Growth")[1:] == [
        "$0.00 / month",
        "$0.00 / year",
        "≈ $0.00 / month",
        "+$0.00 / month",
    ]
    assert Facts(load_text(base).manifest).cost_total() == "$0.00"


def test_a_rate_source_is_escaped_on_the_page(mixed: str) -> None:
    text = mixed + RATES.replace("ECB reference rate", "'<b>*ECB*</b> | x'")
    costs = pages_of(text)["costs/index.md"]
    assert "<b>" not in costs
    assert "*ECB*" not in costs
    assert "| x" not in costs


# --------------------------------------------------------------------------- the macro


def test_cost_total_macro_lists_currencies_without_a_reporting_currency(mixed: str) -> None:
    facts = Facts(load_text(mixed).manifest)
    assert facts.cost_total() == "45.00 EUR + $120.00"
    assert facts.cost_total(phase=2, period="year") == "24.00 EUR + $0.00"
    assert facts.cost_total(currency="EUR") == "45.00 EUR"
    assert facts.cost_total(currency="USD", period="annual") == "$1,440.00"
    with pytest.raises(FactError, match=r"no cost is in 'GBP'; currencies: EUR, USD"):
        facts.cost_total(currency="GBP")


def test_cost_total_macro_converts_with_a_reporting_currency(mixed: str) -> None:
    facts = Facts(load_text(mixed + RATES).manifest)
    assert facts.cost_total() == "155.81 EUR"
    assert facts.cost_total(currency="EUR") == "45.00 EUR"
    assert facts.cost_total(currency="USD") == "$120.00"


# --------------------------------------------------------------------------- status


def test_status_json_has_totals_per_currency_and_converted(mixed: str) -> None:
    data = ops.status_data(load_text(mixed + RATES).manifest)
    assert data["currencies"] == ["EUR", "USD"]
    assert data["reporting_currency"] == "EUR"
    assert data["exchange_rates"] == [
        {
            "currency": "USD",
            "rate": "0.923456",
            "date": "2026-01-10",
            "source": "ECB reference rate",
        }
    ]
    one = data["costs"][0]
    assert one["totals"]["USD"]["monthly"] == "120.00"
    assert one["totals"]["EUR"]["monthly"] == "45.00"
    assert one["converted"] == {
        "currency": "EUR",
        "monthly": "155.81",
        "yearly": "0.00",
        "amortised_monthly": "155.81",
        "annual": "1869.78",
        "change": None,
    }
    assert data["costs"][1]["change"] == {"EUR": "2.00", "USD": "0.00"}
    json.dumps(data)  # JSON-ready


def test_status_text_lists_each_currency_on_its_own_row(mixed: str) -> None:
    out = ops.format_status(ops.status_data(load_text(mixed).manifest))
    assert "  1 Launch  45.00 EUR/month  (45.00 EUR/month + 0.00 EUR/year)   current\n" in out
    assert "            $120.00/month    ($120.00/month + $0.00/year)\n" in out
    assert "47.00 EUR/month  (45.00 EUR/month + 24.00 EUR/year)  +2.00 EUR vs previous" in out
    assert "165.00" not in out
    assert "never added" in out
    converted = ops.format_status(ops.status_data(load_text(mixed + RATES).manifest))
    assert "= 155.81 EUR/month" in converted
    assert "converted at 1 USD = 0.923456 EUR (rate of 2026-01-10, ECB reference rate)" in converted


# --------------------------------------------------------------------------- the property

_LINE = st.tuples(
    st.sampled_from(["USD", "EUR"]),
    st.decimals(min_value=0, max_value=100_000, places=2, allow_nan=False, allow_infinity=False),
    st.sampled_from(["month", "year"]),
    st.integers(min_value=1, max_value=5),
)


def _manifest(base: str, lines: list[tuple[str, Decimal, str, int]]) -> str:
    entries = "".join(
        f'  - item: Line {i}\n    provider: railway\n    amount: "{amount}"\n'
        f"    currency: {cur}\n    period: {period}\n    quantity: {qty}\n"
        "    phase: 1\n    service: backend\n"
        for i, (cur, amount, period, qty) in enumerate(lines)
    )
    return base + "costs:\n" + entries


# ``base`` is a string, the same for every example: a function-scoped fixture is safe here.
@settings(
    max_examples=40,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture],
)
@given(st.lists(_LINE, min_size=1, max_size=6))
def test_every_reader_shows_each_currency_its_own_sum(
    base: str, lines: list[tuple[str, Decimal, str, int]]
) -> None:
    want: dict[str, dict[str, Decimal]] = {}
    for cur, amount, period, qty in lines:
        sums = want.setdefault(cur, {"month": Decimal(0), "year": Decimal(0)})
        sums[period] += amount * qty
    monthly = {c: cents(s["month"]) for c, s in want.items()}
    yearly = {c: cents(s["year"]) for c, s in want.items()}
    amortised = {c: cents(s["month"] + s["year"] / 12) for c, s in want.items()}

    manifest = load_text(_manifest(base, lines)).manifest
    out = render_site(manifest)
    pages = {p.src_uri: p.content for p in out.pages}
    summary = cell_row(pages["costs/index.md"], "1 — Launch")
    assert amounts(summary[1]) == monthly
    assert amounts(summary[2]) == yearly
    assert amounts(summary[3]) == amortised
    total = cell_row(pages["costs/index.md"].split("## Phase 1")[1], "**Total**")
    assert [amounts(c) for c in total[1:]] == [monthly, yearly, amortised]
    share = cell_row(pages["services/backend.md"], "1 — Launch")
    assert [amounts(c) for c in share[1:]] == [monthly, yearly, amortised]

    facts = Facts(manifest)
    assert amounts(facts.cost_total(phase=1, period="month")) == monthly
    assert amounts(facts.cost_total(phase=1)) == amortised

    data = ops.status_data(manifest)
    got = data["costs"][0]["totals"]
    assert {c: Decimal(t["monthly"]) for c, t in got.items()} == monthly
    assert {c: Decimal(t["yearly"]) for c, t in got.items()} == yearly
    text = ops.format_status(data)
    phase_1 = text.split("costs per phase")[1].split("  2 Growth")[0]
    rows = [line for line in phase_1.splitlines() if re.search(r"/month +\(", line)]
    assert len(rows) == len(want)
    for row in rows:
        shown, _, rest = row.partition("  (")
        [(cur, value)] = amounts(shown).items()
        assert value == amortised[cur]
        assert amounts(rest.split(")")[0].split(" + ")[0]) == {cur: monthly[cur]}


def test_money_formats_one_currency() -> None:
    assert money(Decimal("1234.5")) == "$1,234.50"
    assert money(Decimal("1234.5"), "EUR") == "1,234.50 EUR"
