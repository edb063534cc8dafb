"""One verdict: ``mkdocs build --strict`` and ``br-ops check`` agree on every finding.

Both run as real commands on the same project (the fixture manifest, its review date
moved into the past): they must exit alike and name the same findings, whether
``strict_freshness`` makes the overdue review fail or leaves it informational.
"""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

import pytest
from sitekit import FIXTURE_MANIFEST, subprocess_env, write_project

BIN = Path(sys.executable).parent
OVERDUE = (
    FIXTURE_MANIFEST.read_text("utf-8")
    .replace("last_reviewed: 2026-01-10", "last_reviewed: 2024-01-10")
    .replace("next_review: 2099-01-10", "next_review: 2024-06-01")
)
REVIEW_LINE = next(
    i for i, line in enumerate(OVERDUE.splitlines(), 1) if "next_review: 2024-06-01" in line
)
DRIFT_PAGE = "# Redis\n\n- **Version**: 6.0\n"
"""A hand-written page contradicting the manifest (Redis is 7.2 there)."""

_FINDING = re.compile(r"(?P<file>[\w./-]+):(?P<line>\d+): (?P<rule>[a-z]+/[a-z-]+): ")


def run(*argv: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [str(BIN / argv[0]), *argv[1:]],
        cwd=cwd,
        capture_output=True,
        text=True,
        env=subprocess_env(),
        timeout=300,
        check=False,
    )


def findings(output: str) -> set[tuple[str, int, str]]:
    """(file, line, rule) of every finding named in a command's output."""
    return {(m["file"], int(m["line"]), m["rule"]) for m in _FINDING.finditer(output)}


def both(root: Path) -> tuple[tuple[int, set[tuple[str, int, str]]], ...]:
    """(exit status, findings) of the strict build and of the check, in that order."""
    build = run("mkdocs", "build", "--strict", cwd=root)
    check = run("br-ops", "check", cwd=root)
    assert "Traceback" not in build.stderr + check.stderr
    return (
        (build.returncode, findings(build.stdout + build.stderr)),
        (check.returncode, findings(check.stdout)),
    )


OVERDUE_FINDING = ("manifest.yml", REVIEW_LINE, "freshness/overdue")


@pytest.mark.parametrize(
    ("strict_freshness", "docs", "status", "expected"),
    [
        pytest.param(False, {}, 0, {OVERDUE_FINDING}, id="overdue-informational"),
        pytest.param(True, {}, 1, {OVERDUE_FINDING}, id="overdue-strict"),
        pytest.param(
            False,
            {"redis-notes.md": DRIFT_PAGE},
            1,
            {OVERDUE_FINDING, ("docs/redis-notes.md", 3, "fact/version")},
            id="overdue-and-drift",
        ),
    ],
)
def test_strict_build_and_check_agree(
    tmp_path: Path,
    strict_freshness: bool,
    docs: dict[str, str],
    status: int,
    expected: set[tuple[str, int, str]],
) -> None:
    write_project(
        tmp_path, manifest=OVERDUE, docs=docs, options={"strict_freshness": strict_freshness}
    )
    (build_status, build_found), (check_status, check_found) = both(tmp_path)
    assert build_found == check_found == expected
    assert build_status == check_status == status


def test_informational_finding_is_logged_at_info_level(tmp_path: Path) -> None:
    write_project(tmp_path, manifest=OVERDUE)
    build = run("mkdocs", "build", "--strict", cwd=tmp_path)
    assert build.returncode == 0, build.stderr
    line = next(x for x in build.stderr.splitlines() if "freshness/overdue" in x)
    assert line.startswith("INFO"), line
    check = run("br-ops", "check", cwd=tmp_path)
    assert check.returncode == 0
    assert "freshness/overdue" in check.stdout
    assert check.stderr.strip().endswith("no drift, 1 warning")


def test_command_line_flag_overrides_the_config(tmp_path: Path) -> None:
    write_project(tmp_path, manifest=OVERDUE, options={"strict_freshness": True})
    assert run("br-ops", "check", cwd=tmp_path).returncode == 1
    assert run("br-ops", "check", "--no-strict-freshness", cwd=tmp_path).returncode == 0
    write_project(tmp_path, manifest=OVERDUE)
    assert run("br-ops", "check", "--strict-freshness", cwd=tmp_path).returncode == 1


def test_check_reads_docs_dir_from_the_config(tmp_path: Path) -> None:
    write_project(tmp_path, docs={"redis-notes.md": DRIFT_PAGE})
    (tmp_path / "docs").rename(tmp_path / "pages")
    config = tmp_path / "mkdocs.yml"
    config.write_text("docs_dir: pages\n" + config.read_text("utf-8"), "utf-8")
    (build_status, build_found), (check_status, check_found) = both(tmp_path)
    assert build_found == check_found == {("pages/redis-notes.md", 3, "fact/version")}
    assert build_status == check_status == 1


def test_bad_option_in_the_config_is_a_located_usage_error(tmp_path: Path) -> None:
    write_project(tmp_path, options={"strict_freshness": "sometimes"})
    check = run("br-ops", "check", cwd=tmp_path)
    assert check.returncode == 2
    assert "plugins.manifest-docs.strict_freshness: expected true or false" in check.stderr


def test_gate_options_defaults_match_the_plugin_config() -> None:
    from dataclasses import fields

    from manifest_docs.config import ManifestDocsConfig
    from manifest_docs.gate import GateOptions

    plugin_defaults = {name: option.default for name, option in ManifestDocsConfig._schema}
    for f in fields(GateOptions):
        assert plugin_defaults[f.name] == f.default, f.name
