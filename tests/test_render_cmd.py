"""``br-ops render``: deploy files from the manifest, checked and written byte for byte."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import textwrap
import tomllib
from pathlib import Path

import pytest
from click.testing import CliRunner
from manifest_docs import artefacts
from manifest_docs.cli import main
from manifest_docs.drift.committed import README_END, README_START, check_committed
from manifest_docs.load import load_manifest, load_text

BR_OPS = Path(sys.executable).parent / "br-ops"
ROOT = Path(__file__).resolve().parents[1]

RENDER_MANIFEST = textwrap.dedent(
    """\
    schema_version: 1
    organization:
      name: Acme Ops
      control_plane_repo: acme/infra
      docs_url: https://docs.acme.dev
    phases:
      - id: 1
        name: Launch
        status: current
    providers:
      railway:
        name: Railway
        kind: hosting
      github-pages:
        name: GitHub Pages
        kind: hosting
      github:
        name: GitHub
        kind: ci
    services:
      api:
        description: Public API
        kind: backend
        status: active
        phase: 1
        provider: railway
        deploy:
          builder: dockerfile
          dockerfile: api/Dockerfile
          start_command: "uvicorn app:app --port $PORT"
          replicas: 2
          restart_policy: on_failure
          max_retries: 5
          health_check:
            path: /health
            timeout: 5s
        env:
          - name: SECRET_KEY
            tier: required
            description: Signs tokens.
            secret: true
          - name: LOG_LEVEL
            tier: optional
            description: How much to log.
            default: info
      jobs:
        description: Background jobs
        kind: worker
        status: planned
        phase: 1
        provider: railway
        deploy:
          builder: nixpacks
          build_command: "npm ci"
          start_command: "node worker.js"
          restart_policy: always
      db:
        description: Database
        kind: database
        status: active
        phase: 1
        provider: railway
        deploy:
          builder: managed
        exports:
          - name: DATABASE_URL
            description: Connection string.
      docs:
        description: Docs site
        kind: docs
        status: active
        phase: 1
        provider: github-pages
        deploy:
          builder: static
        env:
          - name: SITE_URL
            tier: required
            description: Canonical URL.
            value: https://docs.acme.dev
    ci_cd:
      auto_deploy:
        healthcheck_timeout: 2m
    """
)


@pytest.fixture
def project(tmp_path: Path) -> Path:
    (tmp_path / "manifest.yml").write_text(RENDER_MANIFEST, encoding="utf-8")
    return tmp_path


JOBS = RENDER_MANIFEST[RENDER_MANIFEST.index("  jobs:\n") : RENDER_MANIFEST.index("  db:\n")]


def drop_jobs(project: Path) -> None:
    """Remove the ``jobs`` service from the project's manifest (its files become stale)."""
    manifest = project / "manifest.yml"
    manifest.write_text(manifest.read_text(encoding="utf-8").replace(JOBS, ""), encoding="utf-8")


def render(project: Path, *args: str) -> tuple[int, str, str]:
    """Run ``br-ops render`` in-process from ``project`` (so paths are relative to it)."""
    cwd = Path.cwd()
    os.chdir(project)
    try:
        result = CliRunner().invoke(main, ["render", *args], env={"BR_MANIFEST": ""})
    finally:
        os.chdir(cwd)
    if result.exception and not isinstance(result.exception, SystemExit):
        raise result.exception
    return result.exit_code, result.stdout, result.stderr


def proc(*args: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if k != "BR_MANIFEST"}
    return subprocess.run(
        [str(BR_OPS), *args],
        cwd=cwd,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )


EXPECTED = [
    "api/.env.example",
    "api/railway.json",
    "api/railway.toml",
    "docs/.env.example",
    "jobs/railway.json",
    "jobs/railway.toml",
]
RECORD = artefacts.RECORD_NAME
ALL = [RECORD, *EXPECTED]
"""Everything ``render`` writes: the record first (``.`` sorts before letters)."""


# --------------------------------------------------------------------------- the files


def test_files_rendered_per_service() -> None:
    m = load_text(RENDER_MANIFEST).manifest
    assert [f.path for f in artefacts.render_files(m)] == ALL


