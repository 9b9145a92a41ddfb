"""Filing a finished document in the patient record (DPI): the window's « Classer dans le
dossier patient », ``hospidesk file`` and ``hospidesk draft --file-to-dpi`` all call
``file_document``.

The Word document becomes a PDF/A (checked to hold the letter), the PDF a CDA R2 of level 1,
the CDA an MDM^T02 (T10 for a new version); the message is sealed in the outbox before its
first try, then sent to the interface engine. Its acknowledgement decides:

- AA: filed; the message leaves the outbox.
- AE or AR: refused, with the engine's reasons in French; not tried again.
- no answer, a timeout, an unreadable answer or another message's: the message waits in the
  outbox and is tried again later (``retry_due``), the same bytes, the same MSH-10.

Every try goes to the audit trail with ids and hashes, never the document.
"""

from __future__ import annotations

import datetime as dt
import ssl
import time
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from typing import Literal

from hospidesk.documents.pdfa import to_pdfa
from hospidesk.dpi.cda import Document, clinical_document
from hospidesk.dpi.hl7 import Filing, MessageError, encode, mdm, read_ack
from hospidesk.dpi.identity import INS_NIR_TEST_OID, Author, DocumentVersion, Patient, Stay
from hospidesk.dpi.mllp import Endpoint, TransportError, exchange
from hospidesk.errors import HospiDeskError
from hospidesk.governance.audit import AuditEvent, AuditKind
from hospidesk.packs.model import DocumentType
from hospidesk.policy import TEST_IDENTITY_OIDS, DpiPolicy
from hospidesk.service.export import SAMPLE_BODY, SAMPLE_TASK, ExportRequest, render_export
from hospidesk.service.workspace import Workspace
from hospidesk.storage.outbox import Outbox, Waiting

Status = Literal["filed", "waiting", "refused"]
EXIT_CODES: dict[Status, int] = {"filed": 0, "waiting": 3, "refused": 2}
"""``hospidesk file``'s exit status for each outcome."""
Send = Callable[[Endpoint, bytes, "ssl.SSLContext | None"], bytes]


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


@dataclass(frozen=True)
class Filed:
    status: Status
    message: str
    """What the user reads, in French."""
    control_id: str
    version: DocumentVersion | None = None
    errors: tuple[str, ...] = ()


