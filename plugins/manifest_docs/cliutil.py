"""What every ``br-ops`` command shares: loading the manifest, printing problems, exit 2."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import TYPE_CHECKING, NoReturn

import click

from .errors import ManifestError
from .load import LoadedManifest, find_manifest, load_manifest

if TYPE_CHECKING:
    from collections.abc import Iterable

    from .errors import Problem

__all__ = ["EXIT_FINDINGS", "EXIT_INVALID", "EXIT_OK", "exit_invalid", "load_or_exit", "relative"]

EXIT_OK, EXIT_FINDINGS, EXIT_INVALID = 0, 1, 2
"""Fine; findings (drift, failed checks, stale files); invalid input or usage."""


def print_problems(problems: Iterable[Problem]) -> None:
    """Each problem on its own line of stderr."""
    for problem in problems:
        click.echo(str(problem), err=True)


def exit_invalid(problems: Iterable[Problem], summary: str) -> NoReturn:
    """Print every problem and a summary line to stderr; exit 2 (invalid input)."""
    print_problems(problems)
    click.echo(summary, err=True)
    sys.exit(EXIT_INVALID)


def relative(path: Path) -> str:
    """``path`` relative to the working directory when it is below it, else as given."""
    try:
        return path.resolve().relative_to(Path.cwd().resolve()).as_posix()
    except ValueError:
        return str(path)


def load_or_exit(path: str | None, *, consequence: str = "nothing was changed") -> LoadedManifest:
    """The manifest named by ``--manifest``, ``$BR_MANIFEST`` or discovery — or exit 2.

    Its warnings go to stderr; on errors every problem is printed, then a summary
    ending in ``consequence`` (what the command did not do).
    """
    target = find_manifest(path)
    shown = path or relative(target)
    try:
        loaded = load_manifest(target, shown=shown)
    except ManifestError as exc:
        n = sum(p.severity == "error" for p in exc.problems)
        exit_invalid(exc.problems, f"{shown}: {n} problem{'s' * (n != 1)}; {consequence}")
    print_problems(loaded.warnings)
    return loaded
