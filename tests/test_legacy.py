"""The upstream pre-v1 manifest loads, converted, and its problems point at its own lines."""

from __future__ import annotations

from typing import TYPE_CHECKING

import pytest
from click.testing import CliRunner
from manifest_docs.cli import main
from manifest_docs.dump import SCHEMA_COMMENT, dump_manifest, same_facts
from manifest_docs.errors import ManifestError
from manifest_docs.load import LoadedManifest, load_manifest, load_text

if TYPE_CHECKING:
    from collections.abc import Callable
    from pathlib import Path

LEGACY_NOTICE = (
    "warning: legacy manifest format detected (projects/planned_projects); read as "
    "schema v1 ('br-ops migrate' writes it out as schema v2)"
)


def value_position(text: str, key: str) -> tuple[int, int]:
    """(line, column) of the value written after ``key`` (e.g. ``'active_services: '``)."""
    start = text.index(key) + len(key)
    return text.count("\n", 0, start) + 1, start - text.rfind("\n", 0, start)


@pytest.fixture
def upstream(reference: Path) -> Path:
    path = reference / "infra" / "blackroad-manifest.yml"
    if not path.is_file():
        pytest.skip(f"upstream legacy manifest not found at {path}")
    return path


@pytest.fixture
def loaded_upstream(upstream: Path) -> LoadedManifest:
    return load_manifest(upstream)


# --------------------------------------------------------------------------- the upstream file


def test_upstream_manifest_loads_as_legacy(loaded_upstream: LoadedManifest) -> None:
    assert loaded_upstream.legacy
    assert len(loaded_upstream.manifest.services) == 13
    assert loaded_upstream.manifest.schema_version == 1


def test_upstream_services_keep_their_status(loaded_upstream: LoadedManifest) -> None:
    by_status: dict[str, list[str]] = {}
    for name, svc in loaded_upstream.manifest.services.items():
        by_status.setdefault(svc.status.value, []).append(name)
    assert {k: sorted(v) for k, v in by_status.items()} == {
        "active": ["blackroad-backend", "docs-site", "postgres", "redis"],
        "planned": ["agents-api", "agents-worker", "prism-console-web", "public-api", "web-app"],
        "development": ["lucidia-api"],
        "experimental": ["lucidia-lab", "native-ai-quantum-energy", "quantum-math-lab"],
    }


def test_upstream_count_mismatches_are_warnings_at_their_lines(
    upstream: Path, loaded_upstream: LoadedManifest
) -> None:
    text = upstream.read_text(encoding="utf-8")
    active = value_position(text, "active_services: ")
    planned = value_position(text, "planned_services: ")
    warnings = [str(w) for w in loaded_upstream.warnings]
    assert f"{upstream}:1:1: {LEGACY_NOTICE}" in warnings
    assert (
        f"{upstream}:{active[0]}:{active[1]}: warning: deployment_state.active_services: "
        "says 3 active services, but the file lists 4 (blackroad-backend, docs-site, postgres, "
        "redis); v1 computes counts instead"
    ) in warnings
    assert (
        f"{upstream}:{planned[0]}:{planned[1]}: warning: deployment_state.planned_services: "
        "says 11 planned services, but the file lists 5 (agents-api, agents-worker, "
        "prism-console-web, public-api, web-app); v1 computes counts instead"
    ) in warnings
    assert all(w.severity == "warning" for w in loaded_upstream.warnings)
    assert warnings == sorted(warnings, key=lambda w: int(w.split(":")[1]))


def test_upstream_dependencies_come_from_databases_and_caches(
    loaded_upstream: LoadedManifest,
) -> None:
    m = loaded_upstream.manifest
    # databases.primary.service: "Postgres" and caches.primary.service: "Redis"
    assert m.services["blackroad-backend"].depends_on == ["postgres", "redis"]
    assert m.used_by["postgres"] == ["blackroad-backend"]
    assert m.used_by["redis"] == ["blackroad-backend"]


def test_upstream_plain_string_env_vars_become_required_vars(
    loaded_upstream: LoadedManifest,
) -> None:
    env = loaded_upstream.manifest.services["public-api"].env
    assert [v.name for v in env] == [
        "NODE_ENV",
        "CORE_API_URL",
        "AGENTS_API_URL",
        "API_KEYS_ENCRYPTION_KEY",
    ]
    assert {v.tier.value for v in env} == {"required"}
    assert all(v.description for v in env)


