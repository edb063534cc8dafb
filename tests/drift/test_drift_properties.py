"""Property-based: any Markdown-ish text gives findings, never an exception."""

from __future__ import annotations

from driftkit import loaded
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from manifest_docs.drift.markdown import parse_markdown
from manifest_docs.drift.rules import RULES, check_sources

# Pieces that steer the text into every branch of the parser and the rules: block
# markers, subjects, attribute words, values, names, hosts, macros, comments.
FRAGMENTS = [
    "# ",
    "## ",
    "###### ",
    "- ",
    "1. ",
    "  ",
    "| ",
    " | ",
    "|---|---|",
    "| --- |",
    "```",
    "```bash",
    "~~~",
    "---",
    "`",
    "**",
    "_",
    "*",
    "[x](services/",
    ".md)",
    "](../services/api/)",
    "{{ ",
    " }}",
    "{% raw %}",
    "{% endraw %}",
    "{%",
    "%}",
    "{#",
    "<!-- drift: ignore fact/version why -->",
    "<!-- drift: ignore fact -->",
    "<!-- drift: ignore ",
    "<!--",
    "-->",
    "PostgreSQL",
    "Postgres",
    "Redis",
    "API",
    "api",
    "console",
    "Railway",
    "Cloudflare",
    "Next.js",
    "AWS",
    "Version",
    "version",
    "Memory",
    "RAM",
    "size",
    "effective cache size",
    "shared_buffers",
    "max_connections",
    "storage",
    "port",
    "Instances",
    "replicas",
    "health check",
    "timeout",
    "every",
    "TTL",
    "expire",
    "retention",
    "region",
    "SSL",
    "Full (strict)",
    "Persistence",
    "AOF",
    "allkeys-lru",
    "eviction",
    "RTO",
    "RPO",
    "active services",
    "is live",
    "when",
    'startCommand = "x"',
    'healthcheck.path = "/x"',
    "export ",
    "FOO_BAR=1",
    "$REDIS_URL",
    "`DATABSE_URL`",
    "NOTES.md",
    "app.acme.dev",
    "api.acme.dev",
    "session:*",
    "cache:*",
    "/healthz",
    "/v1/",
    "14+",
    "15",
    "3.11",
    "1.",
    "128MB",
    "5 GB",
    "1GB per month",
    "8080",
    "0.0.0.0:8000",
    "45s",
    "5-60 min",
    "2 hours",
    "30 days",
    "us-west-2",
    "eu-west-1",
    "3",
    ": ",
    ", ",
    ". ",
    "; ",
    "(",
    ")",
    "\n",
    "\n\n",
    "\r\n",
    "\t",
    " ",
]

markdownish = st.lists(
    st.one_of(
        st.sampled_from(FRAGMENTS),
        st.text(alphabet=st.characters(codec="utf-8"), max_size=8),
    ),
    max_size=60,
).map("".join)


@settings(max_examples=100, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(text=markdownish, name=st.sampled_from(["page.md", "services/x.md", "services/api.md"]))
def test_any_text_gives_findings_on_real_lines(text: str, name: str) -> None:
    found = check_sources(loaded(), {name: text})
    n_lines = text.count("\n") + 1
    known = {r for r in RULES if not r.endswith("*")}
    for f in found:
        assert f.file == name
        assert 1 <= f.line <= n_lines, (f, n_lines)
        assert f.rule in known or f.rule.startswith("fact/"), f
        assert f.severity == "error"
        assert f.message


@settings(max_examples=100, deadline=None)
@given(text=markdownish)
def test_units_and_suppressions_stay_inside_the_document(text: str) -> None:
    units, suppressions = parse_markdown(text)
    n_lines = text.count("\n") + 1
    for unit in units:
        assert 1 <= unit.line <= n_lines
        assert 1 <= unit.line + len(unit.lines) <= n_lines
    for s in suppressions:
        assert 1 <= s.line <= n_lines
        assert s.first <= s.last + 1


_WORD = st.text(alphabet="abc-.", min_size=1, max_size=5).filter(lambda w: w[0].isalpha())


@given(
    st.lists(_WORD, min_size=1, max_size=12, unique=True), st.text(alphabet="abcAB-. ", max_size=60)
)
def test_trie_pattern_matches_exactly_what_the_plain_alternation_matches(
    words: list[str], text: str
) -> None:
    import re

    from manifest_docs.drift.expect import trie_alternation

    def compiled(body: str) -> re.Pattern[str]:
        return re.compile(rf"(?<![\w.-])({body})(?![\w-])", re.IGNORECASE)

    plain = "|".join(re.escape(w) for w in sorted(words, key=len, reverse=True))
    found = [(m.start(), m.group(1)) for m in compiled(trie_alternation(words)).finditer(text)]
    assert found == [(m.start(), m.group(1)) for m in compiled(plain).finditer(text)]


# --------------------------------------------------------------------------- triggers

_WORDY = st.text(
    alphabet=st.sampled_from(list("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ -_:|*`'")),
    max_size=40,
)


@given(st.lists(st.one_of(_WORDY, st.sampled_from(FRAGMENTS)), max_size=12))
@settings(max_examples=300, suppress_health_check=[HealthCheck.too_slow])
def test_a_kind_s_triggers_never_hide_one_of_its_words(parts: list[str]) -> None:
    # Each kind skips its pattern when the text holds none of its triggers: that must
    # never lose a match. The texts mix random letters with every attribute word.
    from manifest_docs.drift.contradictions import KINDS, _possible_kinds

    words = [t for kind in KINDS for t in (kind.triggers or ())]
    text = " ".join(p + (words[len(p) % len(words)] if i % 2 else "") for i, p in enumerate(parts))
    possible = _possible_kinds(text.lower())
    for k, kind in enumerate(KINDS):
        assert possible[k] or kind.words.search(text) is None, (kind.kinds, text)


def test_triggers_are_told_only_when_certain() -> None:
    from manifest_docs.drift.contradictions import triggers

    assert triggers(r"\b(?:memory|ram)\b") == ("memory", "ram")
    assert triggers(r"\bhealth[ _-]?checks?") == ("health",)
    assert triggers(r"[a-z]+ing") is None  # a character class first: no literal start
    assert triggers(r"\b(?:x|yes)\b") is None  # a one-letter start says too little
