"""Tags in templates and letterheads are bounded: numbers, texts, widths, output and time; a
tag that fails refuses its file with one line; a letterhead sees only the hospital's own
context (security.md, guarantee 20)."""

from __future__ import annotations

import datetime as dt
import io
import re
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

from hospidesk.documents.render import LetterContext, RenderError, fill_docx
from hospidesk.documents.sandbox import DEADLINE_SECONDS
from hospidesk.service.workspace import Workspace
from tests.conftest import Env
from tests.documents.helpers import make_docx
from tests.documents.letterhead_maker import letterhead

HOSTILE_TAGS = {
    "{{ 9**(9**9) }}": "nombre démesuré",
    "{{ 'x' * 10**10 }}": "texte démesuré",
    "{{ ['x'] * 10**9 }}": "texte démesuré",
    "{{ '%0999999999d' % 1 }}": "largeur démesurée",
    "{{ '{:999999999}'.format(1) }}": "largeur démesurée",
    "{{ 'a'.center(10**9) }}": "largeur démesurée",
    "{{ 'a'|center(10**9) }}": "largeur démesurée",
    "{{ 'a'|indent(10**9, true) }}": "largeur démesurée",
    "{% for a in range(100000) %}{{ 'x' * 100 }}{% endfor %}": "démesuré|secondes",
    "{% for a in range(100000) %}{% for b in range(100000) %}x{% endfor %}{% endfor %}": (
        f"plus de {DEADLINE_SECONDS:.0f} secondes"
    ),
    "{{ 1/0 }}": "provoque une erreur (ZeroDivisionError)",
}


@pytest.mark.parametrize("tag", sorted(HOSTILE_TAGS))
def test_a_tag_that_asks_too_much_is_refused_in_one_line(tag: str) -> None:
    with pytest.raises(RenderError) as refused:
        fill_docx(make_docx([tag]), {}, "Modèle Word lettre.docx")
    assert refused.value.message.startswith("Modèle Word lettre.docx ")
    assert any(words in refused.value.message for words in HOSTILE_TAGS[tag].split("|"))
    assert "\n" not in refused.value.message


def test_ordinary_tags_still_work() -> None:
    data = fill_docx(
        make_docx(["{{ etab.nom }} — {{ '%05d' % 42 }} — {{ 2**10 }} — {{ 'ab' * 3 }}"]),
        {"etab": {"nom": "CH"}},
        "Modèle",
    )
    text = zipfile.ZipFile(io.BytesIO(data)).read("word/document.xml").decode()
    assert "CH — 00042 — 1024 — ababab" in text


def _site_letterhead(env: Env, header: str) -> None:
    data = letterhead(service=header)
    (env.site / "letterhead.docx").write_bytes(data)


def test_a_letterhead_whose_tag_fails_is_refused_and_documents_go_on_without(
    hd_env: Env, tmp_path: Path
) -> None:
    _site_letterhead(hd_env, "{{ 1/0 }}")
    ws = Workspace.open()
    (line,) = ws.letterheads.problems
    assert "letterhead.docx" in line and "ZeroDivisionError" in line
    assert ws.letterheads.for_job("secretariat") is None  # the plain templates, not a failure
    doctor = subprocess.run(
        [sys.executable, "-m", "hospidesk", "doctor"],
        capture_output=True,
        text=True,
        env={**hd_env.vars(), "PATH": "/usr/bin:/bin"},
        timeout=120,
    )
    assert "Traceback" not in doctor.stderr and "ZeroDivisionError" in doctor.stdout + doctor.stderr


def test_a_letterhead_sees_only_the_hospital_s_context(hd_env: Env, tmp_path: Path) -> None:
    """The letter's body, subject and form are not given to the letterhead: one that reaches
    for the form is refused at start, with the reason; the body and subject come out empty."""
    _site_letterhead(hd_env, "[{{ champs.destinataire }}]")
    (line,) = Workspace.open().letterheads.problems
    assert "letterhead.docx" in line and "'champs' is undefined" in line
    _site_letterhead(hd_env, "[{{ corps }}][{{ objet }}]")
    ws = Workspace.open()
    task = ws.task("secretariat/reformuler-courrier")
    from hospidesk.documents.letterhead import render_document

    fields = {"destinataire": "Mme Odile Perrin", "objet": "Secret", "reference": "",
              "formule_appel": "Madame,"}  # fmt: skip
    context = LetterContext(
        {"nom": "CH"}, {}, fields, frozenset(), "Secret", "Le corps de la lettre.",
        dt.date(2026, 12, 6),
    )  # fmt: skip
    data = render_document(task.template_path, context, ws.letterheads.for_job("secretariat"))
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        parts = [n for n in archive.namelist() if n.endswith(".xml")]
        outside = "".join(
            archive.read(n).decode()
            for n in parts
            if "header" in n or "footer" in n or "docProps" in n
        )
    text = re.sub(r"<[^>]+>", "", outside)
    assert "[][]" in text, text
    assert "Perrin" not in text and "corps de la lettre" not in text and "Secret" not in text
