"""The outbox of the patient record: sealed on disk, read back whole, retried later and later."""

from __future__ import annotations

from pathlib import Path

import pytest

from hospidesk.storage.crypto import new_key
from hospidesk.storage.outbox import LONGEST_WAIT_SECONDS, Outbox, Waiting

MESSAGE = b"MSH|^~\\&|HOSPIDESK|990000011\rPID|||123456^^^&1.2.250.1.999&ISO^PI||EXEMPLE^Jeanne"


def test_a_waiting_message_is_sealed_on_disk_and_read_back_whole(tmp_path: Path) -> None:
    key = new_key()
    outbox = Outbox(tmp_path / "dpi-outbox", key)
    entry = Waiting("HD-1", MESSAGE, "Lettre de sortie du 6 décembre 2026", created=100.0)
    outbox.put(entry)
    (file,) = (tmp_path / "dpi-outbox").iterdir()
    raw = file.read_bytes()
    assert b"EXEMPLE" not in raw and b"123456" not in raw and b"Lettre" not in raw
    assert file.stat().st_mode & 0o077 == 0
    assert Outbox(tmp_path / "dpi-outbox", key).get("HD-1") == entry
    assert outbox.count() == 1 and outbox.entries() == [entry]
    assert Outbox(tmp_path / "dpi-outbox", new_key()).entries() == []  # another key: skipped
    outbox.remove("HD-1")
    assert outbox.count() == 0 and outbox.get("HD-1") is None


def test_each_failed_try_waits_twice_as_long_up_to_an_hour() -> None:
    entry = Waiting("HD-2", MESSAGE, "Courrier", created=0.0)
    waits = []
    for _ in range(10):
        entry = entry.tried(now=1000.0, error="Pas d'accusé de réception")
        waits.append(entry.next_try - 1000.0)
    assert waits[:4] == [30.0, 60.0, 120.0, 240.0]
    assert max(waits) == LONGEST_WAIT_SECONDS and entry.attempts == 10
    assert entry.message == MESSAGE  # a retry sends the same bytes


def test_a_control_id_cannot_name_another_file(tmp_path: Path) -> None:
    with pytest.raises(ValueError):
        Outbox(tmp_path, new_key()).put(Waiting("../../x", MESSAGE, "", created=0.0))