def test_upstream_described_env_vars_keep_their_details(loaded_upstream: LoadedManifest) -> None:
    env = {v.name: v for v in loaded_upstream.manifest.services["blackroad-backend"].env}
    assert env["SECRET_KEY"].secret
    assert env["SECRET_KEY"].generate == "openssl rand -hex 32"
    assert env["DEBUG"].allowed == ["True", "False"]
    assert env["DEBUG"].default == "False"
    assert env["ACCESS_TOKEN_EXPIRE_MINUTES"].tier.value == "important"
    assert env["SENTRY_DSN"].tier.value == "optional"


def test_upstream_exported_vars_become_exports(loaded_upstream: LoadedManifest) -> None:
    m = loaded_upstream.manifest
    assert [e.name for e in m.services["postgres"].exports] == ["DATABASE_URL"]
    assert [e.name for e in m.services["redis"].exports] == ["REDIS_URL"]
    assert m.services["redis"].exports[0].format == "redis://host:port/db"
    assert m.exporters == {"DATABASE_URL": ["postgres"], "REDIS_URL": ["redis"]}
    assert all(v.name != "DATABASE_URL" for v in m.services["postgres"].env)


def test_upstream_resources_and_versions_are_typed(loaded_upstream: LoadedManifest) -> None:
    m = loaded_upstream.manifest
    postgres, redis = m.services["postgres"], m.services["redis"]
    assert postgres.version is not None
    assert postgres.version.text == "15+"
    assert postgres.resources is not None
    assert postgres.resources.shared_buffers is not None
    assert postgres.resources.shared_buffers.bytes == 256 * 1024**2
    assert redis.resources is not None
    assert redis.resources.memory is not None
    assert redis.resources.memory.text == "256MB"
    assert m.resolve("PostgreSQL") == "postgres"


# --------------------------------------------------------------------------- small legacy files

SMALL_LEGACY = """\
version: "1.0"
workspace: "Example Org"
control_plane_repo: "example/infra"
deployment_state:
  phase: "Phase 1 - Launch"
projects:
  core:
    description: "Core"
    status: "active"
    phase: 1
    services:
      api:
        kind: "backend"
        env:
          required:
            - "SECRET_KEY"
            - name: "DATABASE_URL"
              description: "Database connection"
        databases:
          primary:
            service: "Postgres"
      postgres:
        kind: "database"
        type: "postgresql"
        version: "15+"
        configuration:
          max_connections: 100
          maxmemory: "256MB"
        env:
          exported:
            - name: "DATABASE_URL"
              description: "Connection string"
"""


def legacy_problems(text: str, write_manifest: Callable[..., Path]) -> tuple[Path, list[str]]:
    path = write_manifest(text, "legacy.yml")
    with pytest.raises(ManifestError) as info:
        load_manifest(path)
    return path, [str(p) for p in info.value.problems if p.severity == "error"]


def test_small_legacy_file_loads(write_manifest: Callable[..., Path]) -> None:
    loaded = load_manifest(write_manifest(SMALL_LEGACY, "legacy.yml"))
    m = loaded.manifest
    assert loaded.legacy
    assert list(m.services) == ["api", "postgres"]
    assert m.services["api"].depends_on == ["postgres"]
    assert [(v.name, v.tier.value) for v in m.services["api"].env] == [
        ("SECRET_KEY", "required"),
        ("DATABASE_URL", "required"),
    ]


def test_bad_value_in_a_legacy_file_points_at_the_legacy_line(
    write_manifest: Callable[..., Path],
) -> None:
    text = SMALL_LEGACY.replace('maxmemory: "256MB"', 'maxmemory: "lots"')
    path, found = legacy_problems(text, write_manifest)
    line, col = value_position(text, "maxmemory: ")
    assert found == [
        f"{path}:{line}:{col}: services.postgres.resources.memory: "
        "expected a size like '256MB', got 'lots'"
    ]


def test_bad_version_in_a_legacy_file_points_at_the_legacy_line(
    write_manifest: Callable[..., Path],
) -> None:
    text = SMALL_LEGACY.replace('version: "15+"', 'version: "fifteen"')
    path, found = legacy_problems(text, write_manifest)
    line, col = value_position(text, "    version: ")
    assert found == [
        f"{path}:{line}:{col}: services.postgres.version: expected a version like '15+' or "
        "'3.11', got 'fifteen'"
    ]


def test_bad_group_status_points_at_the_group_line(write_manifest: Callable[..., Path]) -> None:
    text = SMALL_LEGACY.replace('status: "active"', 'status: "activ"')
    path, found = legacy_problems(text, write_manifest)
    line, col = value_position(text, "status: ")
    expected = (
        "expected one of 'active', 'development', 'planned', 'experimental', 'retired', "
        "got 'activ' (did you mean 'active'?)"
    )
    # Both services inherit the group's status: each is reported at the group's line.
    assert found == [
        f"{path}:{line}:{col}: services.api.status: {expected}",
        f"{path}:{line}:{col}: services.postgres.status: {expected}",
    ]


