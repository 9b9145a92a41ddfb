"""`hospidesk audit verify` on a real trail written by a dozen real tasks, then tampered."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from tests.conftest import SAMPLES, Env, assert_clean_failure, draft_cli, run_cli

pytestmark = pytest.mark.model


@pytest.fixture(scope="module")
def real_trail(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A home whose trail holds a dozen tasks run through the CLI (built once)."""

    from hospidesk.governance.rules import DEFAULT_VERSION, RulesAcceptance
    from hospidesk.paths import get_paths

    base = tmp_path_factory.mktemp("trail")
    env = Env(base / "home", base / "site")
    env.site.mkdir()
    variables = env.vars() | {"XDG_CONFIG_DIRS": str(base / "etc-xdg")}
    RulesAcceptance(get_paths(variables).rules_file).accept(DEFAULT_VERSION)
    for i in range(12):
        out = base / f"lettre-{i}.docx"
        result = draft_cli(
            env,
            "secretariat/reformuler-courrier",
            source=SAMPLES / "courrier-brut.txt",
            max_tokens=6,
            seed=i,
            out=out,
        )
        assert result.returncode == 0, result.stderr
    assert (base / "home" / "data" / "audit.jsonl").exists()
    return base


def copy_env(real_trail: Path, tmp_path: Path) -> tuple[Env, Path]:
    shutil.copytree(real_trail / "home", tmp_path / "home")
    (tmp_path / "site").mkdir()
    env = Env(tmp_path / "home", tmp_path / "site")
    return env, tmp_path / "home" / "data" / "audit.jsonl"


def test_a_real_trail_verifies(real_trail: Path, tmp_path: Path) -> None:
    env, trail = copy_env(real_trail, tmp_path)
    result = run_cli(env, "audit", "verify")
    assert result.returncode == 0, result.stderr
    events = [line for line in trail.read_text().splitlines() if '"task_run"' in line]
    assert len(events) == 12
    assert "enregistrements" in result.stdout


def tamper(trail: Path, how: str) -> None:
    lines = trail.read_text().splitlines()
    if how == "edit":
        lines[9] = lines[9].replace('"user":"', '"user":"X', 1)  # one byte, another user
    elif how == "delete":
        del lines[9]
    elif how == "swap":
        lines[8], lines[9] = lines[9], lines[8]
    elif how == "cut":
        lines = lines[:5]
    trail.write_text("\n".join(lines) + "\n")


@pytest.mark.parametrize(
    ("how", "expected"),
    [
        ("edit", "enregistrement n° 10 modifié"),
        ("delete", "enregistrement n° 10 manquant"),
        ("swap", "enregistrement n° 9 hors de sa place"),
        ("cut", "journal tronqué"),
    ],
)
def test_tampering_is_detected_and_named(
    real_trail: Path, tmp_path: Path, how: str, expected: str
) -> None:
    env, trail = copy_env(real_trail, tmp_path)
    tamper(trail, how)
    line = assert_clean_failure(run_cli(env, "audit", "verify"))
    assert expected in line


def test_export_for_it(real_trail: Path, tmp_path: Path) -> None:
    env, _ = copy_env(real_trail, tmp_path)
    out = tmp_path / "export.jsonl"
    assert run_cli(env, "audit", "export", "--out", str(out)).returncode == 0
    assert run_cli(env, "audit", "verify").returncode == 0  # export adds a checkpoint only
    import json

    kinds = {json.loads(line)["type"] for line in out.read_text().splitlines()}
    assert kinds == {"key", "record", "checkpoint"}
