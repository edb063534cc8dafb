"""``br-ops list/env/repo/open/status``: through click's runner and as a real subprocess."""

from __future__ import annotations

import json
import os
import pty
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest
from click.testing import CliRunner
from manifest_docs import ops
from manifest_docs.artefacts import env_example
from manifest_docs.cli import main
from manifest_docs.load import load_manifest, load_text

BR_OPS = Path(sys.executable).parent / "br-ops"

OPS_MANIFEST = textwrap.dedent(
    """\
    schema_version: 1
    organization:
      name: Acme Ops
      control_plane_repo: acme/infra
      docs_url: https://docs.acme.dev
    last_updated: 2026-01-15
    phases:
      - id: 1
        name: Launch
        status: current
      - id: 2
        name: Growth
        status: planned
        target: 2026-Q3
    providers:
      railway:
        name: Railway
        kind: hosting
        dashboard: https://railway.example.com/project/acme
      github:
        name: GitHub
        kind: ci
      cloudflare:
        name: Cloudflare
        kind: dns
    services:
      api:
        description: Public API
        aliases: [Acme API]
        kind: backend
        status: active
        phase: 1
        repo: acme/api
        branch: main
        language: python
        framework: FastAPI 0.110
        runtime: Python 3.12
        provider: railway
        domains:
          prod: api.acme.dev
          staging: staging.api.acme.dev
        depends_on: [db]
        env:
          - name: DATABASE_URL
            tier: required
            description: Connection string of the database.
            provided_by: db
            source: "${{Postgres.DATABASE_URL}}"
            example: "postgresql://user:pass@host:5432/acme"
          - name: SECRET_KEY
            tier: required
            description: Signs session tokens.
            secret: true
            generate: openssl rand -hex 32
          - name: LOG_LEVEL
            tier: important
            description: How much to log.
            allowed: [debug, info, warning]
            default: info
          - name: FEATURE_X
            tier: optional
            description: Turns feature X on.
            default: "false"
        health:
          - path: /health
      db:
        description: Primary database
        kind: database
        status: active
        phase: 1
        provider: railway
        exports:
          - name: DATABASE_URL
            description: Connection string of the database.
            format: postgresql://user:pass@host:port/db
        links:
          dashboard: https://db.example.com/acme
      web:
        description: Marketing site
        kind: frontend
        status: planned
        phase: 2
        target_date: 2026-Q3
        provider: railway
        domains:
          prod: www.acme.dev
      lab:
        description: Research sandbox
        kind: research
        status: experimental
        phase: 2
        repo: acme/lab
        provider: github
      legacy:
        description: The old monolith
        kind: backend
        status: retired
        phase: 1
        provider: railway
    domains:
      - name: acme.dev
        tier: primary
        purpose: Everything
        service: api
        yearly_cost: "12.00"
    costs:
      - item: Railway plan
        provider: railway
        amount: "20.00"
        period: month
        phase: 1
        until_phase: 1
      - item: Railway Pro plan
        provider: railway
        amount: "50.00"
        period: month
        phase: 2
        estimate: true
    """
)


@pytest.fixture
def manifest_file(tmp_path: Path) -> Path:
    path = tmp_path / "manifest.yml"
    path.write_text(OPS_MANIFEST, encoding="utf-8")
    return path


def cli(path: Path, *args: str, env: dict[str, str] | None = None) -> tuple[int, str, str]:
    """Run br-ops in-process; returns (exit code, stdout, stderr)."""
    result = CliRunner().invoke(main, [*args, "--manifest", str(path)], env=env)
    assert not isinstance(result.exception, Exception) or isinstance(
        result.exception, SystemExit
    ), result.exception
    return result.exit_code, result.stdout, result.stderr


def proc(
    *args: str, cwd: Path, env: dict[str, str] | None = None
) -> subprocess.CompletedProcess[str]:
    """Run the installed br-ops script as a subprocess."""
    full_env = {k: v for k, v in os.environ.items() if k != "BR_MANIFEST"}
    full_env.update(env or {})
    return subprocess.run(
        [str(BR_OPS), *args],
        cwd=cwd,
        env=full_env,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )


