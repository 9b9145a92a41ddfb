"""Review aids, without Qt: a word-level diff; facts of a draft found in none of its inputs;
facts of the source the draft left out (the facts themselves: ``documents.facts``).

A model may invent a date, a number, an amount or a name: every such fact in the draft is
looked up in the inputs (fields and source, normalised); those found nowhere are flagged. A
reformulation may also drop one, which is the more dangerous error (a deadline, opening hours,
an amount): every fact of the source is looked for in the draft, and those missing are listed.
Facts are compared by value once normalised (« 15/12/2026 » is « 15 décembre 2026 », « 8 h 30 »
is « 8h30 », « 312,40 € » is « 312.40 euros »), so a fact reworded in another valid form is
not reported. Both err on the side of flagging: a false alarm costs a glance.
"""

from __future__ import annotations

import difflib
import re
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass

from hospidesk.documents.facts import (
    OMISSION_KINDS,
    Fact,
    FactKind,
    as_number,
    digits_of,
    find_facts,
    normalise,
)
from hospidesk.documents.proper_names import unknown_names


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
    value = normalise(fact.text)
    if fact.kind in _NUMERIC:
        # as whole numbers: « 456 » is not in « 01 23 45 67 89 », nor « 8 » in « 18 »
        figures = digits_of(fact.text)
        return _whole(value, haystack) or (
            bool(figures) and re.search(rf"(?<!\d){figures}(?!\d)", haystack_digits) is not None
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
    haystack = normalise(joined)
    digits = " ".join(digits_of(part) for part in re.split(r"[^\d\s.,/:h€]+", joined))
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
    haystack = normalise(present)
    missing: list[Fact] = []
    seen: set[tuple[object, ...]] = set()
    for fact in find_facts(source):
        value = fact.value
        if str(value[0]) not in OMISSION_KINDS or value in seen or _minor(fact):
            continue
        seen.add(value)
        if not _found(fact, values) and not _whole(normalise(fact.text), haystack):
            missing.append(fact)
    return missing


def _folded(text: str) -> str:
    """Lower case, spaces and apostrophes normalised, accents dropped (« decembre »)."""
    decomposed = unicodedata.normalize("NFD", normalise(text))
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
    numbers = {as_number(n) for n in re.findall(r"\d+(?:[.,]\d+)?", present)}
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
            if as_number(fact.text) not in numbers:
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


_FIGURE_RUN = re.compile(r"\d(?:[\d\s.,/:h-]*\d)?")


def carried_doubtful(doubtful: Iterable[str], draft: str) -> list[str]:
    """The figures read by OCR that must be checked on the original (``Doubtful.text``) and
    that the draft carries, however it writes them (« 02 38 51 44 70 » or « 02.38.51.44.70 »,
    « 312,49 » in « 312,49 € »). A doubtful span without a digit (a word read with low
    confidence) is highlighted in the source, not asked about here."""
    runs = ["".join(ch for ch in m.group() if ch.isdigit()) for m in _FIGURE_RUN.finditer(draft)]
    carried = []
    for text in dict.fromkeys(doubtful):
        digits = "".join(ch for ch in text if ch.isdigit())
        if digits and any(digits in run if len(digits) > 2 else digits == run for run in runs):
            carried.append(text)
    return carried
