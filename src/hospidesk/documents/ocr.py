"""OCR of scanned pages with Tesseract 5 and its French model, in the reader's child process
(documents/reader_child.py), through pytesseract.

A page is read upright and straight: its skew is measured on a projection profile and undone,
and a page that reads poorly is turned the way Tesseract's orientation detection says.

OCR must never change a figure silently, and Tesseract's confidence cannot tell: a misread
« 312,49 » scores like the rest of the page. So every word with a digit (a date, a time, an
amount, a phone number, a reference) is read a second time, alone, from a differently
prepared picture (blurred and enlarged): when the two readings differ, the figure is doubtful.
So is a word read under LOW_CONFIDENCE, a lone letter that looks like a digit near a figure
(« du A au 7 »), and a figure with such a letter in it (« 2O26 », « ler » for « 1er »). A
figure written in several words is doubtful as a whole, and doubtful words next to each other
on a line make one span.
"""

from __future__ import annotations

import os
import re
import sys
import tempfile
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from hospidesk.documents.source import Doubtful, Progress
from hospidesk.errors import UsageError

if TYPE_CHECKING:
    from PIL.Image import Image

LANGUAGE = "fra"
TARGET_DPI = 300
LOW_CONFIDENCE = 70.0
PAGE_SECONDS = 30
"""The most one Tesseract run may take on one page before the page is given up."""
NEAR = 2
"""How many words away from a figure a look-alike letter counts as doubtful."""
_LOOK_ALIKE, _AS_DIGITS = "lI|OoSBZGAq", "11100582649"
DIGIT_LIKE = str.maketrans(_LOOK_ALIKE, _AS_DIGITS)
"""Each look-alike letter as the digit it is taken for."""
LOOK_ALIKE = frozenset(_LOOK_ALIKE) | {"g", "D", "T"}
"""Letters a digit is misread as (« 4 » as « A », « 0 » as « O »)."""
_ORDINAL = re.compile(r"^[lI|](?:er|re|ère)$")
"""« 1er » read « ler »: the number is gone, the date changed."""
_DIGIT = re.compile(r"\d")
_EDGE = ".,;:!?()[]«»\"'’…"


def reading_page(number: int, total: int) -> str:
    """What the user is told while OCR reads page ``number`` of ``total``."""
    return f"Lecture du scan : page {number} sur {total}…"


@dataclass(frozen=True)
class Word:
    text: str
    confidence: float
    box: tuple[int, int, int, int]
    """left, top, width, height in the page's picture."""
    line: tuple[int, int, int]
    """block, paragraph, line: the words of one line share it."""

    @property
    def figure(self) -> bool:
        return bool(_DIGIT.search(self.text))


@dataclass(frozen=True)
class PageText:
    """One page as read: its text, and its doubtful spans placed in that text."""

    text: str
    doubtful: tuple[Doubtful, ...] = ()


def unavailable(detail: str = "") -> UsageError:
    return UsageError(
        "La lecture des documents scannés (Tesseract et son modèle français) n'est pas "
        "installée sur ce poste : demandez-la au service informatique"
        + (f" ({detail})." if detail else ".")
    )


def read_page(image: Image, page: int) -> PageText:
    """One page's picture (grey, about TARGET_DPI) read, straightened and upright."""
    from PIL import Image as PILImage
    from PIL import ImageFilter

    image = straighten(image)
    words = recognise(image)
    if _weak(words):  # specks? the median costs a clean page about one word in a hundred
        smooth = image.filter(ImageFilter.MedianFilter(3))
        again = recognise(smooth)
        if _mean(again) > _mean(words):
            image, words = smooth, again
    if _poor(words):
        turn = orientation(image)
        if turn:
            image = image.rotate(
                -turn, expand=True, fillcolor=255, resample=PILImage.Resampling.NEAREST
            )
            words = recognise(image)
    return layout(words, doubtful_words(image, words), page)


def read_pages(images: Sequence[Callable[[], Image]], progress: Progress | None) -> list[PageText]:
    """Each page's picture, made only when its turn comes (a fax of 50 pages is never all in
    memory), read in order, with ``progress(n, total)`` before page n."""
    pages: list[PageText] = []
    for n, make in enumerate(images, start=1):
        if progress is not None:
            progress(n, len(images))
        pages.append(read_page(make(), n))
    return pages


# Straightening: skew by projection profile, orientation by Tesseract's OSD.

SKEW_DEGREES = 5.0


