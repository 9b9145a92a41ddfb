"""llama.cpp through its C API: the worker's model, its context and what the context holds.

Only llama-cpp-python's ctypes layer (its ``llama_cpp.llama_cpp`` module and the library it
loads) is used, not its ``Llama`` class: importing the package itself brings numpy, Jinja2
and diskcache, about 23 MiB of resident memory in a worker that needs none of them, and
``Llama`` keeps a Python copy of every token and of the logits beside llama.cpp's own. The
worker needs a few things from llama.cpp: its prompt's tokens, reading them (with progress,
stoppable in the middle of a batch), the context's state saved and restored, and sampling
(see sampling.py).

Only the worker process imports this module: it alone owns llama.cpp.
"""

from __future__ import annotations

import contextlib
import ctypes
import importlib
import importlib.util
import os
import sys
import types
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from hospidesk.engine import chat_format


class Stopped(Exception):
    """Reading tokens was stopped by its ``stop`` predicate (the context keeps what it had
    read before the batch that was stopped)."""


class TooLong(ValueError):
    """The prompt does not fit in the context window."""


def binding(name: str = "llama_cpp") -> Any:
    """One module of llama-cpp-python (``llama_cpp``: the C API; ``llama_grammar``: JSON
    schemas to GBNF) without running the package's ``__init__``, which imports its ``Llama``
    class and with it numpy, Jinja2 and diskcache. A process that already imported the whole
    package gets the same modules."""
    full = f"llama_cpp.{name}"
    if full in sys.modules or "llama_cpp" in sys.modules:
        return importlib.import_module(full)
    spec = importlib.util.find_spec("llama_cpp")
    if spec is None or not spec.submodule_search_locations:
        raise ImportError("llama-cpp-python is not installed")
    package = types.ModuleType("llama_cpp")
    package.__path__ = list(spec.submodule_search_locations)
    sys.modules["llama_cpp"] = package
    try:
        return importlib.import_module(full)
    finally:
        # A later ``import llama_cpp`` runs the package's own __init__, which finds the
        # modules imported here and uses them.
        del sys.modules["llama_cpp"]


def version() -> str:
    """llama-cpp-python's version, from its metadata beside the package (as
    ``importlib.metadata`` finds it, without its 2.3 MiB of imports)."""
    spec = importlib.util.find_spec("llama_cpp")
    folders = (spec.submodule_search_locations or []) if spec is not None else []
    for folder in folders:
        for info in Path(folder).parent.glob("llama_cpp_python-*.dist-info"):
            with contextlib.suppress(OSError):
                for line in (info / "METADATA").read_text(encoding="utf-8").splitlines():
                    if line.startswith("Version:"):
                        return line.removeprefix("Version:").strip()
    return "?"


LOG_ERROR = 4
"""ggml_log_level's GGML_LOG_LEVEL_ERROR: llama.cpp's errors go to stderr, nothing else."""


def _log(level: int, text: bytes | None, _data: Any) -> None:
    if level == LOG_ERROR and text:
        sys.stderr.write(text.decode("utf-8", "replace"))


_started = False
_log_callback: Any = None  # kept alive: llama.cpp holds the pointer


def _start(llama: Any) -> None:
    global _started, _log_callback
    if _started:
        return
    _log_callback = llama.llama_log_callback(_log)
    llama.llama_log_set(_log_callback, None)
    llama.llama_backend_init()
    _started = True


UBATCH = 256
"""Tokens llama.cpp computes at once (a batch of n_batch is computed in pieces this large).
Its compute buffer grows with it: 512 touches 8 MiB more than 256 with the demo model (35
with a 1.5B) while a prompt is read, for the same speed on CPU; 128 reads about 8 % slower
(docs/performance.md, memory on every path)."""


@dataclass(frozen=True)
class Settings:
    n_ctx: int
    n_threads: int
    n_batch: int
    n_gpu_layers: int = 0


