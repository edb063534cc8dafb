"""The ``pages:`` option in real builds: which generated pages a site gets, by both engines.

Without the option a site gets the pages its manifest has data for, and the Python API
page only with mkdocstrings; a selected page the config cannot render stops the build
with the lines to add. ``br-ops pages`` (the export for Zensical) follows the same
selection from ``mkdocs.yml``.
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest
from manifest_docs.load import load_manifest
from mkdocs.exceptions import Abort
from sitekit import (
    FIXTURE_MANIFEST,
    build_error,
    build_site,
    read_page,
    subprocess_env,
    write_project,
)

BIN = Path(sys.executable).parent

TINY = """\
schema_version: 1
organization:
  name: Tiny Ltd
  control_plane_repo: tiny/infra
  docs_url: https://docs.example.org
last_updated: 2026-01-15
phases:
  - id: 1
    name: Start
    status: current
providers:
  railway:
    name: Railway
    kind: hosting
services:
  api:
    description: The only API.
    kind: backend
    status: active
    phase: 1
    provider: railway
"""
"""A manifest without costs, domains or environment variables."""

ALL_BUT_API = [
    "services/",
    "services/backend/",
    "domains/",
    "costs/",
    "environment/",
    "architecture/",
    "phases/",
    "reference/schema/",
]


def built(site: Path) -> set[str]:
    """URLs of the built pages (``services/redis/``), the home page excluded."""
    return {
        p.parent.relative_to(site).as_posix() + "/"
        for p in site.rglob("index.html")
        if p.parent != site and not p.parent.name.startswith(("assets", "search"))
    }


def test_without_mkdocstrings_there_is_no_api_page(tmp_path: Path) -> None:
    site = build_site(write_project(tmp_path), strict=True)
    assert set(ALL_BUT_API) <= built(site)
    assert "reference/api/" not in built(site)


def test_pages_without_data_are_left_out(tmp_path: Path) -> None:
    site = build_site(write_project(tmp_path, manifest=TINY), strict=True)
    assert built(site) == {
        "services/",
        "services/api/",
        "architecture/",
        "phases/",
        "reference/schema/",
    }


def test_selected_pages_only_and_no_broken_links(tmp_path: Path) -> None:
    config = write_project(tmp_path, options={"pages": ["catalog", "services"]})
    site = build_site(config, strict=True)
    names = load_manifest(FIXTURE_MANIFEST).manifest.services
    assert built(site) == {"services/", *(f"services/{n}/" for n in names)}
    backend = read_page(site, "services/backend/").article
    assert "costs page" not in backend.text()


def test_without_service_pages_names_are_plain_text(tmp_path: Path) -> None:
    config = write_project(tmp_path, options={"pages": ["environment", "domains"]})
    site = build_site(config, strict=True)  # strict: no link to a missing page
    assert built(site) == {"environment/", "domains/"}
    env = read_page(site, "environment/").article
    assert "backend" in env.text()
    assert not [a for a in env.find_all("a") if "services/" in a.attrs.get("href", "")]


def test_selected_page_the_config_cannot_render_fails_with_the_fix(tmp_path: Path) -> None:
    config = write_project(tmp_path, options={"pages": ["catalog", "api"]})
    error = str(build_error(config))
    assert "mkdocs.yml:" in error
    assert "the 'api' page (reference/api.md)" in error
    assert "add to mkdocs.yml:\n\nplugins:\n  - mkdocstrings\n" in error
    assert "pages: [catalog]" in error


def test_unknown_page_name_is_a_config_error(tmp_path: Path) -> None:
    config = write_project(tmp_path, options={"pages": ["catalogue"]})
    with pytest.raises(Abort):
        build_site(config)


def pages_export(root: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [str(BIN / "br-ops"), "pages", "--out", "build/export"],
        cwd=root,
        capture_output=True,
        text=True,
        env=subprocess_env(),
        timeout=300,
        check=False,
    )


def exported(root: Path) -> set[str]:
    out = root / "build/export"
    return {p.relative_to(out).as_posix() for p in out.rglob("*.md")}


def test_pages_export_follows_the_same_selection(tmp_path: Path) -> None:
    write_project(tmp_path)
    assert pages_export(tmp_path).returncode == 0
    assert "reference/api.md" not in exported(tmp_path)
    assert "costs/index.md" in exported(tmp_path)

    write_project(tmp_path / "chosen", options={"pages": ["catalog", "roadmap"]})
    assert pages_export(tmp_path / "chosen").returncode == 0
    assert exported(tmp_path / "chosen") == {"index.md", "services/index.md", "phases/index.md"}

    write_project(tmp_path / "api", options={"pages": ["api"]})
    result = pages_export(tmp_path / "api")
    assert result.returncode == 2
    assert "the 'api' page (reference/api.md)" in result.stderr
    assert "plugins:\n  - mkdocstrings\n" in result.stderr
