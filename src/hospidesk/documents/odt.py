"""OpenDocument text (.odt, LibreOffice): ``content.xml`` read from the zip with lxml, with
limits on the archive so that a crafted file cannot exhaust memory."""

from __future__ import annotations

import io
import zipfile
import zlib

import lxml.etree

from hospidesk.documents.source import SourceDocument
from hospidesk.errors import UsageError

MAX_CONTENT_BYTES = 20 * 1024 * 1024
MAX_RATIO = 100
MAX_DEPTH = 20
"""Tables nested deeper are not read (a crafted file; a real one nests two or three)."""
TEXT = "urn:oasis:names:tc:opendocument:xmlns:text:1.0"
TABLE = "urn:oasis:names:tc:opendocument:xmlns:table:1.0"
_BLOCKS = {f"{{{TEXT}}}p", f"{{{TEXT}}}h"}


def read_odt(raw: bytes, name: str) -> SourceDocument:
    content = _content_xml(raw, name)
    parser = lxml.etree.XMLParser(resolve_entities=False, no_network=True, huge_tree=False)
    try:
        root = lxml.etree.fromstring(content, parser)
    except lxml.etree.XMLSyntaxError:
        raise UsageError(f"Document OpenDocument endommagé ou illisible : {name}.") from None
    lines: list[str] = []
    body = root.find(".//{urn:oasis:names:tc:opendocument:xmlns:office:1.0}text")
    if body is not None:
        _walk(body, lines, depth=0)
    return SourceDocument(name, "\n".join(lines).strip(), "opendocument")


def _content_xml(raw: bytes, name: str) -> bytes:
    damaged = UsageError(f"Document OpenDocument endommagé ou illisible : {name}.")
    too_big = UsageError(f"Document OpenDocument trop volumineux une fois décompressé : {name}.")
    try:
        with zipfile.ZipFile(io.BytesIO(raw)) as archive:
            try:
                with archive.open("mimetype") as member:  # a few bytes, never more
                    mimetype = member.read(100).decode("ascii", "replace").strip()
                info = archive.getinfo("content.xml")
            except KeyError:
                raise damaged from None
            if mimetype != "application/vnd.oasis.opendocument.text":
                raise UsageError(
                    f"Ce fichier n'est pas un texte OpenDocument (.odt) : {name} ({mimetype})."
                )
            if info.file_size > MAX_CONTENT_BYTES or info.file_size > MAX_RATIO * max(
                info.compress_size, 1
            ):
                raise too_big
            with archive.open(info) as member:
                data = member.read(MAX_CONTENT_BYTES + 1)
            if len(data) > MAX_CONTENT_BYTES:
                raise too_big
            return data
    except (
        zipfile.BadZipFile,
        zipfile.LargeZipFile,
        zlib.error,
        OSError,
        EOFError,
        ValueError,
        RuntimeError,
        NotImplementedError,
        MemoryError,
    ):
        raise damaged from None


def _walk(node: lxml.etree._Element, lines: list[str], depth: int) -> None:
    for child in node:
        tag = child.tag
        if tag in _BLOCKS:
            lines.append(_inline(child))
        elif tag == f"{{{TEXT}}}list":
            for item in child.iterchildren(f"{{{TEXT}}}list-item"):
                before = len(lines)
                _walk(item, lines, depth + 1)
                if len(lines) > before:
                    lines[before] = "  " * depth + "• " + lines[before].lstrip()
        elif tag == f"{{{TABLE}}}table":
            _table(child, lines, depth)
        elif tag == f"{{{TEXT}}}section" or tag == f"{{{TEXT}}}list-item":
            _walk(child, lines, depth)


_ROW_GROUPS = {
    f"{{{TABLE}}}{name}" for name in ("table-header-rows", "table-rows", "table-row-group")
}


def _rows(table: lxml.etree._Element) -> list[lxml.etree._Element]:
    """The table's own rows (in its row groups too), not those of tables nested in a cell."""
    rows = []
    for child in table:
        if child.tag == f"{{{TABLE}}}table-row":
            rows.append(child)
        elif child.tag in _ROW_GROUPS:
            rows += _rows(child)
    return rows


def _table(table: lxml.etree._Element, lines: list[str], depth: int) -> None:
    """One line per row, its cells' own paragraphs joined; a table nested in a cell follows
    its row, each paragraph said once (nesting used to repeat the text at every level)."""
    if depth > MAX_DEPTH:
        return
    for row in _rows(table):
        cells: list[str] = []
        nested: list[lxml.etree._Element] = []
        for cell in row.iterchildren(f"{{{TABLE}}}table-cell"):
            cells.append(" ".join(_inline(p) for p in cell if p.tag in _BLOCKS).strip())
            nested += [t for t in cell if t.tag == f"{{{TABLE}}}table"]
        lines.append(" | ".join(cells))
        for inner in nested:
            _table(inner, lines, depth + 1)


def _count(value: str | None) -> int:
    """text:s's repeat count, bounded (a crafted file could ask for billions of spaces)."""
    try:
        return min(max(int(value or 1), 1), 100)
    except ValueError:
        return 1


def _inline(node: lxml.etree._Element) -> str:
    parts = [node.text or ""]
    for child in node:
        tag = child.tag
        if tag == f"{{{TEXT}}}s":
            parts.append(" " * _count(child.get(f"{{{TEXT}}}c")))
        elif tag == f"{{{TEXT}}}tab":
            parts.append("\t")
        elif tag == f"{{{TEXT}}}line-break":
            parts.append("\n")
        elif tag in (f"{{{TEXT}}}note", f"{{{TEXT}}}tracked-changes"):
            pass
        else:
            parts.append(_inline(child))
        parts.append(child.tail or "")
    return "".join(parts)
