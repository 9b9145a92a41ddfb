"""PDF sources: text PDFs read page by page (pypdf), in the reader's child process
(documents/reader_child.py), under its time and memory limits.

A PDF without a text layer (a scan) and an encrypted PDF get a clear message; OCR is out of
scope.
"""

from __future__ import annotations

import io
import logging
import re
from typing import Any

from hospidesk.documents.source import SourceDocument
from hospidesk.errors import UsageError

MAX_PAGES = 300
_COLUMN_GAP = re.compile(r"(?<=\S) {3,}")


class _Problems(logging.Handler):
    """Counts what pypdf complains about while it recovers from a damaged file."""

    def __init__(self) -> None:
        super().__init__(logging.WARNING)
        self.count = 0

    def emit(self, record: logging.LogRecord) -> None:
        self.count += 1


def extract(raw: bytes) -> dict[str, Any]:
    problems = _Problems()
    logging.getLogger("pypdf").addHandler(problems)
    result = _extract(raw)
    pages = result.get("pages") if "error" not in result else None
    if pages is not None and not any(p.strip() for p in pages) and problems.count:
        return {"error": "unreadable"}  # no text because the file is damaged, not a scan
    return result


def _extract(raw: bytes) -> dict[str, Any]:
    from pypdf import PdfReader
    from pypdf.errors import FileNotDecryptedError, PdfReadError

    try:
        reader = PdfReader(io.BytesIO(raw), strict=False)
        if reader.is_encrypted:
            try:
                if not reader.decrypt(""):  # many PDFs are "encrypted" with no password
                    return {"error": "encrypted"}
            except (FileNotDecryptedError, NotImplementedError, ValueError):
                return {"error": "encrypted"}
        count = len(reader.pages)
        if count > MAX_PAGES:
            return {"error": "too_many_pages", "pages": count}
        pages = [page.extract_text(extraction_mode="layout") for page in reader.pages]
    except FileNotDecryptedError:
        return {"error": "encrypted"}
    except (PdfReadError, MemoryError, RecursionError, ValueError, KeyError, TypeError):
        return {"error": "unreadable"}
    except Exception:  # pypdf raises many kinds on crafted files: all mean « illisible »
        return {"error": "unreadable"}
    return {"pages": [_tidy(page) for page in pages]}


def _tidy(page: str) -> str:
    """Layout mode pads columns with spaces: keep the rows (columns three spaces apart), drop
    the blank margins."""
    lines = [_COLUMN_GAP.sub("   ", line.rstrip()) for line in page.splitlines()]
    while lines and not lines[-1]:
        lines.pop()
    while lines and not lines[0]:
        lines.pop(0)
    return "\n".join(lines)


def _document(answer: dict[str, Any], name: str) -> SourceDocument:
    error = answer.get("error")
    if error == "encrypted":
        raise UsageError(
            f"PDF protégé par un mot de passe : {name}. Demandez une version sans protection "
            "ou copiez-en le texte."
        )
    if error == "too_many_pages":
        raise UsageError(
            f"PDF trop long : {name} ({answer.get('pages')} pages, {MAX_PAGES} au maximum). "
            "Gardez les pages utiles (« Imprimer en PDF » une sélection)."
        )
    if error is not None:
        raise UsageError(
            f"PDF endommagé ou trop complexe, illisible : {name}. Enregistrez-le à nouveau "
            "(« Imprimer en PDF ») ou copiez-en le texte."
        )
    pages = [str(p) for p in answer.get("pages", [])]
    if not any(page.strip() for page in pages):
        raise UsageError(
            f"Ce PDF ne contient pas de texte (document scanné ?) : {name}. La reconnaissance "
            "de caractères n'est pas prise en charge : demandez la version texte du document."
        )
    if len(pages) == 1:
        text = pages[0].strip()
    else:
        text = "\n\n".join(f"[Page {n}]\n{page.strip()}" for n, page in enumerate(pages, start=1))
    return SourceDocument(name, text, "pdf", pages=len(pages))


def read_pdf(raw: bytes, name: str) -> SourceDocument:
    return _document(extract(raw), name)
