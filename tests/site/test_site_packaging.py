"""A normal (non-editable) install carries everything the plugin needs at run time.

Builds the wheel with pip from a copy of the project's sources (so no stale ``build/``
folder of the checkout can fill the gaps), checks its file list, installs it into a
folder with ``pip install --target`` and builds a site with MkDocs loading the plugin
from there.
"""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest
from sitekit import PLUGINS_DIR, read_page, subprocess_env, write_project

PROJECT = PLUGINS_DIR.parent
PACKAGE = PLUGINS_DIR / "manifest_docs"
RUNTIME = ("*.py", "*.j2", "*.css", "py.typed")
"""Files of the package needed at run time: code, page templates, stylesheet, marker."""

_BUILD = """\
import json, sys
import manifest_docs.plugin
from mkdocs.commands.build import build
from mkdocs.config import load_config
config = load_config(config_file="mkdocs.yml")
plugin = config.plugins["manifest-docs"]
build(config)
print(json.dumps({
    "package": manifest_docs.__file__,
    "plugin": sys.modules[type(plugin).__module__].__file__,
}))
"""


def runtime_files() -> set[str]:
    """Paths (as in the wheel) of the package's run-time files in the source tree."""
    return {
        f"manifest_docs/{path.relative_to(PACKAGE).as_posix()}"
        for pattern in RUNTIME
        for path in PACKAGE.rglob(pattern)
        if "__pycache__" not in path.parts
    }


@pytest.fixture(scope="module")
def wheel(tmp_path_factory: pytest.TempPathFactory) -> Path:
    src = tmp_path_factory.mktemp("src")
    for name in ("pyproject.toml", "README.md"):
        shutil.copy2(PROJECT / name, src / name)
    shutil.copytree(
        PACKAGE,
        src / "plugins" / "manifest_docs",
        ignore=shutil.ignore_patterns("__pycache__", "*.pyc", "*.egg-info"),
    )
    out = tmp_path_factory.mktemp("wheel")
    result = subprocess.run(
        [sys.executable, "-m", "pip", "wheel", "--no-deps", "-q", "-w", str(out), str(src)],
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    (built,) = out.glob("manifest_docs-*.whl")
    return built


def test_runtime_files_are_found_in_the_source_tree() -> None:
    names = runtime_files()
    assert "manifest_docs/render/manifest-docs.css" in names
    assert "manifest_docs/render/templates/service.md.j2" in names
    assert "manifest_docs/py.typed" in names


def test_wheel_holds_every_runtime_file(wheel: Path) -> None:
    with zipfile.ZipFile(wheel) as archive:
        shipped = set(archive.namelist())
    assert sorted(runtime_files() - shipped) == []


def test_site_builds_with_the_plugin_installed_from_the_wheel(wheel: Path, tmp_path: Path) -> None:
    target = tmp_path / "installed"
    subprocess.run(
        [sys.executable, "-m", "pip", "install", "--no-deps", "-q", "-t", str(target), str(wheel)],
        check=True,
        capture_output=True,
    )
    root = tmp_path / "project"
    config = write_project(root, options={"drift": "off"})
    result = subprocess.run(
        [sys.executable, "-c", _BUILD],
        cwd=root,
        env={**subprocess_env(), "PYTHONPATH": str(target)},
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 0, result.stderr[-3000:]
    loaded = json.loads(result.stdout.strip().splitlines()[-1])
    for module in loaded.values():
        assert Path(module).resolve().is_relative_to(target.resolve()), loaded
    site = config.parent / "site"
    assert (site / "assets" / "manifest-docs.css").read_text("utf-8") == (
        PACKAGE / "render" / "manifest-docs.css"
    ).read_text("utf-8")
    assert "6 services:" in read_page(site, "services/").article.text()
    for url in ("services/redis/", "domains/", "costs/", "environment/", "phases/"):
        assert read_page(site, url).article.find_all("h1")
