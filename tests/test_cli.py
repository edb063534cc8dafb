"""``br-ops``: validate, schema and migrate, in-process (CliRunner) and as a real command."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path
from typing import TYPE_CHECKING

import pytest
from click.testing import CliRunner, Result
from manifest_docs.cli import main
from manifest_docs.dump import same_facts
from manifest_docs.load import MANIFEST_ENV, load_manifest

if TYPE_CHECKING:
    from collections.abc import Callable

REPO = Path(__file__).resolve().parents[1]
COMMITTED_SCHEMA = REPO / "schema" / "manifest.schema.json"
BIN = Path(sys.executable).parent
BR_OPS = BIN / "br-ops"
CHECK_JSONSCHEMA = BIN / "check-jsonschema"
SUMMARY = "valid — 4 services (3 active, 1 planned), 2 domains, 2 cost lines, 2 phases"


@pytest.fixture(autouse=True)
def _no_manifest_from_the_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    """Discovery tests set ``$BR_MANIFEST`` themselves; nobody else may leak one in."""
    monkeypatch.delenv(MANIFEST_ENV, raising=False)


def invoke(*args: str) -> Result:
    return CliRunner().invoke(main, list(args))


def run(
    *args: str, cwd: Path, env: dict[str, str] | None = None
) -> subprocess.CompletedProcess[str]:
    environ = {k: v for k, v in os.environ.items() if k != MANIFEST_ENV}
    environ.update(env or {})
    return subprocess.run(
        [str(BR_OPS), *args],
        cwd=cwd,
        env=environ,
        capture_output=True,
        text=True,
        check=False,
    )


def bad_manifest(text: str) -> str:
    """The minimal manifest with three independent mistakes."""
    text = text.replace("memory: 256MB", "memory: lots")
    text = text.replace("description: Main API", "description: 42")
    return text.replace("    period: month\n    phase: 2", "    period: fortnight\n    phase: 2")


# --------------------------------------------------------------------------- validate


def test_validate_prints_a_one_line_summary(
    minimal_manifest: str, write_manifest: Callable[..., Path]
) -> None:
    path = write_manifest(minimal_manifest)
    result = invoke("validate", "--manifest", str(path))
    assert result.exit_code == 0
    assert result.stdout == f"{path}: {SUMMARY}\n"
    # A v1 file loads; the owner hears, on stderr, how to upgrade it.
    assert result.stderr == (
        f"note: {path}: schema v1 still loads; 'br-ops migrate {path} -o {path}' "
        "upgrades it to v2\n"
    )


def test_validate_invalid_manifest_lists_every_problem_and_exits_2(
    minimal_manifest: str, write_manifest: Callable[..., Path]
) -> None:
    path = write_manifest(bad_manifest(minimal_manifest))
    result = invoke("validate", "-m", str(path))
    assert result.exit_code == 2
    assert result.stdout == ""
    lines = result.stderr.splitlines()
    assert [line.split(": ", 2)[1] for line in lines[:-1]] == [
        "services.redis.resources.memory",
        "services.backend.description",
        "costs[1].period",
    ]
    for line in lines[:-1]:
        file, lineno, col, _ = line.split(":", 3)
        assert file == str(path)
        assert lineno.isdigit()
        assert col.isdigit()
    assert lines[-1] == f"{path}: 3 problems; nothing was changed"
    assert "Traceback" not in result.output
    assert isinstance(result.exception, SystemExit)


def test_validate_as_a_command_succeeds(
    minimal_manifest: str, write_manifest: Callable[..., Path], tmp_path: Path
) -> None:
    write_manifest(minimal_manifest)
    proc = run("validate", cwd=tmp_path)
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout == f"manifest.yml: {SUMMARY}\n"
    assert "schema v1 still loads" in proc.stderr


def test_validate_as_a_command_prints_located_problems_without_a_traceback(
    minimal_manifest: str, write_manifest: Callable[..., Path], tmp_path: Path
) -> None:
    text = bad_manifest(minimal_manifest)
    write_manifest(text)
    proc = run("validate", cwd=tmp_path)
    assert proc.returncode == 2
    assert proc.stdout == ""
    assert "Traceback" not in proc.stderr
    memory = text.count("\n", 0, text.index("lots")) + 1
    assert proc.stderr.splitlines() == [
        f"manifest.yml:{memory}:15: services.redis.resources.memory: "
        "expected a size like '256MB', got 'lots'",
        f"manifest.yml:{memory + 5}:18: services.backend.description: expected text, got 42 "
        "(put it in quotes)",
        f"manifest.yml:{text.count(chr(10), 0, text.index('fortnight')) + 1}:13: "
        "costs[1].period: expected one of 'month', 'year', got 'fortnight'",
        "manifest.yml: 3 problems; nothing was changed",
    ]


@pytest.mark.parametrize(
    ("content", "expected"),
    [
        (
            b"",
            "manifest.yml:1:1: file is empty; expected a mapping starting with 'schema_version: 2'",
        ),
        (b"a: \xff\n", "manifest.yml:1:4: not valid UTF-8 (byte 0xff); save the file as UTF-8"),
        (
            b"x: " + b"[" * 200_000,
            "manifest.yml:1:67: nested more than 64 levels deep; a manifest needs far fewer",
        ),
        (
            b"x: !!python/object/apply:os.system ['true']\n",
            "manifest.yml:1:4: x: YAML tag '!!python/object/apply:os.system' is not allowed "
            "(it would run code); write plain values",
        ),
    ],
)
def test_validate_as_a_command_survives_hostile_files(
    write_manifest: Callable[..., Path], tmp_path: Path, content: bytes, expected: str
) -> None:
    write_manifest(content)
    proc = run("validate", cwd=tmp_path)
    assert proc.returncode == 2
    assert proc.stderr.splitlines() == [expected, "manifest.yml: 1 problem; nothing was changed"]


def test_validate_legacy_manifest_prints_warnings_and_succeeds(
    write_manifest: Callable[..., Path],
) -> None:
    path = write_manifest(
        'workspace: "Example"\nprojects:\n  core:\n    status: "active"\n    phase: 1\n'
        '    services:\n      api:\n        kind: "backend"\n'
    )
    result = invoke("validate", "--manifest", str(path))
    assert result.exit_code == 0
    assert result.stdout == (
        f"{path}: valid (legacy format) — 1 service (1 active), 0 domains, 0 cost lines, 1 phase\n"
    )
    assert result.stderr.startswith(f"{path}:1:1: warning: legacy manifest format detected")


# --------------------------------------------------------------------------- discovery


def test_manifest_option_beats_the_environment_variable(
    minimal_manifest: str, write_manifest: Callable[..., Path], monkeypatch: pytest.MonkeyPatch
) -> None:
    good = write_manifest(minimal_manifest, "good.yml")
    bad = write_manifest("schema_version: 2\n", "bad.yml")
    monkeypatch.setenv(MANIFEST_ENV, str(bad))
    result = invoke("validate", "--manifest", str(good))
    assert result.exit_code == 0
    assert result.stdout == f"{good}: {SUMMARY}\n"


def test_environment_variable_beats_the_manifest_in_cwd(
    minimal_manifest: str,
    write_manifest: Callable[..., Path],
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    write_manifest("schema_version: 2\n")  # manifest.yml in cwd: must not be read
    good = write_manifest(minimal_manifest, "elsewhere/good.yml")
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv(MANIFEST_ENV, str(good))
    result = invoke("validate")
    assert result.exit_code == 0, result.stderr
    assert result.stdout == f"elsewhere/good.yml: {SUMMARY}\n"


def test_environment_variable_naming_a_missing_file_is_reported(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv(MANIFEST_ENV, str(tmp_path / "gone.yml"))
    result = invoke("validate")
    assert result.exit_code == 2
    assert result.stderr.splitlines()[0] == (
        "gone.yml: no such file; create it or pass --manifest PATH"
    )


def test_manifest_in_cwd_is_found(
    minimal_manifest: str,
    write_manifest: Callable[..., Path],
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    write_manifest(minimal_manifest)
    monkeypatch.chdir(tmp_path)
    result = invoke("validate")
    assert result.exit_code == 0
    assert result.stdout == f"manifest.yml: {SUMMARY}\n"


def test_manifest_in_a_parent_directory_is_found(
    minimal_manifest: str,
    write_manifest: Callable[..., Path],
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    manifest = write_manifest(minimal_manifest)
    deep = tmp_path / "docs" / "deep"
    deep.mkdir(parents=True)
    monkeypatch.chdir(deep)
    result = invoke("validate")
    assert result.exit_code == 0, result.stderr
    assert result.stdout == f"{manifest.resolve()}: {SUMMARY}\n"


def test_nearest_manifest_wins_over_one_further_up(
    minimal_manifest: str,
    write_manifest: Callable[..., Path],
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    write_manifest("schema_version: 2\n")
    write_manifest(minimal_manifest, "sub/manifest.yml")
    (tmp_path / "sub" / "deeper").mkdir()
    monkeypatch.chdir(tmp_path / "sub" / "deeper")
    result = invoke("validate")
    assert result.exit_code == 0, result.stderr
    assert result.stdout == f"{(tmp_path / 'sub' / 'manifest.yml').resolve()}: {SUMMARY}\n"


def test_no_manifest_anywhere_says_how_to_fix_it(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    if any((folder / "manifest.yml").is_file() for folder in tmp_path.resolve().parents):
        pytest.skip("a manifest.yml above the temporary directory would be discovered")
    monkeypatch.chdir(tmp_path)
    result = invoke("validate")
    assert result.exit_code == 2
    assert result.stderr.splitlines() == [
        "manifest.yml: no such file; create it or pass --manifest PATH",
        "manifest.yml: 1 problem; nothing was changed",
    ]


def test_discovery_order_as_a_command(
    minimal_manifest: str, write_manifest: Callable[..., Path], tmp_path: Path
) -> None:
    write_manifest(minimal_manifest)
    broken = write_manifest("schema_version: 2\n", "broken.yml")
    (tmp_path / "sub").mkdir()
    found = run("validate", cwd=tmp_path / "sub")
    assert found.returncode == 0, found.stderr
    from_env = run("validate", cwd=tmp_path / "sub", env={MANIFEST_ENV: str(broken)})
    assert from_env.returncode == 2
    from_option = run(
        "validate",
        "--manifest",
        "../manifest.yml",
        cwd=tmp_path / "sub",
        env={MANIFEST_ENV: str(broken)},
    )
    assert from_option.returncode == 0, from_option.stderr
    assert from_option.stdout == f"../manifest.yml: {SUMMARY}\n"


# --------------------------------------------------------------------------- usage errors


@pytest.mark.parametrize(
    "args",
    [
        ["validate", "--bogus"],
        ["no-such-command"],
        ["migrate"],
        ["validate", "--manifest"],
        ["schema", "extra-argument"],
    ],
)
def test_usage_errors_exit_2(args: list[str]) -> None:
    result = invoke(*args)
    assert result.exit_code == 2
    assert "Error: " in result.stderr
    assert "Traceback" not in result.output


def test_migrate_refuses_a_directory_as_input(tmp_path: Path) -> None:
    result = invoke("migrate", str(tmp_path))
    assert result.exit_code == 2
    assert "is a directory" in result.stderr


def test_usage_error_as_a_command_exits_2(tmp_path: Path) -> None:
    proc = run("validate", "--bogus", cwd=tmp_path)
    assert proc.returncode == 2
    assert "Error: No such option '--bogus'" in proc.stderr
    assert "Traceback" not in proc.stderr


def test_help_and_version_exit_0() -> None:
    assert invoke("--help").exit_code == 0
    assert invoke("validate", "-h").exit_code == 0
    version = invoke("--version")
    assert version.exit_code == 0
    assert version.stdout.startswith("br-ops, version ")


# --------------------------------------------------------------------------- schema


def test_committed_schema_is_up_to_date() -> None:
    result = invoke("schema")
    assert result.exit_code == 0
    committed = COMMITTED_SCHEMA.read_text(encoding="utf-8")
    assert result.stdout == committed, (
        "schema/manifest.schema.json is stale: the model changed but the committed schema "
        "did not; run `make schema` and commit the result"
    )


def test_schema_as_a_command_matches_the_in_process_output(tmp_path: Path) -> None:
    proc = run("schema", cwd=tmp_path)
    assert proc.returncode == 0
    assert proc.stdout == invoke("schema").stdout


def test_schema_is_a_valid_json_schema(tmp_path: Path) -> None:
    schema = tmp_path / "manifest.schema.json"
    schema.write_text(invoke("schema").stdout, encoding="utf-8")
    data = json.loads(schema.read_text(encoding="utf-8"))
    assert data["$schema"] == "https://json-schema.org/draft/2020-12/schema"
    assert data["title"] == "manifest.yml (schema v2)"
    check = subprocess.run(
        [str(CHECK_JSONSCHEMA), "--check-metaschema", str(schema)],
        capture_output=True,
        text=True,
        check=False,
    )
    assert check.returncode == 0, check.stdout + check.stderr


def test_minimal_manifest_validates_against_the_printed_schema(
    minimal_manifest: str, write_manifest: Callable[..., Path], tmp_path: Path
) -> None:
    schema = write_manifest(invoke("schema").stdout, "manifest.schema.json")
    manifest = write_manifest(minimal_manifest)
    check = subprocess.run(
        [str(CHECK_JSONSCHEMA), "--schemafile", str(schema), str(manifest)],
        capture_output=True,
        text=True,
        check=False,
        cwd=tmp_path,
    )
    assert check.returncode == 0, check.stdout + check.stderr


def test_printed_schema_rejects_what_the_loader_rejects(
    minimal_manifest: str, write_manifest: Callable[..., Path], tmp_path: Path
) -> None:
    schema = write_manifest(invoke("schema").stdout, "manifest.schema.json")
    manifest = write_manifest(minimal_manifest.replace("memory: 256MB", "memory: lots"))
    check = subprocess.run(
        [str(CHECK_JSONSCHEMA), "--schemafile", str(schema), str(manifest)],
        capture_output=True,
        text=True,
        check=False,
        cwd=tmp_path,
    )
    assert check.returncode == 1
    assert "'lots' does not match" in check.stdout


def test_repository_manifest_validates_against_the_committed_schema() -> None:
    manifest = REPO / "manifest.yml"
    if not manifest.is_file():
        pytest.skip("no manifest.yml at the repository root yet")
    check = subprocess.run(
        [str(CHECK_JSONSCHEMA), "--schemafile", str(COMMITTED_SCHEMA), str(manifest)],
        capture_output=True,
        text=True,
        check=False,
    )
    assert check.returncode == 0, check.stdout + check.stderr


# --------------------------------------------------------------------------- migrate


LEGACY = """\
workspace: "Example Org"
control_plane_repo: "example/infra"
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
"""


def test_migrate_writes_the_output_atomically(
    write_manifest: Callable[..., Path], tmp_path: Path
) -> None:
    source = write_manifest(LEGACY, "legacy.yml")
    out_dir = tmp_path / "out"
    result = invoke("migrate", str(source), "-o", str(out_dir / "manifest.yml"))
    assert result.exit_code == 0, result.stderr
    assert result.stdout == ""
    assert result.stderr.splitlines()[-1] == f"wrote {out_dir / 'manifest.yml'}"
    assert sorted(p.name for p in out_dir.iterdir()) == ["manifest.yml"]
    assert sorted(p.name for p in tmp_path.iterdir()) == ["legacy.yml", "out"]
    migrated = load_manifest(out_dir / "manifest.yml")
    assert not migrated.legacy
    assert list(migrated.manifest.services) == ["api"]


def test_migrate_replaces_an_existing_file_and_keeps_its_mode(
    write_manifest: Callable[..., Path], tmp_path: Path
) -> None:
    source = write_manifest(LEGACY, "legacy.yml")
    target = write_manifest("old content\n", "manifest.yml")
    target.chmod(0o600)
    result = invoke("migrate", str(source), "--output", str(target))
    assert result.exit_code == 0, result.stderr
    assert target.read_text(encoding="utf-8").startswith("# yaml-language-server")
    assert target.stat().st_mode & 0o777 == 0o600
    assert sorted(p.name for p in tmp_path.iterdir()) == ["legacy.yml", "manifest.yml"]


def test_migrate_of_an_invalid_file_writes_nothing(
    write_manifest: Callable[..., Path], tmp_path: Path
) -> None:
    source = write_manifest(LEGACY.replace("phase: 1", "phase: one"), "legacy.yml")
    target = tmp_path / "manifest.yml"
    result = invoke("migrate", str(source), "-o", str(target))
    assert result.exit_code == 2
    assert f"{source}: 1 problem; nothing was changed" in result.stderr
    assert not target.exists()
    assert sorted(p.name for p in tmp_path.iterdir()) == ["legacy.yml"]


def test_migrate_as_a_command_round_trips(
    write_manifest: Callable[..., Path], tmp_path: Path
) -> None:
    source = write_manifest(LEGACY, "legacy.yml")
    proc = run("migrate", "legacy.yml", "-o", "manifest.yml", cwd=tmp_path)
    assert proc.returncode == 0, proc.stderr
    assert sorted(p.name for p in tmp_path.iterdir()) == ["legacy.yml", "manifest.yml"]
    migrated = load_manifest(tmp_path / "manifest.yml").manifest
    assert migrated.schema_version == 2
    assert same_facts(load_manifest(source).manifest, migrated)


def _read_only(path: Path) -> None:
    """Make ``path`` read-only, or skip when this user may write it anyway (root)."""
    path.chmod(0o555 if path.is_dir() else 0o444)
    if os.access(path, os.W_OK):
        pytest.skip("this user may write read-only files (root): chmod proves nothing")


def test_migrate_onto_a_read_only_file_names_it_and_leaves_it_alone(
    write_manifest: Callable[..., Path], tmp_path: Path
) -> None:
    source = write_manifest(LEGACY, "legacy.yml")
    target = write_manifest("old content\n", "manifest.yml")
    _read_only(target)
    result = invoke("migrate", str(source), "-o", str(target))
    assert result.exit_code == 2
    assert result.stderr.splitlines()[-1] == (
        f"br-ops: cannot write {target}: Permission denied (the file is read-only); "
        f"nothing was written; make {target} (and its folder) writable, or pass another -o FILE"
    )
    assert ".tmp" not in result.stderr
    assert target.read_text(encoding="utf-8") == "old content\n"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["legacy.yml", "manifest.yml"]


def test_migrate_into_a_read_only_folder_names_the_target(
    write_manifest: Callable[..., Path], tmp_path: Path
) -> None:
    source = write_manifest(LEGACY, "legacy.yml")
    folder = tmp_path / "locked"
    folder.mkdir()
    _read_only(folder)
    target = folder / "manifest.yml"
    try:
        result = invoke("migrate", str(source), "-o", str(target))
    finally:
        folder.chmod(0o755)
    assert result.exit_code == 2
    assert result.stderr.splitlines()[-1] == (
        f"br-ops: cannot write {target}: Permission denied (cannot create files in {folder}); "
        f"nothing was written; make {target} (and its folder) writable, or pass another -o FILE"
    )
    assert ".tmp" not in result.stderr
    assert list(folder.iterdir()) == []


@pytest.mark.parametrize(
    ("where", "reason"),
    [("afile/manifest.yml", "Not a directory"), ("adir", "Is a directory")],
    ids=["below-a-file", "onto-a-folder"],
)
def test_migrate_that_cannot_write_names_the_target_not_a_temp_file(
    write_manifest: Callable[..., Path], tmp_path: Path, where: str, reason: str
) -> None:
    source = write_manifest(LEGACY, "legacy.yml")
    (tmp_path / "afile").write_text("a file\n")
    (tmp_path / "adir").mkdir()
    before = sorted(p.relative_to(tmp_path) for p in tmp_path.rglob("*"))
    proc = run("migrate", "legacy.yml", "-o", where, cwd=tmp_path)
    assert proc.returncode == 2
    assert proc.stderr.splitlines()[-1] == (
        f"br-ops: cannot write {where}: {reason}; nothing was written; pass another -o FILE"
    )
    assert "Traceback" not in proc.stderr
    assert sorted(p.relative_to(tmp_path) for p in tmp_path.rglob("*")) == before
    assert source.is_file()


@pytest.mark.skipif(not Path("/dev/full").exists(), reason="needs /dev/full (Linux)")
@pytest.mark.parametrize("args", [["schema"], ["list", "--json"]])
def test_an_output_that_cannot_be_written_is_a_message_not_a_traceback(
    args: list[str], minimal_manifest: str, write_manifest: Callable[..., Path], tmp_path: Path
) -> None:
    write_manifest(minimal_manifest)
    with Path("/dev/full").open("w") as full:
        proc = subprocess.run(
            [str(BIN / "br-ops"), *args],
            cwd=tmp_path,
            stdout=full,
            stderr=subprocess.PIPE,
            text=True,
            check=False,
        )
    assert proc.returncode == 2
    assert proc.stderr == "br-ops: cannot write the output: No space left on device\n"


def test_status_live_rejects_a_timeout_that_is_not_a_number_of_seconds(
    minimal_manifest: str, write_manifest: Callable[..., Path], tmp_path: Path
) -> None:
    write_manifest(minimal_manifest)
    proc = run("status", "--live", "--timeout", "nan", cwd=tmp_path)
    assert proc.returncode == 2
    assert "expected a number of seconds above 0 and at most 600" in proc.stderr
    assert "Traceback" not in proc.stderr
