"""``br-ops``: the operations CLI over manifest.yml (a thin click adapter over the core).

Exit codes: 0 success, 1 findings (drift, failed health checks), 2 invalid input or usage.
"""

from __future__ import annotations

import contextlib
import importlib
import math
import os
import shlex
import sys
import webbrowser
from pathlib import Path
from typing import TYPE_CHECKING, Any, Literal, NoReturn, TypeVar, overload

import click

from . import __version__, artefacts, health, ops
from .cliutil import (
    EXIT_FINDINGS,
    EXIT_INVALID,
    EXIT_OK,
    load_or_exit,
    relative,
)
from .drift.committed import refresh_committed
from .dump import json_schema_text
from .dump import migrate as migrate_manifest
from .fsutil import write_atomic
from .load import MANIFEST_ENV
from .model import EnvTier, Kind
from .render import escape

if TYPE_CHECKING:
    from collections.abc import Callable

    from .model import Manifest

__all__ = ["main"]


MANIFEST_HELP = f"Manifest to read (default: ${MANIFEST_ENV}, then manifest.yml here or above)."
"""Help of ``--manifest`` where the manifest is found by discovery (``find_manifest``)."""

_F = TypeVar("_F", bound="Callable[..., Any]")


@overload
def manifest_option(func: _F, *, help: str = MANIFEST_HELP) -> _F: ...
@overload
def manifest_option(func: None = None, *, help: str = MANIFEST_HELP) -> Callable[[_F], _F]: ...


def manifest_option(func: _F | None = None, *, help: str = MANIFEST_HELP) -> Any:
    """The shared ``--manifest PATH`` option (``@manifest_option``, or with ``help=…``)."""
    option = click.option("--manifest", "-m", "manifest", metavar="PATH", default=None, help=help)
    return option if func is None else option(func)


class _Group(click.Group):
    """The ``br-ops`` group: an output that cannot be written is a message, not a traceback.

    ``check`` and ``pages`` live in their own modules, which use this module's shared
    options; they are imported when first asked for (:data:`_LAZY`), so either module
    can be imported on its own without a cycle.
    """

    def list_commands(self, ctx: click.Context) -> list[str]:
        """Every command name, the lazily imported ones included."""
        return sorted({*super().list_commands(ctx), *_LAZY})

    def get_command(self, ctx: click.Context, cmd_name: str) -> click.Command | None:
        """The command ``cmd_name``, importing its module on first use."""
        if cmd_name in _LAZY and cmd_name not in self.commands:
            module = importlib.import_module(_LAZY[cmd_name], __package__)
            self.add_command(getattr(module, cmd_name))
        return super().get_command(ctx, cmd_name)

    def main(self, *args: Any, **kwargs: Any) -> Any:
        """Run the command; a full disk or a closed terminal ends it with exit 2."""
        try:
            return super().main(*args, **kwargs)
        except OSError as exc:  # click already handles a closed pipe (EPIPE)
            where = f" ({exc.filename})" if exc.filename else ""
            sys.stderr.write(f"br-ops: cannot write the output{where}: {exc.strerror or exc}\n")
            with contextlib.suppress(OSError, ValueError):  # no second error at exit
                os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
            sys.exit(EXIT_INVALID)


