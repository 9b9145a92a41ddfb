"""The readers of each source format, run in the reader's child process (reader_child): each
gives a ``SourceDocument`` (the text a task receives, and what the reader knows besides) or a
UsageError in French.

.txt, .eml (``mail``), .msg (``msg``), .html/.htm (``html_text``), .docx, .odt (``odt``),
.pdf (``pdf``), and scans (.tif, .tiff, .png, .jpg, .jpeg: ``scan``, by OCR).
"""

from __future__ import annotations

import importlib
import io
from collections.abc import Callable
from typing import Any

from hospidesk.documents.source import Progress, SourceDocument
from hospidesk.errors import UsageError

READABLE = ("txt", "eml", "msg", "html", "htm", "docx", "odt", "pdf", "tif", "tiff", "png",
            "jpg", "jpeg")  # fmt: skip
"""The formats a task accepts unless its pack says otherwise (and the attachments that can be
read as a source)."""


def decode_text(raw: bytes) -> str:
    """UTF-8 (with or without BOM), else Windows-1252, which is what French Windows writes."""
    if raw.startswith(b"\xef\xbb\xbf"):
        raw = raw[3:]
    try:
        return raw.decode("utf-8")
    except UnicodeDecodeError:
        return raw.decode("cp1252", errors="replace")


def read_docx(raw: bytes, name: str) -> SourceDocument:
    from hospidesk.documents.checks import inspect_docx

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
    from hospidesk.documents.html_text import html_to_text

    return SourceDocument(name, html_to_text(decode_text(raw)), "texte")


def read_plain(raw: bytes, name: str) -> SourceDocument:
    if b"\x00" in raw[:4096]:
        raise UsageError(f"Ce fichier n'est pas un texte lisible : {name}.")
    return SourceDocument(name, decode_text(raw), "texte")


READERS = {
    ".eml": "hospidesk.documents.mail:read_eml",
    ".msg": "hospidesk.documents.msg:read_msg",
    ".html": "hospidesk.documents.formats:read_html",
    ".htm": "hospidesk.documents.formats:read_html",
    ".docx": "hospidesk.documents.formats:read_docx",
    ".odt": "hospidesk.documents.odt:read_odt",
}
"""Each format's reader, imported only when a file of it is read (the child starts fast)."""
PAGED = {
    ".pdf": "hospidesk.documents.pdf:read_pdf",
    ".tif": "hospidesk.documents.scan:read_image",
    ".tiff": "hospidesk.documents.scan:read_image",
    ".png": "hospidesk.documents.scan:read_image",
    ".jpg": "hospidesk.documents.scan:read_image",
    ".jpeg": "hospidesk.documents.scan:read_image",
}
"""Formats whose pages may be read by OCR: their reader reports each page's turn."""


def read(raw: bytes, name: str, suffix: str, progress: Progress | None = None) -> SourceDocument:
    """The file read by its format's reader; ``progress(n, total)`` before each page read by
    OCR."""
    if suffix in PAGED:
        paged: Callable[[bytes, str, Progress | None], SourceDocument] = _load(PAGED[suffix])
        return paged(raw, name, progress)
    if suffix in READERS:
        reader: Callable[[bytes, str], SourceDocument] = _load(READERS[suffix])
        return reader(raw, name)
    return read_plain(raw, name)


def _load(where: str) -> Any:
    module, _, function = where.partition(":")
    return getattr(importlib.import_module(module), function)