# --------------------------------------------------------------------------- list


def test_list_groups_by_status_in_lifecycle_order(manifest_file: Path) -> None:
    code, out, _ = cli(manifest_file, "list")
    assert code == 0
    headings = [line for line in out.splitlines() if line and not line.startswith(" ")]
    assert headings[:4] == ["ACTIVE (2)", "EXPERIMENTAL (1)", "PLANNED (1)", "RETIRED (1)"]
    api = next(line for line in out.splitlines() if line.strip().startswith("api "))
    assert "backend" in api
    assert "acme/api" in api
    assert "api.acme.dev" in api
    assert "phase 1" in api
    web = next(line for line in out.splitlines() if line.strip().startswith("web "))
    assert "target 2026-Q3" in web
    assert out.rstrip().endswith("5 services")


def test_list_filters(manifest_file: Path) -> None:
    code, out, _ = cli(manifest_file, "list", "--status", "active", "--kind", "database")
    assert code == 0
    assert "db" in out
    assert "api" not in out
    code, out, _ = cli(manifest_file, "list", "--phase", "2")
    assert code == 0
    assert "web" in out
    assert "lab" in out
    assert "api" not in out
    code, out, _ = cli(manifest_file, "list", "--status", "development")
    assert code == 0
    assert out == "no services match --status development\n"


def test_list_bad_filters_are_usage_errors(manifest_file: Path) -> None:
    code, _, err = cli(manifest_file, "list", "--phase", "9")
    assert code == 2
    assert "no phase 9; phases: 1, 2" in err
    code, _, err = cli(manifest_file, "list", "--status", "alive")
    assert code == 2
    assert "Traceback" not in err


def test_list_json_shape(manifest_file: Path) -> None:
    code, out, _ = cli(manifest_file, "list", "--json")
    assert code == 0
    data = json.loads(out)
    assert set(data) == {"filters", "count", "groups"}
    assert list(data["groups"]) == ["active", "development", "experimental", "planned", "retired"]
    assert data["count"] == 5
    api = data["groups"]["active"][0]
    assert set(api) == {
        "name",
        "description",
        "kind",
        "status",
        "phase",
        "target_date",
        "provider",
        "repo",
        "prod_domain",
    }
    assert api["name"] == "api"
    assert api["prod_domain"] == "api.acme.dev"
    assert data["filters"] == {
        "status": None,
        "phase": None,
        "kind": None,
        "tag": None,
        "owner": None,
    }


# --------------------------------------------------------------------------- env


def test_env_table_shows_tiers_details_and_secret_marker(manifest_file: Path) -> None:
    code, out, _ = cli(manifest_file, "env", "api")
    assert code == 0
    assert out.startswith("api: 4 environment variables (2 required, 1 important, 1 optional)")
    assert out.index("REQUIRED") < out.index("IMPORTANT") < out.index("OPTIONAL")
    assert "SECRET_KEY [secret]" in out
    assert "source: ${{Postgres.DATABASE_URL}}" in out
    assert "example: postgresql://user:pass@host:5432/acme" in out
    assert "allowed: debug, info, warning" in out
    assert "default: info" in out
    assert "provided by: db" in out
    assert "generate: openssl rand -hex 32" in out


def test_env_tier_filter(manifest_file: Path) -> None:
    code, out, _ = cli(manifest_file, "env", "api", "--tier", "important")
    assert code == 0
    assert "LOG_LEVEL" in out
    assert "DATABASE_URL" not in out


def test_env_dotenv_is_exactly_the_env_example(manifest_file: Path) -> None:
    loaded = load_manifest(manifest_file)
    code, out, _ = cli(manifest_file, "env", "api", "--format", "dotenv")
    assert code == 0
    assert out == env_example("api", loaded.manifest.services["api"])
    assert "SECRET_KEY=\n" in out


