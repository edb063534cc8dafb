"""Per-environment overrides: one merge rule, validated views, located problems.

A service states its shared (production) values; ``environments.NAME`` states only
what differs in that environment. Every reader sees an environment through
:meth:`Manifest.service_in`, which lays the override over the service.
"""

from __future__ import annotations

import io
import json
import subprocess
import sys
from pathlib import Path

import pytest
from dotenv import dotenv_values
from manifest_docs.load import load_text
from manifest_docs.overlay import overlay
from manifestkit import after, at, problems_in, replace_once

BR_OPS = Path(sys.executable).parent / "br-ops"

STAGING = """\
    environments:
      staging:
        status: active
        project: example-staging
        deploy:
          replicas: 1
          target: staging-api.up.railway.app
        resources:
          memory: 128MB
        env:
          - name: LOG_LEVEL
            default: DEBUG
          - name: FEATURE_FLAGS
            tier: optional
            description: Flags switched on in staging only
            value: beta-search
"""

BACKEND_DEPLOY = """\
    deploy:
      replicas: 3
      start_command: uvicorn app:app
      target: api.up.railway.app
      health_check:
        path: /health
        timeout: 30s
"""


def _with_override(minimal_manifest: str, override: str = STAGING) -> str:
    return replace_once(
        minimal_manifest,
        "    health:\n      - path: /health\n",
        ("    health:\n      - path: /health\n" + BACKEND_DEPLOY + override),
    )


def test_override_merges_mappings_key_by_key(minimal_manifest: str) -> None:
    m = load_text(_with_override(minimal_manifest)).manifest
    prod, staging = m.service_in("backend"), m.service_in("backend", "staging")
    assert prod.deploy is not None
    assert staging.deploy is not None
    assert (prod.deploy.replicas, staging.deploy.replicas) == (3, 1)
    # keys the override does not give keep the shared value, nested ones too
    assert staging.deploy.start_command == "uvicorn app:app"
    assert staging.deploy.health_check == prod.deploy.health_check
    assert str(staging.deploy.target) == "staging-api.up.railway.app"
    assert staging.resources is not None
    assert str(staging.resources.memory) == "128MB"
    assert staging.status.value == "active"
    assert staging.project == "example-staging"
    # an environment without an override sees the service itself
    assert m.service_in("backend", "dev") is m.services["backend"]
    assert m.service_in("postgres", "staging") is m.services["postgres"]


def test_env_vars_merge_by_name(minimal_manifest: str) -> None:
    m = load_text(_with_override(minimal_manifest)).manifest
    names = [v.name for v in m.service_in("backend", "staging").env]
    assert names == ["DATABASE_URL", "SECRET_KEY", "LOG_LEVEL", "FEATURE_FLAGS"]
    log = next(v for v in m.service_in("backend", "staging").env if v.name == "LOG_LEVEL")
    assert log.default == "DEBUG"
    assert log.description == "Log verbosity"
    assert log.allowed == ["DEBUG", "INFO", "WARNING"]
    assert [v.name for v in m.service_in("backend").env] == [
        "DATABASE_URL",
        "SECRET_KEY",
        "LOG_LEVEL",
    ]


def test_null_removes_a_shared_value(minimal_manifest: str) -> None:
    text = _with_override(
        minimal_manifest, "    environments:\n      dev:\n        deploy:\n          target: null\n"
    )
    m = load_text(text).manifest
    dev = m.service_in("backend", "dev")
    assert dev.deploy is not None
    assert dev.deploy.target is None
    assert dev.deploy.replicas == 3


def test_view_order_does_not_depend_on_yaml_order(minimal_manifest: str) -> None:
    one = _with_override(minimal_manifest)
    two = replace_once(
        one,
        "        status: active\n        project: example-staging\n",
        "        project: example-staging\n        status: active\n",
    )
    a = load_text(one).manifest.service_in("backend", "staging")
    b = load_text(two).manifest.service_in("backend", "staging")
    assert a == b
    assert a.model_dump(mode="json") == b.model_dump(mode="json")


def test_overlay_is_the_one_rule(minimal_manifest: str) -> None:
    m = load_text(_with_override(minimal_manifest)).manifest
    svc = m.services["backend"]
    assert overlay(svc, svc.environments["staging"]) == m.service_in("backend", "staging")


def test_unknown_environment_is_located_with_a_hint(minimal_manifest: str) -> None:
    text = _with_override(
        minimal_manifest, "    environments:\n      stagign:\n        status: active\n"
    )
    (problem,) = problems_in(text)
    assert problem.startswith(at(text, "stagign:"))
    assert "unknown environment 'stagign'" in problem
    assert "did you mean 'staging'" in problem


def test_production_takes_no_override(minimal_manifest: str) -> None:
    text = _with_override(
        minimal_manifest, "    environments:\n      prod:\n        deploy:\n          replicas: 5\n"
    )
    (problem,) = problems_in(text)
    assert problem.startswith(at(text, "prod:\n        deploy"))
    assert "production environment" in problem
    assert "on the service itself" in problem


