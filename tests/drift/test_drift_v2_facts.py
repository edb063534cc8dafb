"""Facts of schema v2 the gate reads, and what it leaves alone around them.

Against Kestrel's manifest (``examples/kestrel``): an environment's region, a team's
chat channel, CPU amounts, SLO objectives, per-environment values named by a heading
or by the part of a sentence holding the value — and the readings that are no claim
about today (a change "from 14 to 16", a dated incident, an intention, "each task").
"""

from __future__ import annotations

import functools

import pytest
from driftkit import REPO_ROOT
from manifest_docs.drift.rules import check_sources
from manifest_docs.load import LoadedManifest, load_manifest


@functools.cache
def _kestrel() -> LoadedManifest:
    return load_manifest(REPO_ROOT / "examples" / "kestrel" / "manifest.yml", shown="manifest.yml")


def _found(text: str) -> list[tuple[int, str, str]]:
    return [(f.line, f.rule, f.message) for f in check_sources(_kestrel(), {"page.md": text})]


def test_an_environment_heading_binds_its_region_row() -> None:
    text = "## dev environment\n\n| Key | Value |\n|---|---|\n| Region | eu-central-1 |\n"
    assert _found(text) == [
        (
            5,
            "fact/region",
            "dev environment is 'eu-central-1' here, manifest.yml:30 says 'eu-west-1' "
            "(environments.dev.region)",
        )
    ]


def test_a_team_channel_is_compared() -> None:
    assert _found("The Shipments team channel is #shipments.\n") == [
        (
            1,
            "fact/chat",
            "Shipments team is '#shipments' here, manifest.yml:37 says '#team-shipments' "
            "(teams.shipments.chat)",
        )
    ]
    assert _found("The Shipments team channel is #team-shipments.\n") == []


def test_a_team_address_is_compared_though_its_domain_is_a_zone() -> None:
    assert _found("The Shipments team e-mail is ship@kestrel.example.\n") == [
        (
            1,
            "fact/contact",
            "Shipments team is 'ship@kestrel.example' here, manifest.yml:36 says "
            "'shipments@kestrel.example' (teams.shipments.contact)",
        )
    ]
    assert _found("The Shipments team e-mail is shipments@kestrel.example.\n") == []


@pytest.mark.parametrize(
    ("said", "wrong"),
    [("2 vCPU", True), ("two vCPUs", True), ("1 vCPU", False), ("1000m CPU", False)],
)
def test_cpu_is_compared_as_cores(said: str, wrong: bool) -> None:
    found = _found(f"The Shipments API runs on {said}.\n")
    assert [r for _, r, _ in found] == (["fact/cpu"] if wrong else [])
    if wrong:
        cited = "manifest.yml:138 says '1 vCPU' (services.shipments-api.resources.cpu)"
        assert cited in found[0][2]


def test_an_slo_objective_needs_its_name() -> None:
    found = _found("The Shipments API commits to 99.9% availability.\n")
    assert found == [
        (
            1,
            "fact/slo-objective",
            "Shipments API is '99.9%' here, manifest.yml:142 says '99.95' "
            "(services.shipments-api.slos[0].objective)",
        )
    ]
    assert _found("The Shipments API commits to 99.95% availability.\n") == []
    assert _found("The Shipments API targets 99.9% test coverage.\n") == []


def test_a_heading_names_the_environment_of_the_values_under_it() -> None:
    # staging's own memory (4GB) and storage (100GB): nothing to report
    assert _found("## Orders database in staging\n\n- 4 GB of memory, 100 GB of storage\n") == []
    found = _found("## Orders database in staging\n\n- 8 GB of memory\n")
    assert [(line, rule) for line, rule, _ in found] == [(3, "fact/memory")]
    assert "says '4GB' (services.orders-db.environments.staging.resources.memory)" in found[0][2]


def test_the_part_of_a_sentence_names_the_environment_of_its_value() -> None:
    text = "Production runs four Shipments API tasks and staging runs two; dev makes do with one.\n"
    assert _found(text) == []
    found = _found("Production runs four Shipments API tasks and staging runs three.\n")
    assert [(line, rule) for line, rule, _ in found] == [(1, "fact/replicas")]
    assert "(services.shipments-api.environments.staging.deploy.replicas)" in found[0][2]


