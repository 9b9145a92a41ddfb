"""The patient record through FHIR R4 (fhir.resources' R4B models): the patient's identity
found by IPP (PDQm style, ``GET Patient?identifier=urn:oid:<oid>|<ipp>``), and a document filed
as a transaction of a Binary (the PDF) and a DocumentReference.

A document is filed once whatever the number of sends: the Binary is written at an id made of
the version's id (``PUT``), and the DocumentReference is created only if none holds the
version's identifier yet (``ifNoneExist``). Only the policy's FHIR server is ever reached.
"""

from __future__ import annotations

import base64
import datetime as dt
import hashlib
import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx

from hospidesk.dpi.identity import Author, DocumentVersion, Patient, Sex, Stay
from hospidesk.dpi.mllp import TransportError
from hospidesk.errors import HospiDeskError
from hospidesk.netguard import check_allowed

LOINC = "http://loinc.org"
URI = "urn:ietf:rfc:3986"
FHIR_JSON = "application/fhir+json"
RELIABILITY = "identity-reliability"
"""FR Core's extension on Patient saying whether the identity is qualified (code VALI)."""
SEXES: dict[str, Sex] = {"female": "F", "male": "M"}


class FhirRefused(HospiDeskError):
    """The FHIR server refused the request (4xx): said in French, not tried again."""


@dataclass(frozen=True)
class FhirServer:
    url: str
    timeout: float = 30.0
    ca_file: Path | None = None

    def client(self) -> httpx.Client:
        check_allowed(self.url, [self])
        return httpx.Client(
            base_url=self.url.rstrip("/") + "/",
            timeout=self.timeout,
            verify=str(self.ca_file) if self.ca_file else True,
            trust_env=False,  # no proxy from the environment: the hospital's server only
            headers={"Accept": FHIR_JSON, "Prefer": "handling=strict"},
        )


def _unreachable(server: FhirServer, exc: Exception) -> TransportError:
    return TransportError(
        f"Le serveur FHIR du dossier patient ({server.url}) ne répond pas : {exc}."
    )


def find_patient(server: FhirServer, ipp_oid: str, ipp: str) -> tuple[Patient, str] | None:
    """The patient the hospital knows by this IPP, and their id on the server; None when
    the server knows nobody by it."""
    from fhir.resources.R4B.bundle import Bundle
    from fhir.resources.R4B.patient import Patient as FhirPatient

    try:
        with server.client() as client:
            answer = client.get("Patient", params={"identifier": f"urn:oid:{ipp_oid}|{ipp}"})
    except httpx.HTTPError as exc:
        raise _unreachable(server, exc) from exc
    _check(answer, "la recherche du patient")
    found = [
        e.resource
        for e in Bundle.model_validate(answer.json()).entry or []
        if isinstance(e.resource, FhirPatient)
    ]
    if not found:
        return None
    if len(found) > 1:
        raise FhirRefused(
            f"Plusieurs patients portent l'IPP {ipp} sur le serveur FHIR : appelez le bureau des "
            "entrées."
        )
    return _patient(found[0], ipp_oid, ipp), str(found[0].id)


def _patient(resource: Any, ipp_oid: str, ipp: str) -> Patient:
    names = resource.name or []
    name = next((n for n in names if n.use == "official"), names[0] if names else None)
    ins = next(
        (i.value for i in resource.identifier or [] if i.system == "urn:oid:1.2.250.1.213.1.4.8"),
        "",
    )
    qualified = any(
        RELIABILITY in (ext.url or "") and "VALI" in json.dumps(ext.model_dump(mode="json"))
        for ext in resource.extension or []
    )
    return Patient(
        ipp=ipp,
        ipp_oid=ipp_oid,
        birth_name=(name.family or "") if name else "",
        first_name=(name.given or [""])[0] if name else "",
        birth_date=resource.birthDate,
        sex=SEXES.get(resource.gender or "", "U"),
        ins=ins if qualified else "",
    )


@dataclass(frozen=True)
class FhirDocument:
    version: DocumentVersion
    patient: Patient
    patient_id: str | None
    """The patient's id on the server, when it knows them; else a logical reference (IPP)."""
    stay: Stay
    author: Author
    finess: str
    type_code: str
    type_label: str
    title: str
    created: dt.datetime
    pdf: bytes


