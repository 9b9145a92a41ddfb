"""A .docx read as what it is, an Open Packaging Conventions package: a zip of parts, their
content types ([Content_Types].xml), and relationships (the ``_rels`` parts) that tie them
together and may point outside the file.

Everything is read as XML with namespaces resolved by URI, never by matching bytes: Word
reads ``<x:instrText xmlns:x="…wordprocessingml/2006/main">`` as it reads ``<w:instrText>``,
and a part stored anywhere in the zip is part of the document once a relationship reaches it.
The zip is bounded before anything is inflated (entries, sizes, compression ratio), and XML is
parsed without entities, DTDs or network.
"""

from __future__ import annotations

import io
import posixpath
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import PurePosixPath

from lxml import etree

MAX_ENTRIES = 2000
MAX_UNPACKED = 64 * 1024 * 1024
MAX_RATIO = 200
CONTENT_TYPES = "[Content_Types].xml"
_TYPES_NS = "http://schemas.openxmlformats.org/package/2006/content-types"
_RELS_NS = "http://schemas.openxmlformats.org/package/2006/relationships"


class PackageError(ValueError):
    """Why the bytes are not a package that can be read safely (French, for the user)."""


@dataclass(frozen=True)
class Relationship:
    source: str
    """The .rels part that holds it."""
    kind: str
    """The last segment of its type URI, lower case (« oleobject », « hyperlink »…)."""
    target: str
    """The part it points to (normalised, no leading /), or the outside address."""
    external: bool


@dataclass
class Package:
    archive: zipfile.ZipFile
    names: set[str]
    defaults: dict[str, str] = field(default_factory=dict)
    """Content type by file extension (lower case)."""
    overrides: dict[str, str] = field(default_factory=dict)
    """Content type by part name."""
    relationships: list[Relationship] = field(default_factory=list)

    def content_type(self, name: str) -> str:
        found = self.overrides.get(name)
        if found is not None:
            return found
        return self.defaults.get(PurePosixPath(name).suffix.lstrip(".").lower(), "")

    def read(self, name: str) -> bytes:
        return self.archive.read(name)

    def xml_parts(self) -> Iterator[str]:
        """Every part read as XML: by content type or name, relationships aside."""
        for name in sorted(self.names):
            kind = self.content_type(name)
            if name.endswith(".rels") or name == CONTENT_TYPES:
                continue
            if kind.endswith(("+xml", "/xml")) or name.lower().endswith(".xml"):
                yield name


def parse_xml(data: bytes, name: str) -> etree._Element:
    """A part as XML: no entity resolved, no DTD, nothing fetched; a DOCTYPE is refused (Word
    writes none, and entity expansion is the classic bomb)."""
    parser = etree.XMLParser(
        resolve_entities=False, no_network=True, huge_tree=False, load_dtd=False
    )
    try:
        root = etree.fromstring(data, parser)
    except etree.XMLSyntaxError:
        raise PackageError(f"une de ses parties est illisible ({name})") from None
    if root.getroottree().docinfo.doctype:
        raise PackageError(f"une de ses parties déclare une DTD ({name})")
    return root


def open_package(data: bytes) -> Package:
    """The package in ``data``, its sizes checked before anything is inflated."""
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
        infos = archive.infolist()
    except (zipfile.BadZipFile, zipfile.LargeZipFile, OSError, ValueError, EOFError):
        raise PackageError("ce n'est pas un document Word (.docx) valide") from None
    if len(infos) > MAX_ENTRIES:
        raise PackageError("le document contient trop de parties")
    if sum(i.file_size for i in infos) > MAX_UNPACKED:
        raise PackageError("le document est trop volumineux une fois décompressé")
    for info in infos:
        if info.compress_size and info.file_size / info.compress_size > MAX_RATIO:
            raise PackageError("le document est anormalement compressé (bombe zip ?)")
    names = {i.filename for i in infos}
    if CONTENT_TYPES not in names:
        raise PackageError("ce n'est pas un document Word (.docx) valide")
    package = Package(archive, names)
    types = parse_xml(archive.read(CONTENT_TYPES), CONTENT_TYPES)
    for item in types:
        if item.tag == f"{{{_TYPES_NS}}}Default":
            package.defaults[str(item.get("Extension", "")).lower()] = str(
                item.get("ContentType", "")
            )
        elif item.tag == f"{{{_TYPES_NS}}}Override":
            name = str(item.get("PartName", "")).lstrip("/")
            package.overrides[name] = str(item.get("ContentType", ""))
    for rels in sorted(n for n in names if n.endswith(".rels")):
        package.relationships += _relationships(rels, parse_xml(archive.read(rels), rels))
    return package


def _relationships(rels: str, root: etree._Element) -> Iterator[Relationship]:
    """The relationships of one .rels part; ``word/_rels/document.xml.rels`` belongs to
    ``word/document.xml``, whose folder its relative targets start from."""
    folder = PurePosixPath(rels).parent.parent
    for rel in root.iter(f"{{{_RELS_NS}}}Relationship"):
        kind = str(rel.get("Type", "")).rstrip("/").rsplit("/", 1)[-1].lower()
        target = str(rel.get("Target", ""))
        if str(rel.get("TargetMode", "")).strip().lower() == "external":
            yield Relationship(rels, kind, target, True)
        else:
            resolved = posixpath.normpath(
                target if target.startswith("/") else str(folder / target)
            )
            yield Relationship(rels, kind, resolved.lstrip("/"), False)
