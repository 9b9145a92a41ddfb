"""Named places and organisations in a draft (« France », « CHU de Rennes », « ARS »): a model
may invent one as easily as a date, and a letter that names the wrong hospital is as wrong.

French writes common words in lower case but for the first word of a sentence, so a word with
a capital inside a sentence (after a colon too: « La région : France ») is taken for a name.
The first word of a sentence cannot be told apart and is left out. Titles (« Mme Dupont »)
are the review's ``nom`` facts, not these.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass

_WORD = re.compile(r"[^\W\d_](?:[\w'’-]*\w)?", re.UNICODE)
_CONNECTORS = frozenset({"de", "du", "des", "d'", "d’", "la", "le", "les", "l'", "l’", "sur", "en"})
_ORDINARY_WORDS = """
    madame monsieur mesdames messieurs mademoiselle docteur professeur maître mme mlle mr m dr pr
    me je tu il elle on nous vous ils elles le la les un une des du de au aux ce cet cette ces
    mon ma mes ton ta tes son sa ses notre nos votre vos leur leurs en et ou où si pour par avec
    sans dans sur sous entre chez après avant depuis pendant selon vers merci bonjour bonsoir
    cordialement bien objet date lieu heure heures référence réf pièce pièces jointe jointes
    note nota remarque important attention rappel annexe total ps oui non
    lundi mardi mercredi jeudi vendredi samedi dimanche
    janvier février mars avril mai juin juillet août septembre octobre novembre décembre
    """
"""Words a letter capitalises without naming anything (titles, salutations, labels)."""


@dataclass(frozen=True)
class Name:
    text: str
    start: int
    end: int


def fold(text: str) -> str:
    """Lower case, accents and apostrophe forms dropped, spaces normalised."""
    text = unicodedata.normalize("NFKD", text.replace("’", "'").replace("\u2019", "'"))
    text = "".join(c for c in text if not unicodedata.combining(c)).lower()
    return " ".join(text.split())


ORDINARY = frozenset(fold(word) for word in _ORDINARY_WORDS.split())


def _capitalised(word: str) -> bool:
    return word[0].isupper() and len(word) > 1


def _sentence_start(text: str, start: int) -> bool:
    """Whether the word at ``start`` opens a sentence, a line or a list item."""
    before = text[:start].rstrip(' \t\u00a0\u202f«"“(')
    before = re.sub(r"(?:^|\n)\s*(?:[-–•*]|\d+[.)])\s*$", "\n", before)
    return not before or before[-1] in ".!?\n…"


_ELISION = re.compile(r"^(?:[ldjmnst]|qu|jusqu|lorsqu|puisqu)['’](?=\w)", re.IGNORECASE)


def _unelided(word: str, start: int, end: int) -> tuple[str, int, int]:
    """« l'ARS » is the name « ARS »; « d'Exemple », « Exemple »."""
    elided = _ELISION.match(word)
    if elided is None or not word[0].islower():
        return word, start, end
    return word[elided.end() :], start + elided.end(), end


def names_in(text: str) -> list[Name]:
    """Runs of capitalised words inside sentences (joined by « de », « la »…), each with its
    span; ordinary capitalised words (titles, labels, days) are not names."""
    words = [_unelided(m.group(), m.start(), m.end()) for m in _WORD.finditer(text)]
    names: list[Name] = []
    index = 0
    while index < len(words):
        word, start, _ = words[index]
        if not _capitalised(word) or fold(word) in ORDINARY or _sentence_start(text, start):
            index += 1
            continue
        last = index
        probe = index + 1
        while probe < len(words):
            between = text[words[probe - 1][2] : words[probe][1]]
            if between.strip(" '’-") or "\n" in between:
                break  # punctuation or a line ends the name
            candidate = words[probe][0]
            if _capitalised(candidate) and fold(candidate) not in ORDINARY:
                last = probe
            elif fold(candidate) not in _CONNECTORS:
                break
            probe += 1
        names.append(Name(text[start : words[last][2]], start, words[last][2]))
        index = last + 1
    return names


def unknown_names(draft: str, inputs: Iterable[str], known: Iterable[str] = ()) -> list[Name]:
    """The names of ``draft`` whose capitalised words appear in none of ``inputs`` nor in
    ``known`` (the task's instructions, the hospital's details: words the draft may use)."""
    words = _WORD.findall(fold("\n".join([*inputs, *known])))
    # « l'AFGSU » in the source is the name « AFGSU » in the draft, as names_in reads it
    vocabulary = set(words) | {_unelided(w, 0, len(w))[0] for w in words}
    flagged = []
    for name in names_in(draft):
        capitals = [w for w in _WORD.findall(name.text) if _capitalised(w)]
        if any(fold(w) not in vocabulary and fold(w) not in ORDINARY for w in capitals):
            flagged.append(name)
    return flagged
