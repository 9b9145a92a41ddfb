"""The window's side of the engine: one worker thread, one engine process, Qt signals.

The thread only waits on the engine process (which owns llama.cpp), so the window's event
loop never blocks: loading and generation happen elsewhere, their events arrive as queued
signals. Only this thread touches the engine client; the window stops a draft through the
draft's own ``cancel()`` (an event the engine's stream watches). If the engine process dies,
the error is reported, the draft stays, and the engine starts again with the same model.
"""

from __future__ import annotations

import contextlib
import time

from PySide6.QtCore import QObject, Signal, Slot

from hospidesk.engine.catalog import ModelEntry
from hospidesk.engine.client import EngineClient
from hospidesk.engine.protocol import Message, Warming
from hospidesk.engine.verify import VerifiedModel
from hospidesk.errors import Cancelled, HospiDeskError
from hospidesk.service.backends import check_memory, ensure_loaded, fallback_model, verify_model
from hospidesk.service.draft_events import DraftEvent, Loaded, Loading
from hospidesk.service.drafting import DraftRun, RunLimits
from hospidesk.service.request import PreparedDraft
from hospidesk.service.workspace import Workspace


class EngineWorker(QObject):
    """Lives in the engine thread; every slot runs there."""

    model_loading = Signal(str)
    model_loaded = Signal(object, float)  # VerifiedModel, seconds
    model_verified = Signal(object)  # VerifiedModel checked, not loaded (a server writes)
    model_failed = Signal(str)
    told = Signal(int, object)  # job, DraftEvent (the model's loading: the signals above)
    warming = Signal(int, int, bool)  # tasks read ahead, of how many, finished
    finished = Signal(int, object)  # job, DraftResult
    cancelled = Signal(int)
    failed = Signal(int, str)

    def __init__(self, workspace: Workspace, engine: EngineClient) -> None:
        super().__init__()
        self.workspace = workspace
        self.engine = engine
        self.model: VerifiedModel | None = None
        self.limits = RunLimits()  # the task's own limits (tests and benchmarks shorten them)
        engine.on_warming = self._warming  # called from the engine's reader thread

    def _warming(self, event: Warming) -> None:
        self.warming.emit(event.done, event.total, event.finished)

    @Slot(object)
    def warm(self, prompts: list[tuple[Message, ...]]) -> None:
        """Have the engine read these tasks' instructions ahead while the user is idle."""
        if self.engine.running and self.engine.loaded is not None:
            with contextlib.suppress(HospiDeskError):  # a dead engine restarts at the next draft
                self.engine.warm(prompts)

    @Slot(object)
    def prefill(self, messages: tuple[Message, ...]) -> None:
        """Have the engine read ahead the prompt the user is about to send."""
        if self.engine.running and self.engine.loaded is not None:
            with contextlib.suppress(HospiDeskError):  # a dead engine restarts at the next draft
                self.engine.prefill(messages)

    @Slot(object)
    def load_entry(self, entry: ModelEntry) -> None:
        """Verify the model file (hashing may take a while), check memory, then load."""
        self.model_loading.emit(entry.name)
        try:
            model = verify_model(self.workspace, entry)
            check_memory(entry)
        except HospiDeskError as exc:
            self.model_failed.emit(exc.message)
            return
        self.load(model)

    @Slot()
    def verify_fallback(self) -> None:
        """The local model a server's drafts fall back to: checked now, loaded if needed."""
        model = fallback_model(self.workspace)
        if model is not None:
            self.model = model
            self.model_verified.emit(model)

    @Slot(object)
    def load(self, model: VerifiedModel) -> None:
        """Have the model ready before the first draft (at start, after a crash)."""
        self.model = model
        self.model_loading.emit(model.entry.name)
        started = time.monotonic()
        try:
            ensure_loaded(self.workspace, self.engine, model)
        except HospiDeskError as exc:
            self.model_failed.emit(exc.message)
            return
        self.model_loaded.emit(model, time.monotonic() - started)

    @Slot(int, object, object)
    def run(self, job: int, prepared: PreparedDraft, run: DraftRun) -> None:
        run.on_event = lambda event: self._told(job, event)
        try:
            result = run.run(prepared, self.limits)
        except Cancelled:
            self.cancelled.emit(job)
            return
        except HospiDeskError as exc:
            self.failed.emit(job, exc.message)
            if prepared.remote is None and not self.engine.running and self.model is not None:
                self.load(self.model)  # the engine died: start it again for the next draft
            return
        self.finished.emit(job, result)

    def _told(self, job: int, event: DraftEvent) -> None:
        """A draft's event, from this thread: the model's state for every draft, the rest
        for the window to filter by job."""
        match event:
            case Loading(model=model):
                self.model = model
                self.model_loading.emit(model.entry.name)
            case Loaded(model=model, seconds=seconds):
                self.model_loaded.emit(model, seconds)
            case _:
                self.told.emit(job, event)

    @Slot()
    def shutdown(self) -> None:
        self.engine.close()
        self.workspace.close()
