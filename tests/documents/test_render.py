import io
import zipfile
from datetime import date
from pathlib import Path

import docx
import pytest

from hospidesk.documents.render import (
    LetterContext,
    RenderError,
    french_date,
    render_to_file,
    split_paragraphs,
)
from hospidesk.paths import shipped_packs_dir
from tests.documents.helpers import all_text, make_docx

LETTER = shipped_packs_dir() / "secretariat/templates/courrier.docx"


def context(body: str, **champs: str) -> LetterContext:
    values = {
        "destinataire": "",
        "objet": "Votre demande",
        "reference": "",
        "formule_appel": "Madame,",
    } | champs
    return LetterContext(
        etablissement={
            "nom": "CHU de Test",
            "service": "Admissions",
            "adresse": "1 rue de l'Hôpital\n75000 Paris",
            "telephone": "01 02 03 04 05",
            "ville": "Paris",
        },
        signataire={"nom": "Mme Durand", "fonction": "Secrétaire"},
        champs=values,
        multiline=frozenset({"destinataire"}),
        objet=values["objet"],
        body=body,
        today=date(2026, 3, 1),
    )


def test_french_date() -> None:
    assert french_date(date(2026, 3, 1)) == "1er mars 2026"
    assert french_date(date(2026, 8, 15)) == "15 août 2026"


def test_paragraphs_headings_and_bullets() -> None:
    assert split_paragraphs("**Premier**\n\n  Deuxième  \r\n## Décisions\n- Fermer 8 lits") == [
        {"texte": "Premier", "titre": False, "puce": False},
        {"texte": "Deuxième", "titre": False, "puce": False},
        {"texte": "Décisions", "titre": True, "puce": False},
        {"texte": "Fermer 8 lits", "titre": False, "puce": True},
    ]


def test_headings_and_bullets_get_their_styles(tmp_path: Path) -> None:
    out = tmp_path / "l.docx"
    render_to_file(LETTER, context("Intro.\n## Actions\n- Valider le planning"), out)
    styles = {p.text: p.style.name for p in docx.Document(str(out)).paragraphs}
    assert styles["Intro."] == "Body Text"
    assert styles["Actions"] == "Heading 1"
    assert styles["Valider le planning"] == "List Bullet"


def test_letter_has_letterhead_date_subject_body_and_signature(tmp_path: Path) -> None:
    out = tmp_path / "l.docx"
    render_to_file(
        LETTER,
        context(
            "Premier paragraphe.\n\nSecond paragraphe.",
            destinataire="M. Martin\n3 rue X\n69000 Lyon",
            reference="Dossier 42",
        ),
        out,
    )
    document = docx.Document(str(out))
    body = [p.text for p in document.paragraphs]
    assert "Paris, le 1er mars 2026" in body
    assert "Objet : Votre demande" in body
    assert "Réf. : Dossier 42" in body
    assert "M. Martin\n3 rue X\n69000 Lyon" in body
    i = body.index("Premier paragraphe.")
    assert body[i + 1] == "Second paragraphe."
    assert document.paragraphs[i].style.name == "Body Text"
    header = [p.text for p in document.sections[0].header.paragraphs]
    assert header[:2] == ["CHU de Test", "Admissions"]
    assert "1 rue de l'Hôpital\n75000 Paris" in header
    assert "Mme Durand" in body
    assert "Madame, l'expression" in all_text(out)
    assert "{{" not in all_text(out) and "{%" not in all_text(out)


def test_empty_optional_lines_disappear(tmp_path: Path) -> None:
    out = tmp_path / "l.docx"
    render_to_file(LETTER, context("Texte."), out)
    assert "Réf. :" not in all_text(out)


def test_xml_special_characters_are_escaped(tmp_path: Path) -> None:
    out = tmp_path / "l.docx"
    tricky = 'Montant < 100 € & délai > 8 jours "urgent" </w:t></w:r><w:r><w:t>'
    render_to_file(LETTER, context(tricky, objet="A & B <c>"), out)
    assert tricky in all_text(out)
    assert "Objet : A & B <c>" in all_text(out)


@pytest.mark.parametrize(
    "attack",
    [
        "{{ ''.__class__.__mro__[1].__subclasses__() }}",
        "{{ cycler.__init__.__globals__.os.popen('id').read() }}",
        "{{ corps.append('x') }}",
        "{% for c in [].__class__.__base__.__subclasses__() %}{{ c }}{% endfor %}",
    ],
)
def test_templates_cannot_reach_python_objects(tmp_path: Path, attack: str) -> None:
    template = tmp_path / "evil.docx"
    template.write_bytes(make_docx(["Bonjour", attack]))
    out = tmp_path / "out.docx"
    with pytest.raises(RenderError, match="tente une opération interdite"):
        render_to_file(template, context("x"), out)
    assert not out.exists()


def test_output_has_no_external_relationship_nor_macro(tmp_path: Path) -> None:
    out = tmp_path / "l.docx"
    render_to_file(LETTER, context("Texte."), out)
    with zipfile.ZipFile(io.BytesIO(out.read_bytes())) as archive:
        for name in archive.namelist():
            assert "vba" not in name.lower()
            if name.endswith(".rels"):
                assert b"External" not in archive.read(name)
