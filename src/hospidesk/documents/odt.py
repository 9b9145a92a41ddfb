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
            for row in child.iter(f"{{{TABLE}}}table-row"):
                cells = [
                    " ".join(_inline(p) for p in cell.iter(*_BLOCKS)).strip()
                    for cell in row.iterchildren(f"{{{TABLE}}}table-cell")
                ]
                lines.append(" | ".join(cells))
        elif tag == f"{{{TEXT}}}section" or tag == f"{{{TEXT}}}list-item":
            _walk(child, lines, depth)


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
