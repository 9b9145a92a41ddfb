"""Every shipped template, filled as a secretary would, rendered by LibreOffice Writer to PDF:
the expected number of pages, and a letterhead whose lines do not wrap; then the same inside a
hospital's letterhead: its logo, its footer and its « Titre » style on every document."""

from __future__ import annotations

import datetime as dt
import io
import shutil
import subprocess
from pathlib import Path

import pytest
from pypdf import PageObject, PdfReader

from hospidesk.service.export import ExportRequest, export_draft
from hospidesk.service.workspace import Workspace
from tests.conftest import Env
from tests.documents import letterhead_maker as maker
from tests.packs.test_shipped_tasks import TASKS, value_for

pytestmark = [
    pytest.mark.libreoffice,
    pytest.mark.skipif(
        shutil.which("soffice") is None,
        reason="LibreOffice is not installed (.ci/run installs it)",
    ),
]
LETTERHEAD = {
    "etablissement.nom": "Centre hospitalier universitaire de Sainte-Exemple",
    "etablissement.service": "Direction des admissions et de la clientèle",
    "etablissement.adresse": "12 avenue des Tilleuls, 69003 Lyon",
    "etablissement.telephone": "04 72 11 22 33",
    "etablissement.ville": "Lyon",
    "signataire.nom": "Claire Dubois",
    "signataire.fonction": "Secrétaire médicale",
}
LETTER_BODY = (  # the templates place the salutation and the closing formula
    "Nous accusons réception de votre courrier du 12 novembre concernant le dossier de votre "
    "mère, hospitalisée dans le service de cardiologie du 3 au 7 novembre 2026.\n\n"
    "Les pièces demandées vous seront adressées sous huit jours par voie postale. Le compte "
    "rendu d'hospitalisation a déjà été transmis à son médecin traitant, le Dr Lefèvre, qui "
    "pourra vous en commenter le contenu lors de sa prochaine consultation.\n\n"
    "Le secrétariat reste à votre disposition du lundi au vendredi, de 8 h 30 à 16 h 30, pour "
    "toute question complémentaire."
)
STRUCTURED_BODY = (
    "## En bref\nLa réunion a validé le planning des gardes de décembre et la fermeture de "
    "quatre lits pendant les fêtes.\n## Décisions\n- Planning des gardes validé\n"
    "- Fermeture de quatre lits du 24 décembre au 2 janvier\n## Actions\n"
    "- Diffuser le planning — Mme Martin — 5 décembre\n- Prévenir les admissions — Dr Lefèvre "
    "— 10 décembre\n## Questions ouvertes\n- Renfort infirmier pour la nuit du 31 décembre"
)


def export_all(tmp_path: Path) -> Path:
    """Every shipped task's document, exported as a secretary would, then turned into PDF."""
    ws = Workspace.open()
    for key, value in LETTERHEAD.items():
        ws.settings.set(key, value)
    documents = tmp_path / "docx"
    documents.mkdir()
    for item in TASKS:
        body = STRUCTURED_BODY if item.task.structured else LETTER_BODY
        values = {
            f.name: value_for(f)[: f.max_length] if f.max_length else value_for(f)
            for f in item.task.fields
        }
        request = ExportRequest(item.ref, values, body)
        export_draft(
            ws, request, documents / f"{item.ref.replace('/', '--')}.docx", dt.date(2026, 12, 1)
        )
    subprocess.run(
        ["soffice", "--headless", f"-env:UserInstallation=file://{tmp_path}/lo",
         "--convert-to", "pdf", "--outdir", str(tmp_path / "pdf"),
         *sorted(str(p) for p in documents.iterdir())],
        check=True, capture_output=True, timeout=600,
    )  # fmt: skip
    return tmp_path / "pdf"


def test_every_template_renders_in_libreoffice_on_the_expected_pages(
    hd_env: Env, tmp_path: Path
) -> None:
    pdfs = export_all(tmp_path)
    problems = []
    for item in TASKS:
        pdf = pdfs / f"{item.ref.replace('/', '--')}.pdf"
        reader = PdfReader(io.BytesIO(pdf.read_bytes()))
        pages = len(reader.pages)
        limit = 2 if item.task.structured else 1
        if pages > limit:
            problems.append(f"{item.ref}: {pages} pages (expected at most {limit})")
        lines = [line.strip() for line in reader.pages[0].extract_text().splitlines()]
        for value in (LETTERHEAD["etablissement.nom"], LETTERHEAD["etablissement.service"]):
            if not any(value in line for line in lines):
                problems.append(f"{item.ref}: letterhead line wrapped or missing: {value}")
        if any(set(line) == {"_"} for line in lines):
            problems.append(f"{item.ref}: a line of typed underscores")
    assert problems == []


def drawn_text(page: PageObject) -> list[tuple[str, str, tuple[float, ...]]]:
    """Each piece of text on ``page`` with its font's name and the fill colour it is drawn in."""
    colour: list[tuple[float, ...]] = [(0.0, 0.0, 0.0)]
    pieces: list[tuple[str, str, tuple[float, ...]]] = []

    def operand(op: bytes, args: list[object], *_: object) -> None:
        if op == b"rg":
            colour[0] = tuple(round(float(a), 2) for a in args)  # type: ignore[arg-type]

    def text(value: str, _cm: object, _tm: object, font: object, _size: object) -> None:
        name = str(font.get("/BaseFont", "")) if isinstance(font, dict) else ""
        if value.strip():
            pieces.append((value.strip(), name, colour[0]))

    page.extract_text(visitor_operand_before=operand, visitor_text=text)
    return pieces


def test_every_document_shows_the_hospitals_letterhead_in_libreoffice(
    hd_env: Env, tmp_path: Path
) -> None:
    maker.write(hd_env.site / "letterhead.docx", maker.letterhead())
    pdfs = export_all(tmp_path)
    red = tuple(round(c / 255, 2) for c in maker.TITLE_COLOUR)
    problems = []
    for item in TASKS:
        page = PdfReader(io.BytesIO((pdfs / f"{item.ref.replace('/', '--')}.pdf").read_bytes()))
        first = page.pages[0]
        if not first.images:
            problems.append(f"{item.ref}: no logo on the first page")
        words = " ".join(first.extract_text().split())
        if "SIRET 000 000 000 00000" not in words:
            problems.append(f"{item.ref}: the letterhead's footer is missing")
        drawn = drawn_text(first)
        if not any("DejaVuSerif" in font and colour == red for _, font, colour in drawn):
            problems.append(f"{item.ref}: the « Titre » style is not the letterhead's")
    assert problems == []
