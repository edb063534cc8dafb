"""Files generated from the manifest: ``.env.example`` and config-as-code per service.

Secrets are always left empty; descriptions become comments. Output is deterministic
(manifest order of tiers and variables, sorted keys in the config files, a trailing
newline), so a committed copy can be compared byte for byte by the drift gate.

``br-ops render`` writes the files under ``deploy/<service>/``; :func:`render_files`
says what belongs there, :func:`diff_rendered` compares a folder with it (the core of
``render --check``, reused by the drift gate) and :func:`write_rendered` brings a
folder up to date. The folder also holds an ownership record, :data:`RECORD_NAME`,
listing every file ``render`` generated: only those are ever rewritten or deleted,
and anything else in the folder — a file of a generated name included — is left
alone (a write refuses to overwrite it, and writes nothing).
"""

from __future__ import annotations

import difflib
import errno
import os
import re
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any, Literal

from .fsutil import temp_target, write_atomic
from .model import EnvTier
from .profiles import (
    PROFILES,
    RAILWAY_SCHEMA,
    config_file_names,
    profile_of,
    railway_config,
    railway_json,
    railway_toml,
)
from .render.escape import dotenv, dotenv_comment

if TYPE_CHECKING:
    from collections.abc import Callable, Iterable

    from .model import EnvVar, Manifest, Service

