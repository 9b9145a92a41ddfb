"""A reformulation exported as Word revisions: valid markup, and accepting or rejecting every
change gives back the draft or the source (checked here on the XML, and through LibreOffice)."""

from __future__ import annotations

import copy
import datetime as dt
import io
import shutil
import subprocess
import zipfile
from pathlib import Path

import docx
import pytest
from docx.oxml.ns import qn
from lxml import etree

from hospidesk.documents.render import render_bytes
from hospidesk.documents.revisions import with_revisions
from hospidesk.service.export import letter_context
from hospidesk.service.request import field_values
from hospidesk.service.workspace import Workspace
from tests.documents.test_review import FAITHFUL, PAYMENT

WHEN = dt.datetime(2026, 12, 1, 10, 30, tzinfo=dt.UTC)
pytestmark = pytest.mark.usefixtures("hd_env")
W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"


def letter(body: str) -> bytes:
    """The reformulation task's own letter, rendered with ``body``."""
    ws = Workspace.open()
    task = ws.task("secretariat/reformuler-courrier")
    values = field_values(task, {})
    context = letter_context(ws.settings, task, values, body, dt.date(2026, 12, 1))
    return render_bytes(task.template_path, context)


def body_xml(data: bytes) -> etree._Element:
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        return etree.fromstring(archive.read("word/document.xml"))


def resolved(root: etree._Element, accept: bool) -> list[str]:
    """The document's paragraphs once every change is accepted (or rejected)."""
    root = copy.deepcopy(root)
    gone = "del" if accept else "ins"
    for node in root.iter(f"{W}{gone}"):
        if node.getparent().tag != f"{W}rPr":
            node.getparent().remove(node)
    paragraphs: list[list[str]] = [[]]
    for p in root.iter(f"{W}p"):
        texts = [t.text or "" for t in p.iter(f"{W}t", f"{W}delText")]
        paragraphs[-1].extend(texts)
        mark = p.find(f"{W}pPr/{W}rPr/{W}{gone}")
        if mark is None:  # a paragraph mark that stays ends the paragraph
            paragraphs.append([])
    return [text for text in ("".join(p).strip() for p in paragraphs) if text]


def test_revisions_are_valid_word_markup() -> None:
    data = with_revisions(letter(FAITHFUL), PAYMENT, FAITHFUL, WHEN)
    root = body_xml(data)
    changes = list(root.iter(f"{W}ins", f"{W}del"))
    assert len(changes) > 10
    ids = [c.get(f"{W}id") for c in changes]
    assert len(ids) == len(set(ids)), "revision ids are unique"
    assert {c.get(f"{W}author") for c in changes} == {"HospiDesk"}
    assert {c.get(f"{W}date") for c in changes} == {"2026-12-01T10:30:00Z"}
    for deletion in root.iter(f"{W}del"):
        if deletion.getparent().tag == f"{W}rPr":
            continue  # a removed paragraph mark
        assert list(deletion.iter(f"{W}t")) == [], "deleted text is w:delText"
        assert list(deletion.iter(f"{W}delText")), "a deletion holds its text"
    for insertion in root.iter(f"{W}ins"):
        assert list(insertion.iter(f"{W}delText")) == []
    document = docx.Document(io.BytesIO(data))  # python-docx opens it
    assert document.paragraphs


def test_accepting_gives_the_draft_and_rejecting_gives_the_source() -> None:
    data = with_revisions(letter(FAITHFUL), PAYMENT, FAITHFUL, WHEN)
    root = body_xml(data)
    accepted, rejected = resolved(root, accept=True), resolved(root, accept=False)
    draft_lines = [line.strip() for line in FAITHFUL.splitlines() if line.strip()]
    source_lines = [line.strip() for line in PAYMENT.splitlines() if line.strip()]
    assert all(line in accepted for line in draft_lines)
    assert all(line in rejected for line in source_lines)
    assert "Madame, Monsieur," in accepted and "Lyon" not in draft_lines  # the letterhead stays


def test_the_body_keeps_the_template_s_paragraph_style() -> None:
    plain = docx.Document(io.BytesIO(letter(FAITHFUL)))
    styles = {p.style.name for p in plain.paragraphs if p.text.strip() in FAITHFUL}
    revised = docx.Document(io.BytesIO(with_revisions(letter(FAITHFUL), PAYMENT, FAITHFUL, WHEN)))
    body_styles = {
        p.style.name for p in revised.paragraphs if p._p.find(f".//{qn('w:ins')}") is not None
    }
    assert body_styles and body_styles <= styles


def regions(root: etree._Element) -> int:
    """How many changes a reader lists: a run of insertions (or of deletions) with nothing
    unchanged between them is one change, across a paragraph mark added or removed with it."""
    kinds: list[str | None] = []
    for paragraph in root.iter(f"{W}p"):
        for child in paragraph:
            name = etree.QName(child).localname
            if name in ("ins", "del"):
                kinds.append(name)
            elif name == "r":
                kinds.append(None)
        mark = paragraph.find(f"{W}pPr/{W}rPr")
        changed = (
            [etree.QName(m).localname for m in mark if etree.QName(m).localname in ("ins", "del")]
            if mark is not None
            else []
        )
        kinds.append(changed[0] if changed else None)
    return sum(1 for i, kind in enumerate(kinds) if kind and (i == 0 or kinds[i - 1] != kind))


@pytest.mark.libreoffice
@pytest.mark.skipif(shutil.which("soffice") is None, reason="LibreOffice is not installed")
def test_libreoffice_lists_the_changes(tmp_path: Path) -> None:
    data = with_revisions(letter(FAITHFUL), PAYMENT, FAITHFUL, WHEN)
    expected = regions(body_xml(data))
    (tmp_path / "relance.docx").write_bytes(data)
    subprocess.run(
        ["soffice", "--headless", f"-env:UserInstallation=file://{tmp_path}/lo",
         "--convert-to", "odt", "--outdir", str(tmp_path), str(tmp_path / "relance.docx")],
        check=True, capture_output=True, timeout=180,
    )  # fmt: skip
    with zipfile.ZipFile(tmp_path / "relance.odt") as archive:
        content = etree.fromstring(archive.read("content.xml"))
    ns = "{urn:oasis:names:tc:opendocument:xmlns:text:1.0}"
    found = list(content.iter(f"{ns}changed-region"))
    assert len(found) == expected, (len(found), expected)
    kinds = {child.tag for region in found for child in region}
    assert {f"{ns}insertion", f"{ns}deletion"} <= kinds


def test_markdown_marks_and_control_characters_do_not_reach_the_revisions() -> None:
    source = "Pièces à fournir :\f\n- Pièce d'identité\n- Justificatif de domicile"
    draft = "## Pièces à fournir\n- Pièce d'identité\n- **Justificatif** de domicile récent"
    root = body_xml(with_revisions(letter(draft), source, draft, WHEN))
    accepted = resolved(root, accept=True)
    assert "Justificatif de domicile récent" in accepted
    assert not any(mark in line for line in accepted for mark in ("##", "**", "- "))
