"""The window shows that a text holds patient identifiers, and writes them nowhere."""

from __future__ import annotations

import tempfile
from pathlib import Path

import pytest
from pytestqt.qtbot import QtBot

from hospidesk.ui.main_window import MainWindow
from tests.canary import NAME, NIR, SOURCE, files_containing_canaries
from tests.conftest import Env
from tests.documents.helpers import all_text
from tests.ui.conftest import export

pytestmark = pytest.mark.model


def test_identifiers_are_flagged_and_leave_no_trace(
    qtbot: QtBot, window: MainWindow, hd_env: Env, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    tmp = tmp_path / "tmpdir"
    tmp.mkdir()
    monkeypatch.setenv("TMPDIR", str(tmp))
    monkeypatch.setattr(tempfile, "tempdir", str(tmp))
    window.library.select("secretariat/convocation")
    assert window.form is not None
    window.form.set_values(
        {
            "patient": NAME,
            "date_rdv": "17/03/2026",
            "heure_rdv": "09h30",
            "lieu": "Bâtiment B",
            "medecin": "Dr Lefèvre",
            "contact": "le secrétariat",
        }
    )
    window.source.setPlainText(SOURCE)
    qtbot.waitUntil(window.privacy_label.isVisible, timeout=3000)
    assert "NIR (1)" in window.privacy_label.text()
    assert "nom du patient" in window.privacy_label.text()
    assert NIR not in window.privacy_label.text()

    window.generate_button.click()
    qtbot.waitUntil(lambda: window.controller.job is None, timeout=120_000)
    out = tmp_path / "convocation.docx"
    monkeypatch.setattr(window, "ask_export_path", lambda: out)
    monkeypatch.setattr(window, "open_document", lambda path: None)
    export(qtbot, window)
    assert NAME in all_text(out)
    window.close()
    leaks = files_containing_canaries([hd_env.home, tmp], allowed={out.resolve()})
    assert leaks == []
