"""Files generated from the manifest: ``.env.example`` and Railway config per service.

Secrets are always left empty; descriptions become comments. Output is deterministic
(manifest order of tiers and variables, sorted keys in the Railway files, a trailing
newline), so a committed copy can be compared byte for byte by the drift gate.

``br-ops render`` writes the files under ``deploy/<service>/``; :func:`render_files`
says what belongs there, :func:`diff_rendered` compares a folder with it (the core of
``render --check``, reused by the drift gate) and :func:`write_rendered` brings a
folder up to date.
"""

from __future__ import annotations

import difflib
import json
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any, Literal

from .fsutil import write_atomic
from .model import EnvTier

if TYPE_CHECKING:
    from collections.abc import Callable

    from .model import EnvVar, Manifest, Service

__all__ = [
    "DEPLOY_DIR",
    "GENERATED_NAMES",
    "RAILWAY_SCHEMA",
    "RENDER_FIX",
    "FileDiff",
    "RenderedFile",
    "WriteResult",
    "diff_rendered",
    "env_example",
    "env_value",
    "format_render",
    "railway_config",
    "railway_json",
    "railway_toml",
    "render_files",
    "render_report",
    "write_rendered",
]

_TIER_TITLE = {
    EnvTier.REQUIRED: "Required",
    EnvTier.IMPORTANT: "Important",
    EnvTier.OPTIONAL: "Optional",
}


def env_value(var: EnvVar) -> str:
    """The value a ``.env.example`` shows for ``var``: empty for secrets."""
    if var.secret:
        return ""
    for candidate in (var.value, var.default, var.example, var.source):
        if candidate is not None:
            return candidate
    return ""


def _quote(value: str) -> str:
    if value == "" or all(c.isalnum() or c in "-_./:@,+=" for c in value):
        return value
    escaped = value.replace("\\", "\\\\").replace('"', '\\"').replace("$", "\\$")
    return f'"{escaped}"'


def _comment(text: str) -> str:
    return " ".join(text.split())


def env_example(name: str, service: Service) -> str:
    """The ``.env.example`` text for service ``name``."""
    lines = [
        f"# .env.example for {name} — generated from manifest.yml; do not edit by hand.",
        "# Secrets are left empty: take them from the platform's secret store.",
    ]
    for tier in EnvTier:
        variables = [v for v in service.env if v.tier is tier]
        if not variables:
            continue
        lines += ["", f"# --- {_TIER_TITLE[tier]} ---"]
        for var in variables:
            notes = [_comment(var.description)]
            if var.secret:
                notes.append("(secret)")
            if var.allowed:
                notes.append("one of: " + ", ".join(var.allowed))
            if var.provided_by:
                notes.append(f"provided by {var.provided_by}")
            if var.generate:
                notes.append(f"generate with: {_comment(var.generate)}")
            lines.append("# " + " ".join(notes))
            lines.append(f"{var.name}={_quote(env_value(var))}")
    if service.exports:
        lines += ["", f"# {name} exports: " + ", ".join(e.name for e in service.exports)]
    return "\n".join(lines) + "\n"


# --------------------------------------------------------------------------- Railway

RAILWAY_SCHEMA = "https://railway.com/railway.schema.json"
"""JSON Schema that Railway publishes for ``railway.json``."""

_BUILDERS = {"dockerfile": "DOCKERFILE", "nixpacks": "NIXPACKS"}
_RESTART = {"on_failure": "ON_FAILURE", "always": "ALWAYS", "never": "NEVER"}


