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


def map_large_blocks(threshold: int = 1 << 20) -> None:
    """Have glibc map every block of ``threshold`` bytes or more on its own, so that it
    goes back to the system when freed. By default glibc raises that threshold to the size of
    the largest block freed (up to 32 MiB): the next states, tens of MiB each, would then
    come from the heap and stay in the worker's resident memory."""
    mallopt = getattr(_LIBC, "mallopt", None)
    if mallopt is not None:
        mallopt(M_MMAP_THRESHOLD, threshold)


def give_back() -> None:
    """Return the heap's free pages to the system."""
    trim = getattr(_LIBC, "malloc_trim", None)
    if trim is not None:
        trim(0)
