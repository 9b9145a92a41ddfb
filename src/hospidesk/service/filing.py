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
from collections.abc import Callable
from dataclasses import dataclass, replace
from typing import Literal

from hospidesk.dpi.fhir import FhirRefused, send_bundle
from hospidesk.dpi.hl7 import MessageError, read_ack
from hospidesk.dpi.identity import INS_NIR_TEST_OID, DocumentVersion, Patient
from hospidesk.dpi.mllp import Endpoint, TransportError, exchange
from hospidesk.governance.audit import AuditEvent, AuditKind
from hospidesk.policy import DpiPolicy
from hospidesk.service.export import SAMPLE_BODY, SAMPLE_TASK, ExportRequest, render_export
from hospidesk.service.filing_message import (
    FilingError,
    FilingRequest,
    document_type,
    dpi_policy,
    draft_filing,
    fhir_server,
    prepare,
)
from hospidesk.service.workspace import Workspace
from hospidesk.storage.outbox import Outbox, Waiting

__all__ = ["FilingError", "FilingRequest", "document_type", "dpi_policy", "draft_filing"]

Status = Literal["filed", "waiting", "refused"]
EXIT_CODES: dict[Status, int] = {"filed": 0, "waiting": 3, "refused": 2}
"""``hospidesk file``'s exit status for each outcome."""
Send = Callable[[Endpoint, bytes, "ssl.SSLContext | None"], bytes]


@dataclass(frozen=True)
class Filed:
    status: Status
    message: str
    """What the user reads, in French."""
    control_id: str
    version: DocumentVersion | None = None
    errors: tuple[str, ...] = ()


def file_document(
    ws: Workspace, request: FilingRequest, now: dt.datetime | None = None, send: Send = exchange
) -> Filed:
    """Make the message, keep it in the outbox, send it; what became of it."""
    entry, version = prepare(ws, request, now or dt.datetime.now())
    outbox = open_outbox(ws)
    outbox.put(entry)  # before the first try: a kill during the send loses nothing
    filed = deliver(ws, outbox, entry, send)
    return Filed(filed.status, filed.message, filed.control_id, version, filed.errors)


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
    """One try of one waiting message, by its channel."""
    policy = dpi_policy(ws)
    digest = ws.audit.digest(entry.channel, entry.message)
    details: dict[str, str | int] = {"control_id": entry.control_id, "attempt": entry.attempts + 1}
    errors: tuple[str, ...] = ()
    try:
        if entry.channel == "fhir":
            send_bundle(fhir_server(ws, policy), entry.message)
            accepted, code = True, ""
        else:
            raw = send(endpoint(policy), entry.message, tls_context(ws, policy))
            ack = read_ack(raw, policy.charset)
            if not ack.answers(entry.control_id):
                raise MessageError("Accusé de réception d'un autre message : le document attend.")
            accepted, code, errors = ack.accepted, ack.code, ack.errors
    except (TransportError, MessageError) as exc:
        outbox.put(entry.tried(time.time(), exc.message))
        ws.audit.append(AuditEvent(AuditKind.DPI_WAITING, output=digest, details=details))
        return Filed(
            "waiting",
            f"{exc.message} Le document est en attente d'envoi ; il sera renvoyé tel quel.",
            entry.control_id,
        )
    except FhirRefused as exc:
        accepted, code, errors = False, "4xx", (exc.message,)
    outbox.remove(entry.control_id)
    if accepted:
        ws.audit.append(AuditEvent(AuditKind.DPI_FILED, output=digest, details=details))
        return Filed(
            "filed",
            f"Classé dans le dossier patient à {dt.datetime.now():%H:%M}.",
            entry.control_id,
        )
    details["code"] = code
    ws.audit.append(AuditEvent(AuditKind.DPI_REFUSED, output=digest, details=details))
    reasons = " ".join(errors) or "sans motif donné."
    return Filed(
        "refused",
        f"Le dossier patient a refusé le document : {reasons} Il n'est pas renvoyé.",
        entry.control_id,
        errors=errors,
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