def test_railway_config_follows_railways_field_names() -> None:
    m = load_text(RENDER_MANIFEST).manifest
    api = artefacts.railway_config("api", m.services["api"], m)
    assert api == {
        "build": {"builder": "DOCKERFILE", "dockerfilePath": "api/Dockerfile"},
        "deploy": {
            "startCommand": "uvicorn app:app --port $PORT",
            "healthcheckPath": "/health",
            "healthcheckTimeout": 120,  # ci_cd.auto_deploy.healthcheck_timeout, in seconds
            "restartPolicyType": "ON_FAILURE",
            "restartPolicyMaxRetries": 5,
            "numReplicas": 2,
        },
    }
    jobs = artefacts.railway_config("jobs", m.services["jobs"], m)
    assert jobs == {
        "build": {"builder": "NIXPACKS", "buildCommand": "npm ci"},
        "deploy": {
            "startCommand": "node worker.js",
            "restartPolicyType": "ALWAYS",
            "numReplicas": 1,
        },
    }
    assert artefacts.railway_config("db", m.services["db"], m) is None  # managed database
    assert artefacts.railway_config("docs", m.services["docs"], m) is None  # not on Railway


def test_json_and_toml_say_the_same_thing_deterministically() -> None:
    m = load_text(RENDER_MANIFEST).manifest
    files = {f.path: f.text for f in artefacts.render_files(m)}
    as_json = json.loads(files["api/railway.json"])
    assert as_json["$schema"] == "https://railway.com/railway.schema.json"
    assert files["api/railway.json"].startswith('{\n  "$schema"')
    as_toml = tomllib.loads(files["api/railway.toml"])
    assert as_toml == {k: v for k, v in as_json.items() if k != "$schema"}
    for text in files.values():
        assert text.endswith("\n")
        assert not text.endswith("\n\n")
    assert list(as_json["deploy"]) == sorted(as_json["deploy"])
    again = {f.path: f.text for f in artefacts.render_files(load_text(RENDER_MANIFEST).manifest)}
    assert again == files


def test_env_example_is_the_sites_env_example() -> None:
    m = load_text(RENDER_MANIFEST).manifest
    files = {f.path: f.text for f in artefacts.render_files(m)}
    assert files["api/.env.example"] == artefacts.env_example("api", m.services["api"])
    assert "SECRET_KEY=\n" in files["api/.env.example"]


def test_toml_strings_escape_quotes_and_backslashes() -> None:
    text = RENDER_MANIFEST.replace(
        'start_command: "node worker.js"', 'start_command: "node -e \\"a\\\\b\\""'
    )
    m = load_text(text).manifest
    toml = {f.path: f.text for f in artefacts.render_files(m)}["jobs/railway.toml"]
    assert tomllib.loads(toml)["deploy"]["startCommand"] == 'node -e "a\\b"'


# --------------------------------------------------------------------------- the command


def test_no_flag_prints_what_would_be_written(project: Path) -> None:
    code, out, _ = render(project)
    assert code == 0
    assert out.startswith("would write 7 files to deploy/:\n")
    for path in ALL:
        assert f"new       deploy/{path}" in out
    assert out.rstrip().endswith("run: br-ops render --write")
    assert not (project / "deploy").exists()


def test_write_then_check_passes(project: Path) -> None:
    code, out, _ = render(project, "--write")
    assert code == 0
    assert "deploy/: 7 written, 0 removed, 0 unchanged" in out
    m = load_manifest(project / "manifest.yml").manifest
    for f in artefacts.render_files(m):
        assert (project / "deploy" / f.path).read_bytes() == f.text.encode("utf-8")
    code, out, _ = render(project, "--check")
    assert code == 0
    assert out == "deploy/: 7 generated files up to date\n"
    before = {p: p.stat().st_mtime_ns for p in (project / "deploy").rglob("*") if p.is_file()}
    code, out, _ = render(project, "--write")
    assert "0 written, 0 removed, 7 unchanged" in out
    after = {p: p.stat().st_mtime_ns for p in (project / "deploy").rglob("*") if p.is_file()}
    assert before == after  # unchanged files are not rewritten


