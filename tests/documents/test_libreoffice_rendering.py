"""Every shipped template, filled as a secretary would, rendered by LibreOffice Writer to PDF:
the expected number of pages, and a letterhead whose lines do not wrap."""

from __future__ import annotations

import datetime as dt
import io
import shutil
import subprocess
from pathlib import Path

import pytest
from pypdf import PdfReader

from hospidesk.service.export import ExportRequest, export_draft
from hospidesk.service.workspace import Workspace
from tests.conftest import Env
from tests.packs.test_shipped_tasks import TASKS, value_for

pytestmark = pytest.mark.skipif(
    shutil.which("soffice") is None, reason="LibreOffice is not installed (.ci/run installs it)"
)
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


def test_every_template_renders_in_libreoffice_on_the_expected_pages(
    hd_env: Env, tmp_path: Path
) -> None:
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
    problems = []
    for item in TASKS:
        pdf = tmp_path / "pdf" / f"{item.ref.replace('/', '--')}.pdf"
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
