"""Golden files: the Markdown generated for the fixture manifest, byte for byte.

Regenerate after an intended change with ``UPDATE_GOLDEN=1 pytest tests/site`` and
review the diff of ``tests/site/golden/`` before committing it.
"""

from __future__ import annotations

import difflib
import os
import subprocess
import sys
from functools import cache
from typing import TYPE_CHECKING

import pytest
from manifest_docs.load import load_manifest
from manifest_docs.render.pages import render_site
from sitekit import FIXTURE_MANIFEST, GOLDEN

if TYPE_CHECKING:
    from manifest_docs.render.pages import PageSet

UPDATE = os.environ.get("UPDATE_GOLDEN") == "1"


def render() -> PageSet:
    return render_site(load_manifest(FIXTURE_MANIFEST).manifest)


@cache
def generated() -> dict[str, str]:
    """Every generated page and download, by its path in the docs tree."""
    out = render()
    return {p.src_uri: p.content for p in [*out.pages, *out.files]}


def golden_files() -> set[str]:
    return {p.relative_to(GOLDEN).as_posix() for p in GOLDEN.rglob("*") if p.is_file()}


def diff(expected: str, actual: str, name: str) -> str:
    return "".join(
        difflib.unified_diff(
            expected.splitlines(keepends=True),
            actual.splitlines(keepends=True),
            f"golden/{name}",
            f"generated/{name}",
        )
    )


@pytest.mark.parametrize("src_uri", sorted(generated()))
def test_generated_page_matches_golden_file(src_uri: str) -> None:
    actual = generated()[src_uri]
    path = GOLDEN / src_uri
    if UPDATE:
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(actual.encode("utf-8"))
        pytest.skip(f"rewrote golden/{src_uri}; review the diff before committing")
    assert path.is_file(), f"golden/{src_uri} is missing; run with UPDATE_GOLDEN=1"
    expected = path.read_bytes().decode("utf-8")
    assert actual == expected, diff(expected, actual, src_uri)


def test_no_golden_file_is_left_over() -> None:
    stale = golden_files() - set(generated())
    if UPDATE and stale:
        for name in stale:
            (GOLDEN / name).unlink()
        pytest.skip(f"removed stale golden files {sorted(stale)}; review the diff")
    assert not stale, f"golden files for pages no longer generated: {sorted(stale)}"


def test_golden_set_covers_every_page_kind() -> None:
    assert {
        "services/index.md",
        "services/backend.md",
        "services/redis.md",
        "domains/index.md",
        "costs/index.md",
        "environment/index.md",
        "architecture/index.md",
        "phases/index.md",
        "reference/schema.md",
        "reference/api.md",
        "environment/backend.env.example",
    } <= set(generated())


def test_rendering_twice_gives_identical_bytes() -> None:
    first, second = render(), render()
    assert [(p.src_uri, p.title, p.nav, p.content) for p in first.pages] == [
        (p.src_uri, p.title, p.nav, p.content) for p in second.pages
    ]
    assert [(f.src_uri, f.content) for f in first.files] == [
        (f.src_uri, f.content) for f in second.files
    ]


_DUMP = """\
import sys
from manifest_docs.load import load_manifest
from manifest_docs.render.pages import render_site
out = render_site(load_manifest(sys.argv[1]).manifest)
for p in [*out.pages, *out.files]:
    sys.stdout.write(f"=== {p.src_uri}\\n{p.content}")
"""


@pytest.mark.parametrize("seed", ["1", "4242"])
def test_rendering_does_not_depend_on_hash_seed(seed: str) -> None:
    result = subprocess.run(
        [sys.executable, "-c", _DUMP, str(FIXTURE_MANIFEST)],
        env={**os.environ, "PYTHONHASHSEED": seed},
        capture_output=True,
        check=True,
    )
    expected = "".join(f"=== {uri}\n{text}" for uri, text in generated().items())
    assert result.stdout.decode("utf-8") == expected
