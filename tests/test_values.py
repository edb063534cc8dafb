"""Typed scalar values: sizes, durations, versions and money parse exactly or say why not."""

from __future__ import annotations

from decimal import Decimal

import pytest
from manifest_docs.errors import ManifestError
from manifest_docs.load import load_text
from manifest_docs.values import Duration, Size, Version, number, parse_money, spelled

MIB = 1024**2


def replace_once(text: str, old: str, new: str) -> str:
    """``text`` with its one ``old`` replaced by ``new`` (fails unless ``old`` is unique)."""
    assert text.count(old) == 1, f"{old!r} occurs {text.count(old)} times"
    return text.replace(old, new)


# --------------------------------------------------------------------------- Size


@pytest.mark.parametrize(
    ("text", "size"),
    [
        ("256MB", 256 * MIB),
        ("256 MB", 256 * MIB),
        ("256mb", 256 * MIB),
        ("256MiB", 256 * MIB),
        ("1GB", 1024 * MIB),
        ("1.5GB", 1536 * MIB),
        ("512KB", 512 * 1024),
        ("2TB", 2 * 1024**4),
        ("100B", 100),
        ("0.5KB", 512),
    ],
)
def test_size_parses_to_binary_bytes(text: str, size: int) -> None:
    parsed = Size.parse(text)
    assert parsed.bytes == size
    assert isinstance(parsed.bytes, int)


def test_size_keeps_the_text_as_written() -> None:
    parsed = Size.parse("256 MiB")
    assert parsed.text == "256 MiB"
    assert str(parsed) == "256 MiB"


def test_sizes_written_differently_but_equal_compare_equal() -> None:
    assert Size.parse("1GB") == Size.parse("1024MB")
    assert Size.parse("256MB") == Size.parse("256MiB")
    assert hash(Size.parse("1GB")) == hash(Size.parse("1024 MB"))
    assert Size.parse("256MB") != Size.parse("512MB")
    assert Size.parse("256MB") != "256MB"


@pytest.mark.parametrize("text", ["lots", "", "256", "MB", "-1MB", "256XB", "1,5GB", "256 M B"])
def test_size_rejects_text_without_a_number_and_unit(text: str) -> None:
    with pytest.raises(ValueError) as info:
        Size.parse(text)
    assert str(info.value) == f"expected a size like '256MB', got {text!r}"


# --------------------------------------------------------------------------- Duration


@pytest.mark.parametrize(
    ("text", "seconds"),
    [
        ("30s", 30),
        ("5m", 300),
        ("2min", 120),
        ("1h", 3600),
        ("24h", 86400),
        ("30d", 30 * 86400),
        ("1w", 7 * 86400),
        ("500ms", 0.5),
        ("1.5h", 5400),
        (" 10 s ", 10),
    ],
)
def test_duration_parses_to_seconds(text: str, seconds: float) -> None:
    assert Duration.parse(text).seconds == seconds


def test_durations_written_differently_but_equal_compare_equal() -> None:
    assert Duration.parse("60s") == Duration.parse("1m")
    assert Duration.parse("24h") == Duration.parse("1d")
    assert hash(Duration.parse("1h")) == hash(Duration.parse("60min"))
    assert Duration.parse("1h") != Duration.parse("1d")
    assert Duration.parse("5m").text == "5m"


def test_duration_without_a_unit_suggests_adding_one() -> None:
    with pytest.raises(ValueError) as info:
        Duration.parse("300")
    assert str(info.value) == (
        "expected a duration like '30s' or '1h', got '300' (add a unit: s, m, h, d)"
    )


@pytest.mark.parametrize("text", ["soon", "", "5 minutes", "1y", "-5s", "h"])
def test_duration_rejects_other_text(text: str) -> None:
    with pytest.raises(ValueError) as info:
        Duration.parse(text)
    assert str(info.value) == f"expected a duration like '30s' or '1h', got {text!r}"


# --------------------------------------------------------------------------- Version


@pytest.mark.parametrize(
    ("text", "parts", "or_later"),
    [
        ("15+", (15,), True),
        ("7", (7,), False),
        ("0.104.1", (0, 104, 1), False),
        ("v3.11", (3, 11), False),
        ("3.11+", (3, 11), True),
        ("7.x", (7,), False),
    ],
)
def test_version_parses_parts_and_or_later(
    text: str, parts: tuple[int, ...], or_later: bool
) -> None:
    version = Version.parse(text)
    assert version.parts == parts
    assert version.or_later is or_later
    assert version.text == text


def test_versions_that_state_the_same_thing_are_the_same() -> None:
    assert Version.parse("15+").same_as(Version.parse("15.0+"))
    assert Version.parse("3.11").same_as(Version.parse("v3.11.0"))
    assert not Version.parse("15").same_as(Version.parse("15+"))
    assert not Version.parse("14+").same_as(Version.parse("15+"))
    assert Version.parse("15+") == Version.parse("15+")


