"""What a draft left out of its source, grouped as the check of facts asks for it: the
missing facts of each source sentence (a few at a time), with that sentence's words, and the
paragraph « À intégrer » that gives the user those it could not place
(``service.faithfulness`` asks the model for them and places its sentences).
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from hospidesk.documents.facts import Fact
from hospidesk.documents.review import PENDING_HEADING, omitted_facts, without_pending

FACTS_PER_SENTENCE = 4
CONTEXT_CHARS = 180
"""The longest source sentence shown with its missing facts (a longer one: the words around
them), for the model to write it again in the draft's style."""
_BOUNDARY = re.compile(r"\n|(?<![A-Z])[.!?;](?=\s)")
"""Where a sentence ends (« M. Dupont » goes on; « 7.5 » is no end)."""
_ACCENTED_MONTHS = {"fevrier": "février", "aout": "août", "decembre": "décembre"}


@dataclass(frozen=True)
class Gap:
    """Facts of the source missing from the draft, told in one sentence."""

    facts: tuple[Fact, ...]
    context: str
    """The source's words around them, for the model to know what they are."""


def pending_paragraph(gaps: Sequence[Gap]) -> str:
    items = "; ".join(
        " et ".join(f"« {written(f)} »" for f in gap.facts) + f" (source : « {gap.context} »)"
        for gap in gaps
    )
    return f"{PENDING_HEADING} (informations du texte source à placer dans le texte) : {items}"


def written(fact: Fact) -> str:
    """The fact as the draft must write it: the source's words, a month's accents restored."""
    text = " ".join(fact.text.split())
    return re.sub(
        r"\b(fevrier|aout|decembre)\b", lambda m: _ACCENTED_MONTHS[m.group().lower()], text
    )


def find_gaps(source: str, body: str, fields: Iterable[str]) -> list[Gap]:
    """The facts of ``source`` (what the body must carry) missing from ``body`` and from the
    ``fields`` the document prints, as the review finds them, grouped by the sentence of
    ``source`` that holds them, in its order."""
    missing = omitted_facts(source, without_pending(body), list(fields))
    groups: list[tuple[tuple[int, int], list[Fact]]] = []
    for fact in missing:
        span = _sentence_of(source, fact)
        if groups and groups[-1][0] == span and len(groups[-1][1]) < FACTS_PER_SENTENCE:
            groups[-1][1].append(fact)
        else:
            groups.append((span, [fact]))
    return [Gap(tuple(facts), _context(source, span, facts)) for span, facts in groups]


def _sentence_of(source: str, fact: Fact) -> tuple[int, int]:
    """Where the sentence (or line) that holds ``fact`` starts and ends in ``source``."""
    start = 0
    for boundary in _BOUNDARY.finditer(source, 0, fact.start):
        start = boundary.end()
    after = _BOUNDARY.search(source, fact.end)
    return start, after.end() if after else len(source)


def _context(source: str, span: tuple[int, int], facts: Sequence[Fact]) -> str:
    """The sentence, or the words around the facts in a long one."""
    start, end = span
    if end - start > CONTEXT_CHARS:
        start = max(start, facts[0].start - CONTEXT_CHARS // 2)
        end = min(end, facts[-1].end + CONTEXT_CHARS // 2)
    return " ".join(source[start:end].split()).strip(" ;")


def by_sentence(gaps: Sequence[Gap]) -> list[Gap]:
    """The gaps of one source sentence as one (``find_gaps`` splits a sentence of many facts
    in sentences of a few, for a model to write)."""
    merged: list[Gap] = []
    for gap in gaps:
        if merged and merged[-1].context == gap.context:
            merged[-1] = Gap(merged[-1].facts + gap.facts, gap.context)
        else:
            merged.append(gap)
    return merged
