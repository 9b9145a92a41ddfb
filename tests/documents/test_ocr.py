"""Scans and faxes read by OCR (Tesseract 5, French), in the reader's child process: a letter
printed to PDF by LibreOffice and scanned back, in every form a secretariat receives it.

What must hold whatever Tesseract's build: the words come back, and no figure (date, amount,
time, phone, reference) is wrong without being marked « à vérifier »."""

from __future__ import annotations

import difflib
import re
import threading
from pathlib import Path

import pytest
from PIL import Image

from hospidesk.documents.ocr import Word, layout
from hospidesk.documents.source import Doubtful, SourceDocument
from hospidesk.documents.sources import ReadCancelled, read_document_bytes
from hospidesk.errors import UsageError
from tests.documents.scan_maker import (
    LETTER,
    as_fax,
    as_jpeg,
    as_pdf,
    as_png,
    printed,
    scanned,
    tokens,
)

NUMBER = re.compile(r"\d+(?:[,./:-]\d+)*")


def word_accuracy(document: SourceDocument, text: str = LETTER) -> float:
    expected = tokens(text)
    matcher = difflib.SequenceMatcher(a=expected, b=tokens(document.text), autojunk=False)
    return sum(block.size for block in matcher.get_matching_blocks()) / len(expected)


def unflagged_wrong_figures(document: SourceDocument, text: str = LETTER) -> list[str]:
    """Numbers OCR gave that the letter does not have, outside every doubtful span."""
    right = set(NUMBER.findall(text))
    read = re.sub(r"\[Page \d+\]", lambda m: " " * len(m.group()), document.text)
    return [
        m.group()
        for m in NUMBER.finditer(read)
        if m.group() not in right
        and not any(d.start <= m.start() < d.end for d in document.doubtful)
    ]


def assert_spans_placed(document: SourceDocument) -> None:
    for span in document.doubtful:
        assert document.text[span.start : span.end] == span.text


pytestmark = pytest.mark.libreoffice  # the letter is printed to PDF by LibreOffice


def test_a_scanned_letter_turned_and_in_black_and_white_reads_with_every_figure_right_or_flagged() -> (  # noqa: E501
    None
):
    pages = scanned(printed(), dpi=200, turn=1.5)
    seen: list[tuple[int, int]] = []
    document = read_document_bytes(as_pdf(pages), "scan.pdf", progress=lambda *p: seen.append(p))
    assert seen == [(1, 1)]
    assert document.ocr and document.kind == "pdf" and document.pages == 1
    assert word_accuracy(document) >= 0.97
    assert unflagged_wrong_figures(document) == []
    assert_spans_placed(document)
    assert "312,40" in document.text or any("312" in d.text for d in document.doubtful)


@pytest.mark.parametrize(
    "damage",
    [{"blur": 1.0}, {"noise": 0.01}, {"turn": -3.0}, {"bilevel": False}, {"dpi": 150}],
    ids=["blurred", "speckled", "turned-the-other-way", "grey", "150-dpi"],
)
def test_damaged_scans_never_give_a_wrong_figure_without_a_flag(damage: dict[str, float]) -> None:
    document = read_document_bytes(as_pdf(scanned(printed(), **damage)), "scan.pdf")  # type: ignore[arg-type]
    assert word_accuracy(document) >= 0.9
    assert unflagged_wrong_figures(document) == []
    assert_spans_placed(document)


def test_a_three_page_g4_fax_is_read_page_by_page() -> None:
    page = scanned(printed())[0]
    fax = as_fax([page, page.rotate(180), page])  # the second page fed upside down
    seen: list[tuple[int, int]] = []
    document = read_document_bytes(fax, "fax.tif", progress=lambda *p: seen.append(p))
    assert seen == [(1, 3), (2, 3), (3, 3)]
    assert document.kind == "image" and document.pages == 3 and document.ocr
    parts = document.text.split("[Page ")
    assert [p[:2] for p in parts[1:]] == ["1]", "2]", "3]"]
    for part in parts[1:]:
        assert word_accuracy(SourceDocument("p", part.split("\n", 1)[1], "image")) >= 0.97
    assert unflagged_wrong_figures(document) == []
    assert_spans_placed(document)


