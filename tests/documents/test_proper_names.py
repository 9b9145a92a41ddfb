"""Names of places and organisations inside sentences (documents/proper_names.py)."""

from __future__ import annotations

from hospidesk.documents.proper_names import names_in, unknown_names


def names(text: str) -> list[str]:
    return [name.text for name in names_in(text)]


def test_capitalised_runs_inside_a_sentence_are_names() -> None:
    assert names("Réunion avec le CHU de Rennes et l'ARS Bretagne, à l'hôpital d'Exemple.") == [
        "CHU de Rennes",
        "ARS Bretagne",
        "Exemple",
    ]


def test_the_first_word_of_a_sentence_a_line_or_an_item_is_not_a_name() -> None:
    assert names("Paris est loin. Lyon aussi.\nMarseille.\n- Nice\n« Rennes » encore") == []


def test_after_a_colon_a_capital_is_a_name_and_titles_are_ordinary() -> None:
    assert names("La région : France. Merci, Madame, Docteur Martin le lundi Février.") == [
        "France",
        "Martin",
    ]


def test_a_name_found_in_the_inputs_or_the_known_words_is_not_unknown() -> None:
    draft = "Au Centre Hospitalier de Sainte-Exemple, avec la Commission des usagers."
    assert unknown_names(draft, ["centre hospitalier de sainte-exemple"], ["Commission"]) == []
    flagged = [n.text for n in unknown_names(draft, ["Sainte-Exemple"])]
    assert flagged == ["Centre Hospitalier de Sainte-Exemple", "Commission"]


def test_a_name_after_an_elision_in_the_source_is_known_in_the_draft() -> None:
    """« l'AFGSU » in the source and « l'AFGSU » (or « AFGSU ») in the draft: the same name
    (a repaired line that copied the source was flagged as inventing it)."""
    source = "Formation : 97 agents formés, dont 35 à l'AFGSU ; réunion avec l'ARS."
    assert unknown_names("Dont 35 à l'AFGSU, puis l'ARS et AFGSU.", [source]) == []
    assert [n.text for n in unknown_names("Réunion avec la DGOS.", [source])] == ["DGOS"]
