"""The drafts open in the window, one per task: what the user had on each task (kept while
they switch to another), saved encrypted under one record each (``service.records``), and
the ones an unexpected stop left behind, offered back at start."""

from __future__ import annotations

from collections.abc import Container

from PySide6.QtCore import QObject
from PySide6.QtWidgets import QMessageBox, QWidget

from hospidesk.packs.loader import PackTask
from hospidesk.service.records import AUTOSAVE, DraftRecords, OpenDraft
from hospidesk.service.workspace import Workspace
from hospidesk.storage.history import Draft


class OpenDrafts(QObject):
    def __init__(self, workspace: Workspace, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.records = DraftRecords(workspace)
        self.drafts: dict[str, OpenDraft] = {}

    def save(self, task: PackTask | None, state: OpenDraft | None, status: str) -> str | None:
        """Save a task's draft; a French reason when it could not be, else None. An empty
        draft is not autosaved."""
        if task is None or state is None:
            return None
        if status == AUTOSAVE and not (state.text.strip() or state.source.strip()):
            return None
        return self.records.save(task, state, status)

    def discard(self, ref: str) -> None:
        """The user cleared the draft: its record goes too (no copy left behind)."""
        self.records.discard(ref)
        self.drafts.pop(ref, None)

    def reopen(self, draft: Draft) -> str:
        """A draft from the history becomes its task's open draft; returns the task."""
        content = draft.content
        self.records.adopt(draft)
        self.drafts[draft.info.task_ref] = OpenDraft(
            dict(content.values), content.source or "", content.text
        )
        return draft.info.task_ref

    def recover(self, parent: QWidget, tasks: Container[str]) -> str | None:
        """After a crash: offer the drafts autosaved but never closed; the task to show."""
        found = self.records.leftovers()
        if not found:
            return None
        answer = QMessageBox.question(
            parent,
            self.tr("Récupération de brouillons"),
            self.tr(
                "%n brouillon(s) en cours ont été retrouvés après un arrêt inattendu de "
                "HospiDesk. Les récupérer ?",
                "",
                len(found),
            ),
        )
        if answer != QMessageBox.StandardButton.Yes:
            self.records.drop(found)
            return None
        restored = {r: d for r, d in self.records.restore(found).items() if r in tasks}
        self.drafts.update(restored)
        return list(restored)[-1] if restored else None

    def close(self) -> None:
        """A normal close: the open drafts are kept, nothing to recover."""
        self.records.close()
