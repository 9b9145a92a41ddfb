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
from typing import TYPE_CHECKING

from hospidesk.documents.split import split_text
from hospidesk.engine.protocol import GenerationOptions, Message
from hospidesk.errors import EngineError, UsageError
from hospidesk.packs.model import LongSource, Task
from hospidesk.packs.prompt import build_messages
from hospidesk.packs.structured import output_schema, parse_json_object, structured_to_text

if TYPE_CHECKING:
    from hospidesk.service.drafting import DraftRun
    from hospidesk.service.request import PreparedDraft

WORDS_PER_PAGE = 350
"""A typed A4 page of administrative French."""
MARGIN_TOKENS = 32
"""Room kept in the context besides the prompt and the answer (template tokens, rounding)."""
OPTIMISTIC_CHARS_PER_TOKEN = 4.0
"""Before the model is loaded, the most characters a token holds in French for any model we
ship or approve: a source refused on this estimate is too long for every one of them."""
PART_FILL = 0.85
"""Parts fill this share of the room (the cut falls between messages or paragraphs)."""
MIN_PART_TOKENS = 128
"""No part's summary is asked shorter than this (enough for a structured summary)."""


def answer_room(max_tokens: int, n_ctx: int) -> int:
    """The room kept for the answer: its limit, but never more than half the context (a
    longer limit is cut where the context ends, as llama.cpp does)."""
    return min(max_tokens, n_ctx // 2)


def words(text: str) -> int:
    return len(text.split())


def amount(word_count: int) -> str:
    """« environ 12 000 mots (34 pages) »."""
    rounded = max(10, round(word_count, -1 if word_count < 1000 else -2))
    pages = max(1, round(word_count / WORDS_PER_PAGE))
    figure = f"{rounded:,}".replace(",", "\u202f")
    return f"environ {figure} mots ({pages} page{'s' if pages > 1 else ''})"


def too_long(source: str, allowed_words: int, why: str) -> UsageError:
    return UsageError(
        f"Texte source trop long : {amount(words(source))} ; {why} en accepte "
        f"{amount(max(allowed_words, 0))}. Raccourcissez le texte ou gardez-en l'essentiel."
    )


def check_ceiling(task: Task, source: str) -> None:
    """The task's own ceiling (or the longest any task reads), before anything else."""
    ceiling = task.source.ceiling
    if len(source) > ceiling:
        per_word = len(source) / max(words(source), 1)
        raise too_long(source, int(ceiling / per_word), "cette tâche")


def check_estimate(task: Task, source: str, n_ctx: int, max_tokens: int) -> None:
    """Before loading: refuse a source that no model could hold in ``n_ctx`` tokens, for a
    task that does not read long texts part by part."""
    if task.source.long is LongSource.SUMMARISE:
        return
    fixed = (len(task.instructions) + len(task.request) + 600) / OPTIMISTIC_CHARS_PER_TOKEN
    room = n_ctx - fixed - answer_room(max_tokens, n_ctx) - MARGIN_TOKENS
    if len(source) / OPTIMISTIC_CHARS_PER_TOKEN > room:
        per_word = len(source) / max(words(source), 1)
        raise too_long(source, int(room * OPTIMISTIC_CHARS_PER_TOKEN / per_word), "le modèle")


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


def parts_needed(run: DraftRun, prepared: PreparedDraft, max_tokens: int) -> Plan | None:
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


def condense(run: DraftRun, prepared: PreparedDraft, plan: Plan, seed: int | None) -> str:
    """The parts' summaries, joined, short enough for the task to write from them."""
    task = prepared.task.task
    parts = plan.parts
    total = len(parts)
    done = 0
    while True:
        each = max(MIN_PART_TOKENS, min(task.generation.max_tokens, plan.room // len(parts)))
        summaries = []
        for number, part in enumerate(parts, start=1):
            run.events.part(done, total)
            summaries.append(_summarise(run, prepared, part, number, len(parts), each, seed))
            done += 1
        run.events.part(done, total)
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
    run: DraftRun,
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
