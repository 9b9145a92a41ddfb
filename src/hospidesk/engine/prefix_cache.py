"""Reuse of a task's instructions across uses, task switches and restarts.

A task's prompt starts with the same tokens at every use: the system message (the preamble
and the task's instructions) and the chat template's opening of the user turn. Processing them
is most of the wait before the first word. The worker keeps the llama.cpp state taken right
after exactly those tokens on disk, per model and prefix, so that a second use, a switch to
another task and back, or the first use after a restart only processes the user's part; the
warm-up (see worker) computes them ahead for the user's tasks.

The states are not kept in the worker's memory unless a RAM budget is given: the system's
page cache keeps recently read files for free and gives them up when memory is short, where a
state held by the worker (tens of MiB per task for a small model, hundreds for an 8B one)
would count in its resident memory for good.

What may be persisted is settled by construction (see ``shared_prefix``): the prefix is the
longest common prefix of the real prompt's tokens and of two prompts whose user message is
replaced by fixed probe texts. Every persisted token therefore also appears in a prompt that
holds no field value and no source text, and the state is computed from those tokens alone.
Nothing else is written: no user text, no generated text.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
from array import array
from collections import OrderedDict
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from hospidesk.errors import HospiDeskError
from hospidesk.fsutil import atomic_write_parts

MAGIC = b"HDKV1\n"
MIN_PREFIX_TOKENS = 32
"""Shorter prefixes are cheaper to process than to look up and restore."""
PROBES = ("\u2063A", "\u2063B")
"""Stand-ins for the user's message, to find where the fixed part of a prompt ends."""


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


@dataclass(frozen=True)
class PrefixState:
    tokens: tuple[int, ...]
    data: bytes | bytearray | memoryview
    """llama.cpp's state (``llama_state_get_data``) right after ``tokens``."""


class PrefixCache:
    """States after fixed prompt prefixes: an LRU in RAM and, when a folder is given, files."""

    def __init__(
        self,
        folder: Path | None,
        identity: str,
        ram_bytes: int,
        disk_bytes: int,
    ) -> None:
        """``identity``: what a state depends on besides the tokens (model hash, context
        size, llama.cpp version); states of another identity are never loaded."""
        self.folder = folder
        self.identity = identity
        self.ram_bytes = ram_bytes
        self.disk_bytes = disk_bytes
        self._ram: OrderedDict[str, PrefixState] = OrderedDict()

    def key(self, tokens: Sequence[int]) -> str:
        digest = hashlib.sha256(self.identity.encode())
        digest.update(array("i", tokens).tobytes())
        return digest.hexdigest()

    def get(self, tokens: Sequence[int]) -> tuple[PrefixState, str] | None:
        """The state after ``tokens`` and where it came from (« ram » or « disk »)."""
        key = self.key(tokens)
        state = self._ram.get(key)
        if state is not None:
            self._ram.move_to_end(key)
            return state, "ram"
        state = self._read(key, tokens)
        if state is None:
            return None
        self._keep(key, state)
        return state, "disk"

    def put(self, state: PrefixState) -> None:
        key = self.key(state.tokens)
        self._keep(key, state)
        self._write(key, state)

    def forget(self, tokens: Sequence[int]) -> None:
        """Drop the state after ``tokens`` (llama.cpp refused it), in RAM and on disk."""
        key = self.key(tokens)
        self._ram.pop(key, None)
        path = self._file(key)
        if path is not None:
            with contextlib.suppress(OSError):
                path.unlink()

    def has(self, tokens: Sequence[int]) -> bool:
        """Whether a state after ``tokens`` is kept (its file is not read)."""
        key = self.key(tokens)
        path = self._file(key)
        return key in self._ram or (path is not None and path.is_file())

    def disk_used(self) -> int:
        """Bytes of the states on disk."""
        if self.folder is None:
            return 0
        total = 0
        for path in self.folder.glob("*.kv"):
            with contextlib.suppress(OSError):
                total += path.stat().st_size
        return total

    def _keep(self, key: str, state: PrefixState) -> None:
        if len(state.data) > self.ram_bytes:
            return
        self._ram[key] = PrefixState(state.tokens, bytes(state.data))
        self._ram.move_to_end(key)
        while sum(len(s.data) for s in self._ram.values()) > self.ram_bytes:
            self._ram.popitem(last=False)

    # disk

    def _file(self, key: str) -> Path | None:
        return None if self.folder is None else self.folder / f"{key}.kv"

    def _write(self, key: str, state: PrefixState) -> None:
        path = self._file(key)
        if path is None or len(state.data) > self.disk_bytes:
            return
        header = json.dumps(
            {
                "identity": self.identity,
                "n_tokens": len(state.tokens),
                "sha256": hashlib.sha256(state.data).hexdigest(),
            }
        ).encode()
        parts = (MAGIC + header + b"\n", array("i", state.tokens).tobytes(), state.data)
        with contextlib.suppress(OSError, HospiDeskError):  # a cache: a full disk costs speed
            assert self.folder is not None
            self.folder.mkdir(parents=True, exist_ok=True)
            atomic_write_parts(path, parts, mode=0o600)
            self._evict()

    def _read(self, key: str, tokens: Sequence[int]) -> PrefixState | None:
        path = self._file(key)
        if path is None:
            return None
        try:
            with path.open("rb") as handle:  # into a buffer llama.cpp can read in place
                blob = bytearray(os.fstat(handle.fileno()).st_size)
                handle.readinto(blob)
        except OSError:
            return None
        state = self._parse(blob, tokens)
        if state is None:  # damaged, or from another model or version: never loaded
            with contextlib.suppress(OSError):
                path.unlink()
            return None
        with contextlib.suppress(OSError):
            os.utime(path)  # recently used: evicted last
        return state

    def _parse(self, blob: bytearray, tokens: Sequence[int]) -> PrefixState | None:
        if not blob.startswith(MAGIC):
            return None
        end = blob.find(b"\n", len(MAGIC))
        try:
            header = json.loads(blob[len(MAGIC) : end])
            count = int(header["n_tokens"])
        except (ValueError, KeyError, TypeError):
            return None
        if header.get("identity") != self.identity or count != len(tokens):
            return None
        start = end + 1 + 4 * count
        stored = array("i")
        stored.frombytes(blob[end + 1 : start])
        data = memoryview(blob)[start:]
        if list(stored) != list(tokens) or hashlib.sha256(data).hexdigest() != header["sha256"]:
            return None
        return PrefixState(tuple(tokens), data)

    def _evict(self) -> None:
        if self.folder is None:
            return
        files = sorted(self.folder.glob("*.kv"), key=lambda p: p.stat().st_mtime, reverse=True)
        total = 0
        for path in files:
            total += path.stat().st_size
            if total > self.disk_bytes:
                with contextlib.suppress(OSError):
                    path.unlink()
