"""DNS records, the current phase, domain tiers and headings that state a fact.

These read facts the way an infrastructure page writes them: a record table under a
zone heading, a zone file, "we are currently in phase 2", "### Primary domain: …".
The fixture is Acme's manifest (Railway, Cloudflare, phases Launch and Scale).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import pytest
from driftkit import findings, fixture_text, none, only
from manifest_docs.drift.expect import _described_as, _subject_names
from manifest_docs.drift.markdown import parse_markdown
from manifest_docs.load import load_manifest
from manifest_docs.vocabulary import PLATFORM_HOSTS, platform_of

if TYPE_CHECKING:
    from pathlib import Path

    from manifest_docs.load import LoadedManifest


@pytest.mark.parametrize(
    ("host", "platform"),
    [
        ("blackroad-os-docs-production.up.railway.app", "Railway"),
        ("acme.github.io", "GitHub Pages"),
        ("acme-web.vercel.app", "Vercel"),
        ("ACME.Fly.Dev.", "Fly.io"),
        ("<backend-railway>.up.railway.app", "Railway"),
    ],
)
def test_a_platform_is_known_by_the_hosts_it_hands_out(host: str, platform: str) -> None:
    found = platform_of(host)
    assert found is not None
    assert found[0] == platform


@pytest.mark.parametrize("host", ["acme.dev", "d111.cloudfront.net", "notrailway.app", "io"])
def test_hosts_no_single_platform_hands_out(host: str) -> None:
    assert platform_of(host) is None


def test_the_platform_table_has_one_row_per_suffix() -> None:
    suffixes = [s for s, _, _ in PLATFORM_HOSTS]
    assert len(suffixes) == len(set(suffixes))
    assert all(
        names and all(n == n.lower() and n.isalnum() for n in names) for *_, names in PLATFORM_HOSTS
    )


RECORDS = """\
### acme.dev records

