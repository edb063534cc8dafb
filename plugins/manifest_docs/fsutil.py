"""Atomic file writes: a reader never sees half a file, a crash never leaves one.

:func:`write_atomic` writes ``NAME`` by filling ``.NAME.XXXXXXXX.tmp`` beside it (eight
characters chosen by :func:`tempfile.mkstemp`) and renaming that over ``NAME`` when it
is complete. Only a process killed between the two steps leaves such a temp file
behind; :func:`temp_target` recognises one, so a command that owns ``NAME`` can remove
it.
"""

from __future__ import annotations

import contextlib
import errno
import os
import re
import tempfile
from pathlib import Path

__all__ = ["temp_target", "write_atomic"]

_TEMP = re.compile(r"\.(?P<name>.+)\.[a-z0-9_]{8}\.tmp")
"""A temp file of :func:`write_atomic`: ``mkstemp``'s eight characters from ``[a-z0-9_]``."""


def temp_target(file_name: str) -> str | None:
    """The name of the file ``file_name`` is a :func:`write_atomic` temp file for, or ``None``.

    ``temp_target(".railway.toml.k2x9_q0a.tmp") == "railway.toml"``; any other name,
    ``".railway.toml.tmp"`` or ``".railway.toml.K2X9Q0AB.tmp"`` included, gives ``None``.
    """
    match = _TEMP.fullmatch(file_name)
    return match.group("name") if match else None


def write_atomic(path: str | os.PathLike[str], text: str | bytes) -> None:
    """Write ``text`` (UTF-8, ``\\n`` newlines) to ``path`` by renaming a finished temp file.

    ``bytes`` are written as they are (a copied image, say).

    Missing parent folders are created; an existing file keeps its permission bits. A
    file this user may not write (read-only) is not replaced, as ``open(path, "w")``
    would not replace it either. On any failure nothing is left behind (no temp file,
    no folder created for it) and the ``OSError`` raised names ``path`` itself, never
    the temp file, with a reason that says what was in the way.
    """
    target = Path(path)
    created: list[Path] = []
    tmp: str | None = None
    step = "folder"
    try:
        _make_folders(target.parent, created)
        step = "check"
        if target.is_file() and not os.access(target, os.W_OK):
            raise PermissionError(errno.EACCES, os.strerror(errno.EACCES), str(target))
        step = "create"
        fd, tmp = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".tmp", dir=target.parent)
        step = "write"
        if isinstance(text, bytes):
            with os.fdopen(fd, "wb") as raw:
                raw.write(text)
                raw.flush()
                os.fsync(raw.fileno())
        else:
            with os.fdopen(fd, "w", encoding="utf-8", newline="\n") as fh:
                fh.write(text)
                fh.flush()
                os.fsync(fh.fileno())
        if target.exists():
            os.chmod(tmp, target.stat().st_mode & 0o777)
        else:
            os.chmod(tmp, 0o644)
        step = "replace"
        os.replace(tmp, target)
    except BaseException as exc:
        if tmp is not None:
            Path(tmp).unlink(missing_ok=True)
        for folder in reversed(created):
            with contextlib.suppress(OSError):
                folder.rmdir()
        if isinstance(exc, OSError):
            raise _naming(target, exc, step) from exc
        raise


def _make_folders(folder: Path, created: list[Path]) -> None:
    """Create ``folder`` and its missing parents, recording each one created."""
    missing: list[Path] = []
    current = folder
    while not current.exists() and current != current.parent:
        missing.append(current)
        current = current.parent
    for each in reversed(missing):
        try:
            each.mkdir()
        except FileExistsError:
            if each.is_dir():  # made at the same moment by someone else: not ours to remove
                continue
            raise
        created.append(each)


def _naming(target: Path, exc: OSError, step: str) -> OSError:
    """``exc`` again, but naming ``target`` and saying which step failed."""
    reason = exc.strerror or str(exc)
    denied = isinstance(exc, PermissionError)
    if step == "folder":
        where = f" {exc.filename}" if exc.filename else ""
        reason = f"{reason} (cannot create the folder{where})"
    elif step == "check":
        reason = f"{reason} (the file is read-only)"
    elif denied and step in ("create", "replace"):
        reason = f"{reason} (cannot create files in {target.parent})"
    return OSError(exc.errno, reason, str(target))