@pytest.mark.parametrize("compression", ["group4", "group3"])
def test_a_fax_in_standard_mode_is_read_with_its_pixels_made_square(compression: str) -> None:
    fax = as_fax(scanned(printed(), turn=0), dpi=(204, 98), compression=compression)
    document = read_document_bytes(fax, "fax.tif")
    assert word_accuracy(document) >= 0.9
    assert unflagged_wrong_figures(document) == []


def test_a_photo_in_png_or_jpeg_and_a_page_turned_sideways_are_read() -> None:
    page = scanned(printed(), bilevel=False)[0]
    sideways = page.rotate(90, expand=True)
    for data, name in (
        (as_png(page), "p.png"),
        (as_jpeg(page), "p.jpg"),
        (as_png(sideways), "s.png"),
    ):
        document = read_document_bytes(data, name)
        assert document.kind == "image"
        assert word_accuracy(document) >= 0.9
        assert unflagged_wrong_figures(document) == []


def test_a_cancelled_reading_stops_the_child_and_leaves_no_picture_behind(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("TMPDIR", str(tmp_path))
    import tempfile

    monkeypatch.setattr(tempfile, "tempdir", None)
    page = scanned(printed())[0]
    cancel = threading.Event()
    with pytest.raises(ReadCancelled, match="Lecture annulée"):
        read_document_bytes(
            as_fax([page] * 4), "fax.tif", progress=lambda n, total: cancel.set(), cancel=cancel
        )
    assert list(tmp_path.iterdir()) == []


# Refusals: one French line, quickly, within the child's limits.


@pytest.mark.parametrize("cut", ["truncated", "header"])
def test_a_corrupt_tiff_gets_one_line(cut: str) -> None:
    fax = as_fax(scanned(printed(), turn=0))
    broken = fax[: len(fax) // 2] if cut == "truncated" else fax[:4] + b"\xff" * 64 + fax[68:]
    with pytest.raises(UsageError, match=r"Image endommagée ou illisible : fax\.tif\.") as caught:
        read_document_bytes(broken, "fax.tif")
    assert "\n" not in caught.value.message


def test_a_png_of_twenty_thousand_pixels_a_side_is_refused_before_it_is_decoded() -> None:
    import io

    out = io.BytesIO()
    Image.new("1", (20_000, 20_000), 1).save(out, format="PNG")
    with pytest.raises(UsageError, match=r"Image démesurée : grand\.png \(20000 × 20000 pixels\)"):
        read_document_bytes(out.getvalue(), "grand.png")


def test_a_pdf_whose_picture_inflates_to_a_gigabyte_gets_one_line() -> None:
    from tests.documents.pdf_maker import image_bomb_pdf

    with pytest.raises(UsageError) as caught:
        read_document_bytes(image_bomb_pdf(), "bombe.pdf")
    assert "bombe.pdf" in caught.value.message and "\n" not in caught.value.message


# The page's text and its spans, without Tesseract.


def _word(text: str, line: tuple[int, int, int], confidence: float = 95.0) -> Word:
    return Word(text, confidence, (0, 0, 10, 10), line)


def test_doubtful_words_side_by_side_make_one_span_placed_in_the_text() -> None:
    words = [
        _word("Tél.", (1, 1, 1)),
        _word("02", (1, 1, 1)),
        _word("38", (1, 1, 1)),
        _word("Madame,", (1, 2, 1)),
        _word("312,49", (1, 3, 1), 96.0),
        _word("euros", (1, 3, 1)),
    ]
    page = layout(words, {1, 2, 4}, page=2)
    assert page.text == "Tél. 02 38\n\nMadame,\n\n312,49 euros"
    assert [d.text for d in page.doubtful] == ["02 38", "312,49"]
    for span in page.doubtful:
        assert page.text[span.start : span.end] == span.text and span.page == 2
    assert page.doubtful[1] == Doubtful("312,49", 96.0, 2, 21, 27)


def test_a_figure_with_a_letter_for_a_digit_is_doubtful() -> None:
    from hospidesk.documents.ocr import _digit_like

    for misread in ("ler", "2O26", "l5h", "lO:3O", "08h3O,"):
        assert _digit_like(misread), misread
    for word in ("1er", "2026", "Il", "le", "Oise", "FAC-2026-08817", "A"):
        assert not _digit_like(word), word


def test_an_empty_scan_or_pdf_says_it_is_empty() -> None:
    for name in ("vide.pdf", "vide.tif"):
        with pytest.raises(UsageError, match=rf"Le fichier {name} est vide\."):
            read_document_bytes(b"", name)
