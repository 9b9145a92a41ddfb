"""Render one letter as LibreOffice Writer shows it, for the README (docs/screenshots/letter.png,
and letter-letterhead.png with the example letterhead of examples/letterhead/ in the site folder).

Run: python tools/render_letter.py (needs LibreOffice's soffice, and pdftoppm from
poppler-utils to turn the PDF's page into a picture; both are tools of this script only). The
letter is the payment
reminder of examples/relance-paiement.txt, reformulated by hand, in the shipped template, with
an invented hospital's details.
"""

from __future__ import annotations

import datetime as dt
import os
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
BODY = (  # the template places the salutation and the closing formula
    "Sauf erreur de notre part, la facture n° 2026-0412 relative au séjour de M. Bernard du "
    "3 au 7 novembre 2026, d'un montant de 312,40 €, n'a pas encore été réglée.\n\n"
    "Nous vous remercions de bien vouloir la régler avant le 15 décembre 2026, par chèque à "
    "l'ordre du Trésor public ou à la caisse de l'hôpital, ouverte du lundi au vendredi de "
    "8 h 30 à 16 h 30.\n\n"
    "Pour toute question, le service des admissions est joignable au 04 72 11 22 33."
)


def main() -> int:
    if shutil.which("soffice") is None or shutil.which("pdftoppm") is None:
        print("LibreOffice (soffice) and pdftoppm (poppler-utils) are needed", file=sys.stderr)
        return 1
    render("letter", None)
    render("letter-letterhead", ROOT / "examples" / "letterhead" / "letterhead.docx")
    return 0


def render(name: str, letterhead: Path | None) -> None:
    with tempfile.TemporaryDirectory() as scratch:
        folder = Path(scratch)
        os.environ["HOSPIDESK_HOME"] = str(folder / "home")
        os.environ["HOSPIDESK_SITE_DIR"] = str(folder / "site")
        if letterhead is not None:
            (folder / "site").mkdir()
            shutil.copyfile(letterhead, folder / "site" / "letterhead.docx")
        from hospidesk.service.export import ExportRequest, export_draft
        from hospidesk.service.workspace import Workspace

        ws = Workspace.open()
        for key, value in (
            ("etablissement.nom", "Centre hospitalier de Sainte-Exemple"),
            ("etablissement.service", "Service des admissions"),
            ("etablissement.adresse", "12 avenue des Tilleuls, 69003 Lyon"),
            ("etablissement.telephone", "04 72 11 22 33"),
            ("etablissement.ville", "Lyon"),
            ("signataire.nom", "Claire Dubois"),
            ("signataire.fonction", "Service des admissions"),
        ):
            ws.settings.set(key, value)
        letter = folder / "letter.docx"
        request = ExportRequest("secretariat/reformuler-courrier", {}, BODY)
        export_draft(ws, request, letter, dt.date(2026, 12, 1))
        subprocess.run(
            ["soffice", "--headless", f"-env:UserInstallation=file://{folder}/lo",
             "--convert-to", "pdf", "--outdir", str(folder), str(letter)],
            check=True, capture_output=True, timeout=180,
        )  # fmt: skip
        subprocess.run(
            ["pdftoppm", "-png", "-r", "80", "-singlefile", str(folder / "letter.pdf"),
             str(ROOT / "docs" / "screenshots" / name)],
            check=True, capture_output=True, timeout=60,
        )  # fmt: skip
    print(f"wrote docs/screenshots/{name}.png")


if __name__ == "__main__":
    sys.exit(main())
