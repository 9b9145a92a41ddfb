"""The window's drafts: the engine thread, which model writes (and its state), the draft
being written; Qt signals for the window to show them.

The window builds a request from its form and calls ``start``; everything after that is
``service.drafting.run_draft`` in the engine thread, whose events come back as signals here,
filtered so that only the current draft's reach the window.
"""

from __future__ import annotations

from collections.abc import Collection

from PySide6.QtCore import QObject, QThread, Signal

from hospidesk.engine.client import EngineClient
from hospidesk.engine.verify import VerifiedModel
from hospidesk.errors import HospiDeskError
from hospidesk.service.backends import model_entry, remote_target
from hospidesk.service.draft_events import DraftEvent
from hospidesk.service.drafting import DraftResult, DraftRun
from hospidesk.service.extraction import first_messages
from hospidesk.service.request import DraftRequest, PreparedDraft, prepare
from hospidesk.service.routing import RemoteTarget, Served
from hospidesk.service.warmup import warm_order, warm_prompts
from hospidesk.service.workspace import Workspace
from hospidesk.ui.engine_bridge import EngineWorker


class DraftController(QObject):
    model_loading = Signal(str)  # the model's name
    model_ready = Signal()  # the local model is loaded, or a server writes
    model_failed = Signal(str)  # why no model can write (French)
    told = Signal(object)  # DraftEvent of the draft being written (service.draft_events)
    warming = Signal(int, int, bool)  # tasks read ahead, of how many, finished
    finished = Signal(object)  # DraftResult
    cancelled = Signal()
    failed = Signal(str)

    _load_entry = Signal(object)
    _verify_fallback = Signal()
    _run = Signal(int, object, object)
    _warm = Signal(object)
    _prefill = Signal(object)
    _shutdown = Signal()

    def __init__(
        self,
        workspace: Workspace,
        engine: EngineClient | None = None,
        parent: QObject | None = None,
    ) -> None:
        super().__init__(parent)
        self.workspace = workspace
        self.model: VerifiedModel | None = None
        """The workstation's model: loaded, or checked to replace an unreachable server."""
        self.remote: RemoteTarget | None = None
        """The hospital's server, when one is chosen."""
        self.job: int | None = None
        self.served: dict[str, Served] = {}  # per task: who wrote its current draft
        self._draft: DraftRun | None = None
        self._jobs = 0
        self._thread = QThread()
        self._thread.setObjectName("engine")
        self.worker = EngineWorker(workspace, engine or EngineClient())
        self.worker.moveToThread(self._thread)
        self._load_entry.connect(self.worker.load_entry)
        self._verify_fallback.connect(self.worker.verify_fallback)
        self._run.connect(self.worker.run)
        self._warm.connect(self.worker.warm)
        self._prefill.connect(self.worker.prefill)
        self._shutdown.connect(self.worker.shutdown)
        self._thread.finished.connect(self.worker.deleteLater)
        worker = self.worker
        worker.model_loading.connect(self._model_loading)
        worker.model_loaded.connect(self._model_loaded)
        worker.model_verified.connect(self._model_verified)
        worker.model_failed.connect(self._model_failed)
        worker.told.connect(self._told)
        worker.warming.connect(self.warming)
        worker.finished.connect(self._finished)
        worker.cancelled.connect(self._cancelled)
        worker.failed.connect(self._failed)
        self._thread.start()

    @property
    def ready(self) -> bool:
        """Whether a draft can start: a model is loaded or a server writes."""
        return self.model is not None or self.remote is not None

    # which model writes

    def load_model(self) -> None:
        """The server or model of the settings: a server is used at once (the local model is
        checked to replace it); a local model is verified and loaded in the engine thread."""
        try:
            self.remote = remote_target(self.workspace)
            entry = model_entry(self.workspace)
        except HospiDeskError as exc:
            self._model_failed(exc.message)
            return
        if self.remote is not None:
            self._verify_fallback.emit()
            self.model_ready.emit()
            return
        self._load_entry.emit(entry)

    def _model_loading(self, name: str) -> None:
        self.model_loading.emit(name)

    def _model_loaded(self, model: VerifiedModel, seconds: float) -> None:
        self.model = model
        self.model_ready.emit()

    def _model_verified(self, model: VerifiedModel) -> None:
        self.model = model  # the fallback, loaded when the server cannot be reached

    def warm_up(self, favourites: Collection[str]) -> None:
        """Have the engine read the user's tasks ahead while they are idle (policy
        ``models.warm_up``); a local model only."""
        if self.remote is not None or self.model is None:
            return
        tasks = warm_order(self.workspace, favourites)
        if tasks:
            self._warm.emit(warm_prompts(tasks))

    def prefill(self, request: DraftRequest) -> bool:
        """Have the local model read ahead what the form holds now (the user's click will
        likely send it): nothing when a draft is being written, a server writes, or the
        form is not complete yet. Whether it was sent to the engine."""
        if self.job is not None or self.model is None or self.remote is not None:
            return False
        try:
            messages = first_messages(prepare(self.workspace, request, model=self.model))
        except HospiDeskError:
            return False  # the click will say what is missing
        if messages is None:
            return False
        self._prefill.emit(messages)
        return True

    def _model_failed(self, message: str) -> None:
        self.model = None
        self.remote = None
        self.model_failed.emit(message)

    # the draft being written

    def start(self, request: DraftRequest) -> PreparedDraft:
        """Check the request (HospiDeskError: nothing started) and start writing its draft."""
        prepared = prepare(self.workspace, request, model=self.model)
        self.run_prepared(prepared)
        return prepared

    def run_prepared(self, prepared: PreparedDraft) -> None:
        """Start writing a draft already checked (a new one, or one that goes on)."""
        self._jobs += 1
        self.job = self._jobs
        self._draft = DraftRun(self.workspace, self.worker.engine)
        self._run.emit(self.job, prepared, self._draft)

    def stop(self) -> None:
        """Stop the draft being written; what was written stays."""
        if self._draft is not None:
            self._draft.cancel()

    def model_id(self, ref: str) -> str | None:
        """Who wrote the task's current draft, or who would write it."""
        served = self.served.get(ref)
        if served is not None:
            return served.model
        if self.remote is not None:
            return self.remote.model
        return self.model.entry.id if self.model else None

    def _told(self, job: int, event: DraftEvent) -> None:
        if job == self.job:  # an earlier draft's last words are not this one's
            self.told.emit(event)

    def _end(self) -> None:
        self.job = None
        self._draft = None

    def _finished(self, job: int, result: DraftResult) -> None:
        if job != self.job:
            return
        self._end()
        self.served[result.prepared.task.ref] = result.served
        self.finished.emit(result)

    def _cancelled(self, job: int) -> None:
        if job == self.job:
            self._end()
            self.cancelled.emit()

    def _failed(self, job: int, message: str) -> None:
        if job == self.job:
            self._end()
            self.failed.emit(message)

    # the engine

    def engine_pid(self) -> int | None:
        return self.worker.engine.pid

    def shutdown(self) -> None:
        """Stop the draft, close the engine, end the thread (waits at most 5 s)."""
        self.stop()
        self._shutdown.emit()
        self._thread.quit()
        if not self._thread.wait(5000):
            self.worker.engine.kill()
            self._thread.terminate()
            self._thread.wait()