def railway_config(name: str, service: Service, manifest: Manifest) -> dict[str, Any] | None:
    """Railway config-as-code for service ``name`` as ``{"build": {…}, "deploy": {…}}``.

    ``None`` unless the service is hosted on ``railway`` and has a ``deploy`` section
    whose builder Railway builds from the repository (``dockerfile``, ``nixpacks`` or
    unset); ``managed`` databases and ``static`` sites have no config-as-code.
    Field names follow Railway's reference: ``builder``, ``dockerfilePath``,
    ``buildCommand``, ``startCommand``, ``healthcheckPath``, ``healthcheckTimeout``
    (whole seconds a deploy may take to become healthy — the manifest's
    ``ci_cd.auto_deploy.healthcheck_timeout``, not the per-probe timeout),
    ``restartPolicyType``, ``restartPolicyMaxRetries`` and ``numReplicas``.
    """
    deploy = service.deploy
    if service.provider != "railway" or deploy is None:
        return None
    if deploy.builder not in (None, *_BUILDERS):
        return None
    build: dict[str, Any] = {}
    if deploy.builder is not None:
        build["builder"] = _BUILDERS[deploy.builder]
    if deploy.dockerfile:
        build["dockerfilePath"] = deploy.dockerfile
    if deploy.build_command:
        build["buildCommand"] = deploy.build_command
    run: dict[str, Any] = {"numReplicas": deploy.replicas}
    if deploy.start_command:
        run["startCommand"] = deploy.start_command
    if deploy.health_check is not None:
        run["healthcheckPath"] = deploy.health_check.path
        auto = manifest.ci_cd.auto_deploy if manifest.ci_cd else None
        if auto is not None and auto.healthcheck_timeout is not None:
            run["healthcheckTimeout"] = max(1, round(auto.healthcheck_timeout.seconds))
    if deploy.restart_policy is not None:
        run["restartPolicyType"] = _RESTART[deploy.restart_policy]
        if deploy.restart_policy == "on_failure" and deploy.max_retries is not None:
            run["restartPolicyMaxRetries"] = deploy.max_retries
    return {"build": build, "deploy": run}


def railway_json(config: dict[str, Any]) -> str:
    """``railway.json`` text: ``$schema`` first, keys sorted, two-space indent, newline."""
    return json.dumps({"$schema": RAILWAY_SCHEMA, **config}, indent=2, sort_keys=True) + "\n"


def _toml_value(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int):
        return str(value)
    if isinstance(value, str):
        # JSON string escapes (\" \\ \n \uXXXX) are valid TOML basic-string escapes.
        return json.dumps(value, ensure_ascii=False)
    if isinstance(value, list):
        return "[" + ", ".join(_toml_value(v) for v in value) + "]"
    raise TypeError(f"no TOML form for {value!r}")


def railway_toml(name: str, config: dict[str, Any]) -> str:
    """``railway.toml`` text: a header comment, then ``[build]`` and ``[deploy]`` sorted."""
    lines = [
        f"# railway.toml for {name} — generated from manifest.yml by 'br-ops render';",
        "# do not edit by hand. Reference: https://docs.railway.com/config-as-code/reference",
    ]
    for section in sorted(config):
        lines += ["", f"[{section}]"]
        lines += [f"{key} = {_toml_value(config[section][key])}" for key in sorted(config[section])]
    return "\n".join(lines) + "\n"


# --------------------------------------------------------------------------- render

DEPLOY_DIR = "deploy"
"""Default output folder of ``br-ops render``, next to the manifest."""

RENDER_FIX = "br-ops render --write"
"""The command that brings the rendered files up to date."""

GENERATED_NAMES = (".env.example", "railway.json", "railway.toml")
"""File names ``render`` owns inside ``<out>/<service>/``; nothing else is touched."""


@dataclass(frozen=True)
class RenderedFile:
    """One generated file."""

    path: str
    """Path inside the output folder, ``/``-separated: ``blackroad-backend/railway.toml``."""
    text: str
    """Its exact content."""


@dataclass(frozen=True)
class FileDiff:
    """A generated file that differs from what is on disk."""

    path: str
    """Path inside the output folder, ``/``-separated."""
    kind: Literal["changed", "missing", "stale"]
    """``changed`` content, ``missing`` on disk, or ``stale`` (on disk, no longer generated)."""
    diff: str
    """Unified diff from the file on disk to what it should be."""


@dataclass(frozen=True)
class WriteResult:
    """What :func:`write_rendered` did (paths inside the output folder)."""

    written: list[str]
    """Files created or rewritten."""
    unchanged: list[str]
    """Files that were already up to date."""
    removed: list[str]
    """Stale generated files deleted."""


