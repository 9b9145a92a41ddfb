"""Scanned pages as pictures ready for OCR (documents/ocr.py): TIFF (multi-page, fax G3/G4),
PNG and JPEG files, and the pages of a PDF without text (rendered by PDFium, documents/pdf.py).

Each page becomes a grey picture at about ocr.TARGET_DPI, upright as its file says (a
photo's EXIF orientation), with square pixels (a fax in standard mode is 204 × 98 dpi). Sizes
are checked from the file's header before any pixel is decoded: a picture of a billion pixels
is refused, not decoded.
"""

from __future__ import annotations

import io
from collections.abc import Callable
from typing import TYPE_CHECKING

from hospidesk.documents.ocr import TARGET_DPI, read_pages
from hospidesk.documents.source import Progress, SourceDocument, join_pages
from hospidesk.errors import UsageError

if TYPE_CHECKING:
    from PIL.Image import Image

MAX_PIXELS = 60_000_000
"""Per page, as the file stores it: an A4 page at 600 dpi is 35 million pixels."""
MAX_PAGES = 100
A4_WIDTH_INCHES = 8.27


def _damaged(name: str) -> UsageError:
    return UsageError(
        f"Image endommagée ou illisible : {name}. Numérisez le document à nouveau ou "
        "enregistrez-le en PDF."
    )


def _check_size(width: int, height: int, name: str) -> None:
    if width <= 0 or height <= 0:
        raise _damaged(name)
    if width * height > MAX_PIXELS:
        raise UsageError(
            f"Image démesurée : {name} ({width} × {height} pixels). Numérisez le document "
            f"à {TARGET_DPI} dpi."
        )


def prepared(image: Image, dpi: tuple[float, float] | None) -> Image:
    """Grey, square pixels, about TARGET_DPI (from the file's resolution, else from the width
    of an A4 page)."""
    from PIL import Image as PILImage

    if image.mode in ("RGBA", "LA", "P", "PA"):
        image = image.convert("RGBA")
        white = PILImage.new("RGBA", image.size, (255, 255, 255, 255))
        image = PILImage.alpha_composite(white, image)
    grey = image.convert("L")
    x_dpi, y_dpi = dpi if dpi and min(dpi) >= 50 else (0.0, 0.0)
    if not x_dpi:
        x_dpi = y_dpi = grey.width / A4_WIDTH_INCHES
    scale = TARGET_DPI / x_dpi
    width = grey.width * scale
    height = grey.height * scale * (x_dpi / y_dpi)
    if 0.9 < scale < 1.2 and abs(x_dpi - y_dpi) < 2:
        return grey
    if width * height > MAX_PIXELS:
        shrink = (MAX_PIXELS / (width * height)) ** 0.5
        width, height = width * shrink, height * shrink
    return grey.resize((max(1, round(width)), max(1, round(height))), PILImage.Resampling.LANCZOS)


def image_pages(raw: bytes, name: str) -> list[Callable[[], Image]]:
    """Each page of a TIFF, PNG or JPEG file, decoded only when called."""
    from PIL import Image as PILImage
    from PIL import ImageOps, UnidentifiedImageError

    PILImage.MAX_IMAGE_PIXELS = None  # each page's size is checked here, with its figures
    try:
        picture = PILImage.open(io.BytesIO(raw))
        frames = int(getattr(picture, "n_frames", 1))
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError, EOFError):
        raise _damaged(name) from None
    if frames > MAX_PAGES:
        raise UsageError(
            f"Document scanné trop long : {name} ({frames} pages, {MAX_PAGES} au maximum)."
        )

    def page(index: int) -> Callable[[], Image]:
        def make() -> Image:
            try:
                picture.seek(index)
                _check_size(*picture.size, name)
                dpi = picture.info.get("dpi")
                frame = ImageOps.exif_transpose(picture) or picture
                frame.load()
                return prepared(frame, (float(dpi[0]), float(dpi[1])) if dpi else None)
            except UsageError:
                raise
            except (OSError, SyntaxError, ValueError, EOFError, ZeroDivisionError):
                raise _damaged(name) from None

        return make

    _check_size(*picture.size, name)
    return [page(i) for i in range(frames)]


def read_image(raw: bytes, name: str, progress: Progress | None = None) -> SourceDocument:
    """A scanned page or fax read by OCR."""
    pages = read_pages(image_pages(raw, name), progress)
    text, doubtful = join_pages([(p.text, p.doubtful) for p in pages])
    if not text.strip():
        raise UsageError(
            f"Aucun texte reconnu dans l'image {name} : vérifiez qu'elle montre bien un "
            "document, à l'endroit et lisible."
        )
    return SourceDocument(name, text, "image", pages=len(pages), ocr=True, doubtful=doubtful)