def dpi_policy(ws: Workspace) -> DpiPolicy:
    policy = ws.policy.dpi
    if policy.mode == "off":
        raise FilingError(
            "Le classement dans le dossier patient n'est pas activé sur ce poste (politique de "
            "la DSI). Exportez le document en Word."
        )
    if policy.mode == "fhir":
        raise FilingError("Le classement par FHIR n'est pas encore disponible : appelez la DSI.")
    return policy


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
    if not patient.ipp.isalnum() or len(patient.ipp) > 20:
        raise FilingError(f"IPP invalide : « {patient.ipp} » (chiffres et lettres, 20 au plus).")
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
    cda = clinical_document(
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
        data = encode(mdm(filing, created, policy.charset), policy.charset)
    except MessageError as exc:
        raise FilingError(exc.message) from exc
    if len(data) > policy.max_bytes:
        raise FilingError(
            f"Document trop lourd pour le dossier patient : {len(data) / 1e6:.1f} Mo, la limite "
            f"de la DSI est {policy.max_bytes / 1e6:.1f} Mo. Allégez-le (images), puis classez."
        )
    title = f"{request.title} ({created:%d/%m/%Y %H:%M})"
    return Waiting(control_id, data, title, created=time.time()), version


def file_document(
    ws: Workspace, request: FilingRequest, now: dt.datetime | None = None, send: Send = exchange
) -> Filed:
    """Make the message, keep it in the outbox, send it; what became of it."""
    entry, version = prepare(ws, request, now or dt.datetime.now())
    outbox = open_outbox(ws)
    outbox.put(entry)  # before the first try: a kill during the send loses nothing
    filed = deliver(ws, outbox, entry, send)
    return Filed(filed.status, filed.message, filed.control_id, version, filed.errors)


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


def open_outbox(ws: Workspace) -> Outbox:
    return Outbox(ws.paths.outbox_dir, ws.key_store().load())


def endpoint(policy: DpiPolicy) -> Endpoint:
    return Endpoint(policy.host, policy.port, policy.tls, policy.timeout_seconds)


def tls_context(ws: Workspace, policy: DpiPolicy) -> ssl.SSLContext | None:
    if not policy.tls:
        return None
    if policy.ca_file:
        return ssl.create_default_context(cafile=str(ws.paths.site.path / policy.ca_file))
    return ssl.create_default_context()


def deliver(ws: Workspace, outbox: Outbox, entry: Waiting, send: Send = exchange) -> Filed:
    """One try of one waiting message."""
    policy = dpi_policy(ws)
    digest = ws.audit.digest("hl7", entry.message)
    details: dict[str, str | int] = {"control_id": entry.control_id, "attempt": entry.attempts + 1}
    try:
        raw = send(endpoint(policy), entry.message, tls_context(ws, policy))
        ack = read_ack(raw, policy.charset)
        if not ack.answers(entry.control_id):
            raise MessageError("Accusé de réception d'un autre message : le document attend.")
    except (TransportError, MessageError) as exc:
        outbox.put(entry.tried(time.time(), exc.message))
        ws.audit.append(AuditEvent(AuditKind.DPI_WAITING, output=digest, details=details))
        return Filed(
            "waiting",
            f"{exc.message} Le document est en attente d'envoi ; il sera renvoyé tel quel.",
            entry.control_id,
        )
    outbox.remove(entry.control_id)
    if ack.accepted:
        ws.audit.append(AuditEvent(AuditKind.DPI_FILED, output=digest, details=details))
        return Filed(
            "filed",
            f"Classé dans le dossier patient à {dt.datetime.now():%H:%M}.",
            entry.control_id,
        )
    details["code"] = ack.code
    ws.audit.append(AuditEvent(AuditKind.DPI_REFUSED, output=digest, details=details))
    reasons = " ".join(ack.errors) or "sans motif donné."
    return Filed(
        "refused",
        f"Le dossier patient a refusé le document : {reasons} Il n'est pas renvoyé.",
        entry.control_id,
        errors=ack.errors,
    )


def retry_due(ws: Workspace, now: float | None = None, send: Send = exchange) -> list[Filed]:
    """Try again every message whose time has come (all of them with ``now=inf``)."""
    outbox = open_outbox(ws)
    moment = time.time() if now is None else now
    return [deliver(ws, outbox, e, send) for e in outbox.entries() if e.next_try <= moment]


TEST_PATIENT = Patient(
    ipp="TEST0001",
    ipp_oid="",
    birth_name="TEST",
    first_name="HOSPIDESK",
    sex="U",
    ins="100000000000000",
    ins_oid=INS_NIR_TEST_OID,
)
"""``hospidesk dpi test``'s patient: the INS's test namespace, so that no record is touched."""


def send_test(ws: Workspace, send: Send = exchange) -> Filed:
    """A test message (MSH-11 T, the test identity) sent once, not kept: the interface
    engine's answer, as the user reads it."""
    policy = dpi_policy(ws)
    patient = replace(TEST_PATIENT, ipp_oid=policy.ipp_oid)
    request = FilingRequest(
        docx=render_export(ws, ExportRequest(SAMPLE_TASK, {}, SAMPLE_BODY)),
        text=SAMPLE_BODY,
        title="Message de test HospiDesk",
        type_code="11490-0",
        type_label="Document de test HospiDesk",
        patient=patient,
    )
    entry, version = prepare(ws, request, dt.datetime.now(), production=False)
    try:
        raw = send(endpoint(policy), entry.message, tls_context(ws, policy))
        ack = read_ack(raw, policy.charset)
    except (TransportError, MessageError) as exc:
        return Filed("waiting", exc.message, entry.control_id, version)
    if not ack.answers(entry.control_id):
        return Filed("waiting", "Accusé de réception d'un autre message.", entry.control_id)
    if ack.accepted:
        return Filed(
            "filed",
            "Le moteur d'interfaces a accepté le message de test (AA).",
            entry.control_id,
            version,
        )
    reasons = " ".join(ack.errors) or "sans motif donné."
    return Filed(
        "refused",
        f"Message de test refusé ({ack.code}) : {reasons}",
        entry.control_id,
        version,
        ack.errors,
    )
