"""The letterhead in the window: the export inside it, a refused one said at start, and
Paramètres showing which one is in force (on a scripted engine)."""

from __future__ import annotations

import hashlib
from pathlib import Path

import docx
import pytest
from PySide6.QtWidgets import QLabel
from pytestqt.qtbot import QtBot

from hospidesk.service.workspace import Workspace
from hospidesk.ui.settings_dialog import SettingsDialog
from tests.conftest import SAMPLES, Env
from tests.documents import letterhead_maker as maker
from tests.documents.test_letterhead import macro
from tests.ui.conftest import Opener, export
from tests.ui.test_window_logic import LETTER, generate


def test_the_window_exports_inside_the_sites_letterhead(
    qtbot: QtBot,
    hd_env: Env,
    open_window: Opener,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    maker.write(hd_env.site / "letterhead.docx", maker.letterhead())
    window = open_window()
    assert window.banner.isHidden()
    window.library.select(LETTER)
    window.source.setPlainText((SAMPLES / "courrier-brut.txt").read_text(encoding="utf-8"))
    generate(qtbot, window)
    target = tmp_path / "courrier.docx"
    monkeypatch.setattr(window, "ask_export_path", lambda: target)
    monkeypatch.setattr(window, "open_document", lambda path: None)
    export(qtbot, window)
    assert target.exists(), window.banner_text.text()
    document = docx.Document(str(target))
    assert maker.logo_in_first_header(document)
    assert maker.LEGAL_MENTION in maker.footer_text(document)
    assert maker.titled(document)


def test_a_refused_letterhead_is_said_at_start_in_the_banner(
    qtbot: QtBot, hd_env: Env, open_window: Opener
) -> None:
    maker.write(hd_env.site / "letterhead.docx", macro(maker.letterhead()))
    window = open_window()
    qtbot.waitUntil(lambda: not window.banner.isHidden(), timeout=5_000)
    text = window.banner_text.text()
    assert "En-tête refusé : letterhead.docx — le document contient des macros." in text
    assert "Prévenez la DSI" in text


def test_settings_show_the_letterheads_in_force_read_only(qtbot: QtBot, hd_env: Env) -> None:
    installed = maker.write(hd_env.site / "letterhead.docx", maker.letterhead())
    maker.write(hd_env.site / "letterheads" / "qualite.docx", maker.letterhead())
    maker.write(hd_env.site / "letterheads" / "achats.docx", macro(maker.letterhead()))
    dialog = SettingsDialog(Workspace.open())
    qtbot.addWidget(dialog)
    shown = "\n".join(label.text() for label in dialog.findChildren(QLabel))
    assert "letterhead.docx" in shown
    assert hashlib.sha256(installed.read_bytes()).hexdigest()[:16] in shown
    assert "Métier qualite : letterheads/qualite.docx" in shown
    assert "En-tête refusé : letterheads/achats.docx" in shown
    assert not any(k.startswith("entete") for k in dialog.widgets)  # nothing to change there
