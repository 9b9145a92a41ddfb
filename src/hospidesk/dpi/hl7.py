"""HL7 v2.6 messages of the ANS volet « Transmission d'un document CDA-R2 en HL7v2 » (CI-SIS):
MDM^T02 adds a document to the patient record, MDM^T10 replaces one; and the interface
engine's acknowledgement, read.

The message carries one CDA R2 document, base64, in its first OBX (type ED). The segments
and their order follow the volet: MSH, EVN, PID, PV1, ORC, OBR, TXA, OBX. Text fields are
escaped (``| ^ & ~ \\``); a character the policy's charset cannot encode is refused before
anything is sent (``encode``).
"""

from __future__ import annotations

import base64
import datetime as dt
from dataclasses import dataclass
from typing import Literal

import hl7

from hospidesk.dpi.identity import Author, DocumentVersion, Patient, Stay
from hospidesk.errors import HospiDeskError

VERSION = "2.6"
PROFILE = "2.1^CISIS_CDA_HL7_V2"
"""MSH-21: the volet's version and name."""
CHARSETS = {"UNICODE UTF-8": "utf-8", "8859/15": "iso-8859-15"}
"""MSH-18 values the volet allows, and their Python codecs."""
Charset = Literal["UNICODE UTF-8", "8859/15"]

MESSAGE_ERRORS = {
    "100": "segment mal placé",
    "101": "champ obligatoire manquant",
    "102": "type de donnée erroné",
    "103": "valeur absente de la table attendue",
    "198": "nombre de répétitions non conforme",
    "199": "autre erreur HL7",
    "200": "type de message non pris en charge",
    "201": "événement non pris en charge",
    "202": "mode de traitement non pris en charge",
    "203": "version HL7 non prise en charge",
    "207": "erreur de l'application destinataire",
}
"""HL7 table 0357 (ERR-3), the codes the volet lists."""
APPLICATION_ERRORS = {
    "900": "la version du document ne permet pas ce remplacement",
    "901": "l'auteur n'est pas autorisé à remplacer ce document",
    "902": "patient inconnu du dossier patient (IPP)",
    "903": "INS absente du document",
    "904": "l'INS envoyée diffère de celle du dossier patient",
    "905": "INS incomplète",
    "906": "autre erreur du dossier patient",
}
"""The ANS application error codes (ERR-5, with ERR-3 = 207)."""


class MessageError(HospiDeskError):
    """A document that cannot be put in a message as it is: nothing was sent."""


@dataclass(frozen=True)
class Filing:
    """What one MDM message says: one version of one document, about one patient."""

    control_id: str
    """MSH-10: new for each version of a document, the same on every retry of it."""
    version: DocumentVersion
    patient: Patient
    stay: Stay
    author: Author
    finess: str
    type_code: str
    """The document's type, LOINC (the task's, declared in its pack)."""
    type_label: str
    created: dt.datetime
    cda: bytes
    receiver: str = "DPI"
    production: bool = True
    """MSH-11: P, or T for a test message (``hospidesk dpi test``)."""

    @property
    def event(self) -> str:
        return "T10" if self.version.replaces else "T02"


def escape(text: str) -> str:
    """A value as an HL7 field holds it: the separators escaped, line breaks as spaces."""
    for char, sequence in (
        ("\\", "\\E\\"),
        ("|", "\\F\\"),
        ("^", "\\S\\"),
        ("&", "\\T\\"),
        ("~", "\\R\\"),
    ):
        text = text.replace(char, sequence)
    return " ".join(text.splitlines())


def _time(moment: dt.datetime) -> str:
    return moment.strftime("%Y%m%d%H%M%S")


