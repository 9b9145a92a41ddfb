"""Render a task's .docx template: the template places the values, the model writes the body.

Templates use docxtpl's Jinja tags, evaluated in Jinja2's immutable sandbox with autoescaping,
so a template can neither reach Python objects nor the file system, and a value containing
``<`` or ``&`` cannot break the document's XML.
"""

from __future__ import annotations

import functools
import io
import re
import zipfile
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

from jinja2.exceptions import SecurityError, TemplateError
from jinja2.sandbox import ImmutableSandboxedEnvironment

from hospidesk.documents.checks import inspect_docx
from hospidesk.documents.sandbox import BoundedSandbox, TemplateLimit, deadline
from hospidesk.errors import HospiDeskError
from hospidesk.fsutil import atomic_write_bytes

MONTHS = (
    "janvier",
    "février",
    "mars",
    "avril",
    "mai",
    "juin",
    "juillet",
    "août",
    "septembre",
    "octobre",
    "novembre",
    "décembre",
)
_EMPHASIS = re.compile(r"\*\*|__")


class RenderError(HospiDeskError):
    exit_code = 5

    def __init__(self, message: str, reason: str = "") -> None:
        super().__init__(message)
        self.reason = reason or message
        """Why, without naming the document (« une balise est incorrecte (…) »)."""


def french_date(day: date) -> str:
    first = "1er" if day.day == 1 else str(day.day)
    return f"{first} {MONTHS[day.month - 1]} {day.year}"


def split_paragraphs(text: str) -> list[dict[str, object]]:
    """The body as paragraphs, one per non-empty line, for the template's body loop.

    ``## Titre`` lines become section headings (``titre``) and ``- item`` lines bullets
    (``puce``); Markdown emphasis is removed. Each paragraph is ``{texte, titre, puce}``.
    """
    paragraphs: list[dict[str, object]] = []
    for raw in text.replace("\r\n", "\n").split("\n"):
        line = raw.strip()
        heading = line.startswith("#")
        bullet = not heading and line[:2] in ("- ", "* ", "• ")
        if heading:
            line = line.lstrip("#").strip()
        elif bullet:
            line = line[2:].strip()
        line = _EMPHASIS.sub("", line).strip()
        if line:
            paragraphs.append({"texte": line, "titre": heading, "puce": bullet})
    return paragraphs


@dataclass(frozen=True)
class LetterContext:
    """Everything a template may show. Field values are placed exactly as typed."""

    etablissement: Mapping[str, str]
    signataire: Mapping[str, str]
    champs: Mapping[str, str]
    multiline: frozenset[str]
    objet: str
    body: str
    today: date = field(default_factory=date.today)


def _as_template_value(value: str, multiline: bool) -> object:
    if multiline and "\n" in value:
        from docxtpl import Listing

        return Listing(value)
    return value


def build_context(ctx: LetterContext) -> dict[str, object]:
    etab = {k: _as_template_value(v, "\n" in v) for k, v in ctx.etablissement.items()}
    champs = {k: _as_template_value(v, k in ctx.multiline) for k, v in ctx.champs.items()}
    return {
        "etab": etab,
        "signataire": dict(ctx.signataire),
        "champs": champs,
        "objet": ctx.objet,
        "date_du_jour": french_date(ctx.today),
        "corps": split_paragraphs(ctx.body),
    }


def sandbox() -> ImmutableSandboxedEnvironment:
    """A new bounded sandbox for each rendering (it counts what the template writes)."""
    return BoundedSandbox()


def letterhead_context(ctx: LetterContext) -> dict[str, object]:
    """What a letterhead may show: the hospital's own details, the signatory, the date; never
    the letter's body, subject or form (a letterhead could copy them into a header or the
    document's properties)."""
    context = build_context(ctx)
    return {key: context[key] for key in ("etab", "signataire", "date_du_jour")}


def render_bytes(template: Path, ctx: LetterContext) -> bytes:
    """Render ``template`` with ``ctx``; the result is checked before it is returned."""
    try:
        raw = template.read_bytes()
    except OSError as exc:
        raise RenderError(f"Modèle Word illisible : {template.name} ({exc.strerror}).") from None
    return fill_docx(raw, build_context(ctx), f"Modèle Word {template.name}")


def fill_docx(raw: bytes, context: Mapping[str, object], what: str) -> bytes:
    """Place ``context`` into the tags of the .docx ``raw`` (body, headers and footers).

    ``what`` names the document in messages (« Modèle Word courrier.docx »). The document is
    checked before and after: a refused one raises :class:`RenderError`.
    """
    from docxtpl import DocxTemplate

    problems = inspect_docx(raw)
    if problems:
        raise RenderError(f"{what} refusé — {problems[0].reason}.", problems[0].reason)
    try:
        document = DocxTemplate(io.BytesIO(raw))
        with deadline():
            document.render(dict(context), sandbox(), autoescape=True)
        out = io.BytesIO()
        document.save(out)
    except TemplateLimit as exc:
        reason = str(exc)
        raise RenderError(f"{what} refusé — {reason}.", reason) from None
    except SecurityError:
        reason = "une balise tente une opération interdite"
        raise RenderError(f"{what} refusé — {reason}.", reason) from None
    except TemplateError as exc:
        reason = f"une balise {{{{ … }}}} est incorrecte ({exc})"
        raise RenderError(f"{what} invalide : {reason}.", reason) from None
    except Exception as exc:  # a tag's own error (1/0, a method that fails): the template's
        reason = f"une balise provoque une erreur ({type(exc).__name__})"
        raise RenderError(f"{what} invalide : {reason}.", reason) from None
    data = out.getvalue()
    problems = inspect_docx(data)
    if problems:
        raise RenderError(f"Document produit refusé : {problems[0].reason}.")
    return data


def render_to_file(template: Path, ctx: LetterContext, out: Path) -> None:
    """Render and write atomically: ``out`` is the whole document or is left as it was."""
    atomic_write_bytes(out, render_bytes(template, ctx), mode=0o644)


_PARTS = re.compile(r"word/(?:document|header\d*|footer\d*)\.xml")
_FIELD_TAG = re.compile(r"\bchamps\s*(?:\.\s*(\w+)|\[\s*['\"](\w+)['\"]\s*\])|\bchamps\b")
_SUBJECT_TAG = re.compile(r"{{[^}]*\bobjet\b")


@functools.lru_cache(maxsize=64)
def _fields_printed(path: str, stamp: tuple[int, int]) -> frozenset[str] | None:
    try:
        with zipfile.ZipFile(path) as archive:
            parts = [n for n in archive.namelist() if _PARTS.fullmatch(n)]
            text = "".join(re.sub(r"<[^>]+>", "", archive.read(n).decode("utf-8")) for n in parts)
    except (OSError, zipfile.BadZipFile, UnicodeDecodeError, KeyError):
        return None
    names = set()
    for match in _FIELD_TAG.finditer(text):
        name = match.group(1) or match.group(2)
        if name is None:
            return None  # the form used whole (a loop over its fields): every field printed
        names.add(name)
    if _SUBJECT_TAG.search(text):
        names.add("objet")  # the subject line: the « objet » field, else the task's subject
    return frozenset(names)


def fields_printed(template: Path) -> frozenset[str] | None:
    """The form fields a task's .docx template prints (``champs.NAME`` in its body, headers
    and footers; « objet » through the subject line). None when it cannot be told: a template
    that uses the form whole, or one that cannot be read (then every field counts as printed).
    Read once per file version."""
    try:
        info = template.stat()
    except OSError:
        return None
    return _fields_printed(str(template), (info.st_mtime_ns, info.st_size))
