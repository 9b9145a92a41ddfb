"""« Classer dans le dossier patient » in the window, on a scripted engine and a real MLLP
engine on 127.0.0.1: the patient typed once and shown in a banner, the draft filed (then
replaced), a refusal in the error banner, and no such menu when the policy keeps filing off."""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from dataclasses import replace
from pathlib import Path
from typing import Any

import hl7
import pytest
from PySide6.QtGui import QAction
from pytestqt.qtbot import QtBot

from hospidesk.dpi.identity import Stay
from hospidesk.packs.model import DocumentType
from hospidesk.service.workspace import Workspace
from hospidesk.ui.app import create_window
from hospidesk.ui.main_window import MainWindow
from hospidesk.ui.patient_dialog import PatientDialog
from tests.conftest import Env
from tests.dpi.eai import Behaviour, Eai, running_eai
from tests.dpi.messages import HOSPITAL_OID, PATIENT
from tests.engine.fake import FakeEngine

LETTER = "secretariat/reformuler-courrier"
BODY = "Nous vous confirmons votre rendez-vous du 12 mars 2027 à 14h30, au bâtiment C."


def typed_tasks(ws: Workspace, monkeypatch: pytest.MonkeyPatch) -> None:
    """The letter as a pack that declares its document type would give it."""
    shipped = ws.task

    def typed(ref: str) -> Any:
        found = shipped(ref)
        kind = DocumentType(code="11490-0", label="Lettre de sortie")
        return replace(found, task=found.task.model_copy(update={"document_type": kind}))

    monkeypatch.setattr(ws, "task", typed)


def window_for(qtbot: QtBot, hd_env: Env, eai: Eai | None) -> MainWindow:
    if eai is not None:
        hd_env.write_policy(
            f'[dpi]\nmode = "mllp"\nhost = "127.0.0.1"\nport = {eai.port}\ntimeout_seconds = 5\n'
            f'ipp_oid = "{HOSPITAL_OID}"\nfiness = "990000011"\n'
        )
    ws = Workspace.open()
    ws.settings.set("signataire.nom", "Claire Martin")
    ws.settings.set("signataire.rpps", "10001234567")
    win = create_window(ws, FakeEngine("Texte."))
    qtbot.addWidget(win)
    win.show()
    return win


def menu_texts(win: MainWindow) -> list[str]:
    return [a.text() for a in win.findChildren(QAction)]


@pytest.fixture
def eai() -> Iterator[Eai]:
    with running_eai() as engine:
        yield engine


pytestmark = [
    pytest.mark.libreoffice,
    pytest.mark.usefixtures("secret_service"),
    pytest.mark.skipif(shutil.which("soffice") is None, reason="LibreOffice is not installed"),
]


def test_a_draft_is_filed_for_the_patient_then_replaced(
    qtbot: QtBot, hd_env: Env, eai: Eai, monkeypatch: pytest.MonkeyPatch
) -> None:
    win = window_for(qtbot, hd_env, eai)
    typed_tasks(win.workspace, monkeypatch)
    assert "&Classer dans le dossier patient" in menu_texts(win)
    win.filing.set_context("123456", Stay("789"))
    assert "IPP 123456" in win.filing.banner.text() and win.filing.banner.isVisible()
    win.filing.set_patient(PATIENT)  # as the dialog gives it (tested below)
    win.library.select(LETTER)
    win.draft.setPlainText(BODY)
    for turn in (1, 2):
        win.filing.last = None
        win.filing.file()
        qtbot.waitUntil(lambda: win.filing.last is not None, timeout=60_000)
        assert win.filing.last is not None and win.filing.last.status == "filed"
        assert win.statusBar().currentMessage().startswith("Classé dans le dossier patient à ")
        assert len(eai.received) == turn
    first, second = (hl7.parse(m) for m in eai.received)
    assert str(first.segment("MSH")[9]) == "MDM^T02^MDM_T02"
    assert str(second.segment("MSH")[9]) == "MDM^T10^MDM_T02"
    assert str(second.segment("TXA")[13]) == str(first.segment("TXA")[12])
    assert str(second.segment("PV1")[19]).startswith("789^")
    assert not win.filing.waiting.isVisible()
    win.close()


def test_a_refusal_shows_the_engine_s_reason_in_the_error_banner(
    qtbot: QtBot, hd_env: Env, eai: Eai, monkeypatch: pytest.MonkeyPatch
) -> None:
    eai.behaviour = Behaviour(code="AE", error="207^E^HL70357|E|904^INS^applicationErrorCode")
    win = window_for(qtbot, hd_env, eai)
    typed_tasks(win.workspace, monkeypatch)
    win.filing.set_patient(PATIENT)
    win.library.select(LETTER)
    win.draft.setPlainText(BODY)
    win.filing.file()
    qtbot.waitUntil(lambda: win.filing.last is not None, timeout=60_000)
    assert win.banner.isVisible()
    assert "L'INS envoyée diffère de celle du dossier patient (code 904)" in win.banner_text.text()
    win.close()


