"""What a draft needs, checked before the model starts: task, fields, source, who writes.

Every mistake is found here, so that it costs the user no waiting.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, replace
from pathlib import Path

from hospidesk.documents.attachments import source_suffix
from hospidesk.documents.source import Progress
from hospidesk.documents.sources import read_checked_sources
from hospidesk.engine.protocol import Message
from hospidesk.engine.verify import VerifiedModel
from hospidesk.errors import UsageError
from hospidesk.packs.loader import PackTask
from hospidesk.packs.model import SourceMode, TaskField, validate_value
from hospidesk.packs.prompt import build_messages
from hospidesk.service.backends import (
    engine_options,
    fallback_model,
    remote_target,
    usable_model,
)
from hospidesk.service.review import facts_to_keep, locks_facts
from hospidesk.service.routing import RemoteTarget, Served
from hospidesk.service.source_length import check_ceiling, check_estimate
from hospidesk.service.workspace import Workspace


class FieldErrors(UsageError):
    """Invalid field values: ``errors`` maps each field name to its French reason."""

    def __init__(self, task: PackTask, errors: dict[str, str]) -> None:
        labels = {f.name: f.label for f in task.task.fields}
        parts = [
            f"« {labels.get(name, name)} » : {reason.rstrip('.')}"
            for name, reason in errors.items()
        ]
        prefix = "Champ à corriger" if len(parts) == 1 else "Champs à corriger"
        super().__init__(f"{prefix} : " + " ; ".join(parts) + ".")
        self.errors = errors


FACTS_SETTING = "redaction.verifier_faits"

CONTINUE = (
    "Continue le texte exactement là où il s'arrête, sans répéter ce qui précède et sans "
    "commentaire."
)


@dataclass(frozen=True)
class DraftRequest:
    task_ref: str
    fields: Mapping[str, str]
    """The values the user gave (an empty field the model reads from the source is left out)."""
    source_text: str | None = None
    source_files: tuple[Path, ...] = ()
    """Files read as the source, in order (several are labelled, see ``documents.source``)."""
    model_id: str | None = None
    server: str | None = None
    """A server id of the machine policy, ``local`` for this workstation; None: the setting."""
    document_only: frozenset[str] = frozenset()
    """Fields filled from the patient record: their values go into the document (the
    export reads the form), never into the prompt, nor into the facts the draft must carry."""
    to_check: tuple[str, ...] = ()
    """What OCR read in ``source_text`` that must be checked on the original (the window's
    highlighted spans the user has not corrected)."""


@dataclass(frozen=True)
class PreparedDraft:
    task: PackTask
    values: Mapping[str, str]
    source: str | None
    model: VerifiedModel | None
    """The workstation's model; None only when a server writes and no local model may."""
    messages: tuple[Message, ...]
    typed: frozenset[str] = frozenset()
    """Fields the user filled in (extraction never overrides them)."""
    remote: RemoteTarget | None = None
    """The on-premises server chosen for this draft, if any."""
    lock: bool = False
    """The source's facts are listed in the prompt, and those the draft misses repaired
    (service.faithfulness)."""
    to_check: tuple[str, ...] = ()
    """What OCR read in the source that must be checked on the original (``review``)."""

    @property
    def expected(self) -> Served:
        """Who is expected to write the draft (``DraftResult.served`` says who did)."""
        if self.remote is not None:
            return Served.server(self.remote)
        assert self.model is not None
        return Served.local(self.model)

    @property
    def identity_values(self) -> list[str]:
        """Values of the identity fields (names), for the privacy guard."""
        return [self.values.get(f.name, "") for f in self.task.task.fields if f.identity]

    @property
    def to_extract(self) -> list[TaskField]:
        """The fields the model reads from the source (never one the user typed)."""
        if not self.source:
            return []
        return [f for f in self.task.task.extractable if f.name not in self.typed]

    def continued(self, written: str) -> PreparedDraft:
        """The same draft asked to go on after ``written`` (a text cut at the length limit):
        the model sees what it wrote as its own answer, then is asked to continue it. The
        fields are kept as they are (nothing is read from the source again)."""
        messages = (
            *self.messages,
            Message("assistant", written),
            Message("user", CONTINUE),
        )
        typed = frozenset(f.name for f in self.task.task.fields)
        # the facts were asked in the first message; the continuation alone is not checked
        return replace(self, messages=messages, typed=typed, lock=False)

    def with_values(self, values: Mapping[str, str]) -> PreparedDraft:
        """The same draft with other field values (and the prompt that says them)."""
        locked = facts_to_keep(self.task, self.source, values) if self.lock else ()
        messages = build_messages(self.task.task, values, self.source, locked)
        return replace(self, values=dict(values), messages=messages)


