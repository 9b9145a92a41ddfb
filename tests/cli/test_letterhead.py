"""``hospidesk letterhead check``, ``doctor`` and a real draft, as IT and a secretary run them."""

from __future__ import annotations

import hashlib
import json
from pathlib import Path

import docx
import pytest

from tests.conftest import SAMPLES, Env, assert_clean_failure, draft_cli, run_cli
from tests.documents import letterhead_maker as maker
from tests.documents.test_letterhead import macro


def test_check_writes_a_sample_letter_with_the_sites_letterhead(
    hd_env: Env, tmp_path: Path
) -> None:
    installed = maker.write(hd_env.site / "letterhead.docx", maker.letterhead())
    out = tmp_path / "exemple.docx"
    result = run_cli(hd_env, "letterhead", "check", "--out", str(out))
    assert result.returncode == 0, result.stderr
    assert hashlib.sha256(installed.read_bytes()).hexdigest() in result.stdout
    assert "secretariat/reformuler-courrier" in result.stdout
    document = docx.Document(str(out))
    assert maker.logo_in_first_header(document)
    assert maker.LEGAL_MENTION in maker.footer_text(document)
    assert maker.titled(document)
    assert "Ceci est une lettre d'exemple" in "\n".join(p.text for p in document.paragraphs)


def test_check_tries_a_file_before_it_is_deployed(hd_env: Env, tmp_path: Path) -> None:
    candidate = maker.write(tmp_path / "nouvel-en-tete.docx", maker.letterhead(body="Logo ?"))
    out = tmp_path / "essai.docx"
    result = run_cli(hd_env, "letterhead", "check", str(candidate), "--out", str(out))
    assert result.returncode == 0, result.stderr
    assert "nouvel-en-tete.docx" in result.stdout
    assert "attention : le corps du document est ignoré" in result.stdout
    assert maker.logo_in_first_header(docx.Document(str(out)))


def test_check_refuses_a_spoiled_file_in_one_line_and_writes_nothing(
    hd_env: Env, tmp_path: Path
) -> None:
    candidate = maker.write(tmp_path / "letterhead.docx", macro(maker.letterhead()))
    out = tmp_path / "essai.docx"
    line = assert_clean_failure(
        run_cli(hd_env, "letterhead", "check", str(candidate), "--out", str(out))
    )
    assert line == "hospidesk: En-tête refusé : letterhead.docx — le document contient des macros."
    assert not out.exists()


def test_check_says_where_the_letterhead_goes_when_there_is_none(hd_env: Env) -> None:
    line = assert_clean_failure(run_cli(hd_env, "letterhead", "check", "--job", "qualite"))
    assert "Aucun en-tête installé" in line
    assert str(hd_env.site / "letterheads" / "qualite.docx") in line
    assert str(hd_env.site / "letterhead.docx") in line


def test_check_of_a_job_uses_that_jobs_letterhead_and_task(hd_env: Env, tmp_path: Path) -> None:
    maker.write(
        hd_env.site / "letterheads" / "qualite.docx", maker.letterhead(legal="Direction qualité")
    )
    out = tmp_path / "q.docx"
    result = run_cli(hd_env, "letterhead", "check", "--job", "qualite", "--out", str(out))
    assert result.returncode == 0, result.stderr
    assert "letterheads/qualite.docx" in result.stdout and "tâche   : qualite/" in result.stdout
    assert maker.footer_text(docx.Document(str(out))) == "Direction qualité"


def test_doctor_names_the_letterhead_in_force_and_the_refused_one(hd_env: Env) -> None:
    maker.write(hd_env.site / "letterhead.docx", maker.letterhead())
    maker.write(hd_env.site / "letterheads" / "achats.docx", macro(maker.letterhead()))
    result = run_cli(hd_env, "doctor")
    (line,) = [x for x in result.stdout.splitlines() if "En-tête de l'établissement" in x]
    assert line.startswith("!! ")
    assert "letterhead.docx (sha256 " in line
    assert "En-tête refusé : letterheads/achats.docx — le document contient des macros." in line
    paths = json.loads(run_cli(hd_env, "paths", "--json").stdout)
    assert paths["letterhead"] == str(hd_env.site / "letterhead.docx")


@pytest.mark.model
def test_a_real_draft_is_written_inside_the_letterhead_and_audited(
    hd_env: Env, tmp_path: Path
) -> None:
    installed = maker.write(hd_env.site / "letterhead.docx", maker.letterhead())
    out = tmp_path / "courrier.docx"
    result = draft_cli(
        hd_env,
        "secretariat/reformuler-courrier",
        source=SAMPLES / "courrier-brut.txt",
        max_tokens=48,
        out=out,
    )
    assert result.returncode == 0, result.stderr
    document = docx.Document(str(out))
    assert maker.logo_in_first_header(document) and maker.titled(document)
    assert maker.LEGAL_MENTION in maker.footer_text(document)
    records = (hd_env.home / "data" / "audit.jsonl").read_text(encoding="utf-8").splitlines()
    (export,) = [r for r in map(json.loads, records) if r["event"] == "export"]
    assert (
        export["details"]["letterhead_sha256"] == hashlib.sha256(installed.read_bytes()).hexdigest()
    )


def test_check_of_a_job_says_why_the_sites_letterhead_is_not_used(hd_env: Env) -> None:
    maker.write(hd_env.site / "letterhead.docx", macro(maker.letterhead()))
    line = assert_clean_failure(run_cli(hd_env, "letterhead", "check", "--job", "qualite"))
    assert "En-tête refusé : letterhead.docx — le document contient des macros" in line
