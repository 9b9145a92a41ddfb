"""``hospidesk models``: the approved models, a file checked against the catalogs, and a
modified model refused before the engine starts."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from tests.conftest import DEMO_SHA256, SAMPLES, Env, assert_clean_failure, run_cli

COURRIER = SAMPLES / "courrier-brut.txt"


def test_models_verify(hd_env: Env, demo_model: Path, tmp_path: Path) -> None:
    ok = run_cli(hd_env, "models", "verify", str(demo_model))
    assert ok.returncode == 0
    assert DEMO_SHA256 in ok.stdout

    changed = tmp_path / demo_model.name
    shutil.copyfile(demo_model, changed)
    with changed.open("r+b") as handle:
        handle.seek(4096)
        handle.write(b"\x00" if handle.read(1) != b"\x00" else b"\x01")
    line = assert_clean_failure(run_cli(hd_env, "models", "verify", str(changed)))
    assert "empreinte SHA-256" in line and changed.name in line

    unlisted = tmp_path / "inconnu.gguf"
    unlisted.write_bytes(b"GGUF" + bytes(100))
    line = assert_clean_failure(run_cli(hd_env, "models", "verify", str(unlisted)))
    assert "inconnu.gguf ne figure dans aucun catalogue" in line

    assert run_cli(hd_env, "models", "verify").returncode == 0
    listing = json.loads(run_cli(hd_env, "models", "list", "--json").stdout)
    assert listing[0]["state"] == "vérifié" and listing[0]["is_default"]


def test_a_modified_model_never_reaches_the_engine(
    hd_env: Env, demo_model: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from hospidesk.cli.parser import build_parser
    from hospidesk.engine.client import EngineClient
    from hospidesk.errors import ModelError

    models = hd_env.site / "models"
    models.mkdir()
    copy = models / demo_model.name  # the site folder is searched first
    shutil.copyfile(demo_model, copy)
    with copy.open("r+b") as handle:
        handle.seek(10_000)
        handle.write(b"\xaa\xbb")

    def no_engine(self: EngineClient) -> None:
        raise AssertionError("the engine was started for an unverified model")

    monkeypatch.setattr(EngineClient, "start", no_engine)
    args = build_parser().parse_args(
        ["draft", "--task", "secretariat/reformuler-courrier", "--source", str(COURRIER)]
    )
    with pytest.raises(ModelError, match="empreinte SHA-256"):
        args.handler(args)
