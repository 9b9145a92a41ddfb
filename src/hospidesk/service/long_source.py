"""Sources longer than the model's context: refused with their length in words and pages, or,
for the tasks that summarise (``source.long = "summarise"``), read part by part.

Part by part (map then reduce): the source is cut where a reader would cut it (messages,
paragraphs: ``documents.split``), each part is summarised with the task's own instructions
(and its output grammar), then the task writes the draft from the parts' summaries, as from
any source. When the summaries themselves are too long for one prompt they are summarised
again, by groups. The limits come from the loaded model: its context and its own count of
the prompt's tokens.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, replace

from hospidesk.documents.split import split_text
from hospidesk.engine.protocol import GenerationOptions, Message
from hospidesk.errors import EngineError
from hospidesk.packs.model import LongSource
from hospidesk.packs.prompt import build_messages
from hospidesk.packs.structured import output_schema, parse_json_object, structured_to_text
from hospidesk.service.draft_events import PartRead, PartWriter
from hospidesk.service.request import PreparedDraft
from hospidesk.service.source_length import MARGIN_TOKENS, answer_room, too_long, words

PART_FILL = 0.85
"""Parts fill this share of the room (the cut falls between messages or paragraphs)."""
MIN_PART_TOKENS = 128
"""No part's summary is asked shorter than this (enough for a structured summary)."""


@dataclass(frozen=True)
class Plan:
    """A source too long for one prompt of the loaded model, and how it is read."""

    parts: list[str]
    room: int
    """Tokens a prompt holds besides the instructions and the answer."""
    chars_per_token: float
    """Of this source, as the model counts it."""
    answer: int
    """Tokens kept for each answer (see ``answer_room``)."""
    n_ctx: int

    @property
    def part_chars(self) -> int:
        return int(self.room * self.chars_per_token * PART_FILL)


def parts_needed(run: PartWriter, prepared: PreparedDraft, max_tokens: int) -> Plan | None:
    """How the source is read when it does not fit the loaded model's context in one
    prompt (None: it fits); a task that does not summarise long texts refuses it."""
    engine = run.engine
    source = prepared.source
    if not source or engine.loaded is None:
        return None
    n_ctx = engine.loaded.n_ctx
    answer = answer_room(max_tokens, n_ctx)
    full = engine.count(prepared.messages)
    if full + answer + MARGIN_TOKENS <= n_ctx:
        return None
    task = prepared.task.task
    fixed = engine.count(build_messages(task, prepared.values, "."))
    room = n_ctx - fixed - answer - MARGIN_TOKENS
    chars_per_token = len(source) / max(full - fixed, 1)
    if task.source.long is not LongSource.SUMMARISE:
        per_word = len(source) / max(words(source), 1)
        raise too_long(source, int(room * chars_per_token / per_word), "le modèle")
    if room < MIN_PART_TOKENS:
        raise EngineError("Le contexte du modèle est trop petit pour lire ce texte par parties.")
    plan = Plan([], room, chars_per_token, answer, n_ctx)
    return replace(plan, parts=split_text(source, plan.part_chars))


def condense(run: PartWriter, prepared: PreparedDraft, plan: Plan, seed: int | None) -> str:
    """The parts' summaries, joined, short enough for the task to write from them."""
    task = prepared.task.task
    parts = plan.parts
    total = len(parts)
    done = 0
    while True:
        each = max(MIN_PART_TOKENS, min(task.generation.max_tokens, plan.room // len(parts)))
        summaries = []
        for number, part in enumerate(parts, start=1):
            run.emit(PartRead(done, total))
            summaries.append(_summarise(run, prepared, part, number, len(parts), each, seed))
            done += 1
        run.emit(PartRead(done, total))
        joined = "\n\n".join(
            f"Partie {n}/{len(summaries)} :\n{text}" for n, text in enumerate(summaries, start=1)
        )
        messages = build_messages(task, prepared.values, joined)
        if run.engine.count(messages) + plan.answer + MARGIN_TOKENS <= plan.n_ctx:
            return joined
        regrouped = split_text(joined, plan.part_chars)
        if len(regrouped) >= len(parts):  # the summaries do not shrink: stop, say so
            raise EngineError(
                "Le texte est trop long pour être résumé par ce modèle : découpez-le."
            )
        parts = regrouped
        total += len(parts)


def _summarise(
    run: PartWriter,
    prepared: PreparedDraft,
    part: str,
    number: int,
    count: int,
    max_tokens: int,
    seed: int | None,
) -> str:
    """One part summarised with the task's instructions (and its grammar), as text."""
    task = prepared.task.task
    labelled = f"[Partie {number} sur {count} d'un texte plus long]\n{part}"
    messages: tuple[Message, ...] = build_messages(task, prepared.values, labelled)
    options = GenerationOptions(
        max_tokens=max_tokens,
        temperature=task.generation.temperature,
        seed=seed,
        json_schema=(
            json.dumps(output_schema(task.output.sections), ensure_ascii=False)
            if task.structured
            else None
        ),
    )
    raw = run.write_part(prepared, messages, options)
    if not task.structured:
        return raw.strip()
    try:
        return structured_to_text(parse_json_object(raw), task.output.sections).strip()
    except ValueError:
        return raw.strip()  # a cut JSON: its text still says what the part holds
