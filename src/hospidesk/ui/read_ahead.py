"""The form read ahead by the local model, so that the click starts writing at once.

The engine reads what the form holds as soon as the user starts changing it (the first key,
a paste, a dropped text), then every TYPING_MS while they go on, and once more when they
pause (PAUSE_MS after their last change). Each read goes on from what the engine already
holds, so while typing at the end of the form it reads only the new words; at the click only
the last moment's words are left to read. A read is stopped by the next one or by the click
(see engine.protocol.Prefill), so the form is never sent again when it has not changed since
the last read: that would stop a read in flight and start it over. A click on the form
being read lets the engine end the batch it is reading (its words are the click's too).
"""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import QObject, QTimer

from hospidesk.service.request import DraftRequest
from hospidesk.ui.draft_controller import DraftController
from hospidesk.ui.task_panel import TaskPanel

PAUSE_MS = 700  # the form is read this long after the user's last change
TYPING_MS = 500  # and every this long while they type (the first change is read at once)


class ReadAhead(QObject):
    def __init__(self, task_panel: TaskPanel, controller: DraftController, parent: QObject) -> None:
        super().__init__(parent)
        self.task_panel = task_panel
        self.controller = controller
        self.stopped = False
        self.sent: DraftRequest | None = None
        """The last request read ahead: the engine holds it, or is reading it."""
        self.now = self._timer(0, self.read)  # after the change's event (a paste: all of it)
        self.pause = self._timer(PAUSE_MS, self.paused)
        self.typing = self._timer(TYPING_MS, self.tick)
        task_panel.changed.connect(self.changed)
        controller.model_ready.connect(self.model_ready)

    def _timer(self, interval: int, slot: Callable[[], None]) -> QTimer:
        timer = QTimer(self)
        timer.setSingleShot(True)
        timer.setInterval(interval)
        timer.timeout.connect(slot)
        return timer

    def changed(self) -> None:
        """The form changed: read it now if nothing was read for TYPING_MS (a paste is read
        before the user reaches « Générer »), else at the next tick; and when they pause."""
        self.pause.start()  # restarted by every change
        if not self.typing.isActive():
            self.now.start()
            self.typing.start()

    def tick(self) -> None:
        """TYPING_MS since the last read while the user types: read what they typed since."""
        self.read()
        if self.pause.isActive():  # still typing
            self.typing.start()

    def paused(self) -> None:
        self.typing.stop()
        self.read()

    def soon(self) -> None:
        """A task was opened: its instructions and what its form holds, read at the pause."""
        self.pause.start()

    def model_ready(self) -> None:
        """A model was (re)loaded: it holds nothing of the form yet."""
        self.sent = None
        self.pause.start()

    def read(self) -> None:
        if self.stopped:  # a late signal (the model ready) after the window closed
            return
        request = self.task_panel.current_request()
        if request is None or request == self.sent or not self.controller.ready:
            return
        if self.controller.prefill(request):
            self.sent = request

    def stop(self) -> None:
        self.stopped = True
        for timer in (self.now, self.pause, self.typing):
            timer.stop()
