"""``br-ops check``: the drift gate from the command line (and in CI)."""

from __future__ import annotations

import json
import sys
from pathlib import Path

import click

from .cli import manifest_option
from .cliutil import EXIT_INVALID, exit_invalid, load_or_exit, relative
from .drift import RULES, DocsError, Finding, format_finding
from .export import ExportError, read_config
from .gate import GateOptions, run_gate

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
@manifest_option
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
    "--config",
    "-f",
    "config",
    metavar="FILE",
    default=None,
    help="MkDocs config whose manifest-docs options to follow (default: mkdocs.yml "
    "beside the manifest, when there is one).",
)
@click.option(
    "--strict-freshness/--no-strict-freshness",
    default=None,
    help="An overdue service review fails the check (default: the plugin's "
    "strict_freshness option; without it, informational).",
)
@click.option(
    "--no-committed",
    is_flag=True,
    help="Skip the committed artefacts (README table, CNAME, site_url, deploy files).",
)
def check(
    manifest: str | None,
    docs: str | None,
    fmt: str,
    config: str | None,
    strict_freshness: bool | None,
    no_committed: bool,
) -> None:
    """Fail when hand-written docs or committed files contradict the manifest.

    Exit 0 when clean (informational findings allowed), 1 on findings, 2 on invalid
    input. The options of the manifest-docs plugin in mkdocs.yml (docs_dir,
    strict_freshness, check_committed, narratives) apply here too, so this check and
    `mkdocs build --strict` report the same findings and agree on failing. Suppress one
    finding with <!-- drift: ignore RULE-ID reason --> on its line or before its block.

    \b
    Examples:
      br-ops check
      br-ops check --format github
      br-ops check --manifest old.yml --docs old-docs/ --no-committed
    """
    loaded = load_or_exit(manifest, consequence="no docs were checked")
    root = (loaded.path or Path("manifest.yml")).resolve().parent
    config_path = Path(config) if config else root / "mkdocs.yml"
    settings: dict[str, object] = {}
    docs_default = root / "docs"
    if config or config_path.is_file():
        try:
            site_config = read_config(config_path)
        except ExportError as exc:
            for line in exc.problems:
                click.echo(line, err=True)
            click.echo("no docs were checked", err=True)
            sys.exit(EXIT_INVALID)
        settings = site_config.settings
        root, docs_default = site_config.root, site_config.docs_dir
    if strict_freshness is not None:
        settings["strict_freshness"] = strict_freshness
    if no_committed:
        settings["check_committed"] = False
    try:
        options = GateOptions.from_mapping(settings, f"{config_path}: plugins.manifest-docs")
    except ValueError as exc:
        click.echo(str(exc), err=True)
        sys.exit(EXIT_INVALID)
    docs_dir = Path(docs) if docs else docs_default
    if not docs_dir.is_dir():
        click.echo(f"{docs_dir}: no such folder of Markdown docs; pass --docs DIR", err=True)
        sys.exit(EXIT_INVALID)
    try:
        result = run_gate(
            loaded, root, docs_dir, options=options, shown_dir=relative(docs_dir).rstrip("/")
        )
    except DocsError as exc:
        n = len(exc.problems)
        exit_invalid(
            exc.problems, f"{n} page{'s' * (n != 1)} could not be read; no docs were checked"
        )
    findings, errors = result.findings, result.failing
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
            notes = len(result.informational)  # severity "warning": reported, never failing
            extra = f", {notes} warning{'s' * (notes != 1)}" if notes else ""
            click.echo(f"{summary}{extra}", err=True)
    sys.exit(1 if result.fails else 0)
