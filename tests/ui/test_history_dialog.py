"""Outils › Historique: browse, search, reopen, export again, delete; a damaged record; a
locked history recovered from the window; retention while the window stays open."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path

import keyring
import pytest
from docx import Document
from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QApplication, QMessageBox
from pytestqt.qtbot import QtBot

from hospidesk.service.records import DraftRecords, open_history
from hospidesk.service.workspace import Workspace
from hospidesk.storage.history import DraftContent
from hospidesk.storage.keys import SERVICE
from hospidesk.ui.app import create_window
from hospidesk.ui.history_dialog import HistoryDialog
from hospidesk.ui.main_window import MainWindow
from tests.canary import NAME
from tests.conftest import Env

pytestmark = pytest.mark.usefixtures("secret_service")

CONVOCATION = DraftContent(
    {"patient": NAME, "date_rdv": "17/03/2026", "heure_rdv": "09:30"},
    None,
    "Brouillon du modèle",
    f"Madame {NAME}, vous êtes attendue le 17 mars.",
)
LETTER = DraftContent(
    {}, "Merci de renvoyer le formulaire.", "Brouillon", "Madame, merci de nous le renvoyer."
)


def keep_two(workspace: Workspace) -> tuple[str, str]:
    history = open_history(workspace)
    try:
        first = history.save("secretariat/convocation", "1.0.0", CONVOCATION, "exporté")
        second = history.save("secretariat/reformuler-courrier", "1.0.0", LETTER, "brouillon")
    finally:
        history.close()
    return first, second


def in_dialog(action: Callable[[HistoryDialog], None]) -> list[str]:
    """Run ``action`` on the history dialog once it is shown (it is modal); a dialog the
    action left open is closed so that the test fails instead of hanging."""
    problems: list[str] = []

    def run() -> None:
        dialog = QApplication.activeModalWidget()
        if not isinstance(dialog, HistoryDialog):
            problems.append(f"no history dialog but {dialog!r}")
            return
        action(dialog)
        if dialog.isVisible():
            problems.append("the dialog stayed open")
            dialog.reject()

    QTimer.singleShot(0, run)
    return problems


def select_visible(dialog: HistoryDialog, search: str) -> None:
    dialog.search.setText(search)
    visible = [r for r in range(dialog.table.rowCount()) if not dialog.table.isRowHidden(r)]
    assert len(visible) == 1
    dialog.table.selectRow(visible[0])


def titles(window: MainWindow) -> dict[str, str]:
    return {ref: item.task.title for ref, item in window.tasks.items()}


def audit_events(env: Env) -> list[dict[str, object]]:
    lines = (env.home / "data" / "audit.jsonl").read_text().splitlines()
    return [json.loads(line) for line in lines]


def test_search_and_reopen_a_kept_draft(qtbot: QtBot, window: MainWindow) -> None:
    keep_two(window.workspace)
    window.library.select("secretariat/reformuler-courrier")

    def choose(dialog: HistoryDialog) -> None:
        assert dialog.table.rowCount() == 2
        select_visible(dialog, "convoc")
        dialog.reopen_button.click()

    problems = in_dialog(choose)
    window.open_history()
    assert problems == []
    assert window.current is not None and window.current.ref == "secretariat/convocation"
    assert window.draft.toPlainText() == CONVOCATION.text
    assert window.form is not None and window.form.values()["patient"] == NAME


def test_export_again_writes_the_kept_text(
    qtbot: QtBot, window: MainWindow, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    keep_two(window.workspace)
    target = tmp_path / "encore.docx"
    monkeypatch.setattr(window, "ask_export_path", lambda: target)
    monkeypatch.setattr(window, "open_document", lambda path: None)

    def export(dialog: HistoryDialog) -> None:
        select_visible(dialog, "reformuler")
        dialog.export_button.click()

    problems = in_dialog(export)
    window.open_history()
    assert problems == []
    qtbot.waitUntil(lambda: not window.flow.exporting, timeout=60_000)
    text = "\n".join(p.text for p in Document(str(target)).paragraphs)
    assert LETTER.text in text
    history = open_history(window.workspace)
    try:
        assert {(i.task_ref, i.status) for i in history.list()} == {
            ("secretariat/convocation", "exporté"),
            ("secretariat/reformuler-courrier", "exporté"),
        }  # the same record, now exported: no copy made
    finally:
        history.close()


def test_delete_asks_then_removes_and_audits(
    qtbot: QtBot, window: MainWindow, hd_env: Env, monkeypatch: pytest.MonkeyPatch
) -> None:
    keep_two(window.workspace)
    answers = [QMessageBox.StandardButton.No, QMessageBox.StandardButton.Yes]
    monkeypatch.setattr(QMessageBox, "question", lambda *args: answers.pop(0))
    dialog = HistoryDialog(window.records, titles(window), window)
    qtbot.addWidget(dialog)
    dialog.table.selectRow(0)
    dialog.delete()
    assert dialog.table.rowCount() == 2  # « Non » keeps it
    dialog.delete()
    assert dialog.table.rowCount() == 1
    deleted = [e for e in audit_events(hd_env) if e["event"] == "history_deleted"]
    assert len(deleted) == 1 and NAME not in json.dumps(deleted)


def test_a_damaged_record_is_reported_and_the_other_still_opens(
    qtbot: QtBot, window: MainWindow
) -> None:
    damaged, _ = keep_two(window.workspace)
    history = window.records.history()
    assert history is not None
    blob = bytearray(
        history.db.execute("SELECT content FROM drafts WHERE id=?", (damaged,)).fetchone()[0]
    )
    blob[30] ^= 0x04
    history.db.execute("UPDATE drafts SET content=? WHERE id=?", (bytes(blob), damaged))
    dialog = HistoryDialog(window.records, titles(window), window)
    qtbot.addWidget(dialog)
    rows = {dialog.info_at(r).id: r for r in range(2)}  # type: ignore[union-attr]
    dialog.table.selectRow(rows[damaged])
    dialog.reopen()
    assert dialog.chosen is None and dialog.banner.isVisibleTo(dialog)
    assert "endommagé" in dialog.banner.text.text()
    dialog.table.selectRow(1 - rows[damaged])
    dialog.reopen()
    assert dialog.chosen is not None and dialog.chosen.content == LETTER


def test_a_locked_history_is_recovered_from_the_window(qtbot: QtBot, hd_env: Env) -> None:
    workspace = Workspace.open()
    keep_two(workspace)
    store = workspace.key_store()
    store.set_recovery("une phrase de secours assez longue")
    keyring.delete_password(SERVICE, store.entry)
    records = DraftRecords(workspace)
    dialog = HistoryDialog(records, {"secretariat/convocation": "Convocation"})
    qtbot.addWidget(dialog)
    assert dialog.table.rowCount() == 0
    assert "verrouillé" in dialog.key_box.state.text()
    assert "absente du trousseau" in dialog.key_box.state.text()
    warned: list[str] = []
    dialog.key_box._say = warned.append  # type: ignore[method-assign]
    dialog.key_box.phrase.setText("pas la bonne phrase du tout")
    dialog.key_box.recover_button.click()
    assert warned == ["Phrase de secours incorrecte."] and dialog.table.rowCount() == 0
    dialog.key_box.phrase.setText("une phrase de secours assez longue")
    dialog.key_box.recover_button.click()
    assert dialog.table.rowCount() == 2
    assert "Phrase de secours : définie" in dialog.key_box.state.text()
    records.close()


def test_retention_runs_while_the_window_stays_open(
    qtbot: QtBot, hd_env: Env, tmp_path: Path
) -> None:
    hd_env.write_policy("[history]\nretention_days = 7\n")
    workspace = Workspace.open()
    win = create_window(workspace)
    qtbot.addWidget(win)
    old, kept = keep_two(workspace)
    history = open_history(workspace)
    history.db.execute(
        "UPDATE drafts SET updated_at='2020-01-01T00:00:00+00:00' WHERE id=?", (old,)
    )
    history.close()
    assert win.retention_timer.isActive()
    win.retention_timer.timeout.emit()  # what the hourly timer does
    history = open_history(workspace)
    assert [i.id for i in history.list()] == [kept]
    history.close()
    purged = [e for e in audit_events(hd_env) if e["event"] == "history_purged"]
    assert purged[-1]["details"] == {"count": 1, "retention_days": 7}
    win.close()