def test_bad_plain_string_env_var_points_at_its_list_item(
    write_manifest: Callable[..., Path],
) -> None:
    text = SMALL_LEGACY.replace('- "SECRET_KEY"', '- "secret-key"')
    path, found = legacy_problems(text, write_manifest)
    line, col = value_position(text, "            - ")
    assert found == [
        f"{path}:{line}:{col}: services.api.env[0].name: expected an UPPER_SNAKE_CASE name "
        "like 'DATABASE_URL', got 'secret-key'"
    ]


def test_credential_in_a_legacy_file_points_at_the_legacy_line(
    write_manifest: Callable[..., Path],
) -> None:
    text = SMALL_LEGACY.replace(
        '              description: "Database connection"\n',
        '              description: "Database connection"\n'
        '              example: "postgresql://admin:hunter2@db:5432/app"\n',
    )
    path, found = legacy_problems(text, write_manifest)
    line, col = value_position(text, "example: ")
    assert len(found) == 1
    assert found[0].startswith(
        f"{path}:{line}:{col}: services.api.env[1].example: looks like a password inside a URL"
    )
    assert "hunter2" not in found[0]


def test_legacy_warnings_come_back_with_the_errors(write_manifest: Callable[..., Path]) -> None:
    text = SMALL_LEGACY.replace('maxmemory: "256MB"', 'maxmemory: "lots"')
    with pytest.raises(ManifestError) as info:
        load_manifest(write_manifest(text, "legacy.yml"))
    assert [p.severity for p in info.value.problems] == ["warning", "error"]


def test_v1_file_is_not_mistaken_for_legacy(minimal_manifest: str) -> None:
    assert not load_text(minimal_manifest).legacy


# --------------------------------------------------------------------------- migrate round trip


def test_migrate_output_loads_as_v1_and_yields_an_equal_model(
    upstream: Path, loaded_upstream: LoadedManifest, tmp_path: Path
) -> None:
    out = tmp_path / "manifest.yml"
    result = CliRunner().invoke(main, ["migrate", str(upstream), "-o", str(out)])
    assert result.exit_code == 0, result.output
    migrated = load_manifest(out)
    assert not migrated.legacy
    assert migrated.warnings == []
    assert same_facts(loaded_upstream.manifest, migrated.manifest)


def test_migrate_output_starts_with_the_schema_comment_and_a_review_note(
    upstream: Path,
) -> None:
    result = CliRunner().invoke(main, ["migrate", str(upstream)])
    assert result.exit_code == 0, result.output
    lines = result.stdout.splitlines()
    assert lines[0] + "\n" == SCHEMA_COMMENT
    assert lines[1] == (
        f"# Converted by 'br-ops migrate' from {upstream}; review before committing."
    )
    assert lines[2] == "schema_version: 2"
    assert same_facts(load_manifest(upstream).manifest, load_text(result.stdout).manifest)


def test_dumping_a_v1_manifest_round_trips(minimal_manifest: str) -> None:
    original = load_text(minimal_manifest).manifest
    text = dump_manifest(original)
    assert same_facts(original, load_text(text).manifest)
    assert dump_manifest(load_text(text).manifest) == text


def test_dumping_the_small_legacy_file_round_trips(write_manifest: Callable[..., Path]) -> None:
    loaded = load_manifest(write_manifest(SMALL_LEGACY, "legacy.yml"))
    again = load_text(dump_manifest(loaded.manifest))
    assert not again.legacy
    assert same_facts(loaded.manifest, again.manifest)


def test_a_projects_section_that_is_not_a_mapping_is_a_warning_not_silence() -> None:
    text = 'workspace: "Example"\nprojects: 5\nplanned_projects:\n  web:\n    repo: a/b\n'
    loaded = load_text(text)
    assert list(loaded.manifest.services) == ["web"]
    assert (
        "manifest.yml:2:11: warning: projects: expected a mapping of projects, got int; "
        "skipped" in [str(w) for w in loaded.warnings]
    )


def test_legacy_runbooks_go_to_the_one_active_backend(loaded_upstream: LoadedManifest) -> None:
    books = loaded_upstream.manifest.services["blackroad-backend"].runbooks
    assert [(b.title, b.kind) for b in books] == [
        ("Manual deploy", "deployment"),
        ("Rollback", "deployment"),
        ("Service down", "incident"),
        ("Database issues", "incident"),
    ]
    assert books[0].steps[0] == "git checkout main"
    dropped = [str(w) for w in loaded_upstream.warnings if "not carried over" in str(w)]
    assert dropped
    assert dropped[0].endswith("not carried over: migrations")
