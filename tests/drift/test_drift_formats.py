"""``br-ops check`` output formats (text, github, json) and exit codes."""

from __future__ import annotations

import json
from typing import TYPE_CHECKING

import pytest
from click.testing import CliRunner
from driftkit import br_ops, fixture_text, none, only, parse_lines, project
from manifest_docs.check_cmd import github_annotation
from manifest_docs.cli import main
from manifest_docs.drift import Finding, format_finding
from manifest_docs.drift.committed import README_END, README_START

if TYPE_CHECKING:
    from pathlib import Path

DRIFTING = {
    "index.md": "# Home\n\nWelcome.\n",
    "data.md": "# PostgreSQL\n\n- **Version**: 14+\n\nSet `DATABSE_URL`.\n",
}
STALE_README = f"# Acme\n\n{README_START}\n| Service |\n| --- |\n{README_END}\n"


@pytest.fixture
def drifting(tmp_path: Path) -> Path:
    return project(tmp_path, DRIFTING, extra={"README.md": STALE_README})


def test_text_format(drifting: Path) -> None:
    result = br_ops("check", cwd=drifting)
    assert result.returncode == 1
    lines = result.stdout.splitlines()
    assert lines[0] == "README.md:3: artefact/stale: the service table is out of date; run: " + (
        "br-ops render --write"
    )
    assert lines[1] == "--- a/README.md"
    assert [(f.file, f.line, f.rule) for f in parse_lines(result.stdout)] == [
        ("README.md", 3, "artefact/stale"),
        ("docs/data.md", 3, "fact/version"),
        ("docs/data.md", 5, "env/unknown"),
    ]
    assert "docs/data.md:3: fact/version: PostgreSQL is '14+' here, manifest.yml:" in result.stdout
    assert result.stderr.strip() == "3 findings"


def test_github_format(drifting: Path) -> None:
    result = br_ops("check", "--format", "github", cwd=drifting)
    assert result.returncode == 1
    lines = result.stdout.splitlines()
    assert len(lines) == 3  # one workflow command per finding: the diff is inside it
    readme, version, env = lines
    assert readme.startswith(
        "::error file=README.md,line=3,title=artefact/stale::the service table is out of date; "
        "run: br-ops render --write%0A--- a/README.md%0A+++ b/README.md%0A"
    )
    assert version.startswith(
        "::error file=docs/data.md,line=3,title=fact/version::PostgreSQL is '14+' here, "
        "manifest.yml:"
    )  # ':' and ',' stay as they are in the message, only properties escape them
    assert env == (
        "::error file=docs/data.md,line=5,title=env/unknown::DATABSE_URL is not an env var of "
        "any service in the manifest, nor a CI secret (did you mean 'DATABASE_URL'?)"
    )
    assert result.stderr == ""  # no text summary to confuse the runner


def test_github_escapes_properties_and_data() -> None:
    finding = Finding(
        "docs/a,b:c%d.md", 7, "fact/x", "100% sure: a, b\r\nnext", "warning", diff="-x\n+y\n"
    )
    assert github_annotation(finding) == (
        "::warning file=docs/a%2Cb%3Ac%25d.md,line=7,title=fact/x::"
        "100%25 sure: a, b%0D%0Anext%0A-x%0A+y%0A"
    )
    whole_file = Finding("docs/CNAME", 0, "artefact/stale", "m")
    assert github_annotation(whole_file) == "::error file=docs/CNAME,title=artefact/stale::m"
    assert format_finding(whole_file) == "docs/CNAME: artefact/stale: m"


def test_github_escapes_a_real_file_name(tmp_path: Path) -> None:
    root = project(tmp_path, {"odd,name:100%.md": "Set `NOPE_VAR`.\n"})
    result = br_ops("check", "--format", "github", cwd=root)
    assert result.returncode == 1
    assert result.stdout.startswith("::error file=docs/odd%2Cname%3A100%25.md,line=1,")


