"""Read a source from a file or from standard input: one reader per format, each giving a
``SourceDocument`` (the text a task receives, and what the reader knows besides).

.txt, .eml (``mail``), .msg (``msg``), .html/.htm (``html_text``), .docx, .odt (``odt``),
.pdf (``pdf``, in a child process). .doc and .rtf are refused with what to do instead.
"""

from __future__ import annotations

import io
from collections.abc import Callable
from pathlib import Path

from hospidesk.documents.checks import inspect_docx
from hospidesk.documents.html_text import html_to_text
from hospidesk.documents.mail import read_eml
from hospidesk.documents.msg import read_msg
from hospidesk.documents.odt import read_odt
from hospidesk.documents.pdf import read_pdf
from hospidesk.documents.source import SourceDocument, combine
from hospidesk.errors import UsageError

MAX_SOURCE_BYTES = 10 * 1024 * 1024
READABLE = ("txt", "eml", "msg", "html", "htm", "docx", "odt", "pdf")
"""The formats a task accepts unless its pack says otherwise."""
_SAVE_AS = {
    ".doc": "enregistrez-le en .docx (Fichier > Enregistrer sous) puis ouvrez ce fichier",
    ".rtf": "enregistrez-le en .docx (Fichier > Enregistrer sous) puis ouvrez ce fichier",
    ".odp": "copiez-en le texte",
    ".xlsx": "copiez-en le texte",
}


def decode_text(raw: bytes) -> str:
    """UTF-8 (with or without BOM), else Windows-1252, which is what French Windows writes."""
    if raw.startswith(b"\xef\xbb\xbf"):
        raw = raw[3:]
    try:
        return raw.decode("utf-8")
    except UnicodeDecodeError:
        return raw.decode("cp1252", errors="replace")


def read_docx(raw: bytes, name: str) -> SourceDocument:
    problems = inspect_docx(raw, fields=False)
    if problems:
        raise UsageError(f"Document refusé : {name} — {problems[0].reason}.")
    import docx

    try:
        document = docx.Document(io.BytesIO(raw))
    except Exception:  # python-docx raises many types on damaged files
        raise UsageError(f"Document Word endommagé ou illisible : {name}.") from None
    paragraphs = [p.text for p in document.paragraphs]
    for table in document.tables:
        for row in table.rows:
            paragraphs.append(" | ".join(cell.text for cell in row.cells))
    return SourceDocument(name, "\n".join(paragraphs), "word")


def read_html(raw: bytes, name: str) -> SourceDocument:
    return SourceDocument(name, html_to_text(decode_text(raw)), "texte")


def read_plain(raw: bytes, name: str) -> SourceDocument:
    if b"\x00" in raw[:4096]:
        raise UsageError(f"Ce fichier n'est pas un texte lisible : {name}.")
    return SourceDocument(name, decode_text(raw), "texte")


_READERS: dict[str, Callable[[bytes, str], SourceDocument]] = {
    ".eml": read_eml,
    ".msg": read_msg,
    ".html": read_html,
    ".htm": read_html,
    ".docx": read_docx,
    ".odt": read_odt,
    ".pdf": read_pdf,
}


def read_document_bytes(raw: bytes, name: str) -> SourceDocument:
    suffix = Path(name).suffix.lower()
    if len(raw) > MAX_SOURCE_BYTES:
        raise UsageError(f"Fichier source trop volumineux : {name} (10 Mo au maximum).")
    if suffix in _SAVE_AS:
        raise UsageError(
            f"Format non pris en charge : {name}. Pour l'utiliser, {_SAVE_AS[suffix]}."
        )
    document = _READERS.get(suffix, read_plain)(raw, name)
    text = document.text.replace("\r\n", "\n").replace("\r", "\n").replace("\x00", "")
    if not text.strip():
        raise UsageError(f"Le texte source est vide : {name}.")
    return SourceDocument(
        document.name,
        text,
        document.kind,
        document.sender,
        document.date,
        document.subject,
        document.attachments,
        document.pages,
    )


def read_source_bytes(raw: bytes, name: str) -> str:
    return read_document_bytes(raw, name).text


def read_document(path: Path) -> SourceDocument:
    """Read a source file; every failure is a UsageError in French."""
    try:
        raw = path.read_bytes()
    except FileNotFoundError:
        raise UsageError(f"Fichier source introuvable : {path}") from None
    except IsADirectoryError:
        raise UsageError(f"La source est un dossier, pas un fichier : {path}") from None
    except PermissionError:
        raise UsageError(f"Fichier source illisible (droits insuffisants) : {path}") from None
    except OSError as exc:
        raise UsageError(f"Fichier source illisible : {path} ({exc.strerror})") from None
    return read_document_bytes(raw, path.name)


def read_source(path: Path) -> str:
    return read_document(path).text


def read_sources(paths: list[Path]) -> str:
    """Several files as one source text, each labelled, in the order given."""
    return combine([read_document(path) for path in paths])
