from pathlib import Path

import pytest

from hospidesk.documents.review import omitted_facts, unsupported_facts, word_diff

SOURCE = (
    "Bonjour madame, il manque la copie de votre piece d'identite. Le delai c'est 8 jours "
    "apres reception (2 mois si le dossier a plus de 5 ans). Rendez-vous le 17/03/2026 à 9h30 "
    "avec le Dr Lefèvre, facture de 420 euros, tél 01 45 67 89 10."
)


def test_facts_from_the_inputs_are_not_flagged() -> None:
    draft = (
        "Nous vous confirmons un délai de 8 jours (2 mois pour un dossier de plus de 5 ans). "
        "Votre rendez-vous est fixé au 17/03/2026 à 9 h 30 avec le Dr Lefèvre. Le montant de "
        "420 € vous sera remboursé. Contact : 01.45.67.89.10."
    )
    assert unsupported_facts(draft, [SOURCE]) == []


def test_invented_facts_are_flagged() -> None:
    draft = (
        "Votre rendez-vous est fixé au 18/03/2026 à 10h00 avec le Dr Martin. "
        "Un délai de 15 jours s'applique ; 530 euros vous seront remboursés."
    )
    flagged = {f.text for f in unsupported_facts(draft, [SOURCE])}
    assert flagged == {"18/03/2026", "10h00", "Dr Martin", "15 jours", "530 euros"}


def test_a_date_with_another_year_is_flagged() -> None:
    assert [f.text for f in unsupported_facts("Le 17/03/2027.", [SOURCE])] == ["17/03/2027"]
    assert unsupported_facts("Le 17.3.2026 et le 17/03/26.", [SOURCE]) == []


def test_field_values_count_as_inputs() -> None:
    assert unsupported_facts("Avec Mme Josiane Marchand.", ["Josiane MARCHAND"]) == []


def test_word_diff_marks_changed_words() -> None:
    ops = word_diff("on a bien recu votre demande", "nous avons bien reçu votre demande")
    changed = [(o.old, o.new) for o in ops if o.kind != "equal"]
    assert ("on", "nous") in changed and ("a", "avons") in changed
    assert ("recu", "reçu") in changed
    assert "".join(o.new for o in ops) == "nous avons bien reçu votre demande"
    assert "".join(o.old for o in ops) == "on a bien recu votre demande"


SAMPLES_DIR = Path(__file__).resolve().parents[2] / "examples"
PAYMENT = (SAMPLES_DIR / "relance-paiement.txt").read_text(encoding="utf-8")
DROPPED = (
    "Madame, Monsieur,\n\nLa facture n° 2026-0412 du séjour de M. Bernard du 3 au 7 novembre "
    "2026, d'un montant de 312,40 €, n'est pas réglée à ce jour. Nous vous remercions de la "
    "régler rapidement. Renseignements au 04 72 11 22 33.\n"
)
FAITHFUL = (
    "Madame, Monsieur,\n\nLa facture n° 2026-0412 (séjour de M. Bernard, 3 au 7 novembre "
    "2026), d'un montant de 312.40 euros, reste due. Merci de la régler avant le 15/12/2026 "
    "par chèque ou à la caisse, du lundi au vendredi de 8 h 30 à 16 h 30. "
    "Renseignements : 04.72.11.22.33.\n"
)


def test_a_reformulation_that_drops_the_deadline_and_hours_is_caught() -> None:
    omitted = [(f.kind.value, f.text) for f in omitted_facts(PAYMENT, DROPPED)]
    assert omitted == [
        ("date", "15 décembre"),
        ("jours", "lundi-vendredi"),
        ("heure", "8h30"),
        ("heure", "16h30"),
    ]


def test_the_same_facts_in_other_words_are_not_reported() -> None:
    assert omitted_facts(PAYMENT, FAITHFUL) == []
    assert unsupported_facts(FAITHFUL, [PAYMENT]) == []