@click.group(cls=_Group, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="br-ops")
def main() -> None:
    """Operate BlackRoad's services from manifest.yml, the single source of truth.

    \b
    Examples:
      br-ops validate
      br-ops list --status active
      br-ops env blackroad-backend --format dotenv
      br-ops health --env staging
      br-ops render --check
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
    loaded = load_or_exit(manifest)
    shown = manifest or relative(loaded.path or Path("manifest.yml"))
    click.echo(ops.validate_summary(loaded.manifest, shown, legacy=loaded.legacy))
    note = ops.schema_note(loaded.manifest, shown, legacy=loaded.legacy)
    if note:
        click.echo(f"note: {note}", err=True)


@main.command()
def schema() -> None:
    """Print the JSON Schema of manifest.yml (schema v2).

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
    help="Write the v2 manifest here (atomically) instead of printing it.",
)
def migrate(path: str, output: str | None) -> None:
    """Upgrade the manifest at PATH to schema v2 and print it.

    A v1 file is edited in place of its version line, so its comments stay: the
    environments v1 implied (prod, staging, dev as its services use them) are
    declared after it. The upstream legacy format is converted and written out
    whole. Either way the result is loaded again and must hold every fact of PATH.

    \b
    Examples:
      br-ops migrate manifest.yml -o manifest.yml
      br-ops migrate infra/blackroad-manifest.yml -o manifest.yml
    """
    loaded = load_or_exit(path)
    try:
        result = migrate_manifest(loaded, Path(path).read_text(encoding="utf-8-sig"), path)
    except ValueError as exc:
        _fail(str(exc))
    if result.note:
        click.echo(result.note, err=True)
    text = result.text
    if output:
        try:
            write_atomic(output, text)
        except OSError as exc:
            fix = "pass another -o FILE"
            if isinstance(exc, PermissionError):
                fix = f"make {output} (and its folder) writable, or {fix}"
            _fail(f"cannot write {output}: {exc.strerror or exc}; nothing was written; {fix}")
        click.echo(f"wrote {output}", err=True)
    else:
        click.echo(text, nl=False)


# --------------------------------------------------------------------------- operations
# Each command: load, resolve, call the core (ops/health/artefacts), print text or JSON.

_STYLES: dict[str, dict[str, Any]] = {
    "heading": {"bold": True},
    "name": {"bold": True},
    "ok": {"fg": "green"},
    "fail": {"fg": "red", "bold": True},
    "warn": {"fg": "yellow"},
    "dim": {"dim": True},
}


def _style() -> ops.Style:
    """Colour on a terminal only, and never when ``NO_COLOR`` is set (non-empty)."""
    if not sys.stdout.isatty() or os.environ.get("NO_COLOR"):
        return ops.plain
    return lambda role, text: click.style(text, **_STYLES.get(role, {}))


def _out(as_json: bool, data: Any, text: Callable[[Any, ops.Style], str]) -> None:
    if as_json:
        click.echo(escape.json_text(data, indent=2))
    else:
        click.echo(text(data, _style()), nl=False)


def _show(as_json: bool, data: dict[str, Any], text: Callable[[Any, ops.Style], str]) -> None:
    """Print manifest data: JSON as it is, or text whose values cannot drive the terminal.

    Manifest strings are made visible before they are formatted (an ESC, a bidi
    override or a newline in a description shows as ``\\x1b``, ``\\u202e``, ``\\x0a``),
    so each value stays on its line and only the formatter's own styling reaches the
    terminal.
    """
    _out(as_json, data if as_json else escape.terminal_data(data), text)


def _fail(message: str, code: int = EXIT_INVALID) -> NoReturn:
    shown = "\n".join(escape.terminal(line) for line in message.split("\n"))
    click.echo(f"br-ops: {shown}", err=True)
    sys.exit(code)


def _service(m: Manifest, name: str) -> str:
    """The service ``name`` refers to, or exit 2 with "did you mean" and the list."""
    try:
        return ops.resolve_service(m, name)
    except ops.UnknownServiceError as exc:
        _fail(str(exc))


def _environment(m: Manifest, env: str | None, option: str) -> str:
    """``env`` if the manifest has it (``None``: production).

    Otherwise a usage error (exit 2) on ``option`` naming the environments it has.
    """
    try:
        return ops.environment(m, env)
    except ValueError as exc:
        raise click.BadParameter(str(exc), param_hint=option) from None


def json_option(func: Callable[..., Any]) -> Callable[..., Any]:
    """The shared ``--json`` flag."""
    return click.option(
        "--json", "as_json", is_flag=True, help="Print JSON (shape above) instead of text."
    )(func)


