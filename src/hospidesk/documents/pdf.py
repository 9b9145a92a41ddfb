"""PDF sources, read by PDFium (pypdfium2) in the reader's child process
(documents/reader_child.py), under its time and memory limits.

A page's text keeps its rows: PDFium's text runs are placed on lines by their height, and
cells far apart on one line (a table's columns) stay three spaces apart. A page without text
but with a picture on it is a scan: it is rendered at ocr.TARGET_DPI and read by OCR
(documents/ocr.py). An encrypted PDF gets a clear message.
"""

from __future__ import annotations

import itertools
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from hospidesk.documents.ocr import TARGET_DPI, PageText, read_pages
from hospidesk.documents.scan import MAX_PIXELS
from hospidesk.documents.source import Progress, SourceDocument, join_pages
from hospidesk.errors import UsageError

if TYPE_CHECKING:
    from PIL.Image import Image

MAX_PAGES = 1000
"""Pages with text; a thesis is a few hundred."""
MAX_SCANNED_PAGES = 60
"""Pages read by OCR (about 2 s each)."""
_PASSWORD = 4  # PDFium's FPDF_ERR_PASSWORD


@dataclass(frozen=True)
class _Run:
    """A run of text on a page, in PDF units (y grows upwards)."""

    left: float
    bottom: float
    right: float
    top: float
    text: str

    @property
    def height(self) -> float:
        return max(self.top - self.bottom, 0.1)


def _open(raw: bytes, name: str) -> Any:
    import pypdfium2 as pdfium

    try:
        return pdfium.PdfDocument(raw)
    except pdfium.PdfiumError as exc:
        if getattr(exc, "err_code", None) == _PASSWORD:
            raise UsageError(
                f"PDF protégé par un mot de passe : {name}. Demandez une version sans "
                "protection ou copiez-en le texte."
            ) from None
        raise _damaged(name) from None


def _damaged(name: str) -> UsageError:
    return UsageError(
        f"PDF endommagé ou trop complexe, illisible : {name}. Enregistrez-le à nouveau "
        "(« Imprimer en PDF ») ou copiez-en le texte."
    )


def page_text(textpage: Any, rotated: bool) -> str:
    """The page's text, row by row."""
    if rotated:  # runs are placed in the unrotated page: PDFium's own order is better
        return "\n".join(line.rstrip() for line in textpage.get_text_bounded().splitlines())
    runs = []
    for i in range(textpage.count_rects()):
        left, bottom, right, top = textpage.get_rect(i)
        text = " ".join(textpage.get_text_bounded(left, bottom, right, top).split())
        if text:
            runs.append(_Run(left, bottom, right, top, text))
    lines: list[list[_Run]] = []
    for run in runs:
        for line in reversed(lines[-8:]):  # a run belongs with a recent line it overlaps
            if _overlap(line[0], run) >= 0.5 * min(line[0].height, run.height):
                line.append(run)
                break
        else:
            lines.append([run])
    lines.sort(key=lambda line: -max(r.top for r in line))
    rows: list[str] = []
    below: float | None = None
    for line in lines:
        line.sort(key=lambda r: r.left)
        top = max(r.top for r in line)
        if below is not None and below - top > 1.2 * line[0].height:
            rows.append("")  # a paragraph's gap
        rows.append(_row(line))
        below = min(r.bottom for r in line)
    return "\n".join(rows)


def _overlap(a: _Run, b: _Run) -> float:
    return min(a.top, b.top) - max(a.bottom, b.bottom)


def _row(line: list[_Run]) -> str:
    """A line's runs, a space apart, or three where they are columns apart."""
    text = line[0].text
    for before, run in itertools.pairwise(line):
        char = (before.right - before.left) / max(len(before.text), 1)
        gap = run.left - before.right
        text += ("   " if gap > 2.5 * char else " ") + run.text
    return text


def _has_picture(page: Any) -> bool:
    import pypdfium2.raw as pdfium_c

    return any(True for _ in page.get_objects(filter=[pdfium_c.FPDF_PAGEOBJ_IMAGE], max_depth=3))


def _render(pdf: Any, index: int) -> Image:
    page = pdf[index]
    width, height = page.get_size()
    scale = TARGET_DPI / 72
    if width * height * scale * scale > MAX_PIXELS:  # a poster: read at a lower resolution
        scale = (MAX_PIXELS / max(width * height, 1.0)) ** 0.5
    image: Image = page.render(scale=scale, grayscale=True).to_pil().convert("L")
    return image


def read_pdf(raw: bytes, name: str, progress: Progress | None = None) -> SourceDocument:
    pdf = _open(raw, name)
    try:
        count = len(pdf)
        if count > MAX_PAGES:
            raise UsageError(
                f"PDF trop long : {name} ({count} pages, {MAX_PAGES} au maximum). Gardez les "
                "pages utiles (« Imprimer en PDF » une sélection)."
            )
        texts: list[str] = []
        scanned: list[int] = []
        for index in range(count):
            page = pdf[index]
            text = page_text(page.get_textpage(), page.get_rotation() % 180 == 90).strip()
            texts.append(text)
            if not text and _has_picture(page):
                scanned.append(index)
        if len(scanned) > MAX_SCANNED_PAGES:
            raise UsageError(
                f"PDF scanné trop long : {name} ({len(scanned)} pages scannées, "
                f"{MAX_SCANNED_PAGES} au maximum). Gardez les pages utiles."
            )
        read: dict[int, PageText] = {}
        if scanned:
            images = [lambda i=i: _render(pdf, i) for i in scanned]
            read = dict(zip(scanned, read_pages(images, progress), strict=True))
    finally:
        pdf.close()
    pages = [
        (read[i].text, read[i].doubtful) if i in read else (texts[i], ()) for i in range(count)
    ]
    if not any(text.strip() for text, _ in pages):
        raise UsageError(
            f"Aucun texte lisible dans ce PDF : {name}. Il ne contient ni texte ni page "
            "scannée lisible."
        )
    text, doubtful = join_pages(pages)
    return SourceDocument(name, text, "pdf", pages=count, ocr=bool(read), doubtful=doubtful)
