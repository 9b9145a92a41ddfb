"""Files made to exhaust a reader: an Outlook message whose directory points a thousand times
at one large stream, OpenDocument tables nested deep, HTML nested deep. Each is small on disk."""

from __future__ import annotations

import datetime
import io
import struct
import zipfile

from tests.documents.msg_maker import build_cfb, make_msg

_SECTOR = 512
_DIRENTRY_SIZE = 128
_START, _SIZE = 116, 120  # a directory entry's first sector and stream size ([MS-CFB] 2.6.1)


def msg_stream_bomb(entries: int = 1000, stream: int = 1024 * 1024) -> bytes:
    """A .msg whose ``entries`` property streams all point at one stream of ``stream`` bytes:
    about ``stream`` bytes on disk, ``entries × stream`` for a reader that loads them all."""
    plain = make_msg(
        subject="Bombe",
        sender_name="X",
        sender_email="x@exemple.fr",
        to=[("Y", "y@exemple.fr")],
        sent=datetime.datetime(2026, 12, 1, 9, 0, tzinfo=datetime.UTC),
        body="Bonjour",
    )
    del plain  # the layout of a real message is not needed: the properties suffice
    names = {f"__substg1.0_{0x8000 + n:04X}001F": b"x" * 8 for n in range(entries)}
    data = bytearray(build_cfb({"__substg1.0_1000001F": b"A" * stream, **names}))
    directory_start = struct.unpack_from("<I", data, 48)[0]
    big_start = None
    offset = _SECTOR * (directory_start + 1)
    while offset + _DIRENTRY_SIZE <= len(data):
        name_length = struct.unpack_from("<H", data, offset + 64)[0]
        name = bytes(data[offset : offset + max(name_length - 2, 0)]).decode("utf-16-le", "replace")
        if name == "__substg1.0_1000001F":
            big_start = struct.unpack_from("<I", data, offset + _START)[0]
        offset += _DIRENTRY_SIZE
    assert big_start is not None
    offset = _SECTOR * (directory_start + 1)
    while offset + _DIRENTRY_SIZE <= len(data):
        name_length = struct.unpack_from("<H", data, offset + 64)[0]
        name = bytes(data[offset : offset + max(name_length - 2, 0)]).decode("utf-16-le", "replace")
        if name.startswith("__substg1.0_8"):
            struct.pack_into("<II", data, offset + _START, big_start, stream)
        offset += _DIRENTRY_SIZE
    return bytes(data)


def odt_nested_tables(depth: int = 60, text: str = "cellule") -> bytes:
    """An .odt whose table holds a table in its cell, ``depth`` times over."""
    table = f"<text:p>{text}</text:p>"
    for _ in range(depth):
        table = (
            "<table:table><table:table-row><table:table-cell>"
            f"<text:p>{text}</text:p>{table}</table:table-cell></table:table-row></table:table>"
        )
    content = (
        '<?xml version="1.0" encoding="UTF-8"?><office:document-content '
        'xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0" '
        'xmlns:text="urn:oasis:names:tc:opendocument:xmlns:text:1.0" '
        'xmlns:table="urn:oasis:names:tc:opendocument:xmlns:table:1.0">'
        f"<office:body><office:text>{table}</office:text></office:body></office:document-content>"
    )
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as archive:
        archive.writestr("mimetype", "application/vnd.oasis.opendocument.text")
        archive.writestr("content.xml", content, zipfile.ZIP_DEFLATED)
    return out.getvalue()


def deep_html(depth: int = 200_000) -> bytes:
    return ("<html><body>" + "<div>" * depth + "Bonjour" + "</div>" * depth).encode()
