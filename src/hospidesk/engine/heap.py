"""The worker's heap (glibc): states of tens of MiB, read or written, must not stay in its
resident memory once freed."""

from __future__ import annotations

import contextlib
import ctypes
from typing import Any


def _libc() -> Any:
    """The C library's symbols, as the interpreter loaded it (dlopen(NULL); ``ctypes.util``
    would find it by name at the cost of 1.3 MiB of imports)."""
    with contextlib.suppress(OSError, TypeError):
        return ctypes.CDLL(None)
    return None


_LIBC = _libc()


M_MMAP_THRESHOLD = -3
"""glibc's mallopt parameter (malloc.h)."""


MAPPED_FROM = 256 * 1024
"""Blocks this large or larger are mapped on their own (see ``map_large_blocks``)."""


def map_large_blocks(threshold: int = MAPPED_FROM) -> None:
    """Have glibc map every block of ``threshold`` bytes or more on its own, so that it
    goes back to the system when freed. By default glibc raises that threshold to the size of
    the largest block freed (up to 32 MiB): the next states, tens of MiB each, would then
    come from the heap and stay in the worker's resident memory.

    256 KiB, not more: llama.cpp builds a vector of one entry per token of the vocabulary at
    every token it draws (576 KiB for a vocabulary of 49,152 tokens), and under a grammar more
    of them. Taken from the heap between the grammar's own small blocks, they left it
    fragmented: the heap grew by 36 MiB while one part of a long source was summarised under
    its task's grammar (bench/report.md, engine memory by path). Mapped, each one is given
    back when freed."""
    mallopt = getattr(_LIBC, "mallopt", None)
    if mallopt is not None:
        mallopt(M_MMAP_THRESHOLD, threshold)


def give_back() -> None:
    """Return the heap's free pages to the system."""
    trim = getattr(_LIBC, "malloc_trim", None)
    if trim is not None:
        trim(0)
