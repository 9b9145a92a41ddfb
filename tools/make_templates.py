"""Build the Word templates of the shipped packs (run: python tools/make_templates.py).

The .docx files are committed; this script is how they are made and changed, so a reviewer
reads Python instead of zipped XML. Templates use docxtpl tags (Jinja in the sandbox):
``etab.*`` (hospital details), ``signataire.*``, ``champs.*`` (the task's fields exactly as
typed), ``objet``, ``date_du_jour`` and ``corps`` (the model's paragraphs).
"""

from __future__ import annotations

import sys
from collections.abc import Callable
from pathlib import Path

from docx import Document
from docx.document import Document as DocumentType
from docx.enum.table import WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.shared import Cm, Pt, RGBColor

ROOT = Path(__file__).resolve().parents[1]
BLUE = RGBColor(0x1F, 0x3A, 0x68)
GREY = RGBColor(0x59, 0x59, 0x59)
RIGHT_BLOCK = Cm(9.5)


def base_document(title: str) -> DocumentType:
    doc = Document()
    section = doc.sections[0]
    section.page_height, section.page_width = Cm(29.7), Cm(21.0)
    section.left_margin = section.right_margin = Cm(2.2)
    section.top_margin, section.bottom_margin = Cm(1.5), Cm(1.8)
    section.header_distance = Cm(1.0)
    normal = doc.styles["Normal"]
    normal.font.name = "Arial"
    normal.font.size = Pt(10.5)
    normal.paragraph_format.space_after = Pt(0)
    body = doc.styles.add_style("Corps de lettre", 1)
    body.base_style = normal
    body.paragraph_format.space_after = Pt(8)
    body.paragraph_format.alignment = WD_ALIGN_PARAGRAPH.JUSTIFY
    heading = doc.styles.add_style("Titre de section", 1)
    heading.base_style = normal
    heading.font.bold = True
    heading.font.size = Pt(11)
    heading.font.color.rgb = BLUE
    heading.paragraph_format.space_before = Pt(10)
    heading.paragraph_format.space_after = Pt(4)
    heading.paragraph_format.keep_with_next = True
    doc.core_properties.title = title
    doc.core_properties.author = "HospiDesk"
    doc.core_properties.comments = "Modèle de document HospiDesk"

    header = section.header
    first = header.paragraphs[0]
    run = first.add_run("{{ etab.nom }}")
    run.bold, run.font.size, run.font.color.rgb = True, Pt(13), BLUE
    for text in ("{{ etab.service }}", "{{ etab.adresse }}", "Tél. : {{ etab.telephone }}"):
        para = header.add_paragraph()
        r = para.add_run(text)
        r.font.size, r.font.color.rgb = Pt(9), GREY
    rule = header.add_paragraph()
    rule.add_run("_" * 86).font.color.rgb = BLUE

    footer = section.footer.paragraphs[0]
    footer.alignment = WD_ALIGN_PARAGRAPH.CENTER
    fr = footer.add_run("{{ etab.nom }} — {{ etab.service }} — Tél. : {{ etab.telephone }}")
    fr.font.size, fr.font.color.rgb = Pt(8), GREY
    return doc


def right(doc: DocumentType, text: str, bold: bool = False) -> None:
    para = doc.add_paragraph()
    para.paragraph_format.left_indent = RIGHT_BLOCK
    para.add_run(text).bold = bold


def tag(doc: DocumentType, text: str) -> None:
    """A paragraph holding only a docxtpl {%p ... %} tag (removed when rendered)."""
    doc.add_paragraph(text)


def blank(doc: DocumentType) -> None:
    doc.add_paragraph()


def recipient_and_date(doc: DocumentType, recipient: list[str]) -> None:
    blank(doc)
    for line in recipient:
        if line.startswith("{%p"):
            tag(doc, line)
        else:
            right(doc, line)
    blank(doc)
    right(doc, "{{ etab.ville }}, le {{ date_du_jour }}")
    blank(doc)