@pytest.mark.parametrize(
    "text",
    [
        "We upgraded the orders database from PostgreSQL 14 to 16 last year.\n",
        "During INC-2417 someone set the Shipments API probe timeout to 10 s by hand.\n",
        "In March 2025 the Shipments API ran 2 tasks.\n",
        "When volume doubles we intend to scale the Shipments API to 6 tasks.\n",
        "Each Shipments API task caps its pool at 40.\n",
        "The four Shipments API tasks use at most 160 of them.\n",
    ],
)
def test_what_is_no_claim_about_today_stays_silent(text: str) -> None:
    assert _found(text) == []


def test_the_same_claims_about_today_are_reported() -> None:
    assert [r for _, r, _ in _found("The orders database runs PostgreSQL 14.\n")] == [
        "fact/version"
    ]
    assert [r for _, r, _ in _found("The Shipments API runs 6 tasks.\n")] == ["fact/replicas"]


def test_cloud_cli_variables_are_not_unknown_but_typos_are() -> None:
    block = "```shell\nexport AWS_PROFILE=kestrel-staging\nexport AWS_REGON=eu-central-1\n```\n"
    assert [(line, rule) for line, rule, _ in _found(block)] == [(3, "env/unknown")]


def test_a_shell_remark_is_a_sentence_not_a_caption_of_the_next_line() -> None:
    block = (
        "```shell\n# staging: LOG_LEVEL already defaults to debug here, so this is a no-op\n"
        "export LOG_LEVEL=debug\n```\n"
    )
    assert _found(block) == []


def test_an_environment_named_as_the_subject_of_its_sentence() -> None:
    found = _found("**Staging** — AWS account `kestrel-preprod`, refreshed nightly.\n")
    assert [(line, rule) for line, rule, _ in found] == [(1, "fact/project")]
    assert "says 'kestrel-staging' (environments.staging.project)" in found[0][2]
    assert _found("Staging lives in eu-west-1.\n")[0][1] == "fact/region"
    # a bare "production" elsewhere in a sentence is an everyday word
    assert _found("The production database team lives in eu-west-1.\n") == []


@pytest.mark.parametrize(
    ("text", "wrong"),
    [
        ("The Shipments API is built, tested and deployed by GitLab CI on every push.\n", True),
        ("Our CI runs on CircleCI.\n", True),
        ("The Shipments API is built and deployed by GitHub Actions.\n", False),
        ("The Shipments API is deployed by Railway on every push.\n", False),  # a platform
        ("The tracking site is built with Next.js.\n", False),  # a framework
    ],
)
def test_who_runs_ci_is_the_manifest_ci_provider(text: str, wrong: bool) -> None:
    found = _found(text)
    assert [r for _, r, _ in found] == (["fact/ci-provider"] if wrong else [])
    if wrong:
        assert "says 'github' (ci_cd.provider)" in found[0][2]


@pytest.mark.parametrize(
    ("text", "wrong"),
    [
        ("The invoice run kicks off every night at 03:30 Berlin time.\n", True),
        ("The invoice run kicks off every night at 02:30 Berlin time.\n", False),
        ("The invoice run kicks off every night at 2:30 am.\n", False),
        ("The invoice run starts at 00:30 UTC.\n", False),  # another zone: not converted
        ("The invoice run starts at 4 pm.\n", True),
    ],
)
def test_a_job_start_time_is_compared_with_its_daily_schedule_in_its_zone(
    text: str, wrong: bool
) -> None:
    found = _found(text)
    assert [r for _, r, _ in found] == (["fact/schedule"] if wrong else [])
    if wrong:
        assert "says '30 2 * * *' (services.invoice-run.schedule)" in found[0][2]


