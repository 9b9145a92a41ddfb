"""The sealed copy against another process of the same user: whatever it writes into the copy
while it is made, the bytes the engine would map are the bytes that were hashed, or the model
is refused (security.md, guarantee 15)."""

from __future__ import annotations

import hashlib
import os
import subprocess
import sys
import time
from pathlib import Path

import pytest

from hospidesk.engine.catalog import ModelEntry
from hospidesk.engine.verify import CHUNK, VerifiedModel, open_verified
from hospidesk.errors import ModelError

pytestmark = [
    pytest.mark.stress,
    pytest.mark.skipif(
        not hasattr(os, "memfd_create"), reason="sealed copies are made on Linux only"
    ),
]

ATTACKER = r"""
import os, sys, time
pid, end = int(sys.argv[1]), time.monotonic() + float(sys.argv[2])
landed = refused = 0
while time.monotonic() < end:
    try:
        names = os.listdir(f"/proc/{pid}/fd")
    except OSError:
        continue
    for name in names:
        try:
            if "memfd:hospidesk-" not in os.readlink(f"/proc/{pid}/fd/{name}"):
                continue
            fd = os.open(f"/proc/{pid}/fd/{name}", os.O_WRONLY)
        except OSError:
            continue
        try:
            os.pwrite(fd, b"\xff" * 4096, 4096)  # bytes the copy has already passed
            landed += 1
        except OSError:
            refused += 1  # sealed
        finally:
            os.close(fd)
print(landed, refused)
"""


def fake_model(path: Path, size: int) -> ModelEntry:
    data = b"GGUF" + os.urandom(size - 4)
    path.write_bytes(data)
    return ModelEntry(
        id="race-model",
        name="Race",
        file=path.name,
        sha256=hashlib.sha256(data).hexdigest(),
        size=size,
        licence="Apache-2.0",
        context_length=512,
        ram_mb=64,
    )


def mapped_sha256(fd: int) -> str:
    digest = hashlib.sha256()
    offset = 0
    while chunk := os.pread(fd, CHUNK, offset):
        digest.update(chunk)
        offset += len(chunk)
    return digest.hexdigest()


def test_a_write_into_the_copy_while_it_is_made_never_reaches_the_engine(
    tmp_path: Path,
) -> None:
    entry = fake_model(tmp_path / "race.gguf", 96 * 1024 * 1024)
    model = VerifiedModel(tmp_path / "race.gguf", entry)
    attacker = subprocess.Popen(
        [sys.executable, "-c", ATTACKER, str(os.getpid()), "25"],
        stdout=subprocess.PIPE,
        text=True,
    )
    accepted = refused = 0
    deadline = time.monotonic() + 22
    try:
        while time.monotonic() < deadline:
            try:
                opened = open_verified(model)
            except ModelError as exc:
                assert "empreinte SHA-256" in exc.message  # refused as altered, and said
                refused += 1
                continue
            try:
                assert opened.sha256 == entry.sha256
                assert mapped_sha256(opened.fd) == entry.sha256  # what llama.cpp would map
                with pytest.raises(PermissionError):
                    os.pwrite(opened.fd, b"x", 0)  # and nobody can change it any more
            finally:
                opened.close()
            accepted += 1
    finally:
        out, _ = attacker.communicate(timeout=30)
    landed, sealed = (int(n) for n in out.split())
    assert landed + sealed > 1000, "the other process tried thousands of times"
    assert landed > 0, "some writes landed during copies (the race was run)"
    assert refused > 0 and accepted + refused >= 10
