"""Tables whose first column names things by kind, and findings about lists.

A first cell can name its row's subject together with the column's header:
``| docs_deploy |`` under ``Workflow``, ``| 2 | Strategic Split |`` under ``Phase``.
A list the manifest states (a workflow's triggers, a variable's allowed values) is
cited whole when a page contradicts it.
"""

from __future__ import annotations

import functools

from driftkit import REPO_ROOT
from manifest_docs.drift.rules import check_sources
from manifest_docs.load import LoadedManifest, load_manifest


@functools.cache
def _manifest(path: str) -> LoadedManifest:
    return load_manifest(REPO_ROOT / path, shown="manifest.yml")


def _found(path: str, page: str, text: str) -> list[tuple[int, str, str]]:
    return [(f.line, f.rule, f.message) for f in check_sources(_manifest(path), {page: text})]


KESTREL = "examples/kestrel/manifest.yml"
BLACKROAD = "manifest.yml"

WORKFLOWS = """# CI

| Workflow | File | Trigger |
| --- | --- | --- |
| api-ci | `.github/workflows/api.yml` | {triggers} |
"""


def test_a_trigger_column_contradicting_a_workflow_cites_all_its_triggers() -> None:
    found = _found(KESTREL, "index.md", WORKFLOWS.format(triggers="schedule"))
    assert found == [
        (
            5,
            "fact/triggers",
            "api-ci is 'schedule' here, manifest.yml:402 says 'push', 'pull_request' "
            "(ci_cd.workflows[0].triggers)",
        )
    ]


def test_a_trigger_column_that_agrees_says_nothing() -> None:
    assert _found(KESTREL, "index.md", WORKFLOWS.format(triggers="push, pull requests")) == []


def test_a_trigger_column_of_something_else_says_nothing() -> None:
    text = (
        "# Alerts\n\n| Alert | Trigger | Who is paged |\n| --- | --- | --- |\n"
        "| Error spike | more than 50 errors a minute after a push | on-call |\n"
    )
    assert _found(KESTREL, "index.md", text) == []


PHASES = """# Roadmap

| Phase | Name | Status | Target |
| --- | --- | --- | --- |
| 1 | Monolith | current | — |
| 2 | Strategic Split | planned | {target} |
"""


def test_a_phase_row_named_by_its_number_and_name_is_that_phase() -> None:
    found = _found(BLACKROAD, "infrastructure.md", PHASES.format(target="2026-Q3"))
    assert [(line, rule) for line, rule, _ in found] == [(6, "fact/target-date")]
    assert "says '2026-Q2' (phases[1].target)" in found[0][2]


def test_a_phase_row_that_agrees_says_nothing() -> None:
    assert _found(BLACKROAD, "infrastructure.md", PHASES.format(target="2026-Q2")) == []


def test_rows_of_tasks_under_a_phase_column_are_not_the_phase() -> None:
    text = (
        "# Plan\n\n| Phase | Task | Due |\n| --- | --- | --- |\n"
        "| 2 | Move the docs build to its own runner | 2026-Q4 |\n"
    )
    assert _found(BLACKROAD, "guides/deployment.md", text) == []


def test_a_value_outside_a_list_of_allowed_values_cites_the_whole_list() -> None:
    base = (REPO_ROOT / "docs/services/blackroad-backend.md").read_text()
    text = base + "\n`ENVIRONMENT` takes `dev`, `stage` or `prod`.\n"
    found = _found(BLACKROAD, "services/blackroad-backend.md", text)
    allowed = [m for _, rule, m in found if rule == "fact/allowed"]
    assert allowed == [
        "ENVIRONMENT is 'dev' here, manifest.yml:316 says 'development', 'staging', "
        "'production' (services.blackroad-backend.env[3].allowed)"
    ]
