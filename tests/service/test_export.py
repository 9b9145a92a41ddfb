"""Export needs what the document needs (task, values, text, who wrote it), never a model."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from hospidesk.errors import UsageError
from hospidesk.service.export import ExportRequest, export_draft
from hospidesk.service.records import remember
from hospidesk.service.request import FieldErrors
from hospidesk.service.routing import Served
from hospidesk.service.workspace import Workspace
from hospidesk.storage.history import DraftContent
from tests.conftest import Env, draft_cli, run_cli
from tests.documents.helpers import all_text

LETTER = "secretariat/reformuler-courrier"
TEXT = "Madame,\n\nVotre dossier est complet.\n\nCordialement."
NO_MODEL = '[models]\nallowed = ["un-modele-absent"]\n'


def audit(env: Env) -> list[dict[str, object]]:
    lines = (env.home / "data" / "audit.jsonl").read_text(encoding="utf-8").splitlines()
    return [json.loads(line) for line in lines]


def test_a_document_is_written_with_no_usable_model(hd_env: Env, tmp_path: Path) -> None:
    hd_env.write_policy(NO_MODEL)  # drafting would be refused: no model may run here
    out = tmp_path / "lettre.docx"
    served = Served("local", "un-modele", "c" * 64)
    export_draft(Workspace.open(), ExportRequest(LETTER, {}, TEXT, served), out)
    assert "Votre dossier est complet." in all_text(out)
    (export,) = [e for e in audit(hd_env) if e["event"] == "export"]
    assert export["model_sha256"] == "c" * 64  # who wrote it, as the caller knew it


def test_values_changed_since_the_draft_are_checked_again(hd_env: Env, tmp_path: Path) -> None:
    out = tmp_path / "convocation.docx"
    with pytest.raises(FieldErrors, match="Date du rendez-vous"):
        export_draft(
            Workspace.open(),
            ExportRequest("secretariat/convocation", {"date_rdv": "31/02/2026"}, TEXT),
            out,
        )
    assert not out.exists()


@pytest.mark.usefixtures("secret_service")
def test_history_export_works_without_a_model(hd_env: Env, tmp_path: Path) -> None:
    ws = Workspace.open()
    content = DraftContent({}, "Bonjour, il manque une pièce.", TEXT, TEXT)
    draft_id = remember(ws, ws.task(LETTER), content)
    hd_env.write_policy(NO_MODEL)
    refused = draft_cli(hd_env, LETTER, source="-", stdin="Bonjour.")
    assert refused.returncode != 0 and "Aucun modèle du catalogue" in refused.stderr
    out = tmp_path / "encore.docx"
    exported = run_cli(hd_env, "history", "export", draft_id[:8], "--out", str(out))
    assert exported.returncode == 0, exported.stderr
    assert "Votre dossier est complet." in all_text(out)


def test_an_export_with_revisions_shows_the_source_revised(hd_env: Env, tmp_path: Path) -> None:
    import docx
    from docx.oxml.ns import qn

    source = "Madame,\n\nVotre dossier est incomplet.\n\nCordialement."
    out = tmp_path / "revisions.docx"
    export_draft(
        Workspace.open(), ExportRequest(LETTER, {}, TEXT, None, revisions_from=source), out
    )
    body = docx.Document(str(out)).element.body
    deleted = ["".join(t.text for t in d.iter(qn("w:delText"))) for d in body.iter(qn("w:del"))]
    inserted = ["".join(t.text for t in i.iter(qn("w:t"))) for i in body.iter(qn("w:ins"))]
    assert deleted == ["incomplet."] and inserted == ["complet."]
    (export,) = [e for e in audit(hd_env) if e["event"] == "export"]
    assert export["details"] == {
        "format": "docx",
        "revisions": True,
        "letterhead": None,  # none installed: the template's own header
        "letterhead_sha256": None,
    }


def test_revisions_need_a_source(hd_env: Env, tmp_path: Path) -> None:
    with pytest.raises(UsageError, match="Pas de texte source"):
        export_draft(
            Workspace.open(),
            ExportRequest(LETTER, {}, TEXT, None, revisions_from="  "),
            tmp_path / "x.docx",
        )
    assert not (tmp_path / "x.docx").exists()