def test_env_of_a_database_shows_exports_and_consumers(manifest_file: Path) -> None:
    code, out, _ = cli(manifest_file, "env", "db")
    assert code == 0
    assert "db reads no environment variables" in out
    assert "EXPORTS" in out
    assert "DATABASE_URL" in out
    assert "format: postgresql://user:pass@host:port/db" in out
    assert "consumed by: api" in out


def test_env_json_shape_never_carries_a_secret_value(manifest_file: Path) -> None:
    code, out, _ = cli(manifest_file, "env", "api", "--json")
    assert code == 0
    data = json.loads(out)
    assert set(data) == {
        "service",
        "environment",
        "production",
        "kind",
        "status",
        "tier",
        "counts",
        "variables",
        "exports",
        "used_by",
    }
    assert data["counts"] == {"required": 2, "important": 1, "optional": 1}
    secret = next(v for v in data["variables"] if v["name"] == "SECRET_KEY")
    assert secret["secret"] is True
    assert secret["example"] is None
    assert secret["default"] is None
    assert secret["value"] is None
    assert set(secret) == {
        "name",
        "tier",
        "description",
        "secret",
        "source",
        "provided_by",
        "example",
        "default",
        "value",
        "allowed",
        "generate",
    }
    code, out, _ = cli(manifest_file, "env", "db", "--json")
    exports = json.loads(out)["exports"]
    assert exports == [
        {
            "name": "DATABASE_URL",
            "description": "Connection string of the database.",
            "format": "postgresql://user:pass@host:port/db",
            "consumers": ["api"],
        }
    ]


def test_env_json_and_dotenv_together_is_a_usage_error(manifest_file: Path) -> None:
    code, _, err = cli(manifest_file, "env", "api", "--json", "--format", "dotenv")
    assert code == 2
    assert "do not go together" in err


def test_unknown_service_suggests_and_lists(manifest_file: Path) -> None:
    for command in ("env", "repo", "open"):
        code, out, err = cli(manifest_file, command, "apii")
        assert code == 2, command
        assert out == ""
        assert "unknown service 'apii' (did you mean 'api'?)" in err
        assert "services: api, db, lab, legacy, web" in err
        assert "Traceback" not in err


def test_service_aliases_resolve(manifest_file: Path) -> None:
    code, out, _ = cli(manifest_file, "repo", "acme api")
    assert code == 0
    assert out.startswith("api\n")


# --------------------------------------------------------------------------- repo


def test_repo_text_and_clone_urls(manifest_file: Path) -> None:
    code, out, _ = cli(manifest_file, "repo", "api")
    assert code == 0
    assert "https://github.com/acme/api.git" in out
    assert "git@github.com:acme/api.git" in out
    assert "branch     main" in out
    assert "framework  FastAPI 0.110" in out
    assert "language   python" in out


def test_repo_json_shape(manifest_file: Path) -> None:
    code, out, _ = cli(manifest_file, "repo", "api", "--json")
    assert code == 0
    assert json.loads(out) == {
        "service": "api",
        "repo": "acme/api",
        "owner": "acme",
        "name": "api",
        "branch": "main",
        "kind": "backend",
        "language": "python",
        "framework": "FastAPI 0.110",
        "runtime": "Python 3.12",
        "web_url": "https://github.com/acme/api",
        "https_url": "https://github.com/acme/api.git",
        "ssh_url": "git@github.com:acme/api.git",
    }


def test_repo_without_a_repository(manifest_file: Path) -> None:
    code, out, _ = cli(manifest_file, "repo", "db")
    assert code == 0
    assert out == "db: the manifest names no repository\n"
    code, out, _ = cli(manifest_file, "repo", "db", "--json")
    assert json.loads(out)["https_url"] is None


# --------------------------------------------------------------------------- open


