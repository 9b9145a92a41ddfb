"""The MDM messages as the ANS volet has them, validated by hl7apy in STRICT mode; text
escaped; a character outside the charset refused before sending; acknowledgements read."""

from __future__ import annotations

import base64
import datetime as dt
from dataclasses import replace

import hl7
import pytest
from hl7apy.consts import VALIDATION_LEVEL
from hl7apy.parser import parse_message

from hospidesk.dpi.hl7 import Filing, MessageError, encode, escape, mdm, read_ack
from tests.dpi.messages import AUTHOR, CREATED, FINESS, FIRST, PATIENT, STAY

SENT = dt.datetime(2026, 12, 6, 10, 31, 5)
CDA = b'<?xml version="1.0" encoding="UTF-8"?><ClinicalDocument xmlns="urn:hl7-org:v3"/>'


def filing(**changes: object) -> Filing:
    base = Filing(
        control_id="HD-0001",
        version=FIRST,
        patient=PATIENT,
        stay=STAY,
        author=AUTHOR,
        finess=FINESS,
        type_code="11490-0",
        type_label="Lettre de sortie",
        created=CREATED,
        cda=CDA,
    )
    return replace(base, **changes)  # type: ignore[arg-type]


def strict(message: str):  # type: ignore[no-untyped-def]
    parsed = parse_message(message, validation_level=VALIDATION_LEVEL.STRICT)
    parsed.validate()
    return parsed


def test_a_new_document_is_an_mdm_t02_that_hl7apy_accepts_in_strict_mode() -> None:
    message = mdm(filing(), SENT)
    parsed = strict(message)
    assert parsed.msh.msh_9.to_er7() == "MDM^T02^MDM_T02"
    assert parsed.msh.msh_10.to_er7() == "HD-0001"
    assert parsed.msh.msh_18.to_er7() == "UNICODE UTF-8"
    assert parsed.msh.msh_21.to_er7() == "2.1^CISIS_CDA_HL7_V2"
    segments = [line.split("|")[0] for line in message.split("\r")]
    assert segments == ["MSH", "EVN", "PID", "PV1", "ORC", "OBR", "TXA", "OBX"]
    raw = hl7.parse(message)
    assert str(raw.segment("TXA")[12]) == FIRST.id
    assert str(raw.segment("TXA")[17]) == "AU"
    assert str(raw.segment("ORC")[1]) == "NW" and str(raw.segment("OBX")[11]) == "F"
    pid3 = str(raw.segment("PID")[3])
    assert f"123456^^^&{PATIENT.ipp_oid}&ISO^PI" in pid3
    assert "248032A99900012^^^ASIP-SANTE-INS-NIR&1.2.250.1.213.1.4.8&ISO^INS" in pid3
    assert str(raw.segment("PV1")[19]).startswith("789^^^")
    ed = raw.segment("OBX")[5][0]
    assert [str(c) for c in ed[1:4]] == ["text", "XML", "Base64"]
    assert base64.b64decode(str(ed[4]), validate=True) == CDA


def test_a_new_version_is_an_mdm_t10_naming_the_one_it_replaces() -> None:
    second = FIRST.next()
    message = mdm(filing(control_id="HD-0002", version=second), SENT)
    strict(message)
    raw = hl7.parse(message)
    assert str(raw.segment("MSH")[9]) == "MDM^T10^MDM_T02"
    assert str(raw.segment("TXA")[12]) == second.id != FIRST.id
    assert str(raw.segment("TXA")[13]) == FIRST.id
    assert second.set_id == FIRST.set_id and second.number == 2
    assert str(raw.segment("ORC")[1]) == "RO" and str(raw.segment("OBX")[11]) == "C"


def test_a_large_document_goes_on_one_line_of_base64() -> None:
    """A letter's PDF is larger than hl7apy's 64 KiB limit on a text field: the message is
    checked with the CDA stubbed, and its OBX-5 read apart."""
    cda = CDA + b"<!--" + b"x" * 300_000 + b"-->"
    message = mdm(filing(cda=cda), SENT)
    obx = message.split("\r")[-1]
    data = obx.split("|")[5].split("^")[4]
    assert "\n" not in data and base64.b64decode(data, validate=True) == cda
    strict(message.replace(data, base64.b64encode(CDA).decode()))


def test_text_fields_are_escaped_and_read_back_unchanged() -> None:
    odd = replace(PATIENT, birth_name="D'ARC|DU^LAC&FILS~\\", first_name="Anne\nMarie")
    message = mdm(filing(patient=odd), SENT)
    strict(message)
    raw = hl7.parse(message)
    name = raw.segment("PID")[5][0]
    assert raw.unescape(str(name[0])) == "D'ARC|DU^LAC&FILS~\\"
    assert str(name[1]) == "Anne Marie"
    assert escape("a|b") == "a\\F\\b"


def test_a_character_outside_the_charset_is_refused_before_sending() -> None:
    message = mdm(filing(patient=replace(PATIENT, first_name="Łucja")), SENT)
    assert encode(message, "UNICODE UTF-8").decode("utf-8") == message
    with pytest.raises(MessageError, match="Le caractère « Ł » ne peut pas être envoyé"):
        encode(message, "8859/15")
    assert "€" in mdm(filing(type_label="Devis 12 €"), SENT)
    assert encode(mdm(filing(type_label="Devis 12 €"), SENT), "8859/15")  # € is in 8859-15


def test_a_patient_without_a_qualified_identity_is_sent_by_ipp_only() -> None:
    message = mdm(filing(patient=replace(PATIENT, ins="")), SENT)
    strict(message)
    assert "INS-NIR" not in message and "1.2.250.1.213.1.4.8" not in message


@pytest.mark.parametrize(
    ("answer", "code", "errors"),
    [
        ("MSH|^~\\&|EAI|CHU|HOSPIDESK|CHU|20261206||ACK^T02^ACK|9|P|2.6\rMSA|AA|HD-0001", "AA", ()),
        (
            "MSH|^~\\&|EAI|CHU|HOSPIDESK|CHU|20261206||ACK^T02^ACK|9|P|2.6\rMSA|AE|HD-0001\r"
            "ERR||PID^1^3|207^Application error^HL70357|E|903^INS absente^applicationErrorCode",
            "AE",
            ("INS absente du document (code 903).",),
        ),
        (
            "MSH|^~\\&|EAI|CHU|HOSPIDESK|CHU|20261206||ACK^T02^ACK|9|P|2.6\rMSA|AR|HD-0001\r"
            "ERR||MSH^1^12|203^Unsupported version^HL70357|E",
            "AR",
            ("Message refusé : version HL7 non prise en charge (code 203).",),
        ),
    ],
)
def test_an_acknowledgement_is_read_with_its_errors_in_french(
    answer: str, code: str, errors: tuple[str, ...]
) -> None:
    ack = read_ack(answer.encode())
    assert (ack.code, ack.control_id, ack.errors) == (code, "HD-0001", errors)
    assert ack.accepted == (code == "AA")
    assert ack.answers("HD-0001") and not ack.answers("HD-0002")


def test_an_answer_that_is_no_acknowledgement_is_said() -> None:
    with pytest.raises(MessageError, match="pas d'accusé de réception HL7"):
        read_ack(b"HTTP/1.1 400 Bad Request\r\n\r\n")
