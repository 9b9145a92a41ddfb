"""Build small .docx files for tests, and read all the text of one back."""

from __future__ import annotations

import io
import zipfile
from pathlib import Path

import docx


def make_docx(paragraphs: list[str]) -> bytes:
    document = docx.Document()
    for text in paragraphs:
        document.add_paragraph(text)
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()


def docx_with_link(before: str, link_text: str, url: str) -> bytes:
    """A document whose one paragraph ends with a link to a web page, as Word writes it (a
    w:hyperlink over an external hyperlink relationship)."""
    from docx.opc.constants import RELATIONSHIP_TYPE
    from docx.oxml import OxmlElement
    from docx.oxml.ns import qn

    document = docx.Document()
    paragraph = document.add_paragraph(before)
    link = OxmlElement("w:hyperlink")
    link.set(qn("r:id"), document.part.relate_to(url, RELATIONSHIP_TYPE.HYPERLINK, True))
    run, text = OxmlElement("w:r"), OxmlElement("w:t")
    text.text = link_text
    run.append(text)
    link.append(run)
    paragraph._p.append(link)
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()


def add_part(data: bytes, name: str, content: bytes, replace: bool = False) -> bytes:
    """Return ``data`` with the zip part ``name`` added (or replaced)."""
    src = zipfile.ZipFile(io.BytesIO(data))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst:
        for info in src.infolist():
            if replace and info.filename == name:
                continue
            dst.writestr(info, src.read(info.filename))
        dst.writestr(name, content)
    return out.getvalue()


def all_text(path: Path) -> str:
    """Every piece of text a reader sees: body, tables, headers and footers."""
    document = docx.Document(str(path))
    parts: list[str] = []
    for section in document.sections:
        parts += [p.text for p in section.header.paragraphs]
        parts += [p.text for p in section.footer.paragraphs]
    parts += [p.text for p in document.paragraphs]
    for table in document.tables:
        for row in table.rows:
            parts += [cell.text for cell in row.cells]
    return "\n".join(parts)


def first_words(draft: str, count: int = 3) -> list[str]:
    """The draft's first words as a document shows them: markdown marks (# titles, quotes,
    emphasis) are dropped on the way, so words without a letter are not counted."""
    words = [w.strip('#*_`"»«') for w in draft.split()]
    return [w for w in words if any(c.isalpha() for c in w)][:count]
