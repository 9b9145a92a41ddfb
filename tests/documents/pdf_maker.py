"""Small PDFs written by hand for the reader's tests: text pages (Helvetica, WinAnsi, so
French accents survive), a page without text (as a scan), and crafted files."""

from __future__ import annotations

import io
import zlib
from collections.abc import Sequence

Line = str | tuple[str, ...]
"""A line of text, or a table row: cells placed at fixed columns on one baseline."""

COLUMNS = (72, 260, 420)


def _string(text: str) -> bytes:
    raw = text.encode("cp1252", errors="replace")
    return b"(" + raw.replace(b"\\", b"\\\\").replace(b"(", b"\\(").replace(b")", b"\\)") + b")"


def _content(lines: Sequence[Line]) -> bytes:
    parts = [b"BT /F1 11 Tf"]
    y = 770
    for line in lines:
        cells = (line,) if isinstance(line, str) else line
        for x, cell in zip(COLUMNS, cells, strict=False):
            parts.append(b"1 0 0 1 %d %d Tm " % (x, y) + _string(cell) + b" Tj")
        y -= 16
    parts.append(b"ET")
    return b"\n".join(parts)


def build(page_streams: Sequence[bytes], extra: bytes = b"") -> bytes:
    """A PDF whose pages have these content streams (already encoded, with their dict)."""
    count = len(page_streams)
    objects: list[bytes] = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Count %d /Kids [%s] >>"
        % (count, b" ".join(b"%d 0 R" % (4 + 2 * i) for i in range(count))),
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica /Encoding /WinAnsiEncoding >>",
    ]
    for i, stream in enumerate(page_streams):
        objects.append(
            b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] "
            b"/Resources << /Font << /F1 3 0 R >> >> /Contents %d 0 R >>" % (5 + 2 * i)
        )
        objects.append(stream)
    out = io.BytesIO()
    out.write(b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n")
    offsets = []
    for number, body in enumerate(objects, start=1):
        offsets.append(out.tell())
        out.write(b"%d 0 obj\n" % number + body + b"\nendobj\n")
    out.write(extra)
    xref = out.tell()
    out.write(b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1))
    for offset in offsets:
        out.write(b"%010d 00000 n \n" % offset)
    out.write(
        b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (len(objects) + 1, xref)
    )
    return out.getvalue()


def stream(data: bytes, flate: bool = False) -> bytes:
    if flate:
        data = zlib.compress(data, 9)
        return (
            b"<< /Length %d /Filter /FlateDecode >>\nstream\n" % len(data) + data + (b"\nendstream")
        )
    return b"<< /Length %d >>\nstream\n" % len(data) + data + b"\nendstream"


def text_pdf(pages: Sequence[Sequence[Line]]) -> bytes:
    return build([stream(_content(lines)) for lines in pages])


def drawing_pdf() -> bytes:
    """Two pages with only drawing on them: no text, and no picture to read by OCR."""
    drawing = stream(b"0.5 g 72 72 450 700 re f 0 g 100 100 m 400 600 l S")
    return build([drawing, drawing])


def encrypted_pdf(source: bytes, secret: str) -> bytes:
    from pypdf import PdfReader, PdfWriter

    writer = PdfWriter(clone_from=PdfReader(io.BytesIO(source)))
    writer.encrypt(secret, secret + "-owner", algorithm="AES-128")
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def bomb_pdf(decompressed_mb: int = 400) -> bytes:
    """One page whose content stream inflates to hundreds of megabytes."""
    zeros = zlib.compressobj(9)
    chunk = b"\0" * (1024 * 1024)
    data = b"".join(zeros.compress(chunk) for _ in range(decompressed_mb)) + zeros.flush()
    body = b"<< /Length %d /Filter /FlateDecode >>\nstream\n" % len(data) + data + b"\nendstream"
    return build([body])


def many_pages_pdf(count: int) -> bytes:
    return build([stream(_content([f"Page {n}"])) for n in range(1, count + 1)])


def nested_pdf(depth: int = 100_000) -> bytes:
    """A page whose resources hold an array nested ``depth`` levels deep."""
    data = build([stream(_content(["Texte"]))])
    nested = b"[" * depth + b"]" * depth
    return data.replace(b"/Resources << /Font", b"/Resources << /Deep " + nested + b" /Font", 1)


def image_bomb_pdf(side: int = 30_000) -> bytes:
    """One page showing a grey picture of ``side`` × ``side`` pixels (900 MB once inflated)
    that compresses to under a megabyte: no text, so the reader renders it for OCR."""
    zeros = zlib.compressobj(9)
    row = b"\xff" * side
    data = b"".join(zeros.compress(row) for _ in range(side)) + zeros.flush()
    image = (
        b"<< /Type /XObject /Subtype /Image /Width %d /Height %d /ColorSpace /DeviceGray "
        b"/BitsPerComponent 8 /Filter /FlateDecode /Length %d >>\nstream\n"
        % (side, side, len(data))
        + data
        + b"\nendstream"
    )
    page = build([stream(b"q 595 0 0 842 0 0 cm /Im1 Do Q")])
    page = page.replace(
        b"/Resources << /Font << /F1 3 0 R >> >>",
        b"/Resources << /Font << /F1 3 0 R >> /XObject << /Im1 6 0 R >> >>",
        1,
    )
    return _with_object(page, 6, image)


def _with_object(pdf: bytes, number: int, body: bytes) -> bytes:
    """``pdf`` with object ``number`` appended in an incremental update."""
    start = pdf.rindex(b"startxref\n") + len(b"startxref\n")
    previous = int(pdf[start : pdf.index(b"\n", start)])
    size = int(pdf[pdf.rindex(b"/Size ") + 6 :].split()[0])
    offset = len(pdf)
    update = b"%d 0 obj\n" % number + body + b"\nendobj\n"
    xref = offset + len(update)
    update += b"xref\n%d 1\n%010d 00000 n \n" % (number, offset)
    update += b"trailer\n<< /Size %d /Root 1 0 R /Prev %d >>\nstartxref\n%d\n%%%%EOF\n" % (
        max(size, number + 1),
        previous,
        xref,
    )
    return pdf + update
