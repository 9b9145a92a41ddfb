"""Letterheads as IT makes them in a French Word, built with python-docx for the tests.

The « Titre » style is Word's built-in Title as a French Word writes it (style id ``Titre``),
the logo a real PNG in the first page's header, the legal mention in the footer.
"""

from __future__ import annotations

import io
import struct
import zlib
from pathlib import Path

import docx
from docx.document import Document as DocxDocument
from docx.oxml.ns import qn
from docx.shared import Cm, Pt, RGBColor

LEGAL_MENTION = "Établissement public de santé — SIRET 000 000 000 00000 — mention légale d'essai"
TITLE_FONT = "DejaVu Serif"
TITLE_COLOUR = RGBColor(0x8B, 0x1A, 0x1A)
LOGO_COLOUR = (0x1B, 0x6E, 0x3C)


def png(width: int = 240, height: int = 96, colour: tuple[int, int, int] = LOGO_COLOUR) -> bytes:
    """A real PNG: a coloured block with a white band, so that a rendering shows it."""

    def chunk(kind: bytes, payload: bytes) -> bytes:
        body = kind + payload
        return struct.pack(">I", len(payload)) + body + struct.pack(">I", zlib.crc32(body))

    rows = []
    for y in range(height):
        white = height // 3 <= y < height // 3 + max(height // 8, 1)
        pixel = bytes((255, 255, 255)) if white else bytes(colour)
        rows.append(b"\x00" + pixel * width)
    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", header)
        + chunk(b"IDAT", zlib.compress(b"".join(rows), 9))
        + chunk(b"IEND", b"")
    )


def letterhead(
    service: str = "{{ etab.service }}",
    legal: str = LEGAL_MENTION,
    logo: bytes | None = None,
    title_font: str = TITLE_FONT,
    title_colour: RGBColor = TITLE_COLOUR,
    body: str | None = None,
) -> bytes:
    """A letterhead: logo and names on the first page, a shorter header after, a footer."""
    document = docx.Document()
    section = document.sections[0]
    section.page_height, section.page_width = Cm(29.7), Cm(21.0)
    section.top_margin, section.left_margin, section.right_margin = Cm(3.2), Cm(2.5), Cm(2.0)
    section.different_first_page_header_footer = True
    first = section.first_page_header.paragraphs[0]
    first.add_run().add_picture(io.BytesIO(logo or png()), width=Cm(4))
    first.add_run("  {{ etab.nom }}").bold = True
    section.first_page_header.add_paragraph(service)
    section.header.paragraphs[0].text = "{{ etab.nom }} — suite"
    for footer in (section.first_page_footer, section.footer):
        footer.paragraphs[0].text = legal
    normal = document.styles["Normal"]
    plain_font(normal, "DejaVu Sans")  # so that only « Titre » is in the serif font
    title = document.styles["Title"]
    title.style_id = "Titre"  # what a French Word writes for its « Titre »
    plain_font(title, title_font)
    title.font.size = Pt(14)
    title.font.color.rgb = title_colour
    if body:
        document.add_paragraph(body)
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()


def plain_font(style: object, name: str) -> None:
    """The named font, not the theme's (a theme font in the style would win over it)."""
    fonts = style.element.get_or_add_rPr().get_or_add_rFonts()  # type: ignore[attr-defined]
    for key in list(fonts.attrib):
        del fonts.attrib[key]
    style.font.name = name  # type: ignore[attr-defined]


def write(path: Path, data: bytes) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(data)
    return path


def logo_in_first_header(document: DocxDocument) -> bool:
    """The first page's header holds a picture (a drawing that points to an image part)."""
    section = document.sections[-1]
    header = section.first_page_header
    blips = header._element.findall(".//" + qn("a:blip"))
    return bool(blips) and all(
        header.part.related_parts[b.get(qn("r:embed"))].content_type == "image/png" for b in blips
    )


def footer_text(document: DocxDocument) -> str:
    section = document.sections[-1]
    return "\n".join(p.text for p in section.first_page_footer.paragraphs)


def titled(document: DocxDocument) -> list[str]:
    """The paragraphs in the letterhead's « Titre » style (its font and colour, not the
    template's)."""
    found = []
    for paragraph in document.paragraphs:
        style = paragraph.style
        if style is None or style.name != "Title":
            continue
        if style.font.name == TITLE_FONT and style.font.color.rgb == TITLE_COLOUR:
            found.append(paragraph.text)
    return found
