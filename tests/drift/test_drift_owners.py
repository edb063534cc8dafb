"""Who owns a service: prose and tables that name another team are drift.

The Kestrel example declares teams (``shipments`` named Shipments, ``platform``,
``data``) and gives each service an ``owner``. A page that says another of those teams
owns a service contradicts the manifest; a team's id, its name or its name's first
word agree; a name that is no owner at all (a person, a vendor) says nothing.
"""

from __future__ import annotations

import functools

import pytest
from driftkit import REPO_ROOT
from manifest_docs.drift.rules import check_sources
from manifest_docs.load import LoadedManifest, load_manifest


@functools.cache
def _kestrel() -> LoadedManifest:
    return load_manifest(REPO_ROOT / "examples/kestrel/manifest.yml", shown="manifest.yml")


def _found(text: str) -> list[tuple[int, str, str]]:
    return [
        (f.line, f.rule, f.message)
        for f in check_sources(_kestrel(), {"index.md": "# Platform\n\n" + text})
    ]


CAUGHT = [
    ("prose", "The Shipments API is owned by the Data team.\n", 3, "'Data'"),
    ("maintained", "The label worker is maintained by Platform.\n", 3, "'Platform'"),
    (
        "kv-row",
        "## Shipments API\n\n| Field | Value |\n| --- | --- |\n| Owner | Data |\n",
        7,
        "'Data'",
    ),
    ("bold", "## Shipments API\n\n**Owner:** the Platform team\n", 5, "'Platform'"),
    ("team-id", "The Shipments API is owned by `data`.\n", 3, "'data'"),
]


@pytest.mark.parametrize(("case", "text", "line", "said"), CAUGHT, ids=[c[0] for c in CAUGHT])
def test_another_team_named_as_owner_is_drift(case: str, text: str, line: int, said: str) -> None:
    found = _found(text)
    assert [(ln, rule) for ln, rule, _ in found] == [(line, "fact/owner")], found
    message = found[0][2]
    assert said in message
    assert "manifest.yml:" in message
    assert ".owner)" in message


CLEAN = [
    ("same-team", "The Shipments API is owned by the Shipments team.\n"),
    ("team-id", "The Shipments API is owned by `shipments`.\n"),
    ("person", "The Shipments API is owned by Alice Meyer from the Berlin office.\n"),
    ("vendor", "Card data is owned by Stripe, not by us.\n"),
    ("lowercase", "The label worker belongs to the shipping domain.\n"),
    ("negated", "The Shipments API is not owned by the Data team.\n"),
    ("past", "Before 2025 the Shipments API was owned by the Data team.\n"),
    ("other-repo", "The GitHub repository owner is kestrel-freight.\n"),
]


@pytest.mark.parametrize(("case", "text"), CLEAN, ids=[c[0] for c in CLEAN])
def test_owner_statements_that_agree_or_say_nothing_stay_silent(case: str, text: str) -> None:
    assert _found(text) == []
