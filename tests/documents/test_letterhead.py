"""The letterhead around a template's body, and the letterheads refused before any use."""

from __future__ import annotations

import io
import os
import re
import zipfile
from datetime import date
from pathlib import Path

import docx
import pytest

from hospidesk.documents.letterhead import (
    MAX_BYTES,
    LetterheadRefused,
    read_letterhead,
    render_document,
)
from hospidesk.documents.render import LetterContext, render_bytes
from tests.conftest import REPO
from tests.documents import letterhead_maker as maker
from tests.documents.helpers import add_part

COURRIER = REPO / "prompt_packs" / "secretariat" / "templates" / "courrier.docx"
COMPTE_RENDU = REPO / "prompt_packs" / "medecins-cadres" / "templates" / "compte-rendu.docx"
BODY = "Votre dossier est complet.\n## Suite\n- Rendez-vous le 4 décembre\nCordialement."


def context(**champs: str) -> LetterContext:
    return LetterContext(
        etablissement={
            "nom": "CHU de Sainte-Exemple",
            "service": "Admissions",
            "adresse": "12 avenue des Tilleuls",
            "telephone": "04 72 11 22 33",
            "ville": "Lyon",
        },
        signataire={"nom": "Claire Dubois", "fonction": "Secrétaire médicale"},
        champs={"destinataire": "M. Durand", "formule_appel": "Monsieur,", **champs},
        multiline=frozenset(),
        objet="Votre demande",
        body=BODY,
        today=date(2026, 12, 1),
    )


def installed(tmp_path: Path, data: bytes, name: str = "letterhead.docx") -> Path:
    return maker.write(tmp_path / name, data)


def render(template: Path, letterhead: Path | None) -> docx.document.Document:
    chosen = read_letterhead(letterhead) if letterhead else None
    return docx.Document(io.BytesIO(render_document(template, context(), chosen)))


@pytest.mark.parametrize("template", [COURRIER, COMPTE_RENDU], ids=["lettre", "document"])
def test_the_letterhead_brings_page_headers_footers_and_styles(
    tmp_path: Path, template: Path
) -> None:
    document = render(template, installed(tmp_path, maker.letterhead()))
    assert maker.logo_in_first_header(document)
    assert maker.LEGAL_MENTION in maker.footer_text(document)
    assert maker.titled(document), "the template's title uses the letterhead's « Titre »"
    section = document.sections[-1]
    assert section.different_first_page_header_footer
    assert round(section.top_margin.cm, 1) == 3.2  # the letterhead's page setup
    first_header = "\n".join(p.text for p in section.first_page_header.paragraphs)
    assert "CHU de Sainte-Exemple" in first_header  # its tags filled like a template's
    assert "{{" not in all_text_of(document)
    text = "\n".join(p.text for p in document.paragraphs)
    assert "Votre dossier est complet." in text and "Rendez-vous le 4 décembre" in text
    assert "le corps de l'en-tête" not in text


def all_text_of(document: docx.document.Document) -> str:
    parts = []
    for section in document.sections:
        for part in (section.header, section.first_page_header, section.footer):
            parts += [p.text for p in part.paragraphs]
            for table in part.tables:
                parts += [cell.text for row in table.rows for cell in row.cells]
    parts += [p.text for p in document.paragraphs]
    return "\n".join(parts)


def test_the_templates_own_header_is_not_used_with_a_letterhead(tmp_path: Path) -> None:
    document = render(COURRIER, installed(tmp_path, maker.letterhead(service="Pharmacie")))
    headers = [
        p.text
        for s in document.sections
        for part in (s.header, s.first_page_header)
        for p in part.paragraphs
    ]
    assert "Pharmacie" in headers
    assert not any("Tél. :" in line for line in headers)  # the template's own header line


def test_without_a_letterhead_the_template_renders_as_before() -> None:
    plain = render_document(COURRIER, context(), None)
    assert docx_parts(plain) == docx_parts(render_bytes(COURRIER, context()))


def docx_parts(document: bytes) -> dict[str, bytes]:
    """A .docx's parts and their bytes: the zip's own headers carry the time of writing (to
    2 s), which differs between two renders that straddle a tick."""
    with zipfile.ZipFile(io.BytesIO(document)) as archive:
        return {name: archive.read(name) for name in archive.namelist()}


def test_a_custom_style_named_titre_stands_for_the_built_in_title(tmp_path: Path) -> None:
    """A letterhead whose author created a style called « Titre » (not Word's built-in)."""
    base = docx.Document(io.BytesIO(maker.letterhead()))
    title = base.styles["Title"]
    title.name = "Titre"  # a custom style with the French name
    out = io.BytesIO()
    base.save(out)
    document = render(COURRIER, installed(tmp_path, out.getvalue()))
    assert maker.titled(document)