def skew_angle(image: Image) -> float:
    """The rotation (degrees, counter-clockwise) that makes the text lines horizontal: the one
    whose rows of ink vary the most from one to the next (sharp lines, white between)."""
    import numpy as np
    from PIL import Image as PILImage

    small = image.copy()
    small.thumbnail((900, 900))

    def sharpness(angle: float) -> float:
        turned = small.rotate(angle, fillcolor=255, resample=PILImage.Resampling.NEAREST)
        rows = (np.asarray(turned) < 128).sum(axis=1).astype(np.float64)
        return float(((rows[1:] - rows[:-1]) ** 2).sum())

    coarse = max(np.arange(-SKEW_DEGREES, SKEW_DEGREES + 0.01, 0.5), key=sharpness)
    fine = max(np.arange(coarse - 0.4, coarse + 0.41, 0.1), key=sharpness)
    return round(float(fine), 1)


def straighten(image: Image) -> Image:
    from PIL import Image as PILImage

    angle = skew_angle(image)
    if abs(angle) < 0.1:
        return image
    return image.rotate(angle, fillcolor=255, resample=PILImage.Resampling.BICUBIC)


WEAK_SHARE = 0.1
"""A page with more than this share of its words under LOW_CONFIDENCE is read again through a
3 × 3 median (a fax's or a photocopy's specks removed), and the better reading is kept."""


def _weak(words: Sequence[Word]) -> bool:
    return sum(w.confidence < LOW_CONFIDENCE for w in words) > WEAK_SHARE * max(len(words), 1)


def _mean(words: Sequence[Word]) -> float:
    return sum(w.confidence for w in words) / len(words) if words else 0.0


