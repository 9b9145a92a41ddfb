"""The pictures a document may carry: sane PNG or JPEG files of a sensible size, whatever
their name says (a logo in a letterhead, a picture in a task's template)."""

from __future__ import annotations

import struct
from pathlib import PurePosixPath

MAX_PIXELS = 40_000_000
"""Per image: a bigger picture is a decompression bomb for the word processor, not a logo."""
_PNG = b"\x89PNG\r\n\x1a\n"
_JPEG = b"\xff\xd8\xff"


def image_problem(name: str, data: bytes) -> str | None:
    """Why the picture ``name`` cannot be in a document (None for a sane PNG or JPEG)."""
    short = PurePosixPath(name).name
    if data.startswith(_PNG):
        size = _png_size(data)
    elif data.startswith(_JPEG):
        size = _jpeg_size(data)
    else:
        kind = PurePosixPath(name).suffix.lstrip(".").upper() or "inconnu"
        if kind in ("PNG", "JPG", "JPEG"):
            return (
                f"l'image {short} n'est pas une vraie image {kind} : seules les images PNG et "
                "JPEG sont admises (enregistrez le logo en PNG)"
            )
        return (
            f"l'image {short} est au format {kind} : seules les images PNG et JPEG sont admises "
            "(enregistrez le logo en PNG)"
        )
    if size is None:
        return f"l'image {short} est endommagée"
    width, height = size
    if width * height > MAX_PIXELS:
        return f"l'image {short} est démesurée ({width} × {height} pixels)"
    return None


def _png_size(data: bytes) -> tuple[int, int] | None:
    if len(data) < 24 or data[12:16] != b"IHDR":
        return None
    width, height = struct.unpack(">II", data[16:24])
    return int(width), int(height)


def _jpeg_size(data: bytes) -> tuple[int, int] | None:
    """The frame size from the first SOF marker."""
    at = 2
    while at + 4 <= len(data):
        if data[at] != 0xFF:
            return None
        marker = data[at + 1]
        if marker == 0xFF:  # fill byte
            at += 1
            continue
        if marker in (0xD8, 0x01) or 0xD0 <= marker <= 0xD7:
            at += 2
            continue
        (length,) = struct.unpack(">H", data[at + 2 : at + 4])
        if 0xC0 <= marker <= 0xCF and marker not in (0xC4, 0xC8, 0xCC):
            if at + 9 > len(data):
                return None
            height, width = struct.unpack(">HH", data[at + 5 : at + 9])
            return int(width), int(height)
        at += 2 + length
    return None
