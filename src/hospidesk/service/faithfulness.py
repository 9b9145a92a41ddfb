"""No fact lost: the facts of the source that a draft left out are put back before the user
sees it, and the user is shown what was added and where.

Before writing, the source's facts are listed in the prompt for the model to keep
(``packs.prompt.facts_to_keep``). After writing, the review's detector looks for each of them
in the draft. Those missing are given back to the model in one more request, after its own
text (the context still holds it: only the request is read): one short sentence for each
group of facts, in order, one a line. On this workstation a grammar makes each line carry its
facts exactly as the source writes them, with no other figure, so the repair converges in one
pass; a server's lines are checked the same way. Each sentence goes at the end of the
paragraph (or after the list item) closest to where its facts stand in the source.

A line that does not carry its facts, or that brings a fact found in no input, is dropped;
its facts, and those beyond ``REPAIR_LIMIT`` groups, go into a last paragraph « À intégrer »
for the user to place. The review does not count a fact there as kept.
"""

from __future__ import annotations

import re
import time
from collections.abc import Sequence
from dataclasses import dataclass

from hospidesk.documents.facts import find_facts
from hospidesk.documents.proper_names import fold
from hospidesk.documents.review import (
    PENDING_HEADING,
    missing_expected,
    unsupported_facts,
)
from hospidesk.engine.protocol import GenerationOptions, Message
from hospidesk.errors import Cancelled, HospiDeskError
from hospidesk.service.draft_events import CheckingFacts, PartWriter
from hospidesk.service.gaps import (
    FACTS_PER_SENTENCE,
    Gap,
    by_sentence,
    find_gaps,
    pending_paragraph,
    written,
)
from hospidesk.service.request import PreparedDraft
from hospidesk.service.review import body_inputs, known_texts

REPAIR_LIMIT = 12
"""The most sentences asked in one repair (a summary of figures may miss that many; more is
a draft better written again)."""
LEAD_WORDS = 20
MID_WORDS = 10
TAIL_WORDS = 16
"""The most words a repair sentence writes before, between and after its facts."""
LEAD_FIGURES = 2
FIGURE_WORDS = 6
"""Figures of its source sentence a repair sentence may write before its first fact (one
more between two facts), and the words after each."""
_BULLET = re.compile(r"^\s*(?:[-–•*]|\d+[.)])\s+")
_WORD = re.compile(r"[^\W\d_]{4,}")
_LETTERS = "[a-zA-ZÀ-ÖØ-öø-ÿŒœ]"


@dataclass(frozen=True)
class Addition:
    """A sentence the repair added, where it stands in the draft."""

    text: str
    facts: tuple[str, ...]
    start: int
    end: int


@dataclass(frozen=True)
class Repair:
    """What « Vérification des faits » did to one draft."""

    missing: tuple[str, ...]
    """The facts of the source the draft left out, as written in the source."""
    added: tuple[Addition, ...] = ()
    pending: tuple[str, ...] = ()
    """Facts given to the user to place (« À intégrer »)."""
    seconds: float = 0.0

    @property
    def succeeded(self) -> bool:
        return not self.pending


def repair_messages(
    messages: Sequence[Message], raw: str, gaps: Sequence[Gap]
) -> tuple[Message, ...]:
    """The draft's conversation, its answer, and the request for the missing facts."""
    lines = [
        "Ton texte a omis des informations du texte source. Réécris chacune de ces phrases du "
        "texte source dans le style de ton texte, sans rien changer aux dates, heures, "
        "montants, nombres et noms. Une phrase par ligne, dans l'ordre, sans commentaire.",
        "",
        *(f"- {gap.context}" for gap in gaps),
    ]
    return (*messages, Message("assistant", raw), Message("user", "\n".join(lines)))


def _literal(text: str) -> str:
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"') + '"'


def repair_grammar(gaps: Sequence[Gap]) -> str:
    """GBNF: one sentence a line, one line per gap, each carrying its facts in order. Around
    them only words of letters, one space or a comma between them, a bounded number of words,
    and a few of the figures of the gap's own source sentence (« du 15 au 19 mars »: without
    them a model that wants a figure writes nonsense instead; a few, or a small model writes
    them over and over): no other figure in any script, no quote, no parenthesis, no label
    to copy from the request."""
    rules = [f"root ::= {' '.join(f'line{n}' for n in range(len(gaps)))}"]
    for n, gap in enumerate(gaps):
        parts = f" mid{n} ".join(_literal(written(f)) for f in gap.facts)
        figures = sorted({written(f) for f in find_facts(gap.context)})
        lead, mid = f"(word sep){{0,{LEAD_WORDS}}}", f"sep (word sep){{0,{MID_WORDS}}}"
        if figures:
            extra = f"(fig{n} sep (word sep){{0,{FIGURE_WORDS}}})"
            lead, mid = f"{lead} {extra}{{0,{LEAD_FIGURES}}}", f"{mid} {extra}?"
        rules += [
            f'line{n} ::= lead{n} {parts} tail{n} "\\n"',
            f"lead{n} ::= {lead}",
            f"mid{n} ::= {mid}",
            f'tail{n} ::= (sep word){{0,{TAIL_WORDS}}} "."',
        ]
        if figures:
            rules.append(f"fig{n} ::= {' | '.join(map(_literal, figures))}")
    rules += [
        'sep ::= " " | ", "',
        f"word ::= {_LETTERS}+ ([-'’] {_LETTERS}+)?",
    ]
    return "\n".join(rules) + "\n"