__all__ = [
    "DEPLOY_DIR",
    "GENERATED_NAMES",
    "RAILWAY_SCHEMA",
    "RECORD_NAME",
    "RENDER_FIX",
    "FileDiff",
    "RenderConflictError",
    "RenderedFile",
    "WriteResult",
    "conflict_message",
    "diff_rendered",
    "env_example",
    "env_examples",
    "env_file_name",
    "env_file_of",
    "env_value",
    "format_render",
    "railway_config",
    "railway_json",
    "railway_toml",
    "read_record",
    "record_text",
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


_SHELL_NAME = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")


def env_file_name(environment: str | None = None) -> str:
    """``.env.example``, or ``.env.staging.example`` for another environment's values."""
    return f".env.{environment}.example" if environment else ".env.example"


def env_example(name: str, service: Service, *, environment: str | None = None) -> str:
    """The ``.env.example`` text for service ``name`` (as ``environment`` sees it, if given).

    Comments (descriptions, allowed values, generate commands) are always one line;
    each variable is one ``NAME=value`` line whose value is written by
    :func:`~manifest_docs.render.escape.dotenv`, so python-dotenv, docker's
    ``--env-file`` and a shell's ``set -a; . ./.env.example`` all read one entry per
    variable and nothing in the file runs. Raises ``ValueError`` for a variable name
    that is not a shell name (the model's pattern already refuses one).
    """
    where = f" ({dotenv_comment(environment)} environment)" if environment else ""
    lines = [
        f"# {env_file_name(environment)} for {dotenv_comment(name)}{where} — generated from "
        "manifest.yml; do not edit by hand.",
        "# Secrets are left empty: take them from the platform's secret store.",
    ]
    for tier in EnvTier:
        variables = [v for v in service.env if v.tier is tier]
        if not variables:
            continue
        lines += ["", f"# --- {_TIER_TITLE[tier]} ---"]
        for var in variables:
            if not _SHELL_NAME.fullmatch(var.name):
                raise ValueError(f"not a variable name for a .env file: {var.name!r}")
            notes = [dotenv_comment(var.description)]
            if var.secret:
                notes.append("(secret)")
            if var.allowed and not var.secret:
                notes.append("one of: " + ", ".join(dotenv_comment(a) for a in var.allowed))
            if var.provided_by:
                notes.append(f"provided by {dotenv_comment(var.provided_by)}")
            if var.generate:
                notes.append(f"generate with: {dotenv_comment(var.generate)}")
            lines.append("# " + " ".join(notes))
            lines.append(f"{var.name}={dotenv(env_value(var))}")
    if service.exports:
        exports = ", ".join(dotenv_comment(e.name) for e in service.exports)
        lines += ["", f"# {dotenv_comment(name)} exports: {exports}"]
    return "\n".join(lines) + "\n"


def env_file_of(
    manifest: Manifest, name: str, env: str | None = None, tier: str | None = None
) -> str:
    """What ``br-ops env --format dotenv`` prints: service ``name``'s ``.env.example``.

    As ``env`` sees it (production when ``None``), only ``tier``'s variables if given.
    """
    svc = manifest.service_in(name, env)
    if tier is not None:
        svc = svc.model_copy(update={"env": [v for v in svc.env if v.tier.value == tier]})
    shown = None if env in (None, manifest.production) else env
    return env_example(name, svc, environment=shown)


def env_examples(manifest: Manifest) -> dict[str, list[tuple[str | None, str]]]:
    """Every ``.env.example`` the manifest implies, by service, in manifest order.

    For each service with variables: ``(None, text)`` for production's values, then
    ``(ENV, text)`` for each other environment whose variables differ from them.
    """
    out: dict[str, list[tuple[str | None, str]]] = {}
    for name, svc in manifest.services.items():
        files: list[tuple[str | None, str]] = [(None, env_example(name, svc))] if svc.env else []
        for env in manifest.environment_names:
            view = manifest.service_in(name, env)
            if view.env and view.env != svc.env:
                files.append((env, env_example(name, view, environment=env)))
        if files:
            out[name] = files
    return out


# --------------------------------------------------------------------------- render

DEPLOY_DIR = "deploy"
"""Default output folder of ``br-ops render``, next to the manifest."""

RENDER_FIX = "br-ops render --write"
"""The command that brings the rendered files up to date."""

GENERATED_NAMES = (".env.example", *config_file_names())
"""File names ``render`` generates inside ``<out>/<service>/`` (the config-as-code
files come from the provider profiles, :mod:`manifest_docs.profiles`)."""

RECORD_NAME = ".manifest-docs-files"
"""The ownership record at the top of the output folder: every file ``render`` generated.

``render`` rewrites or removes a file only when this record lists it (or, in a folder
written before records existed, when the file is recognisably generated); everything
else in the folder is never changed.
"""

_RECORD_HEADER = (
    f"# {RECORD_NAME} — the files 'br-ops render' generated in this folder from manifest.yml.",
    "# br-ops rewrites or removes only the files listed here and never touches anything else.",
    "# Do not edit by hand, except to add a file that br-ops should take over.",
)

_ENV_FILE = r"\.env(?:\.[a-z][a-z0-9-]{0,62})?\.example"
"""``.env.example`` and an environment's ``.env.staging.example``."""

_LISTABLE = re.compile(
    r"[A-Za-z0-9_][A-Za-z0-9_.-]*/(?:"
    + "|".join([_ENV_FILE, *map(re.escape, GENERATED_NAMES[1:])])
    + ")"
)
"""A path the record may list: ``<folder>/<generated name>``, the folder not hidden."""

_HEADED = re.compile(
    "|".join(
        [
            _ENV_FILE,
            *sorted({re.escape(f.name) for p in PROFILES.values() for f in p.files if f.headed}),
        ]
    )
)
"""Generated files whose first line says they are generated (JSON has no comments)."""


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
    kind: Literal["changed", "missing", "stale", "conflict"]
    """``changed`` content, ``missing`` on disk, ``stale`` (ours on disk, no longer
    generated) or ``conflict`` (something ``render`` does not own is where it writes)."""
    diff: str
    """Unified diff from the file on disk to what it should be (``""`` when not a file)."""
    reason: str = ""
    """For a ``conflict``: what is in the way and how to clear it (``""`` otherwise)."""


@dataclass(frozen=True)
class WriteResult:
    """What :func:`write_rendered` did (paths inside the output folder)."""

    written: list[str]
    """Files created or rewritten (the record included)."""
    unchanged: list[str]
    """Files that were already up to date."""
    removed: list[str]
    """Stale generated files and leftover temp files deleted."""


class RenderConflictError(Exception):
    """:func:`write_rendered` found files it does not own where it would write; it wrote nothing."""

    def __init__(self, conflicts: list[FileDiff]) -> None:
        """Keep the conflicts (each with its :attr:`FileDiff.reason`)."""
        self.conflicts = conflicts
        super().__init__("; ".join(f"{c.path}: {c.reason}" for c in conflicts))


def record_text(paths: Iterable[str]) -> str:
    """The ownership record listing ``paths``: a comment header, then one path a line, sorted."""
    return "\n".join([*_RECORD_HEADER, *sorted(set(paths))]) + "\n"


def read_record(text: str) -> set[str] | None:
    """The paths an ownership record lists, or ``None`` when ``text`` is not a record.

    A record starts with the line ``# .manifest-docs-files …`` that :func:`record_text`
    writes. Only ``<folder>/<generated name>`` lines count (``api/.env.example``);
    comments, blank lines and any other path are ignored, so no record can hand over a
    file outside a service folder or under another name.
    """
    lines = text.splitlines()
    if not lines or not lines[0].startswith(f"# {RECORD_NAME} "):
        return None
    return {line.strip() for line in lines[1:] if _LISTABLE.fullmatch(line.strip())}


def render_files(manifest: Manifest) -> list[RenderedFile]:
    """Every deploy file the manifest implies, sorted by path, the record included.

    ``<service>/.env.example`` for each service with environment variables (production's
    values), ``<service>/.env.<env>.example`` for each other environment whose variables
    differ, the config-as-code files of the service's provider profile
    (``railway.toml`` + ``railway.json`` on Railway, ``fly.toml`` on Fly.io) where the
    manifest says enough, and :data:`RECORD_NAME` listing them all.
    """
    out: list[RenderedFile] = []
    env_files = env_examples(manifest)
    for name in sorted(manifest.services):
        svc = manifest.services[name]
        for env, text in env_files.get(name, []):
            out.append(RenderedFile(f"{name}/{env_file_name(env)}", text))
        for file in profile_of(manifest, svc.provider).files:
            config = file.render(name, svc, manifest)
            if config is not None:
                out.append(RenderedFile(f"{name}/{file.name}", config))
    out.append(RenderedFile(RECORD_NAME, record_text(f.path for f in out)))
    return sorted(out, key=lambda f: f.path)


@dataclass(frozen=True)
class _Survey:
    """What is in the output folder, as far as ``render`` is concerned."""

    wanted: dict[str, str]
    """Path → the text :func:`render_files` generates."""
    ours: dict[str, bytes]
    """Path → content of each file on disk that ``render`` owns."""
    blocked: dict[str, tuple[str, bool]]
    """Wanted path → (what is in the way, whether that is a plain file)."""
    foreign: dict[str, bytes]
    """Content of each blocking regular file (for its diff)."""
    orphans: list[str]
    """Leftover temp files of :func:`write_atomic` beside files ``render`` owns."""
    has_record: bool
    """Whether the folder holds an ownership record ``render`` wrote."""


def _plain_file(folder: Path, path: str) -> Path | None:
    """``folder/path`` when it is a regular file reached with no symbolic link below ``folder``."""
    current = folder
    for part in path.split("/"):
        current = current / part
        if current.is_symlink():
            return None
    return current if current.is_file() else None


def _obstacle(folder: Path, path: str) -> tuple[str, bool] | None:
    """What occupies ``folder/path`` (or one of its folders), and whether that is a plain file.

    ``None`` when the path is free. The record's own name is never a plain file here:
    listing it in itself would hand nothing over.
    """
    parts = path.split("/")
    current = folder
    for depth, part in enumerate(parts, 1):
        current = current / part
        if current.is_symlink():
            return "a symbolic link, which br-ops never writes through", False
        if not current.exists():
            return None
        if depth < len(parts) and not current.is_dir():
            where = "/".join(parts[:depth])
            return f"below {where}, which is a file where br-ops needs a folder", False
    if not current.is_file():
        return "a folder (or something else that is not a file) where br-ops writes a file", False
    if path == RECORD_NAME:
        return "a file br-ops did not write, under the name of its ownership record", False
    return "a file br-ops did not generate", True


def _has_our_header(path: str, data: bytes) -> bool:
    """Whether ``data`` starts with the header ``render`` writes for ``path``."""
    folder, _, name = path.partition("/")
    if not _HEADED.fullmatch(name):
        return False
    first = data.split(b"\n", 1)[0].decode("utf-8", errors="replace")
    return first.startswith(f"# {name} for {folder} ") and "generated from manifest.yml" in first


def _old_generated(folder: Path) -> set[str]:
    """Generated-name files one folder down: what a version without records wrote."""
    if not folder.is_dir():
        return set()
    return {
        f"{sub.name}/{name}"
        for sub in folder.iterdir()
        if sub.is_dir() and not sub.is_symlink()
        for name in GENERATED_NAMES
        if _LISTABLE.fullmatch(f"{sub.name}/{name}")
    }


def _plain_dir(folder: Path, sub: str) -> Path | None:
    """``folder/sub`` when it is a folder reached with no symbolic link below ``folder``."""
    current = folder
    for part in sub.split("/") if sub else []:
        current = current / part
        if current.is_symlink():
            return None
    return current if current.is_dir() else None


def _orphans(folder: Path, owned: set[str]) -> list[str]:
    """Temp files of :func:`write_atomic` for ``owned`` paths, beside them."""
    found: list[str] = []
    for sub in sorted({p.rpartition("/")[0] for p in owned}):
        where = _plain_dir(folder, sub)
        if where is None:
            continue
        prefix = f"{sub}/" if sub else ""
        for entry in sorted(where.iterdir()):
            target = temp_target(entry.name)
            if target is None or f"{prefix}{target}" not in owned:
                continue
            if entry.is_file() and not entry.is_symlink():
                found.append(f"{prefix}{entry.name}")
    return found


def _survey(manifest: Manifest, folder: Path) -> _Survey:
    """Which files in ``folder`` ``render`` owns, and what is in the way of the rest.

    Ours: every file the record lists, a file exactly as ``render`` would write it,
    and — only in a folder without a record (written by a version before records) — a
    generated-name file whose first line is ``render``'s header for it. Nothing else.
    Raises ``NotADirectoryError`` when ``folder`` exists and is not a folder.
    """
    if folder.exists() and not folder.is_dir():
        raise NotADirectoryError(errno.ENOTDIR, "not a folder", str(folder))
    wanted = {f.path: f.text for f in render_files(manifest)}
    record = _plain_file(folder, RECORD_NAME)
    listed = read_record(_read(record)) if record is not None else None
    candidates = set(wanted) | (listed or set())
    if listed is None:
        candidates |= _old_generated(folder)
    ours: dict[str, bytes] = {}
    for path in sorted(candidates):
        file = _plain_file(folder, path)
        if file is None:
            continue
        data = file.read_bytes()
        if (
            (listed is not None and (path in listed or path == RECORD_NAME))
            or (path in wanted and data == wanted[path].encode("utf-8"))
            or (listed is None and _has_our_header(path, data))
        ):
            ours[path] = data
    blocked: dict[str, tuple[str, bool]] = {}
    foreign: dict[str, bytes] = {}
    for path in sorted(set(wanted) - set(ours)):
        obstacle = _obstacle(folder, path)
        if obstacle is not None:
            blocked[path] = obstacle
            file = _plain_file(folder, path)
            if file is not None:
                foreign[path] = file.read_bytes()
    owned = set(ours) | (set(wanted) - set(blocked))
    orphans = _orphans(folder, owned)
    return _Survey(wanted, ours, blocked, foreign, orphans, listed is not None)


def _read(path: Path) -> str:
    return _decode(path.read_bytes())


def _decode(data: bytes) -> str:
    return data.decode("utf-8", errors="replace")


def _unified(old: str, new: str, before: str, after: str) -> str:
    lines = list(
        difflib.unified_diff(
            old.splitlines(keepends=True), new.splitlines(keepends=True), before, after
        )
    )
    marker = "\n\\ No newline at end of file\n"
    return "".join(line if line.endswith("\n") else line + marker for line in lines)


def _label(out_dir: str | Path, label: str | None) -> str:
    return (label if label is not None else str(out_dir)).rstrip("/") or "."


def _clear_by(shown: str, path: str, plain: bool, has_record: bool) -> str:
    """How to clear a conflict at ``path`` (inside the folder shown as ``shown``).

    A plain file can also be handed over by listing it in the record, once there is one.
    """
    if not plain:
        return "move it away"
    if not has_record:
        return "move it away or delete it"
    return (
        f"move it away or delete it, or add the line '{path}' to {shown}/{RECORD_NAME} "
        "to let br-ops replace it"
    )


def diff_rendered(
    manifest: Manifest, out_dir: str | Path, *, label: str | None = None
) -> list[FileDiff]:
    """How ``out_dir`` differs from :func:`render_files` (empty when up to date).

    Each difference carries a unified diff whose file names are ``a/<label>/<path>``
    and ``b/<label>/<path>`` (``/dev/null`` for a missing or stale side); ``label``
    defaults to ``out_dir`` as given. Only files ``render`` owns (see
    :data:`RECORD_NAME`) are compared or called stale; something it does not own
    where it would write is a ``conflict``, with a reason saying how to clear it.
    Leftover temp files are ignored. Sorted by path. The fix is :data:`RENDER_FIX`
    once no conflict is left.
    """
    return _compare(_survey(manifest, Path(out_dir)), _label(out_dir, label))


def _compare(survey: _Survey, shown: str) -> list[FileDiff]:
    """The differences :func:`diff_rendered` reports, from a survey."""
    wanted, ours = survey.wanted, survey.ours
    out: list[FileDiff] = []
    for path in sorted(set(wanted) | set(ours)):
        name = f"{shown}/{path}"
        if path in survey.blocked:
            what, plain = survey.blocked[path]
            have = survey.foreign.get(path)
            diff = (
                ""
                if have is None
                else _unified(_decode(have), wanted[path], f"a/{name}", f"b/{name}")
            )
            reason = f"{what}; {_clear_by(shown, path, plain, survey.has_record)}"
            out.append(FileDiff(path, "conflict", diff, reason))
        elif path not in ours:
            diff = _unified("", wanted[path], "/dev/null", f"b/{name}")
            out.append(FileDiff(path, "missing", diff))
        elif path not in wanted:
            diff = _unified(_decode(ours[path]), "", f"a/{name}", "/dev/null")
            out.append(FileDiff(path, "stale", diff))
        elif ours[path] != wanted[path].encode("utf-8"):
            diff = _unified(_decode(ours[path]), wanted[path], f"a/{name}", f"b/{name}")
            out.append(FileDiff(path, "changed", diff))
    return out


def _may_change(folder: Path, path: str, *, remove: bool = False) -> None:
    """Raise ``PermissionError`` naming ``folder/path`` when it cannot be written or removed."""
    target = folder / path
    if not remove and target.is_file() and not os.access(target, os.W_OK):
        raise PermissionError(
            errno.EACCES, "Permission denied (the file is read-only)", str(target)
        )
    parent = target.parent
    while not parent.exists() and parent != parent.parent:
        parent = parent.parent
    if not os.access(parent, os.W_OK | os.X_OK):
        raise PermissionError(
            errno.EACCES, f"Permission denied (cannot change files in {parent})", str(target)
        )


def write_rendered(
    manifest: Manifest, out_dir: str | Path, *, label: str | None = None
) -> WriteResult:
    """Bring ``out_dir`` up to date: write changed files atomically, delete stale ones.

    Everything is checked before the first change: when something ``render`` does not
    own is where it would write, it raises :class:`RenderConflictError` and changes
    nothing; when a file or folder cannot be written it raises ``PermissionError``
    naming it. Only files ``render`` owns (see :data:`RECORD_NAME`) are rewritten or
    deleted, with the temp files :func:`write_atomic` left beside them; a service
    folder left empty is removed too. The record is written last, and before the first
    new file a record listing old and new files alike, so even a write killed half-way
    leaves every file ``render`` made listed. ``label`` is how conflicts name the folder
    (default: ``out_dir`` as given).
    """
    folder = Path(out_dir)
    survey = _survey(manifest, folder)
    conflicts = [d for d in _compare(survey, _label(out_dir, label)) if d.kind == "conflict"]
    if conflicts:
        raise RenderConflictError(conflicts)
    wanted, ours = survey.wanted, survey.ours
    files = [p for p in sorted(wanted) if p != RECORD_NAME]
    changes = [p for p in files if ours.get(p) != wanted[p].encode("utf-8")]
    gone = sorted([*(p for p in ours if p not in wanted), *survey.orphans])
    record = folder / RECORD_NAME
    on_disk = ours.get(RECORD_NAME)
    final = wanted[RECORD_NAME].encode("utf-8")
    listed = read_record(_decode(on_disk)) if on_disk is not None else None
    interim: bytes | None = None
    if any(p not in (listed or set()) for p in changes):
        interim = record_text((set(ours) | set(files)) - {RECORD_NAME}).encode("utf-8")
    for path in changes:
        _may_change(folder, path)
    if on_disk != final or (interim is not None and interim != on_disk):
        _may_change(folder, RECORD_NAME)
    for path in gone:
        _may_change(folder, path, remove=True)
    written: list[str] = []
    if interim is not None and interim != on_disk:
        write_atomic(record, interim.decode("utf-8"))
        on_disk = interim
        written.append(RECORD_NAME)
    for path in changes:
        write_atomic(folder / path, wanted[path])
        written.append(path)
    for path in gone:
        (folder / path).unlink(missing_ok=True)
    for sub in sorted({p.rpartition("/")[0] for p in gone} - {""}, reverse=True):
        parent = _plain_dir(folder, sub)
        if parent is not None and not any(parent.iterdir()):
            parent.rmdir()
    if on_disk != final:
        write_atomic(record, wanted[RECORD_NAME])
        written.append(RECORD_NAME)
    done = sorted(set(written))
    return WriteResult(done, sorted(set(wanted) - set(done)), gone)


_STATE = {"missing": "new", "changed": "changed", "stale": "stale", "conflict": "conflict"}


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
    "files": [{"path", "state", "diff"}], "conflicts": [{"path", "reason"}],
    "written", "removed", "fix"}``. ``path`` is ``<label>/<service>/<file>``;
    ``state`` is ``new``, ``changed``, ``unchanged``, ``stale`` or ``conflict`` as
    found *before* any write; ``diff`` is the unified diff (``""`` when unchanged);
    ``conflicts`` lists what ``render`` does not own but would have to overwrite, with
    how to clear it — a write then changes nothing; ``up_to_date`` says whether
    nothing differed; ``written`` and ``removed`` list what a write did (empty
    otherwise); ``fix`` is the command that brings the folder up to date (``null`` when
    it is).
    """
    shown = _label(out_dir, label)
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
    in_way = [d for d in diffs.values() if d.kind == "conflict"]
    written: list[str] = []
    removed: list[str] = []
    if mode == "write" and not in_way:
        try:
            result = write_rendered(manifest, out_dir, label=shown)
        except RenderConflictError as exc:  # put there since the comparison above
            in_way = exc.conflicts
        else:
            written = [f"{shown}/{p}" for p in result.written]
            removed = [f"{shown}/{p}" for p in result.removed]
    conflicts = [{"path": f"{shown}/{d.path}", "reason": d.reason} for d in in_way]
    return {
        "out": shown,
        "mode": mode,
        "up_to_date": not diffs,
        "files": files,
        "conflicts": conflicts,
        "written": written,
        "removed": removed,
        "fix": fix if diffs else None,
    }


def conflict_message(data: dict[str, Any]) -> str:
    """What is in the way of a :func:`render_report` (one line each) and what to do.

    ``""`` when nothing is. Used for the error of ``render --write`` and in the text
    of ``render`` and ``render --check``.
    """
    conflicts = data["conflicts"]
    if not conflicts:
        return ""
    n = len(conflicts)
    verb = "was" if data["mode"] == "write" else "can be"
    lines = [
        f"nothing {verb} written to {data['out']}/: {n} path{'s' * (n != 1)} where br-ops "
        f"writes {'hold' if n != 1 else 'holds'} something it does not own:"
    ]
    lines += [f"  {c['path']}: {c['reason']}" for c in conflicts]
    lines.append(f"then run: {data['fix']}")
    return "\n".join(lines)


def _plain(role: str, text: str) -> str:
    return text


def format_render(data: dict[str, Any], style: Callable[[str, str], str] | None = None) -> str:
    """Text for ``br-ops render`` in each mode (plan, check, write)."""
    paint = style or _plain
    files = data["files"]
    out = data["out"]
    changed = [f for f in files if f["state"] != "unchanged"]
    blocked = conflict_message(data)
    lines: list[str] = []
    if data["mode"] == "write" and not blocked:
        lines += [f"wrote {p}" for p in data["written"]]
        lines += [f"removed {p}" for p in data["removed"]]
        kept = sum(f["state"] == "unchanged" for f in files)
        lines.append(
            paint(
                "ok",
                f"{out}/: {len(data['written'])} written, {len(data['removed'])} "
                f"removed, {kept} unchanged",
            )
        )
    elif data["mode"] in ("check", "write"):
        for f in changed:
            lines.append(paint("fail", f"{f['path']}: {f['state']}"))
            if f["diff"]:
                lines.append(f["diff"].rstrip("\n"))
        if blocked:
            lines.append(paint("fail", blocked))
        elif changed:
            n = len(changed)
            lines.append(
                paint("fail", f"{n} generated file{'s' * (n != 1)} out of date; run: {data['fix']}")
            )
        else:
            lines.append(paint("ok", f"{out}/: {len(files)} generated files up to date"))
    else:
        wanted = [f for f in files if f["state"] not in ("stale", "conflict")]
        lines.append(f"would write {len(wanted)} file{'s' * (len(wanted) != 1)} to {out}/:")
        for f in files:
            verb = "remove" if f["state"] == "stale" else f["state"]
            role = "dim" if verb == "unchanged" else "fail" if verb == "conflict" else "warn"
            lines.append(f"  {paint(role, verb.ljust(9))} {f['path']}")
        if blocked:
            lines.append(paint("fail", blocked))
        else:
            lines.append(f"run: {data['fix']}" if data["fix"] else "nothing to change")
    return "\n".join(lines) + "\n"
