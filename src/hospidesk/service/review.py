"""What a careful secretary checks before using a draft: facts it invented, facts of the source
it left out, a text cut off at the length limit, the task's instructions copied back.

Both faces call ``review``: the CLI prints the findings on stderr after the draft, the window
shows them under the draft, in « Vérifier », and before an export with omissions left.
"""

from __future__ import annotations

import difflib
import re
from collections.abc import Iterable
from dataclasses import dataclass

from hospidesk.documents.review import (
    Fact,
    missing_expected,
    omitted_facts,
    unsupported_facts,
)
from hospidesk.packs.loader import PackTask
from hospidesk.packs.model import SourceMode
from hospidesk.service.repetition import REPETITION

ECHO_WORDS = 12
"""A span of this many words of the task's instructions, verbatim in the draft, is an echo."""
_WORD = re.compile(r"\w+", re.UNICODE)


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

    @property
    def clean(self) -> bool:
        return not (self.invented or self.omitted or self.cut_off or self.echo or self.looped)


def checks_omissions(task: PackTask) -> bool:
    """Whether the task transforms a source, so that a fact left out is a fault (the pack
    says so with ``review_omissions``; by default, tasks whose source is required)."""
    flag = task.task.review_omissions
    return task.task.source.mode is SourceMode.REQUIRED if flag is None else flag


def review(
    task: PackTask,
    source: str | None,
    body: str,
    values: Iterable[str],
    finish_reason: str = "stop",
    expected: Iterable[str] = (),
    by_parts: bool = False,
) -> Findings:
    """``expected``: the facts of the worked example the draft was written from, if any.
    ``by_parts``: the source was too long for one prompt and was summarised part by part; a
    summary of it cannot carry its every date and name, so they are not listed."""
    fields = [v for v in values if v]
    inputs = [source or "", *fields]
    omitted: list[Fact] = []
    if source and checks_omissions(task) and not by_parts:
        omitted = omitted_facts(source, body, fields)
    said = {f.text.casefold() for f in omitted}
    omitted += [
        f for f in missing_expected(expected, body, fields) if f.text.casefold() not in said
    ]
    return Findings(
        tuple(unsupported_facts(body, inputs)),
        tuple(omitted),
        finish_reason == "length",
        echoed(task.task.instructions, body),
        finish_reason == REPETITION,
    )


def echoed(instructions: str, draft: str) -> str | None:
    """The longest span of ``instructions`` found word for word in ``draft``, if long enough."""
    a = [m.group().lower() for m in _WORD.finditer(instructions)]
    b = [m.group().lower() for m in _WORD.finditer(draft)]
    if len(a) < ECHO_WORDS or len(b) < ECHO_WORDS:
        return None
    match = difflib.SequenceMatcher(a=a, b=b, autojunk=False).find_longest_match()
    if match.size < ECHO_WORDS:
        return None
    return " ".join(a[match.a : match.a + match.size])


def snippet(text: str, fact: Fact, words: int = 4) -> str:
    """The fact with a few words around it, as the user will look for it in the source."""
    before = re.search(rf"(?:\S+\s+){{0,{words}}}$", text[: fact.start])
    after = re.match(rf"(?:\s*\S+){{0,{words}}}", text[fact.end :])
    around = (before.group() if before else "") + text[fact.start : fact.end]
    return " ".join((around + (after.group() if after else "")).split())


def describe(findings: Findings, source: str | None) -> list[str]:
    """The findings as French lines, for the terminal (the window words them itself)."""
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
            where = f" (« {snippet(source, fact)} »)" if source else ""
            lines.append(f"  - {fact.kind.value} : {fact.text}{where}")
    if findings.invented:
        lines.append(
            f"À vérifier : {len(findings.invented)} information(s) du brouillon absente(s) des "
            "informations fournies :"
        )
        lines.extend(f"  - {fact.kind.value} : {fact.text}" for fact in findings.invented)
    if findings.echo:
        lines.append(
            "Attention : le brouillon recopie les consignes de la tâche (« "
            f"{findings.echo[:80]}… ») : relisez-le ou relancez."
        )
    return lines
