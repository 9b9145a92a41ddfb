"""What the worker does to llama.cpp beneath llama-cpp-python's ``Llama``: the prompt's tokens
as a chat handler builds them, reading tokens batch by batch (with progress, and stoppable in
the middle of a batch), saving and restoring the context's state, giving freed memory back.

Only the worker process imports this module: it touches private parts of ``Llama`` (the
context, the token buffer) that the worker alone owns.
"""

from __future__ import annotations

import contextlib
import ctypes
import ctypes.util
from collections.abc import Callable, Iterator, Sequence
from typing import Any


class Stopped(Exception):
    """Reading tokens was stopped by its ``stop`` predicate (the context is left as it was
    before the batch that was stopped)."""


def prompt_tokens(llm: Any, messages: list[dict[str, str]]) -> list[int]:
    """The tokens ``create_chat_completion`` would process, through the same handler."""
    from llama_cpp import llama_chat_format

    handler = (
        llm.chat_handler
        or llm._chat_handlers.get(llm.chat_format)  # private, but what llama-cpp uses
        or llama_chat_format.get_chat_completion_handler(llm.chat_format)
    )
    capture = _PromptCapture(llm)
    handler(llama=capture, messages=messages, stream=True)  # type: ignore[arg-type]
    return capture.tokens


class _PromptCapture:
    """Stands in for Llama inside a chat handler to learn the prompt's tokens."""

    def __init__(self, llm: Any) -> None:
        self._llm = llm
        self.tokens: list[int] = []

    def __getattr__(self, name: str) -> Any:
        return getattr(self._llm, name)

    def create_completion(self, prompt: list[int], **kwargs: Any) -> Iterator[Any]:
        self.tokens = list(prompt)
        return iter(())


def common_length(llm: Any, tokens: Sequence[int]) -> int:
    """How many of ``tokens`` the context already holds, from the start."""
    held = llm.input_ids[: llm.n_tokens].tolist()
    same = 0
    for a, b in zip(held, tokens, strict=False):
        if a != b:
            break
        same += 1
    return same


def read_tokens(
    llm: Any,
    tokens: Sequence[int],
    stop: Callable[[], bool],
    progress: Callable[[int], None] | None = None,
) -> None:
    """Make the context hold ``tokens`` (what it already holds of them is kept), one batch
    at a time; ``progress`` gets the number of tokens held after each batch. ``stop`` is
    asked between batches and by llama.cpp itself during one (between the graph's nodes),
    so that reading stops within milliseconds: raise Stopped then."""
    start = common_length(llm, tokens)
    llm.n_tokens = start  # Llama.eval drops what the context holds beyond n_tokens
    llm._requires_eval = True
    with _aborting(llm, stop):
        for begin in range(start, len(tokens), llm.n_batch):
            if stop():
                raise Stopped()
            try:
                llm.eval(tokens[begin : begin + llm.n_batch])
            except RuntimeError:
                if stop():  # llama_decode returned 2: aborted by the callback
                    raise Stopped() from None
                raise
            if progress is not None:
                progress(llm.n_tokens)


@contextlib.contextmanager
def _aborting(llm: Any, stop: Callable[[], bool]) -> Iterator[None]:
    """llama.cpp asks ``stop`` between the nodes of the graph it computes. Only while
    reading a prompt: a Python call per node would slow generation token by token."""
    import llama_cpp

    def abort(_data: Any) -> bool:
        try:
            return bool(stop())
        except Exception:  # never let an exception cross into C
            return False

    callback = llama_cpp.ggml_abort_callback(abort)
    llama_cpp.llama_set_abort_callback(llm._ctx.ctx, callback, None)
    try:
        yield
    finally:
        llama_cpp.llama_set_abort_callback(llm._ctx.ctx, llama_cpp.ggml_abort_callback(), None)


def get_state(llm: Any) -> memoryview:
    """llama.cpp's state now (``llama_state_get_data``), without a copy in Python."""
    import llama_cpp

    ctx = llm._ctx.ctx  # private: the worker alone owns llama.cpp
    size = llama_cpp.llama_state_get_size(ctx)
    buffer = (ctypes.c_uint8 * int(size))()
    written = llama_cpp.llama_state_get_data(ctx, buffer, size)
    return memoryview(buffer).cast("B")[: int(written)]


def set_state(llm: Any, tokens: Sequence[int], data: bytes | bytearray | memoryview) -> None:
    """Like Llama.load_state, without the logits copy (the next decode refreshes them)."""
    import llama_cpp

    ctx = llm._ctx.ctx
    size = len(data)
    try:
        buffer = (ctypes.c_uint8 * size).from_buffer(data)  # a file read in a bytearray
    except TypeError:  # read-only bytes
        buffer = (ctypes.c_uint8 * size).from_buffer_copy(data)
    if llama_cpp.llama_state_set_data(ctx, buffer, size) != size:
        raise RuntimeError("llama_state_set_data failed")
    count = len(tokens)
    llm.input_ids[:count] = tokens
    llm.n_tokens = count
    llm._requires_eval = True


def _libc() -> Any:
    name = ctypes.util.find_library("c")
    if name is None:
        return None
    with contextlib.suppress(OSError):
        return ctypes.CDLL(name)
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


def give_back_memory() -> None:
    """Return the heap's free pages to the system (glibc): a state of tens of MiB, read or
    written, would otherwise stay in the worker's resident memory after it is freed."""
    trim = getattr(_LIBC, "malloc_trim", None)
    if trim is not None:
        trim(0)
