"""``hospidesk read``: what HospiDesk makes of a file, before drafting."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tests.conftest import Env, run_cli
from tests.documents.pdf_maker import drawing_pdf, text_pdf
from tests.documents.test_readers import outlook_eml


def test_read_prints_the_text_a_task_receives(hd_env: Env, tmp_path: Path) -> None:
    (tmp_path / "mail.eml").write_bytes(outlook_eml())
    (tmp_path / "piece.pdf").write_bytes(text_pdf([["Page un"], ["Page deux"]]))
    result = run_cli(hd_env, "read", str(tmp_path / "mail.eml"), str(tmp_path / "piece.pdf"))
    assert result.returncode == 0, result.stderr
    assert result.stdout.startswith("=== Document 1 : mail.eml ===\nDe : Marc Lefèvre")
    assert "=== Document 2 : piece.pdf ===\n[Page 1]\nPage un\n\n[Page 2]\nPage deux" in (
        result.stdout
    )


def test_read_json_says_what_the_reader_knows(hd_env: Env, tmp_path: Path) -> None:
    (tmp_path / "mail.eml").write_bytes(outlook_eml())
    (tmp_path / "piece.pdf").write_bytes(text_pdf([["Page un"], ["Page deux"]]))
    result = run_cli(
        hd_env, "read", "--json", str(tmp_path / "mail.eml"), str(tmp_path / "piece.pdf")
    )
    assert result.returncode == 0, result.stderr
    data = json.loads(result.stdout)
    mail, pdf = data["documents"]
    assert (mail["kind"], mail["subject"], mail["date"]) == (
        "courriel",
        "RE : Réunion de service",
        "01/12/2026 09:15",
    )
    assert mail["sender"] == "Marc Lefèvre <marc.lefevre@chu.example>"
    assert (pdf["kind"], pdf["pages"]) == ("pdf", 2)
    assert data["text"].startswith("=== Document 1 : mail.eml ===")


def test_read_refuses_clearly_and_prints_nothing(hd_env: Env, tmp_path: Path) -> None:
    (tmp_path / "scan.pdf").write_bytes(drawing_pdf())
    (tmp_path / "vieux.doc").write_bytes(b"\xd0\xcf\x11\xe0" + b"\0" * 100)
    for name, message in (("scan.pdf", "Aucun texte lisible"), ("vieux.doc", "en .docx")):
        result = run_cli(hd_env, "read", str(tmp_path / name))
        assert result.returncode != 0
        assert message in result.stderr and result.stdout == ""


@pytest.mark.libreoffice  # the letter is printed to PDF by LibreOffice, then scanned
def test_read_a_scan_says_each_page_and_what_to_check(hd_env: Env, tmp_path: Path) -> None:
    from tests.documents.scan_maker import LETTER, as_png, printed, scanned

    # « du A au 7 »: a letter that looks like a digit, next to figures, is always doubtful.
    letter = LETTER.replace("du 4 au 7", "du A au 7")
    (tmp_path / "scan.png").write_bytes(as_png(scanned(printed(letter))[0]))
    result = run_cli(hd_env, "read", str(tmp_path / "scan.png"))
    assert result.returncode == 0, result.stderr
    assert "Madame Hélène Garnier" in result.stdout
    assert "Lecture du scan : page 1 sur 1…" in result.stderr
    assert "À vérifier sur l'original :" in result.stderr

    result = run_cli(hd_env, "read", "--json", str(tmp_path / "scan.png"))
    (document,) = json.loads(result.stdout)["documents"]
    assert document["ocr"] is True and document["kind"] == "image"
    text = document["text"]
    where = text.index(" au 7 octobre") - 1  # the last character of what was read for « A »
    assert any(s["start"] <= where < s["end"] for s in document["doubtful"]), text[where - 9 :]
    for span in document["doubtful"]:
        assert {"text", "confidence", "page"} <= span.keys() and span["page"] == 1
        assert document["text"][span["start"] : span["end"]] == span["text"]


def test_read_lists_a_messages_attachments_and_reads_the_one_chosen(
    hd_env: Env, tmp_path: Path
) -> None:
    from tests.documents.msg_maker import MsgAttachment
    from tests.documents.test_readers import outlook_msg

    pdf = text_pdf([["Compte rendu : sortie le 12/03/2026"]])
    mail = tmp_path / "mail.msg"
    mail.write_bytes(outlook_msg((MsgAttachment("cr.pdf", pdf), MsgAttachment("a.gif", b"GIF"))))
    listing = run_cli(hd_env, "read", "--attachments", str(mail))
    assert listing.returncode == 0, listing.stderr
    assert listing.stdout.splitlines()[1:] == [
        f"  1. cr.pdf (lire avec {mail}#1)",
        "  2. a.gif (format non lisible)",
    ]
    chosen = run_cli(hd_env, "read", "--json", f"{mail}#1")
    (document,) = json.loads(chosen.stdout)["documents"]
    assert document["name"] == "cr.pdf (pièce jointe 1 de mail.msg)"
    assert "sortie le 12/03/2026" in document["text"]