def test_a_config_block_named_by_its_own_name_key() -> None:
    block = (
        '```json\n{\n  "service": "orders-db",\n  "engine_version": "16",\n'
        '  "memory": "32GB"\n}\n```\n'
    )
    found = _found(block)
    assert [(line, rule) for line, rule, _ in found] == [(5, "fact/memory")]
    assert "says '16GB' (services.orders-db.resources.memory)" in found[0][2]
    assert _found(block.replace("32GB", "16GB")) == []
    # a name the manifest does not know names no subject: nothing is compared
    assert _found(block.replace("orders-db", "billing-db")) == []


def test_an_ecs_container_port_is_the_service_port() -> None:
    block = (
        "```yaml\n# shipments-api task definition\ncontainerDefinitions:\n"
        "  - portMappings:\n      - containerPort: 8443\n```\n"
    )
    assert [(line, rule) for line, rule, _ in _found(block)] == [(5, "fact/port")]
    assert _found(block.replace("8443", "8080")) == []


@pytest.mark.parametrize(
    ("text", "wrong"),
    [
        ("The Shipments API is the busiest thing we run. It has three tasks.\n", True),
        ("The Shipments API is the busiest thing we run. It has four tasks.\n", False),
        # two services before: "it" could be either, so it is neither
        ("The orders database and the Shipments API are busy. It has three tasks.\n", False),
        # no pronoun: the sentence names its own subject
        ("The Shipments API is busy. The label worker has 3 replicas.\n", False),
    ],
)
def test_it_stands_for_the_one_service_the_sentence_before_names(text: str, wrong: bool) -> None:
    found = _found(text)
    assert [r for _, r, _ in found] == (["fact/replicas"] if wrong else [])


def test_a_package_json_dependency_states_its_framework_version() -> None:
    block = '```json\n{\n  "dependencies": { "next": "13.5.6", "react": "18.2.0" }\n}\n```\n'
    found = _found(block)
    assert [(line, rule) for line, rule, _ in found] == [(3, "fact/version")]
    assert "says 'Next.js 14' (services.tracking-web.framework)" in found[0][2]
    assert _found(block.replace("13.5.6", "^14.2.3")) == []


def test_a_key_value_table_header_gives_its_rows_their_context() -> None:
    table = "| orders-db backups | |\n|---|---|\n| Frequency | hourly |\n| Retention | 35 days |\n"
    assert [(line, rule) for line, rule, _ in _found(table)] == [(3, "fact/backup-frequency")]


def test_a_start_label_states_the_start_command() -> None:
    found = _found("## Shipments API\n\n- **Start**: `java -jar /app/server.jar`\n")
    assert [(line, rule) for line, rule, _ in found] == [(3, "fact/start-command")]
    assert _found("## Shipments API\n\n- **Start**: `java -jar /app/api.jar`\n") == []
    assert _found("Start the Shipments API with `make run` on your laptop.\n") == []


@pytest.mark.parametrize(
    ("text", "wrong"),
    [
        ("- **Phase 1, Launch in Germany:** still in progress; a few depots remain.\n", True),
        ("Phase 2 is done.\n", True),
        ("Phase 1 is complete.\n", False),
        ("Phase 2 is not finished yet.\n", False),
        ("Phase 2 will be done by March.\n", False),
        ("Phase 2.5 is done.\n", False),  # another phase than phase 2
    ],
)
def test_a_phase_said_to_be_done_or_in_progress(text: str, wrong: bool) -> None:
    found = _found(text)
    assert [r for _, r, _ in found] == (["fact/phase-status"] if wrong else [])


def test_hsts_denied_where_the_zone_enables_it() -> None:
    found = _found("kestrel.example does not send an HSTS header yet.\n")
    assert [(line, rule) for line, rule, _ in found] == [(1, "fact/hsts")]
    assert _found("kestrel.example sends an HSTS header.\n") == []


def test_every_item_of_an_enumeration_is_compared_with_a_list_field() -> None:
    found = _found("`LOG_LEVEL` accepts `debug`, `info`, `warn` or `error`.\n")
    assert [(line, rule) for line, rule, _ in found] == [(1, "fact/allowed")]
    assert "LOG_LEVEL is 'error' here" in found[0][2]
    assert _found("`LOG_LEVEL` accepts `debug`, `info` or `warn`.\n") == []
