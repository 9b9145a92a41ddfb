"""First start (usage rules) and Paramètres, including a setting IT locked."""

from __future__ import annotations

import json

import pytest
from PySide6.QtWidgets import QComboBox, QLabel, QLineEdit, QSpinBox
from pytestqt.qtbot import QtBot

from hospidesk.governance.rules import Rules, RulesAcceptance, default_rules
from hospidesk.service.workspace import Workspace
from hospidesk.ui import app
from hospidesk.ui.rules_dialog import RulesDialog
from hospidesk.ui.settings_dialog import SettingsDialog
from tests.conftest import Env

LOCKED = """
[[locked]]
key = "moteur.threads"
value = "2"
reason = "Poste partagé : la DSI fixe le nombre de threads"
"""


def test_rules_must_be_ticked_before_they_can_be_accepted(qtbot: QtBot) -> None:
    dialog = RulesDialog(Rules("# Charte\nRelire chaque brouillon.", "v1"))
    qtbot.addWidget(dialog)
    assert not dialog.accept_button.isEnabled()
    dialog.agree.setChecked(True)
    assert dialog.accept_button.isEnabled()


def test_first_start_asks_once_per_rules_version(
    qtbot: QtBot, hd_env: Env, monkeypatch: pytest.MonkeyPatch
) -> None:
    workspace = Workspace.open()
    workspace.paths.rules_file.unlink()  # a first start: nothing accepted yet
    shown: list[str] = []

    def answer(accept: bool):  # type: ignore[no-untyped-def]
        def exec_(self: RulesDialog) -> bool:
            shown.append("charte")
            return accept

        return exec_

    monkeypatch.setattr(RulesDialog, "exec", answer(False))
    assert app.ensure_rules_accepted(workspace) is False  # refused: the app does not open
    monkeypatch.setattr(RulesDialog, "exec", answer(True))
    assert app.ensure_rules_accepted(workspace) is True
    assert app.ensure_rules_accepted(workspace) is True  # not asked again
    assert shown == ["charte", "charte"]
    assert RulesAcceptance(workspace.paths.rules_file).accepted(default_rules().version)
    assert not RulesAcceptance(workspace.paths.rules_file).accepted("version-suivante")
    events = [r["event"] for r in map(json.loads, workspace.audit.file.read_text().splitlines())]
    assert events == ["rules_accepted"]


def test_settings_save_the_hospital_details(qtbot: QtBot, hd_env: Env) -> None:
    workspace = Workspace.open()
    dialog = SettingsDialog(workspace)
    qtbot.addWidget(dialog)
    name = dialog.widgets["etablissement.nom"]
    assert isinstance(name, QLineEdit)
    name.setText("CH de Sainte-Exemple")
    dialog.save()
    assert Workspace.open().settings.get("etablissement.nom") == "CH de Sainte-Exemple"


def test_settings_save_the_dictation_words_and_language(qtbot: QtBot, hd_env: Env) -> None:
    from tests.speech import install_speech_catalog

    install_speech_catalog(hd_env.site)
    dialog = SettingsDialog(Workspace.open())
    qtbot.addWidget(dialog)
    models, language, words = (
        dialog.widgets[k] for k in ("dictee.modele", "dictee.langue", "dictee.glossaire")
    )
    assert isinstance(models, QComboBox) and isinstance(language, QComboBox)
    assert models.findData("whisper-tiny-en-test") > 0
    assert language.currentData() == "fr"  # the default
    language.setCurrentIndex(language.findData("en"))
    assert isinstance(words, QLineEdit)
    words.setText("Dr Moreau, gliclazide")
    dialog.save()
    settings = Workspace.open().settings
    assert settings.get("dictee.langue") == "en"
    assert settings.get("dictee.glossaire") == "Dr Moreau, gliclazide"


def test_a_locked_setting_is_shown_locked_with_the_reason(qtbot: QtBot, hd_env: Env) -> None:
    hd_env.write_policy(LOCKED)
    workspace = Workspace.open()
    dialog = SettingsDialog(workspace)
    qtbot.addWidget(dialog)
    threads = dialog.widgets["moteur.threads"]
    assert isinstance(threads, QSpinBox)
    assert not threads.isEnabled()
    assert threads.value() == 2
    notes = [label.text() for label in dialog.findChildren(QLabel)]
    assert any("Verrouillé par la DSI : Poste partagé" in text for text in notes)
    threads.setValue(8)  # even if forced, saving leaves it alone
    dialog.save()
    assert Workspace.open().settings.get_int("moteur.threads") == 2
