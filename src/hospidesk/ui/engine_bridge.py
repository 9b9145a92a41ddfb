"""The window's side of the engine: one worker thread, one engine process, Qt signals.

The thread only waits on the engine process (which owns llama.cpp), so the window's event
loop never blocks: loading and generation happen elsewhere, tokens arrive as queued signals.
If the engine process dies, the error is reported, the draft stays, and the engine is started
again with the same model.
"""

from __future__ import annotations

import time
from dataclasses import dataclass

from PySide6.QtCore import QObject, QThread, Signal, Slot

from hospidesk.engine.catalog import ModelEntry
from hospidesk.engine.client import EngineClient
from hospidesk.engine.verify import VerifiedModel
from hospidesk.errors import Cancelled, HospiDeskError
from hospidesk.packs.model import OutputKind
from hospidesk.service import Extraction, PreparedDraft, Workspace
from hospidesk.serving import Served


@dataclass(frozen=True)
class JobResult:
    job: int
    raw: str
    body: str
    tokens: int
    seconds: float
    served: Served | None = None


class EngineWorker(QObject):
    """Lives in the engine thread; every slot runs there."""

    model_loading = Signal(str)
    model_loaded = Signal(object, float)  # VerifiedModel, seconds
    model_verified = Signal(object)  # VerifiedModel checked, not loaded (a server writes)
    model_failed = Signal(str)
    extracted = Signal(int, object)  # job, Extraction (values already in the prepared draft)
    token = Signal(int, str)
    progress = Signal(int, int, float)  # job, tokens so far, tokens per second
    finished = Signal(object)  # JobResult
    cancelled = Signal(int)
    failed = Signal(int, str)

    def __init__(self, workspace: Workspace) -> None:
        super().__init__()
        self.workspace = workspace
        self.client = EngineClient()
        self.model: VerifiedModel | None = None
        self.stop_job = 0  # set from the window's thread: the job the user stopped
        self.max_tokens: int | None = None  # None: the task's own limit

    @Slot(object)
    def load_entry(self, entry: ModelEntry) -> None:
        """Verify the model file (hashing may take a while), check memory, then load."""
        self.model_loading.emit(entry.name)
        try:
            model = self.workspace.verify_model(entry)
            self.workspace.check_memory(entry)
        except HospiDeskError as exc:
            self.model_failed.emit(exc.message)
            return
        self.load(model)

    @Slot()
    def verify_fallback(self) -> None:
        """The local model a server's drafts fall back to: checked now, loaded if needed."""
        model = self.workspace.fallback_model()
        if model is not None:
            self.model = model
            self.model_verified.emit(model)

    @Slot(object)
    def load(self, model: VerifiedModel) -> None:
        self.model = model
        self.model_loading.emit(model.entry.name)
        started = time.monotonic()
        try:
            self.workspace.ensure_loaded(model, self.client)
        except HospiDeskError as exc:
            self.model_failed.emit(exc.message)
            return
        self.model_loaded.emit(model, time.monotonic() - started)

    @Slot(int, object)
    def run(self, job: int, prepared: PreparedDraft) -> None:
        structured = prepared.task.task.output.kind is OutputKind.STRUCTURED
        chunks: list[str] = []
        started = time.monotonic()
        try:
            local = prepared.remote is None and prepared.model is not None
            if local and (self.client.loaded is None or self.model != prepared.model):
                assert prepared.model is not None
                self.load(prepared.model)
            if self.stop_job == job:
                raise Cancelled()
            if prepared.to_extract:
                prepared, extraction = self.workspace.extract(prepared, self.client)
                self.extracted.emit(job, extraction)
            if self.stop_job == job:
                raise Cancelled()
            first = None
            generation = self.workspace.generate(prepared, self.client, max_tokens=self.max_tokens)
            for text in generation:
                if self.stop_job == job:  # a stop that came before the request was sent
                    self.client.cancel()
                    self.workspace.cancel_remote()
                chunks.append(text)
                now = time.monotonic()
                first = first or now
                count = generation.tokens
                rate = (count - 1) / (now - first) if now > first else 0.0
                if not structured:
                    self.token.emit(job, text)
                self.progress.emit(job, count, rate)
            prepared = prepared.written_by(generation.served)
            body = self.workspace.finish(prepared, "".join(chunks))
        except Cancelled:
            self.cancelled.emit(job)
            return
        except HospiDeskError as exc:
            self.failed.emit(job, exc.message)
            if prepared.remote is None and not self.client.running and self.model is not None:
                self.load(self.model)  # the engine died: start it again for the next draft
            return
        raw = "".join(chunks)
        seconds = time.monotonic() - started
        self.finished.emit(JobResult(job, raw, body, generation.tokens, seconds, prepared.served))

    @Slot()
    def shutdown(self) -> None:
        self.client.close()
        self.workspace.close()


class EngineBridge(QObject):
    """The window's handle on the engine thread."""

    _load = Signal(object)
    _load_entry = Signal(object)
    _verify_fallback = Signal()
    _run = Signal(int, object)
    _shutdown = Signal()

    def __init__(self, workspace: Workspace, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._thread = QThread()
        self._thread.setObjectName("engine")
        self.worker = EngineWorker(workspace)
        self.worker.moveToThread(self._thread)
        self._load.connect(self.worker.load)
        self._load_entry.connect(self.worker.load_entry)
        self._verify_fallback.connect(self.worker.verify_fallback)
        self._run.connect(self.worker.run)
        self._shutdown.connect(self.worker.shutdown)
        self._thread.finished.connect(self.worker.deleteLater)
        self._thread.start()
        self._next_job = 0
        self.current_job: int | None = None

    def load(self, model: VerifiedModel) -> None:
        self._load.emit(model)

    def load_entry(self, entry: ModelEntry) -> None:
        self._load_entry.emit(entry)

    def verify_fallback(self) -> None:
        self._verify_fallback.emit()

    def run(self, prepared: PreparedDraft) -> int:
        self._next_job += 1
        self.current_job = self._next_job
        self._run.emit(self._next_job, prepared)
        return self._next_job

    def cancel(self) -> None:
        """Stop the current job now (thread-safe: a flag, and one line to the engine)."""
        if self.current_job is not None:
            self.worker.stop_job = self.current_job
        self.worker.client.cancel()
        self.worker.workspace.cancel_remote()

    def engine_pid(self) -> int | None:
        return self.worker.client.pid

    def stop(self) -> None:
        self.cancel()
        self._shutdown.emit()
        self._thread.quit()
        if not self._thread.wait(5000):
            self.worker.client.kill()
            self._thread.terminate()
            self._thread.wait()


__all__ = ["EngineBridge", "EngineWorker", "Extraction", "JobResult"]
