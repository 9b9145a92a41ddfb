"""The hospital's letterhead around a task's document.

IT writes the letterhead in Word as the hospital has it: first-page and following-page headers
and footers, the logo, the styles of its graphic charter, the page size and margins. At render,
the letterhead's tags are filled like a task template's, its body is dropped, and the task's
rendered body is appended to it with docxcompose: the document has the letterhead's page setup,
headers, footers and styles (where both define a style, the letterhead's wins) and the task's
body. Built-in styles are matched by name whatever the language Word was in (« Titre » is
« Title »).

A letterhead is checked like any document from outside before it is used: the checks of
:mod:`hospidesk.documents.letterhead_checks`, a size limit, and a trial composition. A refused
letterhead is never applied in part.
"""

from __future__ import annotations

import hashlib
import io
import os
import stat
import zipfile
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any

from lxml import etree

from hospidesk.documents.checks import inspect_docx
from hospidesk.documents.letterhead_checks import letterhead_problems
from hospidesk.documents.render import (
    LetterContext,
    RenderError,
    fill_docx,
    letterhead_context,
    render_bytes,
)
from hospidesk.errors import HospiDeskError

MAX_BYTES = 10 * 1024 * 1024
"""A letterhead with a logo weighs tens or hundreds of kilobytes; 10 MB leaves room for photos."""
_W_NS = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
UNREADABLE = (ValueError, KeyError, AttributeError, zipfile.BadZipFile, etree.LxmlError)
"""What python-docx, docxtpl or docxcompose raise on a file Word opens but they cannot use."""
# Word's built-in styles as a French Word shows them, and the name it stores: a letterhead
# whose author defined « Titre » means the style the templates call « Title ».
BUILTIN_NAMES = {
    "titre": "Title",
    "sous-titre": "Subtitle",
    "titre 1": "Heading 1",
    "titre 2": "Heading 2",
    "titre 3": "Heading 3",
    "corps de texte": "Body Text",
    "liste à puces": "List Bullet",
    "en-tête": "Header",
    "pied de page": "Footer",
    "grille du tableau": "Table Grid",
}


@dataclass(frozen=True)
class Letterhead:
    """A letterhead that passed the checks: its bytes as read once, and their sha256."""

    label: str
    """How IT names it: ``letterhead.docx``, ``letterheads/pharmacie.docx`` or a file name."""
    path: Path
    data: bytes = field(repr=False)
    sha256: str
    notes: tuple[str, ...] = ()
    """What IT should know but does not stop it (« le corps du document est ignoré »)."""


class LetterheadRefused(HospiDeskError):
    """One line: which file, and why it is not used."""

    exit_code = 5

    def __init__(self, label: str, reason: str) -> None:
        super().__init__(f"En-tête refusé : {label} — {reason}.")
        self.label = label
        self.reason = reason


def read_letterhead(path: Path, label: str | None = None) -> Letterhead:
    """Read and check the letterhead at ``path`` (the bytes checked are the bytes kept)."""
    label = label or path.name
    try:
        # O_NONBLOCK: a pipe put there by mistake is refused below, never waited on.
        flags = os.O_RDONLY | getattr(os, "O_BINARY", 0) | getattr(os, "O_NONBLOCK", 0)
        fd = os.open(path, flags)
    except FileNotFoundError:
        raise LetterheadRefused(label, "fichier introuvable") from None
    except PermissionError:
        raise LetterheadRefused(label, "fichier illisible (droits insuffisants)") from None
    except OSError as exc:
        raise LetterheadRefused(label, f"fichier illisible ({exc.strerror})") from None
    info = os.fstat(fd)
    if not stat.S_ISREG(info.st_mode):
        os.close(fd)
        raise LetterheadRefused(label, "ce n'est pas un fichier")
    if info.st_size > MAX_BYTES:
        os.close(fd)
        raise LetterheadRefused(label, too_big(info.st_size))
    with os.fdopen(fd, "rb") as handle:
        data = handle.read(MAX_BYTES + 1)
    if len(data) > MAX_BYTES:
        raise LetterheadRefused(label, too_big(len(data)))
    problems = letterhead_problems(data)
    if problems:
        raise LetterheadRefused(label, problems[0])
    digest = hashlib.sha256(data).hexdigest()
    try:  # the whole composition, once, so that it cannot fail for the first time at export
        letterhead = Letterhead(label, path, data, digest, body_notes(data))
        apply_letterhead(trial_letter(), letterhead, letterhead_context(sample_context()))
    except RenderError as exc:
        raise LetterheadRefused(label, exc.reason) from None
    except UNREADABLE as exc:
        reason = f"il ne peut pas être lu comme un document Word ({type(exc).__name__})"
        raise LetterheadRefused(label, reason) from None
    return letterhead


