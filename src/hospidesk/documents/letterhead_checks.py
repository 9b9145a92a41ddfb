"""The checks of a letterhead beyond those of any .docx (:mod:`hospidesk.documents.checks`):
no renamed Word template, no embedded object (OLE, controls, fonts, add-ins, audio, video),
and every picture a sane PNG or JPEG, wherever it is stored in the file.
"""

from __future__ import annotations

import io
import posixpath
import struct
import zipfile
from collections.abc import Iterator
from pathlib import PurePosixPath

from lxml import etree

from hospidesk.documents.checks import inspect_docx

MAX_PIXELS = 40_000_000
"""Per image: a bigger picture is a decompression bomb for the word processor, not a logo."""

_RELS_NS = "http://schemas.openxmlformats.org/package/2006/relationships"
# Relationship types (the last segment of the type URI) that bring in something other than
# text, styles and pictures: OLE objects, embedded documents, controls, chunks of foreign
# markup, fonts, macros, add-ins, audio and video.
_EMBEDDING_TYPES = frozenset(
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
_EMBEDDING_FOLDERS = ("word/embeddings/", "word/activex/", "word/fonts/")
_PNG = b"\x89PNG\r\n\x1a\n"
_JPEG = b"\xff\xd8\xff"


class _Illegible(Exception):
    """A relationships part that cannot be parsed (its name in ``args[0]``)."""


def _relationships(archive: zipfile.ZipFile) -> Iterator[tuple[str, str, str | None]]:
    """Each relationship of the package, once: its .rels part, its type (the last segment of
    the type URI, lower case) and the part it points to (None when outside the file)."""
    parser = etree.XMLParser(resolve_entities=False, no_network=True, huge_tree=False)
    for rels in (n for n in archive.namelist() if n.endswith(".rels")):
        try:
            root = etree.fromstring(archive.read(rels), parser)
        except etree.XMLSyntaxError:
            raise _Illegible(rels) from None
        folder = PurePosixPath(rels).parent.parent  # word/_rels/x.rels -> word
        for rel in root.iter(f"{{{_RELS_NS}}}Relationship"):
            kind = str(rel.get("Type", "")).rstrip("/").rsplit("/", 1)[-1].lower()
            if rel.get("TargetMode") == "External":
                yield rels, kind, None  # refused by inspect_docx already
            else:
                target = posixpath.normpath(str(folder / str(rel.get("Target", ""))))
                yield rels, kind, target.lstrip("/")


def letterhead_problems(data: bytes) -> list[str]:
    """Every reason to refuse ``data`` as a letterhead, in French (empty when it is usable)."""
    problems = [p.reason for p in inspect_docx(data)]
    if problems:
        return problems
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        names = archive.namelist()
        if b"template.main+xml" in archive.read("[Content_Types].xml"):
            return ["c'est un modèle Word (.dotx) renommé : ouvrez-le dans Word et enregistrez-le "
                    "comme document (.docx)"]  # fmt: skip
        for name in names:
            if name.lower().startswith(_EMBEDDING_FOLDERS):
                return [f"il contient un objet incorporé ({name}) : seules les images PNG et "
                        "JPEG sont admises"]  # fmt: skip
        try:
            relationships = list(_relationships(archive))
        except _Illegible as exc:
            return [f"une de ses parties est illisible ({exc.args[0]})"]
        for rels, kind, _ in relationships:
            if kind in _EMBEDDING_TYPES:
                return [f"il contient un objet incorporé ({kind}, {rels}) : seules les images "
                        "PNG et JPEG sont admises"]  # fmt: skip
        image_targets = {t for _, kind, t in relationships if kind == "image" and t}
        for name in sorted(pictures(archive, image_targets)):
            problem = image_problem(name, archive.read(name))
            if problem:
                return [problem]
    return []


def pictures(archive: zipfile.ZipFile, image_targets: set[str]) -> set[str]:
    """Every part that is a picture: in a media folder, of an image content type, or the
    target of an image relationship (``image_targets``, wherever it is stored)."""
    names = set(archive.namelist())
    found = {n for n in names if "/media/" in f"/{n.lower()}"} | image_targets
    parser = etree.XMLParser(resolve_entities=False, no_network=True)
    types = etree.fromstring(archive.read("[Content_Types].xml"), parser)
    image_ext = set()
    for item in types:
        if not str(item.get("ContentType", "")).startswith("image/"):
            continue
        if item.get("Extension"):
            image_ext.add(str(item.get("Extension")).lower())
        if item.get("PartName"):
            found.add(str(item.get("PartName")).lstrip("/"))
    found |= {n for n in names if PurePosixPath(n).suffix.lstrip(".").lower() in image_ext}
    return found & names


def image_problem(name: str, data: bytes) -> str | None:
    """Why the picture ``name`` cannot be in a letterhead (None for a sane PNG or JPEG)."""
    short = PurePosixPath(name).name
    if data.startswith(_PNG):
        size = _png_size(data)
    elif data.startswith(_JPEG):
        size = _jpeg_size(data)
    else:
        kind = PurePosixPath(name).suffix.lstrip(".").upper() or "inconnu"
        return (
            f"l'image {short} est au format {kind} : seules les images PNG et JPEG sont admises "
            "(enregistrez le logo en PNG)"
        )
    if size is None:
        return f"l'image {short} est endommagée"
    width, height = size
    if width * height > MAX_PIXELS:
        return f"l'image {short} est démesurée ({width} × {height} pixels)"
    return None


def _png_size(data: bytes) -> tuple[int, int] | None:
    if len(data) < 24 or data[12:16] != b"IHDR":
        return None
    width, height = struct.unpack(">II", data[16:24])
    return int(width), int(height)


def _jpeg_size(data: bytes) -> tuple[int, int] | None:
    """The frame size from the first SOF marker."""
    at = 2
    while at + 4 <= len(data):
        if data[at] != 0xFF:
            return None
        marker = data[at + 1]
        if marker == 0xFF:  # fill byte
            at += 1
            continue
        if marker in (0xD8, 0x01) or 0xD0 <= marker <= 0xD7:
            at += 2
            continue
        (length,) = struct.unpack(">H", data[at + 2 : at + 4])
        if 0xC0 <= marker <= 0xCF and marker not in (0xC4, 0xC8, 0xCC):
            if at + 9 > len(data):
                return None
            height, width = struct.unpack(">HH", data[at + 5 : at + 9])
            return int(width), int(height)
        at += 2 + length
    return None
