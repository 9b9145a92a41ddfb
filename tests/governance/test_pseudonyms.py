"""Identifiers replaced before a request leaves, put back as the answer streams in."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from hospidesk.governance.pseudonyms import Pseudonyms
from tests import canary

TEXT = (
    f"Mme {canary.NAME}, NIR {canary.NIR}, tél. 06 12 34 56 78, hortense@example.fr. "
    "Revoir M. Jean Petit le 3 mars. IPP 12345678."
)


def test_every_identifier_is_replaced_and_comes_back() -> None:
    names = Pseudonyms(["Hortense CANARIVORE"])
    protected = names.protect(TEXT)
    for needle in (*canary.NEEDLES, "06 12 34 56 78", "hortense@example.fr", "Jean Petit"):
        assert needle not in protected
    assert "12345678" not in protected
    assert "[PERSONNE_1]" in protected and "[NIR_1]" in protected
    assert names.restore(protected) == TEXT


def test_the_same_value_gets_the_same_placeholder() -> None:
    names = Pseudonyms(["Hortense CANARIVORE"])
    first = names.protect(f"Mme {canary.NAME} est venue.")
    second = names.protect(f"Rappeler Hortense  canarivore demain ; Mme {canary.NAME}.")
    assert first == "Mme [PERSONNE_1] est venue."
    assert second == "Rappeler [PERSONNE_1] demain ; Mme [PERSONNE_1]."
    assert names.count == 1


def test_text_without_identifiers_is_unchanged() -> None:
    names = Pseudonyms()
    text = "Réunion de service le 12 mars à 14 h, salle B. Ordre du jour : planning."
    assert names.protect(text) == text
    assert names.count == 0


def test_unknown_or_altered_placeholders_are_left_as_the_model_wrote_them() -> None:
    names = Pseudonyms(["Hortense CANARIVORE"])
    names.protect(f"Mme {canary.NAME}")
    assert names.restore("[personne_1] et [PERSONNE_9] [NOTE_1]") == (
        f"{canary.NAME} et [PERSONNE_9] [NOTE_1]"
    )


@given(st.lists(st.integers(min_value=1, max_value=7), min_size=1, max_size=80))
def test_a_streamed_answer_is_restored_whatever_the_pieces(sizes: list[int]) -> None:
    names = Pseudonyms(["Hortense CANARIVORE"])
    answer = names.protect(TEXT) + " [Fin] [ sans fermeture"
    pieces, position = [], 0
    for size in sizes:
        if position >= len(answer):
            break
        pieces.append(answer[position : position + size])
        position += size
    pieces.append(answer[position:])
    restorer = names.restorer()
    out = "".join(restorer.feed(p) for p in pieces) + restorer.flush()
    assert out == TEXT + " [Fin] [ sans fermeture"
