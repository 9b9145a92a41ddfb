"""The worker's warm-up: while the user does not generate, compute the state after each of
their tasks' instructions and keep it on disk (see prefix_cache), so that the first use of a
task after installing it, after a pack update or a model change starts writing at once.

The app sends the list in the order that matters to the user (their job's tasks, favourites,
most used). The worker calls ``step`` only while no request waits, and a step stops in the
middle of a batch as soon as one arrives (llama.cpp's abort callback): the user's click never
waits for the warm-up. A stopped step starts again from the beginning of its prompt later.
"""

from __future__ import annotations

import time
from typing import Protocol

from hospidesk.engine import protocol as p
from hospidesk.engine.chat_format import TemplateError
from hospidesk.engine.native import Stopped
from hospidesk.engine.prompts import PromptReader

HOLD_AFTER_PREFILL = 60.0
"""Seconds the warm-up waits after the user's prompt was read ahead: long enough for them to
finish and click, short enough that an abandoned form does not stop it for good."""


class Host(Protocol):
    """The worker, as the warm-up sees it."""

    def send(self, event: p.Event) -> None:
        """An event for the app (the warm-up's progress)."""
        ...

    def asked(self) -> bool:
        """Whether a request waits: the warm-up gives way to it at once."""
        ...


class WarmUp:
    def __init__(self, worker: Host) -> None:
        self.worker = worker
        self.reader: PromptReader | None = None
        self.prompts: list[tuple[p.Message, ...]] = []
        self.next = 0
        self.disk_share = 0.75
        self.held_until = 0.0
        """After a prefill the warm-up waits, not to replace what was read ahead."""

    def use(self, reader: PromptReader | None) -> None:
        """A model was loaded (None: unloaded): its own cache; the list is the app's to send
        again."""
        self.reader = reader
        self.clear()

    def clear(self) -> None:
        self.prompts = []
        self.next = 0

    @property
    def pending(self) -> bool:
        return self.reader is not None and self.next < len(self.prompts)

    def hold(self) -> None:
        self.held_until = time.monotonic() + HOLD_AFTER_PREFILL

    def resume(self) -> None:
        self.held_until = 0.0

    def wait(self) -> float | None:
        """How long the worker may wait for a request before warming: None (nothing to
        warm: wait for a request), 0 (warm now), or the rest of the pause after a prefill."""
        if not self.pending:
            return None
        return max(0.0, self.held_until - time.monotonic())

    def replace(self, request: p.Warm) -> None:
        self.prompts = list(request.prompts)
        self.next = 0
        self.disk_share = request.disk_share
        if self.reader is None or self.reader.prefixes.folder is None:
            self._finish("no_cache")
        elif not self.prompts:
            self._finish("")

    def step(self) -> None:
        """Warm the next prompt, or give way: returns at once when a request arrives."""
        reader = self.reader
        assert reader is not None
        cache = reader.prefixes
        messages = [{"role": m.role, "content": m.content} for m in self.prompts[self.next]]
        try:
            prefix = reader.fixed_prefix(messages, reader.tokens(messages))
        except TemplateError:
            prefix = []  # the generation will say it; the next task
        if reader.usable(prefix) and not cache.has(prefix):
            try:
                reader.llm.read(prefix, stop=self.worker.asked)
            except Stopped:
                return  # the same prompt again when the engine is idle
            except RuntimeError:
                prefix = []  # llama.cpp failed: not kept, the next task
            if not prefix:
                self._next()
                return
            if cache.disk_used() + reader.llm.state_size() > self.disk_share * cache.disk_bytes:
                self._finish("budget")
                return
            cache.put(prefix, reader.llm.save_state)
        self._next()

    def _next(self) -> None:
        self.next += 1
        done = self.next >= len(self.prompts)
        self.worker.send(p.Warming(self.next, len(self.prompts), finished=done))

    def _finish(self, reason: str) -> None:
        self.worker.send(p.Warming(self.next, len(self.prompts), finished=True, reason=reason))
        self.next = len(self.prompts)
