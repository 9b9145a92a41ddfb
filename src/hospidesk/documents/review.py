"""Review aids, without Qt: a word-level diff, and facts of a draft found in none of its inputs.

A model may invent a date, a number, an amount or a name. Every such fact in the draft is
looked up in the inputs (fields and source, normalised); those found nowhere are flagged for
the user to check. It errs on the side of flagging: a false alarm costs a glance, a missed
invention can cost far more.
"""

from __future__ import annotations

import difflib
import re
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass
from enum import StrEnum

MONTHS = (
    "janvier|février|fevrier|mars|avril|mai|juin|juillet|août|aout|septembre|octobre|"
    "novembre|décembre|decembre"
)
_PATTERNS: list[tuple[str, re.Pattern[str]]] = [  # earlier patterns win on overlaps
    ("téléphone", re.compile(r"\b0\d(?:[\s.]?\d{2}){4}\b")),
    ("date", re.compile(r"\b\d{1,2}[/.-]\d{1,2}(?:[/.-]\d{2,4})?\b")),
    ("date", re.compile(rf"\b(?:1er|\d{{1,2}})\s+(?:{MONTHS})(?:\s+\d{{4}})?\b", re.IGNORECASE)),
    ("heure", re.compile(r"\b\d{1,2}\s?[hH:]\s?\d{2}\b|\b\d{1,2}\s?h\b")),
    ("montant", re.compile(r"\b\d[\d\s.,]*\s?(?:€|euros?|EUR|k€|M€)", re.IGNORECASE)),
    ("nombre", re.compile(r"\b\d+(?:[.,]\d+)?\s?%?")),
    (
        "nom",
        re.compile(
            r"\b(?:M\.|Mme|Mlle|Dr|Pr|Docteur|Professeur|Madame|Monsieur)\s+"
            r"[A-ZÀ-Ý][\w'’-]+(?:\s+[A-ZÀ-Ý][\w'’-]+)?"
        ),
    ),
]


class FactKind(StrEnum):
    DATE = "date"
    HEURE = "heure"
    MONTANT = "montant"
    TELEPHONE = "téléphone"
    NOMBRE = "nombre"
    NOM = "nom"


@dataclass(frozen=True)
class Fact:
    kind: FactKind
    text: str
    start: int
    end: int


def _normalise(text: str) -> str:
    text = unicodedata.normalize("NFKC", text).lower()
    text = text.replace("’", "'").replace("\u202f", " ").replace("\xa0", " ")
    return re.sub(r"\s+", " ", text)


def _digits(text: str) -> str:
    return re.sub(r"\D", "", text)


def find_facts(text: str) -> list[Fact]:
    """Dates, times, amounts, phone numbers, numbers and names in ``text``, without overlaps."""
    taken: list[tuple[int, int]] = []
    facts: list[Fact] = []
    for kind, pattern in _PATTERNS:
        for match in pattern.finditer(text):
            start, end = match.span()
            value = match.group().strip()
            if not value or any(s < end and start < e for s, e in taken):
                continue
            end = start + len(match.group().rstrip())
            taken.append((start, end))
            facts.append(Fact(FactKind(kind), value, start, end))
    return sorted(facts, key=lambda f: f.start)


def _supported(fact: Fact, haystack: str, haystack_digits: str) -> bool:
    value = _normalise(fact.text)
    if value in haystack:
        return True
    if fact.kind in (FactKind.NOMBRE, FactKind.MONTANT, FactKind.TELEPHONE, FactKind.HEURE):
        digits = _digits(fact.text)
        return bool(digits) and digits in haystack_digits
    if fact.kind is FactKind.NOM:
        surname = value.split()[-1]
        return surname in haystack
    if fact.kind is FactKind.DATE and re.fullmatch(r"[\d/.-]+", fact.text):
        day, month, *year = re.split(r"[/.-]", fact.text)
        suffix = ""
        if year:
            suffix = "/" + (f"20{year[0]}" if len(year[0]) == 2 else year[0])
        forms = [f"{int(day)}/{int(month)}{suffix}", f"{int(day):02d}/{int(month):02d}{suffix}"]
        dates = haystack.replace(".", "/").replace("-", "/")
        return any(re.search(rf"(?<!\d){re.escape(form)}(?!\d)", dates) for form in forms)
    return False


def unsupported_facts(draft: str, inputs: Iterable[str]) -> list[Fact]:
    """The facts of ``draft`` that appear in none of ``inputs``."""
    joined = "\n".join(inputs)
    haystack = _normalise(joined)
    digits = " ".join(_digits(part) for part in re.split(r"[^\d\s.,/:h€]+", joined))
    return [f for f in find_facts(draft) if not _supported(f, haystack, digits)]


@dataclass(frozen=True)
class DiffOp:
    kind: str  # equal | insert | delete | replace
    old: str
    new: str


_TOKEN = re.compile(r"\s+|[^\s]+")


def word_diff(old: str, new: str) -> list[DiffOp]:
    """Word-level differences between a source and its reformulation."""
    a, b = _TOKEN.findall(old), _TOKEN.findall(new)
    matcher = difflib.SequenceMatcher(a=a, b=b, autojunk=False)
    return [
        DiffOp(tag, "".join(a[i1:i2]), "".join(b[j1:j2]))
        for tag, i1, i2, j1, j2 in matcher.get_opcodes()
    ]
