"""The publishing pipeline: workflows validate offline, hooks run, CI runs the README's command."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
import yaml

ROOT = Path(__file__).resolve().parents[1]
BIN = Path(sys.executable).parent
WORKFLOWS = sorted((ROOT / ".github" / "workflows").glob("*.yml"))


def _load(path: Path) -> Any:
    # GitHub's `on:` key is YAML 1.1's boolean True under PyYAML; read it as text.
    return yaml.load(path.read_text("utf-8"), Loader=yaml.BaseLoader)


def test_there_is_exactly_one_publishing_workflow() -> None:
    assert [p.name for p in WORKFLOWS] == ["docs.yml"]


@pytest.mark.parametrize("workflow", WORKFLOWS, ids=lambda p: p.name)
def test_workflow_matches_the_github_schema(workflow: Path) -> None:
    result = subprocess.run(
        [
            str(BIN / "check-jsonschema"),
            "--builtin-schema",
            "vendor.github-workflows",
            str(workflow),
        ],
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 0, result.stdout + result.stderr


def test_docs_workflow_tests_on_pull_requests_and_deploys_main_to_pages() -> None:
    wf = _load(ROOT / ".github" / "workflows" / "docs.yml")
    assert "pull_request" in wf["on"]
    assert wf["on"]["push"]["branches"] == ["main"]
    build = wf["jobs"]["build"]
    runs = [step.get("run", "") for step in build["steps"]]
    assert "make test" in runs
    assert any("mkdocs build --strict" in r for r in runs)
    assert any("br-ops check --format github" in r for r in runs)
    uses = {step.get("uses", "").split("@")[0]: step for step in build["steps"]}
    assert uses["actions/setup-python"]["with"]["cache"] == "pip"
    upload = uses["actions/upload-pages-artifact"]
    assert upload["with"]["path"] == "site"
    assert "pull_request" in upload["if"]
    deploy = wf["jobs"]["deploy"]
    assert deploy["needs"] == "build"
    assert deploy["permissions"] == {"pages": "write", "id-token": "write"}
    assert deploy["environment"]["name"] == "github-pages"
    assert deploy["concurrency"]["group"] == "pages"
    assert deploy["steps"][0]["uses"].startswith("actions/deploy-pages@")
    versions = {s["uses"] for job in wf["jobs"].values() for s in job["steps"] if "uses" in s}
    # The current majors (Node 24 runtimes; GitHub forces Node 24 from June 2026).
    assert versions == {
        "actions/checkout@v6",
        "actions/setup-python@v6",
        "actions/upload-pages-artifact@v5",
        "actions/deploy-pages@v5",
    }


def test_built_site_carries_the_custom_domain_from_the_manifest(tmp_path: Path) -> None:
    from manifest_docs.load import load_manifest

    site = tmp_path / "site"
    env = {**os.environ, "NO_MKDOCS_2_WARNING": "1"}
    subprocess.run(
        [str(BIN / "mkdocs"), "build", "--strict", "--site-dir", str(site)],
        cwd=ROOT,
        env=env,
        check=True,
        capture_output=True,
    )
    docs_url = load_manifest(ROOT / "manifest.yml").manifest.organization.docs_url
    assert (site / "CNAME").read_text("utf-8").strip() == docs_url.split("//")[1].strip("/")


def test_pre_commit_hooks_expose_the_drift_gate_and_render_check() -> None:
    hooks = {h["id"]: h for h in _load(ROOT / ".pre-commit-hooks.yaml")}
    assert hooks["br-ops-check"]["entry"] == "br-ops check"
    assert hooks["br-ops-render-check"]["entry"] == "br-ops render --check"
    for hook in hooks.values():
        assert hook["language"] == "python"
        assert hook["pass_filenames"] == "false"


@pytest.mark.parametrize("entry", ["br-ops check", "br-ops render --check"])
def test_pre_commit_hook_entries_pass_on_this_repository(entry: str) -> None:
    argv = [str(BIN / entry.split(maxsplit=1)[0]), *entry.split()[1:]]
    result = subprocess.run(argv, cwd=ROOT, capture_output=True, text=True, check=False)
    assert result.returncode == 0, result.stdout + result.stderr


def test_local_pre_commit_config_uses_the_project_venv() -> None:
    config = _load(ROOT / ".pre-commit-config.yaml")
    entries = [h["entry"] for repo in config["repos"] for h in repo["hooks"]]
    assert ".venv/bin/br-ops check" in entries
    assert ".venv/bin/br-ops render --check" in entries


def test_ci_script_installs_chromium_and_runs_make_test() -> None:
    script = (ROOT / ".ci" / "run").read_text("utf-8")
    assert os.access(ROOT / ".ci" / "run", os.X_OK)
    assert "apt-get install" in script
    assert "chromium" in script
    assert "REQUIRE_BROWSER=1" in script
    assert script.rstrip().endswith("make test")
