"""The examples under ``examples/``: other companies' manifests, built like BlackRoad's.

Each example validates, builds a strict site and passes the drift gate; the gate is
shown to be awake on it (a contradiction appended to a page is reported). Kestrel
Freight runs on AWS in three environments, pays in USD and EUR, and has teams,
a queue, a cron job, a function and SaaS: what BlackRoad's manifest does not exercise.
"""

from __future__ import annotations

import html
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from manifest_docs.load import load_manifest

ROOT = Path(__file__).resolve().parents[1]
EXAMPLES = sorted(p.parent for p in (ROOT / "examples").glob("*/manifest.yml"))
BIN = Path(sys.executable).parent
ENV = {**os.environ, "NO_MKDOCS_2_WARNING": "1"}


def _run(*args: str | Path, cwd: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [str(a) for a in args], cwd=cwd, env=ENV, capture_output=True, text=True, check=False
    )


@pytest.fixture(scope="module")
def kestrel_site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The Kestrel example built with ``mkdocs build --strict`` (once for the module)."""
    site = tmp_path_factory.mktemp("kestrel") / "site"
    proc = _run(
        BIN / "mkdocs", "build", "--strict", "--site-dir", site, cwd=ROOT / "examples/kestrel"
    )
    assert proc.returncode == 0, proc.stderr[-3000:]
    return site


def test_there_is_an_example_that_is_not_blackroad() -> None:
    assert [p.name for p in EXAMPLES] == ["kestrel"]


@pytest.mark.parametrize("example", EXAMPLES, ids=lambda p: p.name)
def test_example_validates_without_warnings(example: Path) -> None:
    loaded = load_manifest(example / "manifest.yml")
    assert loaded.warnings == []
    text = (example / "manifest.yml").read_text("utf-8")
    assert "NOT EXPRESSIBLE" not in text


@pytest.mark.parametrize("example", EXAMPLES, ids=lambda p: p.name)
def test_example_docs_agree_with_its_manifest(example: Path, tmp_path: Path) -> None:
    proc = _run(BIN / "br-ops", "check", cwd=example)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert "no drift" in proc.stderr
    # the gate is awake here too: a contradiction appended to a page is reported
    copy = tmp_path / example.name
    shutil.copytree(example, copy)
    page = copy / "docs/index.md"
    page.write_text(page.read_text("utf-8") + "\nThe orders database runs PostgreSQL 14.\n")
    proc = _run(BIN / "br-ops", "check", cwd=copy)
    assert proc.returncode == 1, proc.stdout
    assert "docs/index.md:" in proc.stdout
    assert "fact/version" in proc.stdout


def _text(site: Path, page: str) -> str:
    """A built page's HTML with character references resolved (what a reader sees)."""
    return html.unescape((site / page / "index.html").read_text("utf-8"))


def test_kestrel_site_shows_environments_currencies_and_teams(kestrel_site: Path) -> None:
    domains = _text(kestrel_site, "domains")
    assert "api.staging.kestrel.example" in domains
    assert "shipments-alb-456.eu-central-1.elb.amazonaws.com" in domains  # staging's target
    assert "api.kestrel-freight.example" in domains
    costs = _text(kestrel_site, "costs")
    assert "€" in costs or "EUR" in costs
    assert "1.08" in costs  # the dated rate beside the converted total
    api = _text(kestrel_site, "services/shipments-api")
    assert "By environment" in api
    assert "Shipments" in api
    assert "#team-shipments" in api
    assert "Availability" in api
    assert "5xx rate above 1%" in api
    job = _text(kestrel_site, "services/invoice-run")
    assert "30 2 * * *" in job
    assert "Europe/Berlin" in job
    home = " ".join(_text(kestrel_site, ".").split())
    assert "runs 4 replicas in production and 2 in staging" in home


def test_kestrel_env_files_per_environment(tmp_path: Path) -> None:
    copy = tmp_path / "kestrel"
    shutil.copytree(ROOT / "examples/kestrel", copy)
    proc = _run(BIN / "br-ops", "render", "--write", cwd=copy)
    assert proc.returncode == 0, proc.stderr
    names = sorted(p.name for p in (copy / "deploy/shipments-api").iterdir())
    assert names == [".env.dev.example", ".env.example", ".env.staging.example"]
    assert "LOG_LEVEL=debug" in (copy / "deploy/shipments-api/.env.staging.example").read_text()


@pytest.mark.parametrize("example", EXAMPLES, ids=lambda p: p.name)
def test_example_validates_against_the_committed_schema(example: Path) -> None:
    schema = ROOT / "schema/manifest.schema.json"
    proc = _run(BIN / "check-jsonschema", "--schemafile", schema, "manifest.yml", cwd=example)
    assert proc.returncode == 0, proc.stdout + proc.stderr


def test_kestrel_extensions_are_kept() -> None:
    loaded = load_manifest(ROOT / "examples/kestrel/manifest.yml")
    assert loaded.manifest.extensions("services.shipments-api") == {"x-cost-center": "4711"}


def test_three_environments_are_listed_down_the_page_not_across(kestrel_site: Path) -> None:
    page = _text(kestrel_site, "services/shipments-api")
    table = page.split('id="by-environment"', 1)[1].split("</table>", 1)[0]
    assert [h.split(">")[-1] for h in table.split("</th>")[:-1]] == [
        "Setting",
        "Environment",
        "Value",
    ]
    rows = table.split("<tr>")[2:]
    replicas = [r for r in rows if "Replicas" in r]
    assert len(replicas) == 1
    following = rows[rows.index(replicas[0]) : rows.index(replicas[0]) + 3]
    assert [("prod" in r, "staging" in r, ">dev<" in r) for r in following] == [
        (True, False, False),
        (False, True, False),
        (False, False, True),
    ]
