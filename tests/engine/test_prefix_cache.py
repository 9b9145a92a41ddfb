"""The state after a task's fixed prompt prefix: found again in RAM, on disk, never another's."""

from __future__ import annotations

import os
from pathlib import Path

from hospidesk.engine.prefix_cache import PrefixCache, PrefixState, shared_prefix

TOKENS = tuple(range(100, 160))


def test_shared_prefix_stops_where_any_probe_differs() -> None:
    real = [1, 2, 3, 4, 50, 51]
    assert shared_prefix(real, [1, 2, 3, 4, 60], [1, 2, 3, 70]) == [1, 2, 3]
    assert shared_prefix(real, real) == real
    assert shared_prefix(real) == real  # no probe: the whole prompt (the caller gives probes)


def test_ram_keeps_the_most_recent_within_its_budget(tmp_path: Path) -> None:
    cache = PrefixCache(None, "model|4096|0.3", ram_bytes=250, disk_bytes=0)
    states = [PrefixState((n, *TOKENS), bytes([n]) * 100) for n in range(3)]
    for state in states:
        cache.put(state)
    assert cache.get(states[0].tokens) is None  # evicted: 300 bytes > 250
    assert cache.get(states[2].tokens) == (states[2], "ram")
    assert cache.get(states[1].tokens) == (states[1], "ram")


def test_disk_round_trip_survives_a_restart(tmp_path: Path) -> None:
    state = PrefixState(TOKENS, b"\x01\x02" * 500)
    PrefixCache(tmp_path, "model|4096|0.3", 10**6, 10**6).put(state)
    again = PrefixCache(tmp_path, "model|4096|0.3", 10**6, 10**6)
    assert again.get(TOKENS) == (state, "disk")
    assert again.get(TOKENS) == (state, "ram")


def test_another_model_or_a_damaged_file_is_never_loaded(tmp_path: Path) -> None:
    state = PrefixState(TOKENS, b"\x07" * 1000)
    cache = PrefixCache(tmp_path, "model-a|4096|0.3", 10**6, 10**6)
    cache.put(state)
    (file,) = tmp_path.glob("*.kv")
    other = PrefixCache(tmp_path, "model-b|4096|0.3", 10**6, 10**6)
    assert other.get(TOKENS) is None  # other identity: another key, nothing found
    other_name = tmp_path / f"{other.key(TOKENS)}.kv"
    file.rename(other_name)  # a file under the right name but from another model
    assert other.get(TOKENS) is None and not other_name.exists()
    cache.put(state)
    (file,) = tmp_path.glob("*.kv")
    data = bytearray(file.read_bytes())
    data[-1] ^= 0xFF
    file.write_bytes(bytes(data))
    fresh = PrefixCache(tmp_path, "model-a|4096|0.3", 10**6, 10**6)
    assert fresh.get(TOKENS) is None and not file.exists()


def test_disk_budget_evicts_the_least_recently_used(tmp_path: Path) -> None:
    cache = PrefixCache(tmp_path, "m", ram_bytes=10**6, disk_bytes=3000)  # two files of ~1.4 kB
    old = PrefixState((1, *TOKENS), b"a" * 1000)
    cache.put(old)
    os.utime(next(tmp_path.glob("*.kv")), (1, 1))
    cache.put(PrefixState((2, *TOKENS), b"b" * 1000))
    cache.put(PrefixState((3, *TOKENS), b"c" * 1000))
    names = {p.name for p in tmp_path.glob("*.kv")}
    assert f"{cache.key(old.tokens)}.kv" not in names and len(names) == 2