def test_check_fails_with_a_diff_and_the_fix(project: Path) -> None:
    render(project, "--write")
    manifest = project / "manifest.yml"
    manifest.write_text(
        manifest.read_text().replace("replicas: 2", "replicas: 3"), encoding="utf-8"
    )
    code, out, _ = render(project, "--check")
    assert code == 1
    assert "deploy/api/railway.json: changed" in out
    assert "--- a/deploy/api/railway.json\n+++ b/deploy/api/railway.json" in out
    assert '-    "numReplicas": 2,\n+    "numReplicas": 3,' in out
    assert "-numReplicas = 2\n+numReplicas = 3" in out
    assert out.rstrip().endswith("2 generated files out of date; run: br-ops render --write")


def test_missing_and_stale_files_and_foreign_files(project: Path) -> None:
    render(project, "--write")
    deploy = project / "deploy"
    (deploy / "docs" / ".env.example").unlink()
    drop_jobs(project)
    (deploy / "old").mkdir()
    (deploy / "old" / "railway.toml").write_text("not ours\n")
    (deploy / "README.md").write_text("kept\n")
    (deploy / "api" / "notes.txt").write_text("kept\n")
    code, out, _ = render(project, "--check")
    assert code == 1
    assert "deploy/docs/.env.example: new\n--- /dev/null\n+++ b/deploy/docs/.env.example" in out
    assert "deploy/jobs/railway.toml: stale\n--- a/deploy/jobs/railway.toml\n+++ /dev/null" in out
    assert "-numReplicas = 1" in out
    assert "old/" not in out  # never written by render: not its business
    code, out, _ = render(project, "--write")
    assert code == 0
    assert "wrote deploy/docs/.env.example" in out
    assert "removed deploy/jobs/railway.json\nremoved deploy/jobs/railway.toml" in out
    assert not (deploy / "jobs").exists()
    assert (deploy / "old" / "railway.toml").read_text() == "not ours\n"
    assert (deploy / "README.md").read_text() == "kept\n"
    assert (deploy / "api" / "notes.txt").read_text() == "kept\n"
    assert render(project, "--check")[0] == 0


def test_json_shape(project: Path) -> None:
    code, out, _ = render(project, "--check", "--json")
    assert code == 1
    data = json.loads(out)
    assert set(data) == {
        "out",
        "mode",
        "up_to_date",
        "files",
        "conflicts",
        "written",
        "removed",
        "fix",
    }
    assert data["conflicts"] == []
    assert data["mode"] == "check"
    assert data["up_to_date"] is False
    assert data["fix"] == "br-ops render --write"
    assert [f["path"] for f in data["files"]] == [f"deploy/{p}" for p in ALL]
    assert {f["state"] for f in data["files"]} == {"new"}
    assert set(data["files"][0]) == {"path", "state", "diff"}
    code, out, _ = render(project, "--write", "--json")
    data = json.loads(out)
    assert data["written"] == [f"deploy/{p}" for p in ALL]
    code, out, _ = render(project, "--json")
    data = json.loads(out)
    assert data["mode"] == "plan"
    assert data["up_to_date"] is True
    assert data["fix"] is None
    assert {f["state"] for f in data["files"]} == {"unchanged"}


def test_out_option_and_the_fix_command_names_it(project: Path) -> None:
    code, out, _ = render(project, "--check", "--out", "build/deploy")
    assert code == 1
    assert "run: br-ops render --write --out build/deploy" in out
    code, _, _ = render(project, "--write", "--out", "build/deploy")
    assert code == 0
    assert (project / "build" / "deploy" / "api" / "railway.toml").is_file()
    assert not (project / "deploy").exists()


def test_usage_errors_exit_2(project: Path) -> None:
    code, _, err = render(project, "--check", "--write")
    assert code == 2
    assert "do not go together" in err
    (project / "afile").write_text("x")
    code, _, err = render(project, "--write", "--out", "afile")
    assert code == 2
    assert "cannot use afile" in err
    assert "Traceback" not in err


