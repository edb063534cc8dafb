"""A manifest without a roadmap: ``phases`` is optional, and every reader copes.

Most teams have no numbered phases. The Kestrel example with its ``phases:`` list and
every ``phase:`` line taken out must still validate, build a strict site (no Roadmap
page, no phase columns, one set of cost totals), give ``br-ops status`` and
``cost_total()`` one total, and keep the drift gate's cost checks awake.
"""

from __future__ import annotations

import html
import json
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from manifest_docs.errors import ManifestError
from manifest_docs.load import load_manifest, load_text

ROOT = Path(__file__).resolve().parents[1]
BIN = Path(sys.executable).parent
ENV = {**os.environ, "NO_MKDOCS_2_WARNING": "1"}
_PHASES = re.compile(r"^phases:\n(?:  .*\n|\n)*?(?=\S)", re.MULTILINE)
_PHASE_LINE = re.compile(r"^ +phase: \d+\n", re.MULTILINE)


def _run(*args: str | Path, cwd: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [str(a) for a in args], cwd=cwd, env=ENV, capture_output=True, text=True, check=False
    )


def phaseless(text: str) -> str:
    """``text`` (a manifest) without its ``phases:`` block and ``phase:`` lines."""
    out = _PHASE_LINE.sub("", _PHASES.sub("", text))
    assert "phase" not in out.replace("phases", "")  # nothing else mentions a phase
    return out


@pytest.fixture(scope="module")
def example(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A copy of examples/kestrel whose manifest has no phases."""
    copy = tmp_path_factory.mktemp("phaseless") / "kestrel"
    shutil.copytree(ROOT / "examples/kestrel", copy)
    manifest = copy / "manifest.yml"
    manifest.write_text(phaseless(manifest.read_text("utf-8")), "utf-8")
    return copy


@pytest.fixture(scope="module")
def site(example: Path) -> Path:
    """The phaseless example built with ``mkdocs build --strict``."""
    out = example / "site"
    proc = _run(BIN / "mkdocs", "build", "--strict", "--site-dir", out, cwd=example)
    assert proc.returncode == 0, proc.stderr[-3000:]
    return out


def _page(site: Path, page: str) -> str:
    return html.unescape((site / page / "index.html").read_text("utf-8"))


def test_the_manifest_loads_without_phases(example: Path) -> None:
    loaded = load_manifest(example / "manifest.yml")
    assert loaded.manifest.phases == []
    assert all(s.phase is None for s in loaded.manifest.services.values())
    assert loaded.warnings == []


def test_site_has_no_roadmap_and_one_set_of_cost_totals(site: Path) -> None:
    assert not (site / "phases").exists()
    costs = _page(site, "costs")
    assert "Summary by phase" not in costs
    assert "Phase 1" not in costs
    assert "All costs" in costs
    # USD: 4,200 + 900 + 1,350 a month, 960 + 12 (a domain) a year; EUR: 620 + 300 a
    # month and 9 (a domain) a year: 6,531.00 USD + 920.75 EUR amortised, at 1.08
    assert "$6,450.00 / month + 920.00 EUR / month" in costs
    assert "$972.00 / year + 9.00 EUR / year" in costs
    assert "$7,525.41 / month" in costs
    service = _page(site, "services/orders-db")
    assert ">Phase<" not in service
    assert "All costs" in service
    catalog = _page(site, "services")
    assert "phase" not in catalog.lower().split("<article", 1)[1]


def test_home_page_total_is_the_whole_cost(site: Path) -> None:
    assert "Every month the platform costs $7,525.41." in _page(site, "")


def test_status_gives_one_total(example: Path) -> None:
    proc = _run(BIN / "br-ops", "status", "--json", cwd=example)
    assert proc.returncode == 0, proc.stderr
    data = json.loads(proc.stdout)
    assert data["phase"] is None
    assert data["phases"] == []
    assert data["services"]["by_phase"] == {}
    [total] = data["costs"]
    assert total["phase"] is None
    assert total["converted"]["amortised_monthly"] == "7525.41"
    text = _run(BIN / "br-ops", "status", cwd=example)
    assert text.returncode == 0, text.stderr
    assert "Traceback" not in text.stderr


def test_drift_gate_still_checks_costs(example: Path, tmp_path: Path) -> None:
    proc = _run(BIN / "br-ops", "check", cwd=example)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    copy = tmp_path / "kestrel"
    shutil.copytree(example, copy)
    page = copy / "docs/index.md"
    page.write_text(page.read_text("utf-8") + "\nRDS PostgreSQL costs $990 per month.\n")
    proc = _run(BIN / "br-ops", "check", cwd=copy)
    assert proc.returncode == 1, proc.stdout + proc.stderr
    assert "docs/index.md:" in proc.stdout
    assert "1,350" in proc.stdout or "1350" in proc.stdout


def test_a_phase_without_phases_is_an_error_at_its_line(example: Path) -> None:
    text = (example / "manifest.yml").read_text("utf-8")
    text = text.replace("    kind: database\n", "    kind: database\n    phase: 2\n", 1)
    line = text.splitlines().index("    phase: 2") + 1
    with pytest.raises(ManifestError) as info:
        load_text(text)
    [problem] = info.value.problems
    assert problem.line == line
    assert "phase 2 given, but the manifest declares no phases" in problem.message
    assert "add a top-level 'phases:' list or remove this phase" in problem.message
