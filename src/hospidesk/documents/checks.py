"""Safety checks of .docx files (zip of XML) before they are read or handed to the user.

Refused: archives too big once unpacked (bombs), too many entries, macro parts
(``vbaProject.bin``, macro-enabled content types) and external relationships
(``TargetMode="External"``: attachedTemplate, altChunk, OLE links, remote images) that would
make Word fetch a URL when the document is opened. A source document, only read for its text,
may hold links to web pages (hyperlink relationships: Word fetches nothing for them).
"""

from __future__ import annotations

import io
import re
import zipfile
import zlib
from dataclasses import dataclass

MAX_ENTRIES = 2000
MAX_UNPACKED = 64 * 1024 * 1024
MAX_RATIO = 200
HYPERLINK = "http://schemas.openxmlformats.org/officeDocument/2006/relationships/hyperlink"
# Word fields that fetch a file, a picture or a link's target when the document is opened or
# its fields updated (a \\server\share path also hands over the user's Windows credentials).
FIELD_CODE_RE = re.compile(rb"<w:instrText[^>]*>([^<]*)</w:instrText>")
SIMPLE_FIELD_RE = re.compile(rb"<w:fldSimple[^>]*\bw:instr=\"([^\"]*)\"")
OUTSIDE_FIELD_RE = re.compile(
    r"\b(INCLUDEPICTURE|INCLUDETEXT|LINK|DDEAUTO|DDE|IMPORT|DATABASE|HYPERLINK(?!\s+\\l))\b",
    re.IGNORECASE,
)
MACRO_RE = re.compile(rb"macroEnabled|vbaProject", re.IGNORECASE)


@dataclass(frozen=True)
class DocxProblem:
    """One reason to refuse a .docx, in French."""

    reason: str


def inspect_docx(data: bytes, fields: bool = True) -> list[DocxProblem]:
    """All reasons why ``data`` is not a safe .docx (empty list when it is).

    ``fields``: also refuse Word fields and links that fetch or point outside (templates,
    letterheads and the documents HospiDesk writes); False for a source file, only read for
    its text, whose links to web pages are then accepted.
    """
    try:
        return _inspect(data, fields)
    except (zipfile.BadZipFile, zipfile.LargeZipFile, zlib.error, EOFError, OSError, ValueError):
        return [DocxProblem("ce n'est pas un document Word (.docx) valide")]


def _inspect(data: bytes, fields: bool) -> list[DocxProblem]:
    archive = zipfile.ZipFile(io.BytesIO(data))
    problems: list[DocxProblem] = []
    with archive:
        infos = archive.infolist()
        if len(infos) > MAX_ENTRIES:
            return [DocxProblem("le document contient trop de parties")]
        total = sum(i.file_size for i in infos)
        if total > MAX_UNPACKED:
            return [DocxProblem("le document est trop volumineux une fois décompressé")]
        names = {i.filename for i in infos}
        if "[Content_Types].xml" not in names or "word/document.xml" not in names:
            return [DocxProblem("ce n'est pas un document Word (.docx) valide")]
        for info in infos:
            if info.compress_size and info.file_size / info.compress_size > MAX_RATIO:
                return [DocxProblem("le document est anormalement compressé (bombe zip ?)")]
            lower = info.filename.lower()
            if lower.endswith("vbaproject.bin") or (lower.endswith(".bin") and "vba" in lower):
                problems.append(DocxProblem("le document contient des macros"))
        content_types = archive.read("[Content_Types].xml")
        if MACRO_RE.search(content_types):
            problems.append(DocxProblem("le document est un document à macros renommé en .docx"))
        problems += _outside_references(archive, sorted(names), fields)
    # One reason per kind is enough for the user.
    unique: dict[str, DocxProblem] = {}
    for problem in problems:
        unique.setdefault(problem.reason.split(" (")[0], problem)
    return list(unique.values())


def _outside_references(
    archive: zipfile.ZipFile, names: list[str], fields: bool
) -> list[DocxProblem]:
    """External relationships, and (``fields``) fields that fetch outside content."""
    problems = []
    for name in names:
        if name.endswith(".rels") and _external(archive.read(name), links=not fields):
            problems.append(
                DocxProblem(f"le document fait référence à un contenu externe ({name})")
            )
        elif fields and name.startswith("word/") and name.endswith(".xml"):
            field = outside_field(archive.read(name))
            if field:
                problems.append(
                    DocxProblem(
                        f"le document contient un champ {field} qui va chercher un contenu "
                        f"externe ({name})"
                    )
                )
    return problems


def _external(rels: bytes, links: bool) -> bool:
    """Whether a relationships part points outside the document (``links``: links to web
    pages do not count). Read as XML, so that an attribute written with character references
    counts as Word reads it; a part that cannot be read counts as pointing outside."""
    from lxml import etree

    parser = etree.XMLParser(resolve_entities=False, no_network=True, huge_tree=False)
    try:
        root = etree.fromstring(rels, parser)
    except etree.XMLSyntaxError:
        return True
    return any(
        str(rel.get("TargetMode", "")).strip().lower() == "external"
        and not (links and rel.get("Type") == HYPERLINK)
        for rel in root.iter(tag=etree.Element)
    )


def outside_field(xml: bytes) -> str | None:
    """The first field of this part that fetches outside content (its name), if any. A field's
    code may be split over several runs: the pieces are joined before looking."""
    codes = b"".join(FIELD_CODE_RE.findall(xml)) + b" " + b" ".join(SIMPLE_FIELD_RE.findall(xml))
    found = OUTSIDE_FIELD_RE.search(codes.decode("utf-8", "replace"))
    return found.group(1).upper() if found else None
