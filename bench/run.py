"""Benchmarks: load+validate, drift check, and the site build against plain MkDocs.

For each catalog shape (``spread``: services spread over N/50 databases; ``shared``:
every service needs one PostgreSQL and one Redis, see ``generate.py``) and each N
(default 100, 1,000 and 2,000 services) it generates a synthetic project, then
measures, as medians of several runs in this one process tree:

* load + validate of manifest.yml (in process);
* the drift check over the hand-written pages (N/2 notes + N/2 narratives);
* a full ``mkdocs build`` with the plugin, and the same generated Markdown written out
  as plain files built without it (same navigation, same theme) — alternating runs, so
  both see the same machine state; their ratio is the number that matters; wall time
  and CPU time (the one to trust when other work shares the machine);
* peak memory, site size, and the size of the largest service page (which must not
  grow with N: lists that would are capped).

Usage: ``python bench/run.py [--sizes 100,1000,2000] [--catalogs spread,shared] [--runs 3]
[--markdown FILE] [--json FILE]``

``--markdown docs/performance.md`` replaces the part of that page between the
``<!-- bench:start -->`` and ``<!-- bench:end -->`` markers with this run's table, the
machine and the targets it was measured against (``make bench`` does this).
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
from typing import Any

import yaml

sys.path.insert(0, str(Path(__file__).resolve().parent))
from generate import SHAPES, write_project
from manifest_docs.drift import check_docs
from manifest_docs.fsutil import write_atomic
from manifest_docs.load import load_manifest
from manifest_docs.render.pages import nest_groups, render_site

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
    """Hand-written notes in nested sections of at most ``size`` entries per level.

    Grouped the way the plugin groups service pages, as a large project would group
    its own pages: a flat list of N/30 sections would put an O(N) navigation on
    every page of both builds.
    """
    names = [f"notes/{p.name}" for p in sorted(folder.glob("*.md"))]
    tree: list[object] = []
    for path, members in nest_groups(names, size):
        level = tree
        for title in (t.replace("notes/", "").replace(".md", "") for t in path):
            found = next((d for d in level if isinstance(d, dict) and title in d), None)
            if found is None:
                found = {title: []}
                level.append(found)
            level = found[title]
        level.extend(members)
    return tree


PLUGINS: list[object] = [
    "search",
    {"manifest-docs": {"manifest": "manifest.yml", "check_committed": False}},
    {"macros": {"modules": ["manifest_docs.macros"]}},
]
"""The plugin project's plugins (the plain project has only ``search``)."""


