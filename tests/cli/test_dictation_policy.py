"""Dictation turned off by the machine policy, as a user of the command line meets it."""

from __future__ import annotations

import json
from pathlib import Path

from tests.conftest import Env, assert_clean_failure, run_cli
from tests.speech import install_speech_catalog


def test_turned_off_dictation_is_said_in_one_line(hd_env: Env, tmp_path: Path) -> None:
    install_speech_catalog(hd_env.site)
    hd_env.write_policy("[dictation]\nenabled = false\n")
    audio = tmp_path / "dictee.wav"
    audio.write_bytes(b"RIFF" + bytes(4000))
    out = tmp_path / "cr.docx"
    for args in (
        ("transcribe", str(audio), "--out", str(tmp_path / "t.txt")),
        ("draft", "--task", "medecins-cadres/compte-rendu-dicte", "--audio", str(audio),
         "--out", str(out)),
    ):  # fmt: skip
        line = assert_clean_failure(run_cli(hd_env, *args))
        assert "La dictée est désactivée sur ce poste par la DSI." in line
    assert not out.exists() and not (tmp_path / "t.txt").exists()
    listed = json.loads(run_cli(hd_env, "models", "list", "--json").stdout)
    speech = [m for m in listed if m["kind"] == "dictée"]
    assert speech and all(m["state"] == "non autorisé par la DSI" for m in speech)


def test_settings_take_only_a_speech_model_the_policy_allows(hd_env: Env) -> None:
    install_speech_catalog(hd_env.site)
    line = assert_clean_failure(run_cli(hd_env, "settings", "set", "dictee.modele", "whisper-x"))
    assert "Modèle de dictée inconnu : « whisper-x »" in line
    hd_env.write_policy('[dictation]\nallowed = ["whisper-small-fr"]\n')
    set_it = ("settings", "set", "dictee.modele", "whisper-tiny-en-test")
    assert "non autorisé par la politique" in assert_clean_failure(run_cli(hd_env, *set_it))
    hd_env.write_policy("")
    assert run_cli(hd_env, *set_it).returncode == 0
    assert run_cli(hd_env, "settings", "set", "dictee.modele", "").returncode == 0
