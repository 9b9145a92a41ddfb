"""A long text cut where a reader would cut it, nothing lost, nothing repeated."""

from __future__ import annotations

from pathlib import Path

import pytest

from hospidesk.documents.split import split_text

ROOT = Path(__file__).resolve().parents[2]


def words(parts: list[str]) -> list[str]:
    return " ".join(parts).split()


def test_a_thread_is_cut_between_its_messages() -> None:
    text = (ROOT / "examples" / "fil-long.txt").read_text(encoding="utf-8")
    parts = split_text(text, 6000)
    assert len(parts) > 6
    assert all(len(part) <= 6000 for part in parts)
    assert all(part.startswith("De : ") for part in parts)  # every part opens a message
    assert words(parts) == text.split()  # nothing lost, nothing repeated


def test_quoted_history_and_several_documents_are_message_starts() -> None:
    first = "Bonjour,\n\nVoici ma réponse.\n" * 3
    quoted = "Le 2 juin 2026 à 09:15, Marc Petit a écrit :\n> Bonjour Claire.\n" * 3
    docs = "=== Document 2 : annexe.pdf ===\nTableau des effectifs.\n" * 3
    parts = split_text(first + quoted + docs, len(first) + 5)
    assert parts[0] == first.strip()
    assert parts[1].startswith("Le 2 juin 2026 à 09:15, Marc Petit a écrit :")
    assert any(part.startswith("=== Document 2 : annexe.pdf ===") for part in parts)
    assert words(parts) == (first + quoted + docs).split()


def test_without_messages_paragraphs_then_lines_then_sentences() -> None:
    paragraph = "Première phrase du paragraphe. Deuxième phrase, plus longue que la première."
    text = "\n\n".join([paragraph] * 6)
    parts = split_text(text, 2 * len(paragraph) + 4)  # two paragraphs and their blank line
    assert parts == ["\n\n".join([paragraph] * 2)] * 3
    sentences = split_text(paragraph, 40)
    assert sentences[0] == "Première phrase du paragraphe."
    assert all(len(s) <= 40 for s in sentences) and words(sentences) == paragraph.split()


def test_a_single_overlong_word_is_cut_anyway() -> None:
    text = "x" * 95
    parts = split_text(text, 40)
    assert "".join(parts) == text and all(len(p) <= 40 for p in parts)


def test_short_text_and_bad_size() -> None:
    assert split_text("  Court.  ", 100) == ["Court."]
    assert split_text("   ", 100) == []
    with pytest.raises(ValueError):
        split_text("texte", 0)