def _projects(root: Path, n: int, shape: str) -> tuple[Path, Path]:
    """The plugin project and the equivalent plain-Markdown project."""
    plug = root / "plugin"
    manifest = write_project(plug, n, shape)
    (plug / "mkdocs.yml").write_text(
        yaml.safe_dump(
            {
                "site_name": "bench",
                "site_url": "https://docs.example.org/",
                "theme": THEME,
                "plugins": PLUGINS,
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


def _largest_service_page(site: Path) -> int:
    """Bytes of the largest built service page (``services/<name>/index.html``)."""
    pages = (p for p in (site / "services").glob("*/index.html"))
    return max((p.stat().st_size for p in pages), default=0)


def bench(n: int, runs: int, workdir: Path, shape: str = "spread") -> dict[str, Any]:
    """All measurements for one catalog shape and N."""
    root = workdir / f"{shape}-n{n}"
    plug, plain = _projects(root, n, shape)
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
    p_cpu = statistics.median(r["cpu_s"] for r in with_plugin)
    m_cpu = statistics.median(r["cpu_s"] for r in without)
    site_bytes = _size(plug / "site")
    return {
        "catalog": shape,
        "n": n,
        "load_s": load_s,
        "drift_s": drift_s,
        "pages": n // 2,
        "plugin_build_s": p_s,
        "plain_build_s": m_s,
        "ratio": p_s / m_s,
        "plugin_cpu_s": p_cpu,
        "plain_cpu_s": m_cpu,
        "plugin_peak_mib": max(r["peak_mib"] for r in with_plugin),
        "plain_peak_mib": max(r["peak_mib"] for r in without),
        "site_mib": site_bytes / 2**20,
        "kib_per_service": site_bytes / 1024 / n,
        "largest_service_kib": _largest_service_page(plug / "site") / 1024,
    }


def table(results: list[dict[str, Any]]) -> str:
    """The results as two Markdown tables, time then size (each fits a page's column)."""
    times = [
        "| Catalog | Load + validate | Drift check (pages) | Build, plugin / plain | "
        "CPU, plugin / plain | Ratio |",
        "| --- | ---: | ---: | ---: | ---: | ---: |",
    ]
    sizes = [
        "| Catalog | Peak memory, plugin / plain | Site size | Per service | "
        "Largest service page |",
        "| --- | ---: | ---: | ---: | ---: |",
    ]
    for r in results:
        catalog = f"{r.get('catalog', 'spread')}, {r['n']:,}"
        times.append(
            f"| {catalog} | {r['load_s']:.3f} s | {r['drift_s']:.3f} s ({r['pages']:,}) | "
            f"{r['plugin_build_s']:.1f} / {r['plain_build_s']:.1f} s | "
            f"{r.get('plugin_cpu_s', 0):.1f} / {r.get('plain_cpu_s', 0):.1f} s | "
            f"{r['ratio']:.2f}× |"
        )
        sizes.append(
            f"| {catalog} | {r['plugin_peak_mib']:.0f} / {r['plain_peak_mib']:.0f} MiB | "
            f"{r['site_mib']:.1f} MiB | {r['kib_per_service']:.0f} KiB | "
            f"{r.get('largest_service_kib', 0):.0f} KiB |"
        )
    return "\n".join(times) + "\n\n" + "\n".join(sizes) + "\n"


START, END = "<!-- bench:start -->", "<!-- bench:end -->"
LOOP_START, LOOP_END = "<!-- edit-loop:start -->", "<!-- edit-loop:end -->"

TARGETS = [
    ("Load + validate, 1,000 services", "< 0.3 s"),
    ("Drift check, 1,000 services + 500 pages", "< 2 s"),
    ("Build with the plugin vs plain Markdown, 1,000 services", "≤ 1.15×"),
    ("Build time, 2,000 vs 1,000 services (wall / CPU)", "≤ 2.1×"),
    ("Site size per service as N grows", "flat"),
    ("Largest service page as N grows", "flat"),
]


def verdicts(results: list[dict[str, Any]]) -> list[tuple[str, str, str]]:
    """(target, goal, measured) for each target this run can speak to, per catalog."""
    out: list[tuple[str, str, str]] = []
    catalogs = list(dict.fromkeys(r.get("catalog", "spread") for r in results))
    for catalog in catalogs:
        by_n = {int(r["n"]): r for r in results if r.get("catalog", "spread") == catalog}
        tag = f" ({catalog})" if len(catalogs) > 1 else ""
        if 1000 in by_n:
            r = by_n[1000]
            out.append((TARGETS[0][0] + tag, TARGETS[0][1], f"{r['load_s']:.3f} s"))
            out.append((TARGETS[1][0] + tag, TARGETS[1][1], f"{r['drift_s']:.3f} s"))
            out.append((TARGETS[2][0] + tag, TARGETS[2][1], f"{r['ratio']:.2f}×"))
        if 1000 in by_n and 2000 in by_n:
            scale = by_n[2000]["plugin_build_s"] / by_n[1000]["plugin_build_s"]
            cpu = by_n[2000].get("plugin_cpu_s", 0) / (by_n[1000].get("plugin_cpu_s") or 1)
            out.append((TARGETS[3][0] + tag, TARGETS[3][1], f"{scale:.2f}× / {cpu:.2f}×"))
        if len(by_n) > 1:
            sizes = " → ".join(f"{by_n[n]['kib_per_service']:.0f}" for n in sorted(by_n))
            out.append((TARGETS[4][0] + tag, TARGETS[4][1], f"{sizes} KiB"))
            largest = " → ".join(
                f"{by_n[n].get('largest_service_kib', 0):.0f}" for n in sorted(by_n)
            )
            out.append((TARGETS[5][0] + tag, TARGETS[5][1], f"{largest} KiB"))
    return out


def report(results: list[dict[str, Any]], machine: str, runs: int) -> str:
    """The Markdown block written between the performance page's markers."""
    lines = [
        f"Measured {time.strftime('%Y-%m-%d')} on {machine}; each time is the median of "
        f"{runs} runs, the two builds alternating.",
        "",
        table(results),
    ]
    rows = verdicts(results)
    if rows:
        lines += ["| Target | Goal | Measured |", "| --- | ---: | ---: |"]
        lines += [f"| {t} | {g} | {m} |" for t, g, m in rows]
        lines.append("")
    return "\n".join(lines)


def write_markdown(path: Path, block: str | None, markers: tuple[str, str] = (START, END)) -> None:
    """Replace the text between ``markers`` in ``path`` (atomically) with ``block``.

    With ``block=None`` only check that the page exists and has its markers.
    """
    first, last = markers
    try:
        text = path.read_text("utf-8")
    except OSError as exc:
        raise SystemExit(f"{path}: cannot read the page to update ({exc.strerror})") from None
    start, end = text.find(first), text.find(last)
    if start == -1 or end < start:
        raise SystemExit(f"{path}: expected the markers {first} and {last} around the table")
    if block is None:
        return
    write_atomic(path, text[: start + len(first)] + "\n" + block + text[end:])


def loop_report(result: dict[str, float], machine: str, runs: int) -> str:
    """The Markdown block of the edit-rebuild loop, for its own markers."""
    from edit_loop import table as edit_table

    return (
        f"Measured {time.strftime('%Y-%m-%d')} on {machine}; each rebuild is the median "
        f"of {runs} edits of one service's description.\n\n" + edit_table(result)
    )


def main() -> None:
    """Run the benchmarks and print (and optionally save) the table."""
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--sizes", default="100,1000,2000")
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument(
        "--catalogs",
        default=",".join(SHAPES),
        help=f"catalog shapes to measure, comma-separated (of {', '.join(SHAPES)})",
    )
    parser.add_argument("--json", type=Path, help="also write the raw results here")
    parser.add_argument(
        "--markdown", type=Path, help="update the table between the markers of this page"
    )
    parser.add_argument(
        "--edit-loop",
        type=int,
        metavar="N",
        help="only time the edit-rebuild loop at N services (MkDocs vs br-ops pages + Zensical)",
    )
    parser.add_argument(
        "--loop-services",
        type=int,
        default=1000,
        metavar="N",
        help="after the main table, time the edit-rebuild loop at N services (0: skip)",
    )
    args = parser.parse_args()
    machine = (
        f"{platform.machine()}, {os.cpu_count()} cores, Python {platform.python_version()}, "
        f"{platform.platform(terse=True)}"
    )
    if args.edit_loop:
        from edit_loop import edit_loop

        if args.markdown:
            write_markdown(args.markdown, None, (LOOP_START, LOOP_END))
        with tempfile.TemporaryDirectory(prefix="manifest-docs-bench-") as tmp:
            block = loop_report(edit_loop(args.edit_loop, args.runs, Path(tmp)), machine, args.runs)
        print(block)
        if args.markdown:
            write_markdown(args.markdown, block, (LOOP_START, LOOP_END))
        return
    sizes = [int(s) for s in args.sizes.split(",")]
    catalogs = [c.strip() for c in args.catalogs.split(",") if c.strip()]
    unknown = sorted(set(catalogs) - set(SHAPES))
    if unknown:
        parser.error(f"--catalogs: unknown shape(s) {', '.join(unknown)} (of {', '.join(SHAPES)})")
    if args.markdown:  # fail now, not after the run
        write_markdown(args.markdown, None)
        if args.loop_services:
            write_markdown(args.markdown, None, (LOOP_START, LOOP_END))
    results = []
    with tempfile.TemporaryDirectory(prefix="manifest-docs-bench-") as tmp:
        for catalog in catalogs:
            for n in sizes:
                print(f"… {catalog}: {n} services", file=sys.stderr, flush=True)
                results.append(bench(n, args.runs, Path(tmp), catalog))
    block = report(results, machine, args.runs)
    print(block)
    if args.markdown:
        write_markdown(args.markdown, block)
    if args.json:
        args.json.write_text(json.dumps(results, indent=2), "utf-8")
    if args.loop_services:  # the edit-rebuild loop of both engines, in its own table
        from edit_loop import BIN, edit_loop

        if not (BIN / "zensical").is_file():
            print("… edit loop skipped: zensical is not installed", file=sys.stderr)
            return
        print(f"… edit loop: {args.loop_services} services", file=sys.stderr, flush=True)
        with tempfile.TemporaryDirectory(prefix="manifest-docs-bench-") as tmp:
            loop = edit_loop(args.loop_services, args.runs, Path(tmp))
        block = loop_report(loop, machine, args.runs)
        print(block)
        if args.markdown:
            write_markdown(args.markdown, block, (LOOP_START, LOOP_END))


if __name__ == "__main__":
    main()
