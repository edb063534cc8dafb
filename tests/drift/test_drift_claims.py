"""Whether a piece of text makes a claim about today: negation, modality, examples."""

from __future__ import annotations

import pytest
from manifest_docs.drift.claims import introduced_as_example, modal, negated, question


@pytest.mark.parametrize(
    ("before", "expected"),
    [
        ("HSTS is not ", True),
        ("Storage does not ", True),
        ("Storage doesn't really ", True),
        ("and no zone is ", True),
        ("none of the zones are ", True),
        ("HSTS is ", False),
        ("With no extra config HSTS is ", False),  # "no" that negates something else
        ("Not now; HSTS is ", False),  # the negation belongs to another clause
    ],
)
def test_negated_reads_the_words_right_before(before: str, expected: bool) -> None:
    assert negated(before) is expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Five services will be active next year.", True),
        ("Two domains were primary once.", True),
        ("Three services are planned.", False),  # a status word is not modality
        ("Three services are active.", False),
        ("Each probe may take up to 5 s.", False),  # "may" states the setting here
        ("The old cluster ran version 14 until May.", True),  # a past form of its own
    ],
)
def test_modal_is_the_future_and_the_past(text: str, expected: bool) -> None:
    assert modal(text) is expected


@pytest.mark.parametrize(
    "intro",
    ["For the made-up `example-worker`, render writes:", "Something like this:", "For example:"],
)
def test_what_introduces_an_example(intro: str) -> None:
    assert introduced_as_example(intro)


@pytest.mark.parametrize(
    ("text", "expected"),
    [("Should Redis get 512 MB?", True), ("*Is it live?*", True), ("It is live.", False)],
)
def test_a_question_states_nothing(text: str, expected: bool) -> None:
    assert question(text) is expected


def test_a_code_span_is_found_where_it_stands_not_where_its_word_first_appears() -> None:
    from manifest_docs.drift.markdown import parse_markdown

    [unit], _ = parse_markdown("The docs workflow publishes from the `docs` branch, **`a  b`**.\n")
    assert [(s, unit.text[s.start : s.start + len(s)]) for s in unit.code_spans] == [
        ("docs", "docs"),
        ("a b", "a b"),
    ]
    assert unit.text.index("docs", 20) == unit.code_spans[0].start
