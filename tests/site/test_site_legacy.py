"""The upstream manifest in the legacy (pre-v1) format still builds a site."""

from __future__ import annotations

from typing import TYPE_CHECKING

import pytest
from manifest_docs.load import load_manifest
from sitekit import LEGACY_MANIFEST, build_site, captured_warnings, read_page, write_project

if TYPE_CHECKING:
    from pathlib import Path


@pytest.fixture(scope="module")
def legacy() -> Path:
    if not LEGACY_MANIFEST.is_file():
        pytest.skip(f"upstream reference manifest not found at {LEGACY_MANIFEST}")
    return LEGACY_MANIFEST


@pytest.fixture(scope="module")
def build(tmp_path_factory: pytest.TempPathFactory, legacy: Path) -> tuple[Path, list[str]]:
    root = tmp_path_factory.mktemp("legacy")
    config = write_project(root, options={"manifest": str(legacy)})
    with captured_warnings() as warnings:
        site = build_site(config)
    return site, warnings


def test_legacy_manifest_has_thirteen_services(legacy: Path) -> None:
    loaded = load_manifest(legacy)
    assert loaded.legacy
    assert len(loaded.manifest.services) == 13


def test_legacy_build_warns_about_the_format(build: tuple[Path, list[str]]) -> None:
    _, warnings = build
    assert any("legacy manifest format detected" in w for w in warnings)


def test_legacy_build_makes_a_page_per_service(build: tuple[Path, list[str]], legacy: Path) -> None:
    site, _ = build
    names = sorted(load_manifest(legacy).manifest.services)
    catalog = read_page(site, "services/").article
    assert sorted(catalog.link(name) for name in names) == sorted(f"{n}/" for n in names)
    for name in names:
        assert read_page(site, f"services/{name}/").article.find("h1").text() == name
    assert "13 services:" in catalog.text()
