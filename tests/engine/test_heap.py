"""The worker's heap: large blocks are mapped on their own, so they go back to the system."""

from __future__ import annotations

import subprocess
import sys
import textwrap

import pytest

CHILD = textwrap.dedent(
    """
    import ctypes, sys
    from hospidesk.engine import heap

    heap.map_large_blocks(*[int(a) for a in sys.argv[1:]])
    libc = ctypes.CDLL(None)
    libc.malloc.restype = ctypes.c_void_p
    libc.malloc.argtypes = [ctypes.c_size_t]
    block = libc.malloc(heap.MAPPED_FROM + 4096)  # a grammar's vector for a small vocabulary
    with open("/proc/self/maps") as maps:
        for line in maps:
            if line.rstrip().endswith("[heap]"):
                low, high = (int(x, 16) for x in line.split()[0].split("-"))
                print("heap" if low <= block < high else "mapped")
                break
        else:
            print("mapped")
    """
)


def where_a_block_lands(*threshold: int) -> str:
    out = subprocess.run(
        [sys.executable, "-c", CHILD, *map(str, threshold)],
        capture_output=True,
        text=True,
        check=True,
    )
    return out.stdout.strip()


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="glibc's malloc and /proc")
def test_a_block_the_size_of_a_grammars_vector_is_mapped_on_its_own() -> None:
    assert where_a_block_lands() == "mapped"


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="glibc's malloc and /proc")
def test_under_the_former_threshold_such_a_block_came_from_the_heap() -> None:
    """The control, so that the test above can fail: 1 MiB, the worker's threshold before."""
    assert where_a_block_lands(1 << 20) == "heap"
