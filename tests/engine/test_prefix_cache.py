"""The state after a task's fixed prompt prefix: kept in a file, found again after a restart,
never another model's, never a damaged one."""

from __future__ import annotations

import os
from collections.abc import Callable
from pathlib import Path

from hospidesk.engine.prefix_cache import PrefixCache, shared_prefix

TOKENS = tuple(range(100, 160))


def writing(data: bytes) -> Callable[[Path], bool]:
    """What the model's ``save_state`` does, with known bytes."""

    def write(path: Path) -> bool:
        path.write_bytes(data)
        return True

    return write


def test_shared_prefix_stops_where_any_probe_differs() -> None:
    real = [1, 2, 3, 4, 50, 51]
    assert shared_prefix(real, [1, 2, 3, 4, 60], [1, 2, 3, 70]) == [1, 2, 3]
    assert shared_prefix(real, real) == real
    assert shared_prefix(real) == real  # no probe: the whole prompt (the caller gives probes)


def test_a_state_is_found_again_after_a_restart(tmp_path: Path) -> None:
    PrefixCache(tmp_path, "model|4096|0.3", 10**6).put(TOKENS, writing(b"\x01\x02" * 500))
    again = PrefixCache(tmp_path, "model|4096|0.3", 10**6)
    assert again.has(TOKENS) and not again.has(TOKENS[1:])
    found = again.find(TOKENS)
    assert found is not None and found.read_bytes() == b"\x01\x02" * 500
    assert found.stat().st_mode & 0o777 == 0o600
    assert [p.name for p in tmp_path.iterdir()] == [found.name]  # no temporary file left


def test_another_model_or_a_damaged_file_is_never_loaded(tmp_path: Path) -> None:
    cache = PrefixCache(tmp_path, "model-a|4096|0.3", 10**6)
    cache.put(TOKENS, writing(b"\x07" * 1000))
    (file,) = tmp_path.glob("*.kv")
    other = PrefixCache(tmp_path, "model-b|4096|0.3", 10**6)
    assert other.find(TOKENS) is None  # other identity: another key, nothing found
    renamed = tmp_path / file.name.replace(cache.key(TOKENS), other.key(TOKENS))
    file.rename(renamed)  # a file under the right name but from another model
    assert other.has(TOKENS)
    assert other.find(TOKENS) is None and not renamed.exists()
    cache.put(TOKENS, writing(b"\x07" * 1000))
    (file,) = tmp_path.glob("*.kv")
    data = bytearray(file.read_bytes())
    data[500] ^= 0xFF
    file.write_bytes(bytes(data))
    fresh = PrefixCache(tmp_path, "model-a|4096|0.3", 10**6)
    assert fresh.find(TOKENS) is None and not file.exists()


def test_a_state_that_could_not_be_written_is_not_kept(tmp_path: Path) -> None:
    cache = PrefixCache(tmp_path, "m", 10**6)
    cache.put(TOKENS, lambda path: False)
    assert not cache.has(TOKENS) and list(tmp_path.iterdir()) == []
    cache.put(TOKENS, writing(b"x" * (10**6 + 1)))  # beyond the whole budget
    assert not cache.has(TOKENS) and list(tmp_path.iterdir()) == []


def test_a_new_state_replaces_the_one_kept_for_the_same_tokens(tmp_path: Path) -> None:
    cache = PrefixCache(tmp_path, "m", 10**6)
    cache.put(TOKENS, writing(b"old" * 100))
    cache.put(TOKENS, writing(b"new" * 100))
    (file,) = tmp_path.glob("*.kv")
    assert cache.find(TOKENS) == file and file.read_bytes() == b"new" * 100


def test_disk_budget_evicts_the_least_recently_used(tmp_path: Path) -> None:
    cache = PrefixCache(tmp_path, "m", disk_bytes=2500)  # two files of 1,000 bytes
    old = (1, *TOKENS)
    cache.put(old, writing(b"a" * 1000))
    os.utime(next(tmp_path.glob("*.kv")), (1, 1))
    cache.put((2, *TOKENS), writing(b"b" * 1000))
    cache.put((3, *TOKENS), writing(b"c" * 1000))
    assert not cache.has(old) and cache.has((2, *TOKENS)) and cache.has((3, *TOKENS))
    assert cache.disk_used() == 2000


def test_files_of_the_former_format_are_removed(tmp_path: Path) -> None:
    cache = PrefixCache(tmp_path, "m", 10**6)
    former = tmp_path / f"{cache.key(TOKENS)}.kv"  # a state in one buffer, named by its key
    former.write_bytes(b"HDKV1\n{}")
    cache.put((1, *TOKENS), writing(b"a" * 10))
    assert not former.exists() and cache.has((1, *TOKENS))


def test_the_engine_worker_does_not_load_openssl() -> None:
    """hashlib loads OpenSSL, 3.8 MiB of the engine's memory bound: the cache uses CPython's
    own SHA-256, the same digest."""
    import hashlib
    import subprocess
    import sys

    out = subprocess.run(
        [
            sys.executable,
            "-c",
            "import sys, hospidesk.engine.worker; print('_hashlib' in sys.modules)",
        ],
        capture_output=True,
        text=True,
        check=True,
    )
    assert out.stdout.strip() == "False"
    assert (
        PrefixCache(None, "m", 1).key((1, 2))
        == hashlib.sha256(b"m" + bytes([1, 0, 0, 0, 2, 0, 0, 0])).hexdigest()
    )


def test_a_file_left_by_an_engine_killed_while_it_wrote_goes_the_next_day(tmp_path: Path) -> None:
    cache = PrefixCache(tmp_path, "m", 10**6)
    old, recent = tmp_path / ".abc.123.tmp", tmp_path / ".def.456.tmp"  # another engine's
    old.write_bytes(b"x")
    recent.write_bytes(b"y")
    os.utime(old, (1, 1))
    cache.put(TOKENS, writing(b"a" * 10))
    assert not old.exists() and recent.exists() and cache.has(TOKENS)
