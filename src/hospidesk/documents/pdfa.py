"""A Word document as a PDF/A-2b, the form a patient record keeps: converted by LibreOffice
headless, then checked to be a PDF/A that holds the letter's text before anything is sent.

LibreOffice runs in a child process with its own throwaway profile (another LibreOffice the
user has open is left alone), in a private temporary folder removed afterwards: the letter's
text stays nowhere in plain. Where LibreOffice is missing, filing says so; the Word export
does not need it.
"""

from __future__ import annotations

import io
import re
import shutil
import subprocess
import tempfile
import unicodedata
from pathlib import Path

from hospidesk.children import child_env
from hospidesk.errors import HospiDeskError

TIMEOUT_SECONDS = 120
PDFA_FILTER = 'pdf:writer_pdf_Export:{"SelectPdfVersion":{"type":"long","value":"2"}}'
"""PDF/A-2b (LibreOffice 7.4 and later read the filter's options as JSON)."""
_WORD = re.compile(r"\w{3,}")


class PdfError(HospiDeskError):
    """No PDF could be made of the document: nothing was sent; the Word export still works."""


def find_soffice() -> str | None:
    return shutil.which("soffice") or shutil.which("libreoffice")


def to_pdfa(docx: bytes, text: str, timeout: float = TIMEOUT_SECONDS) -> bytes:
    """The PDF/A of ``docx``, checked to hold ``text`` (the letter's body)."""
    soffice = find_soffice()
    if soffice is None:
        raise PdfError(
            "LibreOffice n'est pas installé sur ce poste : il faut LibreOffice pour faire le "
            "PDF à classer dans le dossier patient. L'export Word reste possible ; appelez la DSI."
        )
    with tempfile.TemporaryDirectory(prefix="hospidesk-pdf-") as folder:
        work = Path(folder)
        source = work / "document.docx"
        source.write_bytes(docx)
        command = [
            soffice,
            "--headless",
            "--norestore",
            "--nolockcheck",
            f"-env:UserInstallation={(work / 'profil').as_uri()}",
            "--convert-to",
            PDFA_FILTER,
            "--outdir",
            str(work),
            str(source),
        ]
        try:
            subprocess.run(
                command, env=child_env(), capture_output=True, timeout=timeout, check=False
            )
        except subprocess.TimeoutExpired as exc:
            raise PdfError(
                f"LibreOffice n'a pas fait le PDF en {timeout:.0f} secondes : réessayez, ou "
                "exportez en Word."
            ) from exc
        made = work / "document.pdf"
        if not made.is_file():
            raise PdfError("LibreOffice n'a pas pu faire le PDF de ce document.")
        pdf = made.read_bytes()
    check_pdf(pdf, text)
    return pdf


def words(text: str) -> set[str]:
    """The words of three letters or more, compared without case, accents or ligatures."""
    plain = unicodedata.normalize("NFKD", unicodedata.normalize("NFKC", text))
    plain = "".join(c for c in plain if not unicodedata.combining(c))
    return set(_WORD.findall(plain.lower()))


def check_pdf(pdf: bytes, text: str) -> None:
    """A PDF/A whose text holds every word of ``text``, or PdfError."""
    from pypdf import PdfReader
    from pypdf.errors import PdfReadError

    if not pdf.startswith(b"%PDF-") or b"pdfaid:part" not in pdf:
        raise PdfError("Le PDF fait par LibreOffice n'est pas un PDF/A : il n'est pas classé.")
    try:
        pages = PdfReader(io.BytesIO(pdf)).pages
        found = words("\n".join(page.extract_text() for page in pages))
    except PdfReadError as exc:
        raise PdfError("Le PDF fait par LibreOffice est illisible : il n'est pas classé.") from exc
    missing = sorted(words(text) - found)
    if missing:
        raise PdfError(
            "Le PDF ne contient pas tout le texte du courrier (par exemple « "
            + " », « ".join(missing[:3])
            + " ») : il n'est pas classé. Vérifiez le modèle Word du document."
        )