def test_added_variable_needs_its_description_at_its_line(minimal_manifest: str) -> None:
    text = _with_override(
        minimal_manifest,
        "    environments:\n      staging:\n        env:\n          - name: NEW_FLAG\n"
        "            tier: optional\n",
    )
    (problem,) = problems_in(text)
    assert problem.startswith(at(text, "name: NEW_FLAG"))
    assert "missing required key 'description'" in problem


def test_bad_value_in_override_is_located(minimal_manifest: str) -> None:
    text = _with_override(
        minimal_manifest,
        "    environments:\n      staging:\n        deploy:\n          replicas: -2\n",
    )
    (problem,) = problems_in(text)
    assert problem.startswith(after(text, "replicas: ", 2))
    assert "greater than or equal to 0" in problem


def test_secret_variable_gets_no_literal_in_an_environment(minimal_manifest: str) -> None:
    text = _with_override(
        minimal_manifest,
        "    environments:\n      staging:\n        env:\n          - name: SECRET_KEY\n"
        "            value: not-really-a-secret\n",
    )
    (problem,) = problems_in(text)
    assert problem.startswith(at(text, "not-really"))
    assert "SECRET_KEY is secret" in problem


@pytest.mark.parametrize(
    ("override", "needle", "message"),
    [
        ("        provider: hetzner\n", "hetzner", "unknown provider 'hetzner'"),
        (
            "        env:\n          - name: REDIS_URL\n            provided_by: postgres\n"
            "            tier: required\n            description: Cache\n",
            "postgres\n            tier",
            "'postgres' does not export REDIS_URL",
        ),
        (
            "        env:\n          - name: LOG_LEVEL\n            default: DEBUG\n"
            "          - name: LOG_LEVEL\n            default: INFO\n",
            "LOG_LEVEL\n            default: INFO",
            "LOG_LEVEL is listed twice for staging",
        ),
    ],
)
def test_override_references_are_checked(
    minimal_manifest: str, override: str, needle: str, message: str
) -> None:
    text = _with_override(minimal_manifest, "    environments:\n      staging:\n" + override)
    (problem,) = problems_in(text)
    assert problem.startswith(at(text, needle)), problem
    assert message in problem


def test_credential_in_an_override_is_refused(minimal_manifest: str) -> None:
    token = "ghp_" + "a1B2c3D4e5F6g7H8i9J0k1L2m3N4o5P6q7R8"
    text = _with_override(
        minimal_manifest,
        "    environments:\n      staging:\n        env:\n          - name: LOG_LEVEL\n"
        f"            default: {token}\n",
    )
    problems = problems_in(text)
    assert problems
    assert all(token not in p for p in problems)
    assert any("looks like" in p for p in problems)


def test_cost_environment_is_a_declared_one(minimal_manifest: str) -> None:
    text = replace_once(
        minimal_manifest,
        '    amount: "5.00"\n    period: month\n',
        '    amount: "5.00"\n    period: month\n    environment: stage\n',
    )
    (problem,) = problems_in(text)
    assert problem.startswith(after(text, "environment: "))
    assert "unknown environment 'stage'" in problem


# --------------------------------------------------------------------------- drift


@pytest.mark.parametrize(
    ("sentence", "expected"),
    [
        ("The backend runs 3 replicas.", None),
        ("The backend runs one replica.", None),  # staging's: naming no environment, any agrees
        ("In staging the backend runs a single replica.", None),
        ("The staging backend runs 1 replica; production runs 3.", None),
        ("In staging the backend runs 3 replicas.", "1"),
        ("In production the backend runs 1 replica.", "3"),
        ("The backend runs 5 replicas.", "3"),
        ("On staging the backend has 256MB of memory.", "128MB"),
        ("In staging, the backend runs 3 replicas.", "1"),
        ("Staging runs 1 replica of the backend.", None),
        ("In development, the backend runs 7 replicas.", None),  # no override there: unjudged
    ],
)
def test_drift_compares_with_the_environment_the_text_names(
    minimal_manifest: str, sentence: str, expected: str | None
) -> None:
    from manifest_docs.drift.rules import check_sources

    loaded = load_text(_with_override(minimal_manifest))
    found = list(check_sources(loaded, {"page.md": f"# Backend\n\n{sentence}\n"}))
    if expected is None:
        assert found == [], [f.message for f in found]
        return
    (finding,) = found
    assert f"says {expected!r}" in finding.message or f"says '{expected}'" in finding.message


def test_views_do_not_leak_into_production_pages(minimal_manifest: str) -> None:
    from manifest_docs.drift.rules import check_sources

    loaded = load_text(_with_override(minimal_manifest))
    page = "# Backend\n\nThe backend's `LOG_LEVEL` defaults to `INFO`.\n"
    assert check_sources(loaded, {"page.md": page}) == []


# --------------------------------------------------------------------------- readers


