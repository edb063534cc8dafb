"""Ownership and operations as data: teams, objectives, alerts, schedules, open kinds.

``teams:`` names who owns what; a service's ``owner`` then names a team. Services
state their SLOs and alerts as lists, jobs their cron schedule; kinds cover queues,
jobs, functions and external SaaS; tags label services; repositories may live on any
host; versions may be dated (Stripe's ``2024-06-20``).
"""

from __future__ import annotations

from decimal import Decimal

import pytest
from manifest_docs import ops
from manifest_docs.load import load_text
from manifest_docs.model import repo_urls
from manifest_docs.render.pages import render_site
from manifest_docs.values import Version
from manifestkit import after, at, problems_in, replace_once

TEAMS = """\
teams:
  platform:
    name: Platform
    contact: platform@example.com
    chat: "#platform"
    on_call: https://example.pagerduty.com/schedules/P123
    escalation: [Head of engineering]
"""

OPERATIONS = """\
    owner: platform
    tags: [tier-1, pci]
    slos:
      - name: Availability
        indicator: share of /health probes answered with 200
        objective: "99.9%"
        window: 30d
    alerts:
      - title: Error rate above 5%
        severity: page
        condition: 5xx share over 5 minutes > 5%
        runbook: Roll back
    runbooks:
      - title: Roll back
        steps: [Redeploy the previous release]
"""


def _manifest(minimal_manifest: str, operations: str = OPERATIONS, teams: str = TEAMS) -> str:
    text = replace_once(minimal_manifest, "phases:\n", teams + "phases:\n")
    return replace_once(
        text, "    description: Main API\n", "    description: Main API\n" + operations
    )


def test_teams_objectives_and_alerts_load(minimal_manifest: str) -> None:
    m = load_text(_manifest(minimal_manifest)).manifest
    backend = m.services["backend"]
    assert m.teams["platform"].chat == "#platform"
    assert backend.tags == ["tier-1", "pci"]
    (slo,) = backend.slos
    assert slo.objective == Decimal("99.9")
    assert slo.window.seconds == 30 * 86400
    assert backend.alerts[0].runbook == "Roll back"


def test_owner_names_a_declared_team(minimal_manifest: str) -> None:
    text = _manifest(minimal_manifest, OPERATIONS.replace("owner: platform", "owner: platfrom"))
    (problem,) = problems_in(text)
    assert problem.startswith(after(text, "owner: "))
    assert "unknown team 'platfrom' (did you mean 'platform'?)" in problem


def test_owner_is_free_text_without_teams(minimal_manifest: str) -> None:
    text = _manifest(minimal_manifest, OPERATIONS.replace("owner: platform", "owner: Ada"), "")
    assert load_text(text).manifest.services["backend"].owner == "Ada"


def test_alert_runbook_must_be_one_of_the_services(minimal_manifest: str) -> None:
    text = _manifest(
        minimal_manifest, OPERATIONS.replace("runbook: Roll back", "runbook: Rollback")
    )
    (problem,) = problems_in(text)
    assert problem.startswith(after(text, "runbook: "))
    assert "no runbook titled 'Rollback' (did you mean 'Roll back'?)" in problem


@pytest.mark.parametrize(
    ("old", "new", "needle", "message"),
    [
        ('objective: "99.9%"', "objective: 120", "120", "expected a share in per cent"),
        ("window: 30d", "window: monthly", "monthly", "expected a duration"),
        ("tags: [tier-1, pci]", "tags: [tier-1, PCI]", "PCI", "does not match"),
        ("tags: [tier-1, pci]", "tags: [pci, pci]", "pci]", "tag 'pci' is listed twice"),
        ("severity: page", "severity: urgent", "urgent", "expected one of 'page'"),
    ],
)
def test_bad_operations_are_located(
    minimal_manifest: str, old: str, new: str, needle: str, message: str
) -> None:
    text = _manifest(minimal_manifest, OPERATIONS.replace(old, new))
    (problem,) = problems_in(text)
    assert problem.startswith(at(text, needle)), problem
    assert message in problem


def test_jobs_queues_and_external_services(minimal_manifest: str) -> None:
    extra = """\
  nightly-report:
    description: Nightly revenue report
    kind: job
    status: active
    phase: 1
    provider: railway
    schedule: "0 3 * * *"
    timezone: Europe/Berlin
  jobs-queue:
    description: Job queue
    kind: queue
    status: active
    phase: 1
    provider: railway
  stripe:
    description: Payments
    kind: external
    status: active
    phase: 1
    provider: railway
    version: "2024-06-20"
    repo: https://gitlab.com/example/group/stripe-glue
"""
    text = replace_once(minimal_manifest, "  worker:\n", extra + "  worker:\n")
    m = load_text(text).manifest
    assert m.services["nightly-report"].schedule == "0 3 * * *"
    assert m.services["stripe"].version == Version.parse("2024-06-20")
    site = render_site(m)
    job = next(p.content for p in site.pages if p.src_uri == "services/nightly-report.md")
    assert "| Schedule | <code>0 3 &#42; &#42; &#42;</code> (Europe/Berlin) |" in job
    data = ops.repo_data(m, "stripe")
    assert data["web_url"] == "https://gitlab.com/example/group/stripe-glue"
    assert data["ssh_url"] == "git@gitlab.com:example/group/stripe-glue.git"
    assert (data["owner"], data["name"]) == ("example/group", "stripe-glue")
    bad = replace_once(text, 'schedule: "0 3 * * *"', 'schedule: "every night"')
    (problem,) = problems_in(bad)
    assert problem.startswith(at(bad, '"every night"'))


