"""Build the Word templates of the shipped packs (run: python tools/make_templates.py).

The .docx files are committed; this script is how they are made and changed, so a reviewer
reads Python instead of zipped XML. Templates use docxtpl tags (Jinja in the sandbox):
``etab.*`` (hospital details), ``signataire.*``, ``champs.*`` (the task's fields exactly as
typed), ``objet``, ``date_du_jour`` and ``corps`` (the model's paragraphs).
"""

from __future__ import annotations

import re
import sys
from collections.abc import Callable
from pathlib import Path

from docx import Document
from docx.document import Document as DocumentType
from docx.enum.table import WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Cm, Pt, RGBColor
from docx.styles.style import ParagraphStyle
from docx.text.paragraph import Paragraph

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
    # Word's built-in styles, so that a hospital's letterhead (docs/letterhead.md) restyles
    # them: « Titre » the document's title or the letter's Objet, « Titre 1 » and « Titre 2 »
    # the headings, « Corps de texte » the body, « Liste à puces » the bullets.
    body = restyle(doc, "Body Text", size=None)
    body.paragraph_format.space_after = Pt(8)
    body.paragraph_format.alignment = WD_ALIGN_PARAGRAPH.JUSTIFY
    heading = restyle(doc, "Heading 1", size=Pt(11), bold=True, colour=BLUE, outline=0)
    heading.paragraph_format.space_before = Pt(10)
    heading.paragraph_format.space_after = Pt(4)
    heading.paragraph_format.keep_with_next = True
    table_heading = restyle(doc, "Heading 2", size=None, bold=True, colour=BLUE, outline=1)
    table_heading.paragraph_format.space_before = Pt(4)
    table_heading.paragraph_format.space_after = Pt(4)
    table_heading.paragraph_format.keep_with_next = True
    title_style = restyle(doc, "Title", size=Pt(15), bold=True, colour=BLUE)
    title_style.paragraph_format.alignment = WD_ALIGN_PARAGRAPH.CENTER
    title_style.paragraph_format.space_before = Pt(6)
    title_style.paragraph_format.space_after = Pt(10)
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
    bottom_rule(para)  # a paragraph border, never typed characters: it cannot wrap

    footer = section.footer.paragraphs[0]
    footer.alignment = WD_ALIGN_PARAGRAPH.CENTER
    fr = footer.add_run("{{ etab.nom }} — {{ etab.service }} — Tél. : {{ etab.telephone }}")
    fr.font.size, fr.font.color.rgb = Pt(8), GREY
    return doc


def restyle(
    doc: DocumentType,
    name: str,
    size: Pt | None,
    bold: bool = False,
    colour: RGBColor | None = None,
    outline: int | None = None,
) -> ParagraphStyle:
    """A built-in paragraph style with only our formatting, on the Normal style."""
    style = doc.styles[name]
    assert isinstance(style, ParagraphStyle)
    element = style.element
    for child in list(element):
        if child.tag in (qn("w:pPr"), qn("w:rPr")):
            element.remove(child)
    style.base_style = doc.styles["Normal"]
    style.font.size = size
    style.font.bold = bold or None
    if colour is not None:
        style.font.color.rgb = colour
    if outline is not None:  # a heading in Word's navigation pane and the PDF's bookmarks
        level = OxmlElement("w:outlineLvl")
        level.set(qn("w:val"), str(outline))
        element.get_or_add_pPr().append(level)
    return style


def letter_title(doc: DocumentType) -> None:
    """In a letter, « Titre » is the Objet line: the body's size, on the left."""
    title_style = restyle(doc, "Title", size=None, bold=True)
    title_style.paragraph_format.space_after = Pt(0)


def bottom_rule(paragraph: Paragraph) -> None:
    """A blue line under the letterhead, as the paragraph's bottom border."""
    borders = OxmlElement("w:pBdr")
    bottom = OxmlElement("w:bottom")
    for name, value in (("val", "single"), ("sz", "8"), ("space", "4"), ("color", "1F3A68")):
        bottom.set(qn(f"w:{name}"), value)
    borders.append(bottom)
    paragraph._p.get_or_add_pPr().append(borders)
    paragraph.paragraph_format.space_after = Pt(6)


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
    letter_title(doc)
    para = doc.add_paragraph(style="Title")
    para.add_run("Objet : ")
    para.add_run("{{ objet }}").bold = False
    tag(doc, "{%p if champs.reference %}")
    ref = doc.add_paragraph()
    ref.add_run("Réf. : ").bold = True
    ref.add_run("{{ champs.reference }}")
    tag(doc, "{%p endif %}")
    blank(doc)