def trial_letter() -> bytes:
    import docx

    document = docx.Document()
    document.add_paragraph("Objet", style="Title")
    document.add_paragraph("Texte.", style="List Bullet")
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()


def too_big(size: int) -> str:
    return (
        f"le fichier pèse {size / 1024 / 1024:.0f} Mo (au plus {MAX_BYTES // 1024 // 1024} Mo ; "
        "enregistrez le logo en PNG ou JPEG de taille raisonnable)"
    )


def body_notes(data: bytes) -> tuple[str, ...]:
    """What the letterhead's author put where it will not show: its body is not used."""
    import docx

    document = docx.Document(io.BytesIO(data))
    body = document.element.body
    has_text = any(t.text and t.text.strip() for t in body.iter(f"{{{_W_NS}}}t"))
    has_drawing = any(True for _ in body.iter(f"{{{_W_NS}}}drawing"))
    notes = []
    if has_text or has_drawing:
        notes.append(
            "le corps du document est ignoré : le logo et les mentions vont dans l'en-tête et "
            "le pied de page (Insertion › En-tête)"
        )
    if len(document.sections) > 1:
        notes.append("seule la dernière section est utilisée (marges, en-têtes, pieds de page)")
    return tuple(notes)


def sample_context(today: date | None = None) -> LetterContext:
    """Values for every tag a letterhead may use, to try it (and for ``letterhead check``)."""
    return LetterContext(
        etablissement={
            "nom": "Centre hospitalier",
            "service": "Service",
            "adresse": "Adresse",
            "telephone": "00 00 00 00 00",
            "ville": "Ville",
        },
        signataire={"nom": "Signataire", "fonction": "Fonction"},
        champs={},
        multiline=frozenset(),
        objet="Objet",
        body="Texte.",
        today=today or date.today(),
    )


def render_document(template: Path, ctx: LetterContext, letterhead: Letterhead | None) -> bytes:
    """The task's template filled with ``ctx``, inside ``letterhead`` when there is one."""
    letter = render_bytes(template, ctx)
    if letterhead is None:
        return letter
    data = apply_letterhead(letter, letterhead, letterhead_context(ctx))
    problems = inspect_docx(data)
    if problems:
        raise RenderError(f"Document produit refusé : {problems[0].reason}.", problems[0].reason)
    return data


def apply_letterhead(letter: bytes, letterhead: Letterhead, context: Mapping[str, object]) -> bytes:
    """The letterhead's page setup, headers, footers and styles around ``letter``'s body."""
    try:
        filled = fill_docx(letterhead.data, context, f"L'en-tête {letterhead.label}")
        return _compose(filled, letter)
    except UNREADABLE as exc:
        # What a letterhead Word and python-docx accept but docxcompose cannot merge.
        reason = f"il ne peut pas être combiné au modèle ({type(exc).__name__})"
        raise RenderError(f"L'en-tête {letterhead.label} refusé — {reason}.", reason) from None


def _compose(filled: bytes, letter: bytes) -> bytes:
    import docx
    from docxcompose.composer import Composer

    master = docx.Document(io.BytesIO(filled))
    body = master.element.body
    for child in list(body):
        if child.tag != f"{{{_W_NS}}}sectPr":
            body.remove(child)
    use_builtin_names(master)
    task_document = docx.Document(io.BytesIO(letter))
    before = {style.style_id for style in master.styles}
    Composer(master).append(task_document)
    _relink_copied_styles(master, task_document, before)
    theirs, ours = task_document.core_properties, master.core_properties
    ours.title, ours.subject, ours.comments = theirs.title, theirs.subject, theirs.comments
    ours.author = theirs.author
    out = io.BytesIO()
    master.save(out)
    return out.getvalue()


def use_builtin_names(document: Any) -> None:
    """Give a French Word's custom « Titre », « Titre 1 »… the built-in names they stand for."""
    names = {style.name for style in document.styles}
    for style in document.styles:
        builtin = BUILTIN_NAMES.get(str(style.name).strip().lower())
        if builtin and builtin not in names:
            style.name = builtin
            names.add(builtin)


def _relink_copied_styles(master: Any, source: Any, before: set[str]) -> None:
    """Styles copied from the task's document refer to others by id; ids are per language."""
    ids = {style.style_id for style in master.styles}
    by_name = {style.name: style.style_id for style in master.styles}
    source_names = {style.style_id: style.name for style in source.styles}
    for style in master.styles:
        if style.style_id in before:
            continue
        for tag in ("basedOn", "next", "link"):
            for ref in style.element.findall(f"{{{_W_NS}}}{tag}"):
                value = ref.get(f"{{{_W_NS}}}val")
                if value in ids:
                    continue
                mapped = by_name.get(source_names.get(value))
                if mapped:
                    ref.set(f"{{{_W_NS}}}val", mapped)
                else:
                    style.element.remove(ref)
