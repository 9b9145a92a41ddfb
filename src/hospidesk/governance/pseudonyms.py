"""Pseudonymisation of patient identifiers before a request leaves the workstation.

``protect`` replaces each identifier the privacy guard finds (NIR, IPP, dates of birth,
phone numbers, e-mail addresses, names typed in identity fields) and each name that follows
a civility (« Mme Durand », « M. Jean Petit ») by a placeholder such as ``[PERSONNE_1]``;
the same value always gets the same placeholder. ``Restorer`` puts the values back into the
streamed answer, even when a placeholder arrives split over several pieces. The table lives
in memory for one draft only; it is never written anywhere.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

from hospidesk.governance.privacy import IdentifierKind, find_identifiers

LABELS = {
    IdentifierKind.NIR: "NIR",
    IdentifierKind.IPP: "DOSSIER",
    IdentifierKind.BIRTH_DATE: "NAISSANCE",
    IdentifierKind.PHONE: "TELEPHONE",
    IdentifierKind.EMAIL: "EMAIL",
    IdentifierKind.NAME: "PERSONNE",
}
_TITLED = re.compile(
    r"\b(?:M\.|Mme|Mlle|Monsieur|Madame|Mademoiselle|Dr\.?|Docteur|Pr\.?|Professeur)\s+"
    r"((?:[A-ZÀ-ÖØ-Ý][\w'’-]+\s+){0,2}[A-ZÀ-ÖØ-Ý][\w'’-]+)"
)
_PLACEHOLDER = re.compile(r"\[(" + "|".join(LABELS.values()) + r")_(\d{1,4})\]", re.IGNORECASE)
_LONGEST = 24  # longer than any placeholder: text held back while one may be arriving


def _key(kind: str, value: str) -> tuple[str, str]:
    return kind, re.sub(r"\s+", " ", value).strip().casefold()


class Pseudonyms:
    """The placeholders of one draft, both ways."""

    def __init__(self, names: Iterable[str] = ()) -> None:
        words = [n.split() for n in names if n.strip()]
        # The whole name with any spacing, then each of its words alone (« CANARIVORE »).
        patterns = [r"\s+".join(map(re.escape, w)) for w in words]
        patterns += sorted({re.escape(part) for w in words for part in w if len(part) >= 3})
        self._names = [re.compile(rf"(?<!\w){p}(?!\w)", re.IGNORECASE) for p in patterns if p]
        self._placeholder: dict[tuple[str, str], str] = {}
        self._value: dict[str, str] = {}
        self._counts: dict[str, int] = {}

    def _placeholder_for(self, label: str, value: str) -> str:
        key = _key(label, value)
        if key not in self._placeholder:
            self._counts[label] = self._counts.get(label, 0) + 1
            placeholder = f"[{label}_{self._counts[label]}]"
            self._placeholder[key] = placeholder
            self._value[placeholder.upper()] = value
        return self._placeholder[key]

    def protect(self, text: str) -> str:
        spans = [(f.start, f.end, LABELS[f.kind]) for f in find_identifiers(text)]
        for pattern in self._names:
            spans += [(m.start(), m.end(), "PERSONNE") for m in pattern.finditer(text)]
        spans += [(m.start(1), m.end(1), "PERSONNE") for m in _TITLED.finditer(text)]
        out, last = [], 0
        for start, end, label in sorted(spans, key=lambda s: (s[0], -s[1])):
            if start < last:  # inside an identifier already replaced
                continue
            out.append(text[last:start])
            out.append(self._placeholder_for(label, text[start:end]))
            last = end
        out.append(text[last:])
        return "".join(out)

    @property
    def count(self) -> int:
        return len(self._value)

    def restore(self, text: str) -> str:
        return _PLACEHOLDER.sub(lambda m: self._value.get(m.group(0).upper(), m.group(0)), text)

    def restorer(self) -> Restorer:
        return Restorer(self)


class Restorer:
    """Restores a streamed answer piece by piece, holding back a possible partial placeholder."""

    def __init__(self, pseudonyms: Pseudonyms) -> None:
        self._pseudonyms = pseudonyms
        self._held = ""

    def feed(self, piece: str) -> str:
        text = self._held + piece
        cut = text.rfind("[")
        if cut != -1 and "]" not in text[cut:] and len(text) - cut < _LONGEST:
            text, self._held = text[:cut], text[cut:]
        else:
            self._held = ""
        return self._pseudonyms.restore(text)

    def flush(self) -> str:
        text, self._held = self._held, ""
        return self._pseudonyms.restore(text)
