"""Filing through FHIR R4 against a real FHIR server on 127.0.0.1 (sekmet-fhir): the patient's
identity found by IPP, the document filed as a Binary and a DocumentReference that the IPP
finds, and sent again without a duplicate."""

from __future__ import annotations

import base64
import datetime as dt
import shutil
from pathlib import Path

import httpx
import pytest

from hospidesk.dpi.fhir import FhirServer, find_patient
from hospidesk.service.export import ExportRequest, export_draft
from hospidesk.service.filing import (
    FilingRequest,
    deliver,
    file_document,
    open_outbox,
    retry_due,
)
from hospidesk.service.filing_message import prepare
from hospidesk.service.workspace import Workspace
from tests.conftest import Env
from tests.dpi.fhir_server import add_patient, free_port, running_fhir
from tests.dpi.messages import HOSPITAL_OID, PATIENT, STAY

pytestmark = [pytest.mark.server, pytest.mark.usefixtures("secret_service")]
BODY = "Nous vous confirmons votre rendez-vous du 12 mars 2027 à 14h30, au bâtiment C."


def test_the_patient_is_found_by_ipp_with_the_ins_only_when_qualified(tmp_path: Path) -> None:
    with running_fhir(tmp_path) as base:
        known = add_patient(base, HOSPITAL_OID, "123456", qualified_ins="248032A99900012")
        add_patient(base, HOSPITAL_OID, "777777")
        server = FhirServer(base)
        found = find_patient(server, HOSPITAL_OID, "123456")
        assert found is not None
        patient, fhir_id = found
        assert fhir_id == known
        assert (patient.birth_name, patient.first_name, patient.sex) == ("EXEMPLE", "Jeanne", "F")
        assert patient.birth_date == dt.date(1948, 3, 2) and patient.ins == "248032A99900012"
        unqualified = find_patient(server, HOSPITAL_OID, "777777")
        assert unqualified is not None and unqualified[0].ins == ""
        assert find_patient(server, HOSPITAL_OID, "999999") is None


def documents(base: str, ipp: str, logical: bool = False) -> list[dict[str, object]]:
    """The patient's documents: through their Patient resource, or by the IPP written in the
    reference itself (``logical``: the server could not be asked who the patient was)."""
    search = "subject:identifier" if logical else "patient.identifier"
    answer = httpx.get(
        f"{base}/DocumentReference",
        params={search: f"urn:oid:{HOSPITAL_OID}|{ipp}"},
        headers={"Prefer": "handling=strict"},
        trust_env=False,
    )
    answer.raise_for_status()
    return [e["resource"] for e in answer.json().get("entry", [])]


def set_up(hd_env: Env, base: str, tmp_path: Path) -> tuple[Workspace, FilingRequest]:
    if not shutil.which("soffice"):
        pytest.skip("LibreOffice is not installed (.ci/run installs it)")
    hd_env.write_policy(
        f'[dpi]\nmode = "fhir"\nfhir_url = "{base}"\ntimeout_seconds = 5\n'
        f'ipp_oid = "{HOSPITAL_OID}"\nfiness = "990000011"\n'
    )
    ws = Workspace.open()
    ws.settings.set("signataire.nom", "Claire Martin")
    ws.settings.set("signataire.rpps", "10001234567")
    out = tmp_path / "lettre.docx"
    export_draft(ws, ExportRequest("secretariat/reformuler-courrier", {}, BODY), out)
    request = FilingRequest(
        docx=out.read_bytes(),
        text=BODY,
        title="Convocation",
        type_code="11490-0",
        type_label="Lettre de sortie",
        patient=PATIENT,
        stay=STAY,
    )
    return ws, request


def test_a_document_is_filed_searchable_by_ipp_and_sent_again_without_duplicate(
    hd_env: Env, tmp_path: Path
) -> None:
    with running_fhir(tmp_path) as base:
        patient_id = add_patient(base, HOSPITAL_OID, PATIENT.ipp)
        ws, request = set_up(hd_env, base, tmp_path)
        waiting, _ = prepare(ws, request, dt.datetime.now())
        assert waiting.channel == "fhir"
        outbox = open_outbox(ws)
        for _ in range(2):  # the answer to the first send lost: the same transaction again
            outbox.put(waiting)
            assert deliver(ws, outbox, waiting).status == "filed"
        (found,) = documents(base, PATIENT.ipp)
        assert found["subject"] == {"reference": f"Patient/{patient_id}"}
        assert found["type"]["coding"][0]["code"] == "11490-0"  # type: ignore[index]
        url = found["content"][0]["attachment"]["url"]  # type: ignore[index]
        binary = httpx.get(f"{base}/{url}", trust_env=False).json()
        assert binary["contentType"] == "application/pdf"
        assert base64.b64decode(binary["data"]).startswith(b"%PDF-")
        count = httpx.get(f"{base}/Binary", params={"_summary": "count"}, trust_env=False)
        assert count.json()["total"] == 1
    assert open_outbox(ws).count() == 0


def test_a_server_down_keeps_the_document_until_it_is_back(hd_env: Env, tmp_path: Path) -> None:
    port = free_port()
    ws, request = set_up(hd_env, f"http://127.0.0.1:{port}/fhir", tmp_path)
    filed = file_document(ws, request)
    assert filed.status == "waiting" and "ne répond pas" in filed.message
    assert open_outbox(ws).count() == 1
    with running_fhir(tmp_path, port=port) as base:
        (done,) = retry_due(ws, now=float("inf"))
        assert done.status == "filed"
        (found,) = documents(base, PATIENT.ipp, logical=True)
        assert found["subject"] == {
            "identifier": {"system": f"urn:oid:{HOSPITAL_OID}", "value": PATIENT.ipp}
        }
    assert open_outbox(ws).count() == 0
