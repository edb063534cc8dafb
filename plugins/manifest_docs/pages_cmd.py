"""``br-ops pages``: the generated pages as files, for an engine without plugins (Zensical)."""

from __future__ import annotations

import json
import sys
import time
from pathlib import Path
from typing import TYPE_CHECKING

import click

from .cli import manifest_option
from .cliutil import EXIT_INVALID, exit_invalid, print_problems, relative
from .errors import ManifestError
from .export import ExportError, engine_config, export_site
from .fsutil import write_atomic
from .load import find_manifest
from .outdir import FolderError, SyncResult, sync_folder

if TYPE_CHECKING:
    from collections.abc import Iterator

__all__ = ["pages"]


def _config_path(config: str | None, manifest: str | None) -> Path:
    """``--config``, else ``mkdocs.yml`` beside the manifest, else in the working directory."""
    if config:
        return Path(config)
    beside = find_manifest(manifest).resolve().parent / "mkdocs.yml"
    return beside if beside.is_file() else Path("mkdocs.yml")


def _run(
    config: Path, manifest: str | None, out: Path, zensical: Path | None, site_dir: str
) -> tuple[SyncResult, bool]:
    """One export: sync ``out``, write the engine config if it changed. Raises on bad input."""
    export = export_site(config, manifest=manifest, out=out)
    print_problems(export.loaded.warnings)
    config_text = (
        engine_config(export, out=out, site_dir=site_dir, path=zensical) if zensical else None
    )
    result = sync_folder(out, export.files)
    changed = False
    if zensical is not None and config_text is not None:
        current = zensical.read_text("utf-8") if zensical.is_file() else None
        if current != config_text:
            write_atomic(zensical, config_text)
            changed = True
    return result, changed


def _summary(out: Path, result: SyncResult, config: Path | None, changed: bool) -> str:
    parts = [
        f"{relative(out)}: {len(result.written)} written, {len(result.unchanged)} unchanged, "
        f"{len(result.removed)} removed"
    ]
    if config is not None:
        parts.append(f"{relative(config)} {'written' if changed else 'unchanged'}")
    return "; ".join(parts)


def _inputs(config: Path, manifest: str | None) -> Iterator[Path]:
    """Files whose change calls for a new export (the watch loop stats them)."""
    yield config
    yield find_manifest(manifest) if manifest else config.resolve().parent / "manifest.yml"
    root = config.resolve().parent
    for folder in (root / "docs", root / "overrides"):
        if folder.is_dir():
            yield from (p for p in folder.rglob("*") if p.is_file())


def _stamp(config: Path, manifest: str | None) -> frozenset[tuple[str, int, int]]:
    stamps = set()
    for path in _inputs(config, manifest):
        try:
            st = path.stat()
        except OSError:
            continue
        stamps.add((str(path), st.st_mtime_ns, st.st_size))
    return frozenset(stamps)


@click.command()
@manifest_option(help="Manifest to read (default: the plugin's `manifest` option in the config).")
@click.option(
    "--config",
    "-f",
    "config",
    metavar="FILE",
    default=None,
    help="The MkDocs config to follow (default: mkdocs.yml beside the manifest).",
)
@click.option(
    "--out",
    "out",
    metavar="DIR",
    required=True,
    help="Folder to fill: the hand-written docs plus every generated page and file.",
)
@click.option(
    "--zensical-config",
    "zensical",
    metavar="FILE",
    default=None,
    help="Also write a config for Zensical here (beside mkdocs.yml) that builds DIR.",
)
@click.option(
    "--site-dir",
    default="site-zensical",
    show_default=True,
    metavar="DIR",
    help="Where that config tells Zensical to write the site.",
)
@click.option("--watch", is_flag=True, help="Keep running; export again when an input changes.")
@click.option("--json", "as_json", is_flag=True, help="Print what was written as JSON.")
def pages(
    manifest: str | None,
    config: str | None,
    out: str,
    zensical: str | None,
    site_dir: str,
    watch: bool,
    as_json: bool,
) -> None:
    """Write the site's pages as files, for an engine that runs no MkDocs plugins.

    DIR receives the hand-written docs and every page the manifest-docs plugin
    generates (narratives appended, downloads, stylesheet, CNAME) — from the same core
    call as the plugin. Only files whose content changed are written (atomically); files
    written by an earlier run that are no longer generated are removed (they are listed
    in DIR/.manifest-docs-pages.json); nothing else in DIR is touched. The drift gate
    does not run here: use `br-ops check`.

    \b
    Examples:
      br-ops pages --out build/zensical-docs --zensical-config mkdocs.zensical.yml
      zensical build -f mkdocs.zensical.yml
    """
    config_path = _config_path(config, manifest)
    out_path = Path(out)
    zensical_path = Path(zensical) if zensical else None
    args = (config_path, manifest, out_path, zensical_path, site_dir)
    if not watch:
        result, changed = _once(*args, exit_on_error=True)
        if as_json:
            payload = {
                "written": result.written,
                "unchanged": len(result.unchanged),
                "removed": result.removed,
                "config": str(zensical_path) if zensical_path else None,
                "config_written": changed,
            }
            click.echo(json.dumps(payload, indent=2))
        else:
            click.echo(_summary(out_path, result, zensical_path, changed), err=True)
        return
    seen: frozenset[tuple[str, int, int]] | None = None
    try:
        while True:
            stamp = _stamp(config_path, manifest)
            if stamp != seen:
                seen = stamp
                result, changed = _once(*args, exit_on_error=False)
                click.echo(_summary(out_path, result, zensical_path, changed), err=True)
            time.sleep(0.5)
    except KeyboardInterrupt:
        return


def _once(
    config: Path,
    manifest: str | None,
    out: Path,
    zensical: Path | None,
    site_dir: str,
    *,
    exit_on_error: bool,
) -> tuple[SyncResult, bool]:
    """Run one export; on bad input print every problem and exit 2 (or, watching, go on)."""
    note = "no pages were written"
    try:
        return _run(config, manifest, out, zensical, site_dir)
    except ManifestError as exc:
        if exit_on_error:
            n = sum(p.severity == "error" for p in exc.problems)
            exit_invalid(exc.problems, f"{n} problem{'s' * (n != 1)}; no pages were written")
        problems = [str(p) for p in exc.problems]
    except (ExportError, FolderError) as exc:
        problems = exc.problems
    except OSError as exc:
        problems = [f"{exc.filename or out}: {exc.strerror or exc}"]
        note = "stopped part-way; files already written are complete, run again"
    for line in problems:
        click.echo(line, err=True)
    if exit_on_error:
        click.echo(note, err=True)
        sys.exit(EXIT_INVALID)
    click.echo("br-ops pages: waiting for a fix", err=True)
    return SyncResult(), False
