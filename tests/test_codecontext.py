"""Facts inside code spans and fenced blocks: the page source before the macros run."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st
from manifest_docs.codecontext import protect_code


@pytest.mark.parametrize(
    ("source", "expected"),
    [
        ("`{{ x }}`", "<code>{{ (x) | md_code_text }}</code>"),
        ("a `{{ x.y['z'] }}` b", "a <code>{{ (x.y['z']) | md_code_text }}</code> b"),
        ("`{{- x -}}`", "<code>{{- (x) | md_code_text -}}</code>"),
        (
            "`a*b <c> {{ x }} [d]`",
            "<code>a&#42;b &lt;c&gt; {{ (x) | md_code_text }} &#91;d&#93;</code>",
        ),
        ("`` {{ x }} ``", "<code>{{ (x) | md_code_text }}</code>"),
        ("`{{ x | int }}`", "<code>{{ (x | int) | md_code_text }}</code>"),
        ("`plain` {{ x }}", "`plain` {{ x }}"),
        ("it costs `$` {{ x }} and a lone ` tick", "it costs `$` {{ x }} and a lone ` tick"),
        (
            "`{% if a %}{{ x }}{% endif %}`",
            "<code>{% if a %}{{ (x) | md_code_text }}{% endif %}</code>",
        ),
        ("| `{{ x }}` | y |", "| <code>{{ (x) | md_code_text }}</code> | y |"),
    ],
)
def test_code_spans(source: str, expected: str) -> None:
    assert protect_code(source) == expected


def test_fenced_blocks_use_the_plain_value() -> None:
    source = "```sh\nredis-cli --scan --pattern '{{ ns.prefix }}'\n```\n`{{ y }}`\n"
    assert protect_code(source) == (
        "```sh\nredis-cli --scan --pattern '{{ (ns.prefix) | verbatim }}'\n```\n"
        "<code>{{ (y) | md_code_text }}</code>\n"
    )


def test_a_fence_ends_only_at_its_own_kind_and_length() -> None:
    source = "````md\n```\n`{{ x }}`\n```\n````\n`{{ y }}`"
    out = protect_code(source).splitlines()
    assert out[2] == "`{{ (x) | verbatim }}`"  # still inside the four-backtick block
    assert out[5] == "<code>{{ (y) | md_code_text }}</code>"
    tilde = protect_code("~~~\n{{ x }}\n```\n{{ y }}\n~~~\n`{{ z }}`").splitlines()
    assert tilde[1:4] == ["{{ (x) | verbatim }}", "```", "{{ (y) | verbatim }}"]
    assert tilde[5] == "<code>{{ (z) | md_code_text }}</code>"


def test_indented_fences_in_lists() -> None:
    out = protect_code("1. Run:\n\n    ```sh\n    curl {{ url }}\n    ```\n").splitlines()
    assert out[3] == "    curl {{ (url) | verbatim }}"


def test_raw_regions_are_untouched() -> None:
    source = "{% raw %}`{{ x }}`{% endraw %} and `{{ y }}`"
    assert protect_code(source) == (
        "{% raw %}`{{ x }}`{% endraw %} and <code>{{ (y) | md_code_text }}</code>"
    )
    block = "{% raw %}\n```\n{{ x }}\n```\n{% endraw %}\n`{{ y }}`"
    assert protect_code(block) == (
        "{% raw %}\n```\n{{ x }}\n```\n{% endraw %}\n<code>{{ (y) | md_code_text }}</code>"
    )


def test_raw_inside_a_fence_keeps_the_fence_state() -> None:
    source = "```\n{% raw %}{{ a }}{% endraw %}\n{{ b }}\n```\n`{{ c }}`"
    assert protect_code(source).splitlines() == [
        "```",
        "{% raw %}{{ a }}{% endraw %}",
        "{{ (b) | verbatim }}",
        "```",
        "<code>{{ (c) | md_code_text }}</code>",
    ]


@given(st.text(alphabet="`{}%~ \nabc-|*<>raw", max_size=200))
def test_lines_never_move(source: str) -> None:
    # A macro error is reported at its line: the rewrite never adds or removes one.
    assert protect_code(source).count("\n") == source.count("\n")


@given(st.text(max_size=200).filter(lambda s: "{{" not in s))
def test_text_without_macros_is_unchanged(source: str) -> None:
    assert protect_code(source) == source


def test_the_filters_escape_for_code_elements_and_keep_fences_plain() -> None:
    from manifest_docs.facts import Fact, code_span, code_text, plain_text

    fact = Fact("a*b <c>\nd", "services.x.description")
    assert code_text(fact) == code_text("a*b <c>\nd") == "a&#42;b &lt;c&gt; d"
    assert code_span(fact) == fact.code == "<code>a&#42;b &lt;c&gt; d</code>"
    assert plain_text(fact) == plain_text("a*b <c>\nd") == "a*b <c> d"


def test_a_backslash_in_a_fact_is_shown_not_taken_as_a_markdown_escape() -> None:
    from manifest_docs.facts import inline

    # Markdown would read "\(" as an escaped "(" and drop the backslash.
    assert inline(r"C:\(x)") == "C:&#92;(x)"
    assert protect_code(r"`C:\(x) {{ x }}`") == r"<code>C:&#92;(x) {{ (x) | md_code_text }}</code>"


def test_mermaid_blocks_make_every_fact_a_label() -> None:
    source = (
        '``` mermaid\na["{{ x }}"] --> b[{{ y }}]\nc{"{{ p }} or {{ q }}?"} --> d\n'
        '{% if s == "x" %}e["{{ t }}"]{% endif %}\n```\n'
    )
    assert protect_code(source).splitlines() == [
        "``` mermaid",
        'a["{{ (x) | mermaid_text }}"] --> b[{{ (y) | mermaid_label }}]',
        'c{"{{ (p) | mermaid_text }} or {{ (q) | mermaid_text }}?"} --> d',
        '{% if s == "x" %}e["{{ (t) | mermaid_text }}"]{% endif %}',
        "```",
    ]
    assert protect_code("```mermaidx\n{{ x }}\n```").splitlines()[1] == "{{ (x) | verbatim }}"