def _poor(words: Sequence[Word]) -> bool:
    """A page that reads like a page turned sideways or upside down."""
    good = [w for w in words if w.confidence >= 60 and len(w.text) > 1]
    return len(good) < max(5, len(words) // 2)


def orientation(image: Image) -> int:
    """Degrees clockwise the page must turn to be upright (0 when Tesseract cannot tell)."""
    import pytesseract

    try:
        osd = pytesseract.image_to_osd(image, config="--psm 0", timeout=PAGE_SECONDS)
    except (pytesseract.TesseractError, RuntimeError):
        return 0  # too few characters to tell: left as it is
    found = re.search(r"Rotate: (\d+)", str(osd))
    return int(found.group(1)) % 360 if found else 0


# Reading.


def recognise(image: Image) -> list[Word]:
    import pytesseract

    try:
        data: dict[str, list[Any]] = pytesseract.image_to_data(
            image,
            lang=LANGUAGE,
            config="--psm 3",
            output_type=pytesseract.Output.DICT,
            timeout=PAGE_SECONDS,
        )
    except pytesseract.TesseractNotFoundError:
        raise unavailable() from None
    except pytesseract.TesseractError as exc:
        if "language" in str(exc.message).lower():
            raise unavailable(f"modèle « {LANGUAGE} » absent") from None
        raise UsageError("Page scannée illisible par la reconnaissance de caractères.") from None
    except RuntimeError:  # pytesseract's own timeout
        raise UsageError(
            f"Une page scannée demande plus de {PAGE_SECONDS} secondes de lecture."
        ) from None
    words = []
    for i, text in enumerate(data["text"]):
        text = str(text).strip()
        if not text:
            continue
        words.append(
            Word(
                text,
                float(data["conf"][i]),
                _box(data, i),
                (int(data["block_num"][i]), int(data["par_num"][i]), int(data["line_num"][i])),
            )
        )
    return words


def _box(data: dict[str, list[Any]], i: int) -> tuple[int, int, int, int]:
    return (int(data["left"][i]), int(data["top"][i]), int(data["width"][i]),
            int(data["height"][i]))  # fmt: skip


def reread(image: Image, words: Sequence[Word]) -> list[str] | None:
    """Each word read again alone from a blurred, enlarged picture (one Tesseract run for all
    of them); None when the second reading cannot be matched word for word."""
    if not words:
        return []
    import pytesseract
    from PIL import Image as PILImage
    from PIL import ImageFilter, ImageOps

    scale = 1.25
    other = image.filter(ImageFilter.GaussianBlur(1.0))
    other = other.resize((round(image.width * scale), round(image.height * scale)),
                         PILImage.Resampling.LANCZOS)  # fmt: skip
    with tempfile.TemporaryDirectory(prefix="hospidesk-ocr-") as folder:
        paths = []
        for n, word in enumerate(words):
            left, top, width, height = word.box
            margin = max(4, height // 2)
            crop = other.crop(
                (
                    round((left - margin) * scale),
                    round((top - margin) * scale),
                    round((left + width + margin) * scale),
                    round((top + height + margin) * scale),
                )
            )
            path = Path(folder) / f"{n}.png"
            ImageOps.expand(crop, border=16, fill=255).save(path)
            paths.append(str(path))
        listing = Path(folder) / "mots.txt"
        listing.write_text("\n".join(paths) + "\n", encoding="utf-8")
        try:
            out = pytesseract.image_to_string(
                str(listing), lang=LANGUAGE, config="--psm 7", timeout=PAGE_SECONDS
            )
        except (pytesseract.TesseractError, RuntimeError):
            return None
    readings = [part.strip() for part in str(out).split("\f")]
    if readings and not readings[-1] and len(readings) == len(words) + 1:
        readings.pop()
    return readings if len(readings) == len(words) else None


def _same(first: str, second: str) -> bool:
    """Two readings of one figure agree (punctuation around it aside)."""
    return "".join(first.split()).strip(_EDGE) == "".join(second.split()).strip(_EDGE)


def doubtful_words(image: Image, words: Sequence[Word]) -> set[int]:
    """The indexes of the words to check on the original."""
    figures = [i for i, w in enumerate(words) if w.figure]
    readings = reread(image, [words[i] for i in figures])
    doubtful = {i for i, w in enumerate(words) if w.confidence < LOW_CONFIDENCE}
    if readings is None:
        doubtful.update(figures)
    else:
        doubtful.update(i for i, again in zip(figures, readings, strict=True)
                        if not _same(words[i].text, again))  # fmt: skip
    for i, word in enumerate(words):
        if _digit_like(word.text):
            doubtful.add(i)
        if word.text in LOOK_ALIKE and any(
            words[j].figure and words[j].line == word.line
            for j in range(max(0, i - NEAR), min(len(words), i + NEAR + 1))
        ):
            doubtful.add(i)
    return _whole_figures(words, doubtful)


def _digit_like(text: str) -> bool:
    """A figure with a letter where a digit should be (« 2O26 », « l5 h », « ler »)."""
    core = text.strip(_EDGE)
    if _ORDINAL.match(core):
        return True
    if not _DIGIT.search(core) or core == core.translate(DIGIT_LIKE):
        return False
    return bool(re.fullmatch(r"[\d,./:h-]+", core.translate(DIGIT_LIKE)))


def _whole_figures(words: Sequence[Word], doubtful: set[int]) -> set[int]:
    """A figure written in several words (« 02 38 51 44 70 », « 1 248,60 ») is doubtful as a
    whole when one of its words is."""
    grown = set(doubtful)
    for i in sorted(doubtful):
        if not words[i].figure:
            continue
        for step in (-1, 1):
            j = i + step
            while 0 <= j < len(words) and words[j].figure and words[j].line == words[i].line:
                grown.add(j)
                j += step
    return grown


def layout(words: Sequence[Word], doubtful: set[int], page: int) -> PageText:
    """The page's text (words by a space, lines by a line break, paragraphs by a blank line),
    and its doubtful spans: doubtful words next to each other on a line are one span."""
    text = ""
    spans: list[Doubtful] = []
    previous: Word | None = None
    for i, word in enumerate(words):
        if previous is not None:
            if previous.line[:2] != word.line[:2]:
                text += "\n\n"
            elif previous.line != word.line:
                text += "\n"
            else:
                text += " "
        start = len(text)
        text += word.text
        if i in doubtful:
            last = spans[-1] if spans else None
            if last is not None and i - 1 in doubtful and previous and previous.line == word.line:
                spans[-1] = Doubtful(
                    text[last.start : len(text)],
                    min(last.confidence, word.confidence),
                    page,
                    last.start,
                    len(text),
                )
            else:
                spans.append(Doubtful(word.text, word.confidence, page, start, len(text)))
        previous = word
    return PageText(text, tuple(_trimmed(span) for span in spans))


def _trimmed(span: Doubtful) -> Doubtful:
    """The span without the punctuation around it (« 72. » is « 72 »)."""
    inner = span.text.strip(_EDGE) or span.text
    start = span.start + span.text.index(inner)
    return Doubtful(inner, span.confidence, span.page, start, start + len(inner))


def environment() -> None:
    """Tesseract's own threads fight each other on a busy workstation (ten times slower on
    two cores): one thread per page. The Windows installer puts Tesseract and its models in
    the application's ``tesseract`` folder (packaging/windows/README.md): used when there."""
    os.environ.setdefault("OMP_THREAD_LIMIT", "1")
    bundled = Path(sys.executable).parent / "tesseract"
    if getattr(sys, "frozen", False) and (bundled / "tesseract.exe").is_file():
        import pytesseract

        pytesseract.pytesseract.tesseract_cmd = str(bundled / "tesseract.exe")
        os.environ["TESSDATA_PREFIX"] = str(bundled / "tessdata")
