"""The approved model is the one that runs, tried as a curious user would (docs/security.md).

The user copies the embedded model into their own models folder, changes one byte, and writes
an entry for it in the hash cache with its exact identity and the approved hash. Then they
draft, and swap files while HospiDesk loads.
"""

from __future__ import annotations

import hashlib
import json
import os
import re
import shutil
import subprocess
from collections.abc import Callable
from pathlib import Path

import pytest

from hospidesk.engine.client import EngineClient
from hospidesk.engine.protocol import GenerationOptions, Message
from hospidesk.engine.verify import OpenModel
from hospidesk.paths import get_paths
from hospidesk.service.backends import ensure_loaded, usable_model
from hospidesk.service.workspace import Workspace
from tests.conftest import DEMO_SHA256, HOSPIDESK, TEST_SEED, Env, run_cli
from tests.engine.test_verify import altered_copy, flip_byte

pytestmark = pytest.mark.model
SOURCE = "Bonjour, merci de confirmer le rendez-vous de mardi. Cordialement."


def strace_draft(
    env: Env, tmp_path: Path, *extra: str
) -> tuple[subprocess.CompletedProcess[str], str]:
    strace = shutil.which("strace")
    if strace is None:
        pytest.skip("strace is not installed (.ci/run installs it)")
    log = tmp_path / "strace.log"
    source = tmp_path / "courrier.txt"
    source.write_text(SOURCE, encoding="utf-8")
    proc = subprocess.run(
        [
            *(strace, "-f", "-e", "trace=open,openat,execve", "-o", str(log)),
            *HOSPIDESK,
            *("draft", "--task", "secretariat/reformuler-courrier", "--source", str(source)),
            *("--out", str(tmp_path / "courrier.docx"), "--max-tokens", "8"),
            *("--seed", str(TEST_SEED)),
            *extra,
        ],
        capture_output=True,
        text=True,
        env=env.vars(),
        timeout=300,
        check=False,
    )
    return proc, log.read_text()


def engine_pids(trace: str) -> set[str]:
    return {
        line.split()[0]
        for line in trace.splitlines()
        if "execve(" in line and "hospidesk.engine.worker" in line
    }


def audit_records(event: str) -> list[dict[str, object]]:
    lines = (get_paths().data / "audit.jsonl").read_text().splitlines()
    return [r for r in map(json.loads, lines) if r["event"] == event]


def test_the_altered_copy_is_never_opened_and_the_packaged_model_writes(
    hd_env: Env, demo_model: Path, tmp_path: Path
) -> None:
    copy = altered_copy(demo_model, demo_model.name)
    proc, trace = strace_draft(hd_env, tmp_path)
    assert proc.returncode == 0, proc.stderr
    assert engine_pids(trace), "the engine process ran"
    assert str(copy) not in trace  # neither the app nor the engine opened it
    (loaded,) = audit_records("model_loaded")
    assert loaded["model_sha256"] == DEMO_SHA256
    details = loaded["details"]
    assert isinstance(details, dict)
    assert details["path"] == str(demo_model)
    assert details["size"] == demo_model.stat().st_size
    assert details["rule"] in ("protected-cached", "protected-hashed", "user-hashed")
    (run,) = audit_records("task_run")
    assert run["model_sha256"] == DEMO_SHA256

    refused = run_cli(hd_env, "models", "verify", str(copy))
    assert refused.returncode != 0
    assert "Modèle refusé" in refused.stderr


def test_when_the_altered_file_is_the_only_one_the_draft_is_refused_before_the_engine(
    hd_env: Env, demo_model: Path, tmp_path: Path
) -> None:
    size = demo_model.stat().st_size
    (hd_env.site / "catalog.toml").write_text(
        f'[[model]]\nid = "copie"\nname = "Copie du modèle"\nfile = "copie.gguf"\n'
        f'sha256 = "{DEMO_SHA256}"\nsize = {size}\nlicence = "Apache-2.0"\n'
        "context_length = 8192\nram_mb = 400\n"
    )
    copy = altered_copy(demo_model, "copie.gguf")
    proc, trace = strace_draft(hd_env, tmp_path, "--model", "copie")
    assert proc.returncode != 0
    assert "Modèle refusé" in proc.stderr and "copie.gguf" in proc.stderr
    pids = engine_pids(trace)
    from_engine = [
        line for line in trace.splitlines() if line.split()[0] in pids and str(copy) in line
    ]
    assert from_engine == []
    assert not (tmp_path / "courrier.docx").exists()
    assert audit_records("model_loaded") == []