def repair_options(gaps: Sequence[Gap], temperature: float, seed: int | None) -> GenerationOptions:
    between = FACTS_PER_SENTENCE - 1
    words = (
        LEAD_WORDS
        + TAIL_WORDS
        + MID_WORDS * between
        + (FIGURE_WORDS + 1) * (LEAD_FIGURES + between)
    )
    figures = LEAD_FIGURES + between
    per_line = 2 * words + 8 * (FACTS_PER_SENTENCE + figures)  # two tokens a word at most
    return GenerationOptions(
        max_tokens=per_line * len(gaps),
        temperature=min(temperature, 0.3),
        seed=seed,
        grammar=repair_grammar(gaps),
    )


def _cleaned(line: str) -> str:
    """A sentence to add: no bullet, quote marks or a mail's quoting « > » around it, a
    capital first, a full stop last (not after a comma)."""
    text = _BULLET.sub("", line.strip().lstrip("> ")).strip(" «»\"'").rstrip(" ,;:")
    if not text:
        return ""
    text = text[0].upper() + text[1:]
    return text if text[-1] in ".!?…" else text + "."


def accepted_lines(
    answer: str, gaps: Sequence[Gap], inputs: Sequence[str], known: Sequence[str]
) -> list[str | None]:
    """The sentence for each gap, None where the answer's line does not carry the gap's facts,
    brings a fact found in no input, reads as nonsense (see ``garbled``) or rambles (more
    than twice its source sentence's words)."""
    lines = [line for line in answer.split("\n") if line.strip()]
    vocabulary = set().union(*(_words(text) for text in (*inputs, *known)))
    chosen: list[str | None] = []
    for index, gap in enumerate(gaps):
        sentence = _cleaned(lines[index]) if index < len(lines) else ""
        keeps = sentence and not missing_expected([written(f) for f in gap.facts], sentence)
        rambles = len(sentence.split()) > 2 * len(gap.context.split()) + 8
        invents = sentence and (
            rambles or unsupported_facts(sentence, inputs, known) or garbled(sentence, vocabulary)
        )
        chosen.append(sentence if keeps and not invents else None)
    return chosen


GARBLED_LENGTH = 16
"""A word of this many letters or more, in no input, is words run together (« untauxactuelde »)."""


def garbled(sentence: str, vocabulary: set[str]) -> bool:
    """Whether a sentence written under the repair's grammar reads as nonsense: a word found in
    no input written twice (« du eterne au eterne »), a word three times in a row (« ert ert
    ert »), words run together, or one figure written twice (« 19 jours, … 19 jours »). Seen
    with a 1.5B model asked for figures it could not write; a sentence refused leaves its
    facts to the user."""
    words = [fold(w) for w in re.findall(rf"{_LETTERS}+", sentence)]
    strange = [w for w in words if len(w) >= 4 and w not in vocabulary]
    if len(strange) != len(set(strange)) or any(len(w) >= GARBLED_LENGTH for w in strange):
        return True
    if any(a == b == c for a, b, c in zip(words, words[1:], words[2:], strict=False)):
        return True
    values = [fact.value for fact in find_facts(sentence)]
    return len(values) != len(set(values))


def _words(text: str) -> set[str]:
    return set(_WORD.findall(fold(text)))


def _eligible(line: str) -> bool:
    """A line a sentence can follow: a paragraph or a list item, not a heading, a
    salutation or a signature (too short to be a paragraph)."""
    text = line.strip()
    if not text or text.startswith("#"):
        return False
    return bool(_BULLET.match(line)) or len(text.split()) >= 6


def _target(lines: Sequence[str], gap: Gap) -> int:
    """The line of the draft closest in words to where the gap's facts stand in the source;
    the last paragraph when none shares a word. A line that announces the next (« à
    l'adresse suivante : ») passes the sentence on to it."""
    wanted = _words(gap.context)
    candidates = [i for i, line in enumerate(lines) if _eligible(line)]
    if not candidates:
        candidates = [i for i, line in enumerate(lines) if line.strip()] or [0]
    best = max(reversed(candidates), key=lambda i: len(wanted & _words(lines[i])))
    while lines[best].rstrip().endswith(":"):
        following = [i for i in range(best + 1, len(lines)) if lines[i].strip()]
        if not following:
            break
        best = following[0]
    return best