def mdm(filing: Filing, sent: dt.datetime, charset: Charset = "UNICODE UTF-8") -> str:
    """The MDM^T02 (or T10, for a new version) message, segments separated by CR."""
    f, e = filing, escape
    replacing = bool(f.version.replaces)
    order, status = ("RO", "C") if replacing else ("NW", "F")
    patient = f.patient
    ids = [f"{e(patient.ipp)}^^^&{e(f.patient.ipp_oid)}&ISO^PI"]
    if patient.ins:
        ids.insert(0, f"{e(patient.ins)}^^^ASIP-SANTE-INS-NIR&{patient.ins_oid}&ISO^INS")
    name = f"{e(patient.birth_name)}^{e(patient.first_name)}^^^^^L" if patient.birth_name else ""
    born = patient.birth_date.strftime("%Y%m%d") if patient.birth_date else ""
    visit = f"{e(f.stay.number)}^^^&{e(patient.ipp_oid)}&ISO^VN" if f.stay.number else ""
    kind = f"{e(f.type_code)}^{e(f.type_label)}^LN"
    cda = base64.b64encode(f.cda).decode("ascii")  # no line breaks; base64 needs no escaping
    segments = [
        f"MSH|^~\\&|HOSPIDESK|{e(f.finess)}|{e(f.receiver)}|{e(f.finess)}|{_time(sent)}||"
        f"MDM^{f.event}^MDM_T02|{e(f.control_id)}|{'P' if f.production else 'T'}|{VERSION}"
        f"|||||FRA|{charset}|||{PROFILE}",
        f"EVN||{_time(sent)}",
        f"PID|||{'~'.join(ids)}||{name}||{born}|{patient.sex}",
        f"PV1|1|N|{e(f.stay.unit)}" + "|" * 16 + visit,
        f"ORC|{order}",
        f"OBR|1|||{kind}",
        f"TXA|1|{e(f.type_code)}|TEXT|{_time(f.created)}||||||||{f.version.id}|"
        f"{f.version.replaces}||||AU",
        f"OBX|1|ED|{kind}||^text^XML^Base64^{cda}||||||{status}",
    ]
    return "\r".join(segments)


def encode(message: str, charset: Charset = "UNICODE UTF-8") -> bytes:
    """The message's bytes in the policy's charset; a character it cannot hold is refused,
    named, before anything is sent."""
    try:
        return message.encode(CHARSETS[charset])
    except UnicodeEncodeError as exc:
        char = exc.object[exc.start : exc.end]
        raise MessageError(
            f"Le caractère « {char} » ne peut pas être envoyé au dossier patient (jeu de "
            f"caractères {charset} de la politique du poste) : remplacez-le, puis classez à "
            "nouveau."
        ) from exc


@dataclass(frozen=True)
class Ack:
    """The interface engine's answer to one message."""

    code: str
    """MSA-1: AA accepted, AE refused for an error in the message, AR refused."""
    control_id: str
    """MSA-2: the MSH-10 of the message it answers."""
    errors: tuple[str, ...] = ()
    """What the ERR segments say, in French."""

    @property
    def accepted(self) -> bool:
        return self.code in ("AA", "CA")

    def answers(self, control_id: str) -> bool:
        return self.control_id == control_id


def read_ack(raw: bytes, charset: Charset = "UNICODE UTF-8") -> Ack:
    """The acknowledgement's code, the message it answers, and its errors in French; an
    answer that is not an HL7 acknowledgement raises MessageError."""
    text = raw.decode(CHARSETS[charset], errors="replace").replace("\r\n", "\r")
    text = text.replace("\n", "\r").strip("\r")
    try:
        message = hl7.parse(text)
        msa = message.segment("MSA")
    except (KeyError, ValueError, IndexError, hl7.ParseException) as exc:
        raise MessageError(
            "Réponse incompréhensible du moteur d'interfaces (pas d'accusé de réception HL7)."
        ) from exc
    code, control = str(msa(1)), str(msa(2))
    errors = tuple(_error(err) for err in message.segments("ERR")) if "ERR" in text else ()
    return Ack(code, control, errors)


def _error(err: hl7.Segment) -> str:
    condition = str(err(3)(1)(1)) if len(err) > 3 else ""
    application = str(err(5)(1)(1)) if len(err) > 5 else ""
    if application in APPLICATION_ERRORS:
        said = APPLICATION_ERRORS[application]
        return f"{said[0].upper()}{said[1:]} (code {application})."
    if condition in MESSAGE_ERRORS:
        return f"Message refusé : {MESSAGE_ERRORS[condition]} (code {condition})."
    text = str(err(3)(1)(2)) if len(err) > 3 else ""
    return f"Erreur {condition or '?'} du moteur d'interfaces{f' : {text}' if text else ''}."