def test_default_out_is_next_to_the_manifest(project: Path) -> None:
    sub = project / "sub"
    sub.mkdir()
    result = proc("render", "--write", cwd=sub)
    assert result.returncode == 0, result.stderr
    assert (project / "deploy" / "api" / "railway.json").is_file()
    assert not (sub / "deploy").exists()


# --------------------------------------------------------------------------- the committed files


def test_committed_deploy_files_match_the_manifest() -> None:
    result = proc("render", "--check", cwd=ROOT)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "generated files up to date" in result.stdout
    m = load_manifest(ROOT / "manifest.yml").manifest
    assert artefacts.diff_rendered(m, ROOT / "deploy") == []


def test_check_fails_after_editing_a_copy_of_the_manifest(tmp_path: Path) -> None:
    shutil.copy(ROOT / "manifest.yml", tmp_path / "manifest.yml")
    shutil.copytree(ROOT / "deploy", tmp_path / "deploy")
    assert proc("render", "--check", cwd=tmp_path).returncode == 0
    manifest = tmp_path / "manifest.yml"
    text = manifest.read_text(encoding="utf-8")
    assert "dockerfile: backend/Dockerfile" in text
    manifest.write_text(
        text.replace("dockerfile: backend/Dockerfile", "dockerfile: backend/Dockerfile.prod"),
        encoding="utf-8",
    )
    result = proc("render", "--check", cwd=tmp_path)
    assert result.returncode == 1
    assert "deploy/blackroad-backend/railway.toml: changed" in result.stdout
    assert '-dockerfilePath = "backend/Dockerfile"' in result.stdout
    assert '+dockerfilePath = "backend/Dockerfile.prod"' in result.stdout
    assert "run: br-ops render --write" in result.stdout
    fixed = proc("render", "--write", cwd=tmp_path)
    assert fixed.returncode == 0
    assert proc("render", "--check", cwd=tmp_path).returncode == 0


def test_diff_rendered_is_the_reusable_core(tmp_path: Path) -> None:
    m = load_text(RENDER_MANIFEST).manifest
    diffs = artefacts.diff_rendered(m, tmp_path / "deploy", label="deploy")
    assert [(d.path, d.kind) for d in diffs] == [(p, "missing") for p in ALL]
    assert diffs[1].diff.startswith("--- /dev/null\n+++ b/deploy/api/.env.example\n")
    artefacts.write_rendered(m, tmp_path / "deploy")
    assert artefacts.diff_rendered(m, tmp_path / "deploy") == []
    target = tmp_path / "deploy" / "api" / "railway.toml"
    target.write_text(target.read_text().rstrip("\n"))  # drop the trailing newline
    (diff,) = artefacts.diff_rendered(m, tmp_path / "deploy", label="deploy")
    assert diff.kind == "changed"
    assert "\\ No newline at end of file" in diff.diff


# --------------------------------------------------------------------------- ownership


def snapshot(folder: Path) -> dict[str, bytes]:
    """Every file below ``folder`` (symbolic links not followed) with its bytes."""
    return {
        p.relative_to(folder).as_posix(): p.read_bytes()
        for p in sorted(folder.rglob("*"))
        if p.is_file() and not p.is_symlink()
    }


FOREIGN = {
    "myapp/.env.example": "MINE=1\n",  # a folder that is not a service
    "frontend/railway.json": '{"build": {"builder": "NIXPACKS"}}\n',
    "frontend/railway.toml": "[build]\nbuilder = 'NIXPACKS'\n",
    "api/notes.txt": "kept\n",  # an unrelated file in a service folder
    "README.md": "# Deploy files\n",
    "old/.env.example": "# .env.example for api — generated from manifest.yml; copied here\n",
}
"""Files someone else wrote; ``old/`` holds a copy of a generated file for another folder."""


def put(folder: Path, files: dict[str, str]) -> None:
    for path, text in files.items():
        (folder / path).parent.mkdir(parents=True, exist_ok=True)
        (folder / path).write_text(text, encoding="utf-8")


