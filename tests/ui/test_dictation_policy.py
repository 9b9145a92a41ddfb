"""Dictation turned off by the machine policy, as a window user meets it: no « Dicter », a
dropped dictation refused in one sentence with the box left as it was, its settings greyed."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QMimeData, QPointF, Qt, QUrl
from PySide6.QtGui import QDropEvent
from PySide6.QtWidgets import QComboBox, QGroupBox
from pytestqt.qtbot import QtBot

from hospidesk.service.dictation import DISABLED
from hospidesk.service.workspace import Workspace
from hospidesk.ui.app import create_window
from hospidesk.ui.settings_dialog import SettingsDialog
from tests.conftest import Env
from tests.engine.fake import FakeEngine
from tests.speech import install_speech_catalog


def test_no_dictation_where_the_policy_turns_it_off(
    qtbot: QtBot, hd_env: Env, tmp_path: Path
) -> None:
    install_speech_catalog(hd_env.site)
    win = create_window(Workspace.open(), FakeEngine("Texte."))
    qtbot.addWidget(win)
    win.show()
    win.library.select("medecins-cadres/compte-rendu-dicte")
    assert win.task_panel.dictation.record_button.isVisible()  # allowed by default
    win.close()

    hd_env.write_policy("[dictation]\nenabled = false\n")
    win = create_window(Workspace.open(), FakeEngine("Texte."))
    qtbot.addWidget(win)
    win.show()
    win.library.select("medecins-cadres/compte-rendu-dicte")
    assert not win.task_panel.dictation.record_button.isVisible()
    win.source.setPlainText("Notes déjà là.")
    shown: list[str] = []
    win.source.problem.connect(shown.append)
    audio = tmp_path / "dictee.wav"
    audio.write_bytes(b"RIFF" + bytes(4000))
    mime = QMimeData()
    mime.setUrls([QUrl.fromLocalFile(str(audio))])
    win.source.dropEvent(
        QDropEvent(QPointF(10, 10), Qt.DropAction.CopyAction, mime, Qt.MouseButton.LeftButton,
                   Qt.KeyboardModifier.NoModifier)
    )  # fmt: skip
    qtbot.waitUntil(lambda: bool(shown), timeout=10_000)
    assert shown == [DISABLED] and win.source.toPlainText() == "Notes déjà là."
    assert win.banner_text.text() == f"<b>{DISABLED}</b><br>"  # no other file to choose
    assert not win.task_panel.dictation.running
    dialog = SettingsDialog(Workspace.open())
    qtbot.addWidget(dialog)
    (box,) = [b for b in dialog.findChildren(QGroupBox) if b.title().startswith("Dictée")]
    assert box.title() == "Dictée (désactivée sur ce poste par la DSI)" and not box.isEnabled()
    win.close()


def test_settings_offer_only_the_speech_models_it_allows(qtbot: QtBot, hd_env: Env) -> None:
    install_speech_catalog(hd_env.site)
    hd_env.write_policy('[dictation]\nallowed = ["whisper-medium-fr"]\n')
    dialog = SettingsDialog(Workspace.open())
    qtbot.addWidget(dialog)
    combo = dialog.widgets["dictee.modele"]
    assert isinstance(combo, QComboBox)
    assert [combo.itemData(i) for i in range(combo.count())] == [""]  # the default only
    hd_env.write_policy("")
    dialog = SettingsDialog(Workspace.open())
    qtbot.addWidget(dialog)
    combo = dialog.widgets["dictee.modele"]
    assert isinstance(combo, QComboBox)
    assert [combo.itemData(i) for i in range(combo.count())] == ["", "whisper-tiny-en-test"]
