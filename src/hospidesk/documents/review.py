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
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from enum import StrEnum

from hospidesk.documents.proper_names import ORDINARY, fold, unknown_names

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
            if kind == "personne" and any(fold(w) in ORDINARY for w in value.split()):
                continue  # « Bonjour Madame », « Objet Demande »: not a person
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
    return ("pourcentage" if text.endswith("%") else "nombre", _number(text))


def _deadline_value(text: str) -> tuple[object, ...]:
    count, unit = text.split()[-2:]
    number = int(count) if count.isdigit() else _WORD_NUMBER.get(count, 0)
    return ("délai", number, unit.rstrip("s") if unit != "mois" else unit)


def _quantity_value(text: str) -> tuple[object, ...]:
    number, noun = text.split(maxsplit=1)
    return ("quantité", _number(number), re.sub(r"[sx]$", "", fold(noun)))


_VALUES: dict[FactKind, Callable[[str], tuple[object, ...]]] = {
    FactKind.DATE: _date_value,
    FactKind.HEURE: _hour_value,
    FactKind.NOMBRE: _number_value,
    FactKind.MONTANT: lambda text: ("montant", _number(text)),
    FactKind.TELEPHONE: lambda text: ("téléphone", _digits(text)),
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
    text = _normalise(fact.text)
    value = _VALUES.get(fact.kind)
    return value(text) if value else ("nom", text.split()[-1])  # NOM, PERSONNE: the surname


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


_NUMERIC = (
    FactKind.NOMBRE,
    FactKind.MONTANT,
    FactKind.TELEPHONE,
    FactKind.HEURE,
    FactKind.QUANTITE,
)


def _supported(fact: Fact, haystack: str, haystack_digits: str) -> bool:
    value = _normalise(fact.text)
    if fact.kind in _NUMERIC:
        # as whole numbers: « 456 » is not in « 01 23 45 67 89 », nor « 8 » in « 18 »
        digits = _digits(fact.text)
        return _whole(value, haystack) or (
            bool(digits) and re.search(rf"(?<!\d){digits}(?!\d)", haystack_digits) is not None
        )
    if value in haystack:
        return True
    if fact.kind in (FactKind.NOM, FactKind.PERSONNE):
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


def _list_number(text: str, fact: Fact) -> bool:
    """« 3. » or « 3) » opening a line: an item's number, not a fact."""
    if fact.kind is not FactKind.NOMBRE or not re.fullmatch(r"\d{1,2}", fact.text):
        return False
    line_start = text.rfind("\n", 0, fact.start) + 1
    return not text[line_start : fact.start].strip() and text[fact.end : fact.end + 1] in ".)"


def unsupported_facts(draft: str, inputs: Iterable[str], known: Iterable[str] = ()) -> list[Fact]:
    """The facts of ``draft`` that appear in none of ``inputs``: dates, times, amounts,
    numbers (a count or a quantity is a fact too), phones, references, names, and named places
    or organisations. ``known``: texts whose words a draft may use without them being facts
    (the task's instructions, the hospital's details that the template prints)."""
    texts = list(inputs)
    joined = "\n".join(texts)
    haystack = _normalise(joined)
    digits = " ".join(_digits(part) for part in re.split(r"[^\d\s.,/:h€]+", joined))
    values = _Values(find_facts(joined))
    facts = [
        f
        for f in find_facts(draft)
        if not _supported(f, haystack, digits)
        and not _found(f, values)
        and not _list_number(draft, f)
    ]
    taken = [(f.start, f.end) for f in find_facts(draft)]
    for name in unknown_names(draft, texts, known):
        if not any(s < name.end and name.start < e for s, e in taken):
            facts.append(Fact(FactKind.LIEU, name.text, name.start, name.end))
    return sorted(facts, key=lambda f: f.start)


def _whole(value: str, text: str) -> bool:
    """``value`` in ``text`` as a whole (« 12 € » is not in « 312 € », « Dupont » not in
    « Dupontel »)."""
    return re.search(rf"(?<!\w){re.escape(value)}(?!\w)", text) is not None


def _minor(fact: Fact) -> bool:
    """A single digit on its own (a list's number, « 2e étage »): not worth a warning."""
    return fact.kind is FactKind.NOMBRE and re.fullmatch(r"\d", fact.text) is not None


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
        if str(value[0]) not in OMISSION_KINDS or value in seen or _minor(fact):
            continue
        seen.add(value)
        if not _found(fact, values) and not _whole(_normalise(fact.text), haystack):
            missing.append(fact)
    return missing


def _folded(text: str) -> str:
    """Lower case, spaces and apostrophes normalised, accents dropped (« decembre »)."""
    decomposed = unicodedata.normalize("NFD", _normalise(text))
    return "".join(c for c in decomposed if not unicodedata.combining(c))


_STOPWORD_TEXT = "les des une aux par pour sur dans avec sans entre et ou au du de la le un en à"
_STOPWORDS = frozenset(_STOPWORD_TEXT.split())
"""Words of a compound fact that need not be kept (« 8h30 à 18h30 »: its two hours)."""


def missing_expected(expected: Iterable[str], draft: str, fields: Iterable[str] = ()) -> list[Fact]:
    """The facts a worked example says a good draft keeps that the draft — or a field the
    document shows — does not carry. A date, an hour, an amount, a reference is compared by
    value (« 18 décembre 2026 » is « 18/12/2026 »); a fact made of several (« 8h30 à 18h30 »,
    « 24 matelas à air ») is kept when each of its values and its other words are; any other
    fact by its words, accents aside."""
    present = "\n".join([draft, *fields])
    values = _Values(find_facts(present))
    haystack = _folded(present)
    numbers = {_number(n) for n in re.findall(r"\d+(?:[.,]\d+)?", present)}
    missing: list[Fact] = []
    for raw in expected:
        text = raw.strip()
        facts = find_facts(text)
        typed = facts[0] if len(facts) == 1 and facts[0].text == text else None
        if (typed is not None and _found(typed, values)) or _whole(_folded(text), haystack):
            continue
        if typed is None and facts and _parts_kept(text, facts, values, numbers, haystack):
            continue
        missing.append(typed or Fact(FactKind.NOM, text, 0, len(text)))
    return missing


def _parts_kept(
    text: str, facts: Iterable[Fact], values: _Values, numbers: set[float | None], haystack: str
) -> bool:
    """Each value of a compound fact found (a bare number as a number anywhere), and each of
    its other words."""
    rest = text
    for fact in facts:
        if fact.kind is FactKind.NOMBRE and not fact.text.endswith("%"):
            if _number(fact.text) not in numbers:
                return False
        elif not _found(fact, values):
            return False
        rest = rest.replace(fact.text, " ")
    words = [w for w in re.findall(r"[^\W\d_]{2,}", _folded(rest)) if w not in _STOPWORDS]
    return all(_whole(word, haystack) for word in words)


PENDING_HEADING = "À intégrer"
"""Opens the paragraph of facts the draft still misses, for the user to place
(service.faithfulness): they are not counted as kept."""
_PENDING = re.compile(rf"\n*^{PENDING_HEADING} \(.*\Z", re.MULTILINE | re.DOTALL)


def without_pending(body: str) -> str:
    """The draft without its « À intégrer » paragraph."""
    return _PENDING.sub("", body)


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
