"""OpenDocument text files written by hand, with the structure LibreOffice writes."""

from __future__ import annotations

import io
import zipfile
from xml.sax.saxutils import escape

NS = (
    'xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0" '
    'xmlns:text="urn:oasis:names:tc:opendocument:xmlns:text:1.0" '
    'xmlns:table="urn:oasis:names:tc:opendocument:xmlns:table:1.0" '
    'xmlns:style="urn:oasis:names:tc:opendocument:xmlns:style:1.0"'
)


def paragraph(text: str, style: str = "Standard") -> str:
    return f'<text:p text:style-name="{style}">{escape(text)}</text:p>'


def bullet_list(items: list[str]) -> str:
    inner = "".join(f"<text:list-item>{paragraph(i)}</text:list-item>" for i in items)
    return f'<text:list text:style-name="L1">{inner}</text:list>'


def table(rows: list[list[str]]) -> str:
    body = "".join(
        "<table:table-row>"
        + "".join(f"<table:table-cell>{paragraph(c)}</table:table-cell>" for c in row)
        + "</table:table-row>"
        for row in rows
    )
    return f'<table:table table:name="Tableau1">{body}</table:table>'


def make_odt(body: str, mimetype: str = "application/vnd.oasis.opendocument.text") -> bytes:
    content = (
        f'<?xml version="1.0" encoding="UTF-8"?><office:document-content {NS} office:version="1.3">'
        f"<office:automatic-styles/><office:body><office:text>{body}</office:text>"
        "</office:body></office:document-content>"
    )
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as archive:
        archive.writestr("mimetype", mimetype, compress_type=zipfile.ZIP_STORED)
        archive.writestr("content.xml", content, compress_type=zipfile.ZIP_DEFLATED)
        archive.writestr("styles.xml", f"<office:document-styles {NS}/>")
        archive.writestr(
            "META-INF/manifest.xml",
            '<manifest:manifest xmlns:manifest="urn:oasis:names:tc:opendocument:xmlns:manifest'
            ':1.0"/>',
        )
    return out.getvalue()
