"""Drafts kept in the encrypted history: saving, autosave and crash recovery, retention,
deletion, and the history key's recovery.

In the window each open draft has one record (``DraftRecords``). While it is being edited its
status is « autosauvegarde »; a normal close turns those into « brouillon » (kept), an export
into « exporté », a discard deletes it. So a record still « autosauvegarde » at start means
HospiDesk did not close normally: the window offers to recover it. No other copy of a draft
is ever written.
"""

from __future__ import annotations

import contextlib
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

from hospidesk.errors import HospiDeskError, UsageError
from hospidesk.governance.audit import AuditEvent, AuditKind
from hospidesk.packs.loader import PackTask
from hospidesk.service.export import ExportRequest, export_draft
from hospidesk.service.workspace import Workspace
from hospidesk.storage.history import AUTOSAVE, Draft, DraftContent, DraftInfo, History

EXPORTED = "exporté"
KEPT = "brouillon"
INTERRUPTED = "interrompu"

__all__ = ["AUTOSAVE", "EXPORTED", "INTERRUPTED", "KEPT", "DraftRecords", "OpenDraft"]


def open_history(ws: Workspace) -> History:
    """The encrypted history (KeyUnavailable when its key cannot be had)."""
    return History(ws.paths.history_db, ws.key_store().load())


def remember(
    ws: Workspace,
    task: PackTask,
    content: DraftContent,
    status: str = KEPT,
    draft_id: str | None = None,
) -> str:
    """Keep a draft in the encrypted history; returns its id (to update it later)."""
    history = open_history(ws)
    try:
        return history.save(task.ref, task.pack.manifest.version, content, status, draft_id)
    finally:
        history.close()


def purge_history(ws: Workspace) -> int:
    """Delete drafts older than the policy's retention; audited as a count."""
    if not ws.paths.history_db.exists():
        return 0
    history = open_history(ws)
    try:
        count = history.purge(ws.policy.history.retention_days)
    finally:
        history.close()
    if count:
        ws.audit.append(
            AuditEvent(
                AuditKind.HISTORY_PURGED,
                details={"count": count, "retention_days": ws.policy.history.retention_days},
            )
        )
    return count


def delete_draft(ws: Workspace, history: History, info: DraftInfo) -> None:
    """Delete one kept draft; the audit says which task, never what it held."""
    history.delete(info.id)
    ws.audit.append(AuditEvent(AuditKind.HISTORY_DELETED, task=info.task_ref, details={"count": 1}))


def recover_history_key(ws: Workspace, passphrase: str, it_key: Path | None = None) -> None:
    """Put the history key back in the keyring (user's passphrase, or IT's key); audited."""
    if it_key is not None:
        ws.key_store().recover_with_it_key(it_key, passphrase)
    else:
        ws.key_store().recover(passphrase)
    by = "it-key" if it_key is not None else "passphrase"
    ws.audit.append(AuditEvent(AuditKind.HISTORY_KEY_RECOVERED, details={"by": by}))


def find_draft(history: History, prefix: str) -> DraftInfo:
    """The one record whose id starts with ``prefix`` (as ``history list`` shows it)."""
    prefix = prefix.strip().lower()
    if len(prefix) < 4:
        raise UsageError("Donnez au moins les 4 premiers caractères de l'identifiant du brouillon.")
    found = [info for info in history.list() if info.id.startswith(prefix)]
    if not found:
        raise UsageError(
            f"Aucun brouillon « {prefix} » dans l'historique (hospidesk history list)."
        )
    if len(found) > 1:
        raise UsageError(f"Plusieurs brouillons commencent par « {prefix} » : donnez-en plus.")
    return found[0]


def export_kept(ws: Workspace, draft: Draft, out: Path) -> None:
    """Export a kept draft again into its task's template (no model is needed for it)."""
    content = draft.content
    export_draft(ws, ExportRequest(draft.info.task_ref, dict(content.values), content.text), out)


@dataclass(frozen=True)
class OpenDraft:
    """What the user has on a task: the field values, the source and the draft's text."""

    values: Mapping[str, str]
    source: str
    text: str


class DraftRecords:
    """The window's open drafts in the history, one record each (see the module's doc).

    Used from the window's thread only (the history's database connection is its own).
    """

    def __init__(self, ws: Workspace) -> None:
        self.ws = ws
        self.ids: dict[str, str] = {}  # task ref -> record id
        self.model_drafts: dict[str, str] = {}  # task ref -> what the model wrote
        self.saved: dict[str, DraftContent] = {}  # task ref -> content last saved
        self.exported: set[str] = set()  # task refs whose record is an exported document
        self._history: History | None = None
        self.problem: str | None = None

    def history(self) -> History | None:
        """The open history, or None (``problem`` says why: drafting goes on without it)."""
        if self._history is None and self.problem is None:
            try:
                self._history = open_history(self.ws)
            except HospiDeskError as exc:
                self.problem = exc.message
        return self._history

    def reopen(self) -> History | None:
        """Try again after the key was recovered."""
        self.problem = None
        return self.history()

    def save(self, task: PackTask, draft: OpenDraft, status: str) -> str | None:
        """Save; return a French reason when it could not be saved, else None."""
        history = self.history()
        if history is None:
            return self.problem
        content = DraftContent(
            dict(draft.values),
            draft.source or None,
            self.model_drafts.get(task.ref, ""),
            draft.text,
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
        """The user cleared the draft: its record goes too (no copy left behind)."""
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

    def delete(self, info: DraftInfo) -> None:
        """Delete a kept draft (audited); an open draft it held saves under a new record."""
        history = self.history()
        if history is None:
            return
        for ref, known in list(self.ids.items()):
            if known == info.id:
                del self.ids[ref]
                self.saved.pop(ref, None)
        delete_draft(self.ws, history, info)

    def leftovers(self) -> list[DraftInfo]:
        """Drafts autosaved but never closed normally: HospiDesk stopped unexpectedly."""
        history = self.history()
        return history.list(status=AUTOSAVE) if history is not None else []

    def drop(self, found: list[DraftInfo]) -> None:
        history = self.history()
        if history is not None:
            for info in found:
                history.delete(info.id)

    def restore(self, found: list[DraftInfo]) -> dict[str, OpenDraft]:
        """The recovered drafts per task (the newest per task); damaged ones are skipped."""
        history = self.history()
        restored: dict[str, OpenDraft] = {}
        if history is None:
            return restored
        for info in sorted(found, key=lambda i: i.updated_at):
            try:
                draft = history.open(info.id)
            except HospiDeskError:
                continue
            content = draft.content
            restored[info.task_ref] = OpenDraft(
                dict(content.values), content.source or "", content.text
            )
            self.ids[info.task_ref] = info.id
            self.model_drafts[info.task_ref] = content.model_draft
        return restored

    def close(self) -> None:
        """A normal close: open drafts are kept (« brouillon »), nothing to recover."""
        history = self._history
        if history is None:
            return
        for info in history.list(status=AUTOSAVE):
            if info.id in self.ids.values():
                history.set_status(info.id, KEPT)
        history.close()
        self._history = None