def test_without_the_policy_there_is_no_filing_menu(qtbot: QtBot, hd_env: Env) -> None:
    win = window_for(qtbot, hd_env, None)
    assert "&Classer dans le dossier patient" not in menu_texts(win)
    assert not win.filing.banner.isVisible()
    win.close()


def test_the_patient_dialog_checks_what_is_typed(qtbot: QtBot, hd_env: Env) -> None:
    dialog = PatientDialog(None, HOSPITAL_OID, None, Stay("789"))
    qtbot.addWidget(dialog)
    dialog.ipp.setText("123456")
    dialog.birth_name.setText("Exemple")
    dialog.first_name.setText("Jeanne")
    dialog.birth_date.setText("31/02/1948")
    dialog.check_and_accept()
    assert dialog.result_value is None and "Date de naissance" in dialog.error.text()
    dialog.birth_date.setText("02/03/1948")
    dialog.qualified.setChecked(True)
    dialog.ins.setText("2480")
    dialog.check_and_accept()
    assert dialog.result_value is None and "INS" in dialog.error.text()
    dialog.ins.setText("248032A99900012")
    dialog.sex.setCurrentIndex(0)
    dialog.check_and_accept()
    assert dialog.result_value is not None
    patient, stay = dialog.result_value
    assert (patient.birth_name, patient.first_name, patient.sex) == ("EXEMPLE", "Jeanne", "F")
    assert patient.ins == "248032A99900012" and patient.ipp_oid == HOSPITAL_OID
    assert stay.number == "789"


def test_a_context_file_dropped_by_the_dpi_opens_its_patient_asking_first_over_a_draft(
    qtbot: QtBot, hd_env: Env, eai: Eai, monkeypatch: pytest.MonkeyPatch
) -> None:
    import json

    from PySide6.QtWidgets import QMessageBox

    win = window_for(qtbot, hd_env, eai)
    folder = win.workspace.paths.context_dir

    def drop(ipp: str) -> None:
        identity = {"nom_naissance": "EXEMPLE", "prenom": "Jeanne", "sexe": "F"}
        (folder / "contexte.json").write_text(json.dumps({"ipp": ipp, **identity}))

    drop("123456")
    qtbot.waitUntil(lambda: "IPP 123456" in win.filing.banner.text(), timeout=10_000)
    assert "EXEMPLE Jeanne" in win.filing.banner.text()
    assert not (folder / "contexte.json").exists()
    win.library.select(LETTER)
    win.draft.setPlainText(BODY)
    asked: list[str] = []
    answers = [QMessageBox.StandardButton.No, QMessageBox.StandardButton.Yes]

    def question(parent: object, title: str, text: str) -> QMessageBox.StandardButton:
        asked.append(text)
        return answers[len(asked) - 1]

    monkeypatch.setattr(QMessageBox, "question", question)
    drop("654321")
    qtbot.waitUntil(lambda: len(asked) == 1, timeout=10_000)
    assert "IPP 654321" in asked[0] and "IPP 123456" in win.filing.banner.text()
    drop("654321")
    qtbot.waitUntil(lambda: "IPP 654321" in win.filing.banner.text(), timeout=10_000)
    assert len(asked) == 2
    win.close()


@pytest.mark.server
def test_the_dpi_s_patient_is_identified_by_the_fhir_server_and_shown_in_the_banner(
    qtbot: QtBot, hd_env: Env, eai: Eai, tmp_path: Path
) -> None:
    from tests.dpi.fhir_server import add_patient, running_fhir

    with running_fhir(tmp_path) as base:
        add_patient(base, HOSPITAL_OID, "123456", qualified_ins="248032A99900012")
        hd_env.write_policy(
            f'[dpi]\nmode = "mllp"\nhost = "127.0.0.1"\nport = {eai.port}\n'
            f'fhir_url = "{base}"\nipp_oid = "{HOSPITAL_OID}"\nfiness = "990000011"\n'
        )
        win = create_window(Workspace.open(), FakeEngine("Texte."))
        qtbot.addWidget(win)
        win.filing.set_context("123456", Stay("789"))
        qtbot.waitUntil(lambda: "EXEMPLE Jeanne" in win.filing.banner.text(), timeout=30_000)
        assert "née le 02/03/1948 (F)" in win.filing.banner.text()
        assert "IPP 123456 — INS qualifiée" in win.filing.banner.text()
        assert win.filing.patient is not None and win.filing.patient.ins == "248032A99900012"
        win.filing.set_context("999999", Stay())
        qtbot.waitUntil(lambda: "identité à saisir" in win.filing.banner.text(), timeout=30_000)
        assert "ne connaît pas l'IPP 999999" in win.filing.banner.text()
        assert win.filing.patient is None  # nothing of the patient before is kept
        win.close()