def body(doc: DocumentType, salutation: str | None = None) -> None:
    """The model's paragraphs: section headings, bullets and plain paragraphs, each styled."""
    if salutation:
        doc.add_paragraph(salutation, style="Body Text")
    tag(doc, "{%p for para in corps %}")
    tag(doc, "{%p if para.titre %}")
    doc.add_paragraph("{{ para.texte }}", style="Heading 1")
    tag(doc, "{%p elif para.puce %}")
    doc.add_paragraph("{{ para.texte }}", style="List Bullet")
    tag(doc, "{%p else %}")
    doc.add_paragraph("{{ para.texte }}", style="Body Text")
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
        style="Body Text",
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
    table(
        doc,
        "Votre rendez-vous",
        [
            ("Date et heure", "{{ champs.date_rdv }} à {{ champs.heure_rdv }}"),
            ("Lieu", "{{ champs.lieu }}"),
            ("Avec", "{{ champs.medecin }}"),
            ("Motif", "{{ champs.motif }}"),
            ("À apporter", "{{ champs.a_apporter }}"),
            ("En cas d'empêchement", "{{ champs.contact }}"),
        ],
    )
    doc.add_paragraph(
        "Nous vous prions d'agréer, {{ champs.civilite }}, l'expression de nos salutations "
        "distinguées.",
        style="Body Text",
    )
    signature(doc)


def rescheduling(doc: DocumentType) -> None:
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
    table(
        doc,
        "Votre rendez-vous",
        [
            ("Initialement prévu le", "{{ champs.ancienne_date }} à {{ champs.ancienne_heure }}"),
            ("Reporté au", "{{ champs.nouvelle_date }} à {{ champs.nouvelle_heure }}"),
            ("Lieu", "{{ champs.lieu }}"),
            ("Avec", "{{ champs.medecin }}"),
            ("Contact", "{{ champs.contact }}"),
        ],
    )
    doc.add_paragraph(
        "Nous vous prions de nous excuser pour ce changement et vous prions d'agréer, "
        "{{ champs.civilite }}, l'expression de nos salutations distinguées.",
        style="Body Text",
    )
    signature(doc)


def table(doc: DocumentType, heading: str | None, rows: list[tuple[str, str]]) -> None:
    """A two-column table of labels and placed values (the values are template tags)."""
    if heading:
        doc.add_paragraph(heading, style="Heading 2")
    grid = doc.add_table(rows=len(rows), cols=2)
    grid.style = "Table Grid"
    grid.alignment = WD_TABLE_ALIGNMENT.CENTER
    for (label, value), row in zip(rows, grid.rows, strict=True):
        row.cells[0].width, row.cells[1].width = Cm(4.8), Cm(11.7)
        row.cells[0].paragraphs[0].add_run(label).bold = True
        row.cells[1].paragraphs[0].add_run(value)
    blank(doc)


def banner(doc: DocumentType, title: str) -> None:
    # Upper-case the words, not the template tags ({{ objet }} must stay as it is).
    shown = re.sub(r"(\{\{.*?\}\})|([^{]+)", lambda m: m.group(1) or m.group(2).upper(), title)
    doc.add_paragraph(shown, style="Title")


def review_notice(doc: DocumentType) -> None:
    para = doc.add_paragraph()
    para.paragraph_format.space_before = Pt(12)
    run = para.add_run(
        "Rédigé par {{ signataire.nom }} ({{ signataire.fonction }}), le {{ date_du_jour }}. "
        "Projet préparé avec l'aide de HospiDesk : relu et validé avant diffusion."
    )
    run.italic, run.font.size, run.font.color.rgb = True, Pt(8), GREY


def document(title: str, rows: list[tuple[str, str]]) -> Callable[[DocumentType], None]:
    """A non-letter document: a title, a table of its particulars, the body, a review note."""

    def build(doc: DocumentType) -> None:
        banner(doc, title)
        table(doc, None, rows)
        body(doc)
        review_notice(doc)

    return build


