"""A document made ready for the patient record: checked (the patient, the signer, the task's
type, the charset, the size), its PDF/A made and checked, then the message of the policy's
channel: an MDM^T02/T10 carrying a CDA R2 (MLLP), or a FHIR transaction of a Binary and a
DocumentReference. Nothing is sent here (``service.filing`` sends)."""

from __future__ import annotations

import datetime as dt
import json
import time
import uuid
from dataclasses import dataclass, field

from hospidesk.documents.pdfa import to_pdfa
from hospidesk.dpi.cda import Document, clinical_document
from hospidesk.dpi.context import valid_ipp
from hospidesk.dpi.fhir import FhirDocument, FhirServer, document_bundle, find_patient
from hospidesk.dpi.hl7 import Filing, MessageError, encode, mdm
from hospidesk.dpi.identity import Author, DocumentVersion, Patient, Stay
from hospidesk.dpi.mllp import TransportError
from hospidesk.errors import HospiDeskError, UsageError
from hospidesk.packs.model import DocumentType
from hospidesk.policy import TEST_IDENTITY_OIDS, DpiPolicy
from hospidesk.service.export import ExportRequest, render_export
from hospidesk.service.workspace import Workspace
from hospidesk.storage.outbox import Waiting


class FilingError(HospiDeskError):
    """The document cannot be filed as it is: nothing was sent, the Word export is intact."""


@dataclass(frozen=True)
class FilingRequest:
    docx: bytes
    text: str
    """The letter's body, which the PDF must hold."""
    title: str
    type_code: str
    """The document's type (LOINC), as the task declares it."""
    type_label: str
    patient: Patient
    stay: Stay = field(default_factory=Stay)
    replaces: DocumentVersion | None = None
    """The version filed before, when this one replaces it (MDM^T10)."""


def dpi_policy(ws: Workspace) -> DpiPolicy:
    policy = ws.policy.dpi
    if policy.mode == "off":
        raise FilingError(
            "Le classement dans le dossier patient n'est pas activé sur ce poste (politique de "
            "la DSI). Exportez le document en Word."
        )
    return policy


def fhir_server(ws: Workspace, policy: DpiPolicy) -> FhirServer:
    ca = ws.paths.site.path / policy.ca_file if policy.ca_file else None
    return FhirServer(policy.fhir_url, policy.timeout_seconds, ca)


def known_patient(ws: Workspace, ipp: str) -> Patient | None:
    """The patient's identity from the hospital's FHIR server when the policy names one
    (None without one); FilingError when the server knows nobody by this IPP. The server
    unreachable: TransportError, the identity is then typed."""
    policy = ws.policy.dpi
    if not policy.fhir_url:
        return None
    found = find_patient(fhir_server(ws, policy), policy.ipp_oid, ipp)
    if found is None:
        raise FilingError(
            f"Le serveur d'identités ne connaît pas l'IPP {ipp} : vérifiez-le, ou saisissez "
            "l'identité du patient."
        )
    return found[0]


def author(ws: Workspace) -> Author:
    rpps = ws.settings.get("signataire.rpps").strip()
    name = ws.settings.get("signataire.nom").strip()
    if not (rpps.isdigit() and len(rpps) == 11):
        raise FilingError(
            "Votre numéro RPPS (11 chiffres) manque dans Paramètres (« RPPS du signataire ») : "
            "il signe le document classé dans le dossier patient."
        )
    given, _, family = name.rpartition(" ")
    return Author(rpps=rpps, family_name=family or name, given_name=given)


def check(request: FilingRequest, policy: DpiPolicy) -> None:
    """What would make the engine refuse the document, said before anything is made."""
    patient = request.patient
    if not patient.ipp.strip():
        raise FilingError("Aucun patient : indiquez son IPP pour classer le document.")
    try:
        valid_ipp(patient.ipp)
    except UsageError as exc:
        raise FilingError(exc.message) from None
    if policy.production and {patient.ipp_oid, patient.ins_oid} & TEST_IDENTITY_OIDS:
        raise FilingError(
            "Identité de test refusée : ce poste classe dans le dossier patient de production."
        )


