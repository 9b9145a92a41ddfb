"""Every source staff receive, read as a person reads it (docs: README, « Sources »)."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from hospidesk.documents.mail import PREVIOUS
from hospidesk.documents.sources import (
    TIMEOUT_SECONDS,
    read_document,
    read_document_bytes,
    read_sources,
)
from hospidesk.errors import UsageError
from tests.documents.msg_maker import MsgAttachment, make_msg
from tests.documents.odt_maker import bullet_list, make_odt, paragraph, table
from tests.documents.pdf_maker import (
    bomb_pdf,
    drawing_pdf,
    encrypted_pdf,
    many_pages_pdf,
    text_pdf,
)

OUTLOOK_HTML = """\
<html xmlns:o="urn:schemas-microsoft-com:office:office">
<head><meta charset="utf-8"><style><!--
@font-face {font-family:"Cambria Math";}
p.MsoNormal, li.MsoNormal {margin:0cm; font-size:11.0pt; font-family:"Calibri",sans-serif;}
--></style><!--[if gte mso 9]><xml><o:shapedefaults v:ext="edit" spidmax="1026" />
</xml><![endif]--></head>
<body lang="FR" link="#0563C1">
<div class="WordSection1">
<p class="MsoNormal">Bonjour Madame,<o:p></o:p></p>
<p class="MsoNormal">Pour la réunion de jeudi, merci de prévoir :<o:p></o:p></p>
<ul style="margin-top:0cm" type="disc">
<li class="MsoListParagraph">le bilan des admissions<o:p></o:p></li>
<li class="MsoListParagraph">le planning des gardes<o:p></o:p></li>
</ul>
<p class="MsoListParagraph" style="text-indent:-18.0pt"><![if !supportLists]>\
<span style="font-family:Symbol">·<span style="font:7.0pt">&nbsp;&nbsp;</span></span>\
<![endif]>la liste des absents<o:p></o:p></p>
<p class="MsoNormal">Bien cordialement,<o:p></o:p></p>
<p class="MsoNormal">Dr Marc Lefèvre<o:p></o:p></p>
<div style="border:none;border-top:solid #E1E1E1 1.0pt;padding:3.0pt 0cm 0cm 0cm">
<p class="MsoNormal"><b>De&nbsp;:</b> Claire Dubois &lt;claire.dubois@chu.example&gt;<br>
<b>Envoyé&nbsp;:</b> lundi 30 novembre 2026 17:02<br>
<b>À&nbsp;:</b> Marc Lefèvre<br><b>Objet&nbsp;:</b> Réunion de service</p>
</div>
<p class="MsoNormal">Pouvez-vous m'envoyer l'ordre du jour ?<o:p></o:p></p>
</div>
<script>document.write("jamais")</script>
</body></html>
"""


def outlook_eml() -> bytes:
    return (
        b"From: Marc =?utf-8?q?Lef=C3=A8vre?= <marc.lefevre@chu.example>\r\n"
        b"To: Claire Dubois <claire.dubois@chu.example>\r\n"
        b"Subject: =?utf-8?q?RE=C2=A0=3A_R=C3=A9union_de_service?=\r\n"
        b"Date: Tue, 01 Dec 2026 09:15:00 +0100\r\n"
        b"MIME-Version: 1.0\r\n"
        b'Content-Type: text/html; charset="utf-8"\r\n'
        b"Content-Transfer-Encoding: 8bit\r\n\r\n"
    ) + OUTLOOK_HTML.encode()


def test_an_html_only_outlook_mail_reads_without_css_with_bullets_and_the_quote_marked() -> None:
    document = read_document_bytes(outlook_eml(), "reunion.eml")
    text = document.text
    for absent in ("font-family", "Cambria", "MsoNormal", "shapedefaults", "jamais", "{", "<p"):
        assert absent not in text
    new, _, quoted = text.partition(PREVIOUS)
    assert "• le bilan des admissions" in new
    assert "• le planning des gardes" in new
    assert "• la liste des absents" in new
    assert new.index("Bonjour Madame") < new.index("Bien cordialement")
    assert "Pouvez-vous m'envoyer l'ordre du jour" in quoted
    assert "Claire Dubois" in quoted and "Pouvez-vous" not in new
    assert text.startswith("De : Marc Lefèvre <marc.lefevre@chu.example>\nÀ : Claire Dubois")
    assert "Objet : RE : Réunion de service" in text
    assert "Date : 01/12/2026 09:15" in text
    assert (document.subject, document.kind) == ("RE : Réunion de service", "courriel")


def outlook_msg(attachments: tuple[MsgAttachment, ...] = ()) -> bytes:
    """What Outlook writes when a message is dragged to the desktop: HTML body only."""
    return make_msg(
        subject="RE : Réunion de service",
        sender_name="Marc Lefèvre",
        sender_email="marc.lefevre@chu.example",
        to=[("Claire Dubois", "claire.dubois@chu.example")],
        sent=dt.datetime(2026, 12, 1, 9, 15, tzinfo=dt.timezone(dt.timedelta(hours=1))),
        html=OUTLOOK_HTML,
        attachments=attachments,
    )


def test_an_outlook_msg_is_read_with_sender_date_subject_body_and_attachment_names() -> None:
    rapport = MsgAttachment("Rapport d'activité 2026.pdf", text_pdf([["412 entrées"]]))
    planning = MsgAttachment("planning.xlsx", b"PK\x03\x04" + b"\0" * 5000)
    document = read_document_bytes(outlook_msg((rapport, planning)), "reunion.msg")
    assert document.kind == "courriel"
    assert document.sender == '"Marc Lefèvre" <marc.lefevre@chu.example>'
    assert document.subject == "RE : Réunion de service"
    assert document.date is not None and document.date.startswith("01/12/2026")
    assert document.attachments == ("Rapport d'activité 2026.pdf", "planning.xlsx")
    text = document.text
    assert "À : claire.dubois@chu.example" in text
    assert "Pièces jointes : Rapport d'activité 2026.pdf, planning.xlsx" in text
    assert "412 entrées" not in text  # attachments are named, not read
    new, _, quoted = text.partition(PREVIOUS)
    assert "• le bilan des admissions" in new and "font-family" not in text
    assert "Pouvez-vous m'envoyer l'ordre du jour" in quoted


def test_a_plain_text_msg_keeps_its_body() -> None:
    data = make_msg(
        subject="Planning",
        sender_name="Claire Dubois",
        sender_email="claire@chu.example",
        to=[("Marc", "marc@chu.example")],
        sent=dt.datetime(2026, 11, 30, 17, 2, tzinfo=dt.UTC),
        body="Oui, jeudi me convient.\r\n\r\n-----Message d'origine-----\r\nDe : Marc\r\n"
        "Envoyé : lundi\r\nObjet : Planning\r\n\r\nPouvez-vous venir ?",
    )
    text = read_document_bytes(data, "planning.msg").text
    new, _, quoted = text.partition(PREVIOUS)
    assert new.rstrip().endswith("Oui, jeudi me convient.")
    assert "Pouvez-vous venir ?" in quoted


def test_a_thunderbird_plain_reply_marks_the_quoted_lines() -> None:
    raw = (
        "From: Claire Dubois <claire@chu.example>\nSubject: Re: Planning\n"
        "Content-Type: text/plain; charset=utf-8; format=flowed\n\n"
        "Oui, jeudi me convient.\n\nClaire\n\n"
        "Le 30/11/2026 à 17:02, Marc Lefèvre a écrit :\n"
        "> Pouvez-vous venir jeudi ?\n>\n> Marc\n"
    ).encode()
    text = read_document_bytes(raw, "re.eml").text
    new, _, quoted = text.partition(PREVIOUS)
    assert "Oui, jeudi me convient." in new and "> " not in quoted
    assert quoted.strip().splitlines() == [
        "Le 30/11/2026 à 17:02, Marc Lefèvre a écrit :",
        "Pouvez-vous venir jeudi ?",
        "",
        "Marc",
    ]


def test_attachments_are_named_not_read() -> None:
    raw = (
        "From: a@chu.example\nSubject: Pièces\nMIME-Version: 1.0\n"
        'Content-Type: multipart/mixed; boundary="b"\n\n'
        "--b\nContent-Type: text/plain; charset=utf-8\n\nVoici le rapport.\n"
        "--b\nContent-Type: application/pdf\nContent-Disposition: attachment; "
        'filename="rapport.pdf"\nContent-Transfer-Encoding: base64\n\nSEVMTE8=\n--b--\n'
    ).encode()
    document = read_document_bytes(raw, "m.eml")
    assert document.attachments == ("rapport.pdf",)
    assert "Pièces jointes : rapport.pdf" in document.text
    assert "HELLO" not in document.text


def test_a_two_page_text_pdf_is_read_in_order_with_its_table_rows() -> None:
    data = text_pdf(
        [
            [
                "Compte rendu de la réunion du 12 mars",
                ("Service", "Lits", "Occupés"),
                ("Cardiologie", "24", "21"),
            ],
            ["Deuxième page : décisions « validées »"],
        ]
    )
    document = read_document_bytes(data, "cr.pdf")
    assert document.pages == 2
    text = document.text
    assert text.index("[Page 1]") < text.index("Compte rendu") < text.index("[Page 2]")
    assert text.index("[Page 2]") < text.index("Deuxième page : décisions « validées »")
    assert "Cardiologie   24   21" in text  # one row, its cells in order


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (drawing_pdf(), r"Aucun texte lisible dans ce PDF : x\.pdf"),
        (encrypted_pdf(text_pdf([["Confidentiel"]]), "secret"), "protégé par un mot de passe"),
        (many_pages_pdf(1001), r"PDF trop long : x\.pdf \(1001 pages, 1000 au maximum\)"),
        (bomb_pdf(), r"Aucun texte lisible dans ce PDF : x\.pdf"),
        (b"%PDF-1.7\n" + b"\xff" * 5000, "PDF endommagé ou trop complexe"),
    ],
    ids=["drawing-only", "encrypted", "too-many-pages", "decompression-bomb", "garbage"],
)
def test_pdfs_that_cannot_be_read_get_one_clear_line(data: bytes, message: str) -> None:
    with pytest.raises(UsageError, match=message) as caught:
        read_document_bytes(data, "x.pdf")
    assert "\n" not in caught.value.message
    assert "x.pdf" in caught.value.message
    assert TIMEOUT_SECONDS <= 5  # the child is stopped before 5 s, whatever the file


def test_an_odt_letter_is_read_in_order_with_lists_and_tables() -> None:
    data = make_odt(
        paragraph("Objet : fermeture estivale", "Heading_20_1")
        + paragraph("Madame, Monsieur,")
        + paragraph("Le service ferme du 1er au 15 août. Merci de prévoir :")
        + bullet_list(["les ordonnances", "les rendez-vous de contrôle"])
        + table([["Semaine", "Médecin"], ["32", "Dr Lefèvre"]])
        + paragraph("Cordialement.")
    )
    document = read_document_bytes(data, "lettre.odt")
    assert document.text.splitlines() == [
        "Objet : fermeture estivale",
        "Madame, Monsieur,",
        "Le service ferme du 1er au 15 août. Merci de prévoir :",
        "• les ordonnances",
        "• les rendez-vous de contrôle",
        "Semaine | Médecin",
        "32 | Dr Lefèvre",
        "Cordialement.",
    ]


def test_an_odt_that_is_not_a_text_or_too_big_is_refused() -> None:
    sheet = make_odt(paragraph("x"), "application/vnd.oasis.opendocument.spreadsheet")
    with pytest.raises(UsageError, match="pas un texte OpenDocument"):
        read_document_bytes(sheet, "calc.odt")
    bomb = make_odt(paragraph("a" * 30_000_000))
    with pytest.raises(UsageError, match="trop volumineux une fois décompressé"):
        read_document_bytes(bomb, "bombe.odt")


def test_several_sources_are_labelled_in_order(tmp_path: Path) -> None:
    (tmp_path / "mail.eml").write_bytes(outlook_eml())
    (tmp_path / "piece.pdf").write_bytes(text_pdf([["Rapport annuel"]]))
    text = read_sources([tmp_path / "mail.eml", tmp_path / "piece.pdf"])
    assert text.startswith("=== Document 1 : mail.eml ===\nDe : Marc")
    assert "\n\n=== Document 2 : piece.pdf ===\nRapport annuel" in text


def test_an_html_file_is_read_as_text(tmp_path: Path) -> None:
    (tmp_path / "page.html").write_text(OUTLOOK_HTML, encoding="utf-8")
    text = read_document(tmp_path / "page.html").text
    assert "Bonjour Madame" in text and "font-family" not in text


# Fuzzing: mutated files of every format; each is read or refused in French, never a crash.

SEEDS = {
    "m.eml": outlook_eml(),
    "o.msg": outlook_msg((MsgAttachment("a.pdf", b"%PDF-1.7"),)),
    "l.odt": make_odt(paragraph("Bonjour") + bullet_list(["a", "b"])),
    "p.html": OUTLOOK_HTML.encode(),
}


def mutate(data: bytes, flips: list[tuple[int, int]], cut: int) -> bytes:
    mutated = bytearray(data)
    for position, value in flips:
        mutated[position % len(mutated)] = value
    return bytes(mutated[: max(cut, 1)])


@pytest.mark.stress
@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    st.sampled_from(sorted(SEEDS)),
    st.lists(st.tuples(st.integers(0, 1 << 20), st.integers(0, 255)), max_size=8),
    st.integers(1, 1 << 20),
)
def test_mutated_mail_odt_and_html_never_crash(
    name: str, flips: list[tuple[int, int]], cut: int
) -> None:
    data = mutate(SEEDS[name], flips, cut)
    try:
        document = read_document_bytes(data, name)
    except UsageError as exc:
        assert name in exc.message
    else:
        assert document.text.strip()


PDF_SEED = text_pdf([["Bonjour", ("a", "b")], ["Page deux"]])


@settings(max_examples=20, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    st.lists(st.tuples(st.integers(0, len(PDF_SEED) - 1), st.integers(0, 255)), max_size=8),
    st.integers(1, len(PDF_SEED)),
)
def test_mutated_pdfs_never_crash(flips: list[tuple[int, int]], cut: int) -> None:
    try:
        document = read_document_bytes(mutate(PDF_SEED, flips, cut), "f.pdf")
    except UsageError as exc:
        assert "f.pdf" in exc.message and "\n" not in exc.message
    else:
        assert document.text.strip()


def test_a_pdf_nested_a_hundred_thousand_levels_deep_is_read_within_the_limits() -> None:
    from tests.documents.pdf_maker import nested_pdf

    assert read_document_bytes(nested_pdf(), "x.pdf").text == "Texte"