@main.command("list")
@manifest_option
@click.option(
    "--status",
    type=click.Choice([s.value for s in ops.STATUS_ORDER]),
    help="Only services with this status.",
)
@click.option("--phase", type=int, metavar="N", help="Only services of phase N.")
@click.option(
    "--kind", type=click.Choice([k.value for k in Kind]), help="Only services of this kind."
)
@click.option("--tag", metavar="TAG", help="Only services with this tag.")
@click.option("--owner", metavar="TEAM", help="Only services this team (or person) owns.")
@json_option
def list_(
    manifest: str | None,
    status: str | None,
    phase: int | None,
    kind: str | None,
    tag: str | None,
    owner: str | None,
    as_json: bool,
) -> None:
    """List services grouped by status, with kind, repo, domain and phase.

    \b
    Examples:
      br-ops list
      br-ops list --status planned --phase 2
      br-ops list --kind database --json
      br-ops list --tag pci --owner payments
    \b
    JSON: {"filters": {"status", "phase", "kind", "tag", "owner"}, "count",
           "groups": {"active"|"development"|"experimental"|"planned"|"retired":
             [{"name", "description", "kind", "status", "phase", "target_date",
               "provider", "repo", "prod_domain"}]}}
    """
    m = load_or_exit(manifest).manifest
    if phase is not None and phase not in m.phase_by_id:
        _fail(f"no phase {phase}; phases: {', '.join(str(p) for p in m.phase_by_id)}")
    data = ops.list_data(m, status=status, phase=phase, kind=kind, tag=tag, owner=owner)
    _show(as_json, data, ops.format_list)


@main.command()
@manifest_option
@click.argument("service")
@click.option(
    "--tier", type=click.Choice([t.value for t in EnvTier]), help="Only variables of this tier."
)
@click.option(
    "--format",
    "fmt",
    type=click.Choice(["table", "dotenv"]),
    default="table",
    show_default=True,
    help="table for people; dotenv prints the service's .env.example.",
)
@click.option(
    "--env",
    "environment",
    metavar="ENV",
    help="The values of this environment (default: production).",
)
@json_option
def env(
    manifest: str | None,
    service: str,
    tier: str | None,
    fmt: str,
    environment: str | None,
    as_json: bool,
) -> None:
    """Show SERVICE's environment variables by tier (never a secret's value).

    Each variable shows its description, source, example or default, allowed values
    and a [secret] marker. Services that export variables (databases, caches) also
    show what they export and which services consume it.

    \b
    Examples:
      br-ops env blackroad-backend
      br-ops env blackroad-backend --tier required
      br-ops env blackroad-backend --format dotenv > .env.example
      br-ops env blackroad-backend --env staging
      br-ops env postgres --json
    \b
    JSON: {"service", "environment", "production", "kind", "status", "tier",
           "counts": {"required", "important",
           "optional"}, "variables": [{"name", "tier", "description", "secret",
           "source", "provided_by", "example", "default", "value", "allowed",
           "generate"}], "exports": [{"name", "description", "format", "consumers"}],
           "used_by"}   (a secret's example, default and value are always null)
    """
    if as_json and fmt == "dotenv":
        _fail("--json and --format dotenv do not go together; pick one")
    m = load_or_exit(manifest).manifest
    name = _service(m, service)
    env_name = _environment(m, environment, "--env")
    if fmt == "dotenv":
        click.echo(artefacts.env_file_of(m, name, env_name, tier), nl=False)
        return
    _show(as_json, ops.env_data(m, name, tier=tier, env=env_name), ops.format_env)


