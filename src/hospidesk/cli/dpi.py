"""``hospidesk file``: a finished Word document filed in the patient record; ``hospidesk
outbox``: the documents waiting to be sent. Exit status of ``file``: 0 filed (the interface
engine acknowledged it), 3 waiting in the outbox, 2 refused.

The patient's identity never goes on the command line (any local user can read the process
list): the IPP and the stay do, the names come from a file (``--identite``) that the DPI or
the user wrote, read here and left as it is.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import math
from pathlib import Path
from typing import Any

from hospidesk.cli.output import Commands, err
from hospidesk.documents.sources import read_document
from hospidesk.dpi.context import identity_patient
from hospidesk.dpi.identity import Patient, Stay
from hospidesk.errors import HospiDeskError, UsageError
from hospidesk.service.filing import (
    EXIT_CODES,
    Filed,
    FilingRequest,
    dpi_policy,
    file_document,
    open_outbox,
    retry_due,
    send_test,
)
from hospidesk.service.filing_message import known_patient
from hospidesk.service.workspace import Workspace


def register(sub: Commands) -> None:
    file = sub.add_parser("file", help="classer un document Word dans le dossier patient (DPI)")
    file.add_argument("document", metavar="DOCUMENT.docx")
    file.add_argument("--ipp", required=True, help="l'IPP du patient")
    file.add_argument("--sejour", default="", help="le numéro de séjour (NDA)")
    file.add_argument("--uf", default="", help="l'unité fonctionnelle")
    file.add_argument(
        "--identite",
        metavar="FICHIER.json",
        help="l'identité du patient (nom_naissance, prenom, date_naissance AAAA-MM-JJ, sexe "
        "F|M|U, ins si qualifiée) : jamais sur la ligne de commande ; sans ce fichier, le "
        "serveur d'identités de la politique",
    )
    file.add_argument("--type", required=True, help="le type de document (code LOINC)")
    file.add_argument("--libelle", required=True, help="le libellé de ce type")
    file.add_argument("--titre", required=True, help="le titre du document")
    file.set_defaults(handler=file_command)

    dpi = sub.add_parser("dpi", help="le lien avec le dossier patient (DSI)")
    dpi_actions = dpi.add_subparsers(dest="action", metavar="ACTION", required=True)
    dpi_actions.add_parser(
        "test", help="envoyer un message de test (identité de test, MSH-11 T) et montrer la réponse"
    ).set_defaults(handler=dpi_test)

    outbox = sub.add_parser("outbox", help="les documents en attente d'envoi au dossier patient")
    actions = outbox.add_subparsers(dest="action", metavar="ACTION", required=True)
    actions.add_parser("list", help="les lister").set_defaults(handler=outbox_list)
    actions.add_parser("retry", help="les renvoyer maintenant").set_defaults(handler=outbox_retry)
    remove = actions.add_parser("remove", help="en retirer un : il ne sera pas envoyé")
    remove.add_argument("control_id", metavar="IDENTIFIANT")
    remove.set_defaults(handler=outbox_remove)


def read_identity(path: Path, ipp: str, ipp_oid: str) -> Patient:
    try:
        data: Any = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise UsageError(f"Fichier d'identité introuvable : {path}") from None
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise UsageError(f"Fichier d'identité illisible ({path}) : {exc}") from None
    if not isinstance(data, dict) or not all(isinstance(v, str) for v in data.values()):
        raise UsageError(f"Fichier d'identité invalide ({path}) : un objet JSON de textes.")
    return identity_patient(data, ipp, ipp_oid)


def patient_for(ws: Workspace, ipp: str, identity: str | None, ipp_oid: str) -> Patient:
    """From the identity file, else from the policy's FHIR server."""
    if identity:
        return read_identity(Path(identity).expanduser(), ipp, ipp_oid)
    found = known_patient(ws, ipp)
    if found is None:
        raise UsageError(
            "L'identité du patient manque : --identite FICHIER.json (aucun serveur d'identités "
            "dans la politique)."
        )
    return found


def document_text(path: Path) -> tuple[bytes, str]:
    """The document's bytes and the text the PDF must hold, read as a source would be."""
    if path.suffix.lower() != ".docx":
        raise UsageError(f"« {path.name} » n'est pas un document Word (.docx).")
    document = read_document(path)
    return path.read_bytes(), document.text


def file_command(args: argparse.Namespace) -> int:
    ws = Workspace.open()
    policy = dpi_policy(ws)
    patient = patient_for(ws, args.ipp, args.identite, policy.ipp_oid)
    docx, text = document_text(Path(args.document).expanduser())
    filed = file_document(
        ws,
        FilingRequest(
            docx=docx,
            text=text,
            title=args.titre,
            type_code=args.type,
            type_label=args.libelle,
            patient=patient,
            stay=Stay(args.sejour, args.uf),
        ),
    )
    return said(filed)


def said(filed: Filed) -> int:
    err(filed.message)
    if filed.status == "waiting":
        err(f"Identifiant du message : {filed.control_id} (hospidesk outbox list)")
    return EXIT_CODES[filed.status]


def dpi_test(args: argparse.Namespace) -> int:
    filed = send_test(Workspace.open())
    print(filed.message)
    return EXIT_CODES[filed.status]


def outbox_list(args: argparse.Namespace) -> int:
    ws = Workspace.open()
    entries = open_outbox(ws).entries()
    if not entries:
        print("Aucun document en attente d'envoi.")
    for entry in entries:
        when = dt.datetime.fromtimestamp(entry.next_try).strftime("%d/%m/%Y %H:%M")
        print(f"{entry.control_id}  {entry.title}  essais : {entry.attempts}, prochain : {when}")
        if entry.last_error:
            print(f"    {entry.last_error}")
    return 0


def outbox_retry(args: argparse.Namespace) -> int:
    ws = Workspace.open()
    results = retry_due(ws, now=math.inf)
    if not results:
        print("Aucun document en attente d'envoi.")
    worst = 0
    for filed in results:
        worst = max(worst, said(filed))
    return worst


def outbox_remove(args: argparse.Namespace) -> int:
    from hospidesk.governance.audit import AuditEvent, AuditKind

    ws = Workspace.open()
    outbox = open_outbox(ws)
    try:
        found = outbox.get(args.control_id)
    except ValueError:
        found = None
    if found is None:
        raise HospiDeskError(f"Aucun document en attente sous l'identifiant « {args.control_id} ».")
    outbox.remove(args.control_id)
    ws.audit.append(AuditEvent(AuditKind.DPI_REMOVED, details={"control_id": args.control_id}))
    print(f"Retiré : {found.title}. Il ne sera pas envoyé.")
    return 0