def test_staging_hostnames_point_at_the_staging_target(minimal_manifest: str) -> None:
    text = replace_once(
        _with_override(minimal_manifest),
        "    domains:\n      prod: api.example.com\n",
        "    domains:\n      prod: api.example.com\n      staging: staging.api.example.com\n"
        "      dev: dev.api.example.com\n",
    )
    m = load_text(text).manifest
    rows = {(h.host, h.env): h.record for h in m.dns.hosts}
    prod, staging = rows[("api.example.com", "prod")], rows[("staging.api.example.com", "staging")]
    assert prod is not None
    assert prod.value == "api.up.railway.app"
    assert staging is not None
    assert staging.value == "staging-api.up.railway.app"
    assert staging.loc == ("services", "backend", "environments", "staging", "deploy", "target")
    assert rows[("dev.api.example.com", "dev")] is None  # dev states no target: not guessed


def test_macro_reads_an_environment(minimal_manifest: str) -> None:
    from manifest_docs.facts import FactError, Facts

    facts = Facts(load_text(_with_override(minimal_manifest)).manifest)
    assert str(facts.service("backend", env="staging").deploy.replicas) == "1"
    assert str(facts.service("backend").deploy.replicas) == "3"
    assert str(facts.service("backend", env="prod").deploy.replicas) == "3"
    with pytest.raises(FactError, match=r"unknown environment 'stagin' \(did you mean 'staging'"):
        facts.service("backend", env="stagin")


def _cli(*args: str, manifest: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [str(BR_OPS), *args, "--manifest", str(manifest)],
        capture_output=True,
        text=True,
        check=False,
    )


def test_br_ops_env_prints_an_environment(minimal_manifest: str, tmp_path: Path) -> None:
    path = tmp_path / "manifest.yml"
    path.write_text(_with_override(minimal_manifest), "utf-8")
    staging = _cli("env", "backend", "--env", "staging", "--json", manifest=path)
    assert staging.returncode == 0, staging.stderr
    data = json.loads(staging.stdout)
    assert (data["environment"], data["production"]) == ("staging", False)
    by_name = {v["name"]: v for v in data["variables"]}
    assert by_name["LOG_LEVEL"]["default"] == "DEBUG"
    assert by_name["FEATURE_FLAGS"]["value"] == "beta-search"
    assert by_name["SECRET_KEY"]["value"] is None
    prod = json.loads(_cli("env", "backend", "--json", manifest=path).stdout)
    assert prod["environment"] == "prod"
    assert "FEATURE_FLAGS" not in {v["name"] for v in prod["variables"]}
    text = _cli("env", "backend", "--env", "staging", manifest=path)
    assert text.stdout.startswith("backend (staging): 4 environment variables")
    dotenv = _cli("env", "backend", "--env", "staging", "--format", "dotenv", manifest=path)
    assert dotenv.stdout.startswith("# .env.staging.example for backend (staging environment)")
    assert "\nLOG_LEVEL=DEBUG\n" in dotenv.stdout
    assert "\nFEATURE_FLAGS=beta-search\n" in dotenv.stdout
    bad = _cli("env", "backend", "--env", "stagin", manifest=path)
    assert bad.returncode == 2
    assert "unknown environment 'stagin' (did you mean 'staging'?)" in bad.stderr


def test_render_writes_a_file_per_environment_that_differs(minimal_manifest: str) -> None:
    from manifest_docs.artefacts import render_files

    m = load_text(_with_override(minimal_manifest)).manifest
    files = {f.path: f.text for f in render_files(m)}
    assert "backend/.env.staging.example" in files
    assert "backend/.env.dev.example" not in files  # dev has no override: same as prod
    assert "backend/.env.staging.example" in files[".manifest-docs-files"]
    staging = dotenv_values(stream=io.StringIO(files["backend/.env.staging.example"]))
    prod = dotenv_values(stream=io.StringIO(files["backend/.env.example"]))
    assert (staging["LOG_LEVEL"], prod["LOG_LEVEL"]) == ("DEBUG", "INFO")
    assert staging["SECRET_KEY"] == ""
    assert "FEATURE_FLAGS" not in prod


def test_service_page_lists_what_environments_change(minimal_manifest: str) -> None:
    from manifest_docs.render.pages import render_site

    m = load_text(_with_override(minimal_manifest)).manifest
    site = render_site(m)
    page = next(p.content for p in site.pages if p.src_uri == "services/backend.md")
    section = page[page.index("## By environment") :].split("\n## ", 1)[0]
    assert "What staging changes from prod" in section
    assert "| Setting | prod | staging |" in section
    assert "| Replicas | <code>3</code> | <code>1</code> |" in section
    assert "| Memory | — | <code>128MB</code> |" in section
    assert "| <code>FEATURE&#95;FLAGS</code> | — | fixed beta-search (optional) |" in section
    assert "Start command" not in section  # the same everywhere: not repeated
    postgres = next(p.content for p in site.pages if p.src_uri == "services/postgres.md")
    assert "## By environment" not in postgres
    downloads = {f.src_uri for f in site.files}
    assert "environment/backend.staging.env.example" in downloads
