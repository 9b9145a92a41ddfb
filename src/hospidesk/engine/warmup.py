"""The worker's warm-up: while the user does not generate, compute the state after each of
their tasks' instructions and keep it on disk (see prefix_cache), so that the first use of a
task after installing it, after a pack update or a model change starts writing at once.

The app sends the list in the order that matters to the user (their job's tasks, favourites,
most used). The worker calls ``step`` only while no request waits, and a step stops in the
middle of a batch as soon as one arrives (llama.cpp's abort callback): the user's click never
waits for the warm-up. A stopped step starts again from the beginning of its prompt later.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from hospidesk.engine import llama_ops
from hospidesk.engine import protocol as p
from hospidesk.engine.prefix_cache import PrefixCache, PrefixState

if TYPE_CHECKING:
    from hospidesk.engine.worker import Worker


class WarmUp:
    def __init__(self, worker: Worker) -> None:
        self.worker = worker
        self.llm: Any = None
        self.cache: PrefixCache | None = None
        self.prompts: list[tuple[p.Message, ...]] = []
        self.next = 0
        self.disk_share = 0.75

    def use(self, llm: Any, cache: PrefixCache) -> None:
        """A model was loaded: its own cache; the list is the app's to send again."""
        self.llm = llm
        self.cache = cache
        self.clear()

    def clear(self) -> None:
        self.prompts = []
        self.next = 0

    @property
    def pending(self) -> bool:
        return self.llm is not None and self.next < len(self.prompts)

    def replace(self, request: p.Warm) -> None:
        self.prompts = list(request.prompts)
        self.next = 0
        self.disk_share = request.disk_share
        if self.cache is None or self.cache.folder is None:
            self._finish("no_cache")
        elif not self.prompts:
            self._finish("")

    def step(self) -> None:
        """Warm the next prompt, or give way: returns at once when a request arrives."""
        assert self.cache is not None
        worker = self.worker
        messages = [{"role": m.role, "content": m.content} for m in self.prompts[self.next]]
        tokens = llama_ops.prompt_tokens(self.llm, messages)
        prefix = worker.fixed_prefix(messages, tokens)
        if worker.usable_prefix(prefix) and not self.cache.has(prefix):
            try:
                llama_ops.read_tokens(self.llm, prefix, stop=worker.asked)
            except llama_ops.Stopped:
                return  # the same prompt again when the engine is idle
            state = llama_ops.get_state(self.llm)
            if self.cache.disk_used() + len(state) > self.disk_share * self.cache.disk_bytes:
                self._finish("budget")
                return
            self.cache.put(PrefixState(tuple(prefix), state))
            del state
            llama_ops.give_back_memory()
        self.next += 1
        done = self.next >= len(self.prompts)
        worker.send(p.Warming(self.next, len(self.prompts), finished=done))

    def _finish(self, reason: str) -> None:
        self.worker.send(p.Warming(self.next, len(self.prompts), finished=True, reason=reason))
        self.next = len(self.prompts)
