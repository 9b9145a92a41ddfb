"""What a careful secretary checks before using a draft: facts it invented, facts of the source
it left out, a text cut off at the length limit, the task's instructions copied back, the same
idea written again and again.

Both faces call ``review``: the CLI prints the findings on stderr after the draft, the window
shows them under the draft, in « Vérifier », and before an export with omissions left.
"""

from __future__ import annotations

import difflib
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass

from hospidesk.documents.facts import Fact, FactKind, find_facts
from hospidesk.documents.render import fields_printed
from hospidesk.documents.review import (
    carried_doubtful,
    missing_expected,
    omitted_facts,
    unsupported_facts,
    without_pending,
)
from hospidesk.packs.loader import PackTask
from hospidesk.packs.model import SourceMode
from hospidesk.packs.prompt import system_prompt
from hospidesk.service.repetition import REPETITION

ECHO_WORDS = 12
"""A span of this many words of the task's instructions, verbatim in the draft, is an echo."""
ECHO_CLAUSE_WORDS = 6
ECHO_CLAUSE_SHARE = 0.6
"""Or most of one clause of the instructions (this many words at least), word for word."""
REPEAT_TIMES = 3
REPEAT_WORDS = 7
REPEAT_SIMILARITY = 0.72
"""A sentence of this many words written three times in other words (difflib's ratio over
the words) is a loop that the streaming guard, which compares exact lines, lets through."""
_WORD = re.compile(r"\w+", re.UNICODE)
_CLAUSE = re.compile(r"[^.;:!?\n]+")
_SENTENCE = re.compile(r"[^.!?\n]+[.!?]*")


@dataclass(frozen=True)
class Findings:
    invented: tuple[Fact, ...] = ()
    """Facts of the draft found in none of the inputs."""
    omitted: tuple[Fact, ...] = ()
    """Facts of the source that the draft does not carry (tasks that transform a source), and
    the facts a worked example says to keep, when the draft is one of an example."""
    cut_off: bool = False
    """The model stopped at the length limit, probably mid-sentence."""
    echo: str | None = None
    """A long verbatim span of the task's instructions found in the draft."""
    looped: bool = False
    """The model repeated the same line: it was stopped and the repeats removed."""
    repeated: str | None = None
    """A sentence written three times or more in other words (a paraphrased loop)."""
    carried: str = ""
    """What the body must carry (see ``body_inputs``): where the omitted facts stand."""
    to_check: tuple[str, ...] = ()
    """Figures of a scanned source that OCR could not read for sure, carried by the draft:
    to be checked on the original before the document is used."""

    @property
    def clean(self) -> bool:
        return not (
            self.invented
            or self.omitted
            or self.cut_off
            or self.echo
            or self.looped
            or self.repeated
            or self.to_check
        )


def checks_omissions(task: PackTask) -> bool:
    """Whether the task transforms a source, so that a fact left out is a fault (the pack
    says so with ``review_omissions``; by default, tasks whose source is required)."""
    flag = task.task.review_omissions
    return task.task.source.mode is SourceMode.REQUIRED if flag is None else flag


def locks_facts(task: PackTask, enabled: bool = True) -> bool:
    """Whether the source's facts are listed for the model and repaired after writing (the
    pack says so with ``lock_facts``; by default, the tasks whose omissions are checked).
    ``enabled``: the user's or the policy's setting ``redaction.verifier_faits``."""
    flag = task.task.lock_facts
    return enabled and (checks_omissions(task) if flag is None else flag)


_HEADER = re.compile(
    r"^[ \t>]*(?:de|from|à|a|to|cc|cci|bcc|envoyé|sent|date|objet|subject)[ \t]*:.*$\n?",
    re.IGNORECASE | re.MULTILINE,
)
"""A quoted e-mail's header line (« De : Marc Petit », « Envoyé : mardi 2 juin 09:15 »): its
addresses and times are not facts of the thread for the body to carry."""
LOCK_LIMIT = 30
"""The most facts listed for the model to keep (a long source has hundreds: the first ones)."""


def body_inputs(
    task: PackTask, source: str | None, values: Mapping[str, str]
) -> tuple[str, list[str]]:
    """What the draft's body must carry, and what the document prints besides it. The body
    tells the source and the fields the task's template does not print (a reply's « éléments
    de l'enquête », a decision, a deadline); the fields it prints (recipient, reference,
    subject) are the document's."""
    printed = fields_printed(task.template_path)
    shown: list[str] = []
    told: list[str] = []
    for spec in task.task.fields:
        value = values.get(spec.name, "").strip()
        if value:
            (shown if printed is None or spec.name in printed else told).append(value)
    return "\n".join([_without_headers(source or ""), *told]).strip(), shown


