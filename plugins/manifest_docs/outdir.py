"""A folder of generated files kept in step with a set of outputs, touching nothing else.

:func:`sync_folder` writes each output whose content differs from the file on disk
(atomically, :func:`~manifest_docs.fsutil.write_atomic`), leaves identical files alone
(their mtimes, and so every cache keyed on them, stay warm), and removes the files it
wrote last time that are no longer outputs. What it wrote is recorded in
:data:`RECORD` inside the folder; any other file there is never written or removed.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath
from typing import TYPE_CHECKING

from .fsutil import temp_target, write_atomic

if TYPE_CHECKING:
    from collections.abc import Mapping

__all__ = ["RECORD", "FolderError", "SyncResult", "sync_folder"]

RECORD = ".manifest-docs-pages.json"
"""The record of the files ``br-ops pages`` wrote into its output folder."""


class FolderError(Exception):
    """The folder cannot be brought in step; ``problems`` says why, one line each."""

    def __init__(self, problems: list[str]) -> None:
        super().__init__("\n".join(problems))
        self.problems = problems


@dataclass
class SyncResult:
    """What one :func:`sync_folder` call did, as sorted paths inside the folder."""

    written: list[str] = field(default_factory=list)
    """Files created or rewritten (their content changed)."""
    unchanged: list[str] = field(default_factory=list)
    """Files already holding their content (not touched)."""
    removed: list[str] = field(default_factory=list)
    """Files written by an earlier run that are no longer outputs."""


def _digest(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def _read_record(folder: Path) -> dict[str, str]:
    """``path → sha256`` of the files the last run wrote (empty when there is no record)."""
    try:
        data = json.loads((folder / RECORD).read_text("utf-8"))
    except FileNotFoundError:
        return {}
    except (OSError, ValueError) as exc:
        raise FolderError(
            [f"{folder / RECORD}: unreadable record of generated files ({exc})"]
        ) from None
    files = data.get("files") if isinstance(data, dict) else None
    if not isinstance(files, dict):
        raise FolderError([f"{folder / RECORD}: not a record of generated files"])
    return {str(k): str(v) for k, v in files.items()}


def _check_path(rel: str) -> str | None:
    path = PurePosixPath(rel)
    if path.is_absolute() or ".." in path.parts or not path.parts or rel == RECORD:
        return f"{rel}: not a path inside the output folder"
    return None


def sync_folder(folder: Path, outputs: Mapping[str, bytes]) -> SyncResult:
    """Make ``folder`` hold ``outputs`` (``posix/path → content``) and nothing else of ours.

    A file in the way that this function did not write (not in the record) is only
    adopted when it already holds the right content; otherwise nothing is written and
    :class:`FolderError` lists every such file, so hand-made files are never replaced.
    """
    problems = [p for p in map(_check_path, outputs) if p]
    if problems:
        raise FolderError(problems)
    previous = _read_record(folder)
    result = SyncResult()
    pending: list[tuple[str, bytes]] = []
    for rel in sorted(outputs):
        data = outputs[rel]
        target = folder / rel
        try:
            current = target.read_bytes() if target.is_file() else None
        except OSError as exc:
            problems.append(f"{target}: cannot read ({exc.strerror or exc})")
            continue
        if current == data:
            result.unchanged.append(rel)
            continue
        if target.exists() and rel not in previous:
            what = "a folder" if target.is_dir() else "a file"
            problems.append(
                f"{target}: {what} not written by br-ops pages is in the way; "
                "move it, or choose another --out"
            )
            continue
        pending.append((rel, data))
    if problems:
        raise FolderError(problems)
    for rel, data in pending:
        write_atomic(folder / rel, data)
        result.written.append(rel)
    for rel in sorted(set(previous) - set(outputs)):
        target = folder / rel
        if target.is_file() or target.is_symlink():
            target.unlink()
            result.removed.append(rel)
            _prune(target.parent, folder)
    _clean_temps(folder, outputs)
    record = {
        "generator": "br-ops pages",
        "files": {rel: _digest(outputs[rel]) for rel in sorted(outputs)},
    }
    text = json.dumps(record, indent=1, sort_keys=True) + "\n"
    if previous != record["files"] or not (folder / RECORD).is_file():
        write_atomic(folder / RECORD, text)
    return result


def _prune(start: Path, folder: Path) -> None:
    """Remove ``start`` and its parents up to ``folder`` while they are empty."""
    current = start
    root = folder.resolve()
    while current.resolve() != root and current.resolve().is_relative_to(root):
        try:
            current.rmdir()
        except OSError:
            return
        current = current.parent


def _clean_temps(folder: Path, outputs: Mapping[str, bytes]) -> None:
    """Remove temp files a killed run left beside its own outputs (never other files)."""
    parents = {(folder / rel).parent for rel in outputs} | {folder}
    for parent in parents:
        with contextlib.suppress(OSError):
            for entry in parent.iterdir():
                target = temp_target(entry.name)
                rel = (parent / target).relative_to(folder).as_posix() if target else None
                if rel is not None and (rel in outputs or rel == RECORD) and entry.is_file():
                    entry.unlink()