def _joint(lines: Sequence[str], index: int) -> str:
    """What goes between line ``index`` and a sentence added after it: a space after a
    sentence, a new item after a list item, a new paragraph after anything else."""
    line = lines[index]
    bullet = _BULLET.match(line)
    if bullet:
        return "\n" + bullet.group()
    if not line.strip():
        return ""
    if line.rstrip()[-1] in ".!?…»)":
        return " "
    spaced = index + 1 < len(lines) and not lines[index + 1].strip()
    return "\n\n" if spaced else "\n"


def insert(body: str, placed: Sequence[tuple[Gap, str]]) -> tuple[str, tuple[Addition, ...]]:
    """``body`` with each sentence after the line closest to its facts (see ``_target``)."""
    lines = body.split("\n")
    after: dict[int, list[tuple[Gap, str]]] = {}
    for gap, sentence in placed:
        after.setdefault(_target(lines, gap), []).append((gap, sentence))
    out: list[str] = []
    additions: list[Addition] = []
    position = 0
    for index, line in enumerate(lines):
        pieces = [line]
        for gap, sentence in after.get(index, []):
            joint = _joint([*lines[:index], "".join(pieces), *lines[index + 1 :]], index)
            start = position + sum(map(len, pieces)) + len(joint)
            pieces.append(joint + sentence)
            facts = tuple(written(f) for f in gap.facts)
            additions.append(Addition(sentence, facts, start, start + len(sentence)))
        joined = "".join(pieces)
        out.append(joined)
        position += len(joined) + 1
    return "\n".join(out), tuple(additions)


def repair_draft(
    run: PartWriter,
    prepared: PreparedDraft,
    messages: tuple[Message, ...],
    raw: str,
    body: str,
    seed: int | None,
) -> tuple[str, Repair | None]:
    """The source's facts that ``body`` left out, asked of the model once; those it does not
    give back go into « À intégrer ». ``raw``: what the model wrote after ``messages``.

    A structured draft (sections of items, from notes) gets the source's own lines that hold
    the missing facts, as items, unchanged: no model is asked (a 1.5B model asked to write
    a dozen figures again took longer than the draft and mixed them up)."""
    carried, shown = body_inputs(prepared.task, prepared.source, prepared.values)
    gaps = find_gaps(carried, body, shown) if carried else []
    if not gaps:
        return body, None
    started = time.monotonic()
    run.emit(CheckingFacts(sum(len(g.facts) for g in gaps)))
    if prepared.task.task.structured:
        gaps = by_sentence(gaps)
    asked, left = gaps[:REPAIR_LIMIT], gaps[REPAIR_LIMIT:]
    if prepared.task.task.structured:
        lines: list[str | None] = [_cleaned(gap.context) for gap in asked]
    else:
        lines = _asked(run, prepared, messages, raw, asked, seed)
    body, added = insert(body, [(g, s) for g, s in zip(asked, lines, strict=True) if s])
    left += [g for g, s in zip(asked, lines, strict=True) if not s]
    if left:
        body = body.rstrip() + "\n\n" + pending_paragraph(left)
    missing = tuple(" ".join(f.text.split()) for g in gaps for f in g.facts)
    pending = tuple(" ".join(f.text.split()) for g in left for f in g.facts)
    return body, Repair(missing, added, pending, time.monotonic() - started)


def _asked(
    run: PartWriter,
    prepared: PreparedDraft,
    messages: tuple[Message, ...],
    raw: str,
    gaps: Sequence[Gap],
    seed: int | None,
) -> list[str | None]:
    """The model's sentence for each gap, None where it is refused (see ``accepted_lines``)."""
    options = repair_options(gaps, prepared.task.task.generation.temperature, seed)
    try:
        answer = run.write_part(prepared, repair_messages(messages, raw, gaps), options)
    except Cancelled:
        raise
    except HospiDeskError:  # the draft stands; its facts are given to the user to place
        answer = ""
    inputs = [prepared.source or "", *prepared.values.values()]
    return accepted_lines(answer, gaps, inputs, known_texts(prepared.task))


def describe_repair(repair: Repair) -> list[str]:
    """What the check of facts did, as French lines for the terminal."""
    lines = []
    if repair.added:
        count = sum(len(a.facts) for a in repair.added)
        lines.append(
            f"Vérification des faits : {count} information(s) du texte source ajoutée(s) au "
            "brouillon, à relire :"
        )
        for addition in repair.added:
            facts = ", ".join(addition.facts)
            lines.append(f"  + « {addition.text} » ({facts})")
    if repair.pending:
        lines.append(
            f"Attention : {len(repair.pending)} information(s) du texte source n'ont pas pu "
            f"être placées : {', '.join(repair.pending)}. Elles sont listées dans le dernier "
            f"paragraphe « {PENDING_HEADING} » : placez-les, puis supprimez ce paragraphe."
        )
    return lines
