"""Filing in the patient record end to end, against python-hl7's MLLP server on 127.0.0.1 as
the interface engine: the Word letter becomes a PDF/A (LibreOffice), a CDA, an MDM that hl7apy
accepts; AA files it, AE refuses it for good, no answer keeps it sealed in the outbox until the
engine is back, and bad input is refused before anything is sent."""

from __future__ import annotations

import base64
import datetime as dt
import math
import shutil
import subprocess
from dataclasses import replace
from pathlib import Path

import hl7
import pytest
from hl7apy.consts import VALIDATION_LEVEL
from hl7apy.parser import parse_message
from lxml import etree

from hospidesk.documents.pdfa import words
from hospidesk.dpi.identity import INS_NIR_TEST_OID
from hospidesk.service.export import ExportRequest, export_draft
from hospidesk.service.filing import (
    EXIT_CODES,
    FilingError,
    FilingRequest,
    file_document,
    open_outbox,
    retry_due,
)
from hospidesk.service.workspace import Workspace
from tests.conftest import Env
from tests.dpi.eai import Behaviour, Eai, running_eai
from tests.dpi.messages import HOSPITAL_OID, PATIENT, STAY

pytestmark = [
    pytest.mark.libreoffice,
    pytest.mark.usefixtures("secret_service"),
    pytest.mark.skipif(shutil.which("soffice") is None, reason="LibreOffice is not installed"),
]
BODY = (
    "Nous vous confirmons le rendez-vous de consultation de cardiologie du 12 mars 2027 à "
    "14h30, au bâtiment C. Merci d'apporter votre carte Vitale."
)


def set_up(hd_env: Env, port: int, extra: str = "") -> Workspace:
    hd_env.write_policy(
        f'[dpi]\nmode = "mllp"\nhost = "127.0.0.1"\nport = {port}\ntimeout_seconds = 5\n'
        f'ipp_oid = "{HOSPITAL_OID}"\nfiness = "990000011"\n'
        f'hospital = "Centre hospitalier d\'Exemple"\n{extra}'
    )
    ws = Workspace.open()
    ws.settings.set("signataire.nom", "Claire Martin")
    ws.settings.set("signataire.rpps", "10001234567")
    return ws


def request(ws: Workspace, tmp_path: Path, **changes: object) -> FilingRequest:
    out = tmp_path / "lettre.docx"
    export = ExportRequest("secretariat/reformuler-courrier", {}, BODY)
    export_draft(ws, export, out, dt.date(2026, 12, 6))
    base = FilingRequest(
        docx=out.read_bytes(),
        text=BODY,
        title="Convocation en consultation",
        type_code="11488-4",
        type_label="Compte rendu de consultation",
        patient=PATIENT,
        stay=STAY,
    )
    return replace(base, **changes)  # type: ignore[arg-type]


def received(eai: Eai, index: int = -1) -> hl7.Message:
    return hl7.parse(eai.received[index])


def test_an_acknowledged_document_is_filed_and_its_pdf_holds_the_letter(
    hd_env: Env, tmp_path: Path
) -> None:
    with running_eai() as eai:
        ws = set_up(hd_env, eai.port)
        filed = file_document(ws, request(ws, tmp_path))
    assert (filed.status, EXIT_CODES[filed.status]) == ("filed", 0)
    assert filed.message.startswith("Classé dans le dossier patient à ")
    assert len(eai.received) == 1 and open_outbox(ws).count() == 0
    message = received(eai)
    assert str(message.segment("MSH")[9]) == "MDM^T02^MDM_T02"
    assert str(message.segment("MSH")[10]) == filed.control_id
    cda = base64.b64decode(str(message.segment("OBX")[5][0][4]))
    stub = eai.received[0].replace(str(message.segment("OBX")[5][0][4]), "PD94", 1)
    parse_message(stub, validation_level=VALIDATION_LEVEL.STRICT).validate()
    root = etree.fromstring(cda)
    (body,) = root.xpath("//h:nonXMLBody/h:text", namespaces={"h": "urn:hl7-org:v3"})
    (tmp_path / "classe.pdf").write_bytes(base64.b64decode(body.text))
    if shutil.which("pdftotext"):
        text = subprocess.run(
            ["pdftotext", "-enc", "UTF-8", str(tmp_path / "classe.pdf"), "-"],
            capture_output=True,
            text=True,
            check=True,
        ).stdout
        assert words(BODY) <= words(text)
    trail = ws.paths.audit_file.read_text(encoding="utf-8")
    assert "dpi_filed" in trail and filed.control_id in trail
    assert PATIENT.ipp not in trail and PATIENT.birth_name not in trail and "Vitale" not in trail


def test_a_new_version_is_sent_as_a_replacement_of_the_one_filed(
    hd_env: Env, tmp_path: Path
) -> None:
    with running_eai() as eai:
        ws = set_up(hd_env, eai.port)
        first = file_document(ws, request(ws, tmp_path))
        assert first.version is not None
        second = file_document(ws, request(ws, tmp_path, replaces=first.version))
    assert second.status == "filed" and second.version is not None
    message = received(eai)
    assert str(message.segment("MSH")[9]) == "MDM^T10^MDM_T02"
    assert str(message.segment("TXA")[13]) == first.version.id
    assert second.version.set_id == first.version.set_id


