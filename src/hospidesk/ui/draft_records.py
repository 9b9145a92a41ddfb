"""The window's open drafts in the encrypted history: autosave, export, discard, recovery.

Each open draft has one record. While it is being edited its status is « autosauvegarde »; a
normal close turns those into « brouillon » (kept), an export into « exporté », a discard
deletes it. So a record still « autosauvegarde » at start means HospiDesk did not close
normally: the window offers to recover it. No other copy of a draft is ever written.
"""

from __future__ import annotations

import contextlib
from collections.abc import Mapping

from hospidesk.errors import HospiDeskError
from hospidesk.packs.loader import PackTask
from hospidesk.service import Workspace
from hospidesk.storage.history import AUTOSAVE, Draft, DraftContent, DraftInfo, History

EXPORTED = "exporté"
KEPT = "brouillon"

__all__ = ["AUTOSAVE", "EXPORTED", "KEPT", "DraftRecords"]


class DraftRecords:
    def __init__(self, workspace: Workspace) -> None:
        self.workspace = workspace
        self.ids: dict[str, str] = {}  # task ref -> record id
        self.model_drafts: dict[str, str] = {}  # task ref -> what the model wrote
        self.saved: dict[str, DraftContent] = {}  # task ref -> content last saved
        self.exported: set[str] = set()  # task refs whose record is an exported document
        self._history: History | None = None
        self.problem: str | None = None

    def history(self) -> History | None:
        if self._history is None and self.problem is None:
            try:
                self._history = self.workspace.history()
            except HospiDeskError as exc:
                self.problem = exc.message  # said once; drafting goes on without history
        return self._history

    def save(
        self, task: PackTask, values: Mapping[str, str], source: str, text: str, status: str
    ) -> str | None:
        """Save; return a French reason when it could not be saved, else None."""
        history = self.history()
        if history is None:
            return self.problem
        content = DraftContent(
            dict(values), source or None, self.model_drafts.get(task.ref, ""), text
        )
        if status == AUTOSAVE and self.saved.get(task.ref) == content:
            return None  # nothing changed since the last save (an export stays « exporté »)
        if status == AUTOSAVE and task.ref in self.exported:
            self.ids.pop(task.ref, None)  # changed after its export: a new draft, own record
            self.exported.discard(task.ref)
        try:
            self.ids[task.ref] = history.save(
                task.ref, task.pack.manifest.version, content, status, self.ids.get(task.ref)
            )
        except HospiDeskError as exc:
            return exc.message
        self.saved[task.ref] = content
        if status == EXPORTED:
            self.exported.add(task.ref)
        return None

    def discard(self, ref: str) -> None:
        history = self.history()
        draft_id = self.ids.pop(ref, None)
        self.saved.pop(ref, None)
        self.exported.discard(ref)
        if history is not None and draft_id is not None:
            history.delete(draft_id)

    def adopt(self, draft: Draft) -> None:
        """A draft reopened from the history becomes the open draft of its task."""
        ref = draft.info.task_ref
        previous = self.ids.get(ref)
        history = self.history()
        if previous and previous != draft.info.id and history is not None:
            with contextlib.suppress(HospiDeskError):  # the one it replaces is kept, not lost
                if any(i.id == previous for i in history.list(status=AUTOSAVE)):
                    history.set_status(previous, KEPT)
        self.ids[ref] = draft.info.id
        self.model_drafts[ref] = draft.content.model_draft
        self.saved[ref] = draft.content
        if draft.info.status == EXPORTED:
            self.exported.add(ref)
        else:
            self.exported.discard(ref)

    def forget(self, draft_id: str) -> None:
        """A record deleted from the history: an open draft saves under a new one."""
        for ref, known in list(self.ids.items()):
            if known == draft_id:
                del self.ids[ref]
                self.saved.pop(ref, None)

    def leftovers(self) -> list[DraftInfo]:
        history = self.history()
        return history.list(status=AUTOSAVE) if history is not None else []

    def drop(self, found: list[DraftInfo]) -> None:
        history = self.history()
        if history is not None:
            for info in found:
                history.delete(info.id)

    def restore(self, found: list[DraftInfo]) -> dict[str, tuple[dict[str, str], str, str]]:
        """The recovered drafts per task (the newest per task); damaged ones are skipped."""
        history = self.history()
        restored: dict[str, tuple[dict[str, str], str, str]] = {}
        if history is None:
            return restored
        for info in sorted(found, key=lambda i: i.updated_at):
            try:
                draft = history.open(info.id)
            except HospiDeskError:
                continue
            content = draft.content
            restored[info.task_ref] = (dict(content.values), content.source or "", content.text)
            self.ids[info.task_ref] = info.id
            self.model_drafts[info.task_ref] = content.model_draft
        return restored

    def close(self) -> None:
        history = self._history
        if history is None:
            return
        for info in history.list(status=AUTOSAVE):
            if info.id in self.ids.values():
                history.set_status(info.id, KEPT)
        history.close()
        self._history = None
