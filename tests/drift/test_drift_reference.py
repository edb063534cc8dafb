"""Acceptance: the gate on the upstream BlackRoad docs finds the known contradictions."""

from __future__ import annotations

from typing import TYPE_CHECKING

import pytest
from click.testing import CliRunner
from driftkit import REFERENCE, REPO_ROOT, Line, br_ops, parse_lines
from manifest_docs.cli import main
from manifest_docs.load import load_manifest

if TYPE_CHECKING:
    from pathlib import Path

pytestmark = pytest.mark.skipif(
    not REFERENCE.is_dir(), reason=f"upstream reference material not found at {REFERENCE}"
)

MANIFEST = REFERENCE / "infra/blackroad-manifest.yml"
CODEX_DOCS = REFERENCE / "codex-docs/docs"
INFRA = REFERENCE / "infra"

# (file under codex-docs/docs, line, rule, strings the message must contain)
EXPECTED = [
    ("infra.md", 182, "fact/version", ["'14+'", "'15+'", "(services.postgres.version)"]),
    ("infra.md", 191, "fact/memory", ["'128MB'", "'256MB'", "(services.redis.resources.memory)"]),
    ("infra.md", 53, "fact/ssl", ["'Full (strict)'", "'full'", "ssl_mode"]),
    (
        "infra.md",
        144,
        "env/unknown",
        ["CLOUDFLARE_API_TOKEN", "did you mean 'CF_API_TOKEN'"],
    ),
    (
        "architecture/infra-deployment.md",
        22,
        "fact/region",
        ["'us-west-2'", "'us-west1'", "(providers.railway.region)"],
    ),
    ("architecture/infra-deployment.md", 30, "fact/ssl", ["'Full (strict)'", "'full'"]),
]


def _check_args(docs: Path) -> list[str]:
    return ["check", "--manifest", str(MANIFEST), "--docs", str(docs), "--no-committed"]


def _find(lines: list[Line], file: str, line: int, rule: str) -> Line:
    hits = [
        f for f in lines if f.file == f"{CODEX_DOCS}/{file}" and f.line == line and f.rule == rule
    ]
    assert len(hits) == 1, f"expected one {rule} at {file}:{line}; got {hits}"
    return hits[0]


def _assert_expected(output: str) -> None:
    lines = parse_lines(output)
    for file, line, rule, parts in EXPECTED:
        finding = _find(lines, file, line, rule)
        for part in parts:
            assert part in finding.message, (part, finding)
    # The manifest line is cited: "…, <manifest>:218 says '15+' (services.postgres.version)".
    version = _find(lines, "infra.md", 182, "fact/version")
    assert f"{MANIFEST}:218 says '15+'" in version.message
    assert version.message.startswith("PostgreSQL is '14+' here, ")


@pytest.fixture(scope="module")
def codex_run(tmp_path_factory: pytest.TempPathFactory) -> tuple[int, str, str]:
    result = br_ops(*_check_args(CODEX_DOCS), cwd=tmp_path_factory.mktemp("cwd"))
    return result.returncode, result.stdout, result.stderr


def test_subprocess_finds_the_known_contradictions(codex_run: tuple[int, str, str]) -> None:
    code, out, err = codex_run
    assert code == 1, err
    _assert_expected(out)
    assert "Traceback" not in err
    assert err.strip().splitlines()[-1].endswith(("findings", "warnings")), err


def test_cli_runner_finds_the_same(codex_run: tuple[int, str, str]) -> None:
    result = CliRunner().invoke(main, _check_args(CODEX_DOCS))
    assert result.exit_code == 1, result.output
    _assert_expected(result.stdout)
    # Same findings as the installed command (paths are absolute in both).
    assert [(f.file, f.line, f.rule) for f in parse_lines(result.stdout)] == [
        (f.file, f.line, f.rule) for f in parse_lines(codex_run[1])
    ]


def test_output_is_byte_identical_across_runs(
    codex_run: tuple[int, str, str], tmp_path: Path
) -> None:
    again = br_ops(*_check_args(CODEX_DOCS), cwd=tmp_path)
    assert again.stdout == codex_run[1]
    lines = parse_lines(again.stdout)
    docs_lines = [f for f in lines if f.file.startswith(str(CODEX_DOCS))]
    assert docs_lines == sorted(docs_lines, key=lambda f: (f.file, f.line, f.rule, f.message))


def test_next_js_version_in_prism_console_analysis_is_not_drift(tmp_path: Path) -> None:
    page = INFRA / "analysis/prism-console.md"
    assert "Next.js 14+" in page.read_text("utf-8")
    result = br_ops(*_check_args(INFRA), cwd=tmp_path)
    assert result.returncode in (0, 1), result.stderr
    assert "Traceback" not in result.stderr
    assert [f for f in parse_lines(result.stdout) if f.file == str(page)] == []
    # The folder is checked at all: other pages there do have findings.
    assert any(f.file.startswith(f"{INFRA}/") for f in parse_lines(result.stdout))


def test_railway_health_check_timeout_in_dns_md_against_the_project_manifest(
    tmp_path: Path,
) -> None:
    """``infra/DNS.md`` lists "**Railway Health Checks**:" then "Timeout: 10 seconds".

    The project's manifest gives the one Railway service with a health check (the
    backend) a 5s probe timeout, and records the conflict: the bold lead-in ties the
    list to Railway, so the gate finds it. The upstream manifest states no probe
    timeout (its ``healthcheck_timeout: 300`` is how long a deploy waits), so there it
    is not a finding.
    """
    page = INFRA / "DNS.md"
    lines = page.read_text("utf-8").splitlines()
    assert lines[251].strip() == "- Timeout: 10 seconds"
    assert "**Railway Health Checks**" in lines[248]
    project_manifest = REPO_ROOT / "manifest.yml"
    backend = load_manifest(project_manifest).manifest.services["blackroad-backend"]
    assert backend.deploy is not None
    assert backend.deploy.health_check is not None
    timeout = backend.deploy.health_check.timeout
    assert timeout is not None
    assert timeout.seconds != 10

    result = br_ops(
        "check", "--manifest", project_manifest, "--docs", INFRA, "--no-committed", cwd=tmp_path
    )
    assert "Traceback" not in result.stderr
    [hit] = [f for f in parse_lines(result.stdout) if f.file == str(page) and f.line == 252]
    assert hit.rule == "fact/timeout"
    assert hit.message.startswith("Railway is '10 seconds' here, ")
    assert hit.message.endswith(
        f" says '{timeout.text}' (services.blackroad-backend.deploy.health_check.timeout)"
    )
    # The Cloudflare list above it (its own interval and timeout) is not Railway's.
    assert [
        f for f in parse_lines(result.stdout) if f.file == str(page) and 243 <= f.line < 252
    ] == []

    upstream = br_ops(*_check_args(INFRA), cwd=tmp_path)
    assert [
        f
        for f in parse_lines(upstream.stdout)
        if f.file == str(page) and f.rule.startswith("fact/") and 243 <= f.line <= 253
    ] == []