| Name | Type | Target | Proxy |
|------|------|--------|-------|
| api | CNAME | acme-api.vercel.app | proxied |
"""


def test_a_record_under_a_zone_heading_names_its_platform() -> None:
    f = only(RECORDS, "fact/provider")
    assert f.line == 5
    assert "api.acme.dev" in f.message
    assert "Vercel" in f.message
    assert "'railway'" in f.message


@pytest.mark.parametrize(
    "markdown",
    [
        RECORDS.replace("acme-api.vercel.app", "acme-api-production.up.railway.app"),
        RECORDS.replace("| api |", "| shop |"),  # not a hostname of the manifest's
        RECORDS.replace("### acme.dev records", "### example.org records"),
        "Before the move to Railway in 2024, api.acme.dev pointed at acme.herokuapp.com.\n",
        "api.acme.dev was a CNAME to acme.herokuapp.com until the migration.\n",
        "The intern's fork runs on acme-fork.vercel.app; api.acme.dev stays on Railway.\n",
    ],
)
def test_records_that_agree_or_are_not_about_a_manifest_host(markdown: str) -> None:
    none(markdown)


def test_a_zone_file_names_the_zone_in_its_first_comment() -> None:
    text = (
        "The zone as Cloudflare exports it:\n\n"
        "```text\n; acme.dev\napi  300  IN  CNAME  acme.fly.dev.\n```\n"
    )
    f = only(text, "fact/provider")
    assert f.line == 5
    assert "Fly.io" in f.message


def test_prose_naming_the_hostname_and_its_target() -> None:
    f = only("`api.acme.dev` is a CNAME to `acme-api.onrender.com`.\n", "fact/provider")
    assert "Render" in f.message
    assert "services.api.provider" in f.message


@pytest.mark.parametrize(
    "markdown",
    [
        "We are currently in phase 2, so new services get their own repository.\n",
        "## Current phase: Scale\n\nThe API is being split up.\n",
        "Where things stand:\n\n- Phase 2 is in progress: the console is being built.\n",
        "| Roadmap | |\n|---|---|\n| Current status | Phase 2.5 |\n",
    ],
)
def test_another_phase_called_the_current_one(markdown: str) -> None:
    f = only(markdown, "fact/phase")
    assert "the current phase" in f.message
    assert "phase 1 (Launch)" in f.message


@pytest.mark.parametrize(
    "markdown",
    [
        "We are currently in phase 1 (Launch); Scale comes next.\n",
        "## Current phase: Launch\n\nOne service.\n",
        "Once we are in phase 2, every service gets its own repository.\n",
        "The database upgrade is currently in phase 2 of 3.\n",
        "If we were in phase 2 already, the console would be live.\n",
    ],
)
def test_the_current_phase_stated_right_or_not_at_all(markdown: str) -> None:
    none(markdown)


def test_a_heading_that_states_a_fact_is_checked_like_a_sentence() -> None:
    f = only("### Secondary domain: acme.dev\n\nHeld for later.\n", "fact/domain-tier")
    assert f.line == 1
    assert "'primary'" in f.message


def test_headings_that_state_nothing_are_only_context() -> None:
    units, _ = parse_markdown("## Step 2: Point the subdomain at Railway\n\n## Overview\n\nText.\n")
    assert [u.kind for u in units] == ["sentence"]
    none("### Primary domain: acme.dev\n\nEverything lives under it.\n")


@pytest.mark.parametrize(
    ("description", "names"),
    [
        ("Corporate marketing website", ["marketing website", "marketing site"]),
        ("Public API gateway (extracted from the monolith)", ["api gateway", "the gateway"]),
        ("Customer billing portal, for invoices", ["billing portal", "the portal"]),
        ("Production FastAPI monolith: serves the UI", ["fastapi monolith", "the monolith"]),
        ("The main site", []),
        ("Technical documentation (MkDocs)", []),
        (
            "Background worker that picks jobs up from the queue",
            ["background worker", "the worker"],
        ),
        ("Shared web app", []),
    ],
)
def test_a_description_names_its_service(description: str, names: list[str]) -> None:
    assert _described_as(description) == names


def test_findings_cite_the_hostnames_service() -> None:
    found = findings(RECORDS)
    assert [f.rule for f in found] == ["fact/provider"]


@pytest.mark.parametrize(("phase", "named"), [("Launch", True), ("Monolith", False)])
def test_a_description_name_gives_way_to_a_phase_of_that_name(
    tmp_path: Path, phase: str, named: bool
) -> None:
    text = fixture_text(
        ("description: Public HTTP API of the platform", "description: Production monolith"),
        ("name: Launch", f"name: {phase}"),
    )
    path = tmp_path / "manifest.yml"
    path.write_text(text, encoding="utf-8")
    names = _subject_names(load_manifest(path).manifest)["service:api"]
    assert ("the monolith" in names) is named


def _acme(tmp_path: Path, *pairs: tuple[str, str]) -> LoadedManifest:
    path = tmp_path / "manifest.yml"
    path.write_text(fixture_text(*pairs), encoding="utf-8")
    return load_manifest(path, shown="manifest.yml")


REGISTRAR = (
    "  github:\n    name: GitHub\n    kind: ci\n",
    "  github:\n    name: GitHub\n    kind: ci\n  gandi:\n    name: Gandi\n    kind: registrar\n",
)
FRAMEWORK = ("    aliases: [Acme API]\n", "    aliases: [Acme API]\n    framework: Django 5.0+\n")


@pytest.mark.parametrize(
    ("markdown", "rule", "cited"),
    [
        ("The domains are registered with Namecheap.\n", "fact/registrar", "'Gandi'"),
        (
            "**Registrar:** Google Domains; the zones are on Cloudflare.\n",
            "fact/registrar",
            "Gandi",
        ),
        ("DNS for acme.dev is hosted on Route 53.\n", "fact/dns-provider", "'cloudflare'"),
        ("The API is a small Flask app behind Cloudflare.\n", "fact/framework", "Django 5.0+"),
        ("The Acme API is built with Django 4.2.\n", "fact/version", "Django 5.0+"),
        ("# Postgres\n\nThe database gets two gigabytes of RAM.\n", "fact/memory", "512MB"),
    ],
)
def test_named_values_of_every_field_read_the_same_way(
    tmp_path: Path, markdown: str, rule: str, cited: str
) -> None:
    manifest = _acme(tmp_path, REGISTRAR, FRAMEWORK)
    found = [f for f in findings(markdown, manifest=manifest) if f.rule == rule]
    assert len(found) == 1, [f.message for f in findings(markdown, manifest=manifest)]
    assert cited in found[0].message


@pytest.mark.parametrize(
    "markdown",
    [
        "The domains are registered with Gandi; DNS for acme.dev is hosted on Cloudflare.\n",
        "The API is a Django project; Django 5.1 passed the test suite.\n",
        "The API talks to a Flask app run by the billing team.\n",
        "Before 2024 the API was a Flask app.\n",
        "# API\n\nEach request may allocate two megabytes per request.\n",
    ],
)
def test_named_values_that_agree_or_are_someone_elses(tmp_path: Path, markdown: str) -> None:
    none(markdown, manifest=_acme(tmp_path, REGISTRAR, FRAMEWORK))


@pytest.mark.parametrize(
    ("markdown", "said"),
    [
        ("Automatic rollback is off, so undo a bad deploy by hand.\n", "'off'"),
        ("Rollback on failure is disabled.\n", "'disabled'"),
    ],
)
def test_a_value_inside_the_words_gives_way_to_the_one_beside_them(
    tmp_path: Path, markdown: str, said: str
) -> None:
    manifest = _acme(
        tmp_path, ("  auto_deploy:\n", "  auto_deploy:\n    rollback_on_failure: true\n")
    )
    found = [f for f in findings(markdown, manifest=manifest) if f.rule == "fact/rollback"]
    assert len(found) == 1
    assert said in found[0].message


@pytest.mark.parametrize(
    "markdown",
    ["- `/docs`: Swagger UI\n", "Swagger UI is served at `/docs` by FastAPI.\n"],
)
def test_a_route_named_by_what_it_serves_at_another_path(tmp_path: Path, markdown: str) -> None:
    manifest = _acme(
        tmp_path,
        (
            "    aliases: [Acme API]\n",
            "    aliases: [Acme API]\n    routes:\n      - path: /api/docs\n"
            "        serves: Swagger UI\n      - path: /\n        serves: Landing page\n",
        ),
    )
    found = [f for f in findings(markdown, manifest=manifest) if f.rule == "fact/route"]
    assert len(found) == 1
    assert "'/api/docs'" in found[0].message
    none("Swagger UI is at `/api/docs`; the landing page is `/`.\n", manifest=manifest)
