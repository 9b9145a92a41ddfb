"""A draft into the task's Word template: what the document needs, never a model."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC, date, datetime
from pathlib import Path

from hospidesk.documents.checks import inspect_docx
from hospidesk.documents.letterhead import Letterhead, render_document
from hospidesk.documents.render import LetterContext, RenderError, split_paragraphs
from hospidesk.documents.revisions import with_revisions
from hospidesk.errors import EngineError, UsageError
from hospidesk.fsutil import atomic_write_bytes, check_writable_target
from hospidesk.governance.audit import AuditEvent, AuditKind
from hospidesk.packs.loader import PackTask
from hospidesk.packs.model import FieldType
from hospidesk.service.request import check_values, field_values
from hospidesk.service.routing import Served
from hospidesk.service.workspace import Workspace
from hospidesk.settings import Settings


@dataclass(frozen=True)
class ExportRequest:
    task_ref: str
    fields: Mapping[str, str]
    """The field values (a field left out takes its default)."""
    body: str
    """The reviewed text."""
    served: Served | None = None
    """Who wrote the draft, when known (recorded in the audit trail)."""
    revisions_from: str | None = None
    """The source text: the document then shows it revised into the body as tracked changes
    (« Exporter avec les modifications »)."""


def letter_context(
    settings: Settings, task: PackTask, values: Mapping[str, str], body: str, today: date
) -> LetterContext:
    """What the template places: the establishment, the signatory, the fields, the body."""
    s = settings
    objet = values.get("objet", "").strip() or task.task.subject
    return LetterContext(
        etablissement={
            "nom": s.shown("etablissement.nom"),
            "service": s.shown("etablissement.service"),
            "adresse": s.shown("etablissement.adresse"),
            "telephone": s.shown("etablissement.telephone"),
            "ville": s.shown("etablissement.ville"),
        },
        signataire={
            "nom": s.shown("signataire.nom"),
            "fonction": s.shown("signataire.fonction"),
        },
        champs=dict(values),
        multiline=frozenset(f.name for f in task.task.fields if f.type is FieldType.LONG_TEXT),
        objet=objet,
        body=body,
        today=today,
    )


def export_draft(
    ws: Workspace, request: ExportRequest, out: Path, today: date | None = None
) -> None:
    """Write the .docx atomically; refuse an empty body rather than an empty letter.

    The field values are checked again (the user may have changed them since the draft was
    written); the document is inside IT's letterhead for the task's job when there is one; the
    export is audited with the hashes of the text and of the document, and the letterhead's.
    """
    check_writable_target(out)
    data = render_export(ws, request, today)
    task = ws.task(request.task_ref)
    letterhead = ws.letterheads.for_job(task.pack.manifest.job)
    atomic_write_bytes(out, data, mode=0o644)
    ws.audit.append(
        AuditEvent(
            AuditKind.EXPORT,
            task=task.ref,
            model_sha256=request.served.sha256 if request.served else None,
            inputs=(ws.audit.digest("texte", request.body),),
            output=ws.audit.digest("docx", out.read_bytes()),
            details={
                "format": "docx",
                "revisions": request.revisions_from is not None,
                "letterhead": letterhead.label if letterhead else None,
                "letterhead_sha256": letterhead.sha256 if letterhead else None,
            },
        )
    )


def render_export(ws: Workspace, request: ExportRequest, today: date | None = None) -> bytes:
    """The .docx of a draft, checked, in memory (``export_draft`` writes it; filing in the
    patient record sends it)."""
    if not split_paragraphs(request.body):
        raise EngineError(
            "Le modèle n'a produit aucun texte : rien n'a été enregistré. Relancez la "
            "génération ou complétez les informations."
        )
    task = ws.task(request.task_ref)
    values = field_values(task, request.fields)
    check_values(task, values)
    context = letter_context(ws.settings, task, values, request.body, today or date.today())
    letterhead = ws.letterheads.for_job(task.pack.manifest.job)
    data = render_document(task.template_path, context, letterhead)
    if request.revisions_from is not None:
        if not request.revisions_from.strip():
            raise UsageError("Pas de texte source : il n'y a pas de modifications à montrer.")
        data = with_revisions(data, request.revisions_from, request.body, datetime.now(UTC))
        problems = inspect_docx(data)
        if problems:
            raise RenderError(f"Document produit refusé : {problems[0].reason}.")
    return data


SAMPLE_TASK = "secretariat/reformuler-courrier"
SAMPLE_BODY = (
    "Ceci est une lettre d'exemple : elle montre l'en-tête, le pied de page et les styles de "
    "l'établissement autour du texte d'une tâche.\n"
    "## Un titre de section\n"
    "- une liste à puces\n"
    "- sur deux lignes\n"
    "Vérifiez le logo, les mentions du pied de page, les polices, les couleurs et les marges, "
    "sur la première page comme sur les suivantes, avant de déployer l'en-tête sur les postes."
)


def sample_task(ws: Workspace, job: str | None) -> PackTask:
    """A task to show a letterhead with: a letter, or the first task of ``job``."""
    tasks = ws.tasks()
    if job is not None:
        tasks = [t for t in tasks if t.pack.manifest.job == job]
        if not tasks:
            raise UsageError(f"Aucune tâche du métier « {job} » n'est ouverte sur ce poste.")
    if not tasks:
        raise UsageError("Aucune tâche n'est ouverte sur ce poste.")
    return next((t for t in tasks if t.ref == SAMPLE_TASK), tasks[0])


def write_sample(ws: Workspace, letterhead: Letterhead, task: PackTask, out: Path) -> None:
    """A letter of ``task`` with placeholder values inside ``letterhead``, for IT to look at."""
    check_writable_target(out)
    values = {
        f.name: f.default or (f.choices[0] if f.choices else f"[{f.label}]")
        for f in task.task.fields
    }
    body = "\n".join([SAMPLE_BODY] * 5)  # long enough for the following pages' header
    context = letter_context(ws.settings, task, values, body, date.today())
    atomic_write_bytes(out, render_document(task.template_path, context, letterhead), mode=0o644)
