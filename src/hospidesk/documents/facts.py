"""The facts of a text that a draft must not lose or invent: dates, times, amounts, phone
numbers, deadlines, references, counts, names, places. Each is found with its kind and span
(``find_facts``) and given a value once normalised (``canonical``): « 15/12/2026 » and
« 15 décembre 2026 » have the same value, as do « 8 h 30 » and « 8h30 », « 312,40 € » and
« 312.40 euros ». The comparison of a draft with its inputs is ``documents.review``.
"""

from __future__ import annotations

import bisect
import functools
import re
import unicodedata
from collections.abc import Callable
from dataclasses import dataclass
from enum import StrEnum

from hospidesk.documents.proper_names import ORDINARY, fold

MONTHS = (
    "janvier|février|fevrier|mars|avril|mai|juin|juillet|août|aout|septembre|octobre|"
    "novembre|décembre|decembre"
)
DAYS = "lundi|mardi|mercredi|jeudi|vendredi|samedi|dimanche"
NUMBER_WORDS = "un|une|deux|trois|quatre|cinq|six|sept|huit|neuf|dix|quinze|trente"
_CAPITAL = r"[A-ZÀ-Ý]"
_PATTERNS: list[tuple[str, re.Pattern[str]]] = [  # earlier patterns win on overlaps
    ("téléphone", re.compile(r"\b0\d(?:[\s.]?\d{2}){4}\b|\bposte\s+\d{2,5}\b", re.IGNORECASE)),
    ("courriel", re.compile(r"\b[\w.+-]+@[\w-]+(?:\.[\w-]+)+\b")),
    (
        "référence",
        re.compile(
            r"\b(?:réf(?:érence)?\.?|dossier|facture|n°)\s*(?:n°\s*)?:?\s*"
            r"[A-Z]{0,6}[-/]?\d[\w/-]*",
            re.IGNORECASE,
        ),
    ),
    # a code on its own: « CDE-2026-1184 », « PRO-SOI-031 », « 2026-0412 »
    (
        "référence",
        re.compile(
            r"\b[A-Z][A-Z0-9]*(?:[-/][A-Z0-9]+)*[-/](?=[A-Z0-9]*\d)[A-Z0-9]+\b|\b\d{4}-\d{3,}\b"
        ),
    ),
    (
        "adresse",
        re.compile(
            r"\b\d{1,4}(?:\s?(?:bis|ter))?,?\s+(?:rue|avenue|av\.|boulevard|bd|place|allée|"
            r"chemin|impasse|quai|route|cours|square|passage)\s+(?:(?:de|du|des|la|le)\s+|[ld]['’])*"
            rf"{_CAPITAL}[\w'’-]*(?:\s+{_CAPITAL}[\w'’-]*)*(?:,?\s+\d{{5}}\s+{_CAPITAL}[\w'’-]*)?",
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
    (
        "heure",
        re.compile(r"\b\d{1,2}\s?[hH:]\s?\d{2}\b|\b\d{1,2}\s?h\b|\b\d{1,2} heures(?: \d{2}\b)?"),
    ),
    ("montant", re.compile(r"\b\d[\d\s.,]*\s?(?:€|euros?|EUR|k€|M€)", re.IGNORECASE)),
    # a count with its noun: « 24 matelas », « 6 lits », « 356 ETP », « 3 semaines »
    (
        "quantité",
        re.compile(
            r"\b(?!(?:19|20)\d\d\b)\d+(?:[.,]\d+)?[ \t\u00a0]+(?!(?:et|ou|à|au|aux|de|du|des|le|"
            r"la|les|en|par|sur|pour|avec|sans|dans|h|hors|après|avant|puis|point|contre|"
            r"environ|soit|dont|ne|plus|moins|recto|verso)\b)(?:[a-zà-ÿœæ][\w'’-]+|[A-Z]{2,}\b)"
        ),
    ),
    ("nombre", re.compile(r"\b\d+(?:[.,]\d+)?\s?%?")),
    (
        "nom",
        re.compile(
            r"\b(?:M\.|Mme|Mlle|Dr|Pr|Docteur|Professeur|Madame|Monsieur)\s+"
            r"[A-ZÀ-Ý][\w'’-]+(?:\s+[A-ZÀ-Ý][\w'’-]+)?"
        ),
    ),
    # a person named without a title: « Coralie Vasseur », « Jean-Pierre DURAND »
    (
        "personne",
        re.compile(
            rf"\b{_CAPITAL}[a-zà-ÿ]+(?:-{_CAPITAL}[a-zà-ÿ]+)?[ \t]+"
            rf"{_CAPITAL}[A-Za-zÀ-ÿ'’-]*[a-zà-ÿA-Z]"
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
    {
        "date",
        "heure",
        "montant",
        "téléphone",
        "délai",
        "jours",
        "référence",
        "nom",
        "pourcentage",
        "courriel",
        "adresse",
        "quantité",
        "nombre",
    }
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
    COURRIEL = "courriel"
    ADRESSE = "adresse"
    QUANTITE = "quantité"
    PERSONNE = "personne"
    LIEU = "lieu ou organisme"
    """A named place or organisation (only looked for among invented facts)."""


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


def normalise(text: str) -> str:
    text = unicodedata.normalize("NFKC", text).lower()
    text = text.replace("’", "'").replace("\u202f", " ").replace("\xa0", " ")
    return re.sub(r"\s+", " ", text)


def digits_of(text: str) -> str:
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
            if kind == "personne" and any(fold(w) in ORDINARY for w in value.split()):
                continue  # « Bonjour Madame », « Objet Demande »: not a person
            end = start + len(match.group().rstrip())
            starts.insert(before, start)
            ends.insert(before, end)
            facts.append(Fact(FactKind(kind), value, start, end))
    return tuple(sorted(facts, key=lambda f: f.start))


def as_number(text: str) -> float | None:
    raw = re.sub(r"[^\d,.]", "", text.replace("\u202f", "").replace("\xa0", "").replace(" ", ""))
    if "," in raw:
        raw = raw.replace(".", "").replace(",", ".")
    elif raw.count(".") > 1 or re.fullmatch(r"\d{1,3}(\.\d{3})+", raw):
        raw = raw.replace(".", "")  # 1.250 is a thousands separator
    try:
        return float(raw)
    except ValueError:
        return None


def _date_value(text: str) -> tuple[object, ...]:
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


def _hour_value(text: str) -> tuple[object, ...]:
    parts = re.findall(r"\d+", text)
    return ("heure", int(parts[0]), int(parts[1]) if len(parts) > 1 else 0)


def _number_value(text: str) -> tuple[object, ...]:
    return ("pourcentage" if text.endswith("%") else "nombre", as_number(text))


def _deadline_value(text: str) -> tuple[object, ...]:
    count, unit = text.split()[-2:]
    number = int(count) if count.isdigit() else _WORD_NUMBER.get(count, 0)
    return ("délai", number, unit.rstrip("s") if unit != "mois" else unit)


def _quantity_value(text: str) -> tuple[object, ...]:
    number, noun = text.split(maxsplit=1)
    return ("quantité", as_number(number), re.sub(r"[sx]$", "", fold(noun)))


_VALUES: dict[FactKind, Callable[[str], tuple[object, ...]]] = {
    FactKind.DATE: _date_value,
    FactKind.HEURE: _hour_value,
    FactKind.NOMBRE: _number_value,
    FactKind.MONTANT: lambda text: ("montant", as_number(text)),
    FactKind.TELEPHONE: lambda text: ("téléphone", digits_of(text)),
    FactKind.DELAI: _deadline_value,
    FactKind.JOURS: lambda text: ("jours", *re.findall(DAYS, text)),
    FactKind.REFERENCE: lambda text: ("référence", re.sub(r"[^a-z0-9]", "", text.split()[-1])),
    FactKind.COURRIEL: lambda text: ("courriel", text),
    FactKind.ADRESSE: lambda text: ("adresse", fold(text)),
    FactKind.QUANTITE: _quantity_value,
    FactKind.LIEU: lambda text: ("lieu", fold(text)),
}


def canonical(fact: Fact) -> tuple[object, ...]:
    """The fact's value: equal for « 15/12/2026 » and « 15 décembre 2026 »."""
    text = normalise(fact.text)
    value = _VALUES.get(fact.kind)
    return value(text) if value else ("nom", text.split()[-1])  # NOM, PERSONNE: the surname