@main.command()
@manifest_option
@click.argument("service")
@json_option
def repo(manifest: str | None, service: str, as_json: bool) -> None:
    """Show where SERVICE's code lives: repo, branch, stack and clone URLs.

    \b
    Examples:
      br-ops repo blackroad-backend
      git clone "$(br-ops repo blackroad-backend --json | jq -r .ssh_url)"
    \b
    JSON: {"service", "repo", "owner", "name", "branch", "kind", "language",
           "framework", "runtime", "web_url", "https_url", "ssh_url"}
           (repository fields are null when the manifest names no repository)
    """
    m = load_or_exit(manifest).manifest
    _show(as_json, ops.repo_data(m, _service(m, service)), ops.format_repo)


@main.command("open")
@manifest_option
@click.argument("service")
@click.argument("env", required=False, default=None)
@click.option("--browser", is_flag=True, help="Open the URL in a web browser.")
@click.option(
    "--dashboard", is_flag=True, help="With --browser: open the provider dashboard instead."
)
@json_option
def open_(
    manifest: str | None,
    service: str,
    env: str | None,
    browser: bool,
    dashboard: bool,
    as_json: bool,
) -> None:
    """Print SERVICE's URL for ENV (default: production) and its dashboard.

    The URL is https://HOST for the environment's hostname; the dashboard comes from
    the service's links.dashboard, else its provider's dashboard. Exit 1 when the
    service has no hostname for ENV (or, with --dashboard, no dashboard).

    \b
    Examples:
      br-ops open blackroad-backend
      br-ops open blackroad-backend staging --browser
    \b
    ENV is one of the manifest's environments (prod, staging and dev unless it
    declares its own under environments:).

    \b
    JSON: {"service", "env", "url", "urls": {ENV: URL or null, ...},
           "dashboard", "dashboard_source", "opened"}
    """
    m = load_or_exit(manifest).manifest
    data = ops.open_data(m, _service(m, service), _environment(m, env, "'ENV'"))
    target = data["dashboard"] if dashboard else data["url"]
    if browser and target:
        data["opened"] = webbrowser.open(target)
        if not data["opened"]:
            shown = escape.terminal(target)
            click.echo(f"br-ops: could not start a web browser; open {shown} yourself", err=True)
    _show(as_json, data, ops.format_open)
    if not target or (browser and not data["opened"]):
        sys.exit(EXIT_FINDINGS)


class _Seconds(click.ParamType[float]):
    """``--timeout``: a number of seconds above 0 and at most 600 (never ``nan``/``inf``)."""

    name = "seconds"
    maximum = 600.0

    def convert(
        self, value: Any, param: click.Parameter | None, ctx: click.Context | None
    ) -> float:
        """The number of seconds as a float, or a usage error saying what would be right."""
        try:
            seconds = float(value)
        except (TypeError, ValueError):
            seconds = math.nan
        if not 0 < seconds <= self.maximum:  # false for nan too
            self.fail(
                f"expected a number of seconds above 0 and at most {self.maximum:g}, "
                f"like 5 or 0.5; got {value!r}",
                param,
                ctx,
            )
        return seconds


@main.command()
@manifest_option
@click.option("--live", is_flag=True, help="Also run the health checks (prod) and summarise them.")
@click.option(
    "--timeout",
    type=_Seconds(),
    default=health.DEFAULT_TIMEOUT,
    show_default=True,
    metavar="S",
    help="With --live: seconds per request.",
)
@json_option
def status(manifest: str | None, live: bool, timeout: float, as_json: bool) -> None:
    """Summarise the manifest: service counts, current phase, costs per phase.

    Counts are computed from the services; costs come from the cost roll-up (yearly
    lines spread over twelve months), one total per currency, plus the total in the
    reporting currency when the manifest declares one. With --live, exit 1 when an
    endpoint fails.

    \b
    Examples:
      br-ops status
      br-ops status --live --json
    \b
    JSON: {"organization", "last_updated", "services": {"total", "by_status",
           "by_kind", "by_phase"}, "phase": PHASE, "next_phase": PHASE,
           "phases": [PHASE + "services"], "costs": [{"phase", "name", "current",
           "estimate", "totals": {CUR: TOTALS}, "change": null | {CUR: "30.00"},
           "converted": null | {"currency", TOTALS..., "change"}}],
           "currencies": [CUR], "reporting_currency": null | CUR,
           "exchange_rates": [{"currency", "rate", "date", "source"}],
           "domains": {"total", "by_status"},
           "health": null | {"endpoints", "ok", "failed", "skipped",
                             "failures": [{"service", "url", "error"}]}}
           PHASE = {"id", "name", "status", "target"} or null;
           TOTALS = {"monthly", "yearly", "amortised_monthly", "annual"} of one
           currency (never added across currencies; "converted" only with a
           reporting_currency); money is a string in cents precision ("28.33")
    """
    m = load_or_exit(manifest).manifest
    data = ops.status_data(m)
    report = None
    if live:
        report = health.run_checks(health.plan_checks(m), timeout=timeout)
        data["health"] = report.summary()
    _show(as_json, data, ops.format_status)
    if report is not None and not report.ok:
        sys.exit(EXIT_FINDINGS)


