"""A dictation dropped on the source box: the transcript comes in segment by segment after
what the box held, the bar says the position, « Arrêter la dictée » keeps what was heard;
then the task drafts from it like from any source. The real speech model (Whisper tiny.en)
and the real demo language model."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from PySide6.QtCore import QMimeData, QPointF, Qt, QUrl
from PySide6.QtGui import QDropEvent
from pytestqt.qtbot import QtBot

from hospidesk.service.workspace import Workspace
from hospidesk.ui.app import create_window
from hospidesk.ui.main_window import MainWindow
from tests.conftest import Env
from tests.speech import (
    SENTENCE,
    install_speech_catalog,
    kept,
    long_dictation,
    needs_espeak,
    say,
)
from tests.ui.conftest import limits

pytestmark = [pytest.mark.model, pytest.mark.espeak, needs_espeak]


def drop(win: MainWindow, path: Path) -> None:
    """A file dropped from the file manager onto the source box."""
    mime = QMimeData()
    mime.setUrls([QUrl.fromLocalFile(str(path))])
    event = QDropEvent(
        QPointF(10, 10), Qt.DropAction.CopyAction, mime, Qt.MouseButton.LeftButton,
        Qt.KeyboardModifier.NoModifier,
    )  # fmt: skip
    win.source.dropEvent(event)


@pytest.fixture
def window(qtbot: QtBot, hd_env: Env) -> MainWindow:
    install_speech_catalog(hd_env.site)
    ws = Workspace.open()
    ws.settings.set("dictee.langue", "en")
    ws.settings.save()
    win = create_window(Workspace.open())
    qtbot.addWidget(win)
    win.show()
    qtbot.waitUntil(lambda: win.controller.model is not None, timeout=60_000)
    win.library.select("medecins-cadres/compte-rendu-dicte")
    return win


def test_a_dropped_dictation_comes_into_the_source_and_is_drafted(
    qtbot: QtBot, window: MainWindow, tmp_path: Path
) -> None:
    win = window
    bar = win.task_panel.dictation
    win.source.setPlainText("Note de la secrétaire :")
    positions: list[str] = []
    wav = say(SENTENCE, tmp_path / "dictee.wav")
    drop(win, wav)
    assert bar.isVisible() and bar.running
    bar.shown.connect(positions.append)
    qtbot.waitUntil(lambda: not bar.running, timeout=120_000)
    assert not bar.isVisible() and not win.banner.isVisible()
    text = win.source.toPlainText()
    assert text.startswith("Note de la secrétaire :\n")  # what the box held is kept
    assert kept(SENTENCE, text) >= 0.8, text
    assert positions and positions[-1].startswith("Dictée « dictee.wav » : 00:0")
    assert "transcrite sur ce poste" in win.statusBar().currentMessage()
    # then the task drafts from the transcript, like from any source
    assert win.form is not None
    win.form.set_values({"patient": "Mme Test", "date_cr": "14/01/2027", "medecin": "Dr Essai"})
    win.controller.worker.limits = limits(200)
    win.generate_button.click()
    qtbot.waitUntil(lambda: win.controller.job is None, timeout=600_000)
    assert "Motif" in win.draft.toPlainText()
    win.close()


def test_stopping_keeps_what_was_heard(qtbot: QtBot, window: MainWindow, tmp_path: Path) -> None:
    win = window
    bar = win.task_panel.dictation
    long = long_dictation(tmp_path)
    drop(win, long)
    qtbot.waitUntil(lambda: bool(win.source.toPlainText()), timeout=120_000)
    bar.stop_button.click()
    qtbot.waitUntil(lambda: not bar.running, timeout=2_000)
    heard = win.source.toPlainText()
    assert kept(SENTENCE, heard) >= 0.8
    assert "arrêtée : le texte entendu est gardé" in win.statusBar().currentMessage()
    win.close()


def test_a_dictaphone_file_is_explained(qtbot: QtBot, window: MainWindow, tmp_path: Path) -> None:
    win = window
    shown: list[str] = []
    win.source.problem.connect(shown.append)
    dss = tmp_path / "dictee.dss"
    dss.write_bytes(b"\x02dss" + bytes(512))
    drop(win, dss)
    qtbot.waitUntil(lambda: bool(shown), timeout=30_000)
    assert "format propriétaire" in shown[0] and win.source.toPlainText() == ""
    win.close()


def test_another_task_stops_the_dictation_and_gets_none_of_it(
    qtbot: QtBot, window: MainWindow, tmp_path: Path
) -> None:
    win = window
    bar = win.task_panel.dictation
    long = long_dictation(tmp_path)
    drop(win, long)
    qtbot.waitUntil(lambda: bool(win.source.toPlainText()), timeout=120_000)
    win.library.select("secretariat/courrier-dictee")
    qtbot.waitUntil(lambda: not bar.running, timeout=2_000)  # its last news came before
    assert win.source.toPlainText() == ""  # the new task's box holds nothing of it
    win.close()


ASOUNDRC = """
pcm.hospidesk_micro {{
    type file
    slave.pcm "null"
    file "/dev/null"
    infile "{raw}"
    format "raw"
}}
pcm.!default {{
    type plug
    slave {{ pcm "hospidesk_micro"; format S16_LE; rate {rate}; channels 1 }}
}}
"""


def test_dicter_records_in_memory_then_transcribes(
    qtbot: QtBot, window: MainWindow, hd_env: Env, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A fake microphone: ALSA's file plugin plays a known sentence as the default capture
    device, through the real PortAudio and sounddevice. Nothing of it is written anywhere."""
    import sys
    import tempfile

    # ALSA reads ~/.asoundrc once per process, when PortAudio starts (sounddevice's import)
    assert "sounddevice" not in sys.modules, "another test started PortAudio first"

    import numpy as np
    import soundfile

    samples, rate = soundfile.read(say(SENTENCE, tmp_path / "phrase.wav"), dtype="int16")
    spoken = np.concatenate([samples, np.zeros(rate, np.int16)])
    raw = tmp_path / "micro.raw"  # the microphone's own sound, written by the test
    raw.write_bytes(spoken.tobytes())
    home = tmp_path / "alsa"
    home.mkdir()
    (home / ".asoundrc").write_text(ASOUNDRC.format(raw=raw, rate=rate), encoding="utf-8")
    monkeypatch.setenv("HOME", str(home))
    temp = tmp_path / "tmp"
    temp.mkdir()
    monkeypatch.setenv("TMPDIR", str(temp))
    monkeypatch.setattr(tempfile, "tempdir", None)
    win = window
    bar = win.task_panel.dictation
    bar.record_button.click()
    assert bar.recording is not None, win.banner.text.text()
    qtbot.waitUntil(lambda: bar.recording.seconds >= len(spoken) / rate, timeout=30_000)  # type: ignore[union-attr]
    # the button tells the time recorded as a clock; the file microphone may deliver its
    # sound faster than real time, so the figure itself is not asserted
    assert re.fullmatch(r"Terminer la dictée \(\d\d:\d\d\)", bar.record_button.text())
    bar.record_button.click()
    assert bar.recording is None and bar.record_button.text() == "Dicter"
    qtbot.waitUntil(lambda: not bar.running, timeout=120_000)
    assert kept(SENTENCE, win.source.toPlainText()) >= 0.8, win.source.toPlainText()
    assert "enregistrement, transcrite sur ce poste" in win.statusBar().currentMessage()
    probe = spoken.tobytes()[rate : rate + 2048]  # as recorded, before any conversion
    floats = (spoken[rate // 2 : rate // 2 + 512].astype(np.float32) / 32768).tobytes()
    for folder in (hd_env.home, hd_env.site, temp):
        for path in (p for p in folder.rglob("*") if p.is_file()):
            data = path.read_bytes()
            assert probe not in data and floats not in data, path
    win.close()
