"""Reuse of a task's instructions across uses, task switches and restarts.

A task's prompt starts with the same tokens at every use: the system message (the preamble
and the task's instructions) and the chat template's opening of the user turn. Processing them
is most of the wait before the first word. The worker keeps the llama.cpp state taken right
after exactly those tokens on disk, per model and prefix, so that a second use, a switch to
another task and back, or the first use after a restart only processes the user's part; the
warm-up (see worker) computes them ahead for the user's tasks.

The states are never whole in the worker's memory: llama.cpp writes each file, and reads it
back, a layer at a time (``Model.save_state`` and ``load_state``). A state is tens of MiB per
task for a small model and hundreds for an 8B one; held in a buffer while it is written or read,
it pushed the engine beyond its memory bound on every first use of a task (bench/report.md,
engine memory by path). The system's page cache keeps recently read files for free and gives
them up when memory is short.

A file is llama.cpp's own session file (the prefix's tokens, then the state), named after its
key (the identity and the tokens) and a digest of the identity and its content: a damaged file,
or one from another model put under this key, is never loaded.

What may be persisted is settled by construction (see ``shared_prefix``): the prefix is the
longest common prefix of the real prompt's tokens and of two prompts whose user message is
replaced by fixed probe texts. Every persisted token therefore also appears in a prompt that
holds no field value and no source text, and the state is computed from those tokens alone.
Nothing else is written: no user text, no generated text.
"""

from __future__ import annotations

import contextlib
import importlib
import os
import time
from array import array
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any, BinaryIO, cast

MIN_PREFIX_TOKENS = 32
"""Shorter prefixes are cheaper to process than to look up and restore."""
CHUNK = 1 << 20
"""Bytes read at a time to check a file."""
STALE_SECONDS = 24 * 3600
"""A temporary file this old was left by an engine killed while it wrote it."""
PROBES = ("\u2063A", "\u2063B")
"""Stand-ins for the user's message, to find where the fixed part of a prompt ends."""


def _sha256() -> Callable[[bytes], Any]:
    """CPython's own SHA-256: hashlib would load OpenSSL into the worker for it, 3.8 MiB of
    its memory bound (bench/report.md, engine memory by path). Python 3.12 renamed the
    module; hashlib's is the fallback."""
    for name in ("_sha2", "_sha256"):
        with contextlib.suppress(ImportError):
            return cast(Callable[[bytes], Any], importlib.import_module(name).sha256)
    import hashlib

    return hashlib.sha256


sha256 = _sha256()


def shared_prefix(prompt: Sequence[int], *probes: Sequence[int]) -> list[int]:
    """The longest prefix common to the real prompt and to every probe prompt."""
    length = len(prompt)
    for probe in probes:
        same = 0
        for a, b in zip(prompt, probe, strict=False):
            if a != b:
                break
            same += 1
        length = min(length, same)
    return list(prompt[:length])


class PrefixCache:
    """States after fixed prompt prefixes, in files of a folder (none: nothing is kept)."""

    def __init__(self, folder: Path | None, identity: str, disk_bytes: int) -> None:
        """``identity``: what a state depends on besides the tokens (model hash, context
        size, llama.cpp version); states of another identity are never loaded."""
        self.folder = folder
        self.identity = identity
        self.disk_bytes = disk_bytes

    def key(self, tokens: Sequence[int]) -> str:
        digest = sha256(self.identity.encode())
        digest.update(array("i", tokens).tobytes())
        return str(digest.hexdigest())

    def find(self, tokens: Sequence[int]) -> Path | None:
        """The file of the state after ``tokens``, its content checked; a damaged one is
        deleted."""
        path = self._stored(self.key(tokens))
        if path is None:
            return None
        try:
            with path.open("rb") as handle:
                digest = self._digest(handle)
        except OSError:
            return None
        if path.stem.rpartition("-")[2] != digest:
            self._delete(path)
            return None
        with contextlib.suppress(OSError):
            os.utime(path)  # recently used: evicted last
        return path

    def put(self, tokens: Sequence[int], write: Callable[[Path], bool]) -> None:
        """Keep the state after ``tokens``, which ``write`` writes into the file it is given
        (false: it could not)."""
        if self.folder is None:
            return
        key = self.key(tokens)
        tmp = self.folder / f".{key}.{os.getpid()}.tmp"  # two engines may save the same state
        with contextlib.suppress(OSError):  # a cache: a full disk costs speed
            self.folder.mkdir(parents=True, exist_ok=True)
            tmp.unlink(missing_ok=True)
            os.close(os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600))
            if not write(tmp) or tmp.stat().st_size > self.disk_bytes:
                tmp.unlink()
                return
            with tmp.open("rb") as handle:  # not synced: a damaged file is never loaded
                digest = self._digest(handle)
            self.forget(tokens)
            tmp.replace(self.folder / f"{key}-{digest}.kv")
            self._evict()
        with contextlib.suppress(OSError):
            tmp.unlink(missing_ok=True)

    def forget(self, tokens: Sequence[int]) -> None:
        """Drop the state after ``tokens`` (llama.cpp refused it)."""
        path = self._stored(self.key(tokens))
        if path is not None:
            self._delete(path)

    def has(self, tokens: Sequence[int]) -> bool:
        """Whether a state after ``tokens`` is kept (its file is not read)."""
        return self._stored(self.key(tokens)) is not None

    def disk_used(self) -> int:
        """Bytes of the states on disk."""
        total = 0
        for path in self._files():
            with contextlib.suppress(OSError):
                total += path.stat().st_size
        return total

    def _digest(self, handle: BinaryIO) -> str:
        digest = sha256(self.identity.encode() + b"\n")
        while chunk := handle.read(CHUNK):
            digest.update(chunk)
        return str(digest.hexdigest())

    def _stored(self, key: str) -> Path | None:
        if self.folder is None:
            return None
        return next(iter(self.folder.glob(f"{key}-*.kv")), None)

    def _files(self) -> list[Path]:
        return [] if self.folder is None else list(self.folder.glob("*.kv"))

    @staticmethod
    def _delete(path: Path) -> None:
        with contextlib.suppress(OSError):
            path.unlink()

    def _evict(self) -> None:
        """Past the disk budget, the least recently used go; files of the former format
        (one state in a buffer, named after the key alone) go at once."""
        assert self.folder is not None
        for path in self.folder.glob(".*.tmp"):  # left by an engine killed while it wrote
            with contextlib.suppress(OSError):
                if path.stat().st_mtime < time.time() - STALE_SECONDS:
                    path.unlink()
        files = []
        for path in self._files():
            if "-" not in path.stem:
                self._delete(path)
                continue
            with contextlib.suppress(OSError):
                stat = path.stat()
                files.append((stat.st_mtime, stat.st_size, path))
        total = 0
        for _, size, path in sorted(files, reverse=True):
            total += size
            if total > self.disk_bytes:
                self._delete(path)
