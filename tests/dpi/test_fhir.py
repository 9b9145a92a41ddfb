"""The FHIR transaction that files a document, checked by structure; a refusal by the real
server said in French."""

from __future__ import annotations

from pathlib import Path

import pytest

from hospidesk.dpi.fhir import (
    FhirDocument,
    FhirRefused,
    FhirServer,
    binary_id,
    document_bundle,
    send_bundle,
)
from tests.dpi.fhir_server import running_fhir
from tests.dpi.messages import AUTHOR, CREATED, FINESS, FIRST, PATIENT, STAY


def bundle(**changes: object) -> dict[str, object]:
    values = {
        "version": FIRST,
        "patient": PATIENT,
        "patient_id": "abc",
        "stay": STAY,
        "author": AUTHOR,
        "finess": FINESS,
        "type_code": "11490-0",
        "type_label": "Lettre de sortie",
        "title": "Convocation",
        "created": CREATED,
        "pdf": b"%PDF-1.7\n%%EOF\n",
    } | changes
    return document_bundle(FhirDocument(**values))  # type: ignore[arg-type]


def test_the_transaction_puts_the_pdf_at_a_fixed_id_and_creates_the_reference_once() -> None:
    data = bundle()
    assert data["type"] == "transaction"
    binary, reference = data["entry"]  # type: ignore[misc]
    assert binary["request"] == {"method": "PUT", "url": f"Binary/{binary_id(FIRST)}"}
    assert binary["resource"]["contentType"] == "application/pdf"
    request = reference["request"]
    assert request["method"] == "POST"
    assert request["ifNoneExist"] == f"identifier=urn:ietf:rfc:3986|urn:oid:{FIRST.id}"
    document = reference["resource"]
    assert document["subject"] == {"reference": "Patient/abc"}
    assert document["content"][0]["attachment"]["url"] == f"Binary/{binary_id(FIRST)}"
    assert "relatesTo" not in document


def test_a_new_version_replaces_the_one_before_and_an_unknown_patient_is_named_by_ipp() -> None:
    second = FIRST.next()
    document = bundle(version=second, patient_id=None)["entry"][1]["resource"]  # type: ignore[index]
    assert document["relatesTo"][0]["code"] == "replaces"
    assert document["relatesTo"][0]["target"]["identifier"]["value"] == f"urn:oid:{FIRST.id}"
    assert document["subject"]["identifier"]["value"] == PATIENT.ipp


@pytest.mark.server
def test_a_transaction_the_server_refuses_is_said_in_french(tmp_path: Path) -> None:
    invalid = (
        b'{"resourceType": "Bundle", "type": "transaction", "entry": [{"resource": '
        b'{"resourceType": "Binary"}, "request": {"method": "POST", "url": "Binary"}}]}'
    )
    with (
        running_fhir(tmp_path) as base,
        pytest.raises(FhirRefused, match="Le serveur FHIR a refusé"),
    ):
        send_bundle(FhirServer(base), invalid)