def test_open_prints_url_and_provider_dashboard(manifest_file: Path) -> None:
    code, out, _ = cli(manifest_file, "open", "api")
    assert code == 0
    assert out == (
        "prod: https://api.acme.dev\ndashboard: https://railway.example.com/project/acme\n"
    )
    code, out, _ = cli(manifest_file, "open", "api", "staging")
    assert code == 0
    assert out.startswith("staging: https://staging.api.acme.dev\n")


def test_open_prefers_the_service_dashboard_link(manifest_file: Path) -> None:
    code, out, _ = cli(manifest_file, "open", "db", "--json")
    data = json.loads(out)
    assert data["dashboard"] == "https://db.example.com/acme"
    assert data["dashboard_source"] == "links.dashboard"
    assert set(data) == {
        "service",
        "env",
        "url",
        "urls",
        "dashboard",
        "dashboard_source",
        "opened",
    }
    # db has no hostname: there is nothing to open for prod.
    assert code == 1
    assert data["url"] is None


def test_open_without_a_hostname_for_env_exits_1(manifest_file: Path) -> None:
    code, out, _ = cli(manifest_file, "open", "api", "dev")
    assert code == 1
    assert "api has no dev hostname in the manifest; it has: prod, staging" in out
    code, _, err = cli(manifest_file, "open", "api", "qa")
    assert code == 2
    assert "Traceback" not in err


def test_open_browser_runs_the_configured_browser(manifest_file: Path, tmp_path: Path) -> None:
    record = tmp_path / "opened.txt"
    script = tmp_path / "browser.py"
    script.write_text(
        f"import sys, pathlib\npathlib.Path({str(record)!r}).write_text(sys.argv[1])\n",
        encoding="utf-8",
    )
    browser = f"{sys.executable} {script} %s"
    result = proc("open", "api", "--browser", "--json", cwd=tmp_path, env={"BROWSER": browser})
    assert result.returncode == 0, result.stderr
    assert json.loads(result.stdout)["opened"] is True
    assert record.read_text() == "https://api.acme.dev"
    result = proc("open", "api", "--browser", "--dashboard", cwd=tmp_path, env={"BROWSER": browser})
    assert result.returncode == 0, result.stderr
    assert record.read_text() == "https://railway.example.com/project/acme"


# --------------------------------------------------------------------------- status


def test_status_counts_phase_and_costs(manifest_file: Path) -> None:
    code, out, _ = cli(manifest_file, "status")
    assert code == 0
    assert out.startswith("Acme Ops (manifest updated 2026-01-15)")
    assert "services  5 (2 active, 1 experimental, 1 planned, 1 retired)" in out
    assert "phase     1 Launch (current, no target date)" in out
    assert "next: 2 Growth, target 2026-Q3" in out
    assert "$21.00/month" in out  # 20.00 + 12.00 / 12
    assert "$51.00/month" in out  # 50.00 + 12.00 / 12
    assert "+$30.00 vs previous" in out


def test_status_json_shape(manifest_file: Path) -> None:
    code, out, _ = cli(manifest_file, "status", "--json")
    assert code == 0
    data = json.loads(out)
    assert set(data) == {
        "organization",
        "last_updated",
        "services",
        "phase",
        "next_phase",
        "phases",
        "costs",
        "currencies",
        "reporting_currency",
        "exchange_rates",
        "domains",
        "health",
    }
    assert data["services"]["total"] == 5
    assert data["services"]["by_status"] == {
        "active": 2,
        "development": 0,
        "experimental": 1,
        "planned": 1,
        "retired": 1,
    }
    assert data["phase"] == {"id": 1, "name": "Launch", "status": "current", "target": None}
    assert data["next_phase"]["target"] == "2026-Q3"
    assert data["costs"][0] == {
        "phase": 1,
        "name": "Launch",
        "current": True,
        "estimate": False,
        "totals": {
            "USD": {
                "monthly": "20.00",
                "yearly": "12.00",
                "amortised_monthly": "21.00",
                "annual": "252.00",
            }
        },
        "change": None,
        "converted": None,
    }
    assert data["costs"][1]["change"] == {"USD": "30.00"}
    assert data["costs"][1]["estimate"] is True
    assert data["currencies"] == ["USD"]
    assert data["reporting_currency"] is None
    assert data["exchange_rates"] == []
    assert data["health"] is None


