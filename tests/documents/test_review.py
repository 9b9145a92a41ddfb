from hospidesk.documents.review import FactKind, find_facts, unsupported_facts, word_diff

SOURCE = (
    "Bonjour madame, il manque la copie de votre piece d'identite. Le delai c'est 8 jours "
    "apres reception (2 mois si le dossier a plus de 5 ans). Rendez-vous le 17/03/2026 à 9h30 "
    "avec le Dr Lefèvre, facture de 420 euros, tél 01 45 67 89 10."
)


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
    assert flagged == {"18/03/2026", "10h00", "Dr Martin", "15", "530 euros"}


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
