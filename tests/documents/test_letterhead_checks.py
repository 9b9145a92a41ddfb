"""The letterhead's own checks on pictures: sizes read from PNG and JPEG headers."""

from __future__ import annotations

import struct

from hospidesk.documents.pictures import MAX_PIXELS, image_problem
from tests.documents import letterhead_maker as maker


def jpeg(width: int, height: int) -> bytes:
    """A JPEG's start: SOI, an APP0 segment, then the SOF0 frame header with its size."""
    app0 = b"\xff\xe0" + struct.pack(">H", 16) + b"JFIF\x00" + b"\x00" * 9
    sof0 = b"\xff\xc0" + struct.pack(">HBHHB", 11, 8, height, width, 1) + b"\x01\x11\x00"
    return b"\xff\xd8" + app0 + sof0 + b"\xff\xd9"


def test_sane_pictures_pass_and_giant_or_damaged_ones_are_named() -> None:
    assert image_problem("word/media/image1.png", maker.png(40, 20)) is None
    assert image_problem("word/media/logo.jpeg", jpeg(800, 300)) is None
    giant = image_problem("word/media/logo.jpeg", jpeg(10_000, 10_000))
    assert giant == "l'image logo.jpeg est démesurée (10000 × 10000 pixels)"
    assert MAX_PIXELS < 10_000 * 10_000
    assert image_problem("word/media/x.jpg", b"\xff\xd8\xff\x00") == "l'image x.jpg est endommagée"
    svg = image_problem("word/media/logo.svg", b"<svg/>")
    assert svg is not None and "format SVG" in svg
