"""Task instructions processed once: reused on the next use, after a task switch and after a
restart; and what persists on disk holds the instructions only, never a field or the source."""

from __future__ import annotations

import struct
from array import array
from collections.abc import Iterator, Mapping
from pathlib import Path

import pytest

from hospidesk.engine.client import EngineClient
from hospidesk.engine.protocol import Done
from hospidesk.service.drafting import RunLimits, run_draft
from hospidesk.service.request import DraftRequest, prepare
from hospidesk.service.workspace import Workspace
from tests.canary import NAME, NIR, SOURCE, files_containing_canaries
from tests.conftest import TEST_SEED, Env

pytestmark = pytest.mark.model
LETTER = "secretariat/reformuler-courrier"
COMPLAINT = "qualite/reponse-reclamation"


@pytest.fixture
def workspace(hd_env: Env) -> Workspace:
    return Workspace.open()


@pytest.fixture
def engine() -> Iterator[EngineClient]:
    client = EngineClient()
    yield client
    client.close()


def run(
    ws: Workspace, engine: EngineClient, task: str, fields: Mapping[str, str], source: str
) -> Done:
    prepared = prepare(ws, DraftRequest(task, fields, source_text=source))
    run_draft(ws, engine, prepared, limits=RunLimits(max_tokens=4, seed=TEST_SEED))
    assert engine.last_done is not None
    return engine.last_done


SESSION_MAGIC = 0x6767736E
"""llama.cpp's session file: 'ggsn', its version, the tokens' count, the tokens, the state."""


def stored_tokens(file: Path) -> list[int]:
    blob = file.read_bytes()
    magic, _version, count = struct.unpack_from("<III", blob)
    assert magic == SESSION_MAGIC
    tokens = array("i")
    tokens.frombytes(blob[12 : 12 + 4 * count])
    return list(tokens)


def test_instructions_are_processed_once_and_only_they_persist(
    workspace: Workspace, engine: EngineClient, demo_model: Path
) -> None:
    cache = workspace.paths.prefix_cache_dir
    first = run(workspace, engine, LETTER, {"destinataire": f"Mme {NAME}\nNIR {NIR}"}, SOURCE)
    assert first.prefix == "new" and first.prefix_tokens >= 100
    assert first.prompt_tokens > first.prefix_tokens  # the user's part is not in the prefix
    (file,) = cache.rglob("*.kv")

    second = run(workspace, engine, LETTER, {"destinataire": "M. Autre"}, "Un autre courrier.")
    assert (second.prefix, second.prefix_tokens) == ("kv", first.prefix_tokens)
    assert list(cache.rglob("*.kv")) == [file]  # other inputs, same instructions: same file

    complaint = {"elements_enquete": f"Dossier de {NAME} revu.", "destinataire": NAME}
    switched = run(workspace, engine, COMPLAINT, complaint, SOURCE)
    assert switched.prefix == "new"
    back = run(workspace, engine, LETTER, {"destinataire": NAME}, SOURCE)
    assert back.prefix == "disk"  # not kept in the engine's memory: the page cache serves it

    engine.close()  # a restart: a new worker process
    restarted = run(workspace, engine, LETTER, {"destinataire": NAME}, SOURCE)
    assert restarted.prefix == "disk"

    # What persists: tokens of the instructions only, no field value, no source text.
    assert files_containing_canaries([cache], set()) == []
    from llama_cpp import Llama

    vocab = Llama(model_path=str(demo_model), vocab_only=True, verbose=False)
    task_texts = {
        LETTER: workspace.task(LETTER).task.instructions,
        COMPLAINT: workspace.task(COMPLAINT).task.instructions,
    }
    files = sorted(cache.rglob("*.kv"))
    assert len(files) == 2
    found = set()
    for path in files:
        text = vocab.detokenize(stored_tokens(path), special=True).decode("utf-8", "replace")
        for needle in ("CANARIVORE", "Canarivore", "108 123 47", "M. Autre", "Dossier de"):
            assert needle not in text, (path, needle)
        found.update(ref for ref, instructions in task_texts.items() if instructions[:60] in text)
    assert found == {LETTER, COMPLAINT}
