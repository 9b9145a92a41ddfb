"""A scan or a fax dropped on the source box: read by OCR off the window's thread, page by page
in the status bar, stoppable, what OCR could not read for sure highlighted until corrected,
and a draft that carries such a figure asks before it is exported."""

from __future__ import annotations

import html
import itertools
import time
from pathlib import Path

import pytest
from PySide6.QtCore import QTimer
from PySide6.QtGui import QTextCursor
from pytestqt.qtbot import QtBot

from hospidesk.documents.source import Doubtful, SourceDocument
from hospidesk.ui.main_window import MainWindow
from hospidesk.ui.source_edit import DOUBTFUL_COLOUR
from tests.engine.fake import FakeEngine
from tests.ui.conftest import answering_export, export, facts_unchecked

LETTER_TASK = "secretariat/reformuler-courrier"


def fax(tmp_path: Path, pages: int = 3) -> Path:
    from tests.documents.scan_maker import LETTER, as_fax, printed, scanned

    # « du A au 7 »: a letter that looks like a digit, next to figures, is always doubtful.
    page = scanned(printed(LETTER.replace("du 4 au 7", "du A au 7")))[0]
    path = tmp_path / "fax.tif"
    path.write_bytes(as_fax([page] * pages))
    return path


@pytest.mark.libreoffice  # the faxed letter is printed to PDF by LibreOffice
def test_a_fax_is_read_page_by_page_while_the_window_keeps_turning(
    qtbot: QtBot, fake_window: MainWindow, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    window = fake_window
    window.library.select(LETTER_TASK)
    said: list[str] = []
    window.statusBar().messageChanged.connect(said.append)
    ticks: list[float] = []
    timer = QTimer()
    timer.timeout.connect(lambda: ticks.append(time.perf_counter()))
    timer.start(5)
    window.source.load_file(fax(tmp_path))
    assert window.source.cancel_button.isVisible()
    qtbot.waitUntil(lambda: not window.source.busy, timeout=120_000)
    timer.stop()
    longest_ms = max(b - a for a, b in itertools.pairwise(ticks)) * 1000
    with capsys.disabled():
        print(f"\nfax of 3 pages read: longest event-loop gap {longest_ms:.1f} ms")
    assert longest_ms < 50
    assert [m for m in said if m.startswith("Lecture du scan")] == [
        f"Lecture du scan : page {n} sur 3…" for n in (1, 2, 3)
    ]
    assert not window.source.cancel_button.isVisible()
    text = window.source.toPlainText()
    assert text.count("Madame Hélène Garnier") == 3
    spans = window.source.to_check()
    assert spans, "the look-alike letter is flagged on each page"
    selections = window.source.extraSelections()
    assert [s.cursor.selectedText() for s in selections] == [s.text for s in spans]
    assert all(s.format.background().color() == DOUBTFUL_COLOUR for s in selections)
    assert window.source.doubtful_note.isVisible()


@pytest.mark.libreoffice
def test_a_reading_stopped_keeps_the_text_there_was(
    qtbot: QtBot, fake_window: MainWindow, tmp_path: Path
) -> None:
    window = fake_window
    window.library.select(LETTER_TASK)
    window.source.setPlainText("Texte déjà saisi")
    pages: list[str] = []
    window.source.page.connect(pages.append)
    window.source.load_file(fax(tmp_path, pages=6))
    qtbot.waitUntil(lambda: bool(pages), timeout=60_000)
    window.source.cancel_button.click()
    assert not window.source.busy and not window.source.isReadOnly()
    assert not window.source.cancel_button.isVisible()
    qtbot.wait(200)  # what the stopped reader might still say
    assert window.source.toPlainText() == "Texte déjà saisi"
    assert len(pages) < 6


SOURCE = (
    "Madame,\nLa facture n° 2026-0412 de votre séjour du 3 au 7 novembre 2026 s'élève à "
    "312,49 euros, à régler avant le 15 décembre 2026."
)
DRAFT = (
    "Madame,\nNous vous rappelons que la facture n° 2026-0412 (séjour du 3 au 7 novembre "
    "2026), d'un montant de 312,49 euros, est à régler avant le 15 décembre 2026."
)


def read_as_scan(window: MainWindow) -> Doubtful:
    """SOURCE in the box as if OCR had read it, « 312,49 » not read for sure."""
    start = SOURCE.index("312,49")
    span = Doubtful("312,49", 95.8, 1, start, start + 6)
    scan = SourceDocument("scan.pdf", SOURCE, "pdf", pages=1, ocr=True, doubtful=(span,))
    window.source._read([Path("scan.pdf")], [scan])
    return span


def test_a_draft_built_on_a_doubtful_figure_says_so_and_asks_before_export(
    qtbot: QtBot,
    fake_window: MainWindow,
    fake_engine: FakeEngine,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    from tests.ui.test_window_logic import generate

    window = fake_window
    facts_unchecked(window)
    window.library.select(LETTER_TASK)
    span = read_as_scan(window)
    assert window.source.to_check() == (span,)
    fake_engine.answers = [DRAFT]
    generate(qtbot, window)
    bar = html.unescape(window.draft_panel.review_bar.text())
    assert "À vérifier sur l'original : 1 chiffre(s) du document scanné" in bar
    assert "312,49" in bar

    target = tmp_path / "relance.docx"
    asked = answering_export(window, monkeypatch, target, [False, True])
    export(qtbot, window)  # « Non »: nothing written
    assert not target.exists()
    assert "reprend 1 chiffre(s) du document scanné" in asked[0] and "« 312,49 »" in asked[0]
    export(qtbot, window)  # « Oui »: written
    assert target.exists() and len(asked) == 2


def test_a_doubtful_figure_the_user_corrects_is_no_longer_highlighted(
    fake_window: MainWindow,
) -> None:
    window = fake_window
    window.library.select(LETTER_TASK)
    span = read_as_scan(window)
    cursor = QTextCursor(window.source.document())
    cursor.setPosition(0)
    cursor.insertText("Objet : relance\n")  # an edit before the span: it moves, still to check
    assert window.source.to_check() == (span,)
    (selection,) = window.source.extraSelections()
    assert selection.cursor.selectedText() == "312,49"
    cursor.setPosition(window.source.toPlainText().index("312,49") + 5)
    cursor.deleteChar()
    cursor.insertText("0")  # checked on the paper: 312,40
    assert window.source.to_check() == ()
    assert window.source.extraSelections() == []
    assert not window.source.doubtful_note.isVisible()


def test_an_attachment_chosen_is_read_after_the_message(
    qtbot: QtBot, fake_window: MainWindow, tmp_path: Path
) -> None:
    from tests.documents.msg_maker import MsgAttachment
    from tests.documents.pdf_maker import text_pdf
    from tests.documents.test_readers import outlook_msg

    window = fake_window
    window.library.select(LETTER_TASK)
    pdf = text_pdf([["Compte rendu : sortie le 12/03/2026"]])
    mail = tmp_path / "mail.msg"
    mail.write_bytes(outlook_msg((MsgAttachment("logo.gif", b"GIF"), MsgAttachment("cr.pdf", pdf))))
    window.source.load_file(mail)
    qtbot.waitUntil(lambda: not window.source.busy, timeout=30_000)
    assert window.source.attachments_button.isVisible()
    offered: list[list[tuple[Path, str]]] = []

    def choose(choices: list[tuple[Path, str]]) -> list[Path]:
        offered.append(choices)
        return [choices[0][0]]

    window.source.choose_attachments = choose
    window.source.attachments_button.click()
    qtbot.waitUntil(lambda: not window.source.busy, timeout=30_000)
    assert offered == [[(Path(f"{mail}#2"), "cr.pdf (mail.msg)")]]  # the logo is not offered
    text = window.source.toPlainText()
    assert text.startswith("=== Document 1 : mail.msg ===\nDe : ")
    assert "=== Document 2 : cr.pdf (pièce jointe 2 de mail.msg) ===\nCompte rendu" in text
    assert not window.source.attachments_button.isVisible()  # nothing left to offer
