"""A letter exported to Word becomes the PDF/A filed in the patient record: LibreOffice makes
it, pdftotext reads the letter back from it, and nothing of it stays in the temporary folder.
Without LibreOffice, or with a PDF that lost the text, the user is told and nothing is filed."""

from __future__ import annotations

import datetime as dt
import shutil
import subprocess
import tempfile
from pathlib import Path

import pytest

from hospidesk.documents.pdfa import PdfError, check_pdf, to_pdfa, words
from hospidesk.service.export import ExportRequest, export_draft
from hospidesk.service.workspace import Workspace
from tests.conftest import Env

BODY = (
    "Nous vous confirmons le rendez-vous de consultation de cardiologie du 12 mars 2027 à "
    "14h30, au bâtiment C, deuxième étage. Merci d'apporter votre carte Vitale et l'ordonnance "
    "du Dr Martin."
)


def letter(tmp_path: Path) -> bytes:
    out = tmp_path / "lettre.docx"
    request = ExportRequest("secretariat/reformuler-courrier", {}, BODY)
    export_draft(Workspace.open(), request, out, dt.date(2026, 12, 6))
    return out.read_bytes()


@pytest.mark.libreoffice
@pytest.mark.skipif(shutil.which("soffice") is None, reason="LibreOffice is not installed")
@pytest.mark.skipif(shutil.which("pdftotext") is None, reason="pdftotext (poppler-utils) absent")
def test_the_letter_becomes_a_pdfa_that_holds_its_text(hd_env: Env, tmp_path: Path) -> None:
    before = set(Path(tempfile.gettempdir()).glob("hospidesk-pdf-*"))
    pdf = to_pdfa(letter(tmp_path), BODY)
    assert pdf.startswith(b"%PDF-") and b"<pdfaid:part>2</pdfaid:part>" in pdf
    (tmp_path / "lettre.pdf").write_bytes(pdf)
    read = subprocess.run(
        ["pdftotext", "-enc", "UTF-8", str(tmp_path / "lettre.pdf"), "-"],
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    assert words(BODY) <= words(read)
    with pytest.raises(PdfError, match="« hemodialyse »"):
        check_pdf(pdf, BODY + " Hémodialyse")  # a word the PDF lost
    assert set(Path(tempfile.gettempdir()).glob("hospidesk-pdf-*")) == before


def test_without_libreoffice_the_user_is_told_and_the_word_export_is_unaffected(
    hd_env: Env, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    docx = letter(tmp_path)
    monkeypatch.setenv("PATH", str(tmp_path / "vide"))
    with pytest.raises(PdfError, match="LibreOffice n'est pas installé sur ce poste"):
        to_pdfa(docx, BODY)
    assert (tmp_path / "lettre.docx").read_bytes() == docx


def test_a_pdf_that_is_not_pdfa_or_lost_the_text_is_refused() -> None:
    with pytest.raises(PdfError, match="n'est pas un PDF/A"):
        check_pdf(b"%PDF-1.7\n%%EOF\n", BODY)
    with pytest.raises(PdfError, match="illisible"):
        check_pdf(b"%PDF-1.7\n<pdfaid:part>2</pdfaid:part>\n", BODY)


def test_words_are_compared_without_case_accents_or_ligatures() -> None:
    assert words("Deuxième ÉTAGE, ﬁche") == {"deuxieme", "etage", "fiche"}