def test_where_both_define_a_style_the_letterhead_wins(tmp_path: Path) -> None:
    document = render(COMPTE_RENDU, installed(tmp_path, maker.letterhead()))
    template = docx.Document(str(COMPTE_RENDU))
    assert template.styles["Title"].font.name != maker.TITLE_FONT
    assert document.styles["Title"].font.name == maker.TITLE_FONT
    assert len([s for s in document.styles if s.name == "Title"]) == 1
    # A style only the template has (its bullets) comes with the body.
    assert any(p.style.name == "List Bullet" for p in document.paragraphs)


def test_a_letterheads_ignored_body_is_said(tmp_path: Path) -> None:
    letterhead = read_letterhead(installed(tmp_path, maker.letterhead(body="Logo ici ?")))
    assert letterhead.notes and "corps du document est ignoré" in letterhead.notes[0]
    assert not read_letterhead(installed(tmp_path, maker.letterhead(), "b.docx")).notes


def macro(data: bytes) -> bytes:
    return add_part(data, "word/vbaProject.bin", b"\xd0\xcf\x11\xe0" + b"\0" * 512)


def external_image(data: bytes) -> bytes:
    """The logo linked from a web server instead of embedded (Word's « Lier au fichier »)."""
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        name = next(n for n in archive.namelist() if n.startswith("word/_rels/header"))
        rels = archive.read(name).decode()
    rels = rels.replace(
        "</Relationships>",
        '<Relationship Id="rId99" Type="http://schemas.openxmlformats.org/officeDocument/'
        '2006/relationships/image" Target="http://intranet.example/logo.png" '
        'TargetMode="External"/></Relationships>',
    )
    return add_part(data, name, rels.encode(), replace=True)


def ole_object(data: bytes) -> bytes:
    data = add_part(data, "word/embeddings/oleObject1.bin", b"\xd0\xcf\x11\xe0" + b"\0" * 64)
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        rels = archive.read("word/_rels/document.xml.rels").decode()
    rels = rels.replace(
        "</Relationships>",
        '<Relationship Id="rId98" Type="http://schemas.openxmlformats.org/officeDocument/'
        '2006/relationships/oleObject" Target="embeddings/oleObject1.bin"/></Relationships>',
    )
    return add_part(data, "word/_rels/document.xml.rels", rels.encode(), replace=True)


def emf_logo(data: bytes) -> bytes:
    """The logo as a Windows metafile, as old letterheads often have it."""
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        name = next(n for n in archive.namelist() if n.startswith("word/media/"))
    return add_part(data, name, b"\x01\x00\x00\x00" + b"\0" * 200, replace=True)


def huge_logo(data: bytes) -> bytes:
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        name = next(n for n in archive.namelist() if n.startswith("word/media/"))
    bomb = maker.png(8, 8)
    bomb = bomb[:16] + (100_000).to_bytes(4, "big") + (100_000).to_bytes(4, "big") + bomb[24:]
    return add_part(data, name, bomb, replace=True)


def bad_tag(data: bytes) -> bytes:
    return maker.letterhead(service="{{ etab.nom ")


@pytest.mark.parametrize(
    ("spoil", "reason"),
    [
        (macro, "contient des macros"),
        (external_image, "fait référence à un contenu externe"),
        (ole_object, "objet incorporé"),
        (emf_logo, "seules les images PNG et JPEG sont admises"),
        (huge_logo, "démesurée (100000 × 100000 pixels)"),
        (bad_tag, "une balise {{ … }} est incorrecte"),
        (lambda data: b"PK\x03\x04 pas un document", "n'est pas un document Word"),
    ],
    ids=["macro", "image-externe", "objet-ole", "logo-emf", "logo-demesure", "balise", "zip"],
)
def test_a_spoiled_letterhead_is_refused_in_one_line(tmp_path: Path, spoil, reason: str) -> None:  # type: ignore[no-untyped-def]
    path = installed(tmp_path, spoil(maker.letterhead()))
    with pytest.raises(LetterheadRefused) as refused:
        read_letterhead(path)
    message = refused.value.message
    assert message.startswith("En-tête refusé : letterhead.docx — ")
    assert reason in message and "\n" not in message


def test_a_50_mb_letterhead_is_refused_without_being_read(tmp_path: Path) -> None:
    path = tmp_path / "letterhead.docx"
    with path.open("wb") as handle:  # a sparse file: 50 MB that reading would have to go through
        handle.write(maker.letterhead())
        handle.truncate(50 * 1024 * 1024)
    with pytest.raises(LetterheadRefused, match=r"pèse 50 Mo \(au plus 10 Mo"):
        read_letterhead(path)
    assert MAX_BYTES < 50 * 1024 * 1024