def prepare(
    ws: Workspace, request: FilingRequest, now: dt.datetime, production: bool = True
) -> tuple[Waiting, DocumentVersion]:
    """The message ready to send, checked whole: charset, size, the PDF's text. A test
    message (``production=False``, MSH-11 T) may carry the INS's test identity."""
    policy = dpi_policy(ws)
    check(request, policy.model_copy(update={"production": policy.production and production}))
    signer = author(ws)
    version = request.replaces.next() if request.replaces else DocumentVersion.first()
    pdf = to_pdfa(request.docx, request.text)
    created = now.astimezone()

    def cda() -> bytes:
        return clinical_document(
            Document(
                version=version,
                patient=request.patient,
                stay=request.stay,
                author=signer,
                finess=policy.finess,
                hospital=policy.hospital or ws.settings.get("etablissement.nom"),
                type_code=request.type_code,
                type_label=request.type_label,
                title=request.title,
                created=created,
                pdf=pdf,
            )
        )

    control_id = f"HD-{uuid.uuid4().hex[:24]}"
    if policy.mode == "fhir":
        data = _bundle(ws, policy, request, version, signer, created, pdf)
    else:
        data = _message(policy, request, version, signer, created, cda(), control_id, production)
    if len(data) > policy.max_bytes:
        raise FilingError(
            f"Document trop lourd pour le dossier patient : {len(data) / 1e6:.1f} Mo, la limite "
            f"de la DSI est {policy.max_bytes / 1e6:.1f} Mo. Allégez-le (images), puis classez."
        )
    title = f"{request.title} ({created:%d/%m/%Y %H:%M})"
    waiting = Waiting(control_id, data, title, created=time.time(), channel=policy.mode)
    return waiting, version


def _message(
    policy: DpiPolicy,
    request: FilingRequest,
    version: DocumentVersion,
    signer: Author,
    created: dt.datetime,
    cda: bytes,
    control_id: str,
    production: bool,
) -> bytes:
    filing = Filing(
        control_id=control_id,
        version=version,
        patient=request.patient,
        stay=request.stay,
        author=signer,
        finess=policy.finess,
        type_code=request.type_code,
        type_label=request.type_label,
        created=created,
        cda=cda,
        receiver=policy.receiver,
        production=production,
    )
    try:
        return encode(mdm(filing, created, policy.charset), policy.charset)
    except MessageError as exc:
        raise FilingError(exc.message) from exc


def _bundle(
    ws: Workspace,
    policy: DpiPolicy,
    request: FilingRequest,
    version: DocumentVersion,
    signer: Author,
    created: dt.datetime,
    pdf: bytes,
) -> bytes:
    """The FHIR transaction; the subject is the server's patient when it knows them by IPP
    (and a logical reference by IPP when it cannot be asked now)."""
    patient = request.patient
    try:
        found = find_patient(fhir_server(ws, policy), patient.ipp_oid, patient.ipp)
    except TransportError:
        found = None
    bundle = document_bundle(
        FhirDocument(
            version=version,
            patient=patient,
            patient_id=found[1] if found else None,
            stay=request.stay,
            author=signer,
            finess=policy.finess,
            type_code=request.type_code,
            type_label=request.type_label,
            title=request.title,
            created=created,
            pdf=pdf,
        )
    )
    return json.dumps(bundle, ensure_ascii=False).encode("utf-8")


def document_type(ws: Workspace, task_ref: str) -> DocumentType:
    """What the task's document is filed as; FilingError when its pack declares nothing."""
    task = ws.task(task_ref)
    if task.task.document_type is None:
        raise FilingError(
            f"La tâche « {task.task.title} » ne se classe pas dans le dossier patient (son pack "
            "ne déclare pas de type de document). Exportez-le en Word."
        )
    return task.task.document_type


def draft_filing(
    ws: Workspace,
    request: ExportRequest,
    patient: Patient,
    stay: Stay,
    replaces: DocumentVersion | None = None,
) -> FilingRequest:
    """A draft's document as the patient record files it: its Word document rendered as the
    export would write it, and the type its task declares."""
    kind = document_type(ws, request.task_ref)
    return FilingRequest(
        docx=render_export(ws, request),
        text=request.body,
        title=ws.task(request.task_ref).task.title,
        type_code=kind.code,
        type_label=kind.label,
        patient=patient,
        stay=stay,
        replaces=replaces,
    )
