"""Sources longer than the model's context: a summarising task reads them part by part, the
others refuse them with their length in words and pages. A scripted engine (a token per three
characters, the context set in the settings) makes the parts exact; the real model reads a
40,000-character thread in tests/cli/test_long_source.py."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from hospidesk.errors import UsageError
from hospidesk.packs.model import LONG_SOURCE_MAX_CHARS
from hospidesk.service.draft_events import DraftEvent, PartRead
from hospidesk.service.drafting import RunLimits, run_draft
from hospidesk.service.request import DraftRequest, prepare
from hospidesk.service.review import review
from hospidesk.service.workspace import Workspace
from tests.conftest import Env
from tests.engine.fake import FakeEngine

ROOT = Path(__file__).resolve().parents[2]
THREAD = (ROOT / "examples" / "fil-long.txt").read_text(encoding="utf-8")
FIL = "medecins-cadres/synthese-fil"
LETTER = "secretariat/reformuler-courrier"
SUMMARY = json.dumps(
    {"resume": "Le bloc s'organise pour l'été.", "decisions": ["Salle 7 fermée."], "actions": []},
    ensure_ascii=False,
)
FIELDS = {"expediteur": "Karim Haddad", "date_message": "06/06/2026", "objet": "Bloc"}


class Parts:
    def __init__(self) -> None:
        self.seen: list[tuple[int, int]] = []

    def __call__(self, event: DraftEvent) -> None:
        if isinstance(event, PartRead):
            self.seen.append((event.done, event.total))


def workspace(context: int) -> Workspace:
    ws = Workspace.open()
    ws.settings.set("moteur.contexte", str(context))
    ws.settings.save()
    return Workspace.open()


def test_a_long_thread_is_summarised_part_by_part_then_merged(hd_env: Env) -> None:
    ws = workspace(2048)
    prepared = prepare(ws, DraftRequest(FIL, FIELDS, source_text=THREAD))
    engine = FakeEngine(SUMMARY)
    events = Parts()
    result = run_draft(ws, engine, prepared, events, RunLimits(max_tokens=200))
    *parts, final = engine.calls
    assert len(parts) > 1
    # every part: the task's own instructions and grammar, a piece of the thread, in order
    system = prepared.messages[0]
    assert all(call.messages[0] == system for call in engine.calls)
    assert all(call.options.json_schema == final.options.json_schema for call in parts)
    assert final.options.json_schema is not None
    pieces = [call.messages[1].content for call in parts]
    assert "Partie 1 sur" in pieces[0] and "De : Karim Haddad" in pieces[0]
    assert THREAD.split("\n")[-2] in pieces[-1]  # the oldest message is in the last part
    # each part and the merge fit the context (the fake counts a token per 3 characters)
    for call in engine.calls:
        assert engine.count(call.messages) + call.options.max_tokens <= 2048
    # the merge reads the parts' summaries, not the thread
    merged = final.messages[1].content
    assert "Partie 1/" in merged and "Le bloc s'organise pour l'été." in merged
    assert "De : Karim Haddad" not in merged
    assert events.seen[0] == (0, len(parts)) and events.seen[-1] == (len(parts), len(parts))
    assert "Salle 7 fermée." in result.body
    assert result.prepared.source == THREAD  # the review and the audit see the whole source
    assert result.parts == len(parts)
    # a summary of 40,000 characters cannot carry every date: omissions are not listed then
    listed = review(prepared.task, THREAD, result.body, FIELDS)
    assert len(listed.omitted) > 20
    assert review(prepared.task, THREAD, result.body, FIELDS, by_parts=True).omitted == ()


def test_a_source_that_fits_is_read_in_one_prompt(hd_env: Env) -> None:
    ws = workspace(16384)
    prepared = prepare(ws, DraftRequest(FIL, FIELDS, source_text=THREAD[:6000]))
    engine = FakeEngine(SUMMARY)
    result = run_draft(ws, engine, prepared, limits=RunLimits(max_tokens=200))
    drafts = [c for c in engine.calls if c.options.grammar is None]  # not the check of facts
    assert len(drafts) == 1 and result.parts == 0


def test_a_task_that_does_not_summarise_refuses_with_words_and_pages(hd_env: Env) -> None:
    ws = workspace(2048)
    text = THREAD[:4500]  # within the optimistic estimate, beyond the model's own count
    prepared = prepare(ws, DraftRequest(LETTER, {"destinataire": "M. Petit"}, source_text=text))
    with pytest.raises(UsageError) as caught:
        run_draft(ws, FakeEngine("x"), prepared, limits=RunLimits(max_tokens=200))
    message = caught.value.message
    assert message.startswith("Texte source trop long : environ ")
    assert "mots (" in message and "pages)" in message and "le modèle en accepte" in message
    assert "caractères" not in message


def test_far_too_long_is_refused_before_the_model_loads(hd_env: Env) -> None:
    ws = workspace(4096)
    with pytest.raises(UsageError) as caught:
        prepare(ws, DraftRequest(LETTER, {"destinataire": "M. Petit"}, source_text=THREAD))
    assert "le modèle en accepte environ" in caught.value.message
    with pytest.raises(UsageError) as ceiling:
        prepare(
            ws, DraftRequest(FIL, FIELDS, source_text="mot " * (LONG_SOURCE_MAX_CHARS // 4 + 1))
        )
    assert "cette tâche en accepte environ 100\u202f000 mots" in ceiling.value.message


def test_a_limit_longer_than_the_context_is_cut_there_not_refused(hd_env: Env) -> None:
    ws = workspace(4096)
    prepared = prepare(
        ws, DraftRequest(LETTER, {"destinataire": "M. Petit"}, source_text="Bonjour. " * 40)
    )
    engine = FakeEngine("Madame, votre demande est reçue.")
    run_draft(ws, engine, prepared, limits=RunLimits(max_tokens=4000))
    assert len(engine.calls) == 1 and engine.calls[0].options.max_tokens == 4000
