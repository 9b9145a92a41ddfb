"""Review aids, without Qt: a word-level diff; facts of a draft found in none of its inputs;
facts of the source the draft left out.

A model may invent a date, a number, an amount or a name: every such fact in the draft is
looked up in the inputs (fields and source, normalised); those found nowhere are flagged. A
reformulation may also drop one, which is the more dangerous error (a deadline, opening hours,
an amount): every fact of the source is looked for in the draft, and those missing are listed.
Facts are compared by value once normalised (« 15/12/2026 » is « 15 décembre 2026 », « 8 h 30 »
is « 8h30 », « 312,40 € » is « 312.40 euros »), so a fact reworded in another valid form is
not reported. Both err on the side of flagging: a false alarm costs a glance.
"""

from __future__ import annotations

import bisect
import difflib
import functools
import re
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass
from enum import StrEnum

MONTHS = (
    "janvier|février|fevrier|mars|avril|mai|juin|juillet|août|aout|septembre|octobre|"
    "novembre|décembre|decembre"
)
DAYS = "lundi|mardi|mercredi|jeudi|vendredi|samedi|dimanche"
NUMBER_WORDS = "un|une|deux|trois|quatre|cinq|six|sept|huit|neuf|dix|quinze|trente"
_PATTERNS: list[tuple[str, re.Pattern[str]]] = [  # earlier patterns win on overlaps
    ("téléphone", re.compile(r"\b0\d(?:[\s.]?\d{2}){4}\b")),
    (
        "référence",
        re.compile(
            r"\b(?:réf(?:érence)?\.?|dossier|facture|n°)\s*(?:n°\s*)?:?\s*"
            r"[A-Z]{0,6}[-/]?\d[\w/-]*",
            re.IGNORECASE,
        ),
    ),
    (
        "délai",
        re.compile(
            rf"\b(?:sous|dans un délai de|dans les|d'ici|en)\s+(?:\d+|{NUMBER_WORDS})\s+"
            r"(?:jours?|semaines?|mois)\b",
            re.IGNORECASE,
        ),
    ),
    ("jours", re.compile(rf"\b(?:{DAYS})\s*(?:-|–|au|à)\s*(?:{DAYS})\b", re.IGNORECASE)),
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
_MONTH_NUMBER = {
    name: number
    for number, names in enumerate(
        (
            "janvier",
            "février fevrier",
            "mars",
            "avril",
            "mai",
            "juin",
            "juillet",
            "août aout",
            "septembre",
            "octobre",
            "novembre",
            "décembre decembre",
        ),
        start=1,
    )
    for name in names.split()
}
_WORD_NUMBER = {
    "un": 1, "une": 1, "deux": 2, "trois": 3, "quatre": 4, "cinq": 5, "six": 6, "sept": 7,
    "huit": 8, "neuf": 9, "dix": 10, "quinze": 15, "trente": 30,
}  # fmt: skip
OMISSION_KINDS = frozenset(
    {"date", "heure", "montant", "téléphone", "délai", "jours", "référence", "nom", "pourcentage"}
)


class FactKind(StrEnum):
    DATE = "date"
    HEURE = "heure"
    MONTANT = "montant"
    TELEPHONE = "téléphone"
    NOMBRE = "nombre"
    NOM = "nom"
    DELAI = "délai"
    JOURS = "jours"
    REFERENCE = "référence"


@dataclass(frozen=True)
class Fact:
    kind: FactKind
    text: str
    start: int
    end: int

    @property
    def value(self) -> tuple[object, ...]:
        """The fact's value once normalised: equal values are the same fact in other words."""
        return canonical(self)


def _normalise(text: str) -> str:
    text = unicodedata.normalize("NFKC", text).lower()
    text = text.replace("’", "'").replace("\u202f", " ").replace("\xa0", " ")
    return re.sub(r"\s+", " ", text)


def _digits(text: str) -> str:
    return re.sub(r"\D", "", text)


@functools.lru_cache(maxsize=8)
def find_facts(text: str) -> tuple[Fact, ...]:
    """Dates, times, amounts, phone numbers, deadlines, weekday ranges, references, numbers and
    names in ``text``, without overlaps. Kept for the last few texts: a draft is reviewed when
    it is written and again when it is exported, with the same source."""
    starts: list[int] = []  # the spans taken, disjoint and sorted: their ends sorted too
    ends: list[int] = []
    facts: list[Fact] = []
    for kind, pattern in _PATTERNS:
        for match in pattern.finditer(text):
            start, end = match.span()
            value = match.group().strip()
            before = bisect.bisect_left(starts, end)  # the spans that start before this ends
            if not value or (before and ends[before - 1] > start):
                continue
            end = start + len(match.group().rstrip())
            starts.insert(before, start)
            ends.insert(before, end)
            facts.append(Fact(FactKind(kind), value, start, end))
    return tuple(sorted(facts, key=lambda f: f.start))


def _number(text: str) -> float | None:
    raw = re.sub(r"[^\d,.]", "", text.replace("\u202f", "").replace("\xa0", "").replace(" ", ""))
    if "," in raw:
        raw = raw.replace(".", "").replace(",", ".")
    elif raw.count(".") > 1 or re.fullmatch(r"\d{1,3}(\.\d{3})+", raw):
        raw = raw.replace(".", "")  # 1.250 is a thousands separator
    try:
        return float(raw)
    except ValueError:
        return None


def canonical(fact: Fact) -> tuple[object, ...]:
    text = _normalise(fact.text)
    if fact.kind is FactKind.DATE:
        numeric = re.fullmatch(r"(\d{1,2})[/.-](\d{1,2})(?:[/.-](\d{2,4}))?", text)
        if numeric:
            day, month, year = numeric.groups()
        else:
            words = re.fullmatch(r"(1er|\d{1,2})\s+(\S+)(?:\s+(\d{4}))?", text)
            if not words:
                return ("date", text)
            day, month_name, year = words.groups()
            day = "1" if day == "1er" else day
            month = str(_MONTH_NUMBER.get(month_name, 0))
        full_year = int(year) + 2000 if year and len(year) == 2 else int(year) if year else None
        return ("date", int(day), int(month), full_year)
    if fact.kind is FactKind.HEURE:
        parts = re.findall(r"\d+", text)
        return ("heure", int(parts[0]), int(parts[1]) if len(parts) > 1 else 0)
    if fact.kind in (FactKind.MONTANT, FactKind.NOMBRE):
        kind = "pourcentage" if text.endswith("%") else fact.kind.value
        return (kind, _number(text))
    if fact.kind is FactKind.TELEPHONE:
        return ("téléphone", _digits(text))
    if fact.kind is FactKind.DELAI:
        count, unit = text.split()[-2:]
        number = int(count) if count.isdigit() else _WORD_NUMBER.get(count, 0)
        return ("délai", number, unit.rstrip("s") if unit != "mois" else unit)
    if fact.kind is FactKind.JOURS:
        return ("jours", *re.findall(DAYS, text))
    if fact.kind is FactKind.REFERENCE:
        return ("référence", re.sub(r"[^a-z0-9]", "", text.split()[-1]))
    return ("nom", text.split()[-1])  # FactKind.NOM: the surname


class _Values:
    """The facts of a text by value, for quick lookups (a date without a year matches the
    same day and month with any year)."""

    def __init__(self, facts: Iterable[Fact]) -> None:
        self.exact: set[tuple[object, ...]] = set()
        self.days: dict[tuple[object, ...], set[object]] = {}
        for fact in facts:
            value = fact.value
            self.exact.add(value)
            if value[0] == "date" and len(value) == 4:
                self.days.setdefault(value[1:3], set()).add(value[3])

    def has(self, value: tuple[object, ...]) -> bool:
        if value in self.exact:
            return True
        if value[0] == "date" and len(value) == 4:
            years = self.days.get(value[1:3], set())
            return bool(years) and (value[3] is None or None in years or value[3] in years)
        return False


def _found(fact: Fact, values: _Values) -> bool:
    return values.has(fact.value)


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
    values = _Values(find_facts(joined))
    return [
        f
        for f in find_facts(draft)
        if not _supported(f, haystack, digits) and not _found(f, values)
    ]


def _whole(value: str, text: str) -> bool:
    """``value`` in ``text`` as a whole (« 12 € » is not in « 312 € », « Dupont » not in
    « Dupontel »)."""
    return re.search(rf"(?<!\w){re.escape(value)}(?!\w)", text) is not None


def omitted_facts(source: str, draft: str, fields: Iterable[str] = ()) -> list[Fact]:
    """The facts of ``source`` (dates, times, amounts, percentages, phone numbers, deadlines,
    weekday ranges, references, names) that the draft — or a field the document shows — does
    not carry, each value once, in the source's order."""
    present = "\n".join([draft, *fields])
    values = _Values(find_facts(present))
    haystack = _normalise(present)
    missing: list[Fact] = []
    seen: set[tuple[object, ...]] = set()
    for fact in find_facts(source):
        value = fact.value
        if str(value[0]) not in OMISSION_KINDS or value in seen:
            continue
        seen.add(value)
        if not _found(fact, values) and not _whole(_normalise(fact.text), haystack):
            missing.append(fact)
    return missing


def _folded(text: str) -> str:
    """Lower case, spaces and apostrophes normalised, accents dropped (« decembre »)."""
    decomposed = unicodedata.normalize("NFD", _normalise(text))
    return "".join(c for c in decomposed if not unicodedata.combining(c))


def missing_expected(expected: Iterable[str], draft: str, fields: Iterable[str] = ()) -> list[Fact]:
    """The facts a worked example says a good draft keeps that the draft — or a field the
    document shows — does not carry. A date, an hour, an amount, a reference is compared by
    value (« 18 décembre 2026 » is « 18/12/2026 »); any other fact by its words, accents aside."""
    present = "\n".join([draft, *fields])
    values = _Values(find_facts(present))
    haystack = _folded(present)
    missing: list[Fact] = []
    for raw in expected:
        text = raw.strip()
        facts = find_facts(text)
        typed = facts[0] if len(facts) == 1 and facts[0].text == text else None
        if (typed is not None and _found(typed, values)) or _whole(_folded(text), haystack):
            continue
        missing.append(typed or Fact(FactKind.NOM, text, 0, len(text)))
    return missing


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
