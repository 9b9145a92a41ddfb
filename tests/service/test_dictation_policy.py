"""The machine policy's [dictation] table: IT turns dictation off on a workstation, or limits
it to some speech models. Refused before anything is read or started, in the user's words;
nothing is audited as transcribed."""

from __future__ import annotations

from pathlib import Path

import pytest

from hospidesk.errors import ModelError
from hospidesk.service.dictation import DISABLED, NOT_ALLOWED, Dictation, speech_model, speech_state
from hospidesk.service.workspace import Workspace
from tests.conftest import Env
from tests.speech import CATALOG, install_speech_catalog

TEST_MODEL = "whisper-tiny-en-test"


@pytest.fixture
def site(hd_env: Env) -> Env:
    install_speech_catalog(hd_env.site)
    return hd_env


def transcribed(ws: Workspace) -> list[dict[str, object]]:
    return [r for r in ws.audit.records() if r["event"] == "transcribed"]


def test_dictation_turned_off_refuses_files_and_recordings(site: Env, tmp_path: Path) -> None:
    site.write_policy("[dictation]\nenabled = false\n")
    ws = Workspace.open()
    missing = tmp_path / "absente.wav"  # not even looked at: the policy answers first
    for audio in (missing, b"\x00\x00" * 1600):
        with pytest.raises(ModelError) as info:
            Dictation(ws).transcribe(audio)
        assert info.value.message == DISABLED
    with pytest.raises(ModelError, match="désactivée sur ce poste par la DSI"):
        speech_model(ws, TEST_MODEL)
    assert speech_state(ws, ws.catalog.speech_by_id(TEST_MODEL))[0] == NOT_ALLOWED
    assert transcribed(Workspace.open()) == []


def test_only_the_listed_speech_models(site: Env, tmp_path: Path) -> None:
    site.write_policy('[dictation]\nallowed = ["whisper-medium-fr"]\n')
    ws = Workspace.open()
    with pytest.raises(ModelError, match=f"« {TEST_MODEL} » non autorisé par la politique"):
        speech_model(ws)
    with pytest.raises(ModelError, match="non autorisé"):
        Dictation(ws).transcribe(tmp_path / "absente.wav", model_id=TEST_MODEL)
    assert speech_state(ws, ws.catalog.speech_by_id(TEST_MODEL))[0] == NOT_ALLOWED
    assert transcribed(Workspace.open()) == []
    # listed: found and checked as without a policy
    site.write_policy(f'[dictation]\nallowed = ["{TEST_MODEL}"]\n')
    ws = Workspace.open()
    entry, folder = speech_model(ws)
    assert entry.id == TEST_MODEL and (folder / "model.bin").is_file()
    assert speech_state(ws, entry)[0] == "vérifié"


def test_the_default_is_the_first_allowed_model(site: Env) -> None:
    copy = CATALOG.read_text(encoding="utf-8")
    copy = copy.replace(f'id = "{TEST_MODEL}"', 'id = "whisper-copie"').replace(
        "default = true", "default = false"
    )
    catalog = site.site / "catalog.toml"
    catalog.write_text(catalog.read_text(encoding="utf-8") + "\n" + copy, encoding="utf-8")
    assert speech_model(Workspace.open())[0].id == TEST_MODEL  # the catalog's default
    site.write_policy('[dictation]\nallowed = ["whisper-copie"]\n')
    assert speech_model(Workspace.open())[0].id == "whisper-copie"
    # a choice in the settings that IT no longer allows: the allowed one, not a dead end
    ws = Workspace.open()
    ws.settings.set("dictee.modele", TEST_MODEL)
    assert speech_model(Workspace.open())[0].id == "whisper-copie"
    with pytest.raises(ModelError, match="non autorisé"):  # asked for by name: refused
        speech_model(Workspace.open(), TEST_MODEL)