def quality_document(title: str, rows: list[tuple[str, str]]) -> Callable[[DocumentType], None]:
    """A document of the quality system: identification block and approval table."""

    def build(doc: DocumentType) -> None:
        banner(doc, title)
        table(doc, None, rows)
        body(doc)
        blank(doc)
        grid = doc.add_table(rows=2, cols=3)
        grid.style = "Table Grid"
        for cell, label in zip(
            grid.rows[0].cells, ("Rédaction", "Vérification", "Approbation"), strict=True
        ):
            cell.paragraphs[0].add_run(label).bold = True
        for cell, value in zip(
            grid.rows[1].cells,
            ("{{ champs.redacteur }}", "{{ champs.verificateur }}", "{{ champs.approbateur }}"),
            strict=True,
        ):
            cell.paragraphs[0].add_run(value)
        review_notice(doc)

    return build


def note_de_service(doc: DocumentType) -> None:
    banner(doc, "Note de service")
    table(
        doc,
        None,
        [
            ("Émetteur", "{{ signataire.nom }}, {{ signataire.fonction }}"),
            ("Destinataires", "{{ champs.destinataires }}"),
            ("Date", "{{ date_du_jour }}"),
            ("Date d'effet", "{{ champs.date_effet }}"),
            ("Objet", "{{ objet }}"),
        ],
    )
    body(doc)
    signature(doc)


def attestation(doc: DocumentType) -> None:
    blank(doc)
    banner(doc, "Attestation de présence")
    doc.add_paragraph(
        "Je soussigné(e), {{ signataire.nom }}, {{ signataire.fonction }}, {{ etab.nom }}, "
        "atteste que {{ champs.civilite }} {{ champs.patient }} s'est présenté(e) le "
        "{{ champs.date_presence }}, de {{ champs.heure_arrivee }} à {{ champs.heure_depart }}, "
        "au sein du service {{ etab.service }}.",
        style="Body Text",
    )
    body(doc)
    doc.add_paragraph(
        "Attestation délivrée à la demande de l'intéressé(e) pour servir et valoir ce que de "
        "droit.",
        style="Body Text",
    )
    blank(doc)
    right(doc, "Fait à {{ etab.ville }}, le {{ date_du_jour }}")
    signature(doc)


SYNTHESE_MESSAGE = [
    ("Message de", "{{ champs.expediteur }}"),
    ("Date du message", "{{ champs.date_message }}"),
    ("Objet", "{{ objet }}"),
]