@pytest.mark.parametrize("text", ["latest", "", "15-", "fifteen", "1..2", "+15"])
def test_version_rejects_text_that_is_not_a_version(text: str) -> None:
    with pytest.raises(ValueError) as info:
        Version.parse(text)
    assert str(info.value) == f"expected a version like '15+' or '3.11', got {text!r}"


# --------------------------------------------------------------------------- money


@pytest.mark.parametrize(
    ("value", "amount"),
    [
        ("20", Decimal("20")),
        ("20.00", Decimal("20.00")),
        ("$20", Decimal("20")),
        ("1,234.50", Decimal("1234.50")),
        (" 7.5 ", Decimal("7.5")),
        (5, Decimal(5)),
        (0, Decimal(0)),
        (19.99, Decimal("19.99")),
        (0.1, Decimal("0.1")),
        (Decimal("3.30"), Decimal("3.30")),
    ],
)
def test_money_parses_to_exact_decimal(value: object, amount: Decimal) -> None:
    parsed = parse_money(value)
    assert type(parsed) is Decimal
    assert parsed == amount
    assert str(parsed) == str(amount)


def test_money_from_a_float_keeps_its_shortest_text_not_binary_noise() -> None:
    # Decimal(19.99) would be 19.989999999999998436805981327779591083526611328125.
    assert str(parse_money(19.99)) == "19.99"
    assert parse_money(0.1) + parse_money(0.2) == Decimal("0.3")


@pytest.mark.parametrize("value", ["lots", "", "20 dollars", None, [20], {"a": 1}])
def test_money_rejects_what_is_not_an_amount(value: object) -> None:
    with pytest.raises(ValueError) as info:
        parse_money(value)
    assert str(info.value) == f"expected an amount like '20.00', got {value!r}"


@pytest.mark.parametrize("value", [True, False])
def test_money_rejects_booleans(value: bool) -> None:
    with pytest.raises(ValueError) as info:
        parse_money(value)
    assert str(info.value) == f"expected an amount like '20.00', got {value!r}"


@pytest.mark.parametrize("value", ["-5", -1, "NaN", "Infinity", float("inf")])
def test_money_rejects_negative_and_non_finite_amounts(value: object) -> None:
    with pytest.raises(ValueError) as info:
        parse_money(value)
    assert str(info.value) == f"expected a non-negative amount like '20.00', got {value!r}"


# --------------------------------------------------------------------------- in a manifest


def test_manifest_amounts_are_exact_decimals(minimal_manifest: str) -> None:
    text = replace_once(minimal_manifest, 'amount: "5.00"', "amount: 0.1")
    text = replace_once(text, "amount: 20", "amount: 0.2")
    m = load_text(text).manifest
    assert [type(c.amount) for c in m.costs] == [Decimal, Decimal]
    assert sum(c.amount for c in m.costs) == Decimal("0.3")
    assert m.domains[0].yearly_cost == Decimal("12.00")
    assert str(m.domains[0].yearly_cost) == "12.00"


def test_manifest_values_are_typed_and_keep_their_text(minimal_manifest: str) -> None:
    postgres = load_text(minimal_manifest).manifest.services["postgres"]
    assert postgres.resources is not None
    assert postgres.resources.memory == Size.parse("512MB")
    assert postgres.resources.memory.text == "512MB"
    assert postgres.version is not None
    assert postgres.version.parts == (15,)
    assert postgres.version.or_later


def test_a_size_given_as_a_bare_number_is_refused(minimal_manifest: str) -> None:
    text = replace_once(minimal_manifest, "memory: 256MB", "memory: 256")
    with pytest.raises(ManifestError) as info:
        load_text(text)
    assert [p.message for p in info.value.problems] == ["expected a size like '256MB', got '256'"]


def test_a_bad_amount_in_a_manifest_says_what_an_amount_looks_like(minimal_manifest: str) -> None:
    text = replace_once(minimal_manifest, 'amount: "5.00"', "amount: five")
    with pytest.raises(ManifestError) as info:
        load_text(text)
    assert [p.message for p in info.value.problems] == [
        "expected an amount like '20.00', got 'five'"
    ]


@pytest.mark.parametrize(
    ("text", "n"),
    [("14", 14), ("fourteen", 14), ("Forty five", 45), ("forty-five", 45), ("a few", None)],
)
def test_numbers_are_read_in_digits_or_words(text: str, n: int | None) -> None:
    assert number(text) == n


def test_numbers_are_spelled_where_prose_has_a_word() -> None:
    assert (spelled(2), spelled(45), spelled(1234)) == ("two", "forty-five", "1234")