def _without_headers(source: str) -> str:
    """A mail or thread with its header lines reduced to their dates (a reply recalls « votre
    message du 7 décembre »; addresses and times are not for the body), only when it has a
    sender's line: « Date : » in meeting notes is a fact like any other."""
    keys = {m.group().split(":")[0].strip(" \t>").lower() for m in _HEADER.finditer(source)}
    if not keys & {"de", "from", "envoyé", "sent"}:
        return source

    def dates(match: re.Match[str]) -> str:
        found = [f.text for f in find_facts(match.group()) if f.kind is FactKind.DATE]
        return " ".join(found) + "\n" if found else ""

    return _HEADER.sub(dates, source)


def facts_to_keep(task: PackTask, source: str | None, values: Mapping[str, str]) -> list[str]:
    """The facts the body must carry, as its inputs write them, each value once: listed in the
    prompt of a task that locks its facts."""
    carried, shown = body_inputs(task, source, values)
    if not carried:
        return []
    facts = omitted_facts(carried, "", shown)[:LOCK_LIMIT]
    return [_with_its_words(fact, carried) for fact in facts]


_BARE = frozenset({FactKind.NOMBRE, FactKind.QUANTITE})
"""Figures that say nothing alone: listed with the source's words before them."""
LABEL_WORDS = 4
_LABEL_WORD = re.compile(r"\w*[^\W\d_]\w*(?:['’-]\w+)*")
_CLAUSE_END = re.compile(r"\n|[.!?;,](?=\s)")


def _with_its_words(fact: Fact, text: str) -> str:
    """The fact as ``text`` writes it; a bare figure after the few words before it in its
    sentence (« Evenements indesirables declares : 187 »): alone in the list, a small model
    took « 187 ; 152 ; 11 » for labels and wrote « fait_187 »."""
    value = " ".join(fact.text.split())
    if fact.kind not in _BARE:
        return value
    start = 0
    for end in _CLAUSE_END.finditer(text, 0, fact.start):
        start = end.end()
    words = _LABEL_WORD.findall(text[start : fact.start])[-LABEL_WORDS:]
    return f"{' '.join(words)} : {value}" if words else value


def known_texts(task: PackTask, context: Iterable[str] = ()) -> list[str]:
    """Texts whose words a draft may use without them being facts to check: the task's own
    words (instructions, labels) and ``context`` (the hospital's details the template prints)."""
    t = task.task
    labels = [f.label for f in t.fields] + [s.label for s in t.output.sections]
    return [system_prompt(t), t.request, t.title, *labels, *context]


def _anchored(fact: Fact, text: str) -> Fact:
    """An example's fact placed where ``text`` has it (for the words around it)."""
    start = text.casefold().find(fact.text.casefold())
    if start < 0:
        return fact
    return Fact(fact.kind, fact.text, start, start + len(fact.text))


def review(
    task: PackTask,
    source: str | None,
    body: str,
    values: Mapping[str, str],
    finish_reason: str = "stop",
    expected: Iterable[str] = (),
    by_parts: bool = False,
    context: Iterable[str] = (),
    doubtful: Iterable[str] = (),
) -> Findings:
    """``doubtful``: what OCR read in the source that must be checked on the original.
    ``values``: the form's fields by name. ``expected``: the facts of the worked example
    the draft was written from, if any.
    ``by_parts``: the source was too long for one prompt and was summarised part by part; a
    summary of it cannot carry its every date and name, so they are not listed. ``context``:
    the hospital's details, which the draft may name. A fact only in the « À intégrer »
    paragraph is not kept yet."""
    inputs = [source or "", *(v for v in values.values() if v)]
    carried, shown = body_inputs(task, source, values)
    placed = without_pending(body)
    omitted: list[Fact] = []
    if source and checks_omissions(task) and not by_parts:
        omitted = omitted_facts(carried, placed, shown)
    said = {f.text.casefold() for f in omitted}
    for fact in missing_expected(expected, placed, shown):
        if fact.text.casefold() not in said and not any(
            fact.text.casefold() in other for other in said
        ):
            omitted.append(_anchored(fact, carried))
    return Findings(
        tuple(unsupported_facts(body, inputs, known_texts(task, context))),
        tuple(omitted),
        finish_reason == "length",
        echoed(system_prompt(task.task), body),
        finish_reason == REPETITION,
        repeated_idea(body),
        carried,
        tuple(carried_doubtful(doubtful, placed)),
    )


def _words(text: str) -> list[str]:
    return [m.group().lower() for m in _WORD.finditer(text)]


