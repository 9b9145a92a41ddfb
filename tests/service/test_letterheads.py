"""IT's letterheads on every task's export: the site's, a job's, and the refused ones."""

from __future__ import annotations

import hashlib
import json
from datetime import date
from pathlib import Path

import docx
import pytest
from docx.oxml.ns import qn

from hospidesk.service.export import ExportRequest, export_draft
from hospidesk.service.workspace import Workspace
from tests.conftest import Env
from tests.documents import letterhead_maker as maker
from tests.documents.test_letterhead import external_image, macro
from tests.packs.test_shipped_tasks import TASKS, value_for

LETTER = "secretariat/reformuler-courrier"
RH = "ressources-humaines/reponse-demande-agent"
BODY = "## En bref\nLe planning de décembre est validé.\n- Diffuser le planning\nMerci."


def audit(env: Env) -> list[dict[str, object]]:
    lines = (env.home / "data" / "audit.jsonl").read_text(encoding="utf-8").splitlines()
    return [json.loads(line) for line in lines]


def export(ws: Workspace, ref: str, out: Path) -> docx.document.Document:
    item = ws.task(ref)
    values = {
        f.name: value_for(f)[: f.max_length] if f.max_length else value_for(f)
        for f in item.task.fields
    }
    export_draft(ws, ExportRequest(ref, values, BODY), out, date(2026, 12, 1))
    return docx.Document(str(out))


def test_every_shipped_task_is_exported_inside_the_site_letterhead(
    hd_env: Env, tmp_path: Path
) -> None:
    installed = maker.write(hd_env.site / "letterhead.docx", maker.letterhead())
    ws = Workspace.open()
    missing = []
    for item in TASKS:
        document = export(ws, item.ref, tmp_path / f"{item.task.id}.docx")
        if not maker.logo_in_first_header(document):
            missing.append(f"{item.ref}: logo")
        if maker.LEGAL_MENTION not in maker.footer_text(document):
            missing.append(f"{item.ref}: footer")
        if not maker.titled(document):
            missing.append(f"{item.ref}: « Titre »")
    assert not missing
    exports = [e for e in audit(hd_env) if e["event"] == "export"]
    assert len(exports) == len(TASKS)
    digest = hashlib.sha256(installed.read_bytes()).hexdigest()
    for record in exports:
        details = record["details"]
        assert isinstance(details, dict)
        assert details["letterhead"] == "letterhead.docx"
        assert details["letterhead_sha256"] == digest


def test_a_jobs_letterhead_applies_to_that_jobs_tasks_only(hd_env: Env, tmp_path: Path) -> None:
    maker.write(hd_env.site / "letterhead.docx", maker.letterhead(legal="Mention du CHU"))
    rh = maker.write(
        hd_env.site / "letterheads" / "ressources-humaines.docx",
        maker.letterhead(legal="Direction des ressources humaines"),
    )
    ws = Workspace.open()
    assert maker.footer_text(export(ws, RH, tmp_path / "rh.docx")) == (
        "Direction des ressources humaines"
    )
    assert maker.footer_text(export(ws, LETTER, tmp_path / "s.docx")) == "Mention du CHU"
    rh_export = next(e for e in audit(hd_env) if e["event"] == "export")
    assert rh_export["details"]["letterhead"] == "letterheads/ressources-humaines.docx"  # type: ignore[index]
    assert rh_export["details"]["letterhead_sha256"] == (  # type: ignore[index]
        hashlib.sha256(rh.read_bytes()).hexdigest()
    )


def fifty_megabytes(data: bytes) -> bytes:
    return data + b"\0" * (50 * 1024 * 1024)  # a zip with trailing bytes, 50 MB on disk


@pytest.mark.parametrize(
    ("spoil", "reason"),
    [
        (macro, "contient des macros"),
        (external_image, "fait référence à un contenu externe"),
        (fifty_megabytes, "pèse 50 Mo"),
    ],
    ids=["macro", "image-externe", "50-mo"],
)
def test_a_refused_letterhead_leaves_the_plain_templates(
    hd_env: Env,
    tmp_path: Path,
    spoil,
    reason: str,  # type: ignore[no-untyped-def]
) -> None:
    maker.write(hd_env.site / "letterhead.docx", spoil(maker.letterhead()))
    ws = Workspace.open()
    (problem,) = ws.letterheads.problems
    assert problem.startswith("En-tête refusé : letterhead.docx — ") and reason in problem
    assert "\n" not in problem
    document = export(ws, LETTER, tmp_path / "lettre.docx")
    plain = docx.Document(str(tmp_path / "lettre.docx"))
    assert not maker.logo_in_first_header(document)
    assert maker.LEGAL_MENTION not in "\n".join(p.text for p in plain.sections[0].footer.paragraphs)
    assert not maker.titled(document)
    header = "\n".join(p.text for p in plain.sections[0].header.paragraphs)
    assert "Tél. :" in header  # the template's own header, whole
    events = audit(hd_env)
    refused = [e for e in events if e["event"] == "letterhead_refused"]
    assert len(refused) == 1 and reason in str(refused[0]["details"])
    (exported,) = [e for e in events if e["event"] == "export"]
    assert exported["details"]["letterhead"] is None  # type: ignore[index]


def test_a_refused_jobs_letterhead_falls_back_to_the_sites(hd_env: Env, tmp_path: Path) -> None:
    maker.write(hd_env.site / "letterhead.docx", maker.letterhead(legal="Mention du CHU"))
    maker.write(hd_env.site / "letterheads" / "ressources-humaines.docx", macro(maker.letterhead()))
    ws = Workspace.open()
    (problem,) = ws.letterheads.problems
    assert "letterheads/ressources-humaines.docx" in problem
    assert "l'en-tête de l'établissement" in problem
    assert maker.footer_text(export(ws, RH, tmp_path / "rh.docx")) == "Mention du CHU"


def test_tracked_changes_are_shown_inside_the_letterhead(hd_env: Env, tmp_path: Path) -> None:
    maker.write(hd_env.site / "letterhead.docx", maker.letterhead())
    out = tmp_path / "revisions.docx"
    source = "Madame,\n\nVotre dossier est incomplet.\n\nCordialement."
    text = "Madame,\n\nVotre dossier est complet.\n\nCordialement."
    export_draft(
        Workspace.open(), ExportRequest(LETTER, {}, text, None, revisions_from=source), out
    )
    document = docx.Document(str(out))
    assert maker.logo_in_first_header(document) and maker.titled(document)
    body = document.element.body
    deleted = ["".join(t.text for t in d.iter(qn("w:delText"))) for d in body.iter(qn("w:del"))]
    assert deleted == ["incomplet."]


def test_words_lock_file_beside_a_jobs_letterhead_is_not_a_letterhead(hd_env: Env) -> None:
    folder = hd_env.site / "letterheads"
    maker.write(folder / "pharmacie.docx", maker.letterhead())
    (folder / "~$armacie.docx").write_bytes(b"\0" * 162)  # IT has the file open in Word
    state = Workspace.open().letterheads
    assert list(state.jobs) == ["pharmacie"] and not state.refused
