import errno
import os
import time
from pathlib import Path

import pytest

from hospidesk import fsutil
from hospidesk.errors import UsageError


def test_atomic_write_replaces_the_file_and_leaves_no_temp(tmp_path: Path) -> None:
    target = tmp_path / "a.docx"
    target.write_bytes(b"old")
    fsutil.atomic_write_bytes(target, b"new")
    assert target.read_bytes() == b"new"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["a.docx"]


def test_full_disk_keeps_the_previous_file(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    target = tmp_path / "a.docx"
    target.write_bytes(b"previous")

    def no_space(fd: int) -> None:
        raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))

    monkeypatch.setattr(fsutil.os, "fsync", no_space)
    with pytest.raises(UsageError, match="Disque plein"):
        fsutil.atomic_write_bytes(target, b"new content")
    assert target.read_bytes() == b"previous"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["a.docx"]


def test_missing_folder_is_a_clear_error(tmp_path: Path) -> None:
    with pytest.raises(UsageError, match="n'existe pas"):
        fsutil.check_writable_target(tmp_path / "nope" / "a.docx")
    with pytest.raises(UsageError, match="n'existe pas"):
        fsutil.atomic_write_bytes(tmp_path / "nope" / "a.docx", b"x")


def test_a_folder_is_not_a_target(tmp_path: Path) -> None:
    with pytest.raises(UsageError, match="dossier"):
        fsutil.check_writable_target(tmp_path)


def test_temps_left_by_an_interrupted_write_are_removed_at_the_next_one(tmp_path: Path) -> None:
    target = tmp_path / "lettre (1).docx"
    stale = tmp_path / ".lettre (1).docx.ab12cd_z.tmp"
    in_progress = tmp_path / ".lettre (1).docx.zz12cd34.tmp"  # another process, writing now
    not_ours = tmp_path / ".lettre (1).docx.notes.tmp"
    other_file = tmp_path / ".autre.docx.ab12cd34.tmp"
    for path in (stale, in_progress, not_ours, other_file):
        path.write_bytes(b"partial")
    old = time.time() - fsutil.STALE_TEMP_SECONDS - 10
    for path in (stale, not_ours, other_file):
        os.utime(path, (old, old))
    fsutil.atomic_write_bytes(target, b"whole")
    assert sorted(p.name for p in tmp_path.iterdir()) == sorted(
        [target.name, in_progress.name, not_ours.name, other_file.name]
    )
