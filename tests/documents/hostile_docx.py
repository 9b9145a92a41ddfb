"""A corpus of hostile .docx files: each one a document Word would open, with one way of reaching
outside or of carrying foreign content, and the words HospiDesk's refusal must contain.

Built from a plain document (python-docx) whose parts are edited as text, the way an attacker
would: fields under another namespace prefix, in headers, footers, footnotes, the glossary and
parts stored outside ``word/``; OLE objects and packages, ActiveX controls, altChunks; external
relationships of every kind; DTDs, macros, a renamed template, pictures that are not pictures.

``python -m tests.documents.hostile_docx DIR`` writes them into DIR (to try them in Word or to
feed them to the window by hand).
"""

from __future__ import annotations

import io
import re
import sys
import zipfile
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import docx

W = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
R = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
REL = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
PACKAGE_RELS = "http://schemas.openxmlformats.org/package/2006/relationships"
FIELD = "INCLUDEPICTURE"
EMBEDDED = "objet incorporé"
EXTERNAL = "contenu externe"


@dataclass(frozen=True)
class Hostile:
    name: str
    data: bytes
    expected: str
    """Words the refusal's reason must hold."""


def _plain() -> bytes:
    document = docx.Document()
    document.add_paragraph("Madame, {{ champs.destinataire }}")
    section = document.sections[0]
    section.header.paragraphs[0].text = "En-tête"
    section.footer.paragraphs[0].text = "Pied de page"
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()


def _edit(data: bytes, changes: dict[str, Callable[[str], str] | bytes]) -> bytes:
    """``data`` with parts changed (a function of their text) or added (bytes)."""
    source = zipfile.ZipFile(io.BytesIO(data))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for info in source.infolist():
            change = changes.get(info.filename)
            content = source.read(info.filename)
            if callable(change):
                content = change(content.decode("utf-8")).encode("utf-8")
            target.writestr(info.filename, content)
        for name, change in changes.items():
            if name not in source.namelist() and isinstance(change, bytes):
                target.writestr(name, change)
    return out.getvalue()


def _field(code: str, prefix: str = "w") -> str:
    """A complex field (begin, code, end) written with ``prefix`` for WordprocessingML."""
    p = prefix
    return (
        f'<{p}:r><{p}:fldChar {p}:fldCharType="begin"/></{p}:r>'
        f'<{p}:r><{p}:instrText xml:space="preserve"> {code} </{p}:instrText></{p}:r>'
        f'<{p}:r><{p}:fldChar {p}:fldCharType="end"/></{p}:r>'
    )


def _in_first_paragraph(xml: str, runs: str) -> str:
    return re.sub(
        r"(<w:p[ >].*?)(</w:p>)", lambda m: m.group(1) + runs + m.group(2), xml, count=1,
        flags=re.S,
    )  # fmt: skip


def _relate(rels: str, kind: str, target: str, external: bool = False, rid: str = "rIdX") -> str:
    mode = ' TargetMode="External"' if external else ""
    entry = f'<Relationship Id="{rid}" Type="{REL}/{kind}" Target="{target}"{mode}/>'
    return rels.replace("</Relationships>", entry + "</Relationships>")


def _content_type(types: str, part: str, kind: str) -> str:
    entry = f'<Override PartName="/{part}" ContentType="{kind}"/>'
    return types.replace("</Types>", entry + "</Types>")


def _header_name(data: bytes) -> tuple[str, str]:
    names = zipfile.ZipFile(io.BytesIO(data)).namelist()
    header = next(n for n in names if re.fullmatch(r"word/header\d+\.xml", n))
    footer = next(n for n in names if re.fullmatch(r"word/footer\d+\.xml", n))
    return header, footer


def _part(root: str, body: str) -> bytes:
    return (
        f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?><{root} xmlns:w="{W}" '
        f'xmlns:r="{R}">{body}</{root.split(" ")[0]}>'
    ).encode()


