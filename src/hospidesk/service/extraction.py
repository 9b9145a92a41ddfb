"""Fields read from the source by the model: each value checked like a typed one."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from hospidesk.engine.protocol import Message
from hospidesk.packs.model import TaskField, validate_value
from hospidesk.packs.structured import extraction_prompt, parse_json_object
from hospidesk.service.request import FieldErrors, PreparedDraft

EXTRACTION_FAILED = "introuvable dans le texte source, à saisir"


def extraction_messages(fields: Sequence[TaskField], source: str | None) -> tuple[Message, ...]:
    """The prompt that reads ``fields`` from the source (the extraction's instructions are
    the same for the same fields: their state is kept like a task's)."""
    return (
        Message("system", extraction_prompt(list(fields))),
        Message("user", f'Texte :\n"""\n{source}\n"""\n\nExtrais les informations.'),
    )


def first_messages(prepared: PreparedDraft) -> tuple[Message, ...] | None:
    """What the local model reads first for this draft: the extraction when the task reads
    fields from the source, else the draft's own prompt; None when a server writes it."""
    if prepared.remote is not None:
        return None
    if prepared.to_extract:
        return extraction_messages(prepared.to_extract, prepared.source)
    return prepared.messages


@dataclass(frozen=True)
class Extraction:
    """Values read from the source for the user to check, and those refused with why."""

    values: Mapping[str, str]
    rejected: Mapping[str, str]


def read_extraction(prepared: PreparedDraft, raw: str) -> tuple[PreparedDraft, Extraction]:
    """The values the model read (``raw``: its JSON), each checked like a typed one; a
    required field it did not find is an error that asks the user to type it."""
    fields = prepared.to_extract
    try:
        data = parse_json_object(raw)
    except ValueError:
        data = {}
    accepted: dict[str, str] = {}
    rejected: dict[str, str] = {}
    for f in fields:
        value = str(data.get(f.name, "")).strip()
        if not value:
            continue
        reason = validate_value(f, value)
        if reason is None:
            accepted[f.name] = value
        else:
            rejected[f.name] = reason
    values = {**prepared.values, **accepted}
    asked = {f.name for f in fields}
    errors = {
        f.name: EXTRACTION_FAILED if f.name in asked else reason
        for f in prepared.task.task.fields
        if (reason := validate_value(f, values[f.name])) is not None
    }
    if errors:
        raise FieldErrors(prepared.task, errors)
    return prepared.with_values(values), Extraction(accepted, rejected)