def _health_text(report: health.HealthReport, style: ops.Style) -> str:
    return health.format_report(report, style)


def _base_url(ctx: click.Context, param: click.Parameter, value: str | None) -> str | None:
    """``--base-url``: an http(s) URL with a host, or a usage error saying what is wrong."""
    if value is not None and (problem := health.validate_base_url(value)):
        raise click.BadParameter(problem, ctx, param)
    return value


@main.command("health")
@manifest_option
@click.argument("services", nargs=-1, metavar="[SERVICE]...")
@click.option(
    "--env",
    metavar="ENV",
    default=None,
    help="Whose hostnames to probe: one of the manifest's environments (default: production).",
)
@click.option(
    "--base-url",
    metavar="URL",
    callback=_base_url,
    help="Probe URL + path instead of https://HOST (http:// or https://, a host, a port).",
)
@click.option(
    "--timeout",
    type=_Seconds(),
    default=health.DEFAULT_TIMEOUT,
    show_default=True,
    metavar="S",
    help="Seconds one request may take as a whole, DNS lookup to the end of the body "
    "(above 0, at most 600).",
)
@click.option(
    "--retries",
    type=click.IntRange(0, 10),
    default=health.DEFAULT_RETRIES,
    show_default=True,
    metavar="N",
    help="Further attempts after a failure (short backoff between them).",
)
@click.option(
    "--concurrency",
    type=click.IntRange(1, 64),
    default=health.DEFAULT_CONCURRENCY,
    show_default=True,
    metavar="N",
    help="Endpoints probed at once.",
)
@json_option
def health_(
    manifest: str | None,
    services: tuple[str, ...],
    env: str | None,
    base_url: str | None,
    timeout: float,
    retries: int,
    concurrency: int,
    as_json: bool,
) -> None:
    """Probe the health endpoints of SERVICEs (default: every active service).

    Each endpoint (method, path, expected status) is requested at https://HOST for
    the environment, or at --base-url. --timeout bounds each request as a whole
    (DNS lookup, connect, TLS, sending, status line, headers, body), so a server that
    never answers or trickles its answer is given up on. The whole run ends within
    timeout x (retries + 1) plus the backoff (0.25 s before the first retry, doubled
    for each further one, at most 2 s): 10.25 s with the defaults, however many
    endpoints; endpoints still waiting for one of the --concurrency slots by then
    are reported as not checked. Services that are not active, have no endpoints or
    no hostname for the environment are skipped with a note. Exit 1 when any
    endpoint fails, 2 for a usage error.

    \b
    Examples:
      br-ops health
      br-ops health blackroad-backend --env staging --timeout 3 --retries 2
      br-ops health blackroad-backend --base-url http://127.0.0.1:8000
    \b
    JSON: {"env", "base_url", "timeout", "retries", "ok",
           "results": [{"service", "method", "path", "url", "expected_status",
             "status", "ok", "latency_ms", "error", "error_kind", "attempts"}],
           "skipped": [{"service", "reason"}],
           "summary": {"endpoints", "ok", "failed", "skipped"}}
           error_kind: dns, tls, refused, timeout, closed, connection, http, status
    """
    m = load_or_exit(manifest).manifest
    names = [_service(m, s) for s in services]
    plan = health.plan_checks(m, names, env=_environment(m, env, "'--env'"), base_url=base_url)
    report = health.run_checks(plan, timeout=timeout, retries=retries, concurrency=concurrency)
    _out(as_json, report.to_json() if as_json else report, _health_text)
    sys.exit(EXIT_OK if report.ok else EXIT_FINDINGS)


