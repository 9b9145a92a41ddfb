"""How long a source may be, checked before a draft starts: the task's own ceiling, and an
estimate, before the model is even loaded, of what no model could hold in one prompt. A
refusal gives the source's length in words and pages, as a person says them.
"""

from __future__ import annotations

from hospidesk.errors import UsageError
from hospidesk.packs.model import LongSource, Task

WORDS_PER_PAGE = 350
"""A typed A4 page of administrative French."""
MARGIN_TOKENS = 32
"""Room kept in the context besides the prompt and the answer (template tokens, rounding)."""
OPTIMISTIC_CHARS_PER_TOKEN = 4.0
"""Before the model is loaded, the most characters a token holds in French for any model we
ship or approve: a source refused on this estimate is too long for every one of them."""


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
