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


def reads_ended(window: MainWindow) -> list[str]:
    """The reads whose outcome came back from their thread (abandoned ones included), once
    the box has done with it."""
    ended: list[str] = []
    window.source.background.ended.connect(ended.append)
    return ended


def test_another_task_meanwhile_gets_none_of_it(
    qtbot: QtBot, fake_window: MainWindow, tmp_path: Path
) -> None:
    window = fake_window
    ended = reads_ended(window)
    window.library.select("medecins-cadres/synthese-email")
    window.source.load_file(report(tmp_path))
    window.library.select("secretariat/reformuler-courrier")
    assert not window.source.busy and not window.source.isReadOnly()
    assert window.statusBar().currentMessage() == ""  # no « Lecture de … » left behind
    window.source.setPlainText("Brouillon de la secrétaire")
    qtbot.waitUntil(lambda: bool(ended), timeout=60_000)
    assert window.source.toPlainText() == "Brouillon de la secrétaire"


def test_the_last_choice_wins(qtbot: QtBot, fake_window: MainWindow, tmp_path: Path) -> None:
    window = fake_window
    ended = reads_ended(window)
    window.library.select("medecins-cadres/synthese-email")
    window.source.load_file(report(tmp_path))
    short = tmp_path / "note.txt"
    short.write_text("Note courte du cadre de santé.", encoding="utf-8")
    window.source.load_file(short)
    qtbot.waitUntil(lambda: len(ended) == 2, timeout=60_000)
    assert window.source.toPlainText() == "Note courte du cadre de santé."
    # « Effacer » while a file is read: the box stays empty
    window.source.load_file(report(tmp_path))
    window.flow.discard()
    assert not window.source.busy and not window.source.isReadOnly()
    qtbot.waitUntil(lambda: len(ended) == 3, timeout=60_000)
    assert window.source.toPlainText() == ""
    # a dictation chosen while a file is read: the file is dropped
    window.source.load_file(report(tmp_path))
    (tmp_path / "dictee.wav").write_bytes(b"RIFF" + bytes(64))
    window.source.load_file(tmp_path / "dictee.wav")
    assert not window.source.busy


def test_a_file_that_cannot_be_read_says_why_and_leaves_no_reading_message(
    qtbot: QtBot, fake_window: MainWindow, tmp_path: Path
) -> None:
    from tests.documents.pdf_maker import drawing_pdf

    window = fake_window
    window.library.select("medecins-cadres/synthese-email")
    window.source.setPlainText("Texte déjà saisi")
    (tmp_path / "scan.pdf").write_bytes(drawing_pdf())
    window.source.load_file(tmp_path / "scan.pdf")
    assert window.statusBar().currentMessage() == "Lecture de scan.pdf…"
    qtbot.waitUntil(lambda: not window.source.busy, timeout=60_000)
    assert window.source.toPlainText() == "Texte déjà saisi" and not window.source.isReadOnly()
    assert "Aucun texte lisible" in window.banner_text.text()
    assert window.statusBar().currentMessage() == ""