def test_json_format(drifting: Path) -> None:
    result = br_ops("check", "--format", "json", cwd=drifting)
    assert result.returncode == 1
    payload = json.loads(result.stdout)
    assert payload["counts"] == {"error": 3, "warning": 0}
    assert [set(f) for f in payload["findings"]] == [
        {"file", "line", "rule", "severity", "message", "diff"}
    ] * 3
    readme, version, env = payload["findings"]
    assert (readme["file"], readme["line"], readme["rule"]) == ("README.md", 3, "artefact/stale")
    assert readme["diff"].startswith("--- a/README.md\n+++ b/README.md\n")
    assert (version["file"], version["rule"], version["severity"]) == (
        "docs/data.md",
        "fact/version",
        "error",
    )
    assert version["diff"] == ""
    assert env["message"].endswith("(did you mean 'DATABASE_URL'?)")
    assert "fact/*" in payload["rules"]
    assert result.stderr == ""


def test_json_counts_warnings(tmp_path: Path) -> None:
    root = project(
        tmp_path,
        {"index.md": "# Home\n"},
        manifest=fixture_text(("next_review: 2099-01-01", "next_review: 2024-06-01")),
    )
    result = br_ops("check", "--format", "json", cwd=root)
    assert result.returncode == 0
    payload = json.loads(result.stdout)
    assert payload["counts"] == {"error": 0, "warning": 1}
    assert payload["findings"][0]["severity"] == "warning"


def test_exit_0_when_clean(tmp_path: Path) -> None:
    root = project(tmp_path, {"index.md": "# Home\n\nPostgreSQL version 15.\n"})
    result = br_ops("check", cwd=root)
    assert (result.returncode, result.stdout, result.stderr) == (0, "", "no drift\n")


def test_exit_2_on_invalid_manifest(tmp_path: Path) -> None:
    bad = fixture_text(("port: 8080", "port: eighty"))
    root = project(tmp_path, {"index.md": "# Home\n"}, manifest=bad)
    result = br_ops("check", cwd=root)
    assert result.returncode == 2
    assert result.stdout == ""
    assert "manifest.yml:" in result.stderr
    assert "services.api.deploy.port" in result.stderr
    assert "Traceback" not in result.stderr


def test_exit_2_when_docs_folder_is_missing(tmp_path: Path) -> None:
    root = project(tmp_path, {"index.md": "# Home\n"})
    result = br_ops("check", "--docs", "nowhere", cwd=root)
    assert result.returncode == 2
    assert result.stderr == "nowhere: no such folder of Markdown docs; pass --docs DIR\n"
    (root / "docs/index.md").unlink()
    (root / "docs").rmdir()
    result = br_ops("check", cwd=root)
    assert result.returncode == 2
    assert "no such folder of Markdown docs" in result.stderr


def test_exit_2_on_bad_format_option(tmp_path: Path) -> None:
    result = br_ops("check", "--format", "xml", cwd=project(tmp_path, {"index.md": "#\n"}))
    assert result.returncode == 2
    assert "Traceback" not in result.stderr


def test_cli_runner_exit_codes(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    root = project(tmp_path, DRIFTING)
    monkeypatch.chdir(root)
    runner = CliRunner()
    assert runner.invoke(main, ["check"]).exit_code == 1
    assert runner.invoke(main, ["check", "--docs", "missing"]).exit_code == 2
    (root / "docs/data.md").unlink()
    clean = runner.invoke(main, ["check"])
    assert clean.exit_code == 0, clean.output
    assert clean.stderr == "no drift\n"


def test_a_shell_comment_says_what_the_command_under_it_is() -> None:
    page = (
        "# API\n\n```bash\n# what Railway runs when the container starts\n"
        "gunicorn acme.wsgi --bind 127.0.0.1:$PORT\n```\n"
    )
    f = only(page, "fact/start-command")
    assert f.line == 5


def test_a_url_in_a_command_states_its_path() -> None:
    page = (
        "# API\n\n```console\n# the probe Railway runs after a deploy\n"
        "$ curl -fsS https://api.acme.dev/health\n```\n"
    )
    f = only(page, "fact/path")
    assert "'/health'" in f.message


@pytest.mark.parametrize(
    "page",
    [
        "# API\n\n```bash\n# run it on your machine\ngunicorn acme.wsgi --reload\n```\n",
        "# API\n\n```bash\n# the probe Railway runs\ncurl -fsS https://api.acme.dev/healthz\n```\n",
        "# API\n\n```python\n# what Railway runs when the container starts\nprint('hi')\n```\n",
    ],
)
def test_shell_comments_over_commands_that_agree_or_say_nothing(page: str) -> None:
    none(page)