EUR_LINES = """\
  - item: EU mirror
    provider: railway
    amount: "45.00"
    currency: EUR
    period: month
    phase: 1
"""


def test_status_never_adds_amounts_in_different_currencies(tmp_path: Path) -> None:
    path = tmp_path / "manifest.yml"
    path.write_text(OPS_MANIFEST + EUR_LINES, encoding="utf-8")
    code, out, _ = cli(path, "status")
    assert code == 0
    assert "  1 Launch  45.00 EUR/month" in out
    assert "$21.00/month" in out  # the USD lines alone
    assert "66.00" not in out  # 45.00 + 21.00: no sum across currencies
    assert "never added" in out
    _, out, _ = cli(path, "status", "--json")
    data = json.loads(out)
    assert data["currencies"] == ["EUR", "USD"]
    assert data["costs"][0]["totals"]["EUR"]["amortised_monthly"] == "45.00"
    assert data["costs"][0]["totals"]["USD"]["amortised_monthly"] == "21.00"
    assert data["costs"][0]["converted"] is None
    assert data["costs"][1]["change"] == {"EUR": "0.00", "USD": "30.00"}


def test_status_converts_into_the_reporting_currency(tmp_path: Path) -> None:
    rates = (
        "reporting_currency: USD\nexchange_rates:\n"
        '  - currency: EUR\n    rate: "1.10"\n    date: 2026-01-02\n'
    )
    path = tmp_path / "manifest.yml"
    path.write_text(OPS_MANIFEST + EUR_LINES + rates, encoding="utf-8")
    _, out, _ = cli(path, "status")
    assert "= $70.50/month" in out  # 21.00 + 45.00 x 1.10
    assert "converted at 1 EUR = 1.10 USD (rate of 2026-01-02)" in out
    _, out, _ = cli(path, "status", "--json")
    data = json.loads(out)
    assert data["reporting_currency"] == "USD"
    assert data["costs"][0]["converted"]["amortised_monthly"] == "70.50"
    assert data["costs"][1]["converted"]["change"] == "30.00"
    assert data["exchange_rates"] == [
        {"currency": "EUR", "rate": "1.10", "date": "2026-01-02", "source": None}
    ]


def test_status_counts_follow_the_services(tmp_path: Path) -> None:
    text = OPS_MANIFEST.replace("    status: retired\n", "    status: active\n")
    path = tmp_path / "manifest.yml"
    path.write_text(text, encoding="utf-8")
    _, out, _ = cli(path, "status", "--json")
    assert json.loads(out)["services"]["by_status"]["active"] == 3


def test_status_live_reports_a_dns_failure(tmp_path: Path) -> None:
    # api.acme.invalid cannot resolve (.invalid is reserved), so the live check fails.
    text = OPS_MANIFEST.replace("prod: api.acme.dev", "prod: api.acme.invalid")
    path = tmp_path / "manifest.yml"
    path.write_text(text, encoding="utf-8")
    code, out, _ = cli(path, "status", "--live", "--timeout", "2", "--json")
    assert code == 1
    live = json.loads(out)["health"]
    assert live["endpoints"] == 1
    assert live["failed"] == 1
    assert live["skipped"] == 1  # db: no health endpoints
    assert "DNS lookup failed" in live["failures"][0]["error"]
    code, out, _ = cli(path, "status", "--live", "--timeout", "2")
    assert code == 1
    assert "health (live)" in out
    assert "FAIL api https://api.acme.invalid/health: DNS lookup failed" in out


# --------------------------------------------------------------------------- core


