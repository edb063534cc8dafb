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


# --------------------------------------------------------------------------- the files


def test_files_rendered_per_service() -> None:
    m = load_text(RENDER_MANIFEST).manifest
    assert [f.path for f in artefacts.render_files(m)] == EXPECTED


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
    assert out.startswith("would write 6 files to deploy/:\n")
    for path in EXPECTED:
        assert f"new       deploy/{path}" in out
    assert out.rstrip().endswith("run: br-ops render --write")
    assert not (project / "deploy").exists()


def test_write_then_check_passes(project: Path) -> None:
    code, out, _ = render(project, "--write")
    assert code == 0
    assert "deploy/: 6 written, 0 removed, 0 unchanged" in out
    m = load_manifest(project / "manifest.yml").manifest
    for f in artefacts.render_files(m):
        assert (project / "deploy" / f.path).read_bytes() == f.text.encode("utf-8")
    code, out, _ = render(project, "--check")
    assert code == 0
    assert out == "deploy/: 6 generated files up to date\n"
    before = {p: p.stat().st_mtime_ns for p in (project / "deploy").rglob("*") if p.is_file()}
    code, out, _ = render(project, "--write")
    assert "0 written, 0 removed, 6 unchanged" in out
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
    (deploy / "old").mkdir()
    (deploy / "old" / "railway.toml").write_text("stale\n")
    (deploy / "README.md").write_text("kept\n")
    (deploy / "api" / "notes.txt").write_text("kept\n")
    code, out, _ = render(project, "--check")
    assert code == 1
    assert "deploy/docs/.env.example: new\n--- /dev/null\n+++ b/deploy/docs/.env.example" in out
    assert "deploy/old/railway.toml: stale\n--- a/deploy/old/railway.toml\n+++ /dev/null" in out
    assert "-stale" in out
    code, out, _ = render(project, "--write")
    assert code == 0
    assert "wrote deploy/docs/.env.example" in out
    assert "removed deploy/old/railway.toml" in out
    assert not (deploy / "old").exists()
    assert (deploy / "README.md").read_text() == "kept\n"
    assert (deploy / "api" / "notes.txt").read_text() == "kept\n"
    assert render(project, "--check")[0] == 0


def test_json_shape(project: Path) -> None:
    code, out, _ = render(project, "--check", "--json")
    assert code == 1
    data = json.loads(out)
    assert set(data) == {"out", "mode", "up_to_date", "files", "written", "removed", "fix"}
    assert data["mode"] == "check"
    assert data["up_to_date"] is False
    assert data["fix"] == "br-ops render --write"
    assert [f["path"] for f in data["files"]] == [f"deploy/{p}" for p in EXPECTED]
    assert {f["state"] for f in data["files"]} == {"new"}
    assert set(data["files"][0]) == {"path", "state", "diff"}
    code, out, _ = render(project, "--write", "--json")
    data = json.loads(out)
    assert data["written"] == [f"deploy/{p}" for p in EXPECTED]
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
    assert [(d.path, d.kind) for d in diffs] == [(p, "missing") for p in EXPECTED]
    assert diffs[0].diff.startswith("--- /dev/null\n+++ b/deploy/api/.env.example\n")
    artefacts.write_rendered(m, tmp_path / "deploy")
    assert artefacts.diff_rendered(m, tmp_path / "deploy") == []
    target = tmp_path / "deploy" / "api" / "railway.toml"
    target.write_text(target.read_text().rstrip("\n"))  # drop the trailing newline
    (diff,) = artefacts.diff_rendered(m, tmp_path / "deploy", label="deploy")
    assert diff.kind == "changed"
    assert "\\ No newline at end of file" in diff.diff
