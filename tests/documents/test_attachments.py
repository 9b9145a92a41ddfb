"""An e-mail's attachments read as further sources: listed and numbered, the one chosen read
with its own format's reader (a scan by OCR) and labelled as coming from that attachment."""

from __future__ import annotations

from pathlib import Path

import pytest

from hospidesk.documents.attachments import listed, reference, source_suffix
from hospidesk.documents.sources import read_document
from hospidesk.errors import UsageError
from tests.documents.msg_maker import MsgAttachment
from tests.documents.pdf_maker import text_pdf
from tests.documents.test_readers import outlook_msg

PDF = text_pdf([["Compte rendu d'hospitalisation", "Sortie le 12/03/2026"]])


def mail_with(tmp_path: Path, *attachments: MsgAttachment) -> Path:
    path = tmp_path / "mail.msg"
    path.write_bytes(outlook_msg(attachments))
    return path


def test_attachments_are_listed_in_order_with_what_can_be_read(tmp_path: Path) -> None:
    mail = mail_with(
        tmp_path, MsgAttachment("cr.pdf", PDF), MsgAttachment("logo.gif", b"GIF89a" + b"\0" * 9)
    )
    attached = listed(read_document(mail))
    assert [(a.number, a.name, a.readable) for a in attached] == [
        (1, "cr.pdf", True),
        (2, "logo.gif", False),
    ]


def test_the_chosen_attachment_is_read_and_labelled(tmp_path: Path) -> None:
    mail = mail_with(tmp_path, MsgAttachment("cr.pdf", PDF))
    document = read_document(tmp_path / "mail.msg#1")
    assert document.name == "cr.pdf (pièce jointe 1 de mail.msg)"
    assert document.kind == "pdf" and "Sortie le 12/03/2026" in document.text
    assert mail.exists()


@pytest.mark.parametrize(
    ("number", "message"),
    [
        (2, r"La pièce jointe 2 de mail\.msg \(logo\.gif\) n'est pas d'un format lisible"),
        (3, r"Le message mail\.msg n'a pas de pièce jointe n° 3 \(il en a 2\)\."),
    ],
)
def test_an_attachment_that_cannot_be_read_says_why(
    tmp_path: Path, number: int, message: str
) -> None:
    mail_with(tmp_path, MsgAttachment("cr.pdf", PDF), MsgAttachment("logo.gif", b"GIF89a"))
    with pytest.raises(UsageError, match=message):
        read_document(tmp_path / f"mail.msg#{number}")


def test_an_eml_attachment_is_read_too(tmp_path: Path) -> None:
    import base64

    raw = (
        "From: a@chu.example\nSubject: Pièces\nMIME-Version: 1.0\n"
        'Content-Type: multipart/mixed; boundary="b"\n\n'
        "--b\nContent-Type: text/plain; charset=utf-8\n\nVoici le compte rendu.\n"
        "--b\nContent-Type: application/pdf\nContent-Disposition: attachment; "
        'filename="cr.pdf"\nContent-Transfer-Encoding: base64\n\n'
        + base64.encodebytes(PDF).decode()
        + "--b--\n"
    ).encode()
    (tmp_path / "m.eml").write_bytes(raw)
    document = read_document(tmp_path / "m.eml#1")
    assert document.name == "cr.pdf (pièce jointe 1 de m.eml)"
    assert "Sortie le 12/03/2026" in document.text


def test_a_reference_is_only_an_attachment_when_no_file_has_that_name(tmp_path: Path) -> None:
    assert reference(tmp_path / "mail.msg#2") == (tmp_path / "mail.msg", 2)
    assert source_suffix(tmp_path / "mail.msg#2") == "msg"
    (tmp_path / "odd.msg#2").write_bytes(b"x")
    assert reference(tmp_path / "odd.msg#2") is None
    assert reference(tmp_path / "notes.txt#2") is None
    with pytest.raises(UsageError, match="Fichier source introuvable"):
        read_document(tmp_path / "absent.msg#1")


@pytest.mark.libreoffice  # the faxed letter is printed to PDF by LibreOffice
def test_a_fax_attached_to_a_message_is_read_by_ocr_page_by_page(tmp_path: Path) -> None:
    from tests.documents.scan_maker import as_fax, printed, scanned

    page = scanned(printed())[0]
    mail_with(tmp_path, MsgAttachment("cr.pdf", PDF), MsgAttachment("fax.tif", as_fax([page] * 2)))
    seen: list[tuple[int, int]] = []
    document = read_document(tmp_path / "mail.msg#2", lambda *p: seen.append(p))
    assert seen == [(1, 2), (2, 2)]
    assert document.name == "fax.tif (pièce jointe 2 de mail.msg)"
    assert document.ocr and "Madame Hélène Garnier" in document.text