def test_core_data_is_pure_and_formats_from_the_same_dict() -> None:
    m = load_text(OPS_MANIFEST).manifest
    data = ops.list_data(m, kind="research")
    assert data["count"] == 1
    assert "lab" in ops.format_list(data)
    with pytest.raises(ops.UnknownServiceError, match="did you mean 'legacy'"):
        ops.resolve_service(m, "legasy")
    assert ops.resolve_service(m, "ACME API") == "api"
    assert ops.clone_urls("o/n") == ("https://github.com/o/n.git", "git@github.com:o/n.git")
    styled = ops.format_list(data, lambda role, text: f"<{role}>{text}</{role}>")
    assert "<heading>EXPERIMENTAL (1)</heading>" in styled


# --------------------------------------------------------------------------- conventions


COMMANDS = ("list", "env", "repo", "open", "status", "health", "render")


@pytest.mark.parametrize("command", COMMANDS)
def test_every_command_has_help_with_an_example(command: str) -> None:
    result = CliRunner().invoke(main, [command, "--help"])
    assert result.exit_code == 0
    assert "Example" in result.output
    assert f"br-ops {command}" in result.output
    assert "JSON:" in result.output
    assert "--json" in result.output


@pytest.mark.parametrize(
    "args",
    [
        ["list"],
        ["env", "api"],
        ["repo", "api"],
        ["open", "api"],
        ["status"],
        ["health"],
        ["render"],
    ],
)
def test_invalid_manifest_exits_2_without_traceback(tmp_path: Path, args: list[str]) -> None:
    path = tmp_path / "manifest.yml"
    path.write_text(OPS_MANIFEST.replace("kind: backend", "kind: bakend", 1), encoding="utf-8")
    code, out, err = cli(path, *args)
    assert code == 2
    assert out == ""
    assert "did you mean 'backend'" in err
    assert "Traceback" not in err


def test_existing_commands_still_work(manifest_file: Path) -> None:
    code, out, _ = cli(manifest_file, "validate")
    assert code == 0
    assert "valid" in out


def test_subprocess_finds_the_manifest_upwards(manifest_file: Path) -> None:
    sub = manifest_file.parent / "a" / "b"
    sub.mkdir(parents=True)
    result = proc("list", "--json", cwd=sub)
    assert result.returncode == 0, result.stderr
    assert json.loads(result.stdout)["count"] == 5
    for args in (["env", "api", "--json"], ["repo", "api", "--json"], ["status", "--json"]):
        result = proc(*args, cwd=sub)
        assert result.returncode == 0, (args, result.stderr)
        json.loads(result.stdout)
    result = proc("repo", "nope", cwd=sub)
    assert result.returncode == 2
    assert "unknown service 'nope'" in result.stderr
    assert "Traceback" not in result.stderr


def run_on_terminal(args: list[str], cwd: Path, env: dict[str, str]) -> bytes:
    """Run br-ops with stdout on a pseudo-terminal; returns what it printed there."""
    master, slave = pty.openpty()
    with subprocess.Popen(
        [str(BR_OPS), *args], cwd=cwd, env=env, stdout=slave, stderr=subprocess.DEVNULL
    ) as child:
        os.close(slave)
        out = b""
        while True:
            try:
                chunk = os.read(master, 65536)
            except OSError:  # EIO: the child closed the terminal
                break
            if not chunk:
                break
            out += chunk
        child.wait(timeout=60)
    os.close(master)
    return out


def test_colour_only_on_a_terminal_and_never_with_no_color(manifest_file: Path) -> None:
    base = {k: v for k, v in os.environ.items() if k not in ("NO_COLOR", "BR_MANIFEST")}
    on_tty = run_on_terminal(["list"], manifest_file.parent, base)
    assert b"\x1b[" in on_tty
    no_color = run_on_terminal(["list"], manifest_file.parent, {**base, "NO_COLOR": "1"})
    assert b"ACTIVE (2)" in no_color
    assert b"\x1b[" not in no_color
    piped = proc("list", cwd=manifest_file.parent)
    assert "\x1b[" not in piped.stdout
    _, out, _ = cli(manifest_file, "status")
    assert "\x1b[" not in out