class Model:
    """A GGUF model and one context: the tokens it holds (``held``) from position 0."""

    def __init__(self, path: str, settings: Settings) -> None:
        llama = binding()
        _start(llama)
        self.api = llama
        params = llama.llama_model_default_params()
        params.n_gpu_layers = settings.n_gpu_layers
        params.load_mode = llama.LLAMA_LOAD_MODE_MMAP  # shared with the page cache
        self.model = llama.llama_model_load_from_file(path.encode(), params)
        if not self.model:
            raise ValueError(f"llama.cpp could not load {path}")
        self.vocab = llama.llama_model_get_vocab(self.model)
        context = llama.llama_context_default_params()
        context.n_ctx = settings.n_ctx
        context.n_batch = settings.n_batch
        context.n_ubatch = min(settings.n_batch, UBATCH)
        context.n_threads = settings.n_threads
        context.n_threads_batch = settings.n_threads
        # as llama.cpp's own default (auto) on CPU: ~14 % faster prompts
        context.flash_attn_type = llama.LLAMA_FLASH_ATTN_TYPE_ENABLED
        context.no_perf = True
        self.ctx = llama.llama_init_from_model(self.model, context)
        if not self.ctx:
            llama.llama_model_free(self.model)
            self.model = None
            raise ValueError("llama.cpp could not create a context for this model")
        self.n_ctx = int(llama.llama_n_ctx(self.ctx))
        self.n_batch = settings.n_batch
        self.n_threads = self.n_batch_threads = settings.n_threads
        self.n_vocab = int(llama.llama_vocab_n_tokens(self.vocab))
        self.held: list[int] = []
        self._ends: frozenset[int] | None = None
        self.fresh = False
        """Whether llama.cpp's logits are those of the last token held (sampling needs them)."""
        self.in_batch = False
        """Whether llama.cpp is computing a batch (``read``'s ``stop`` is then asked from
        inside it, and stopping loses that batch)."""
        template = llama.llama_model_chat_template(self.model, None)
        self.template = template.decode("utf-8", "replace") if template else None
        self.specials = self._special_texts()

    def set_threads(self, n_threads: int, n_batch_threads: int | None = None) -> None:
        """The threads of the next decodes: generation, and prompts (the same by default)."""
        batch = n_batch_threads or n_threads
        if (n_threads, batch) != (self.n_threads, self.n_batch_threads):
            self.api.llama_set_n_threads(self.ctx, n_threads, batch)
            self.n_threads, self.n_batch_threads = n_threads, batch

    def close(self) -> None:
        if self.ctx:
            self.api.llama_free(self.ctx)
            self.ctx = None
        if self.model:
            self.api.llama_model_free(self.model)
            self.model = None

    # tokens

    def tokenize(self, text: str) -> list[int]:
        """Tokens of a rendered prompt: special tokens written in it are parsed, the
        beginning-of-text token added when the model wants it (once)."""
        data = text.encode("utf-8")
        size = len(data) + 8
        while True:
            buffer = (ctypes.c_int32 * size)()
            count = self.api.llama_tokenize(self.vocab, data, len(data), buffer, size, True, True)
            if count >= 0:
                break
            size = -count
        tokens = list(buffer[:count])
        bos = int(self.api.llama_vocab_bos(self.vocab))
        if len(tokens) >= 2 and tokens[0] == tokens[1] == bos:
            del tokens[0]  # the template wrote it, and tokenizing added it again
        return tokens

    def piece(self, token: int) -> bytes:
        """The bytes a generated token writes (control tokens write none)."""
        buffer = ctypes.create_string_buffer(32)
        count = self.api.llama_token_to_piece(self.vocab, token, buffer, 32, 0, False)
        if count < 0:
            buffer = ctypes.create_string_buffer(-count)
            count = self.api.llama_token_to_piece(self.vocab, token, buffer, -count, 0, False)
        return buffer.raw[:count]

    def chat_tokens(self, messages: list[dict[str, str]]) -> list[int]:
        """The prompt's tokens: the messages in the model's chat template, the answer next."""
        text = chat_format.render(self.api, self.template, messages, self.specials)
        return self.tokenize(text)

    def _special_texts(self) -> dict[str, str]:
        def text(token: int) -> str:
            if token < 0:
                return ""
            raw = self.api.llama_vocab_get_text(self.vocab, token)
            return raw.decode("utf-8", "replace") if raw else ""

        return {
            "bos_token": text(int(self.api.llama_vocab_bos(self.vocab))),
            "eos_token": text(int(self.api.llama_vocab_eos(self.vocab))),
        }

    def ends(self) -> frozenset[int]:
        """Every token that ends a text (end of text, end of turn, and the others the model
        declares), found once per model."""
        if self._ends is None:
            is_end = self.api.llama_vocab_is_eog
            self._ends = frozenset(t for t in range(self.n_vocab) if is_end(self.vocab, t))
        return self._ends

    def is_end(self, token: int) -> bool:
        return bool(self.api.llama_vocab_is_eog(self.vocab, token))

    # what the context holds

    def common_length(self, tokens: Sequence[int]) -> int:
        """How many of ``tokens`` the context already holds, from the start."""
        same = 0
        for a, b in zip(self.held, tokens, strict=False):
            if a != b:
                break
            same += 1
        return same

    def keep(self, count: int) -> None:
        """Drop what the context holds after its first ``count`` tokens."""
        if count < len(self.held):
            self._drop_after(count)

    def _drop_after(self, count: int) -> None:
        memory = self.api.llama_get_memory(self.ctx)
        if not self.api.llama_memory_seq_rm(memory, -1, count, -1):
            # A recurrent model cannot drop only the end: start again from nothing.
            self.api.llama_memory_clear(memory, True)
            count = 0
        del self.held[count:]
        self.fresh = False

    def read(
        self,
        tokens: Sequence[int],
        stop: Callable[[], bool] = lambda: False,
        progress: Callable[[int], None] | None = None,
        batch: int | None = None,
    ) -> None:
        """Make the context hold ``tokens`` (what it already holds of them is kept), one batch
        (``batch`` tokens, n_batch by default) at a time; ``progress`` gets the number of
        tokens held after each batch. ``stop`` is asked between batches and by llama.cpp
        itself during one (between the graph's nodes), so that reading stops within
        milliseconds: raise Stopped then, keeping the whole batches read."""
        if len(tokens) > self.n_ctx:
            raise TooLong(f"{len(tokens)} tokens for a context of {self.n_ctx}")
        self.keep(self.common_length(tokens))
        step = min(batch or self.n_batch, self.n_batch)
        with self._aborting(stop):
            for begin in range(len(self.held), len(tokens), step):
                if stop():
                    raise Stopped()
                self.decode(tokens[begin : begin + step], stop)
                if progress is not None:
                    progress(len(self.held))

    def decode(self, tokens: Sequence[int], stop: Callable[[], bool] = lambda: False) -> None:
        """Read one batch after what the context holds; the last token's logits are kept."""
        array = (ctypes.c_int32 * len(tokens))(*tokens)
        self.in_batch = True
        try:
            result = self.api.llama_decode(
                self.ctx, self.api.llama_batch_get_one(array, len(tokens))
            )
        finally:
            self.in_batch = False
        if result == 0:
            self.held.extend(tokens)
            self.fresh = True
            return
        # Aborted or failed: what llama.cpp may have kept of the batch is not a whole batch.
        self._drop_after(len(self.held))
        if result == 2 and stop():
            raise Stopped()
        if result == 1:
            raise TooLong("no room left in the context")
        raise RuntimeError(f"llama_decode returned {result}")

    @contextlib.contextmanager
    def _aborting(self, stop: Callable[[], bool]) -> Iterator[None]:
        """llama.cpp asks ``stop`` between the nodes of the graph it computes. Only while
        reading a prompt: a Python call per node would slow generation token by token."""

        def abort(_data: Any) -> bool:
            try:
                return bool(stop())
            except Exception:  # never let an exception cross into C
                return False

        callback = self.api.ggml_abort_callback(abort)
        self.api.llama_set_abort_callback(self.ctx, callback, None)
        try:
            yield
        finally:
            self.api.llama_set_abort_callback(self.ctx, self.api.ggml_abort_callback(), None)

    # states

    def state_size(self) -> int:
        """Bytes of llama.cpp's state now (its file is about this size)."""
        return int(self.api.llama_state_get_size(self.ctx))

    def save_state(self, path: Path) -> bool:
        """Write llama.cpp's state now, with the tokens held, into ``path``: a layer at a
        time, never whole in memory. False when llama.cpp could not."""
        tokens = (self.api.llama_token * len(self.held))(*self.held)
        return bool(
            self.api.llama_state_save_file(self.ctx, os.fsencode(path), tokens, len(self.held))
        )

    def load_state(self, path: Path, tokens: Sequence[int]) -> None:
        """Make the context hold ``tokens`` from their state saved in ``path`` (read a layer
        at a time); RuntimeError, the context emptied, when llama.cpp refuses the file or it
        holds other tokens."""
        found = (self.api.llama_token * len(tokens))()
        count = ctypes.c_size_t(0)
        self.fresh = False
        loaded = self.api.llama_state_load_file(
            self.ctx, os.fsencode(path), found, len(tokens), ctypes.byref(count)
        )
        if not loaded or list(found[: count.value]) != list(tokens):
            self.held = []
            self.api.llama_memory_clear(self.api.llama_get_memory(self.ctx), True)
            raise RuntimeError("llama_state_load_file failed")
        self.held = list(tokens)
