"""Atomic file writes: a reader sees the old file or the new one, never half of one."""

from __future__ import annotations

import contextlib
import errno
import glob
import os
import re
import tempfile
import time
from collections.abc import Sequence
from pathlib import Path

from hospidesk.errors import UsageError


def write_durable(path: Path, data: bytes) -> None:
    """Write a new file and fsync it (for files staged in a folder that is renamed later)."""
    with path.open("wb") as handle:
        handle.write(data)
        handle.flush()
        os.fsync(handle.fileno())


def fsync_dir(folder: Path) -> None:
    """Make a folder's entries (new names, renames) durable."""
    _fsync_dir(folder)


def _fsync_dir(folder: Path) -> None:
    if os.name != "posix":
        return
    fd = os.open(folder, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def check_writable_target(path: Path) -> None:
    """Fail early, before any long work, when ``path`` cannot be written."""
    folder = path.parent
    if not folder.is_dir():
        raise UsageError(f"Le dossier de destination n'existe pas : {folder}")
    if path.is_dir():
        raise UsageError(f"La destination est un dossier, pas un fichier : {path}")
    if not os.access(folder, os.W_OK):
        raise UsageError(f"Impossible d'écrire dans le dossier : {folder} (droits insuffisants)")


STALE_TEMP_SECONDS = 120
"""A temporary file this old was left by a write that never finished (power cut, kill -9)."""


def remove_stale_temps(path: Path, now: float | None = None) -> int:
    """Delete what interrupted writes of ``path`` left behind; return how many.

    Only our own names (``.NAME.XXXXXXXX.tmp``, as made below) and only when old enough not
    to belong to a write in progress in another process.
    """
    pattern = re.compile(re.escape(f".{path.name}.") + r"[a-z0-9_]{8}\.tmp")
    limit = (time.time() if now is None else now) - STALE_TEMP_SECONDS
    removed = 0
    for candidate in path.parent.glob(glob.escape(f".{path.name}.") + "*.tmp"):
        with contextlib.suppress(OSError):
            if pattern.fullmatch(candidate.name) and candidate.lstat().st_mtime < limit:
                candidate.unlink()
                removed += 1
    return removed


def atomic_write_bytes(path: Path, data: bytes, mode: int = 0o600) -> None:
    """Write ``data`` to ``path`` through a temporary file, fsync, rename, fsync of the folder.

    On any failure (full disk, permissions) the previous file is left untouched and no
    temporary file remains.
    """
    atomic_write_parts(path, (data,), mode)


def atomic_write_parts(
    path: Path, parts: Sequence[bytes | bytearray | memoryview], mode: int = 0o600
) -> None:
    """``atomic_write_bytes`` of the parts one after the other, never joined in memory."""
    folder = path.parent
    remove_stale_temps(path)
    try:
        fd, tmp_name = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=folder)
    except FileNotFoundError:
        raise UsageError(f"Le dossier de destination n'existe pas : {folder}") from None
    except PermissionError:
        raise UsageError(f"Impossible d'écrire dans le dossier : {folder}") from None
    tmp = Path(tmp_name)
    try:
        with os.fdopen(fd, "wb") as handle:
            for part in parts:
                handle.write(part)
            handle.flush()
            os.fsync(handle.fileno())
        tmp.chmod(mode)
        tmp.replace(path)
        _fsync_dir(folder)
    except OSError as exc:
        with contextlib.suppress(OSError):
            tmp.unlink()
        if exc.errno in (errno.ENOSPC, errno.EDQUOT):
            raise UsageError(
                f"Disque plein : impossible d'enregistrer {path.name} (le fichier précédent est "
                "intact)."
            ) from None
        raise UsageError(f"Impossible d'enregistrer {path} : {exc.strerror}") from None
    except BaseException:
        with contextlib.suppress(OSError):
            tmp.unlink()
        raise


def atomic_write_text(path: Path, text: str, mode: int = 0o600) -> None:
    atomic_write_bytes(path, text.encode("utf-8"), mode)