def test_foreign_files_are_never_changed(project: Path) -> None:
    out = project / "out"
    put(out, FOREIGN)
    before = snapshot(out)
    code, text, _ = render(project, "--check", "--out", "out")
    assert code == 1
    assert "myapp" not in text
    assert "frontend" not in text
    code, text, err = render(project, "--write", "--out", "out")
    assert code == 0, err
    after = snapshot(out)
    assert {p: after[p] for p in before} == before  # every foreign file is still there, as it was
    assert sorted(set(after) - set(before)) == ALL
    assert render(project, "--check", "--out", "out")[0] == 0
    drop_jobs(project)  # the manifest changes: still only render's own files are touched
    assert render(project, "--write", "--out", "out")[0] == 0
    assert {p: snapshot(out)[p] for p in before} == before


def test_out_dot_in_a_monorepo_leaves_the_other_apps_alone(project: Path) -> None:
    put(project, FOREIGN)
    before = snapshot(project)
    result = proc("render", "--write", "--out", ".", cwd=project)
    assert result.returncode == 0, result.stderr
    after = snapshot(project)
    assert {p: after[p] for p in before} == before
    assert sorted(set(after) - set(before)) == ALL
    drop_jobs(project)
    result = proc("render", "--write", "--out", ".", cwd=project)
    assert result.returncode == 0, result.stderr
    assert "removed ./jobs/railway.json\nremoved ./jobs/railway.toml\n" in result.stdout
    assert "myapp" not in result.stdout
    after = snapshot(project)
    assert {p: after[p] for p in before if p != "manifest.yml"} == {
        p: before[p] for p in before if p != "manifest.yml"
    }
    assert not (project / "jobs").exists()


@pytest.mark.parametrize("foreign_too", [False, True], ids=["emptied", "shared"])
def test_stale_files_are_removed_and_their_folder_only_when_empty(
    project: Path, foreign_too: bool
) -> None:
    render(project, "--write")
    jobs = project / "deploy" / "jobs"
    if foreign_too:
        (jobs / "Procfile").write_text("worker: node worker.js\n")
    drop_jobs(project)
    code, out, _ = render(project)
    assert "  remove    deploy/jobs/railway.json\n" in out
    assert "  changed   deploy/.manifest-docs-files\n" in out
    code, out, _ = render(project, "--write")
    assert code == 0
    assert "removed deploy/jobs/railway.json" in out
    assert "wrote deploy/.manifest-docs-files" in out
    if foreign_too:
        assert [p.name for p in jobs.iterdir()] == ["Procfile"]
    else:
        assert not jobs.exists()
    assert "jobs/" not in (project / "deploy" / RECORD).read_text()
    assert render(project, "--check")[0] == 0


def test_a_file_in_the_way_is_a_conflict_and_nothing_is_written(project: Path) -> None:
    deploy = project / "deploy"
    put(deploy, {"api/.env.example": "SECRET_KEY=hand-written\n", **FOREIGN})
    before = snapshot(project)
    code, out, _ = render(project)
    assert code == 0
    assert "  conflict  deploy/api/.env.example\n" in out
    assert "nothing can be written to deploy/" in out
    code, out, _ = render(project, "--check")
    assert code == 1
    assert "deploy/api/.env.example: conflict\n--- a/deploy/api/.env.example\n" in out
    assert "-SECRET_KEY=hand-written\n" in out
    code, out, err = render(project, "--write")
    assert code == 2
    assert out == ""
    assert err.startswith("br-ops: nothing was written to deploy/: 1 path where br-ops writes ")
    assert (
        "  deploy/api/.env.example: a file br-ops did not generate; move it away or delete it\n"
    ) in err
    assert err.endswith("then run: br-ops render --write\n")
    assert snapshot(project) == before  # not even the files that were free, nor the record
    code, out, err = render(project, "--write", "--json")
    assert code == 2
    data = json.loads(out)
    assert data["conflicts"] == [
        {
            "path": "deploy/api/.env.example",
            "reason": "a file br-ops did not generate; move it away or delete it",
        }
    ]
    assert data["written"] == []
    assert snapshot(project) == before
    (deploy / "api" / ".env.example").unlink()  # what the message says to do
    assert render(project, "--write")[0] == 0
    assert render(project, "--check")[0] == 0