@main.command()
@manifest_option
@click.option("--check", is_flag=True, help="Exit 1 with a diff when the files are out of date.")
@click.option(
    "--write",
    is_flag=True,
    help="Write the files (atomically); remove stale ones. With the default DIR, also "
    "refresh README.md's service table and docs/CNAME next to the manifest.",
)
@click.option(
    "--out",
    metavar="DIR",
    default=None,
    help=f"Output folder (default: {artefacts.DEPLOY_DIR}/ next to the manifest). "
    "With --out, --write touches nothing outside DIR.",
)
@json_option
def render(manifest: str | None, check: bool, write: bool, out: str | None, as_json: bool) -> None:
    """Generate deploy files from the manifest into DIR/<service>/.

    A .env.example per service with environment variables, and railway.toml plus
    railway.json for Railway services with a deploy section that Railway builds
    (dockerfile or nixpacks; not managed databases). Without --check or --write,
    print what would be written.

    DIR/.manifest-docs-files records every file render generated; only the files
    it lists are ever rewritten or removed, and nothing else in DIR is touched.
    Where a file render did not generate is in the way, --write names it, says
    how to clear it and writes nothing (exit 2). With the default DIR, --write
    also refreshes README.md's service table and docs/CNAME next to the
    manifest; with --out DIR it touches only DIR.

    \b
    Examples:
      br-ops render
      br-ops render --check
      br-ops render --write
    \b
    JSON: {"out", "mode": "plan"|"check"|"write", "up_to_date",
           "files": [{"path", "state": "new"|"changed"|"unchanged"|"stale"|"conflict",
                      "diff"}],
           "conflicts": [{"path", "reason"}], "written", "removed", "fix"}
    """
    if check and write:
        _fail("--check and --write do not go together; pick one")
    loaded = load_or_exit(manifest)
    here = (loaded.path or Path("manifest.yml")).parent
    folder = Path(out) if out else here / artefacts.DEPLOY_DIR
    label = out.rstrip("/") if out else relative(folder)
    fix = artefacts.RENDER_FIX + "".join(
        f" {flag} {shlex.quote(value)}"
        for flag, value in (("--manifest", manifest), ("--out", out))
        if value
    )
    mode: Literal["plan", "check", "write"] = "write" if write else "check" if check else "plan"
    try:
        data = artefacts.render_report(loaded.manifest, folder, label=label, mode=mode, fix=fix)
        if write and not data["conflicts"] and out is None:  # --out touches only DIR
            data["written"] += refresh_committed(loaded.manifest, here.resolve())
    except OSError as exc:
        name = relative(Path(exc.filename)) if exc.filename else label
        where = "" if name == label else f"{name}: "
        _fail(f"cannot use {label}: {where}{exc.strerror or exc}")
    if write and data["conflicts"]:
        if as_json:
            _out(as_json, data, artefacts.format_render)
        _fail(artefacts.conflict_message(data))
    _out(as_json, data, artefacts.format_render)
    sys.exit(EXIT_FINDINGS if check and not data["up_to_date"] else EXIT_OK)


_LAZY = {"check": ".check_cmd", "pages": ".pages_cmd"}
"""Commands defined in modules of their own (``pages``: generated pages as files, for Zensical)."""
