from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from hospidesk.documents.sources import read_source, read_source_bytes
from hospidesk.errors import UsageError
from tests.documents.helpers import add_part, docx_with_link, make_docx

SAMPLES = Path(__file__).resolve().parents[2] / "examples"


def test_utf8_with_bom_and_windows_1252(tmp_path: Path) -> None:
    (tmp_path / "a.txt").write_bytes("\ufeffRéunion à 9h".encode())
    (tmp_path / "b.txt").write_bytes("Réunion à 9h".encode("cp1252"))
    assert read_source(tmp_path / "a.txt") == "Réunion à 9h"
    assert read_source(tmp_path / "b.txt") == "Réunion à 9h"


def test_eml_gives_headers_and_plain_body(tmp_path: Path) -> None:
    raw = (
        "From: Claire Dubois <claire@chu.example>\nSubject: =?utf-8?q?R=C3=A9union?=\n"
        "Content-Type: text/plain; charset=utf-8\nContent-Transfer-Encoding: 8bit\n\n"
        "Bonsoir à tous,\nLa fermeture est confirmée.\n"
    )
    (tmp_path / "m.eml").write_bytes(raw.encode())
    text = read_source(tmp_path / "m.eml")
    assert "De : Claire Dubois <claire@chu.example>" in text
    assert "Objet : Réunion" in text
    assert "La fermeture est confirmée." in text


def test_docx_paragraphs(tmp_path: Path) -> None:
    (tmp_path / "d.docx").write_bytes(make_docx(["Premier", "Deuxième"]))
    assert read_source(tmp_path / "d.docx") == "Premier\nDeuxième"


def test_docx_with_a_link_to_a_web_page_is_read_with_its_text(tmp_path: Path) -> None:
    data = docx_with_link("Prenez rendez-vous sur ", "le site du CHU", "https://www.chu.example")
    (tmp_path / "d.docx").write_bytes(data)
    assert read_source(tmp_path / "d.docx") == "Prenez rendez-vous sur le site du CHU"


def test_docx_with_macros_is_refused(tmp_path: Path) -> None:
    data = add_part(make_docx(["x"]), "word/vbaProject.bin", b"\0")
    (tmp_path / "d.docx").write_bytes(data)
    with pytest.raises(UsageError, match=r"Document refusé : d\.docx — le document contient des"):
        read_source(tmp_path / "d.docx")


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        ("vide.txt", b"", "Le texte source est vide"),
        ("blancs.txt", b"  \n\t\n", "Le texte source est vide"),
        ("balises.html", b"<html><body><img src='x.png'></body></html>", "Aucun texte lisible"),
        ("image.txt", b"\x89PNG\r\n\x1a\n\x00\x00", "pas un texte lisible"),
        ("courrier.pdf", b"%PDF-1.4", "PDF endommagé"),
        ("ancien.doc", b"\xd0\xcf\x11\xe0" + b"\0" * 60, r"enregistrez-le en \.docx"),
        ("lettre.rtf", b"{\\rtf1 Bonjour}", r"enregistrez-le en \.docx"),
        ("faux.docx", b"pas un zip", "pas un document Word"),
    ],
)
def test_bad_sources_are_clear_errors(
    tmp_path: Path, name: str, content: bytes, message: str
) -> None:
    (tmp_path / name).write_bytes(content)
    with pytest.raises(UsageError, match=message):
        read_source(tmp_path / name)


def test_missing_and_folder(tmp_path: Path) -> None:
    with pytest.raises(UsageError, match="introuvable"):
        read_source(tmp_path / "absent.txt")
    with pytest.raises(UsageError, match="dossier"):
        read_source(tmp_path)


DOCX = make_docx(["Premier paragraphe", "Deuxième paragraphe"])


@pytest.mark.stress
@settings(max_examples=200, deadline=None)
@given(
    st.lists(st.tuples(st.integers(0, len(DOCX) - 1), st.integers(0, 255)), max_size=6),
    st.integers(0, len(DOCX)),
)
def test_damaged_docx_is_a_clear_error_never_a_crash(
    flips: list[tuple[int, int]], cut: int
) -> None:
    data = bytearray(DOCX)
    for position, value in flips:
        data[position] = value
    try:
        text = read_source_bytes(bytes(data[:cut]), "lettre.docx")
    except UsageError as exc:
        assert "lettre.docx" in exc.message
    else:
        assert text.strip()
