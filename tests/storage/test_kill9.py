"""Guarantee 11: kill -9 at random moments of generation, autosave and export.

Every acknowledged draft is found again, the database passes its integrity check, and the
exported document is always whole (the previous one or the new one, never half of one).
"""

from __future__ import annotations

import os
import random
import signal
import subprocess
import sys
import time
import zipfile
from pathlib import Path

import pytest

from hospidesk.fsutil import STALE_TEMP_SECONDS, remove_stale_temps
from hospidesk.service.records import open_history
from hospidesk.service.workspace import Workspace
from tests.conftest import Env

pytestmark = [pytest.mark.model, pytest.mark.usefixtures("secret_service")]
ROUNDS = int(os.environ.get("HOSPIDESK_KILL_ROUNDS", "100"))  # README: a longer soak


def run_and_kill(env: Env, out: Path, delay: float, errors: Path) -> list[str]:
    with errors.open("wb") as stderr:
        proc = subprocess.Popen(
            [sys.executable, "-m", "tests.storage.crash_harness", str(out)],
            stdout=subprocess.PIPE,
            stderr=stderr,
            env=env.vars(),
            cwd=Path(__file__).resolve().parents[2],
        )
    assert proc.stdout is not None
    fd = proc.stdout.fileno()
    os.set_blocking(fd, False)
    buffer = b""
    deadline = None  # counted from READY: the kill falls in loading, generation, saves
    while deadline is None or time.monotonic() < deadline:
        buffer += read_available(fd)
        if deadline is None and b"READY" in buffer:
            deadline = time.monotonic() + delay
        if proc.poll() is not None:
            break
        time.sleep(0.005)
    ended_by_itself = proc.poll() is not None
    if not ended_by_itself:
        os.kill(proc.pid, signal.SIGKILL)
    proc.wait()
    buffer += read_available(fd)
    proc.stdout.close()
    # The harness only ends by the kill: ending before it is a crash, and what it said matters.
    assert not ended_by_itself, (
        f"the harness ended by itself (code {proc.returncode}):\n"
        + errors.read_text(errors="replace")[-3000:]
    )
    return buffer.decode(errors="replace").splitlines()


def read_available(fd: int) -> bytes:
    try:
        return os.read(fd, 65536)
    except BlockingIOError:
        return b""


def test_kill_minus_nine_loses_no_acknowledged_draft(hd_env: Env, tmp_path: Path) -> None:
    rng = random.Random(11)
    out = tmp_path / "lettre.docx"
    acknowledged: dict[str, int] = {}
    exported = 0
    for _ in range(ROUNDS):
        lines = run_and_kill(hd_env, out, rng.uniform(0.0, 1.5), tmp_path / "stderr.txt")
        for line in lines:
            parts = line.split()
            if parts[:1] == ["ACK"]:
                acknowledged[parts[1]] = int(parts[2])
            elif parts[:1] == ["EXPORTED"]:
                exported += 1
        if out.exists():  # whole, whatever the moment of the kill
            with zipfile.ZipFile(out) as archive:
                assert archive.testzip() is None
    history = open_history(Workspace.open())  # opening runs the integrity check
    try:
        for draft_id, length in acknowledged.items():
            content = history.open(draft_id).content
            assert len(content.text) >= length  # what was acknowledged, or more
    finally:
        history.close()
    print(
        f"\n{ROUNDS} kills: {len(acknowledged)} drafts acknowledged and all found again, "
        f"{exported} exports acknowledged"
    )
    assert acknowledged, "no save was acknowledged: the kills came too early to test anything"
    # What the killed exports left behind goes away at the next write of the same file.
    leftovers = list(tmp_path.glob(".lettre.docx.*.tmp"))
    later = time.time() + STALE_TEMP_SECONDS + 1
    assert remove_stale_temps(out, now=later) == len(leftovers)
    assert not list(tmp_path.glob(".lettre.docx.*.tmp"))
