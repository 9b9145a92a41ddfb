"""The form read ahead by the local model, so that the click starts writing at once.

The engine reads what the form holds while the user types (at most every TYPING_MS) and once
more when they pause (PAUSE_MS after their last change). Each read goes on from what the
engine already holds, so while typing at the end of the form it reads only the new words; at
the click only the last moment's words are left to read. A read is stopped by the next one
or by the click (see engine.protocol.Prefill).
"""

from __future__ import annotations

from PySide6.QtCore import QObject, QTimer

from hospidesk.ui.draft_controller import DraftController
from hospidesk.ui.task_panel import TaskPanel

PAUSE_MS = 700  # the form is read this long after the user's last change
TYPING_MS = 500  # and while they type, at most this long after a change not read yet


class ReadAhead(QObject):
    def __init__(self, task_panel: TaskPanel, controller: DraftController, parent: QObject) -> None:
        super().__init__(parent)
        self.task_panel = task_panel
        self.controller = controller
        self.stopped = False
        self.pause = self._timer(PAUSE_MS)
        self.typing = self._timer(TYPING_MS)
        task_panel.changed.connect(self.changed)
        controller.model_ready.connect(self.pause.start)

    def _timer(self, interval: int) -> QTimer:
        timer = QTimer(self)
        timer.setSingleShot(True)
        timer.setInterval(interval)
        timer.timeout.connect(self.read)
        return timer

    def changed(self) -> None:
        """The form changed: read it when the user pauses, or soon if they go on typing."""
        self.pause.start()  # restarted by every change
        if not self.typing.isActive():  # not restarted: it fires while the typing goes on
            self.typing.start()

    def soon(self) -> None:
        """A task was opened: its instructions and what its form holds, read at the pause."""
        self.pause.start()

    def read(self) -> None:
        if self.stopped:  # a late signal (the model ready) after the window closed
            return
        if not self.pause.isActive():
            self.typing.stop()  # the pause reads what the typing would have
        request = self.task_panel.current_request()
        if request is not None and self.controller.ready:
            self.controller.prefill(request)

    def stop(self) -> None:
        self.stopped = True
        self.pause.stop()
        self.typing.stop()