def binary_id(version: DocumentVersion) -> str:
    return "hd-" + hashlib.sha256(version.id.encode()).hexdigest()[:40]


def document_bundle(doc: FhirDocument) -> dict[str, Any]:
    """The transaction that files the document, validated by fhir.resources' R4B models."""
    from fhir.resources.R4B.bundle import Bundle

    binary = binary_id(doc.version)
    subject: dict[str, Any] = (
        {"reference": f"Patient/{doc.patient_id}"}
        if doc.patient_id
        else {"identifier": {"system": f"urn:oid:{doc.patient.ipp_oid}", "value": doc.patient.ipp}}
    )
    reference: dict[str, Any] = {
        "resourceType": "DocumentReference",
        "masterIdentifier": {"system": URI, "value": f"urn:oid:{doc.version.id}"},
        "identifier": [{"system": URI, "value": f"urn:oid:{doc.version.id}"}],
        "status": "current",
        "type": {"coding": [{"system": LOINC, "code": doc.type_code, "display": doc.type_label}]},
        "subject": subject,
        "date": doc.created.isoformat(timespec="seconds"),
        "author": [
            {
                "identifier": {"system": "urn:oid:1.2.250.1.71.4.2.1", "value": doc.author.rpps},
                "display": f"{doc.author.given_name} {doc.author.family_name}".strip(),
            }
        ],
        "custodian": {"identifier": {"system": "urn:oid:1.2.250.1.71.4.2.2", "value": doc.finess}},
        "description": doc.title,
        "content": [
            {
                "attachment": {
                    "contentType": "application/pdf",
                    "url": f"Binary/{binary}",
                    "title": doc.title,
                    "creation": doc.created.isoformat(timespec="seconds"),
                }
            }
        ],
    }
    if doc.version.replaces:
        reference["relatesTo"] = [
            {
                "code": "replaces",
                "target": {
                    "identifier": {"system": URI, "value": f"urn:oid:{doc.version.replaces}"}
                },
            }
        ]
    if doc.stay.number:
        reference["context"] = {
            "encounter": [
                {
                    "identifier": {
                        "system": f"urn:oid:{doc.patient.ipp_oid}",
                        "value": doc.stay.number,
                    }
                }
            ]
        }
    bundle = {
        "resourceType": "Bundle",
        "type": "transaction",
        "entry": [
            {
                "resource": {
                    "resourceType": "Binary",
                    "id": binary,
                    "contentType": "application/pdf",
                    "data": base64.b64encode(doc.pdf).decode("ascii"),
                },
                "request": {"method": "PUT", "url": f"Binary/{binary}"},
            },
            {
                "fullUrl": f"urn:uuid:{doc.version.id.rsplit('.', 1)[-1]}",
                "resource": reference,
                "request": {
                    "method": "POST",
                    "url": "DocumentReference",
                    "ifNoneExist": f"identifier={URI}|urn:oid:{doc.version.id}",
                },
            },
        ],
    }
    return Bundle.model_validate(bundle).model_dump(mode="json", exclude_none=True)


def send_bundle(server: FhirServer, data: bytes) -> None:
    """Post the transaction; TransportError when the server cannot be reached or fails (5xx:
    the document waits), FhirRefused when it refuses it (4xx)."""
    try:
        with server.client() as client:
            answer = client.post("", content=data, headers={"Content-Type": FHIR_JSON})
    except httpx.HTTPError as exc:
        raise _unreachable(server, exc) from exc
    _check(answer, "le classement du document")


def _check(answer: httpx.Response, what: str) -> None:
    if answer.status_code >= 500:
        raise TransportError(f"Le serveur FHIR a échoué pendant {what} ({answer.status_code}).")
    if answer.status_code >= 400:
        raise FhirRefused(f"Le serveur FHIR a refusé {what} : {_diagnostics(answer)}")


def _diagnostics(answer: httpx.Response) -> str:
    try:
        issues = answer.json().get("issue", [])
        said = "; ".join(i.get("diagnostics") or i.get("code", "") for i in issues)
    except (ValueError, AttributeError):
        said = ""
    return said or f"erreur {answer.status_code}"