TEMPLATES: dict[str, tuple[str, Callable[[DocumentType], None]]] = {
    # secrétariat
    "secretariat/templates/courrier.docx": ("Courrier administratif", letter),
    "secretariat/templates/convocation.docx": ("Convocation", convocation),
    "secretariat/templates/report-rendez-vous.docx": ("Report de rendez-vous", rescheduling),
    "secretariat/templates/reponse-patient.docx": ("Réponse à un patient", letter),
    "secretariat/templates/courrier-medecin.docx": ("Courrier au médecin traitant", letter),
    "secretariat/templates/attestation-presence.docx": ("Attestation de présence", attestation),
    "secretariat/templates/pieces-manquantes.docx": ("Demande de pièces", letter),
    "secretariat/templates/courrier-dictee.docx": ("Courrier dicté", letter),
    # médecins et cadres
    "medecins-cadres/templates/synthese-email.docx": (
        "Synthèse de message",
        document("Synthèse de message", SYNTHESE_MESSAGE),
    ),
    "medecins-cadres/templates/synthese-fil.docx": (
        "Synthèse d'échanges",
        document("Synthèse d'échanges", SYNTHESE_MESSAGE),
    ),
    "medecins-cadres/templates/reponse-email.docx": (
        "Projet de réponse",
        document(
            "Projet de réponse",
            [("Destinataire", "{{ champs.destinataire }}"), ("Objet", "{{ objet }}")],
        ),
    ),
    "medecins-cadres/templates/ordre-du-jour.docx": (
        "Ordre du jour",
        document(
            "Ordre du jour",
            [
                ("Instance", "{{ champs.instance }}"),
                ("Date et heure", "{{ champs.date_reunion }} à {{ champs.heure_reunion }}"),
                ("Lieu", "{{ champs.lieu }}"),
                ("Participants", "{{ champs.participants }}"),
            ],
        ),
    ),
    "medecins-cadres/templates/compte-rendu.docx": (
        "Compte rendu de réunion",
        document(
            "Compte rendu de réunion",
            [
                ("Instance", "{{ champs.instance }}"),
                ("Date", "{{ champs.date_reunion }}"),
                ("Présents", "{{ champs.presents }}"),
                ("Excusés", "{{ champs.excuses }}"),
                ("Rédacteur", "{{ champs.redacteur }}"),
            ],
        ),
    ),
    "medecins-cadres/templates/compte-rendu-dicte.docx": (
        "Compte rendu",
        document(
            "{{ objet }}",
            [
                ("Patient", "{{ champs.patient }}"),
                ("Date", "{{ champs.date_cr }}"),
                ("Médecin", "{{ champs.medecin }}"),
                ("Service", "{{ etab.service }}"),
            ],
        ),
    ),
    # qualité
    "qualite/templates/document-harmonise.docx": (
        "Document qualité",
        quality_document(
            "{{ objet }}",
            [
                ("Référence", "{{ champs.reference }}"),
                ("Version", "{{ champs.version }}"),
                ("Date d'application", "{{ champs.date_application }}"),
                ("Service émetteur", "{{ etab.service }}"),
            ],
        ),
    ),
    "qualite/templates/procedure.docx": (
        "Procédure",
        quality_document(
            "Procédure — {{ objet }}",
            [
                ("Référence", "{{ champs.reference }}"),
                ("Version", "{{ champs.version }}"),
                ("Date d'application", "{{ champs.date_application }}"),
                ("Domaine", "{{ champs.domaine }}"),
            ],
        ),
    ),
    "qualite/templates/reponse-reclamation.docx": ("Réponse à une réclamation", letter),
    "qualite/templates/synthese-ei.docx": (
        "Synthèse d'événement indésirable",
        document(
            "Fiche de synthèse d'événement indésirable",
            [
                ("Date de l'événement", "{{ champs.date_evenement }}"),
                ("Service concerné", "{{ champs.service_concerne }}"),
                ("Type d'événement", "{{ champs.type_evenement }}"),
                ("Gravité", "{{ champs.gravite }}"),
                ("Déclaré par", "{{ champs.declarant }}"),
            ],
        ),
    ),
    "qualite/templates/rapport-qualite.docx": (
        "Rapport d'activité qualité",
        document(
            "Rapport d'activité qualité",
            [("Période", "{{ champs.periode }}"), ("Périmètre", "{{ champs.perimetre }}")],
        ),
    ),
    # ressources humaines
    "ressources-humaines/templates/note-de-service.docx": ("Note de service", note_de_service),
    "ressources-humaines/templates/fiche-de-poste.docx": (
        "Fiche de poste",
        document(
            "Fiche de poste",
            [
                ("Intitulé du poste", "{{ champs.intitule }}"),
                ("Service / pôle", "{{ champs.service_poste }}"),
                ("Grade / métier", "{{ champs.grade }}"),
                ("Rattachement hiérarchique", "{{ champs.rattachement }}"),
                ("Temps de travail", "{{ champs.temps_travail }}"),
            ],
        ),
    ),
    "ressources-humaines/templates/reponse-agent.docx": ("Réponse à un agent", letter),
    "ressources-humaines/templates/changement-planning.docx": (
        "Changement de planning",
        document(
            "Information — changement de planning",
            [
                ("Équipe", "{{ champs.equipe }}"),
                ("Période", "{{ champs.periode }}"),
                ("Date d'effet", "{{ champs.date_effet }}"),
                ("Contact", "{{ champs.contact }}"),
            ],
        ),
    ),
    "ressources-humaines/templates/reporting-rh.docx": (
        "Reporting RH",
        document(
            "Tableau de bord RH — synthèse",
            [("Période", "{{ champs.periode }}"), ("Périmètre", "{{ champs.perimetre }}")],
        ),
    ),
    # achats
    "achats/templates/demande-devis.docx": ("Demande de devis", letter),
    "achats/templates/courrier-fournisseur.docx": ("Courrier fournisseur", letter),
    "achats/templates/cahier-des-charges.docx": (
        "Cahier des charges",
        quality_document(
            "Cahier des charges — {{ objet }}",
            [
                ("Référence de la consultation", "{{ champs.reference }}"),
                ("Version", "{{ champs.version }}"),
                ("Date limite de remise des offres", "{{ champs.date_limite }}"),
                ("Service demandeur", "{{ champs.service_demandeur }}"),
            ],
        ),
    ),
    "achats/templates/synthese-achats.docx": (
        "Synthèse achats",
        document(
            "Reporting achats — synthèse",
            [("Période", "{{ champs.periode }}"), ("Périmètre", "{{ champs.perimetre }}")],
        ),
    ),
}


def main() -> int:
    for rel, (title, build) in TEMPLATES.items():
        doc = base_document(title)
        build(doc)
        out = ROOT / "prompt_packs" / rel
        out.parent.mkdir(parents=True, exist_ok=True)
        doc.save(str(out))
        print(f"wrote prompt_packs/{rel}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
