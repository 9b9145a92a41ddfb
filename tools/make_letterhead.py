"""Build the example letterhead of an invented hospital (run: python tools/make_letterhead.py).

It is what IT would make in Word (docs/letterhead.md): the logo and the institution's names in
the first page's header, a shorter header on the following pages, the legal mention and the page
number in the footer, the charter's fonts and colours in the « Normal », « Titre » and
« Titre 1 » styles. The .docx is committed in examples/letterhead/; the logo is drawn here with
Qt, so no picture file comes from elsewhere.
"""

from __future__ import annotations

import io
import os
import sys
from pathlib import Path

import docx
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Cm, Pt, RGBColor
from docx.styles.style import ParagraphStyle
from docx.text.paragraph import Paragraph

ROOT = Path(__file__).resolve().parents[1]
OUT = ROOT / "examples" / "letterhead" / "letterhead.docx"
TEAL = RGBColor(0x00, 0x6D, 0x77)
PLUM = RGBColor(0x7A, 0x1F, 0x4B)
GREY = RGBColor(0x55, 0x55, 0x55)
LEGAL = (
    "Centre hospitalier de Sainte-Exemple — établissement public de santé — "
    "12 avenue des Tilleuls, 69003 Lyon — standard 04 72 11 22 00"
)


def logo_png() -> bytes:
    """A cross in a rounded square and the initials, drawn by Qt (offscreen)."""
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    from PySide6.QtCore import QBuffer, QByteArray, QIODevice, QRectF, Qt
    from PySide6.QtGui import QColor, QFont, QGuiApplication, QImage, QPainter

    _app = QGuiApplication.instance() or QGuiApplication(sys.argv[:1])
    image = QImage(640, 240, QImage.Format.Format_ARGB32)
    image.fill(Qt.GlobalColor.transparent)
    painter = QPainter(image)
    painter.setRenderHint(QPainter.RenderHint.Antialiasing)
    painter.setPen(Qt.PenStyle.NoPen)
    painter.setBrush(QColor(0x00, 0x6D, 0x77))
    painter.drawRoundedRect(QRectF(10, 10, 220, 220), 40, 40)
    painter.setBrush(QColor("white"))
    painter.drawRect(QRectF(95, 40, 50, 160))
    painter.drawRect(QRectF(40, 95, 160, 50))
    painter.setPen(QColor(0x7A, 0x1F, 0x4B))
    font = QFont("DejaVu Serif")
    font.setPixelSize(104)
    font.setBold(True)
    painter.setFont(font)
    painter.drawText(QRectF(250, 10, 390, 220), Qt.AlignmentFlag.AlignVCenter, "CHSE")
    painter.end()
    data = QByteArray()
    buffer = QBuffer(data)
    buffer.open(QIODevice.OpenModeFlag.WriteOnly)
    image.save(buffer, "PNG")
    return bytes(data.data())


def plain_fonts(style: ParagraphStyle, name: str) -> None:
    """The named font, not the theme's (a theme font in the style would win over it)."""
    fonts = style.element.get_or_add_rPr().get_or_add_rFonts()
    for key in list(fonts.attrib):
        del fonts.attrib[key]
    style.font.name = name


def page_number(paragraph: Paragraph) -> None:
    """« page N / M » as Word fields, updated by the word processor."""
    paragraph.add_run("page ")
    for code in ("PAGE", "NUMPAGES"):
        run = paragraph.add_run()
        for kind in ("begin", None, "end"):
            if kind is None:
                text = OxmlElement("w:instrText")
                text.set(qn("xml:space"), "preserve")
                text.text = f" {code} "
                run._r.append(text)
                continue
            char = OxmlElement("w:fldChar")
            char.set(qn("w:fldCharType"), kind)
            run._r.append(char)
        if code == "PAGE":
            paragraph.add_run(" / ")


def build() -> bytes:
    document = docx.Document()
    section = document.sections[0]
    section.page_height, section.page_width = Cm(29.7), Cm(21.0)
    section.left_margin, section.right_margin = Cm(2.5), Cm(2.0)
    section.top_margin, section.bottom_margin = Cm(4.2), Cm(2.2)
    section.header_distance, section.footer_distance = Cm(0.8), Cm(0.8)
    section.different_first_page_header_footer = True

    normal = document.styles["Normal"]
    assert isinstance(normal, ParagraphStyle)
    plain_fonts(normal, "DejaVu Sans")
    normal.font.size = Pt(10)
    title = document.styles["Title"]
    assert isinstance(title, ParagraphStyle)
    for child in list(title.element):
        if child.tag in (qn("w:pPr"), qn("w:rPr")):
            title.element.remove(child)
    plain_fonts(title, "DejaVu Serif")
    title.font.size, title.font.bold, title.font.color.rgb = Pt(13), True, PLUM
    title.paragraph_format.space_before, title.paragraph_format.space_after = Pt(6), Pt(6)
    heading = document.styles["Heading 1"]
    assert isinstance(heading, ParagraphStyle)
    plain_fonts(heading, "DejaVu Serif")
    heading.font.size, heading.font.color.rgb = Pt(11), TEAL

    first = section.first_page_header
    grid = first.add_table(1, 2, width=Cm(16.5))
    logo_cell, names_cell = grid.rows[0].cells
    for column, width in zip(grid.columns, (Cm(5.5), Cm(11.0)), strict=True):
        column.width = width  # the grid, which LibreOffice follows
    logo_cell.width, names_cell.width = Cm(5.5), Cm(11.0)
    logo_cell.paragraphs[0].add_run().add_picture(io.BytesIO(logo_png()), width=Cm(5.0))
    lines = (
        ("{{ etab.nom }}", Pt(12), True, TEAL),
        ("{{ etab.service }}", Pt(10), False, PLUM),
        ("{{ etab.adresse }}", Pt(8.5), False, GREY),
        ("Tél. : {{ etab.telephone }}", Pt(8.5), False, GREY),
    )
    for i, (text, size, bold, colour) in enumerate(lines):
        para = names_cell.paragraphs[0] if i == 0 else names_cell.add_paragraph()
        para.alignment = WD_ALIGN_PARAGRAPH.RIGHT
        run = para.add_run(text)
        run.font.size, run.bold, run.font.color.rgb = size, bold, colour
    following = section.header.paragraphs[0]
    following.alignment = WD_ALIGN_PARAGRAPH.RIGHT
    run = following.add_run("{{ etab.nom }} — {{ etab.service }}")
    run.font.size, run.font.color.rgb = Pt(8.5), TEAL
    for footer in (section.first_page_footer, section.footer):
        legal = footer.paragraphs[0]
        legal.alignment = WD_ALIGN_PARAGRAPH.CENTER
        mention = legal.add_run(LEGAL)
        mention.font.size, mention.font.color.rgb = Pt(7.5), GREY
        number = footer.add_paragraph()
        number.alignment = WD_ALIGN_PARAGRAPH.RIGHT
        page_number(number)
    document.core_properties.title = "En-tête du Centre hospitalier de Sainte-Exemple"
    document.core_properties.author = "DSI"
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()


def main() -> int:
    OUT.parent.mkdir(parents=True, exist_ok=True)
    OUT.write_bytes(build())
    print(f"wrote {OUT.relative_to(ROOT)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