def load_with_a_swap(ws: Workspace, swap: Callable[[OpenModel], None]) -> EngineClient:
    """Load the usable model, calling ``swap`` at the moment the checked file goes to the
    engine (after the check, before llama.cpp opens anything)."""
    engine = EngineClient()
    real_load = engine.load

    def load(model_file: OpenModel, *args: object, **kwargs: object):  # type: ignore[no-untyped-def]
        swap(model_file)
        return real_load(model_file, *args, **kwargs)  # type: ignore[arg-type]

    engine.load = load  # type: ignore[method-assign]
    ensure_loaded(ws, engine, usable_model(ws))
    return engine


def user_model(hd_env: Env, demo_model: Path) -> Path:
    """The demo model as the only candidate, in the user's folder (hashed at every load)."""
    size = demo_model.stat().st_size
    (hd_env.site / "catalog.toml").write_text(
        f'[[model]]\nid = "copie"\nname = "Copie"\nfile = "copie.gguf"\ndefault = true\n'
        f'sha256 = "{DEMO_SHA256}"\nsize = {size}\nlicence = "Apache-2.0"\n'
        "context_length = 8192\nram_mb = 400\n"
    )
    folder = get_paths().user_models_dir
    folder.mkdir(parents=True)
    shutil.copyfile(demo_model, folder / "copie.gguf")
    return folder / "copie.gguf"


def test_a_file_renamed_over_the_model_after_the_check_is_not_what_loads(
    hd_env: Env, demo_model: Path, tmp_path: Path
) -> None:
    path = user_model(hd_env, demo_model)

    def replace(model_file: OpenModel) -> None:
        impostor = tmp_path / "impostor.gguf"  # same size, not a model llama.cpp could read
        impostor.write_bytes(b"GGUF" + os.urandom(model_file.identity.size - 4))
        impostor.replace(path)

    engine = load_with_a_swap(Workspace.open(), replace)
    try:
        assert engine.loaded is not None and engine.loaded.sha256 == DEMO_SHA256
        options = GenerationOptions(4, seed=TEST_SEED, keep_writing=True)
        text = "".join(engine.generate((Message("user", "Bonjour."),), options))
        assert text  # the checked file, not the impostor, is in llama.cpp
    finally:
        engine.close()
    assert path.read_bytes()[4:12] != demo_model.read_bytes()[4:12]  # the swap did happen


def test_a_write_into_the_user_s_file_after_the_check_does_not_reach_the_model(
    hd_env: Env, demo_model: Path
) -> None:
    """The user's file is hashed into a sealed copy: a byte changed in the file afterwards is
    not in what llama.cpp maps, which the kernel itself forbids to change."""
    path = user_model(hd_env, demo_model)
    seen: list[OpenModel] = []

    def write_into(model_file: OpenModel) -> None:
        seen.append(model_file)
        flip_byte(path)

    engine = load_with_a_swap(Workspace.open(), write_into)
    try:
        assert engine.loaded is not None and engine.loaded.sha256 == DEMO_SHA256
        (model_file,) = seen
        assert str(Path(f"/proc/self/fd/{model_file.fd}").readlink()).startswith("/memfd:")
        with pytest.raises(PermissionError):  # sealed: not even its owner can write it
            os.pwrite(model_file.fd, b"x", 0)
    finally:
        engine.close()
    assert hashlib.sha256(path.read_bytes()).hexdigest() != DEMO_SHA256  # the write happened


def test_the_trail_names_the_file_and_rule_of_each_load(hd_env: Env, demo_model: Path) -> None:
    path = user_model(hd_env, demo_model)
    engine = load_with_a_swap(Workspace.open(), lambda model_file: None)
    engine.close()
    (loaded,) = audit_records("model_loaded")
    details = loaded["details"]
    assert isinstance(details, dict)
    assert (details["path"], details["size"]) == (str(path), path.stat().st_size)
    assert details["rule"] == "user-hashed"  # the user's own file: hashed at this load
    assert re.fullmatch(r"[0-9a-f]{64}", str(loaded["model_sha256"]))