def subject(doc: DocumentType) -> None:
    para = doc.add_paragraph()
    para.add_run("Objet : ").bold = True
    para.add_run("{{ objet }}")
    tag(doc, "{%p if champs.reference %}")
    ref = doc.add_paragraph()
    ref.add_run("Réf. : ").bold = True
    ref.add_run("{{ champs.reference }}")
    tag(doc, "{%p endif %}")
    blank(doc)


def body(doc: DocumentType, salutation: str | None = None) -> None:
    """The model's paragraphs: section headings, bullets and plain paragraphs, each styled."""
    if salutation:
        doc.add_paragraph(salutation, style="Corps de lettre")
    tag(doc, "{%p for para in corps %}")
    tag(doc, "{%p if para.titre %}")
    doc.add_paragraph("{{ para.texte }}", style="Titre de section")
    tag(doc, "{%p elif para.puce %}")
    doc.add_paragraph("{{ para.texte }}", style="List Bullet")
    tag(doc, "{%p else %}")
    doc.add_paragraph("{{ para.texte }}", style="Corps de lettre")
    tag(doc, "{%p endif %}")
    tag(doc, "{%p endfor %}")


def signature(doc: DocumentType) -> None:
    blank(doc)
    right(doc, "{{ signataire.nom }}", bold=True)
    right(doc, "{{ signataire.fonction }}")


def letter(doc: DocumentType) -> None:
    recipient_and_date(
        doc,
        [
            "{%p if champs.destinataire %}",
            "{{ champs.destinataire }}",
            "{%p endif %}",
        ],
    )
    subject(doc)
    body(doc, "{{ champs.formule_appel }}")
    doc.add_paragraph(
        "Je vous prie d'agréer, {{ champs.formule_appel.rstrip(',') }}, l'expression de mes "
        "salutations distinguées.",
        style="Corps de lettre",
    )
    signature(doc)


def convocation(doc: DocumentType) -> None:
    recipient_and_date(
        doc,
        [
            "{{ champs.civilite }} {{ champs.patient }}",
            "{%p if champs.adresse %}",
            "{{ champs.adresse }}",
            "{%p endif %}",
        ],
    )
    subject(doc)
    body(doc, "{{ champs.civilite }},")
    heading = doc.add_paragraph()
    heading.paragraph_format.space_before = Pt(4)
    heading.paragraph_format.space_after = Pt(4)
    run = heading.add_run("Votre rendez-vous")
    run.bold, run.font.color.rgb = True, BLUE
    rows = [
        ("Date et heure", "{{ champs.date_rdv }} à {{ champs.heure_rdv }}"),
        ("Lieu", "{{ champs.lieu }}"),
        ("Avec", "{{ champs.medecin }}"),
        ("Motif", "{{ champs.motif }}"),
        ("À apporter", "{{ champs.a_apporter }}"),
        ("En cas d'empêchement", "{{ champs.contact }}"),
    ]
    table = doc.add_table(rows=len(rows), cols=2)
    table.style = "Table Grid"
    table.alignment = WD_TABLE_ALIGNMENT.CENTER
    for (label, value), row in zip(rows, table.rows, strict=True):
        row.cells[0].width, row.cells[1].width = Cm(4.5), Cm(12.0)
        row.cells[0].paragraphs[0].add_run(label).bold = True
        row.cells[1].paragraphs[0].add_run(value)
    blank(doc)
    doc.add_paragraph(
        "Nous vous prions d'agréer, {{ champs.civilite }}, l'expression de nos salutations "
        "distinguées.",
        style="Corps de lettre",
    )
    signature(doc)


TEMPLATES: dict[str, tuple[str, Callable[[DocumentType], None]]] = {
    "prompt_packs/secretariat/templates/courrier.docx": ("Courrier administratif", letter),
    "prompt_packs/secretariat/templates/convocation.docx": ("Convocation", convocation),
}


def main() -> int:
    for rel, (title, build) in TEMPLATES.items():
        doc = base_document(title)
        build(doc)
        out = ROOT / rel
        out.parent.mkdir(parents=True, exist_ok=True)
        doc.save(str(out))
        print(f"wrote {rel}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
