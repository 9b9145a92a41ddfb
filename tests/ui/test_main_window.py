"""The main flow and its failures, driven like a user would, with the real model."""

from __future__ import annotations

import itertools
import os
import signal
import time
from pathlib import Path

import pytest
from PySide6.QtCore import QCoreApplication, QTimer
from PySide6.QtWidgets import QApplication
from pytestqt.qtbot import QtBot

from hospidesk.service.records import open_history
from hospidesk.ui.main_window import MainWindow
from tests.conftest import SAMPLES
from tests.documents.helpers import all_text
from tests.ui.conftest import export, limits

pytestmark = pytest.mark.model
COURRIER = (SAMPLES / "courrier-brut.txt").read_text(encoding="utf-8")


def generate(qtbot: QtBot, window: MainWindow) -> None:
    """Click Générer and wait until the window has taken the result in."""
    window.generate_button.click()
    assert window.controller.job is not None
    qtbot.waitUntil(lambda: window.controller.job is None, timeout=300_000)


def test_reformulate_edit_and_export(
    qtbot: QtBot, window: MainWindow, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    window.library.select("secretariat/reformuler-courrier")
    assert window.task_panel.title.text() == "Reformuler un courrier"
    window.source.setPlainText(COURRIER)
    generate(qtbot, window)
    assert window.draft.toPlainText().strip()
    window.draft.appendPlainText("Phrase ajoutée par la secrétaire avant l'envoi.")

    target = tmp_path / "courrier.docx"
    opened: list[Path] = []
    monkeypatch.setattr(window, "ask_export_path", lambda: target)
    monkeypatch.setattr(window, "open_document", opened.append)
    assert window.export_button.isEnabled()
    export(qtbot, window)
    assert opened == [target], window.banner_text.text()
    text = all_text(target)
    assert "Phrase ajoutée par la secrétaire avant l'envoi." in text
    assert "Objet : Votre demande" in text


@pytest.mark.usefixtures("secret_service")
def test_generated_and_exported_drafts_are_kept(
    qtbot: QtBot, window: MainWindow, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    window.library.select("secretariat/reformuler-courrier")
    window.source.setPlainText(COURRIER)
    generate(qtbot, window)
    history = open_history(window.workspace)
    assert [(d.task_ref, d.status) for d in history.list()] == [
        ("secretariat/reformuler-courrier", "autosauvegarde")  # open, not closed yet
    ]
    window.draft.appendPlainText("Ajout avant export.")
    monkeypatch.setattr(window, "ask_export_path", lambda: tmp_path / "c.docx")
    monkeypatch.setattr(window, "open_document", lambda path: None)
    export(qtbot, window)
    (kept,) = history.list()
    assert kept.status == "exporté"
    assert history.open(kept.id).content.text.endswith("Ajout avant export.")
    history.close()


def test_window_stays_responsive_while_the_model_writes(
    qtbot: QtBot, window: MainWindow, capsys: pytest.CaptureFixture[str]
) -> None:
    window.controller.worker.limits = limits(120)
    window.library.select("secretariat/reformuler-courrier")
    window.source.setPlainText(COURRIER)
    ticks: list[float] = []
    timer = QTimer()
    timer.timeout.connect(lambda: ticks.append(time.perf_counter()))
    timer.start(5)
    generate(qtbot, window)
    timer.stop()
    gaps = [b - a for a, b in itertools.pairwise(ticks)]
    longest_ms = max(gaps) * 1000
    with capsys.disabled():  # the figure is part of the test's report
        print(
            f"\nlongest event-loop gap during generation: {longest_ms:.1f} ms "
            f"({len(ticks)} ticks of 5 ms)"
        )
    assert len(ticks) > 20
    assert longest_ms < 50


def test_stop_keeps_what_was_written(qtbot: QtBot, window: MainWindow) -> None:
    window.controller.worker.limits = limits(2000)
    window.library.select("secretariat/reformuler-courrier")
    window.source.setPlainText(COURRIER)
    window.generate_button.click()
    qtbot.waitUntil(lambda: len(window.draft.toPlainText()) > 20, timeout=60_000)
    assert window.stop_button.isEnabled()
    window.stop_button.click()
    qtbot.waitUntil(lambda: window.controller.job is None, timeout=5_000)
    kept = window.draft.toPlainText()
    assert kept.strip()
    # the engine thread says « cancelled » after the draft's last piece: everything it sent
    # has come by now; nothing of that draft may change the text any more
    QCoreApplication.processEvents()
    assert window.draft.toPlainText() == kept
    assert window.generate_button.isEnabled() and not window.stop_button.isEnabled()


def test_validation_errors_show_beside_the_fields(qtbot: QtBot, window: MainWindow) -> None:
    window.library.select("secretariat/convocation")
    assert window.form is not None
    window.form.set_values({"date_rdv": "31/02/2026"})
    window.generate_button.click()
    assert window.controller.job is None
    assert window.banner.isVisible()
    assert "erreur" in window.banner_text.text()
    date_error = window.form.editors["date_rdv"].error
    assert date_error.isVisible() and "n'existe pas" in date_error.text()
    assert window.form.editors["patient"].error.text() == "Ce champ est obligatoire."


def test_an_engine_crash_keeps_the_window_and_the_draft(qtbot: QtBot, window: MainWindow) -> None:
    window.controller.worker.limits = limits(2000)
    window.library.select("secretariat/reformuler-courrier")
    window.source.setPlainText(COURRIER)
    window.generate_button.click()
    qtbot.waitUntil(lambda: len(window.draft.toPlainText()) > 20, timeout=60_000)
    pid = window.controller.engine_pid()
    assert pid is not None
    os.kill(pid, signal.SIGKILL)
    qtbot.waitUntil(lambda: window.controller.job is None, timeout=10_000)
    partial = window.draft.toPlainText()
    assert partial.strip()
    assert window.banner.isVisible() and "arrêté de façon inattendue" in window.banner_text.text()
    # The engine starts again with the same model, by itself.
    qtbot.waitUntil(lambda: window.controller.engine_pid() not in (None, pid), timeout=60_000)
    qtbot.waitUntil(lambda: window.generate_button.isEnabled(), timeout=60_000)
    assert window.isVisible()
    window.controller.worker.limits = limits(12)
    generate(qtbot, window)
    assert window.draft.toPlainText().strip()


def test_drafts_survive_switching_tasks(qtbot: QtBot, window: MainWindow) -> None:
    window.library.select("secretariat/reformuler-courrier")
    window.source.setPlainText(COURRIER)
    window.draft.setPlainText("Mon brouillon en cours")
    window.library.select("secretariat/convocation")
    assert window.draft.toPlainText() == ""
    window.library.select("secretariat/reformuler-courrier")
    assert window.draft.toPlainText() == "Mon brouillon en cours"
    assert window.source.toPlainText() == COURRIER


def test_structured_task_fills_checked_values_and_sections(
    qtbot: QtBot, window: MainWindow
) -> None:
    window.controller.worker.limits = limits(120)
    window.library.select("medecins-cadres/synthese-email")
    window.source.load_file(SAMPLES / "fil-emails.eml")
    qtbot.waitUntil(lambda: not window.source.busy, timeout=30_000)
    generate(qtbot, window)
    draft = window.draft.toPlainText()
    for heading in ("## En bref", "## Décisions", "## Actions", "## Questions ouvertes"):
        assert heading in draft


def test_shortcuts_reach_every_action(qtbot: QtBot, window: MainWindow) -> None:
    shortcuts = {
        b.accessibleName(): b.shortcut().toString()
        for b in (
            window.generate_button,
            window.stop_button,
            window.regenerate_button,
            window.copy_button,
            window.review_button,
            window.export_button,
        )
    }
    assert shortcuts == {
        "Générer": "Ctrl+Return",
        "Arrêter": "Esc",
        "Régénérer": "Ctrl+R",
        "Copier": "Ctrl+Shift+C",
        "Vérifier": "Ctrl+D",
        "Exporter en Word": "Ctrl+E",
    }
    window.draft.setPlainText("Texte à copier")
    window.copy_button.click()
    assert QApplication.clipboard().text() == "Texte à copier"
