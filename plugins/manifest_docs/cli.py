"""``br-ops``: the operations CLI over manifest.yml (a thin click adapter over the core).

Exit codes: 0 success, 1 findings (drift, failed health checks), 2 invalid input or usage.
"""

from __future__ import annotations

import sys
from collections import Counter
from pathlib import Path
from typing import TYPE_CHECKING, Any

import click

from . import __version__
from .dump import dump_manifest, json_schema_text
from .errors import ManifestError, Problem
from .fsutil import write_atomic
from .load import MANIFEST_ENV, LoadedManifest, find_manifest, load_manifest

if TYPE_CHECKING:
    from collections.abc import Callable, Iterable

__all__ = ["main"]

EXIT_OK, EXIT_FINDINGS, EXIT_INVALID = 0, 1, 2


def _print_problems(problems: Iterable[Problem]) -> None:
    for problem in problems:
        click.echo(str(problem), err=True)


def _load(path: str | None) -> LoadedManifest:
    """Load the manifest named by ``--manifest``/``$BR_MANIFEST``/discovery, or exit 2."""
    target = find_manifest(path)
    shown = path or _relative(target)
    try:
        loaded = load_manifest(target, shown=shown)
    except ManifestError as exc:
        _print_problems(exc.problems)
        errors = sum(p.severity == "error" for p in exc.problems)
        click.echo(f"{shown}: {errors} problem{'s' * (errors != 1)}; nothing was changed", err=True)
        sys.exit(EXIT_INVALID)
    _print_problems(loaded.warnings)
    return loaded


def _relative(path: Path) -> str:
    try:
        return str(path.resolve().relative_to(Path.cwd().resolve()))
    except ValueError:
        return str(path)


def manifest_option(func: Callable[..., Any]) -> Callable[..., Any]:
    """The shared ``--manifest PATH`` option."""
    return click.option(
        "--manifest",
        "-m",
        "manifest",
        metavar="PATH",
        default=None,
        help=f"Manifest to read (default: ${MANIFEST_ENV}, then manifest.yml here or above).",
    )(func)


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="br-ops")
def main() -> None:
    """Operate BlackRoad's services from manifest.yml, the single source of truth.

    \b
    Examples:
      br-ops validate
      br-ops schema > schema/manifest.schema.json
      br-ops migrate infra/blackroad-manifest.yml -o manifest.yml
    """


@main.command()
@manifest_option
def validate(manifest: str | None) -> None:
    """Check the manifest and print a one-line summary (exit 2 with every problem).

    \b
    Example:
      br-ops validate --manifest manifest.yml
    """
    loaded = _load(manifest)
    m = loaded.manifest
    by_status = Counter(s.status.value for s in m.services.values())
    statuses = ", ".join(f"{n} {s}" for s, n in sorted(by_status.items()))
    shown = manifest or _relative(loaded.path or Path("manifest.yml"))
    legacy = " (legacy format)" if loaded.legacy else ""
    click.echo(
        f"{shown}: valid{legacy} — {len(m.services)} services ({statuses}), "
        f"{len(m.domains)} domains, {len(m.costs)} cost lines, {len(m.phases)} phases"
    )


@main.command()
def schema() -> None:
    """Print the JSON Schema of manifest.yml (schema v1).

    \b
    Example:
      br-ops schema > schema/manifest.schema.json
    """
    click.echo(json_schema_text(), nl=False)


@main.command()
@click.argument("path", type=click.Path(dir_okay=False, path_type=str))
@click.option(
    "--output",
    "-o",
    metavar="FILE",
    default=None,
    help="Write the v1 manifest here (atomically) instead of printing it.",
)
def migrate(path: str, output: str | None) -> None:
    """Convert a legacy (pre-v1) manifest at PATH to schema v1 and print it.

    \b
    Example:
      br-ops migrate infra/blackroad-manifest.yml -o manifest.yml
    """
    loaded = _load(path)
    header = f"# Converted by 'br-ops migrate' from {path}; review before committing.\n"
    text = dump_manifest(loaded.manifest, header=header if loaded.legacy else "")
    if output:
        write_atomic(output, text)
        click.echo(f"wrote {output}", err=True)
    else:
        click.echo(text, nl=False)


def _register_check() -> None:
    """Add ``check`` (the drift gate lives in its own module)."""
    from .check_cmd import check

    main.add_command(check)


_register_check()
