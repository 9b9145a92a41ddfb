"""The CDA R2 of level 1 that carries the PDF: checked by structure, as the CI-SIS asks it."""

from __future__ import annotations

import base64
from dataclasses import replace

from lxml import etree

from hospidesk.dpi.cda import TEMPLATES, Document, clinical_document
from tests.dpi.messages import AUTHOR, CREATED, FINESS, FIRST, PATIENT, STAY

NS = {"h": "urn:hl7-org:v3"}
PDF = b"%PDF-1.7\n% lettre de sortie\n%%EOF\n"


def document(**changes: object) -> Document:
    base = Document(
        version=FIRST,
        patient=PATIENT,
        stay=STAY,
        author=AUTHOR,
        finess=FINESS,
        hospital="Centre hospitalier d'Exemple",
        type_code="11490-0",
        type_label="Lettre de sortie",
        title="Lettre de sortie — Mme Exemple",
        created=CREATED,
        pdf=PDF,
    )
    return replace(base, **changes)  # type: ignore[arg-type]


def parsed(doc: Document) -> etree._Element:
    data = clinical_document(doc)
    assert data.startswith(b"<?xml version='1.0' encoding='UTF-8'?>")
    return etree.fromstring(data)


def one(root: etree._Element, path: str) -> etree._Element:
    (found,) = root.xpath(path, namespaces=NS)
    return found  # type: ignore[no-any-return]


def test_the_header_says_who_what_and_when_with_the_ci_sis_identifiers() -> None:
    root = parsed(document())
    assert root.tag == "{urn:hl7-org:v3}ClinicalDocument"
    assert one(root, "h:realmCode").get("code") == "FR"
    templates = [t.get("root") for t in root.xpath("h:templateId", namespaces=NS)]
    assert templates == list(TEMPLATES)
    assert one(root, "h:id").get("root") == FIRST.id
    assert one(root, "h:setId").get("root") == FIRST.set_id
    assert one(root, "h:versionNumber").get("value") == "1"
    assert one(root, "h:code").get("code") == "11490-0"
    assert one(root, "h:title").text == "Lettre de sortie — Mme Exemple"
    assert one(root, "h:effectiveTime").get("value") == "20261206103000+0100"
    assert one(root, "h:languageCode").get("code") == "fr-FR"
    ids = {
        i.get("root"): i.get("extension")
        for i in root.xpath("h:recordTarget/h:patientRole/h:id", namespaces=NS)
    }
    assert ids == {"1.2.250.1.213.1.4.8": PATIENT.ins, PATIENT.ipp_oid: "123456"}
    assert one(root, "h:recordTarget//h:family").get("qualifier") == "BR"
    author = one(root, "h:author/h:assignedAuthor/h:id")
    assert (author.get("root"), author.get("extension")) == ("1.2.250.1.71.4.2.1", "810001234567")
    custodian = one(root, "h:custodian//h:representedCustodianOrganization/h:id")
    assert (custodian.get("root"), custodian.get("extension")) == (
        "1.2.250.1.71.4.2.2",
        "1990000011",
    )
    assert one(root, "h:legalAuthenticator/h:signatureCode").get("code") == "S"
    assert one(root, "h:componentOf/h:encompassingEncounter/h:id").get("extension") == "789"
    assert not root.xpath("h:relatedDocument", namespaces=NS)


def test_the_body_is_the_pdf_itself() -> None:
    text = one(parsed(document()), "h:component/h:nonXMLBody/h:text")
    assert (text.get("mediaType"), text.get("representation")) == ("application/pdf", "B64")
    assert base64.b64decode(text.text or "", validate=True) == PDF


def test_a_new_version_keeps_the_set_and_names_the_one_it_replaces() -> None:
    second = FIRST.next()
    root = parsed(document(version=second))
    assert one(root, "h:setId").get("root") == FIRST.set_id
    assert one(root, "h:id").get("root") == second.id
    assert one(root, "h:versionNumber").get("value") == "2"
    related = one(root, "h:relatedDocument")
    assert related.get("typeCode") == "RPLC"
    assert one(related, "h:parentDocument/h:id").get("root") == FIRST.id


def test_an_identity_not_qualified_carries_no_ins() -> None:
    root = parsed(document(patient=replace(PATIENT, ins="")))
    roots = [i.get("root") for i in root.xpath("h:recordTarget//h:id", namespaces=NS)]
    assert roots == [PATIENT.ipp_oid]
