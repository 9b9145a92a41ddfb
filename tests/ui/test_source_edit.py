"""A file opened or dropped on the source box is read in the background: the window keeps
answering, the box is read-only until the text comes in, « Générer » waits for it, and a task
switch meanwhile keeps that text out of the other task's box. Real files, real readers."""

from __future__ import annotations

from pathlib import Path

from pytestqt.qtbot import QtBot

from hospidesk.ui.main_window import MainWindow
from tests.documents.pdf_maker import text_pdf
from tests.engine.fake import FakeEngine

LINE = "Point {} de la réunion du service : décision prise et action suivie par l'équipe."


def report(tmp_path: Path, pages: int = 30) -> Path:
    """A long meeting report as a PDF, the kind that takes a while to read."""
    path = tmp_path / "rapport.pdf"
    path.write_bytes(text_pdf([[LINE.format(p * 45 + n) for n in range(45)] for p in range(pages)]))
    return path


def test_a_file_is_read_while_the_window_goes_on(
    qtbot: QtBot, fake_window: MainWindow, fake_engine: FakeEngine, tmp_path: Path
) -> None:
    window = fake_window
    window.library.select("medecins-cadres/synthese-email")
    window.source.setPlainText("Ancien texte")
    window.source.load_file(report(tmp_path))
    # back in the event loop before the file is read: nothing replaced yet, nothing editable
    assert window.source.busy and window.source.isReadOnly()
    assert window.source.toPlainText() == "Ancien texte"
    assert window.statusBar().currentMessage() == "Lecture de rapport.pdf…"
    window.flow.generate()  # a click meanwhile would draft from the old text: it waits
    assert window.controller.job is None and fake_engine.calls == []
    assert window.statusBar().currentMessage() == "Lecture du fichier en cours…"
    qtbot.waitUntil(lambda: not window.source.busy, timeout=60_000)
    text = window.source.toPlainText()
    assert text.startswith(f"[Page 1]\n{LINE.format(0)}") and LINE.format(30 * 45 - 1) in text
    assert not window.source.isReadOnly()
    assert window.statusBar().currentMessage() == "Source chargée : rapport.pdf"


def test_another_task_meanwhile_gets_none_of_it(
    qtbot: QtBot, fake_window: MainWindow, tmp_path: Path
) -> None:
    window = fake_window
    window.library.select("medecins-cadres/synthese-email")
    window.source.load_file(report(tmp_path))
    window.library.select("secretariat/reformuler-courrier")
    assert not window.source.busy and not window.source.isReadOnly()
    window.source.setPlainText("Brouillon de la secrétaire")
    qtbot.wait(3_000)  # long enough for the file to be read: its text is dropped
    assert window.source.toPlainText() == "Brouillon de la secrétaire"


def test_the_last_file_chosen_wins(qtbot: QtBot, fake_window: MainWindow, tmp_path: Path) -> None:
    window = fake_window
    window.library.select("medecins-cadres/synthese-email")
    window.source.load_file(report(tmp_path))
    short = tmp_path / "note.txt"
    short.write_text("Note courte du cadre de santé.", encoding="utf-8")
    window.source.load_file(short)
    qtbot.waitUntil(lambda: not window.source.busy, timeout=60_000)
    qtbot.wait(2_000)  # the report's read ends too, and is not wanted any more
    assert window.source.toPlainText() == "Note courte du cadre de santé."
