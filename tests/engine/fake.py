"""A scripted engine with the real client's interface, for the logic above the engine (the
service's drafting, the window's states): it answers what the test says, at the pace the test
says, and records what it was asked. The real engine runs the same paths end to end in the
tests marked ``model``."""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path

from hospidesk.engine import protocol as p
from hospidesk.engine.client import EngineClient
from hospidesk.engine.verify import OpenModel, VerifiedModel
from hospidesk.errors import Cancelled, EngineError

CHARS_PER_TOKEN = 3


@dataclass(frozen=True)
class Call:
    messages: tuple[p.Message, ...]
    options: p.GenerationOptions


class FakeEngine(EngineClient):
    """Answers each generation with the next of ``answers`` (the last one repeats), in pieces
    of ``piece`` characters every ``delay`` seconds. ``fail`` makes the next generation fail
    after its first piece, as a crashed engine would."""

    def __init__(self, *answers: str, piece: int = 4, delay: float = 0.0) -> None:
        super().__init__()
        self.answers = list(answers) or ["Brouillon de test."]
        self.piece = piece
        self.delay = delay
        self.calls: list[Call] = []
        self.loads: list[VerifiedModel] = []
        self.fail: str | None = None
        self.started = threading.Event()  # set when a generation has sent its first piece
        self.reads: list[tuple[int, int]] = []  # told to ``reading`` before each answer
        self.warmed: list[list[tuple[p.Message, ...]]] = []  # the warm-up lists received
        self.prefilled: list[tuple[p.Message, ...]] = []  # the prompts read ahead
        self._running = False
        self._used = 0

    def start(self) -> p.Ready:
        self._running = True
        self.ready = p.Ready("fake", False, "")
        return self.ready

    def load(
        self,
        model_file: OpenModel,
        n_ctx: int,
        n_threads: int,
        n_gpu_layers: int,
        cache_dir: Path | None = None,
        adaptive_threads: bool = False,
    ) -> p.Loaded:
        model_file.close()  # the real client keeps it open while loaded; nothing to load here
        assert model_file.model is not None, "only a checked file may be loaded"
        self.start()
        self.loads.append(model_file.model)
        self.loaded = p.Loaded(model_file.sha256, n_ctx, n_threads, n_gpu_layers, 0.01)
        return self.loaded

    def count(self, request_messages: tuple[p.Message, ...]) -> int:
        """A stand-in tokenizer: a token per CHARS_PER_TOKEN characters, and the template's."""
        if not self._running or self.loaded is None:
            raise EngineError("Aucun modèle n'est chargé.")
        return sum(len(m.content) for m in request_messages) // CHARS_PER_TOKEN + 8

    def generate(
        self,
        request_messages: tuple[p.Message, ...],
        options: p.GenerationOptions,
        stop: threading.Event | None = None,
        reading: Callable[[int, int], None] | None = None,
    ) -> Iterator[str]:
        if not self._running or self.loaded is None:
            raise EngineError("Aucun modèle n'est chargé.")
        self.calls.append(Call(request_messages, options))
        answer = self.answers[min(self._used, len(self.answers) - 1)]
        self._used += 1
        self.generated = 0
        self.last_done = None
        started = time.monotonic()
        for done, total in self.reads:
            if reading is not None:
                reading(done, total)
        pieces = [answer[i : i + self.piece] for i in range(0, len(answer), self.piece)]
        for count, text in enumerate(pieces[: options.max_tokens], start=1):
            if stop is not None and stop.is_set():
                raise Cancelled()
            if self.fail is not None and count == 2:
                message, self.fail = self.fail, None
                self._running = False
                self.loaded = None
                raise EngineError(message)
            self.generated = count
            yield text
            self.started.set()
            if self.delay:
                time.sleep(self.delay)
        if stop is not None and stop.is_set():
            raise Cancelled()
        finish = "length" if len(pieces) > options.max_tokens else "stop"
        self.last_done = p.Done(0, finish, 10, self.generated, time.monotonic() - started)

    def prefill(self, request_messages: tuple[p.Message, ...]) -> None:
        self.prefilled.append(request_messages)

    def warm(self, prompts: Sequence[tuple[p.Message, ...]], disk_share: float = 0.75) -> None:
        """Recorded; the warm-up's progress told at once, as the worker's reader would."""
        self.warmed.append(list(prompts))
        for done in range(len(prompts) + 1):
            if self.on_warming is not None:
                self.on_warming(p.Warming(done, len(prompts), finished=done == len(prompts)))

    @property
    def running(self) -> bool:
        return self._running

    @property
    def pid(self) -> int | None:
        return None

    def cancel(self, req_id: int | None = None) -> None:
        raise AssertionError("a draft is stopped through its stop event, never from outside")

    def close(self, grace: float = 2.0) -> None:
        self._running = False
        self.loaded = None

    def kill(self) -> None:
        self.close()
