"""Helpers for the second-engine tests: copy BlackRoad's site, build it, read page text.

A plain module, not ``conftest.py`` (see ``tests/site/sitekit.py`` for why).
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from html.parser import HTMLParser
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]
BIN = Path(sys.executable).parent
ZENSICAL = BIN / "zensical"


def copy_site(dest: Path) -> Path:
    """The inputs of the project's own site (config, manifest, docs, overrides) in ``dest``."""
    dest.mkdir(parents=True, exist_ok=True)
    for name in ("mkdocs.yml", "manifest.yml"):
        shutil.copy2(REPO / name, dest / name)
    for name in ("docs", "overrides"):
        shutil.copytree(REPO / name, dest / name)
    return dest


def run(*args: str | Path, cwd: Path, check: bool = True) -> subprocess.CompletedProcess[str]:
    """Run a program of the venv (``br-ops``, ``mkdocs``, ``zensical``) in ``cwd``."""
    proc = subprocess.run(
        [str(BIN / str(args[0])), *map(str, args[1:])],
        cwd=cwd,
        capture_output=True,
        text=True,
        check=False,
        env={**os.environ, "NO_MKDOCS_2_WARNING": "1"},
    )
    if check and proc.returncode != 0:
        pytest.fail(f"{args[0]} failed (exit {proc.returncode}):\n{proc.stdout}\n{proc.stderr}")
    return proc


def need_zensical() -> None:
    """Skip (with the reason) when Zensical is not installed."""
    if not ZENSICAL.is_file():
        pytest.skip("zensical is not installed (pip install -e '.[zensical]')")


def build_zensical(project: Path) -> Path:
    """``make site-zensical`` in ``project``: export the pages, then ``zensical build``."""
    need_zensical()
    run(
        "br-ops",
        "pages",
        "--out",
        "build/zensical-docs",
        "--zensical-config",
        "mkdocs.zensical.yml",
        cwd=project,
    )
    run("zensical", "build", "-f", "mkdocs.zensical.yml", cwd=project)
    return project / "site-zensical"


class _Article(HTMLParser):
    """The text a reader sees in a page's ``<article>``, without scripts or permalinks."""

    def __init__(self) -> None:
        super().__init__()
        self.depth = 0
        self.skip: list[str] = []
        self.words: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        classes = (dict(attrs).get("class") or "").split()
        if tag == "article":
            self.depth += 1
        elif self.depth and (tag in ("script", "style") or "headerlink" in classes):
            self.skip.append(tag)

    def handle_endtag(self, tag: str) -> None:
        if tag == "article":
            self.depth -= 1
        elif self.skip and self.skip[-1] == tag:
            self.skip.pop()

    def handle_data(self, data: str) -> None:
        if self.depth and not self.skip:
            self.words += data.split()


def visible_text(page: Path) -> str:
    """The words of the page's article, one space apart (markup stripped)."""
    parser = _Article()
    parser.feed(page.read_text("utf-8"))
    return " ".join(parser.words)


def html_pages(site: Path) -> set[str]:
    """Every HTML page of a built site, as paths relative to it."""
    return {p.relative_to(site).as_posix() for p in site.rglob("*.html")}
