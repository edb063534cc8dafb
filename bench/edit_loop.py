"""The edit-rebuild loop: change one service in manifest.yml, time until the site is rebuilt.

Two engines over the same synthetic project (``bench/run.py``'s plugin project):

* **MkDocs + plugin**: one ``mkdocs build`` (the plugin regenerates every page, and the
  drift gate runs inside the build); what ``mkdocs serve`` does on every change.
* **br-ops pages + Zensical**: ``br-ops pages`` (rewrites only the pages whose text
  changed) then ``zensical build`` from its warm cache (the gate is ``br-ops check``,
  not part of the loop).

Each engine is built once cold (not counted), then the description of one service is
changed ``runs`` times and each rebuild is timed as wall time of the commands.

Usage: ``python bench/edit_loop.py [--services 1000] [--runs 3]`` (also
``python bench/run.py --edit-loop 1000``).
"""

from __future__ import annotations

import argparse
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

BIN = Path(sys.executable).parent
ENV = {**os.environ, "NO_MKDOCS_2_WARNING": "1"}


def _run(project: Path, *args: str) -> float:
    start = time.perf_counter()
    subprocess.run(
        [str(BIN / args[0]), *args[1:]], cwd=project, env=ENV, check=True, capture_output=True
    )
    return time.perf_counter() - start


def _edit(manifest: Path, i: int) -> None:
    """Change the description of one service (svc-0001), as a contributor would."""
    text = manifest.read_text("utf-8")
    old = "Synthetic service 1 |"
    new = f"Synthetic service 1 (edit {i}) |"
    if old not in text:
        old = f"Synthetic service 1 (edit {i - 1}) |"
    manifest.write_text(text.replace(old, new, 1), "utf-8")


def _mkdocs(project: Path) -> float:
    return _run(project, "mkdocs", "build", "--quiet")


PARTS: dict[str, list[float]] = {"pages": [], "zensical": []}
"""The two steps of each Zensical rebuild, for the breakdown."""


def _zensical(project: Path) -> float:
    pages = (
        "br-ops",
        "pages",
        "--out",
        "build/zensical-docs",
        "--zensical-config",
        "mkdocs.zensical.yml",
    )
    export = _run(project, *pages)
    build = _run(project, "zensical", "build", "-f", "mkdocs.zensical.yml")
    PARTS["pages"].append(export)
    PARTS["zensical"].append(build)
    return export + build


def edit_loop(n: int, runs: int, workdir: Path) -> dict[str, float]:
    """Cold build and median edit-rebuild time of both engines at ``n`` services."""
    sys.path.insert(0, str(Path(__file__).resolve().parent))
    from run import _projects

    plug, _ = _projects(workdir / f"edit{n}", n, "spread")
    zens = workdir / f"edit{n}-zensical"
    shutil.copytree(plug, zens)
    out: dict[str, float] = {"n": n}
    for name, project, rebuild in (("mkdocs", plug, _mkdocs), ("zensical", zens, _zensical)):
        out[f"{name}_cold_s"] = rebuild(project)
        times = []
        for i in range(1, runs + 1):
            _edit(project / "manifest.yml", i)
            times.append(rebuild(project))
        out[f"{name}_edit_s"] = statistics.median(times)
    out["pages_cold_s"], out["zensical_build_cold_s"] = PARTS["pages"][0], PARTS["zensical"][0]
    out["pages_edit_s"] = statistics.median(PARTS["pages"][1:])
    out["zensical_build_edit_s"] = statistics.median(PARTS["zensical"][1:])
    return out


def table(r: dict[str, float]) -> str:
    """The result as a Markdown table."""
    return (
        "| Services | Engine | Cold build | Edit one service → rebuilt |\n"
        "| ---: | --- | ---: | ---: |\n"
        f"| {int(r['n']):,} | MkDocs + plugin | {r['mkdocs_cold_s']:.1f} s | "
        f"{r['mkdocs_edit_s']:.1f} s |\n"
        f"| {int(r['n']):,} | br-ops pages + Zensical | {r['zensical_cold_s']:.1f} s | "
        f"{r['zensical_edit_s']:.1f} s |\n"
        f"| | of which `br-ops pages` | {r['pages_cold_s']:.1f} s | {r['pages_edit_s']:.1f} s |\n"
        f"| | of which `zensical build` | {r['zensical_build_cold_s']:.1f} s | "
        f"{r['zensical_build_edit_s']:.1f} s |\n"
    )


def main() -> None:
    """Run the loop and print the table."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--services", type=int, default=1000)
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args()
    if not (BIN / "zensical").is_file():
        raise SystemExit("zensical is not installed: pip install -e '.[zensical]'")
    with tempfile.TemporaryDirectory(prefix="manifest-docs-edit-") as tmp:
        print(table(edit_loop(args.services, args.runs, Path(tmp))))


if __name__ == "__main__":
    main()
