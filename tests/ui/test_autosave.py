"""Autosave of the open draft, recovery after a crash, and no backup left behind."""

from __future__ import annotations

from pathlib import Path

import pytest
from PySide6.QtWidgets import QMessageBox
from pytestqt.qtbot import QtBot

from hospidesk.service.records import open_history
from hospidesk.service.workspace import Workspace
from hospidesk.storage.history import AUTOSAVE, DraftContent
from hospidesk.ui.app import create_window
from hospidesk.ui.main_window import MainWindow
from tests.conftest import Env
from tests.ui.conftest import export

pytestmark = pytest.mark.usefixtures("secret_service")


def statuses(workspace: Workspace) -> list[tuple[str, str]]:
    history = open_history(workspace)
    try:
        return [(d.task_ref, d.status) for d in history.list()]
    finally:
        history.close()


def test_the_open_draft_is_saved_within_seconds(qtbot: QtBot, window: MainWindow) -> None:
    window.library.select("secretariat/reformuler-courrier")
    window.draft.setPlainText("Madame, suite à votre demande du 3 mars…")
    qtbot.waitUntil(
        lambda: statuses(window.workspace) == [("secretariat/reformuler-courrier", AUTOSAVE)],
        timeout=6000,
    )
    window.draft.appendPlainText("Deuxième paragraphe.")

    def saved_text() -> str:
        history = open_history(window.workspace)
        try:
            (info,) = history.list()  # the same draft, saved again: still one entry
            return history.open(info.id).content.text
        finally:
            history.close()

    qtbot.waitUntil(lambda: saved_text().endswith("Deuxième paragraphe."), timeout=6000)


def test_a_normal_close_leaves_nothing_to_recover(qtbot: QtBot, hd_env: Env) -> None:
    workspace = Workspace.open()
    win = create_window(workspace)
    qtbot.addWidget(win)
    win.library.select("secretariat/reformuler-courrier")
    win.draft.setPlainText("Un brouillon en cours")
    win.close()
    assert statuses(workspace) == [("secretariat/reformuler-courrier", "brouillon")]


def crashed_session(workspace: Workspace) -> str:
    """What a killed window leaves: a record still marked as being edited."""
    history = open_history(workspace)
    draft_id = history.save(
        "secretariat/convocation",
        "1.0.0",
        DraftContent(
            {"patient": "Jeanne Martin", "date_rdv": "17/03/2026"}, None, "", "Texte sauvé"
        ),
        AUTOSAVE,
    )
    history.close()
    return draft_id


@pytest.mark.parametrize("accept", [True, False])
def test_the_next_start_offers_recovery(
    qtbot: QtBot, hd_env: Env, monkeypatch: pytest.MonkeyPatch, accept: bool
) -> None:
    workspace = Workspace.open()
    crashed_session(workspace)
    asked: list[str] = []

    def question(*args: object) -> QMessageBox.StandardButton:
        asked.append(str(args[2]))
        return QMessageBox.StandardButton.Yes if accept else QMessageBox.StandardButton.No

    monkeypatch.setattr(QMessageBox, "question", question)
    win = create_window(workspace)
    qtbot.addWidget(win)
    win.offer_recovery()
    assert asked and "arrêt inattendu" in asked[0]
    if accept:
        assert win.current is not None and win.current.ref == "secretariat/convocation"
        assert win.draft.toPlainText() == "Texte sauvé"
        assert win.form is not None and win.form.values()["patient"] == "Jeanne Martin"
    else:
        assert statuses(workspace) == []  # a discarded draft leaves no backup
    win.close()


def test_export_and_discard_leave_no_backup(
    qtbot: QtBot, window: MainWindow, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    window.library.select("secretariat/reformuler-courrier")
    window.source.setPlainText("Bonjour, merci de renvoyer le formulaire.")
    window.draft.setPlainText("Madame, merci de nous renvoyer le formulaire.")
    monkeypatch.setattr(window, "ask_export_path", lambda: tmp_path / "l.docx")
    monkeypatch.setattr(window, "open_document", lambda path: None)
    export(qtbot, window)
    assert statuses(window.workspace) == [("secretariat/reformuler-courrier", "exporté")]
    window.library.select("secretariat/demande-pieces-manquantes")
    window.draft.setPlainText("À jeter")
    qtbot.waitUntil(lambda: len(statuses(window.workspace)) == 2, timeout=6000)
    window.flow.discard()
    assert statuses(window.workspace) == [("secretariat/reformuler-courrier", "exporté")]


def test_an_exported_draft_stays_as_exported_when_the_work_goes_on(
    qtbot: QtBot, window: MainWindow, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    window.library.select("secretariat/reformuler-courrier")
    window.source.setPlainText("Bonjour, merci de renvoyer le formulaire.")
    window.draft.setPlainText("Première lettre, exportée.")
    monkeypatch.setattr(window, "ask_export_path", lambda: tmp_path / "l.docx")
    monkeypatch.setattr(window, "open_document", lambda path: None)
    export(qtbot, window)
    export(qtbot, window)  # exported again unchanged: still one record
    assert statuses(window.workspace) == [("secretariat/reformuler-courrier", "exporté")]
    window.draft.setPlainText("Deuxième lettre, en cours.")
    qtbot.waitUntil(lambda: len(statuses(window.workspace)) == 2, timeout=6000)
    history = open_history(window.workspace)
    texts = {i.status: history.open(i.id).content.text for i in history.list()}
    history.close()
    assert texts == {
        "exporté": "Première lettre, exportée.",
        AUTOSAVE: "Deuxième lettre, en cours.",
    }