def echoed(instructions: str, draft: str) -> str | None:
    """A span of ``instructions`` found word for word in ``draft``: a long one, or most of
    one of their clauses (« Tu n'inventes aucun fait, aucune date… »)."""
    b = _words(draft)
    a = _words(instructions)
    if len(a) >= ECHO_WORDS and len(b) >= ECHO_WORDS:
        match = difflib.SequenceMatcher(a=a, b=b, autojunk=False).find_longest_match()
        if match.size >= ECHO_WORDS:
            return " ".join(a[match.a : match.a + match.size])
    for clause in _CLAUSE.findall(instructions):
        words = _words(clause)
        if len(words) < ECHO_CLAUSE_WORDS:
            continue
        match = difflib.SequenceMatcher(a=words, b=b, autojunk=False).find_longest_match()
        if match.size >= max(ECHO_CLAUSE_WORDS, ECHO_CLAUSE_SHARE * len(words)):
            return " ".join(words[match.a : match.a + match.size])
    return None


def repeated_idea(draft: str) -> str | None:
    """The first sentence that the draft writes ``REPEAT_TIMES`` times or more, in the same
    or in other words."""
    sentences: list[str] = [s.strip() for s in _SENTENCE.findall(draft)]
    worded = [(s, _words(s)) for s in sentences if len(_words(s)) >= REPEAT_WORDS]
    for index, (sentence, words) in enumerate(worded):
        alike = 1
        for _, other in worded[index + 1 :]:
            matcher = difflib.SequenceMatcher(a=words, b=other, autojunk=False)
            if matcher.real_quick_ratio() >= REPEAT_SIMILARITY and (
                matcher.quick_ratio() >= REPEAT_SIMILARITY and matcher.ratio() >= REPEAT_SIMILARITY
            ):
                alike += 1
        if alike >= REPEAT_TIMES:
            return sentence
    return None


def snippet(text: str, fact: Fact, words: int = 4) -> str:
    """The fact with a few words around it, as the user will look for it in the source."""
    line_start = text.rfind("\n", 0, fact.start) + 1
    line_end = text.find("\n", fact.end)
    line_end = len(text) if line_end < 0 else line_end
    before = re.search(rf"(?:\S+\s+){{0,{words}}}$", text[line_start : fact.start])
    after = re.match(rf"(?:\s*\S+){{0,{words}}}", text[fact.end : line_end])
    around = (before.group() if before else "") + text[fact.start : fact.end]
    return " ".join((around + (after.group() if after else "")).split())


def describe(findings: Findings, body: str = "") -> list[str]:
    """The findings as French lines, for the terminal (the window words them itself); an
    invented fact is shown with the words around it in ``body``."""
    lines = []
    if findings.looped:
        lines.append(
            "Attention : le modèle répétait la même phrase ; la rédaction a été arrêtée et les "
            "répétitions retirées. Relisez la fin ou relancez."
        )
    if findings.cut_off:
        lines.append(
            "Attention : le brouillon a atteint la longueur maximale et s'arrête peut-être au "
            "milieu d'une phrase. Relisez la fin (ou relancez avec --max-tokens plus grand)."
        )
    if findings.omitted:
        lines.append(
            f"Attention : {len(findings.omitted)} information(s) du texte source absente(s) "
            "du brouillon — vérifiez :"
        )
        for fact in findings.omitted:
            where = f" (« {snippet(findings.carried, fact)} »)" if findings.carried else ""
            lines.append(f"  - {fact.kind.value} : {fact.text}{where}")
    if findings.to_check:
        lines.append(
            f"À vérifier sur l'original : {len(findings.to_check)} chiffre(s) du document "
            "scanné, mal reconnaissable(s), repris dans le brouillon : "
            + ", ".join(f"« {text} »" for text in findings.to_check)
        )
    if findings.invented:
        invented = list({fact.value: fact for fact in reversed(findings.invented)}.values())[::-1]
        lines.append(
            f"À vérifier : {len(invented)} information(s) du brouillon absente(s) des "
            "informations fournies :"
        )
        for fact in invented:
            around = snippet(body, fact) if body else ""
            where = f" (« {around} »)" if around and around != fact.text else ""
            lines.append(f"  - {fact.kind.value} : {fact.text}{where}")
    if findings.echo:
        lines.append(
            "Attention : le brouillon recopie les consignes de la tâche (« "
            f"{findings.echo[:80]}… ») : relisez-le ou relancez."
        )
    if findings.repeated:
        lines.append(
            "Attention : le brouillon répète la même idée au moins trois fois (« "
            f"{findings.repeated[:80]}… ») : relisez-le ou relancez."
        )
    return lines
