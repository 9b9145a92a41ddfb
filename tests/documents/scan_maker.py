"""Scans and faxes made the way a secretariat gets them: a French letter written in Word,
printed to PDF by LibreOffice, then rendered to a picture (200 dpi, black and white, turned a
little, blurred, speckled) and saved as a scanned PDF, a fax TIFF (CCITT G4) or a PNG."""

from __future__ import annotations

import functools
import io
import random
import re
import subprocess
import tempfile
from collections.abc import Sequence
from pathlib import Path

from PIL import Image, ImageFilter

LETTER = """Centre Hospitalier de Valmont
Service de facturation
12 rue des Tilleuls, 45000 Orléans
Tél. : 02 38 51 44 70

Orléans, le 27 novembre 2026

Madame Hélène Garnier
8 allée des Acacias
45100 Orléans

Objet : rappel de paiement, facture n° FAC-2026-08817
Référence dossier : 2026/11/4521

Madame,

Sauf erreur de notre part, la facture relative à votre séjour du 4 au 7 octobre 2026 dans le \
service de chirurgie orthopédique reste impayée à ce jour. Le montant restant à votre charge \
s'élève à 312,40 euros, après la participation de votre mutuelle de 1 248,60 euros.

Nous vous remercions de bien vouloir régler cette somme avant le 15 décembre 2026, par chèque \
à l'ordre du Trésor public ou par carte bancaire à l'accueil des admissions, ouvert du lundi au \
vendredi de 8 h 30 à 17 h 15.

Si vous avez déjà effectué ce paiement, nous vous prions de ne pas tenir compte de ce courrier. \
Pour toute question, notre service reste à votre disposition au 02 38 51 44 72.

Nous vous prions d'agréer, Madame, l'expression de nos salutations distinguées.

Le responsable du service de facturation
Marc Delorme"""


@functools.cache
def printed(text: str = LETTER, font: str = "DejaVu Serif") -> bytes:
    """``text`` in a Word document (one paragraph per block), printed to PDF by LibreOffice."""
    import docx
    from docx.shared import Pt

    document = docx.Document()
    document.styles["Normal"].font.name = font
    document.styles["Normal"].font.size = Pt(11)
    for block in text.split("\n\n"):
        document.add_paragraph(block)
    with tempfile.TemporaryDirectory() as folder:
        source = Path(folder) / "lettre.docx"
        document.save(str(source))
        subprocess.run(
            ["soffice", f"-env:UserInstallation=file://{folder}/profil", "--headless",
             "--convert-to", "pdf", "--outdir", folder, str(source)],
            check=True, capture_output=True, timeout=120,
        )  # fmt: skip
        return (Path(folder) / "lettre.pdf").read_bytes()


def scanned(
    pdf: bytes,
    dpi: int = 200,
    turn: float = 1.5,
    blur: float = 0.0,
    noise: float = 0.0,
    bilevel: bool = True,
) -> list[Image.Image]:
    """Each page of ``pdf`` as a scanner gives it back."""
    import pypdfium2 as pdfium

    pages = []
    document = pdfium.PdfDocument(pdf)
    for page in document:
        image = page.render(scale=dpi / 72, grayscale=True).to_pil().convert("L")
        if blur:
            image = image.filter(ImageFilter.GaussianBlur(blur))
        if noise:
            dots = random.Random(7)
            pixels = image.load()
            assert pixels is not None
            for _ in range(int(image.width * image.height * noise)):
                x, y = dots.randrange(image.width), dots.randrange(image.height)
                pixels[x, y] = 0 if dots.random() < 0.5 else 255
        if turn:
            image = image.rotate(turn, expand=True, fillcolor=255, resample=Image.BICUBIC)
        if bilevel:
            image = image.point(lambda v: 255 if v > 150 else 0).convert("1")
        image.info["dpi"] = (dpi, dpi)
        pages.append(image)
    document.close()
    return pages


def as_pdf(pages: Sequence[Image.Image], dpi: int = 200) -> bytes:
    """A PDF of pictures only, as a scanner writes it."""
    out = io.BytesIO()
    first, *rest = [p.convert("L") for p in pages]
    first.save(out, format="PDF", resolution=dpi, save_all=True, append_images=rest)
    return out.getvalue()


def as_fax(
    pages: Sequence[Image.Image], dpi: tuple[int, int] = (204, 196), compression: str = "group4"
) -> bytes:
    """A multi-page TIFF in CCITT G4 (or ``group3``), as a fax server stores it (``dpi``
    (204, 98): standard mode, half the lines)."""
    frames = []
    for page in pages:
        if dpi[1] != dpi[0]:
            page = page.resize((page.width, round(page.height * dpi[1] / dpi[0])))
        frames.append(page.convert("1"))
    out = io.BytesIO()
    frames[0].save(out, format="TIFF", compression=compression, dpi=dpi, save_all=True,
                   append_images=frames[1:])  # fmt: skip
    return out.getvalue()


def as_png(page: Image.Image) -> bytes:
    out = io.BytesIO()
    page.save(out, format="PNG", dpi=page.info.get("dpi", (200, 200)))
    return out.getvalue()


def as_jpeg(page: Image.Image) -> bytes:
    """A phone's photo of the page: JPEG, no resolution recorded."""
    out = io.BytesIO()
    page.convert("L").save(out, format="JPEG", quality=80)
    return out.getvalue()


_TOKEN = re.compile(r"\S+")
_EDGE = ".,;:!?()«»\"'’"


def tokens(text: str) -> list[str]:
    return [t.strip(_EDGE) for t in _TOKEN.findall(text) if t.strip(_EDGE)]


def figures(text: str) -> list[str]:
    return [t for t in tokens(text) if re.search(r"\d", t)]
