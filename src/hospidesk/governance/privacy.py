"""The privacy guard: patient identifiers in the fields and the source text.

It finds NIR (numéro de sécurité sociale, with its key checked), IPP and file numbers, dates
of birth, phone numbers, e-mail addresses and the names typed in identity fields. The text
stays on the workstation anyway; the guard tells the user what it contains, and the rest of
the app makes sure none of it reaches logs, the audit trail, crash reports or temporary files.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from enum import StrEnum


class IdentifierKind(StrEnum):
    NIR = "NIR"
    IPP = "IPP / n° de dossier"
    BIRTH_DATE = "date de naissance"
    PHONE = "téléphone"
    EMAIL = "adresse e-mail"
    NAME = "nom du patient"


@dataclass(frozen=True)
class Finding:
    kind: IdentifierKind
    start: int
    end: int
    detail: str = ""


_NIR = re.compile(
    r"(?<![\dA-Za-z])([1-478])\s?(\d{2})\s?(0[1-9]|1[0-2]|[2-9]\d)\s?(\d{2}|2[AaBb])\s?"
    r"(\d{3})\s?(\d{3})(?:\s?(\d{2}))?(?![\dA-Za-z])"
)
_IPP = re.compile(
    r"\b(?:IPP|NIP|n°\s*(?:de\s+)?dossier|dossier\s+n°)\s*:?\s*[A-Z]?\d{5,12}\b", re.IGNORECASE
)
_BIRTH = re.compile(
    r"\b(?:né|née|né\(e\)|date\s+de\s+naissance|DDN)\s*(?:le|:)?\s*"
    r"(\d{1,2}[/.-]\d{1,2}[/.-]\d{2,4}|\d{1,2}\s+\w+\s+\d{4})",
    re.IGNORECASE,
)
_PHONE = re.compile(r"(?<!\d)(?:\+33\s?|0)[1-9](?:[\s.-]?\d{2}){4}(?!\d)")
_EMAIL = re.compile(r"\b[\w.+-]+@[\w-]+(?:\.[\w-]+)+\b")


def nir_key_valid(digits13: str, key: str) -> bool:
    """The NIR key: 97 minus the number modulo 97 (Corsica: 2A -> 19, 2B -> 18)."""
    number = digits13.upper().replace("2A", "19").replace("2B", "18")
    return int(key) == 97 - int(number) % 97


def find_identifiers(text: str, names: Iterable[str] = ()) -> list[Finding]:
    findings: list[Finding] = []
    for match in _NIR.finditer(text):
        body = "".join(match.groups()[:6])
        key = match.group(7)
        valid = key is not None and nir_key_valid(body, key)
        findings.append(
            Finding(
                IdentifierKind.NIR,
                *match.span(),
                "clé valide" if valid else "clé absente ou invalide",
            )
        )
    for pattern, kind in (
        (_IPP, IdentifierKind.IPP),
        (_BIRTH, IdentifierKind.BIRTH_DATE),
        (_PHONE, IdentifierKind.PHONE),
        (_EMAIL, IdentifierKind.EMAIL),
    ):
        findings += [Finding(kind, *m.span()) for m in pattern.finditer(text)]
    lowered = text.casefold()
    for name in {n.strip() for n in names if len(n.strip()) >= 3}:
        start = lowered.find(name.casefold())
        while start != -1:
            findings.append(Finding(IdentifierKind.NAME, start, start + len(name)))
            start = lowered.find(name.casefold(), start + 1)
    taken: list[Finding] = []
    for finding in sorted(findings, key=lambda f: (f.start, -f.end)):
        if not any(t.start <= finding.start < t.end for t in taken):
            taken.append(finding)
    return taken


def summary(findings: Iterable[Finding]) -> str:
    """« NIR (1), téléphone (2) » — what the text contains, never the values."""
    counts: dict[str, int] = {}
    for finding in findings:
        counts[finding.kind.value] = counts.get(finding.kind.value, 0) + 1
    return ", ".join(f"{kind} ({count})" for kind, count in counts.items())


def redact(text: str, names: Iterable[str] = ()) -> str:
    """``text`` with every identifier replaced by its kind, for anything that must be logged."""
    out, last = [], 0
    for finding in find_identifiers(text, names):
        out.append(text[last : finding.start])
        out.append(f"[{finding.kind.value}]")
        last = finding.end
    out.append(text[last:])
    return "".join(out)


def inputs_summary(fields: Iterable[tuple[str, bool]], source: str | None) -> str:
    """What a task's inputs hold: ``fields`` are (value, is an identity field) pairs."""
    pairs = list(fields)
    names = [value for value, identity in pairs if identity]
    texts = [value for value, _ in pairs] + [source or ""]
    return summary(f for text in texts for f in find_identifiers(text, names))