@pytest.mark.server
def test_the_patient_s_fields_fill_from_the_record_into_the_document_never_the_prompt(
    qtbot: QtBot, hd_env: Env, eai: Eai, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Acceptance 1 of #36: opened with --ipp and --sejour, a FHIR server holding the patient."""
    from docx import Document as WordDocument

    from tests.dpi.fhir_server import add_patient, running_fhir
    from tests.ui.test_window_logic import generate

    with running_fhir(tmp_path) as base:
        add_patient(base, HOSPITAL_OID, "123456")
        hd_env.write_policy(
            f'[dpi]\nmode = "mllp"\nhost = "127.0.0.1"\nport = {eai.port}\n'
            f'fhir_url = "{base}"\nipp_oid = "{HOSPITAL_OID}"\nfiness = "990000011"\n'
        )
        engine = FakeEngine("Madame, nous vous attendons le 12 mars 2027 à 14h30.")
        win = create_window(Workspace.open(), engine)
        qtbot.addWidget(win)
        win.show()
        qtbot.waitUntil(lambda: win.controller.model is not None, timeout=30_000)
        win.filing.set_context("123456", Stay("789"))
        qtbot.waitUntil(lambda: "EXEMPLE Jeanne" in win.filing.banner.text(), timeout=30_000)
    win.library.select("secretariat/convocation")
    form = win.form
    assert form is not None
    assert form.values()["patient"] == "Jeanne EXEMPLE" and form.values()["civilite"] == "Madame"
    assert "jamais au modèle" in form.editors["patient"].input.toolTip()
    form.set_values(
        {"date_rdv": "12/03/2027", "heure_rdv": "14h30", "lieu": "Bâtiment C",
         "medecin": "Dr Martin", "contact": "04 72 11 22 33"}
    )  # fmt: skip
    generate(qtbot, win)
    sent = "\n".join(m.content for call in engine.calls for m in call.messages)
    assert "Dr Martin" in sent  # what the user typed goes to the model
    assert "EXEMPLE" not in sent and "Jeanne" not in sent and "1948" not in sent
    target = tmp_path / "convocation.docx"
    monkeypatch.setattr(win, "ask_export_path", lambda: target)
    win.export_button.click()
    qtbot.waitUntil(lambda: not win.flow.exporting and target.exists(), timeout=60_000)
    text = "\n".join(p.text for p in WordDocument(str(target)).paragraphs)
    tables = WordDocument(str(target)).tables
    text += "\n".join(c.text for t in tables for r in t.rows for c in r.cells)
    assert "Jeanne EXEMPLE" in text
    trail = win.workspace.paths.audit_file.read_text(encoding="utf-8")
    assert "EXEMPLE" not in trail and "Jeanne" not in trail
    win.close()


def test_a_waiting_document_is_sent_by_the_window_when_the_engine_is_back(
    qtbot: QtBot, hd_env: Env, monkeypatch: pytest.MonkeyPatch
) -> None:
    with running_eai() as gone:
        port = gone.port
    win = window_for(qtbot, hd_env, Eai("127.0.0.1", port))
    typed_tasks(win.workspace, monkeypatch)
    win.filing.set_patient(PATIENT)
    win.library.select(LETTER)
    win.draft.setPlainText(BODY)
    win.filing.file()
    qtbot.waitUntil(lambda: win.filing.last is not None, timeout=60_000)
    assert win.filing.last is not None and win.filing.last.status == "waiting"
    assert win.filing.waiting.isVisible() and "(1)" in win.filing.waiting.text()
    with running_eai(port=port) as eai:
        from hospidesk.service.filing import open_outbox

        outbox = open_outbox(win.workspace)
        (entry,) = outbox.entries()
        outbox.put(replace(entry, next_try=0.0))  # its next try's time has come
        win.filing.retry()  # what the timer does every 30 s
        qtbot.waitUntil(lambda: not win.filing.waiting.isVisible(), timeout=30_000)
    assert len(eai.documents()) == 1
    assert win.statusBar().currentMessage().startswith("Classé dans le dossier patient à ")
    win.close()