def test_timezone_needs_a_schedule(minimal_manifest: str) -> None:
    text = _manifest(minimal_manifest, OPERATIONS + "    timezone: UTC\n")
    (problem,) = problems_in(text)
    assert "a timezone needs a schedule" in problem


def test_repo_urls_on_any_host() -> None:
    assert repo_urls("o/n") == (
        "https://github.com/o/n",
        "https://github.com/o/n.git",
        "git@github.com:o/n.git",
    )
    assert repo_urls("https://git.example.com:8443/a/b.git")[2] == "git@git.example.com:a/b.git"


def test_service_page_shows_team_objectives_and_alerts(minimal_manifest: str) -> None:
    m = load_text(_manifest(minimal_manifest)).manifest
    page = next(p.content for p in render_site(m).pages if p.src_uri == "services/backend.md")
    assert "| Owner | Platform · &#35;platform · <a href=" in page
    assert 'schedules/P123">on call</a> |' in page
    assert "| Tags | <code>tier-1</code> <code>pci</code> |" in page
    assert "| Availability | 99.9 % | 30d | share of /health probes answered with 200 |" in page
    assert "| Error rate above 5&#37; | page | 5xx share over 5 minutes &gt; 5&#37; |" in page
    assert "| [Roll back](#runbooks) |" in page


def test_list_filters_by_tag_and_owner(minimal_manifest: str) -> None:
    m = load_text(_manifest(minimal_manifest)).manifest
    assert ops.list_data(m, tag="pci")["count"] == 1
    assert ops.list_data(m, owner="platform")["count"] == 1
    assert ops.list_data(m, tag="nope")["count"] == 0


# --------------------------------------------------------------------------- x-* keys


def test_extension_keys_are_kept_by_object(minimal_manifest: str) -> None:
    text = replace_once(
        minimal_manifest,
        "    description: Main API\n",
        "    description: Main API\n    x-cost-center: 4711\n    x-pagerduty: {service: P123}\n",
    )
    text = replace_once(
        text,
        "  railway:\n    name: Railway\n",
        "  railway:\n    name: Railway\n    x-account: team-7\n",
    )
    m = load_text(text).manifest
    assert m.extensions("services.backend") == {
        "x-cost-center": 4711,
        "x-pagerduty": {"service": "P123"},
    }
    assert m.extensions(("providers", "railway")) == {"x-account": "team-7"}
    assert m.extensions("services.redis") == {}


def test_an_x_name_in_a_mapping_of_names_is_a_name(minimal_manifest: str) -> None:
    # under services: a key is a service's name, not an extension: its shape is judged
    text = replace_once(minimal_manifest, "services:\n", "services:\n  x-legacy: 3\n")
    (problem,) = problems_in(text)
    assert "services.x-legacy" in problem
    assert "expected a mapping of keys" in problem


def test_other_unknown_keys_still_fail(minimal_manifest: str) -> None:
    text = replace_once(
        minimal_manifest, "    description: Main API\n", "    description: Main API\n    xcost: 1\n"
    )
    (problem,) = problems_in(text)
    assert "unknown key 'xcost'" in problem


def test_extension_values_are_scanned_for_credentials(minimal_manifest: str) -> None:
    token = "ghp_" + "a1B2c3D4e5F6g7H8i9J0k1L2m3N4o5P6q7R8"
    text = replace_once(
        minimal_manifest,
        "    description: Main API\n",
        f"    description: Main API\n    x-deploy-token: {token}\n",
    )
    problems = problems_in(text)
    assert any("looks like a GitHub token" in p for p in problems)
    assert all(token not in p for p in problems)


def test_json_schema_allows_extension_keys() -> None:
    from manifest_docs.model import model_for_json_schema

    schema = model_for_json_schema()
    assert schema["$defs"]["Service"]["patternProperties"] == {"^x-": {}}
    assert schema["$defs"]["Service"]["additionalProperties"] is False


def test_extensions_reach_macros_and_templates(minimal_manifest: str) -> None:
    from manifest_docs.facts import Facts

    text = replace_once(
        minimal_manifest,
        "    description: Main API\n",
        "    description: Main API\n    x-tier: gold\n",
    )
    m = load_text(text).manifest
    assert str(Facts(m).extensions("services.backend")["x-tier"]) == "gold"
