"""The drafting use cases, with a scripted engine for the extraction logic.

The real engine runs these paths end to end in tests/cli/ and tests/packs/; here a scripted
one makes the model's answer exact, to check what the service does with it.
"""

from __future__ import annotations

import json
import threading

import pytest

from hospidesk.errors import Cancelled, EngineError
from hospidesk.service.draft_events import (
    DraftEvent,
    Extracted,
    Extracting,
    Loaded,
    Loading,
    Progress,
    Text,
    Writing,
)
from hospidesk.service.drafting import (
    DraftRun,
    RunLimits,
    finish,
    read_extraction,
    run_draft,
)
from hospidesk.service.request import DraftRequest, FieldErrors, PreparedDraft
from hospidesk.service.request import prepare as prepare_draft
from hospidesk.service.workspace import Workspace
from tests.conftest import SAMPLES, Env
from tests.engine.fake import FakeEngine


def prepare(fields: dict[str, str] | None = None) -> tuple[Workspace, PreparedDraft]:
    ws = Workspace.open()
    request = DraftRequest(
        "medecins-cadres/compte-rendu",
        fields or {"instance": "CSIRMT"},
        source_files=(SAMPLES / "notes-reunion.txt",),
    )
    return ws, prepare_draft(ws, request)


def test_a_required_field_found_in_the_source_is_filled_and_shown(hd_env: Env) -> None:
    ws, prepared = prepare()  # date_reunion is required, left to extraction
    engine = FakeEngine(
        json.dumps(
            {
                "date_reunion": "05/05/2026",
                "presents": "M. Bernard, Mme Roux",
                "excuses": "Mme Petit",
                "instance": "ignored: typed by the user",
            }
        ),
        json.dumps({"resume": "Point certification", "decisions": [], "actions": []}),
    )
    result = run_draft(ws, engine, prepared)
    updated, extraction = result.prepared, result.extraction
    assert extraction.values == {
        "date_reunion": "05/05/2026",
        "presents": "M. Bernard, Mme Roux",
        "excuses": "Mme Petit",
    }
    assert updated.values["instance"] == "CSIRMT"
    schema = json.loads(str(engine.calls[0].options.json_schema))
    assert set(schema["required"]) == {"date_reunion", "presents", "excuses"}
    assert "05/05/2026" in updated.messages[1].content  # the draft uses the checked values
    assert engine.calls[1].messages == updated.messages


def test_an_invalid_value_is_set_aside_with_its_reason(hd_env: Env) -> None:
    _, prepared = prepare({"instance": "CSIRMT", "date_reunion": "05/05/2026"})
    answer = json.dumps({"presents": "x" * 700, "excuses": ""})
    _, extraction = read_extraction(prepared, answer)
    assert extraction.values == {}
    assert "Trop long" in extraction.rejected["presents"]


def test_a_required_value_absent_from_the_source_must_be_typed(hd_env: Env) -> None:
    ws, prepared = prepare()
    engine = FakeEngine('{"date_reunion": "", "presents": "", "excuses": ""}')
    with pytest.raises(FieldErrors, match="introuvable dans le texte source"):
        run_draft(ws, engine, prepared)
    assert len(engine.calls) == 1  # nothing written with a value missing


def test_a_cut_structured_answer_still_gives_every_section(hd_env: Env) -> None:
    ws, prepared = prepare({"instance": "CSIRMT", "date_reunion": "05/05/2026"})
    raw = '{"resume": "Point certification", "decisions": ["Autoéval'
    body = finish(ws, prepared, prepared.expected, raw)
    assert body.splitlines()[0] == "## Synthèse des échanges"
    assert "- Autoéval" in body
    assert "## Actions\n- Aucune." in body and "## Questions ouvertes\n- Aucune." in body


class Heard:
    def __init__(self) -> None:
        self.said: list[str] = []

    def __call__(self, event: DraftEvent) -> None:
        match event:
            case Writing(served=served, structured=structured):
                self.said.append(f"writing {served.backend} structured={structured}")
            case Loading() | Loaded() | Extracting() | Extracted() | Text() | Progress():
                self.said.append(type(event).__name__.lower())


def letter(ws: Workspace) -> PreparedDraft:
    request = DraftRequest("secretariat/reformuler-courrier", {}, source_text="Bonjour.")
    return prepare_draft(ws, request)


def test_one_run_loads_writes_and_says_who_wrote_it(hd_env: Env) -> None:
    ws = Workspace.open()
    engine = FakeEngine("Madame,\n\nVotre dossier est complet.")
    heard = Heard()
    result = run_draft(ws, engine, letter(ws), heard, RunLimits(max_tokens=100))
    assert heard.said[:3] == ["loading", "loaded", "writing local structured=False"]
    assert set(heard.said[3:]) == {"text", "progress"}
    assert result.body == "Madame,\n\nVotre dossier est complet."
    assert (result.served.backend, result.finish_reason) == ("local", "stop")
    assert result.tokens == engine.generated
    run_draft(ws, engine, letter(ws), heard)
    assert len(engine.loads) == 1  # the engine holds the model: not loaded twice
    events = [json.loads(line)["event"] for line in ws.audit.file.read_text().splitlines()]
    assert events.count("model_loaded") == 1 and events.count("task_run") == 2


def test_a_cut_text_says_so(hd_env: Env) -> None:
    ws = Workspace.open()
    result = run_draft(ws, FakeEngine("x" * 400, piece=4), letter(ws), limits=RunLimits(10))
    assert result.finish_reason == "length" and result.tokens == 10


def test_cancel_from_another_thread_stops_the_run(hd_env: Env) -> None:
    ws = Workspace.open()
    engine = FakeEngine("mot " * 400, delay=0.01)
    run = DraftRun(ws, engine)
    threading.Thread(target=lambda: engine.started.wait(5) and run.cancel()).start()
    with pytest.raises(Cancelled):
        run.run(letter(ws))
    assert 0 < len(run.received) < len("mot " * 400)  # what was written before the stop
    events = [json.loads(line)["event"] for line in ws.audit.file.read_text().splitlines()]
    assert "task_run" not in events  # a stopped draft is not a run


def test_a_failure_keeps_what_was_received(hd_env: Env) -> None:
    ws = Workspace.open()
    engine = FakeEngine("Madame, votre dossier est complet.")
    engine.fail = "Le moteur d'inférence s'est arrêté de façon inattendue (code -9)."
    run = DraftRun(ws, engine)
    with pytest.raises(EngineError, match="inattendue"):
        run.run(letter(ws))
    assert run.received == "Mada"  # the first piece, before the failure
