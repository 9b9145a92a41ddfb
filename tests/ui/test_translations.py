"""French is the source language; English ships as a Qt translation file."""

from __future__ import annotations

import contextlib
from collections.abc import Iterator

import pytest
from PySide6.QtWidgets import QApplication, QComboBox
from pytestqt.qtbot import QtBot

from hospidesk.governance.rules import Rules
from hospidesk.ui.app import install_translator
from hospidesk.ui.rules_dialog import RulesDialog
from tests.conftest import Env


@contextlib.contextmanager
def english(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """The window's strings in English while the block runs (the translation file loaded)."""
    app = QApplication.instance()
    assert isinstance(app, QApplication)
    monkeypatch.setenv("HOSPIDESK_LANG", "en")
    translator = install_translator(app)
    assert translator is not None
    try:
        yield
    finally:
        app.removeTranslator(translator)


def test_english_is_a_file_not_a_code_change(qtbot: QtBot, monkeypatch: pytest.MonkeyPatch) -> None:
    with english(monkeypatch):
        dialog = RulesDialog(Rules("x", "v1"))
        qtbot.addWidget(dialog)
        assert dialog.windowTitle() == "HospiDesk usage rules"
        assert dialog.accept_button.text() == "&Accept and start"
    dialog = RulesDialog(Rules("x", "v1"))
    qtbot.addWidget(dialog)
    assert dialog.windowTitle() == "Charte d'utilisation de HospiDesk"


def test_french_needs_no_file(monkeypatch: pytest.MonkeyPatch) -> None:
    app = QApplication.instance()
    assert isinstance(app, QApplication)
    monkeypatch.setenv("HOSPIDESK_LANG", "fr")
    assert install_translator(app) is None


def test_every_window_string_has_its_english_translation() -> None:
    """`make translations` collects new strings as unfinished: each needs its English."""
    from pathlib import Path
    from xml.etree import ElementTree

    import hospidesk.ui

    ts = Path(hospidesk.ui.__file__).parent / "i18n" / "hospidesk_en.ts"
    unfinished = [
        message.findtext("source")
        for message in ElementTree.parse(ts).iter("message")  # noqa: S314 (our own file)
        if message.find("translation") is not None
        and message.find("translation").get("type") == "unfinished"  # type: ignore[union-attr]
    ]
    assert unfinished == []


def test_dictation_languages_are_named_in_the_window_language(
    qtbot: QtBot, monkeypatch: pytest.MonkeyPatch, hd_env: Env
) -> None:
    from hospidesk.service.workspace import Workspace
    from hospidesk.ui.settings_dialog import SettingsDialog

    def names() -> list[str]:
        dialog = SettingsDialog(Workspace.open())
        qtbot.addWidget(dialog)
        combo = dialog.widgets["dictee.langue"]
        assert isinstance(combo, QComboBox)
        return [combo.itemText(i) for i in range(combo.count())]

    assert "français" in names()
    with english(monkeypatch):
        assert "French" in names() and "français" not in names()
