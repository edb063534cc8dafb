"""``br-ops pages``: the plugin's pages as files, written when changed, nothing else touched."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest
from click.testing import CliRunner
from manifest_docs.cli import main
from manifest_docs.config import ManifestDocsConfig
from manifest_docs.outdir import RECORD
from manifest_docs.render.site import PageOptions
from mkdocs.commands.build import build
from mkdocs.config import load_config
from zkit import copy_site

OUT = "build/zensical-docs"


@pytest.fixture(scope="module")
def project(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return copy_site(tmp_path_factory.mktemp("pages") / "site")


def pages(project: Path, *args: str) -> tuple[int, str]:
    """``br-ops pages --out build/zensical-docs ARGS`` run in ``project``: (exit code, output)."""
    old = Path.cwd()
    os.chdir(project)
    try:
        result = CliRunner().invoke(main, ["pages", "--out", OUT, *args], catch_exceptions=False)
    finally:
        os.chdir(old)
    return result.exit_code, result.output


def files_of(folder: Path) -> dict[str, bytes]:
    return {
        p.relative_to(folder).as_posix(): p.read_bytes()
        for p in folder.rglob("*")
        if p.is_file() and p.name != RECORD
    }


def test_pages_are_the_plugins_pages(project: Path) -> None:
    code, output = pages(project)
    assert code == 0, output
    config = load_config(str(project / "mkdocs.yml"), site_dir=str(project / "site"))
    build(config)
    plugin = config.plugins["manifest-docs"]
    expected = {p.src_uri: p.content for p in (*plugin.pages.pages, *plugin.pages.files)}
    written = files_of(project / OUT)
    generated = {k: v.decode("utf-8") for k, v in written.items() if k in expected}
    assert generated == expected
    # The narrative of docs/services/redis.md is part of the generated page, as in MkDocs.
    assert "services/redis.md" in plugin.narratives
    # Everything else is the hand-written docs, byte for byte.
    docs = files_of(project / "docs")
    for uri, data in written.items():
        if uri not in expected:
            assert docs[uri] == data, uri
    assert set(docs) - set(written) <= set(expected)


def test_a_second_run_writes_nothing(project: Path) -> None:
    assert pages(project)[0] == 0
    before = {p: p.stat().st_mtime_ns for p in (project / OUT).rglob("*") if p.is_file()}
    code, output = pages(project, "--json")
    assert code == 0, output
    report = json.loads(output)
    assert report["written"] == []
    assert report["removed"] == []
    after = {p: p.stat().st_mtime_ns for p in (project / OUT).rglob("*") if p.is_file()}
    assert after == before


def test_stale_generated_file_is_removed_and_foreign_files_are_kept(project: Path) -> None:
    out = project / OUT
    assert pages(project)[0] == 0
    record = json.loads((out / RECORD).read_text("utf-8"))
    stale = out / "services" / "retired-service.md"
    stale.write_text("# gone\n", "utf-8")
    record["files"]["services/retired-service.md"] = "0" * 64
    (out / RECORD).write_text(json.dumps(record), "utf-8")
    foreign = out / "notes" / "mine.txt"
    foreign.parent.mkdir(exist_ok=True)
    foreign.write_text("my own file\n", "utf-8")
    code, output = pages(project, "--json")
    assert code == 0, output
    assert json.loads(output)["removed"] == ["services/retired-service.md"]
    assert not stale.exists()
    assert foreign.read_text("utf-8") == "my own file\n"


def test_a_hand_made_file_in_the_way_is_never_replaced(project: Path) -> None:
    out = project / OUT
    assert pages(project)[0] == 0
    record = json.loads((out / RECORD).read_text("utf-8"))
    del record["files"]["domains/index.md"]
    (out / RECORD).write_text(json.dumps(record), "utf-8")
    (out / "domains" / "index.md").write_text("mine\n", "utf-8")
    code, output = pages(project)
    assert code == 2
    assert "domains/index.md: a file not written by br-ops pages is in the way" in output
    assert (out / "domains" / "index.md").read_text("utf-8") == "mine\n"
    (out / "domains" / "index.md").unlink()
    assert pages(project)[0] == 0


def test_zensical_config_carries_the_plugins_navigation(project: Path) -> None:
    code, output = pages(project, "--zensical-config", "mkdocs.zensical.yml")
    assert code == 0, output
    text = (project / "mkdocs.zensical.yml").read_text("utf-8")
    assert "docs_dir: build/zensical-docs" in text
    assert "!!python/name:pymdownx.superfences.fence_code_format" in text
    assert "manifest_docs.macros.ProtectCode" in text
    assert "- manifest-docs" not in text
    assert "      - redis: services/redis.md" in text
    assert text.index("- Performance: performance.md") < text.index("- Infrastructure:")


def test_invalid_manifest_is_reported_with_its_line(tmp_path: Path) -> None:
    project = copy_site(tmp_path / "site")
    manifest = project / "manifest.yml"
    manifest.write_text(
        manifest.read_text("utf-8").replace("status: active", "status: sideways", 1), "utf-8"
    )
    code, output = pages(project)
    assert code == 2
    assert "manifest.yml:" in output
    assert "sideways" in output
    assert not (project / OUT).exists()


def test_page_options_defaults_match_the_plugin_config() -> None:
    plugin_defaults = {name: option.default for name, option in ManifestDocsConfig._schema}
    for name, value in PageOptions().__dict__.items():
        assert plugin_defaults[name] == value, name
