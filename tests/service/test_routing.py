"""Drafts through a real OpenAI-compatible server: llama-cpp-python's server on 127.0.0.1
with the demo model, started as a subprocess, every request body it receives logged."""

from __future__ import annotations

import json
import threading
from collections.abc import Callable, Iterator
from http.server import BaseHTTPRequestHandler
from pathlib import Path

import docx
import pytest

from hospidesk.engine.client import EngineClient
from hospidesk.engine.remote import ServerError
from hospidesk.errors import Cancelled
from hospidesk.service.draft_events import DraftEvent, Text, Writing
from hospidesk.service.drafting import DraftRun, RunLimits, run_draft
from hospidesk.service.request import DraftRequest, prepare
from hospidesk.service.routing import Served
from hospidesk.service.workspace import Workspace
from tests import canary
from tests.cli.helpers import CONVOCATION_FIELDS
from tests.conftest import SAMPLES, TEST_SEED, Env, Result, draft_cli
from tests.documents.helpers import all_text, first_words
from tests.engine.servers import (
    FakeServer,
    LlamaServer,
    models_answer,
    server_policy,
    stream_answer,
)

pytestmark = [pytest.mark.model, pytest.mark.server]
COURRIER = SAMPLES / "courrier-brut.txt"


def canary_convocation(env: Env, *extra: str) -> Result:
    """A convocation through the server « chu »: the canary patient in the fields, the
    canary note (with a NIR) as the source."""
    fields = {**CONVOCATION_FIELDS, "patient": canary.NAME}
    return draft_cli(
        env,
        "secretariat/convocation",
        *("--server", "chu", *extra),
        source="-",
        fields=fields,
        stdin=canary.SOURCE,
    )


def audit_events(env: Env) -> list[dict[str, object]]:
    lines = (env.home / "data" / "audit.jsonl").read_text(encoding="utf-8").splitlines()
    return [json.loads(line) for line in lines]