def test_a_conflict_can_be_handed_over_by_listing_it_in_the_record(project: Path) -> None:
    render(project, "--write")
    deploy = project / "deploy"
    manifest = project / "manifest.yml"
    jobs_env = textwrap.indent(
        "env:\n  - name: QUEUE\n    tier: required\n    description: Queue name.\n"
        "    value: jobs\n",
        "    ",
    )
    always = "      restart_policy: always\n"
    manifest.write_text(manifest.read_text().replace(always, always + jobs_env), encoding="utf-8")
    (deploy / "jobs" / ".env.example").write_text("QUEUE=mine\n")
    code, _, err = render(project, "--write")
    assert code == 2
    hint = (
        "add the line 'jobs/.env.example' to deploy/.manifest-docs-files to let br-ops replace it"
    )
    assert hint in err
    with (deploy / RECORD).open("a") as record:
        record.write("jobs/.env.example\n")
    code, out, err = render(project, "--write")
    assert code == 0, err
    assert "wrote deploy/jobs/.env.example" in out
    assert "QUEUE=jobs\n" in (deploy / "jobs" / ".env.example").read_text()
    assert render(project, "--check")[0] == 0


def test_the_record_lists_every_generated_file_and_is_byte_stable(project: Path) -> None:
    render(project, "--write")
    first = (project / "deploy" / RECORD).read_bytes()
    assert first.decode() == (
        "# .manifest-docs-files — the files 'br-ops render' generated in this folder from "
        "manifest.yml.\n"
        "# br-ops rewrites or removes only the files listed here and never touches anything else.\n"
        "# Do not edit by hand, except to add a file that br-ops should take over.\n"
        + "".join(f"{p}\n" for p in EXPECTED)
    )
    mtime = (project / "deploy" / RECORD).stat().st_mtime_ns
    render(project, "--write")
    assert (project / "deploy" / RECORD).stat().st_mtime_ns == mtime  # not rewritten
    render(project, "--write", "--out", "again")
    assert (project / "again" / RECORD).read_bytes() == first
    assert artefacts.record_text(reversed(EXPECTED)).encode() == first
    assert artefacts.read_record(first.decode()) == set(EXPECTED)


def test_a_stale_or_missing_record_is_out_of_date(project: Path) -> None:
    render(project, "--write")
    record = project / "deploy" / RECORD
    text = record.read_text()
    record.write_text(text.replace("docs/.env.example\n", ""))
    code, out, _ = render(project, "--check")
    assert code == 1
    assert "deploy/.manifest-docs-files: changed\n" in out
    assert "+docs/.env.example\n" in out
    record.unlink()
    code, out, _ = render(project, "--check")
    assert code == 1
    assert out.startswith("deploy/.manifest-docs-files: new\n")
    assert render(project, "--write")[1].startswith("wrote deploy/.manifest-docs-files\n")
    assert record.read_text() == text


def test_records_are_not_trusted_with_paths_outside_service_folders(project: Path) -> None:
    render(project, "--write")
    outside = project / "outside.txt"
    outside.write_text("keep\n")
    put(project / "deploy", {"myapp/notes.txt": "keep\n", ".hidden/.env.example": "keep\n"})
    with (project / "deploy" / RECORD).open("a") as record:
        record.write("../outside.txt\n/etc/hostname\nmyapp/notes.txt\n.hidden/.env.example\n")
    before = snapshot(project)
    code, out, _ = render(project, "--write")
    assert code == 0
    assert "\nremoved " not in f"\n{out}"
    after = snapshot(project)
    assert {p: after[p] for p in before if p != f"deploy/{RECORD}"} == {
        p: before[p] for p in before if p != f"deploy/{RECORD}"
    }
    assert (project / "deploy" / RECORD).read_bytes() == artefacts.record_text(EXPECTED).encode()


def test_a_service_folder_that_is_a_symbolic_link_is_never_written_through(
    project: Path, tmp_path_factory: pytest.TempPathFactory
) -> None:
    elsewhere = tmp_path_factory.mktemp("elsewhere")
    (elsewhere / ".env.example").write_text(
        "# .env.example for api — generated from manifest.yml\n"
    )
    (project / "deploy").mkdir()
    (project / "deploy" / "api").symlink_to(elsewhere, target_is_directory=True)
    code, _, err = render(project, "--write")
    assert code == 2
    assert "deploy/api/.env.example: a symbolic link, which br-ops never writes through" in err
    assert [p.name for p in elsewhere.iterdir()] == [".env.example"]
    assert not (project / "deploy" / RECORD).exists()