def test_a_letterhead_that_is_not_a_file_is_refused(tmp_path: Path) -> None:
    (tmp_path / "letterhead.docx").mkdir()
    with pytest.raises(LetterheadRefused, match="ce n'est pas un fichier"):
        read_letterhead(tmp_path / "letterhead.docx")


def test_the_bytes_checked_are_the_bytes_used(tmp_path: Path) -> None:
    """The letterhead is read once: replacing the file later changes nothing until the next
    start (the sha256 in the audit trail is the one of what was applied)."""
    path = installed(tmp_path, maker.letterhead(service="Avant"))
    letterhead = read_letterhead(path)
    path.write_bytes(macro(maker.letterhead(service="Après")))
    document = docx.Document(io.BytesIO(render_document(COURRIER, context(), letterhead)))
    header = [p.text for p in document.sections[-1].first_page_header.paragraphs]
    assert "Avant" in header


def test_a_missing_letterhead_file_is_said_in_french(tmp_path: Path) -> None:
    with pytest.raises(LetterheadRefused, match=r"nouveau\.docx — fichier introuvable"):
        read_letterhead(tmp_path / "nouveau.docx")


def renamed_template(data: bytes) -> bytes:
    """A Word template (.dotx) renamed letterhead.docx."""
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        types = archive.read("[Content_Types].xml").decode()
    types = types.replace("document.main+xml", "template.main+xml")
    return add_part(data, "[Content_Types].xml", types.encode(), replace=True)


def broken_body(data: bytes) -> bytes:
    return add_part(data, "word/document.xml", b"<w:document", replace=True)


def include_picture(data: bytes) -> bytes:
    """The logo fetched by an INCLUDEPICTURE field (split over two runs, as Word writes it)."""
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        name = next(n for n in archive.namelist() if re.fullmatch(r"word/header\d+\.xml", n))
        xml = archive.read(name).decode()
    field = (
        '<w:r><w:fldChar w:fldCharType="begin"/></w:r>'
        '<w:r><w:instrText xml:space="preserve"> INCLUDEPIC</w:instrText></w:r>'
        '<w:r><w:instrText xml:space="preserve">TURE "\\\\serveur\\logo.png" \\d'
        "</w:instrText></w:r>"
        '<w:r><w:fldChar w:fldCharType="end"/></w:r>'
    )
    xml = xml.replace("</w:p>", field + "</w:p>", 1)
    return add_part(data, name, xml.encode(), replace=True)


def emf_elsewhere(data: bytes) -> bytes:
    """A Windows metafile stored outside media/, behind an ordinary image relationship."""
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        rels_name = next(n for n in archive.namelist() if n.startswith("word/_rels/header"))
        rels = archive.read(rels_name).decode()
    rels = rels.replace(
        "</Relationships>",
        '<Relationship Id="rId77" Type="http://schemas.openxmlformats.org/officeDocument/'
        '2006/relationships/image" Target="pics/logo.emf"/></Relationships>',
    )
    data = add_part(data, rels_name, rels.encode(), replace=True)
    return add_part(data, "word/pics/logo.emf", b"\x01\x00\x00\x00" + b"\0" * 100)


@pytest.mark.parametrize(
    ("spoil", "reason"),
    [
        (renamed_template, r"modèle Word \(\.dotx\) renommé"),
        (broken_body, "n'est pas un document Word|ne peut pas être lu|illisible"),
        (include_picture, "champ INCLUDEPICTURE qui va chercher un contenu externe"),
        (emf_elsewhere, "l'image logo.emf est au format EMF"),
    ],
    ids=["dotx", "corps-casse", "includepicture", "emf-hors-media"],
)
def test_what_word_opens_but_must_not_be_a_letterhead_is_refused(
    tmp_path: Path,
    spoil,  # type: ignore[no-untyped-def]
    reason: str,
) -> None:
    with pytest.raises(LetterheadRefused, match=reason):
        read_letterhead(installed(tmp_path, spoil(maker.letterhead())))


def test_a_pipe_named_letterhead_is_refused_without_waiting(tmp_path: Path) -> None:
    os.mkfifo(tmp_path / "letterhead.docx")
    with pytest.raises(LetterheadRefused, match="ce n'est pas un fichier"):
        read_letterhead(tmp_path / "letterhead.docx")


def test_a_template_with_an_outside_field_is_refused_and_a_source_with_one_is_read(
    tmp_path: Path,
) -> None:
    from hospidesk.documents.render import RenderError, render_bytes
    from hospidesk.documents.sources import read_document

    template = tmp_path / "t.docx"
    template.write_bytes(include_picture(maker.letterhead()))
    with pytest.raises(RenderError, match="champ INCLUDEPICTURE"):
        render_bytes(template, context())
    source = tmp_path / "rapport.docx"
    source.write_bytes(include_picture(maker.letterhead(body="Le rapport du service.")))
    assert "Le rapport du service." in read_document(source).text  # read for its text only