def field_values(item: PackTask, fields: Mapping[str, str]) -> dict[str, str]:
    """Every field of the task: the value given, else its default; unknown names refused."""
    known = {f.name for f in item.task.fields}
    unknown = [name for name in fields if name not in known]
    if unknown:
        names = ", ".join(sorted(known)) or "aucun"
        raise UsageError(
            f"Champ inconnu pour la tâche {item.ref} : « {unknown[0]} ». Champs : {names}."
        )
    return {f.name: fields.get(f.name, f.default) for f in item.task.fields}


def check_values(
    item: PackTask, values: Mapping[str, str], waiting: frozenset[str] = frozenset()
) -> None:
    """Raise FieldErrors for every invalid value, except the fields in ``waiting`` (empty
    ones the model will read from the source, checked after extraction)."""
    errors = {
        f.name: reason
        for f in item.task.fields
        if f.name not in waiting and (reason := validate_value(f, values[f.name])) is not None
    }
    if errors:
        raise FieldErrors(item, errors)


def _source(
    item: PackTask, request: DraftRequest, progress: Progress | None = None
) -> tuple[str | None, tuple[str, ...]]:
    """The source text, and what OCR read in it that must be checked on the original."""
    task = item.task
    source = request.source_text
    to_check = request.to_check
    if request.source_files:
        for path in request.source_files:
            suffix = source_suffix(path)
            if suffix not in task.source.types:
                accepted = ", ".join(f".{t}" for t in task.source.types)
                raise UsageError(
                    f"La tâche {item.ref} n'accepte pas les fichiers .{suffix} "
                    f"(formats acceptés : {accepted})."
                )
        source, doubtful = read_checked_sources(list(request.source_files), progress)
        to_check = tuple(d.text for d in doubtful)
    if source is not None and not source.strip():
        raise UsageError("Le texte source est vide.")
    if task.source.mode is SourceMode.REQUIRED and not source:
        raise UsageError(
            f"La tâche {item.ref} a besoin d'un texte source ({task.source.label}) : "
            "utilisez --source FICHIER (ou - pour l'entrée standard)."
        )
    if task.source.mode is SourceMode.NONE and source:
        raise UsageError(f"La tâche {item.ref} ne prend pas de texte source.")
    if source:
        check_ceiling(task, source)
    return source, to_check


def prepare(
    ws: Workspace,
    request: DraftRequest,
    model: VerifiedModel | None = None,
    progress: Progress | None = None,
) -> PreparedDraft:
    """Every check that needs no model: task, fields, source, model file and memory.

    ``model``: an already verified model (the window verifies it once, off its thread).
    ``progress(n, total)``: before each page of a source file read by OCR.
    """
    return prepare_task(ws, ws.task(request.task_ref), request, model, progress)


def prepare_task(
    ws: Workspace,
    item: PackTask,
    request: DraftRequest,
    model: VerifiedModel | None = None,
    progress: Progress | None = None,
) -> PreparedDraft:
    """``prepare`` for a task given itself (a pack being tested, not installed)."""
    values = field_values(item, request.fields)
    source, to_check = _source(item, request, progress)
    waiting = frozenset(
        f.name
        for f in item.task.fields
        if f.name not in request.fields and f.waits_for_extraction(values[f.name], bool(source))
    )
    check_values(item, values, waiting)
    values = {k: "" if k in request.document_only else v for k, v in values.items()}
    remote = remote_target(ws, request.server, request.model_id if request.server else None)
    if remote is not None:
        model = model or fallback_model(ws)
    elif model is None:
        model = usable_model(ws, request.model_id)
    if source and remote is None and model is not None:  # a server has its own context
        n_ctx = engine_options(ws, model.entry, gpu_offload=False).n_ctx
        check_estimate(item.task, source, n_ctx, item.task.generation.max_tokens)
    lock = locks_facts(item, ws.settings.get_bool(FACTS_SETTING))
    locked = facts_to_keep(item, source, values) if lock else ()
    messages = build_messages(item.task, values, source, locked)
    typed = frozenset(request.fields)
    return PreparedDraft(item, values, source, model, messages, typed, remote, lock, to_check)