def render_files(manifest: Manifest) -> list[RenderedFile]:
    """Every deploy file the manifest implies, sorted by path.

    ``<service>/.env.example`` for each service with environment variables, and
    ``<service>/railway.toml`` + ``<service>/railway.json`` for each Railway service
    that :func:`railway_config` covers.
    """
    out: list[RenderedFile] = []
    for name in sorted(manifest.services):
        svc = manifest.services[name]
        if svc.env:
            out.append(RenderedFile(f"{name}/.env.example", env_example(name, svc)))
        config = railway_config(name, svc, manifest)
        if config is not None:
            out.append(RenderedFile(f"{name}/railway.json", railway_json(config)))
            out.append(RenderedFile(f"{name}/railway.toml", railway_toml(name, config)))
    return sorted(out, key=lambda f: f.path)


def _on_disk(out_dir: Path) -> dict[str, Path]:
    """Generated-name files at ``<out>/<folder>/<name>`` (only those ``render`` owns)."""
    found: dict[str, Path] = {}
    if not out_dir.is_dir():
        return found
    for folder in sorted(p for p in out_dir.iterdir() if p.is_dir() and not p.is_symlink()):
        for file_name in GENERATED_NAMES:
            candidate = folder / file_name
            if candidate.is_file():
                found[f"{folder.name}/{file_name}"] = candidate
    return found


def _read(path: Path) -> str:
    try:
        return path.read_bytes().decode("utf-8")
    except UnicodeDecodeError:
        return path.read_bytes().decode("utf-8", errors="replace")


def _unified(old: str, new: str, before: str, after: str) -> str:
    lines = list(
        difflib.unified_diff(
            old.splitlines(keepends=True), new.splitlines(keepends=True), before, after
        )
    )
    marker = "\n\\ No newline at end of file\n"
    return "".join(line if line.endswith("\n") else line + marker for line in lines)


def diff_rendered(
    manifest: Manifest, out_dir: str | Path, *, label: str | None = None
) -> list[FileDiff]:
    """How ``out_dir`` differs from :func:`render_files` (empty when up to date).

    Each difference carries a unified diff whose file names are ``a/<label>/<path>``
    and ``b/<label>/<path>`` (``/dev/null`` for a missing or stale side); ``label``
    defaults to ``out_dir`` as given. Only files ``render`` owns are compared.
    Sorted by path. The fix is always :data:`RENDER_FIX`.
    """
    folder = Path(out_dir)
    shown = (label if label is not None else str(out_dir)).rstrip("/") or "."
    wanted = {f.path: f.text for f in render_files(manifest)}
    disk = _on_disk(folder)
    out: list[FileDiff] = []
    for path in sorted(set(wanted) | set(disk)):
        name = f"{shown}/{path}"
        if path not in disk:
            diff = _unified("", wanted[path], "/dev/null", f"b/{name}")
            out.append(FileDiff(path, "missing", diff))
        elif path not in wanted:
            diff = _unified(_read(disk[path]), "", f"a/{name}", "/dev/null")
            out.append(FileDiff(path, "stale", diff))
        else:
            have = _read(disk[path])
            if have != wanted[path]:
                diff = _unified(have, wanted[path], f"a/{name}", f"b/{name}")
                out.append(FileDiff(path, "changed", diff))
    return out


def write_rendered(manifest: Manifest, out_dir: str | Path) -> WriteResult:
    """Bring ``out_dir`` up to date: write changed files atomically, delete stale ones.

    Only files named in :data:`GENERATED_NAMES` directly inside a service folder of
    ``out_dir`` are ever deleted; a service folder left empty is removed too.
    """
    folder = Path(out_dir)
    wanted = render_files(manifest)
    disk = _on_disk(folder)
    written: list[str] = []
    unchanged: list[str] = []
    for f in wanted:
        target = folder / f.path
        if f.path in disk and _read(disk[f.path]) == f.text:
            unchanged.append(f.path)
            continue
        write_atomic(target, f.text)
        written.append(f.path)
    keep = {f.path for f in wanted}
    removed = sorted(p for p in disk if p not in keep)
    for path in removed:
        disk[path].unlink()
        parent = disk[path].parent
        if parent != folder and not any(parent.iterdir()):
            parent.rmdir()
    return WriteResult(written, unchanged, removed)