def corpus() -> list[Hostile]:
    plain = _plain()
    header, footer = _header_name(plain)
    doc, rels, types = "word/document.xml", "word/_rels/document.xml.rels", "[Content_Types].xml"
    para = lambda runs: f"<w:p>{runs}</w:p>"  # noqa: E731
    items = [
        Hostile(
            "champ-autre-prefixe.docx",
            _edit(
                plain,
                {
                    doc: lambda x: x.replace(
                        "<w:document ", f'<w:document xmlns:x="{W}" ', 1
                    ).replace(
                        "</w:body>",
                        para(_field('INCLUDEPICTURE "http://x/y.png"', "x"))
                        .replace("<w:p>", "<x:p>")
                        .replace("</w:p>", "</x:p>")
                        + "</w:body>",
                    )
                },
            ),
            FIELD,
        ),
        Hostile(
            "champ-simple-autre-prefixe.docx",
            _edit(
                plain,
                {
                    doc: lambda x: x.replace(
                        "<w:document ", f'<w:document xmlns:q="{W}" ', 1
                    ).replace(
                        "</w:body>",
                        '<w:p><q:fldSimple q:instr=" INCLUDETEXT &quot;\\\\\\\\srv\\\\'
                        'a.docx&quot; "/></w:p></w:body>',
                    )
                },
            ),
            "INCLUDETEXT",
        ),
        Hostile(
            "champ-en-tete.docx",
            _edit(plain, {header: lambda x: _in_first_paragraph(x, _field('INCLUDETEXT "a"'))}),
            "INCLUDETEXT",
        ),
        Hostile(
            "champ-pied-de-page.docx",
            _edit(plain, {footer: lambda x: _in_first_paragraph(x, _field('DDEAUTO c "x"'))}),
            "DDEAUTO",
        ),
        Hostile(
            "champ-note-de-bas-de-page.docx",
            _edit(
                plain,
                {
                    "word/footnotes.xml": _part(
                        "w:footnotes",
                        f'<w:footnote w:id="1">{para(_field(FIELD + " x"))}</w:footnote>',
                    ),
                    rels: lambda x: _relate(x, "footnotes", "footnotes.xml"),
                    types: lambda x: _content_type(
                        x,
                        "word/footnotes.xml",
                        "application/vnd.openxmlformats-officedocument.wordprocessingml.footnotes+xml",
                    ),
                },
            ),
            FIELD,
        ),
        Hostile(
            "champ-glossaire.docx",
            _edit(
                plain,
                {
                    "word/glossary/document.xml": _part(
                        "w:glossaryDocument",
                        f"<w:docParts>{para(_field('LINK Excel x'))}</w:docParts>",
                    ),
                    rels: lambda x: _relate(x, "glossaryDocument", "glossary/document.xml"),
                    types: lambda x: _content_type(
                        x,
                        "word/glossary/document.xml",
                        "application/vnd.openxmlformats-officedocument.wordprocessingml."
                        "document.glossary+xml",
                    ),
                },
            ),
            "LINK",
        ),
        Hostile(
            "champ-partie-hors-word.docx",
            _edit(
                plain,
                {
                    "autre/entete.xml": _part("w:hdr", para(_field(FIELD + ' "http://x"'))),
                    rels: lambda x: _relate(x, "header", "../autre/entete.xml"),
                    types: lambda x: _content_type(
                        x,
                        "autre/entete.xml",
                        "application/vnd.openxmlformats-officedocument.wordprocessingml.header+xml",
                    ),
                },
            ),
            FIELD,
        ),
        Hostile(
            "ole.docx",
            _edit(
                plain,
                {
                    "word/embeddings/oleObject1.bin": b"\xd0\xcf\x11\xe0" + b"\0" * 60,
                    rels: lambda x: _relate(x, "oleObject", "embeddings/oleObject1.bin"),
                    doc: lambda x: x.replace(
                        "</w:body>", "<w:p><w:r><w:object/></w:r></w:p></w:body>"
                    ),
                },
            ),
            EMBEDDED,
        ),
        Hostile(
            "ole-package-cache.docx",
            _edit(
                plain,
                {
                    "misc/data.dat": b"PK\3\4 not quite",
                    rels: lambda x: _relate(x, "package", "../misc/data.dat"),
                    types: lambda x: _content_type(
                        x, "misc/data.dat", "application/vnd.openxmlformats-officedocument.package"
                    ),
                },
            ),
            EMBEDDED,
        ),
        Hostile(
            "ole-vml.docx",
            _edit(
                plain,
                {
                    doc: lambda x: x.replace(
                        "<w:document ",
                        '<w:document xmlns:oo="urn:schemas-microsoft-com:office:office" ',
                        1,
                    ).replace(
                        "</w:body>",
                        '<w:p><w:r><oo:OLEObject ProgID="Package"/></w:r></w:p></w:body>',
                    )
                },
            ),
            EMBEDDED,
        ),
        Hostile(
            "activex.docx",
            _edit(
                plain,
                {
                    "word/activeX/activeX1.xml": _part("w:ax", ""),
                    rels: lambda x: _relate(x, "control", "activeX/activeX1.xml"),
                },
            ),
            EMBEDDED,
        ),
        Hostile(
            "altchunk-interne.docx",
            _edit(
                plain,
                {
                    "word/chunk.html": b"<html><body><img src='http://x/y'></body></html>",
                    rels: lambda x: _relate(x, "aFChunk", "chunk.html", rid="rIdC"),
                    doc: lambda x: x.replace("</w:body>", '<w:altChunk r:id="rIdC"/></w:body>'),
                    types: lambda x: _content_type(x, "word/chunk.html", "text/html"),
                },
            ),
            EMBEDDED,
        ),
        Hostile(
            "altchunk-cache.docx",
            _edit(
                plain,
                {
                    "images/photo.png": b"MIME-Version: 1.0\r\n\r\nbonjour",
                    types: lambda x: _content_type(x, "images/photo.png", "message/rfc822"),
                },
            ),
            EMBEDDED,
        ),
        Hostile(
            "police-incorporee.docx",
            _edit(
                plain,
                {
                    "word/fonts/font1.odttf": b"\0" * 64,
                    "word/_rels/fontTable.xml.rels": (
                        f'<?xml version="1.0"?><Relationships xmlns="{PACKAGE_RELS}"><Relationship '
                        f'Id="rId1" Type="{REL}/font" Target="fonts/font1.odttf"/></Relationships>'
                    ).encode(),
                },
            ),
            EMBEDDED,
        ),
        Hostile(
            "dtd-entites.docx",
            _edit(
                plain,
                {
                    doc: lambda x: x.replace(
                        "<w:document",
                        '<!DOCTYPE w:document [<!ENTITY a "aaaaaaaaaa">'
                        '<!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;">]><w:document',
                        1,
                    )
                },
            ),
            "DTD",
        ),
        Hostile(
            "macro.docx",
            _edit(plain, {"word/vbaProject.bin": b"\0" * 64}),
            "macros",
        ),
        Hostile(
            "modele-renomme.docx",
            _edit(
                plain,
                {
                    types: lambda x: x.replace(
                        "wordprocessingml.document.main+xml", "wordprocessingml.template.main+xml"
                    )
                },
            ),
            ".dotx",
        ),
        Hostile(
            "image-svg.docx",
            _edit(plain, {"word/media/logo.png": b"<svg xmlns='http://www.w3.org/2000/svg'/>"}),
            "PNG et JPEG",
        ),
    ]
    external = {
        "lien-hypertexte": ("hyperlink", doc),
        "image-distante": ("image", doc),
        "modele-attache": ("attachedTemplate", "word/settings.xml"),
        "ole-lie": ("oleObject", doc),
        "cadre-distant": ("frame", "word/webSettings.xml"),
        "sous-document": ("subDocument", doc),
        "en-tete-distant": ("header", doc),
        "police-distante": ("font", "word/fontTable.xml"),
    }
    for name, (kind, part) in external.items():
        owner = str(Path(part).parent / "_rels" / (Path(part).name + ".rels"))
        change: Callable[[str], str] | bytes
        if owner in zipfile.ZipFile(io.BytesIO(plain)).namelist():
            change = lambda x, kind=kind: _relate(x, kind, "http://serveur.exemple/x", True)  # noqa: E731
        else:
            change = (
                f'<?xml version="1.0"?><Relationships xmlns="{PACKAGE_RELS}">'
                f'<Relationship Id="rId1" Type="{REL}/{kind}" Target="file://serveur/x" '
                f'TargetMode="External"/></Relationships>'
            ).encode()
        items.append(Hostile(f"externe-{name}.docx", _edit(plain, {owner: change}), EXTERNAL))
    return items


def main() -> int:
    folder = Path(sys.argv[1])
    folder.mkdir(parents=True, exist_ok=True)
    for item in corpus():
        (folder / item.name).write_bytes(item.data)
        print(f"{item.name}: {item.expected}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
