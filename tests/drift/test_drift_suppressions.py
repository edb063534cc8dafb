"""``<!-- drift: ignore RULE reason -->``: what a comment silences, and unused comments."""

from __future__ import annotations

import pytest
from driftkit import findings, none, rules_of
from manifest_docs.drift.markdown import parse_markdown

PG = "# PostgreSQL\n\n"


def test_same_line() -> None:
    none(PG + "- **Version**: 14+ <!-- drift: ignore fact/version docs of the old cluster -->\n")


def test_same_line_covers_only_that_line() -> None:
    markdown = (
        PG + "- **Version**: 14+ <!-- drift: ignore fact/version old cluster -->\n"
        "- **Memory**: 1GB\n"
    )
    assert rules_of(markdown) == [(4, "fact/memory")]


def test_line_before_a_paragraph_covers_that_paragraph_only() -> None:
    markdown = (
        PG + "<!-- drift: ignore fact/version the old cluster -->\n"
        "The old cluster still runs\nversion 14+ on one node.\n"  # the sentence starts on line 4
        "\n"
        "- **Version**: 13\n"
    )
    assert rules_of(markdown) == [(7, "fact/version")]


def test_line_before_a_list_covers_every_item() -> None:
    markdown = (
        PG + "<!-- drift: ignore fact/version history -->\n"
        "- **Version**: 14+\n"
        "- Before that, version 13.\n"
        "\n"
        "Now the version is 12.\n"
    )
    assert rules_of(markdown) == [(7, "fact/version")]


def test_line_before_a_table_covers_the_table_not_the_next_block() -> None:
    markdown = (
        "# Data\n\n"
        "<!-- drift: ignore fact/memory sizes of the starter plan -->\n"
        "| Service | Memory |\n"
        "| --- | --- |\n"
        "| Redis | 128MB |\n"
        "| Postgres | 1GB |\n"
        "\n"
        "| Service | Memory |\n"
        "| --- | --- |\n"
        "| Redis | 64MB |\n"
    )
    assert rules_of(markdown) == [(11, "fact/memory")]


def test_only_the_named_rule_is_silenced() -> None:
    markdown = PG + "<!-- drift: ignore fact/memory wrong rule -->\n- **Version**: 14+\n"
    assert rules_of(markdown) == [(3, "drift/unused-suppression"), (4, "fact/version")]


@pytest.mark.parametrize("rule", ["fact", "fact/*"])
def test_family_form(rule: str) -> None:
    markdown = (
        PG + f"<!-- drift: ignore {rule} starter plan -->\n"
        "- **Version**: 14+\n"
        "- **Memory**: 1GB\n"
        "- Set `NOT_A_VAR`.\n"
    )
    assert rules_of(markdown) == [(6, "env/unknown")]


def test_family_does_not_match_a_prefix_of_a_word() -> None:
    markdown = PG + "<!-- drift: ignore fac typo -->\n- **Version**: 14+\n"
    assert rules_of(markdown) == [(3, "drift/unused-suppression"), (4, "fact/version")]


def test_other_rules_can_be_suppressed() -> None:
    none(
        "<!-- drift: ignore env/unknown set by the platform -->\n"
        "Railway sets `RAILWAY_PUBLIC_DOMAIN`.\n\n"
        "The console is live. <!-- drift: ignore status/stale soft launch -->\n\n"
        "<!-- drift: ignore host/unknown external -->\n"
        "See https://app.acme.dev.\n"
    )


def test_unused_suppression() -> None:
    [finding] = findings(PG + "<!-- drift: ignore fact/memory nothing here -->\nAll good.\n")
    assert (finding.line, finding.rule) == (3, "drift/unused-suppression")
    assert finding.message == "'drift: ignore fact/memory' matches no finding; remove it"
    assert finding.severity == "error"


def test_a_used_suppression_is_not_reported_twice() -> None:
    markdown = (
        PG + "<!-- drift: ignore fact/version history -->\n- **Version**: 14+\n- **Version**: 13\n"
    )
    none(markdown)


def test_suppression_inside_a_code_block_is_still_a_comment_of_the_page() -> None:
    # The comment is on the line before the block: it covers the code lines too.
    markdown = (
        "<!-- drift: ignore env/unknown example only -->\n```bash\nexport STRAY_ONLY=1\n```\n"
    )
    none(markdown)


def test_parse_records_reason_and_range() -> None:
    _, [s] = parse_markdown(
        "# T\n\n<!-- drift: ignore fact/ssl the zone moves next week -->\nA\nB\n\nC\n"
    )
    assert (s.line, s.rule, s.reason, s.first, s.last) == (
        3,
        "fact/ssl",
        "the zone moves next week",
        4,
        5,
    )


def test_line_before_a_fence_covers_the_whole_fence_despite_blank_lines() -> None:
    markdown = (
        "<!-- drift: ignore env/unknown example only -->\n"
        "```bash\nexport STRAY_ONE=1\n\nexport STRAY_TWO=2\n```\n"
        "\n"
        "Set `NOT_A_VAR`.\n"
    )
    assert rules_of(markdown) == [(8, "env/unknown")]
    _, [s] = parse_markdown(markdown)
    assert (s.first, s.last) == (2, 6)


def test_line_before_a_list_ending_in_a_fence_covers_the_fence() -> None:
    markdown = (
        "<!-- drift: ignore env/unknown examples -->\n"
        "- Set `STRAY_ONE`:\n"
        "```bash\nexport STRAY_TWO=1\n\nexport STRAY_THREE=1\n```\n"
    )
    none(markdown)


def test_suppression_syntax_in_a_code_span_is_not_a_suppression() -> None:
    markdown = (
        "Write `<!-- drift: ignore fact/version reason -->` before the block.\n"
        "\n"
        "# PostgreSQL\n"
        "\n"
        "- **Version**: 14+\n"
    )
    assert rules_of(markdown) == [(5, "fact/version")]  # not silenced, not "unused"
    assert parse_markdown(markdown)[1] == []


def test_a_real_suppression_next_to_a_quoted_one_still_counts() -> None:
    markdown = (
        PG + "- **Version**: 14+ <!-- drift: ignore fact/version old cluster --> "
        "(write `<!-- drift: ignore RULE reason -->`)\n"
    )
    none(markdown)