_STATE = {"missing": "new", "changed": "changed", "stale": "stale"}


def render_report(
    manifest: Manifest,
    out_dir: str | Path,
    *,
    label: str | None = None,
    mode: Literal["plan", "check", "write"] = "plan",
    fix: str = RENDER_FIX,
) -> dict[str, Any]:
    """Compare ``out_dir`` with the manifest (and with ``mode="write"`` update it).

    Returns the ``br-ops render --json`` shape: ``{"out", "mode", "up_to_date",
    "files": [{"path", "state", "diff"}], "written", "removed", "fix"}``. ``path``
    is ``<label>/<service>/<file>``; ``state`` is ``new``, ``changed``, ``unchanged``
    or ``stale`` as found *before* any write; ``diff`` is the unified diff (``""`` when
    unchanged); ``up_to_date`` says whether nothing differed; ``written`` and
    ``removed`` list what a write did (empty otherwise); ``fix`` is the command that
    brings the folder up to date (``null`` when it is).
    """
    shown = (label if label is not None else str(out_dir)).rstrip("/") or "."
    diffs = {d.path: d for d in diff_rendered(manifest, out_dir, label=shown)}
    paths = sorted({f.path for f in render_files(manifest)} | set(diffs))
    files = [
        {
            "path": f"{shown}/{p}",
            "state": _STATE[diffs[p].kind] if p in diffs else "unchanged",
            "diff": diffs[p].diff if p in diffs else "",
        }
        for p in paths
    ]
    written: list[str] = []
    removed: list[str] = []
    if mode == "write":
        result = write_rendered(manifest, out_dir)
        written = [f"{shown}/{p}" for p in result.written]
        removed = [f"{shown}/{p}" for p in result.removed]
    return {
        "out": shown,
        "mode": mode,
        "up_to_date": not diffs,
        "files": files,
        "written": written,
        "removed": removed,
        "fix": fix if diffs else None,
    }


def _plain(role: str, text: str) -> str:
    return text


def format_render(data: dict[str, Any], style: Callable[[str, str], str] | None = None) -> str:
    """Text for ``br-ops render`` in each mode (plan, check, write)."""
    paint = style or _plain
    files = data["files"]
    out = data["out"]
    changed = [f for f in files if f["state"] != "unchanged"]
    lines: list[str] = []
    if data["mode"] == "write":
        lines += [f"wrote {p}" for p in data["written"]]
        lines += [f"removed {p}" for p in data["removed"]]
        kept = len(files) - len(changed)
        lines.append(
            paint(
                "ok",
                f"{out}/: {len(data['written'])} written, {len(data['removed'])} "
                f"removed, {kept} unchanged",
            )
        )
    elif data["mode"] == "check":
        for f in changed:
            lines.append(paint("fail", f"{f['path']}: {f['state']}"))
            lines.append(f["diff"].rstrip("\n"))
        if changed:
            n = len(changed)
            lines.append(
                paint("fail", f"{n} generated file{'s' * (n != 1)} out of date; run: {data['fix']}")
            )
        else:
            lines.append(paint("ok", f"{out}/: {len(files)} generated files up to date"))
    else:
        wanted = [f for f in files if f["state"] != "stale"]
        lines.append(f"would write {len(wanted)} file{'s' * (len(wanted) != 1)} to {out}/:")
        for f in files:
            verb = "remove" if f["state"] == "stale" else f["state"]
            lines.append(
                f"  {paint('dim' if verb == 'unchanged' else 'warn', verb.ljust(9))} {f['path']}"
            )
        lines.append(f"run: {data['fix']}" if data["fix"] else "nothing to change")
    return "\n".join(lines) + "\n"
