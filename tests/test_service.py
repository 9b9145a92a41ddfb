"""The drafting use cases, with a scripted engine for the extraction logic.

The real engine runs these paths end to end in test_cli.py and test_shipped_tasks.py; here a
scripted one makes the model's answer exact, to check what the service does with it.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

import pytest

from hospidesk.engine.protocol import Loaded, Message, Ready
from hospidesk.service import DraftRequest, FieldErrors, Workspace
from tests.conftest import SAMPLES, Env


@dataclass
class ScriptedEngine:
    answer: str
    calls: list[dict[str, object]] = field(default_factory=list)
    loaded: Loaded | None = None

    def start(self) -> Ready:
        return Ready("test", False, "")

    def load(
        self,
        model: object,
        n_ctx: int,
        n_threads: int,
        n_gpu_layers: int,
        cache_dir: Path | None = None,
    ) -> Loaded:
        self.loaded = Loaded(model.entry.sha256, n_ctx, n_threads, n_gpu_layers, 0.0)  # type: ignore[attr-defined]
        return self.loaded

    def generate(
        self,
        messages: tuple[Message, ...],
        max_tokens: int,
        temperature: float = 0.3,
        seed: int | None = None,
        json_schema: str | None = None,
    ) -> Iterator[str]:
        self.calls.append({"messages": messages, "schema": json_schema})
        yield self.answer


def prepare(fields: dict[str, str] | None = None):  # type: ignore[no-untyped-def]
    ws = Workspace.open()
    request = DraftRequest(
        "medecins-cadres/compte-rendu",
        fields or {"instance": "CSIRMT"},
        source_file=SAMPLES / "notes-reunion.txt",
    )
    return ws, ws.prepare(request)


def test_a_required_field_found_in_the_source_is_filled_and_shown(hd_env: Env) -> None:
    ws, prepared = prepare()  # date_reunion is required, left to extraction
    engine = ScriptedEngine(
        json.dumps(
            {
                "date_reunion": "05/05/2026",
                "presents": "M. Bernard, Mme Roux",
                "excuses": "Mme Petit",
                "instance": "ignored: typed by the user",
            }
        )
    )
    updated, extraction = ws.extract(prepared, engine)  # type: ignore[arg-type]
    assert extraction.values == {
        "date_reunion": "05/05/2026",
        "presents": "M. Bernard, Mme Roux",
        "excuses": "Mme Petit",
    }
    assert updated.values["instance"] == "CSIRMT"
    schema = json.loads(str(engine.calls[0]["schema"]))
    assert set(schema["required"]) == {"date_reunion", "presents", "excuses"}
    assert "05/05/2026" in updated.messages[1].content  # the draft uses the checked values


def test_an_invalid_value_is_set_aside_with_its_reason(hd_env: Env) -> None:
    ws, prepared = prepare({"instance": "CSIRMT", "date_reunion": "05/05/2026"})
    engine = ScriptedEngine(json.dumps({"presents": "x" * 700, "excuses": ""}))
    _, extraction = ws.extract(prepared, engine)  # type: ignore[arg-type]
    assert extraction.values == {}
    assert "Trop long" in extraction.rejected["presents"]


def test_a_required_value_absent_from_the_source_must_be_typed(hd_env: Env) -> None:
    ws, prepared = prepare()
    engine = ScriptedEngine('{"date_reunion": "", "presents": "", "excuses": ""}')
    with pytest.raises(FieldErrors, match="introuvable dans le texte source"):
        ws.extract(prepared, engine)  # type: ignore[arg-type]


def test_a_cut_structured_answer_still_gives_every_section(hd_env: Env) -> None:
    ws, prepared = prepare({"instance": "CSIRMT", "date_reunion": "05/05/2026"})
    body = ws.finish(prepared, '{"resume": "Point certification", "decisions": ["Autoéval')
    assert body.splitlines()[0] == "## Synthèse des échanges"
    assert "- Autoéval" in body
    assert "## Actions\n- Aucune." in body and "## Questions ouvertes\n- Aucune." in body