@pytest.mark.parametrize(
    ("source", "draft"),
    [
        ("avant le 15 décembre 2026", "avant le 15/12/2026"),
        ("le 1er mars", "le 01/03"),
        ("à 8h30", "à 08:30"),
        ("à 9 h", "à 9h00"),
        ("1 250,00 €", "1250 euros"),
        ("sous huit jours", "sous 8 jours"),
        ("du lundi au vendredi", "lundi-vendredi"),
        ("dossier 2026-114", "dossier n° 2026-114"),
        ("au 01 45 67 89 10", "au 01.45.67.89.10"),
        ("Mme Josiane Marchand", "Mme Marchand"),
    ],
)
def test_normalised_forms_are_the_same_fact(source: str, draft: str) -> None:
    assert omitted_facts(source, draft) == [], (source, draft)


def test_a_different_value_is_still_reported() -> None:
    assert [f.text for f in omitted_facts("avant le 15 décembre", "avant le 16/12")] == [
        "15 décembre"
    ]
    assert [f.text for f in omitted_facts("sous 8 jours", "sous 15 jours")] == ["sous 8 jours"]
    assert [f.text for f in omitted_facts("312,40 €", "312 €")] == ["312,40 €"]


def test_a_changed_value_is_not_hidden_inside_a_longer_one() -> None:
    omitted = omitted_facts("1/12 à 8h, 12 €, Mme Dupont", "11/12 à 18h, 312 €, Mme Dupontel")
    assert [f.text for f in omitted] == ["1/12", "8h", "12 €", "Mme Dupont"]


def test_an_examples_facts_are_checked_by_value_or_by_their_words() -> None:
    from hospidesk.documents.review import missing_expected

    expected = ["18 decembre 2026", "312,40 €", "F-26-1187", "salle du conseil", "M. Roger Dumas"]
    draft = (
        "Le dossier de M. Roger Dumas partira le 18/12/2026. La facture F-26-1187 "
        "(312,40 euros) reste due."
    )
    missing = [f.text for f in missing_expected(expected, draft)]
    assert missing == ["salle du conseil"]
    assert not missing_expected(["salle du conseil"], "Réunion en Salle du Conseil.")
    assert not missing_expected(["3 decembre"], "Votre appel du 3 décembre.")  # accents aside
    assert [f.text for f in missing_expected(["14h30"], "Rendez-vous à 15h30.")] == ["14h30"]
    assert not missing_expected(["Mme Leroy"], "Madame,", fields=["Mme Leroy\n12 rue"])


def test_a_number_is_compared_whole_not_inside_another() -> None:
    source = "Appelez le 01 23 45 67 89 ou le 18 à 8h30."
    flagged = {f.text for f in unsupported_facts("Clientes : 456. Défauts : 8.", [source])}
    assert flagged == {"456", "8"}
    assert unsupported_facts("Appelez le 18, à 8 heures 30.", [source]) == []


def test_an_item_number_is_not_an_invented_fact() -> None:
    assert unsupported_facts("Points :\n1. Le budget.\n2) Les travaux.", ["budget"]) == []


def test_a_place_or_an_organisation_in_no_input_is_flagged() -> None:
    source = "Réunion au Centre hospitalier de Sainte-Exemple avec l'ARS."
    draft = (
        "La réunion au Centre hospitalier de Sainte-Exemple, avec l'ARS Bretagne et le CHU "
        "de Rennes."
    )
    flagged = [(f.kind.value, f.text) for f in unsupported_facts(draft, [source])]
    assert flagged == [
        ("lieu ou organisme", "ARS Bretagne"),
        ("lieu ou organisme", "CHU de Rennes"),
    ]
    assert unsupported_facts("Bretagne. Rennes est loin.", [source], known=["Bretagne"]) == []


def test_the_paragraph_to_place_is_not_the_draft() -> None:
    from hospidesk.documents.review import without_pending

    body = "Merci de régler la facture.\n\nÀ intégrer (informations) : « 15 décembre »"
    assert without_pending(body) == "Merci de régler la facture."
    assert without_pending("À intégrer : pas un titre de paragraphe") == (
        "À intégrer : pas un titre de paragraphe"
    )
