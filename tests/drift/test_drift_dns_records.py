"""``fact/record``: DNS records a page writes, against the manifest's merged zone.

Kestrel's zone declares an apex ALIAS, an MX (priority 10) and an SPF TXT record;
BlackRoad's implies a CNAME per service hostname (the backend's are placeholders).
"""

from __future__ import annotations

import functools

import pytest
from driftkit import REPO_ROOT
from manifest_docs.drift.rules import check_sources
from manifest_docs.load import LoadedManifest, load_manifest


@functools.cache
def _manifest(path: str) -> LoadedManifest:
    return load_manifest(REPO_ROOT / path, shown="manifest.yml")


def _found(text: str, path: str = "examples/kestrel/manifest.yml") -> list[tuple[int, str, str]]:
    found = check_sources(_manifest(path), {"page.md": text})
    return [(f.line, f.rule, f.message) for f in found]


TABLE = "### kestrel.example records\n\n| Name | Type | Value |\n|---|---|---|\n| @ | {t} | {v} |\n"


def test_a_record_table_row_with_another_value_is_reported() -> None:
    text = TABLE.format(t="TXT", v="`v=spf1 include:mail.example ~all`")
    assert _found(text) == [
        (
            5,
            "fact/record",
            "TXT kestrel.example is 'v=spf1 include:mail.example ~all' here, manifest.yml:335 "
            "says 'v=spf1 include:mail.example -all' (domains[0].records[2])",
        )
    ]


@pytest.mark.parametrize(
    ("kind", "value"),
    [
        ("TXT", "v=spf1 include:mail.example -all"),  # the same record
        ("TXT", "google-site-verification=abc123"),  # another kind of TXT record
        ("CNAME", "d333333abcdef8.cloudfront.net."),  # an apex CNAME is the ALIAS, flattened
        ("A", "192.0.2.10"),  # a record the manifest does not state
        ("MX", "<your-mail-host>"),  # a placeholder
    ],
)
def test_agreeing_unstated_and_placeholder_records_say_nothing(kind: str, value: str) -> None:
    assert _found(TABLE.format(t=kind, v=value)) == []


def test_dig_short_output_is_read_as_the_asked_records() -> None:
    block = "```\n$ dig +short MX kestrel.example\n20 mx.mail.example.\n```\n"
    assert _found(block) == [
        (
            3,
            "fact/record",
            "MX kestrel.example priority is '20' here, manifest.yml:331 says '10' "
            "(domains[0].records[1])",
        )
    ]
    assert _found(block.replace("20 ", "10 ")) == []


def test_a_zone_file_line_is_compared_and_an_example_is_not() -> None:
    zone = "```\n; kestrel.example\n@ 300 IN MX 10 mx2.mail.example.\n```\n"
    found = _found(zone)
    assert [(line, rule) for line, rule, _ in found] == [(3, "fact/record")]
    assert "says 'mx.mail.example'" in found[0][2]
    assert _found("For example:\n\n" + zone) == []


def test_an_implied_cname_is_compared_unless_it_is_a_placeholder() -> None:
    blackroad = "manifest.yml"
    table = (
        "## blackroad.systems\n\n| Name | Type | Target |\n|---|---|---|\n| {n} | CNAME | {v} |\n"
    )
    found = _found(table.format(n="www", v="example.net"), blackroad)
    assert [(line, rule) for line, rule, _ in found] == [(5, "fact/record")]
    assert "says 'blackroad.systems'" in found[0][2]
    assert _found(table.format(n="www", v="blackroad.systems."), blackroad) == []
    # the backend's records are placeholders in the manifest: nothing to compare with
    assert _found(table.format(n="api", v="other.up.railway.app"), blackroad) == []