def test_an_engine_down_keeps_the_document_sealed_until_it_is_back_then_once(
    hd_env: Env, tmp_path: Path
) -> None:
    with running_eai() as eai:
        port = eai.port
    ws = set_up(hd_env, port)
    waiting = file_document(ws, request(ws, tmp_path))
    assert (waiting.status, EXIT_CODES[waiting.status]) == ("waiting", 3)
    assert "ne répond pas" in waiting.message and "en attente d'envoi" in waiting.message
    outbox = open_outbox(ws)
    (kept,) = outbox.entries()
    assert kept.attempts == 1 and kept.control_id == waiting.control_id
    for file in hd_env.home.rglob("*"):  # nothing of the letter in plain in the user's folders
        if file.is_file() and file.suffix != ".docx":
            data = file.read_bytes()
            assert b"Vitale" not in data and PATIENT.birth_name.encode() not in data, file
    assert retry_due(ws, now=0) == []  # not due yet: nothing is tried
    with running_eai(port=port) as eai:
        (done,) = retry_due(ws, now=math.inf)
        assert retry_due(ws, now=math.inf) == []
    assert done.status == "filed" and outbox.count() == 0
    assert eai.control_ids() == [waiting.control_id] and len(eai.documents()) == 1
    assert eai.received[0].rstrip("\r").encode() == kept.message  # the same bytes


def test_an_acknowledgement_naming_another_message_is_not_taken_as_ours(
    hd_env: Env, tmp_path: Path
) -> None:
    with running_eai(Behaviour(foreign=True)) as eai:
        ws = set_up(hd_env, eai.port)
        filed = file_document(ws, request(ws, tmp_path))
    assert filed.status == "waiting" and "autre message" in filed.message
    assert open_outbox(ws).count() == 1


def test_a_refusal_is_said_in_french_and_not_tried_again(hd_env: Env, tmp_path: Path) -> None:
    error = "207^Application error^HL70357|E|903^INS absente^applicationErrorCode"
    with running_eai(Behaviour(code="AE", error=error)) as eai:
        ws = set_up(hd_env, eai.port)
        filed = file_document(ws, request(ws, tmp_path))
        assert retry_due(ws, now=math.inf) == []
    assert (filed.status, EXIT_CODES[filed.status]) == ("refused", 2)
    assert "INS absente du document (code 903)" in filed.message
    assert len(eai.received) == 1 and open_outbox(ws).count() == 0
    assert "dpi_refused" in ws.paths.audit_file.read_text(encoding="utf-8")


@pytest.mark.parametrize(
    ("change", "extra", "said"),
    [
        ({"patient": replace(PATIENT, ipp="")}, "", "Aucun patient : indiquez son IPP"),
        (
            {"patient": replace(PATIENT, first_name="Łucja")},
            'charset = "8859/15"\n',
            "Le caractère « Ł » ne peut pas être envoyé",
        ),
        ({}, "max_bytes = 10000\n", "Document trop lourd pour le dossier patient"),
        (
            {"patient": replace(PATIENT, ins_oid=INS_NIR_TEST_OID)},
            "",
            "Identité de test refusée",
        ),
    ],
)
def test_bad_input_is_refused_before_anything_is_sent(
    hd_env: Env, tmp_path: Path, change: dict[str, object], extra: str, said: str
) -> None:
    with running_eai() as eai:
        ws = set_up(hd_env, eai.port, extra)
        asked = request(ws, tmp_path, **change)
        with pytest.raises(FilingError, match=said):
            file_document(ws, asked)
    assert eai.received == [] and open_outbox(ws).count() == 0
    assert (tmp_path / "lettre.docx").read_bytes() == asked.docx  # the Word export is intact


def test_a_draft_is_filed_as_its_task_declares_and_not_when_it_declares_nothing(
    hd_env: Env, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from hospidesk.packs.model import DocumentType
    from hospidesk.service.filing import draft_filing

    with running_eai() as eai:
        ws = set_up(hd_env, eai.port)
        export = ExportRequest("secretariat/reformuler-courrier", {}, BODY)
        with pytest.raises(FilingError, match="ne se classe pas dans le dossier patient"):
            draft_filing(ws, export, PATIENT, STAY)
        shipped = ws.task

        def typed(ref: str):  # type: ignore[no-untyped-def]
            found = shipped(ref)  # the task as a pack that declares its type would give it
            kind = DocumentType(code="11490-0", label="Lettre de sortie")
            return replace(found, task=found.task.model_copy(update={"document_type": kind}))

        monkeypatch.setattr(ws, "task", typed)
        filed = file_document(ws, draft_filing(ws, export, PATIENT, STAY))
    assert filed.status == "filed"
    assert str(received(eai).segment("OBR")[4]) == "11490-0^Lettre de sortie^LN"
    assert str(received(eai).segment("TXA")[2]) == "11490-0"


def test_over_tls_the_engine_s_certificate_is_checked_against_the_policy_s_authority(
    hd_env: Env, tmp_path: Path
) -> None:
    import ssl

    from tests.dpi.eai import self_signed

    cert, key = self_signed(hd_env.site)
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    context.load_cert_chain(cert, key)
    with running_eai(tls=context) as eai:
        ws = set_up(hd_env, eai.port, 'tls = true\nca_file = "eai-ca.pem"\n')
        assert file_document(ws, request(ws, tmp_path)).status == "filed"
        ws = set_up(hd_env, eai.port, "tls = true\n")  # the system's authorities only
        refused = file_document(ws, request(ws, tmp_path))
    assert refused.status == "waiting" and "Connexion chiffrée refusée" in refused.message
    assert len(eai.received) == 1