def test_a_folder_written_before_records_is_adopted(project: Path) -> None:
    render(project, "--write")
    deploy = project / "deploy"
    (deploy / RECORD).unlink()  # as an earlier version left it
    toml = deploy / "api" / "railway.toml"
    toml.write_text(toml.read_text().replace("numReplicas = 2", "numReplicas = 1"))
    headed = "# railway.toml for gone — generated from manifest.yml by 'br-ops render';\n"
    put(
        deploy,
        {
            "gone/railway.toml": headed,  # a service since removed: recognisably ours
            "gone/railway.json": "{}\n",  # JSON carries no header: not recognisably ours
            "gone/.env.example": "# .env.example for api — generated from manifest.yml\n",
        },
    )
    code, out, _ = render(project)
    assert "  new       deploy/.manifest-docs-files\n" in out
    assert "  changed   deploy/api/railway.toml\n" in out  # its header says it is generated
    assert "  remove    deploy/gone/railway.toml\n" in out
    assert "gone/railway.json" not in out
    assert "gone/.env.example" not in out  # the header names another folder
    code, out, _ = render(project, "--write")
    assert code == 0
    assert out.splitlines()[:3] == [
        "wrote deploy/.manifest-docs-files",
        "wrote deploy/api/railway.toml",
        "removed deploy/gone/railway.toml",
    ]
    assert sorted(p.name for p in (deploy / "gone").iterdir()) == [".env.example", "railway.json"]
    assert "numReplicas = 2" in toml.read_text()
    assert render(project, "--check")[0] == 0


# --------------------------------------------------------------------------- temp files

KILL_AT_REPLACE = """\
import os, signal, sys
from manifest_docs.cli import main

calls = 0


def kill(frame, event, arg):
    # SIGKILL just before the Nth rename of a finished temp file, as `kill -9` could.
    global calls
    if event == "c_call" and arg is os.replace:
        calls += 1
        if calls == int(sys.argv[1]):
            os.kill(os.getpid(), signal.SIGKILL)


sys.setprofile(kill)
main(sys.argv[2:])
"""


