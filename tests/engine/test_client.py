"""The real engine worker process with the real demo model through llama.cpp."""

import os
import signal
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from hospidesk.engine import protocol as p
from hospidesk.engine.catalog import load_catalog
from hospidesk.engine.client import EngineClient
from hospidesk.engine.protocol import GenerationOptions, Message
from hospidesk.engine.verify import VerifiedModel, open_model_file, open_verified, verify_file
from hospidesk.errors import Cancelled, EngineError
from hospidesk.paths import get_paths
from tests.conftest import TEST_SEED, Env

pytestmark = pytest.mark.model
MESSAGES = (
    Message("system", "Tu réponds en français."),
    Message("user", "Écris une phrase sur un hôpital."),
)


@pytest.fixture
def verified(hd_env: Env, demo_model: Path) -> VerifiedModel:
    return verify_file(demo_model, load_catalog(get_paths()))


@pytest.fixture
def engine(verified: VerifiedModel) -> Iterator[EngineClient]:
    client = EngineClient()
    client.load(open_verified(verified), n_ctx=1024, n_threads=2, n_gpu_layers=0)
    yield client
    client.close()


def test_streams_tokens_and_reports_statistics(engine: EngineClient) -> None:
    pieces = list(
        engine.generate(MESSAGES, GenerationOptions(12, seed=TEST_SEED, keep_writing=True))
    )
    assert len(pieces) >= 2
    assert "".join(pieces).strip()
    assert engine.last_done is not None
    assert engine.last_done.completion_tokens == engine.generated >= len(pieces)
    assert engine.last_done.prompt_tokens > 10


def test_same_seed_gives_the_same_text(engine: EngineClient) -> None:
    first = "".join(engine.generate(MESSAGES, GenerationOptions(12, seed=42)))
    second = "".join(engine.generate(MESSAGES, GenerationOptions(12, seed=42)))
    assert first == second


def test_cancel_stops_the_stream_and_the_worker_stays_usable(engine: EngineClient) -> None:
    received = []
    with pytest.raises(Cancelled):
        for piece in engine.generate(
            MESSAGES, GenerationOptions(2000, seed=TEST_SEED, keep_writing=True)
        ):
            received.append(piece)
            if len(received) == 3:
                engine.cancel()
    # A token or two may already be in flight when the cancel arrives, never a long tail.
    assert 3 <= len(received) <= 6
    assert "".join(
        engine.generate(MESSAGES, GenerationOptions(5, seed=TEST_SEED, keep_writing=True))
    )


def test_a_worker_crash_is_an_error_and_a_restart_works(
    engine: EngineClient, verified: VerifiedModel
) -> None:
    pid = engine.pid
    assert pid is not None
    with pytest.raises(EngineError, match="arrêté de façon inattendue"):
        for i, _ in enumerate(
            engine.generate(MESSAGES, GenerationOptions(2000, seed=TEST_SEED, keep_writing=True))
        ):
            if i == 2:
                os.kill(pid, signal.SIGKILL)
    assert not engine.running
    engine.load(open_verified(verified), n_ctx=1024, n_threads=2, n_gpu_layers=0)
    assert engine.pid != pid
    assert "".join(
        engine.generate(MESSAGES, GenerationOptions(5, seed=TEST_SEED, keep_writing=True))
    )


def test_llama_cpp_load_failure_is_reported_as_a_value(tmp_path: Path, hd_env: Env) -> None:
    """A truncated GGUF that somehow reached the worker fails cleanly, in the worker only."""
    from hospidesk.engine.catalog import ModelEntry

    broken = tmp_path / "broken.gguf"
    broken.write_bytes(b"GGUF" + b"\x03\x00\x00\x00" + b"\xff" * 64)
    entry = ModelEntry(
        id="broken",
        name="x",
        file="broken.gguf",
        sha256="0" * 64,
        size=72,
        licence="x",
        context_length=512,
        ram_mb=1,
    )
    model_file = open_model_file(broken)
    model_file.model = VerifiedModel(broken, entry)  # as if it had passed the check
    with EngineClient() as client, pytest.raises(EngineError, match="n'a pas pu être chargé"):
        client.load(model_file, n_ctx=512, n_threads=1, n_gpu_layers=0)


def test_a_count_is_answered_at_once_but_after_a_load_asked_before_it(
    hd_env: Env, demo_model: Path
) -> None:
    """Counts skip the queue (they only tokenize: a read-ahead goes on), except behind a load
    not done yet: the count is for the model loaded by then."""
    requests = [
        p.Count(1, MESSAGES),
        p.Load(str(demo_model), "0" * 64, n_ctx=512, n_threads=1, n_gpu_layers=0),
        p.Count(2, MESSAGES),
        p.Shutdown(),
    ]
    done = subprocess.run(
        [sys.executable, "-m", "hospidesk.engine.worker"],
        input="".join(map(p.encode, requests)),
        capture_output=True,
        text=True,
        timeout=120,
        check=True,
    )
    events = [p.decode(line) for line in done.stdout.splitlines()]
    assert [type(e).__name__ for e in events] == ["Ready", "Failed", "Loaded", "Counted"]
    assert events[1] == p.Failed("not_loaded", "Aucun modèle n'est chargé.", 1)
    assert isinstance(events[3], p.Counted) and events[3].req_id == 2 and events[3].tokens > 10
