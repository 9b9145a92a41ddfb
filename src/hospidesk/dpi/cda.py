"""The document as a CDA R2 of level 1 (« structuration minimale » of the CI-SIS): a header
that says who, what and when, and the PDF itself, base64, as the non-XML body.

Header elements and identifiers follow the CI-SIS: the patient by the hospital's IPP (its OID
from the policy) and the INS-NIR only when the identity is qualified; the author and the legal
authenticator by RPPS; the custodian by FINESS; one ``setId`` for all versions of a document
and a ``relatedDocument`` of type RPLC naming the version a new one replaces.
"""

from __future__ import annotations

import base64
import datetime as dt
from dataclasses import dataclass

from lxml import etree

from hospidesk.dpi.identity import (
    FINESS_OID,
    RPPS_OID,
    Author,
    DocumentVersion,
    Patient,
    Stay,
)

HL7 = "urn:hl7-org:v3"
TEMPLATES = ("2.16.840.1.113883.2.8.2.1", "1.2.250.1.213.1.1.1.1", "1.3.6.1.4.1.19376.1.2.20")
"""HL7 France, CI-SIS, IHE XDS-SD: the three a non-structured body declares."""
LOINC = "2.16.840.1.113883.6.1"
CONFIDENTIALITY = "2.16.840.1.113883.5.25"
GENDER = "2.16.840.1.113883.5.1"


@dataclass(frozen=True)
class Document:
    version: DocumentVersion
    patient: Patient
    stay: Stay
    author: Author
    finess: str
    hospital: str
    """The custodian's name, as the policy gives it."""
    type_code: str
    type_label: str
    title: str
    created: dt.datetime
    """When the document was written, with its time zone."""
    pdf: bytes


def _time(moment: dt.datetime) -> str:
    return moment.strftime("%Y%m%d%H%M%S%z")


class _Builder:
    def __init__(self) -> None:
        self.root = etree.Element(f"{{{HL7}}}ClinicalDocument", nsmap={None: HL7})

    def add(self, parent: etree._Element, tag: str, text: str = "", **attrs: str) -> etree._Element:
        element = etree.SubElement(parent, f"{{{HL7}}}{tag}", {k: v for k, v in attrs.items()})
        if text:
            element.text = text
        return element


def clinical_document(doc: Document) -> bytes:
    """The CDA R2 N1, UTF-8, with its XML declaration."""
    b = _Builder()
    root, add = b.root, b.add
    add(root, "realmCode", code="FR")
    add(root, "typeId", root="2.16.840.1.113883.1.3", extension="POCD_HD000040")
    for template in TEMPLATES:
        add(root, "templateId", root=template)
    add(root, "id", root=doc.version.id)
    add(
        root,
        "code",
        code=doc.type_code,
        displayName=doc.type_label,
        codeSystem=LOINC,
        codeSystemName="LOINC",
    )
    add(root, "title", doc.title)
    add(root, "effectiveTime", value=_time(doc.created))
    add(root, "confidentialityCode", code="N", displayName="Normal", codeSystem=CONFIDENTIALITY)
    add(root, "languageCode", code="fr-FR")
    add(root, "setId", root=doc.version.set_id)
    add(root, "versionNumber", value=str(doc.version.number))
    _record_target(b, doc.patient)
    author = add(root, "author")
    add(author, "time", value=_time(doc.created))
    _person(b, add(author, "assignedAuthor"), doc.author)
    custodian = add(add(root, "custodian"), "assignedCustodian")
    organisation = add(custodian, "representedCustodianOrganization")
    add(organisation, "id", root=FINESS_OID, extension=f"1{doc.finess}")
    add(organisation, "name", doc.hospital)
    legal = add(root, "legalAuthenticator")
    add(legal, "time", value=_time(doc.created))
    add(legal, "signatureCode", code="S")
    _person(b, add(legal, "assignedEntity"), doc.author)
    event = add(add(root, "documentationOf"), "serviceEvent")
    add(add(event, "effectiveTime"), "low", value=_time(doc.created))
    if doc.version.replaces:
        related = add(root, "relatedDocument", typeCode="RPLC")
        add(add(related, "parentDocument"), "id", root=doc.version.replaces)
    encounter = add(add(root, "componentOf"), "encompassingEncounter")
    if doc.stay.number:
        add(encounter, "id", root=doc.patient.ipp_oid, extension=doc.stay.number)
    add(add(encounter, "effectiveTime"), "low", value=_time(doc.created))
    body = add(add(root, "component"), "nonXMLBody")
    add(
        body,
        "text",
        base64.b64encode(doc.pdf).decode("ascii"),
        mediaType="application/pdf",
        representation="B64",
    )
    return bytes(etree.tostring(root, xml_declaration=True, encoding="UTF-8"))


def _record_target(b: _Builder, patient: Patient) -> None:
    role = b.add(b.add(b.root, "recordTarget"), "patientRole")
    if patient.ins:
        b.add(role, "id", root=patient.ins_oid, extension=patient.ins)
    b.add(role, "id", root=patient.ipp_oid, extension=patient.ipp)
    person = b.add(role, "patient")
    name = b.add(person, "name")
    if patient.birth_name:
        b.add(name, "family", patient.birth_name, qualifier="BR")
    if patient.first_name:
        b.add(name, "given", patient.first_name)
    b.add(person, "administrativeGenderCode", code=patient.sex, codeSystem=GENDER)
    if patient.birth_date:
        b.add(person, "birthTime", value=patient.birth_date.strftime("%Y%m%d"))


def _person(b: _Builder, parent: etree._Element, author: Author) -> None:
    b.add(parent, "id", root=RPPS_OID, extension=f"8{author.rpps}")
    name = b.add(b.add(parent, "assignedPerson"), "name")
    b.add(name, "family", author.family_name)
    b.add(name, "given", author.given_name)