def test_a_killed_write_leaves_an_orphan_that_check_ignores_and_write_removes(
    project: Path,
) -> None:
    script = project / "kill.py"
    script.write_text(KILL_AT_REPLACE)
    env = {k: v for k, v in os.environ.items() if k != "BR_MANIFEST"}
    killed = subprocess.run(
        [sys.executable, str(script), "3", "render", "--write"],
        cwd=project,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert killed.returncode == -9
    deploy = project / "deploy"
    # The first rename put a record listing everything in place, the second one file.
    assert (deploy / RECORD).read_bytes() == artefacts.record_text(EXPECTED).encode()
    assert (deploy / "api" / ".env.example").is_file()
    orphans = list(deploy.rglob("*.tmp"))
    assert [p.relative_to(deploy).as_posix()[:-13] for p in orphans] == ["api/.railway.json"]
    foreign = {
        "api/.railway.json.tmp": "not our pattern\n",
        "api/.notes.txt.abcd1234.tmp": "not a file render owns\n",
        "myapp/..env.example.abcd1234.tmp": "not a folder render owns\n",
        "myapp/.env.example": "MINE=1\n",
    }
    put(deploy, foreign)
    code, out, _ = render(project, "--check")
    assert code == 1
    assert ".tmp" not in out
    assert "deploy/api/railway.json: new" in out
    code, out, _ = render(project, "--write")
    assert code == 0
    assert f"removed deploy/{orphans[0].relative_to(deploy).as_posix()}" in out
    assert not orphans[0].exists()
    assert {p: snapshot(deploy)[p] for p in foreign} == {p: t.encode() for p, t in foreign.items()}
    assert render(project, "--check") == (0, "deploy/: 7 generated files up to date\n", "")


def test_orphans_beside_the_record_and_stale_files_are_removed(project: Path) -> None:
    render(project, "--write")
    deploy = project / "deploy"
    put(
        deploy,
        {"..manifest-docs-files.k2x9_q0a.tmp": "half\n", "jobs/.railway.toml.zz00zz00.tmp": ""},
    )
    assert render(project, "--check")[0] == 0
    drop_jobs(project)
    code, out, _ = render(project, "--write")
    assert code == 0
    assert "removed deploy/..manifest-docs-files.k2x9_q0a.tmp" in out
    assert "removed deploy/jobs/.railway.toml.zz00zz00.tmp" in out
    assert not (deploy / "jobs").exists()
    assert not list(deploy.rglob("*.tmp"))


# --------------------------------------------------------------------------- what --out touches

README_TEXT = f"# Acme\n\n{README_START}\nold table\n{README_END}\n"


def test_out_leaves_readme_and_cname_alone(project: Path) -> None:
    (project / "README.md").write_text(README_TEXT)
    (project / "docs").mkdir()
    (project / "docs" / "CNAME").write_text("old.acme.dev\n")
    code, out, _ = render(project, "--write", "--out", "build/deploy")
    assert code == 0
    assert "README" not in out
    assert (project / "README.md").read_text() == README_TEXT
    assert (project / "docs" / "CNAME").read_text() == "old.acme.dev\n"
    assert sorted(p.name for p in project.iterdir()) == [
        "README.md",
        "build",
        "docs",
        "manifest.yml",
    ]
    code, out, _ = render(project, "--write")  # the default folder: the project's own files too
    assert code == 0
    assert "wrote README.md\nwrote docs/CNAME\n" in out
    assert "| api | active | backend | 1 | — |" in (project / "README.md").read_text()
    assert (project / "docs" / "CNAME").read_text() == "docs.acme.dev\n"


def test_a_conflict_leaves_readme_and_cname_alone_too(project: Path) -> None:
    (project / "README.md").write_text(README_TEXT)
    put(project / "deploy", {"api/railway.toml": "[build]\n"})
    assert render(project, "--write")[0] == 2
    assert (project / "README.md").read_text() == README_TEXT


@pytest.mark.skipif(not hasattr(os, "geteuid"), reason="needs POSIX permissions")
def test_a_read_only_generated_file_stops_the_write_before_it_starts(project: Path) -> None:
    render(project, "--write")
    drop_jobs(project)
    (project / "manifest.yml").write_text(
        (project / "manifest.yml").read_text().replace("replicas: 2", "replicas: 3")
    )
    toml = project / "deploy" / "api" / "railway.toml"
    toml.chmod(0o444)
    if os.access(toml, os.W_OK):
        pytest.skip("running as a user that may write read-only files (root)")
    before = snapshot(project)
    code, _, err = render(project, "--write")
    assert code == 2
    assert err == (
        "br-ops: cannot use deploy: deploy/api/railway.toml: Permission denied "
        "(the file is read-only)\n"
    )
    assert snapshot(project) == before


# --------------------------------------------------------------------------- the drift gate


def test_the_drift_gate_sees_a_missing_record_and_a_conflict(tmp_path: Path) -> None:
    shutil.copy(ROOT / "manifest.yml", tmp_path / "manifest.yml")
    shutil.copytree(ROOT / "deploy", tmp_path / "deploy")
    m = load_manifest(tmp_path / "manifest.yml").manifest
    assert check_committed(m, tmp_path) == []
    (tmp_path / "deploy" / RECORD).unlink()
    [finding] = check_committed(m, tmp_path)
    assert (finding.file, finding.rule) == ("deploy/.manifest-docs-files", "artefact/stale")
    assert finding.message == "is missing; run: br-ops render --write"
    env = tmp_path / "deploy" / "blackroad-backend" / ".env.example"
    env.write_text("PORT=8000\n")
    findings = {f.file: f.message for f in check_committed(m, tmp_path)}
    assert findings["deploy/blackroad-backend/.env.example"] == (
        "is a file br-ops did not generate; move it away or delete it; "
        "then run: br-ops render --write"
    )
