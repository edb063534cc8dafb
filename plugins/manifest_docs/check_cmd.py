"""``br-ops check``: the drift gate from the command line (and in CI)."""

from __future__ import annotations

import json
import sys
from pathlib import Path

import click

from .cliutil import exit_invalid, load_or_exit, relative
from .drift import RULES, DocsError, Finding, check_docs, format_finding
from .drift.committed import check_committed

__all__ = ["check", "github_annotation"]


def _escape_data(text: str) -> str:
    return text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def _escape_property(text: str) -> str:
    return _escape_data(text).replace(":", "%3A").replace(",", "%2C")


def github_annotation(f: Finding) -> str:
    """A GitHub Actions workflow command that annotates the pull request at the finding."""
    props = [f"file={_escape_property(f.file)}"]
    if f.line:
        props.append(f"line={f.line}")
    props.append(f"title={_escape_property(f.rule)}")
    body = f.message + ("\n" + f.diff if f.diff else "")
    return f"::{f.severity} {','.join(props)}::{_escape_data(body)}"


@click.command()
@click.option(
    "--manifest",
    "-m",
    "manifest",
    metavar="PATH",
    default=None,
    help="Manifest to read (default: $BR_MANIFEST, then manifest.yml here or above).",
)
@click.option(
    "--docs",
    "docs",
    metavar="DIR",
    default=None,
    help="Folder of hand-written Markdown (default: docs/ next to the manifest).",
)
@click.option(
    "--format",
    "fmt",
    type=click.Choice(["text", "github", "json"]),
    default="text",
    show_default=True,
    help="text for people, github for PR annotations, json for tools.",
)
@click.option(
    "--strict-freshness", is_flag=True, help="An overdue service review is an error, not a warning."
)
@click.option(
    "--no-committed",
    is_flag=True,
    help="Skip the committed artefacts (README table, CNAME, site_url, deploy files).",
)
def check(
    manifest: str | None, docs: str | None, fmt: str, strict_freshness: bool, no_committed: bool
) -> None:
    """Fail when hand-written docs or committed files contradict the manifest.

    Exit 0 when clean (warnings allowed), 1 on findings, 2 on invalid input.
    Suppress one finding with <!-- drift: ignore RULE-ID reason --> on its line or
    before its block.

    \b
    Examples:
      br-ops check
      br-ops check --format github
      br-ops check --manifest old.yml --docs old-docs/ --no-committed
    """
    loaded = load_or_exit(manifest, consequence="no docs were checked")
    root = (loaded.path or Path("manifest.yml")).resolve().parent
    docs_dir = Path(docs) if docs else root / "docs"
    if not docs_dir.is_dir():
        click.echo(f"{docs_dir}: no such folder of Markdown docs; pass --docs DIR", err=True)
        sys.exit(2)
    try:
        findings = check_docs(
            loaded,
            docs_dir,
            shown_dir=relative(docs_dir).rstrip("/"),
            strict_freshness=strict_freshness,
        )
    except DocsError as exc:
        n = len(exc.problems)
        exit_invalid(
            exc.problems, f"{n} page{'s' * (n != 1)} could not be read; no docs were checked"
        )
    if not no_committed:
        findings += check_committed(loaded.manifest, root)
    findings = sorted(set(findings))
    errors = [f for f in findings if f.severity == "error"]
    if fmt == "json":
        payload = {
            "findings": [
                {
                    "file": f.file,
                    "line": f.line,
                    "rule": f.rule,
                    "severity": f.severity,
                    "message": f.message,
                    "diff": f.diff,
                }
                for f in findings
            ],
            "counts": {"error": len(errors), "warning": len(findings) - len(errors)},
            "rules": RULES,
        }
        click.echo(json.dumps(payload, indent=2))
    else:
        for f in findings:
            click.echo(github_annotation(f) if fmt == "github" else format_finding(f))
        if fmt == "text":
            summary = f"{len(errors)} finding{'s' * (len(errors) != 1)}" if errors else "no drift"
            warnings = len(findings) - len(errors)
            extra = f", {warnings} warning{'s' * (warnings != 1)}" if warnings else ""
            click.echo(f"{summary}{extra}", err=True)
    sys.exit(1 if errors else 0)