@pytest.fixture(scope="module")
def server(demo_model: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[LlamaServer]:
    running = LlamaServer(demo_model, tmp_path_factory.mktemp("server") / "requests.jsonl")
    yield running
    running.stop()


def test_a_draft_through_the_server_is_the_same_kind_of_docx(
    hd_env: Env, server: LlamaServer, tmp_path: Path
) -> None:
    hd_env.write_policy(server_policy(server.url))
    out = tmp_path / "courrier.docx"
    result = draft_cli(
        hd_env,
        "secretariat/reformuler-courrier",
        *("--server", "chu"),
        source=COURRIER,
        out=out,
        max_tokens=48,
    )
    assert result.returncode == 0, result.stderr
    assert "Rédaction par le serveur « IA du CHU » (modèle smollm2-demo)" in result.stderr
    assert result.stdout.strip()
    paragraphs = [p.text for p in docx.Document(str(out)).paragraphs]
    assert "Objet : Votre demande" in paragraphs
    body = [p.text for p in docx.Document(str(out)).paragraphs if p.style.name == "Body Text"]
    assert len(body) >= 3
    first, text = first_words(result.stdout), all_text(out)
    assert len(first) == 3 and all(word in text for word in first), first
    run = next(e for e in audit_events(hd_env) if e["event"] == "task_run")
    assert run["details"] == {  # which backend and model served the task
        "pack_version": run["details"]["pack_version"],  # type: ignore[index]
        "backend": "serveur:chu",
        "model": "smollm2-demo",
    }
    assert any(e["event"] == "server_connected" for e in audit_events(hd_env))
    sent = [json.loads(b) for b in server.bodies() if b.startswith("{")]
    assert sent[-1]["messages"][0]["role"] == "system"  # instructions first: prompt cache


class Recorder:
    """What a face would be told: who writes, and the pieces of text."""

    def __init__(self) -> None:
        self.pieces: list[str] = []
        self.served: list[Served] = []
        self.on_piece: Callable[[int], object] = lambda count: None

    def __call__(self, event: DraftEvent) -> None:
        match event:
            case Writing(served=served):
                self.served.append(served)
            case Text(piece=piece):
                self.pieces.append(piece)
                self.on_piece(len(self.pieces))


def test_cancel_mid_stream_stops_and_the_server_stays_usable(
    hd_env: Env, server: LlamaServer
) -> None:
    hd_env.write_policy(server_policy(server.url))
    ws = Workspace.open()
    request = DraftRequest(
        "secretariat/reformuler-courrier", {}, COURRIER.read_text(encoding="utf-8"), server="chu"
    )
    prepared = prepare(ws, request)
    engine = EngineClient()
    events = Recorder()
    run = DraftRun(ws, engine, events)
    events.on_piece = lambda count: count == 4 and threading.Thread(target=run.cancel).start()
    with pytest.raises(Cancelled):
        run.run(prepared, RunLimits(max_tokens=400, seed=TEST_SEED, keep_writing=True))
    assert 4 <= len(events.pieces) < 40
    again = run_draft(ws, engine, prepared, limits=RunLimits(max_tokens=8, keep_writing=True))
    assert again.raw.strip()  # the server finished with the cancelled stream and answers again
    assert engine.pid is None  # the local engine was never started
    ws.close()


def test_server_down_mid_generation_keeps_the_text_then_falls_back(
    hd_env: Env, demo_model: Path, tmp_path: Path
) -> None:
    doomed = LlamaServer(demo_model, tmp_path / "requests.jsonl")
    hd_env.write_policy(server_policy(doomed.url, fallback=True))
    ws = Workspace.open()
    request = DraftRequest(
        "secretariat/reformuler-courrier", {}, COURRIER.read_text(encoding="utf-8"), server="chu"
    )
    prepared = prepare(ws, request)
    assert prepared.model is not None  # the local model the policy allows to fall back to
    engine = EngineClient()
    events = Recorder()
    events.on_piece = lambda count: count == 3 and doomed.kill()
    run = DraftRun(ws, engine, events)
    with pytest.raises(ServerError) as error:
        run.run(prepared, RunLimits(max_tokens=400, seed=TEST_SEED, keep_writing=True))
    assert "Le texte déjà reçu est conservé" in error.value.message
    assert "La prochaine génération utilisera le modèle de ce poste" in error.value.message
    assert "".join(events.pieces).strip()
    assert run.received == "".join(events.pieces)  # what the caller keeps
    assert events.served[-1].backend == "serveur:chu"

    retry = run_draft(ws, engine, prepared, limits=RunLimits(max_tokens=16, keep_writing=True))
    assert retry.raw.strip()
    assert retry.served.backend == "local"
    assert retry.served.notice and "modèle de ce poste" in retry.served.notice
    assert retry.body.strip()
    engine.close()
    ws.close()
    events_ = audit_events(hd_env)
    assert any(e["event"] == "server_fallback" for e in events_)
    run_record = [e for e in events_ if e["event"] == "task_run"][-1]
    assert run_record["details"]["backend"] == "local"  # type: ignore[index]


def test_no_fallback_when_the_policy_forbids_it(hd_env: Env, tmp_path: Path) -> None:
    # nothing listens on port 9
    hd_env.write_policy(server_policy("http://127.0.0.1:9/v1", fallback=False))
    result = draft_cli(
        hd_env, "secretariat/reformuler-courrier", "--server", "chu", source=COURRIER
    )
    assert result.returncode == 4
    assert "Serveur « IA du CHU » injoignable" in result.stderr
    assert "Traceback" not in result.stderr


def test_patient_identifiers_never_reach_the_server(hd_env: Env, server: LlamaServer) -> None:
    hd_env.write_policy(server_policy(server.url))
    before = len(server.bodies())
    result = canary_convocation(hd_env, "--max-tokens", "48")
    assert result.returncode == 0, result.stderr
    assert "remplacés par des pseudonymes" in result.stderr
    sent = server.bodies()[before:]
    assert any("[PERSONNE_1]" in body for body in sent)
    for body in sent:
        for needle in canary.NEEDLES:
            assert needle not in body


def test_the_draft_gets_the_identifiers_back(hd_env: Env, tmp_path: Path) -> None:
    """An echo server (it streams the request's text back, in small pieces) stands for a
    model that copies the placeholders: the tiny demo model may or may not copy them."""

    def echo(handler: BaseHTTPRequestHandler, request: dict[str, object]) -> None:
        if str(request["path"]).endswith("/models"):
            models_answer(handler, ["smollm2-demo"])
            return
        user = json.loads(str(request["body"]))["messages"][-1]["content"]
        stream_answer(handler, [user[i : i + 3] for i in range(0, len(user), 3)])

    server = FakeServer(echo)
    hd_env.write_policy(server_policy(server.url))
    out = tmp_path / "convocation.docx"
    result = canary_convocation(hd_env, "--out", str(out))
    server.close()
    assert result.returncode == 0, result.stderr
    sent = "".join(str(r["body"]) for r in server.requests)
    assert "[PERSONNE_1]" in sent and "[NIR_1]" in sent
    assert not any(needle in sent for needle in canary.NEEDLES)
    assert canary.NAME in result.stdout and canary.NIR in result.stdout
    assert "[PERSONNE_" not in result.stdout and "[NIR_" not in result.stdout
    assert canary.NIR in all_text(out)
