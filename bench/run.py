"""Benchmarks: load+validate, drift check, and the site build against plain MkDocs.

For each N (default 100, 1,000 and 2,000 services) it generates a synthetic project,
then measures, as medians of several runs in this one process tree:

* load + validate of manifest.yml (in process);
* the drift check over the hand-written pages (N/2 notes + N/2 narratives);
* a full ``mkdocs build`` with the plugin, and the same generated Markdown written out
  as plain files built without it (same navigation, same theme) — alternating runs, so
  both see the same machine state; their ratio is the number that matters;
* peak memory and site size.

Usage: ``python bench/run.py [--sizes 100,1000,2000] [--runs 3] [--markdown FILE]``
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import yaml

sys.path.insert(0, str(Path(__file__).resolve().parent))
from generate import write_project
from manifest_docs.drift import check_docs
from manifest_docs.load import load_manifest
from manifest_docs.render.pages import render_site

THEME = {"name": "material", "font": False, "features": ["navigation.prune", "navigation.sections"]}
EXTENSIONS = [
    "admonition",
    "attr_list",
    "md_in_html",
    "tables",
    {"toc": {"permalink": True}},
    {"pymdownx.superfences": {}},
]


def _median_time(fn: object, runs: int) -> float:
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        fn()  # type: ignore[operator]
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def _nav_tree(pages: list[tuple[tuple[str, ...], str, str]]) -> list[object]:
    tree: list[object] = []
    for path, title, uri in pages:
        level = tree
        for part in path:
            found = next((d for d in level if isinstance(d, dict) and part in d), None)
            if found is None:
                found = {part: []}
                level.append(found)
            level = found[part]
        level.append({title: uri})
    return tree


def _notes_nav(folder: Path, size: int = 30) -> list[object]:
    """Hand-written notes in sections of ``size``, as a real project would group them."""
    names = [f"notes/{p.name}" for p in sorted(folder.glob("*.md"))]
    return [{f"Notes {i // size + 1}": names[i : i + size]} for i in range(0, len(names), size)]


def _projects(root: Path, n: int) -> tuple[Path, Path]:
    """The plugin project and the equivalent plain-Markdown project."""
    plug = root / "plugin"
    manifest = write_project(plug, n)
    (plug / "mkdocs.yml").write_text(
        yaml.safe_dump(
            {
                "site_name": "bench",
                "site_url": "https://docs.example.org/",
                "theme": THEME,
                "plugins": [
                    "search",
                    {"manifest-docs": {"manifest": "manifest.yml", "check_committed": False}},
                    {"macros": {"modules": ["manifest_docs.macros"]}},
                ],
                "markdown_extensions": EXTENSIONS,
            },
            sort_keys=False,
        ),
        "utf-8",
    )
    plain = root / "plain"
    shutil.copytree(plug / "docs", plain / "docs")
    pages = render_site(load_manifest(manifest).manifest)
    nav_pages = []
    for page in pages.pages:
        target = plain / "docs" / page.src_uri
        target.parent.mkdir(parents=True, exist_ok=True)
        narrative = target.read_text("utf-8") if target.exists() else ""
        target.write_text(page.content + ("\n" + narrative if narrative else ""), "utf-8")
        nav_pages.append((("Infrastructure", *page.nav), page.title, page.src_uri))
    for extra in pages.files:
        target = plain / "docs" / extra.src_uri
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(extra.content, "utf-8")
    notes = _notes_nav(plain / "docs" / "notes")
    nav = [{"Home": "index.md"}, {"Notes": notes}, *_nav_tree(nav_pages)]
    (plain / "mkdocs.yml").write_text(
        yaml.safe_dump(
            {
                "site_name": "bench",
                "site_url": "https://docs.example.org/",
                "theme": THEME,
                "plugins": ["search"],
                "markdown_extensions": EXTENSIONS,
                "nav": nav,
                "validation": {"omitted_files": "ignore"},
            },
            sort_keys=False,
        ),
        "utf-8",
    )
    (plug / "mkdocs.yml").write_text(
        (plug / "mkdocs.yml").read_text("utf-8")
        + yaml.safe_dump({"nav": [{"Home": "index.md"}, {"Notes": notes}]}),
        "utf-8",
    )
    return plug, plain


def _build(project: Path) -> dict[str, float]:
    env = {**os.environ, "NO_MKDOCS_2_WARNING": "1"}
    out = subprocess.run(
        [sys.executable, str(Path(__file__).parent / "build_once.py"), str(project / "mkdocs.yml")],
        capture_output=True,
        text=True,
        check=True,
        env=env,
        cwd=project,
    )
    result: dict[str, float] = json.loads(out.stdout.strip().splitlines()[-1])
    return result


def _size(site: Path) -> int:
    return sum(p.stat().st_size for p in site.rglob("*") if p.is_file())


def bench(n: int, runs: int, workdir: Path) -> dict[str, float]:
    """All measurements for one N."""
    root = workdir / f"n{n}"
    plug, plain = _projects(root, n)
    manifest = plug / "manifest.yml"
    load_s = _median_time(lambda: load_manifest(manifest), max(runs, 5))
    loaded = load_manifest(manifest)
    drift_s = _median_time(lambda: check_docs(loaded, plug / "docs"), runs)
    with_plugin, without = [], []
    for _ in range(runs):  # alternate, so both see the same machine state
        with_plugin.append(_build(plug))
        without.append(_build(plain))
    p_s = statistics.median(r["seconds"] for r in with_plugin)
    m_s = statistics.median(r["seconds"] for r in without)
    site_bytes = _size(plug / "site")
    return {
        "n": n,
        "load_s": load_s,
        "drift_s": drift_s,
        "pages": n // 2,
        "plugin_build_s": p_s,
        "plain_build_s": m_s,
        "ratio": p_s / m_s,
        "plugin_peak_mib": max(r["peak_mib"] for r in with_plugin),
        "plain_peak_mib": max(r["peak_mib"] for r in without),
        "site_mib": site_bytes / 2**20,
        "kib_per_service": site_bytes / 1024 / n,
    }


def table(results: list[dict[str, float]]) -> str:
    """The results as a Markdown table."""
    lines = [
        "| Services | Load + validate | Drift check (pages) | Build with plugin | "
        "Plain build | Ratio | Peak memory (plugin / plain) | Site size | Per service |",
        "| ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |",
    ]
    for r in results:
        lines.append(
            f"| {r['n']:,} | {r['load_s']:.3f} s | {r['drift_s']:.3f} s ({r['pages']:,}) | "
            f"{r['plugin_build_s']:.1f} s | {r['plain_build_s']:.1f} s | {r['ratio']:.2f}× | "
            f"{r['plugin_peak_mib']:.0f} / {r['plain_peak_mib']:.0f} MiB | "
            f"{r['site_mib']:.1f} MiB | {r['kib_per_service']:.0f} KiB |"
        )
    return "\n".join(lines) + "\n"


def main() -> None:
    """Run the benchmarks and print (and optionally save) the table."""
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--sizes", default="100,1000,2000")
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--json", type=Path, help="also write the raw results here")
    args = parser.parse_args()
    sizes = [int(s) for s in args.sizes.split(",")]
    results = []
    with tempfile.TemporaryDirectory(prefix="manifest-docs-bench-") as tmp:
        for n in sizes:
            print(f"… {n} services", file=sys.stderr, flush=True)
            results.append(bench(n, args.runs, Path(tmp)))
    print(
        f"Machine: {platform.machine()}, {os.cpu_count()} cores, Python "
        f"{platform.python_version()}, {platform.platform()}"
    )
    print(table(results))
    by_n = {r["n"]: r for r in results}
    if 1000 in by_n and 2000 in by_n:
        scale = by_n[2000]["plugin_build_s"] / by_n[1000]["plugin_build_s"]
        print(f"2,000 / 1,000 services build time: {scale:.2f}× (linear is 2.0×)")
    if args.json:
        args.json.write_text(json.dumps(results, indent=2), "utf-8")


if __name__ == "__main__":
    main()
