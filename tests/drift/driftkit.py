"""Helpers for the drift-gate tests: the fixture manifest, findings of a page, ``br-ops``.

Not a ``conftest.py`` on purpose: the tests folders are not packages, so pytest imports
every ``conftest.py`` under the one module name ``conftest``; a second one here would
shadow ``tests/conftest.py`` for the modules that import from it. Test modules import
what they need from here (their own folder is on ``sys.path``).
"""

from __future__ import annotations

import contextlib
import functools
import os
import re
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

import pytest
from manifest_docs.drift.rules import check_sources
from manifest_docs.load import load_manifest

if TYPE_CHECKING:
    from collections.abc import Iterator

    from manifest_docs.drift import Finding
    from manifest_docs.load import LoadedManifest

HERE = Path(__file__).resolve().parent
FIXTURES = HERE / "fixtures"
FIXTURE_MANIFEST = FIXTURES / "manifest.yml"
"""A compact valid v1 manifest stating one value for every fact kind the gate compares."""
REPO_ROOT = Path(__file__).resolve().parents[2]
REFERENCE = Path(__file__).resolve().parents[3] / "shared/reference/blackroad"
"""The upstream BlackRoad material; absent on some machines (tests then skip)."""
BR_OPS = Path(sys.executable).parent / "br-ops"
MKDOCS = Path(sys.executable).parent / "mkdocs"
QUIET = {"NO_MKDOCS_2_WARNING": "1"}

LINE = re.compile(r"^(?P<file>.+?):(?P<line>\d+): (?P<rule>[a-z-]+/[\w-]+): (?P<message>.*)$")
"""One finding in the text format: ``docs/infra.md:182: fact/version: …``."""


def fixture_text(*pairs: tuple[str, str]) -> str:
    """The fixture manifest's text, with each ``(old, new)`` pair applied exactly once."""
    text = FIXTURE_MANIFEST.read_text("utf-8")
    for old, new in pairs:
        text = replaced(text, old, new)
    return text


def replaced(text: str, old: str, new: str) -> str:
    """``text`` with its single occurrence of ``old`` replaced."""
    assert text.count(old) == 1, f"{old!r} occurs {text.count(old)} times"
    return text.replace(old, new)


@functools.cache
def loaded() -> LoadedManifest:
    """The fixture manifest, loaded once, shown as ``manifest.yml``."""
    return load_manifest(FIXTURE_MANIFEST, shown="manifest.yml")


def findings(
    markdown: str, name: str = "page.md", manifest: LoadedManifest | None = None
) -> list[Finding]:
    """The drift findings of one Markdown page (docs-relative ``name``)."""
    return check_sources(manifest or loaded(), {name: markdown})


def rules_of(markdown: str, name: str = "page.md") -> list[tuple[int, str]]:
    """``(line, rule)`` of every finding of one page."""
    return sorted((f.line, f.rule) for f in findings(markdown, name))


def only(markdown: str, rule: str, name: str = "page.md") -> Finding:
    """The single finding of ``markdown``, which must have rule ``rule``."""
    found = findings(markdown, name)
    assert len(found) == 1, [f"{f.line}: {f.rule}: {f.message}" for f in found]
    assert found[0].rule == rule, found[0]
    return found[0]


def none(markdown: str, name: str = "page.md", manifest: LoadedManifest | None = None) -> None:
    """Assert ``markdown`` has no finding at all (against ``manifest``, else the fixture)."""
    found = findings(markdown, name, manifest)
    assert found == [], [f"{f.line}: {f.rule}: {f.message}" for f in found]


@dataclass(frozen=True)
class Line:
    """A parsed text-format finding."""

    file: str
    line: int
    rule: str
    message: str


def parse_lines(output: str) -> list[Line]:
    """Every finding line of a ``br-ops check`` text output (diff lines are skipped)."""
    out = []
    for raw in output.splitlines():
        m = LINE.match(raw)
        if m:
            out.append(Line(m["file"], int(m["line"]), m["rule"], m["message"]))
    return out


def env() -> dict[str, str]:
    """The process environment for subprocesses, with MkDocs' end-of-life notice off."""
    return {**os.environ, **QUIET}


def br_ops(*args: str | Path, cwd: Path) -> subprocess.CompletedProcess[str]:
    """Run the installed ``br-ops`` with ``args`` in ``cwd``; never raises on exit codes."""
    return subprocess.run(
        [str(BR_OPS), *map(str, args)],
        cwd=cwd,
        env=env(),
        capture_output=True,
        text=True,
        check=False,
    )


def write_tree(root: Path, files: dict[str, str]) -> Path:
    """Write ``files`` (relative path → text) under ``root``; return ``root``."""
    for rel, text in files.items():
        path = root / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
    return root


def project(
    root: Path,
    docs: dict[str, str],
    *,
    manifest: str | None = None,
    extra: dict[str, str] | None = None,
) -> Path:
    """A project folder: ``manifest.yml``, ``docs/…`` and ``extra`` files (``README.md``…)."""
    write_tree(root, {"manifest.yml": manifest or FIXTURE_MANIFEST.read_text("utf-8")})
    write_tree(root, {f"docs/{k}": v for k, v in docs.items()})
    write_tree(root, extra or {})
    return root


@contextlib.contextmanager
def quiet_env() -> Iterator[None]:
    """``NO_MKDOCS_2_WARNING=1`` for the duration (MkDocs builds in-process)."""
    with pytest.MonkeyPatch.context() as mp:
        for key, value in QUIET.items():
            mp.setenv(key, value)
        yield
