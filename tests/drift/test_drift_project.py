"""Acceptance: the project's own docs agree with its own manifest.yml."""

from __future__ import annotations

import json

from driftkit import REPO_ROOT, br_ops, parse_lines


def test_project_docs_have_no_drift() -> None:
    result = br_ops("check", cwd=REPO_ROOT)
    errors = [f for f in parse_lines(result.stdout) if "freshness/overdue" not in f.rule]
    assert result.returncode == 0, result.stdout + result.stderr
    assert errors == []
    assert "Traceback" not in result.stderr


def test_project_docs_have_no_error_findings_in_json() -> None:
    result = br_ops("check", "--format", "json", cwd=REPO_ROOT)
    assert result.returncode == 0, result.stdout + result.stderr
    payload = json.loads(result.stdout)
    assert payload["counts"]["error"] == 0
    assert [f for f in payload["findings"] if f["severity"] == "error"] == []
