"""The facts of a text, each with its kind and span: what the review compares."""

import itertools
from pathlib import Path

import pytest

from hospidesk.documents.facts import _PATTERNS, FactKind, find_facts


def test_facts_are_found_with_their_kind() -> None:
    kinds = {
        (f.kind, f.text)
        for f in find_facts(
            "Le 17 mars 2026 à 9h30, Mme Roux a payé 420 €, soit 12 % de plus ; appeler le "
            "01 45 67 89 10."
        )
    }
    assert (FactKind.DATE, "17 mars 2026") in kinds
    assert (FactKind.HEURE, "9h30") in kinds
    assert (FactKind.NOM, "Mme Roux") in kinds
    assert (FactKind.MONTANT, "420 €") in kinds
    assert (FactKind.TELEPHONE, "01 45 67 89 10") in kinds


def test_a_match_is_kept_unless_it_overlaps_one_kept_before_on_a_long_thread() -> None:
    """The facts of a 40,000-character thread are those of the plain rule (each pattern in
    turn, a match kept unless it overlaps one already kept), found without comparing each
    match with every fact kept."""
    text = (Path(__file__).parents[2] / "examples" / "fil-long.txt").read_text(encoding="utf-8")
    kept: list[tuple[str, int, int]] = []
    for kind, pattern in _PATTERNS:
        for match in pattern.finditer(text):
            start, end = match.span()
            if not match.group().strip() or any(s < end and start < e for _, s, e in kept):
                continue
            kept.append((kind, start, start + len(match.group().rstrip())))
    found = find_facts(text)
    assert len(found) > 500
    assert [(f.kind.value, f.start, f.end) for f in found] == sorted(kept, key=lambda k: k[1])
    assert all(a.end <= b.start for a, b in itertools.pairwise(found))


@pytest.mark.parametrize(
    ("text", "kind", "fact"),
    [
        ("votre commande CDE-2026-1184 est partie", "référence", "CDE-2026-1184"),
        ("rappelez la ref 2026-0412 svp", "référence", "2026-0412"),
        ("écrire à admissions@ch-exemple.fr avant midi", "courriel", "admissions@ch-exemple.fr"),
        ("au 4 rue des Tilleuls, 99000 Sainte-Exemple, ou", "adresse",
         "4 rue des Tilleuls, 99000 Sainte-Exemple"),
        ("livraison de 24 matelas à air", "quantité", "24 matelas"),
        ("renfort de 3 postes IDE cet hiver", "quantité", "3 postes"),
        ("le total est de 356 ETP", "quantité", "356 ETP"),
        ("la pharmacie au poste 4517 la nuit", "téléphone", "poste 4517"),
        ("remplacée par Coralie Vasseur dès lundi", "personne", "Coralie Vasseur"),
        ("rendez-vous à 10 heures 30 au bureau", "heure", "10 heures 30"),
    ],
)  # fmt: skip
def test_more_kinds_of_facts_are_found(text: str, kind: str, fact: str) -> None:
    assert (kind, fact) in {(f.kind.value, f.text) for f in find_facts(text)}


def test_ordinary_capitalised_words_and_years_are_not_people_or_counts() -> None:
    found = {(f.kind.value, f.text) for f in find_facts("Bonjour Madame, en 2027 recto verso.")}
    assert not any(kind in ("personne", "quantité") for kind, _ in found)
