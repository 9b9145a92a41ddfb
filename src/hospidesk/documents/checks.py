"""Safety checks of .docx files before they are read or become a document. One set of rules
for everything that becomes a document (pack templates, letterheads, what HospiDesk writes),
read by parsing the package (documents/package.py), never by matching bytes.

Refused in every .docx: archives too big once unpacked (bombs), too many entries, a DTD in a
part, macro parts and macro-enabled content types, and relationships that point outside the
file (``TargetMode="External"``: attached templates, altChunks, OLE links, remote pictures)
that would make Word fetch a URL when the document is opened. A source document, only read
for its text, may still hold links to web pages (Word fetches nothing for a hyperlink).

Refused besides in what becomes a document: fields that fetch outside content
(INCLUDEPICTURE, INCLUDETEXT, LINK, DDE, DDEAUTO…) in any part, under any prefix (headers,
footers, footnotes, the glossary); embedded objects of every kind (OLE objects and packages,
ActiveX controls, altChunks even internal, embedded fonts, add-ins, audio, video); a Word
template renamed .docx; pictures that are not sane PNG or JPEG files.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from hospidesk.documents.package import Package, PackageError, open_package, parse_xml
from hospidesk.documents.pictures import image_problem

W_NAMESPACES = (
    "http://schemas.openxmlformats.org/wordprocessingml/2006/main",
    "http://purl.oclc.org/ooxml/wordprocessingml/main",  # strict OOXML
)
# Word fields that fetch a file, a picture or a link's target when the document is opened or
# its fields updated (a \\server\share path also hands over the user's Windows credentials).
OUTSIDE_FIELD_RE = re.compile(
    r"\b(INCLUDEPICTURE|INCLUDETEXT|LINK|DDEAUTO|DDE|IMPORT|DATABASE|HYPERLINK(?!\s+\\l))\b",
    re.IGNORECASE,
)
MACRO_RE = re.compile(r"macroEnabled|vbaProject|vbaData", re.IGNORECASE)
EMBEDDING_KINDS = frozenset(
    {
        "oleobject",
        "package",
        "activex",
        "activexcontrolbinary",
        "control",
        "afchunk",
        "subdocument",
        "font",
        "vbaproject",
        "wordvbadata",
        "attachedtemplate",
        "webextension",
        "webextensiontaskpanes",
        "taskpanes",
        "video",
        "audio",
        "media",
        "frame",
    }
)
"""Relationship types that bring in something other than text, styles and pictures."""
EMBEDDING_TYPE_RE = re.compile(
    r"oleobject|activex|vbaproject|vbadata|obfuscatedfont|x-fontdata|x-font|font-ttf|font-otf"
    r"|\.package$|^text/html|^application/xhtml\+xml|^application/rtf|^message/rfc822"
    r"|^text/plain",
)
"""Content types of embedded objects (and of altChunks' foreign markup), wherever the part is
stored: a part of such a type is an object, whatever its name."""
EMBEDDING_ELEMENTS = frozenset({"object", "altChunk", "control", "OLEObject"})
"""XML elements of embedded objects (WordprocessingML, VML's o:OLEObject), by local name."""
WATCHED_TAGS = tuple(f"{{*}}{local}" for local in ("instrText", "fldSimple", *EMBEDDING_ELEMENTS))
"""The only elements ``_parts`` looks at, by local name in any namespace."""
VML_NAMESPACES = ("urn:schemas-microsoft-com:office:office", "urn:schemas-microsoft-com:vml")
HYPERLINK = "hyperlink"


@dataclass(frozen=True)
class DocxProblem:
    """One reason to refuse a .docx, in French."""

    reason: str


def inspect_docx(data: bytes, fields: bool = True) -> list[DocxProblem]:
    """All reasons why ``data`` is not a safe .docx (empty list when it is), one per kind.

    ``fields``: the rules of what becomes a document (templates, letterheads, what HospiDesk
    writes); False for a source file, only read for its text.
    """
    try:
        package = open_package(data)
        problems = _problems(package, fields)
    except PackageError as exc:
        return [DocxProblem(str(exc))]
    unique: dict[str, DocxProblem] = {}
    for problem in problems:
        unique.setdefault(problem.reason.split(" (")[0], problem)
    return list(unique.values())


def _problems(package: Package, fields: bool) -> list[DocxProblem]:
    if "word/document.xml" not in package.names and not _main_document(package):
        return [DocxProblem("ce n'est pas un document Word (.docx) valide")]
    problems = [DocxProblem(reason) for reason in _macros(package)]
    for rel in package.relationships:
        if rel.external and (fields or rel.kind != HYPERLINK):
            problems.append(
                DocxProblem(f"le document fait référence à un contenu externe ({rel.source})")
            )
    if fields:
        problems += [DocxProblem(reason) for reason in _embedded(package)]
        problems += [DocxProblem(reason) for reason in _parts(package)]
        problems += [DocxProblem(reason) for reason in _pictures(package)]
    return problems


def _main_document(package: Package) -> bool:
    return any(r.kind == "officedocument" and not r.external for r in package.relationships)


def _macros(package: Package) -> list[str]:
    reasons = []
    for name in package.names:
        lower = name.lower()
        if lower.endswith("vbaproject.bin") or (lower.endswith(".bin") and "vba" in lower):
            reasons.append("le document contient des macros")
    types = [*package.defaults.values(), *package.overrides.values()]
    if any(MACRO_RE.search(kind) for kind in types):
        reasons.append("le document est un document à macros renommé en .docx")
    if any("template.main+xml" in kind for kind in types):
        reasons.append(
            "c'est un modèle Word (.dotx) renommé : ouvrez-le dans Word et enregistrez-le "
            "comme document (.docx)"
        )
    return reasons


def _embedded(package: Package) -> list[str]:
    """Embedded objects, by relationship, by content type and by folder."""
    reasons = []
    for rel in package.relationships:
        if rel.kind in EMBEDDING_KINDS:
            reasons.append(_object(f"{rel.kind}, {rel.source}"))
    for name in sorted(package.names):
        kind = package.content_type(name).lower()
        if EMBEDDING_TYPE_RE.search(kind) or name.lower().startswith(
            ("word/embeddings/", "word/activex/", "word/fonts/")
        ):
            reasons.append(_object(name))
    return reasons


def _object(where: str) -> str:
    return f"il contient un objet incorporé ({where}) : seules les images PNG et JPEG sont admises"


def _parts(package: Package) -> list[str]:
    """Every XML part: fields that fetch outside content, embedded objects' elements."""
    reasons = []
    for name in package.xml_parts():
        root = parse_xml(package.read(name), name)
        codes: list[str] = []
        for element in root.iter(*WATCHED_TAGS):  # filtered in lxml: styles are large
            namespace, local = _split(str(element.tag))
            word = namespace in W_NAMESPACES
            if word and local == "instrText":
                codes.append(element.text or "")
            elif word and local == "fldSimple":
                codes.append(" " + str(element.get(f"{{{namespace}}}instr", "")) + " ")
            elif local in EMBEDDING_ELEMENTS and (word or namespace in VML_NAMESPACES):
                reasons.append(_object(f"{local}, {name}"))
        found = OUTSIDE_FIELD_RE.search("".join(codes))
        if found:
            reasons.append(
                f"le document contient un champ {found.group(1).upper()} qui va chercher un "
                f"contenu externe ({name})"
            )
    return reasons


def _split(tag: str) -> tuple[str, str]:
    """(namespace URI, local name) of an element's tag."""
    if not tag.startswith("{"):
        return "", tag
    namespace, _, local = tag[1:].partition("}")
    return namespace, local


def _pictures(package: Package) -> list[str]:
    """Every part that is a picture (by content type, folder or image relationship): a sane
    PNG or JPEG."""
    images = {r.target for r in package.relationships if r.kind == "image" and not r.external}
    for name in package.names:
        if package.content_type(name).startswith("image/") or "/media/" in f"/{name.lower()}":
            images.add(name)
    reasons = []
    for name in sorted(images & package.names):
        problem = image_problem(name, package.read(name))
        if problem:
            reasons.append(problem)
    return reasons
