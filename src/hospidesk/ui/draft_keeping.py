"""The open task's draft kept and measured: autosaved (encrypted, in the history) a moment
after each change, its use measured when it ends (export, copy, clear, the window closed) and
the user asked once what it was worth (``ui.feedback``). ``ui.draft_flow`` writes, reviews
and exports the draft; this keeps it.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Protocol

from PySide6.QtCore import QObject, QTimer
from PySide6.QtWidgets import QStatusBar

from hospidesk.packs.loader import PackTask
from hospidesk.service.records import AUTOSAVE
from hospidesk.service.workspace import Workspace
from hospidesk.ui.draft_panel import DraftPanel
from hospidesk.ui.feedback import UseTracker
from hospidesk.ui.open_drafts import OpenDrafts
from hospidesk.ui.task_panel import TaskPanel

AUTOSAVE_DELAY_MS = 2000  # the open draft is saved this long after the last change


class Host(Protocol):
    """What the keeping needs of the window."""

    current: PackTask | None

    def statusBar(self) -> QStatusBar: ...


class DraftKeeping(QObject):
    def __init__(
        self, workspace: Workspace, task_panel: TaskPanel, draft_panel: DraftPanel, host: Host
    ) -> None:
        super().__init__()
        self.task_panel = task_panel
        self.panel = draft_panel
        self.host = host
        self.open_drafts = OpenDrafts(workspace, self)  # kept, autosaved, recovered
        self.uses = UseTracker(workspace, draft_panel.feedback_bar)  # measured benefit
        self.autosave_timer = QTimer(self)
        self.autosave_timer.setSingleShot(True)
        self.autosave_timer.setInterval(AUTOSAVE_DELAY_MS)
        self.autosave_timer.timeout.connect(self.autosave)
        task_panel.changed.connect(self.autosave_timer.start)
        draft_panel.draft.textChanged.connect(self.autosave_timer.start)

    def save_pending(self) -> None:
        if self.autosave_timer.isActive():
            self.autosave_timer.stop()
            self.autosave()

    def autosave(self, status: str = AUTOSAVE) -> None:
        """Save the open draft, encrypted, under its record (see service.records)."""
        state = self.task_panel.state(self.panel.draft.toPlainText())
        problem = self.open_drafts.save(self.host.current, state, status)
        if problem:
            self.host.statusBar().showMessage(
                self.tr("Brouillon non conservé dans l'historique : %s") % problem, 15000
            )

    def discard(self, task: PackTask) -> None:
        """The open draft is cleared: its use ends, its saved copy is deleted (no backup
        left behind)."""
        self.task_closed("fermé")
        self.open_drafts.discard(task.ref)
        self.autosave_timer.stop()

    def task_closed(self, outcome: str, omissions: int | None = None) -> None:
        """Export, copy or discard ends a use of the task: measured, and asked once."""
        if self.host.current is not None:
            text = self.panel.draft.toPlainText()
            self.uses.closed(self.host.current, outcome, text, omissions=omissions)

    def close(self, tasks: Mapping[str, PackTask]) -> None:
        """The window closes: the open draft is saved; the tasks run and left open are
        measured, not asked."""
        self.autosave_timer.stop()
        self.autosave()
        drafts = self.open_drafts.drafts
        for ref in list(self.uses.open.started):
            if ref in tasks and ref in drafts:
                self.uses.closed(tasks[ref], "fermé", drafts[ref].text, ask=False)
        self.open_drafts.close()
