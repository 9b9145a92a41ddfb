"""The window with the hospital's server: it says where the text goes, keeps a draft the
server dropped, and falls back to the workstation's model when the policy allows it."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from pytestqt.qtbot import QtBot

from hospidesk.service.session import change_setting
from hospidesk.service.workspace import Workspace
from hospidesk.ui.app import create_window
from hospidesk.ui.main_window import MainWindow
from hospidesk.ui.settings_dialog import SettingsDialog
from tests.conftest import SAMPLES, Env
from tests.engine.servers import LlamaServer, server_policy
from tests.ui.conftest import limits

pytestmark = [pytest.mark.model, pytest.mark.server]
COURRIER = (SAMPLES / "courrier-brut.txt").read_text(encoding="utf-8")


@pytest.fixture
def server(demo_model: Path, tmp_path: Path) -> Iterator[LlamaServer]:
    running = LlamaServer(demo_model, tmp_path / "requests.jsonl")
    yield running
    running.stop()


@pytest.fixture
def server_window(qtbot: QtBot, hd_env: Env, server: LlamaServer) -> Iterator[MainWindow]:
    hd_env.write_policy(server_policy(server.url, fallback=True))
    workspace = Workspace.open()
    change_setting(workspace, "moteur.serveur", "chu")
    win = create_window(workspace)
    qtbot.addWidget(win)
    win.show()
    qtbot.waitUntil(lambda: win.controller.model is not None, timeout=60_000)  # fallback checked
    yield win
    win.close()


def test_the_window_says_the_server_writes_and_where_identifiers_go(
    qtbot: QtBot, server_window: MainWindow, server: LlamaServer
) -> None:
    window = server_window
    assert window.status.model.text() == "Serveur « IA du CHU » — modèle smollm2-demo"
    assert "identifiants pseudonymisés" in window.status.local.text()
    assert "100 % local" not in window.status.local.text()
    assert window.controller.engine_pid() is None  # the local model is checked, not loaded

    window.library.select("secretariat/reformuler-courrier")
    window.source.setPlainText(COURRIER + "\nTél. 06 12 34 56 78")
    qtbot.waitUntil(window.privacy_label.isVisible, timeout=3000)
    assert "pseudonymes avant l'envoi au serveur" in window.privacy_label.text()
    window.controller.worker.limits = limits(24)
    window.generate_button.click()
    qtbot.waitUntil(lambda: window.controller.job is None, timeout=120_000)
    assert window.draft.toPlainText().strip()
    assert window.controller.served["secretariat/reformuler-courrier"].backend == "serveur:chu"
    assert not any("06 12 34 56 78" in body for body in server.bodies())


def test_a_server_lost_mid_draft_keeps_the_text_then_the_local_model_writes(
    qtbot: QtBot, server_window: MainWindow, server: LlamaServer
) -> None:
    window = server_window
    window.library.select("secretariat/reformuler-courrier")
    window.source.setPlainText(COURRIER)
    window.controller.worker.limits = limits(400)
    window.generate_button.click()
    qtbot.waitUntil(lambda: len(window.draft.toPlainText()) > 20, timeout=120_000)
    server.kill()
    qtbot.waitUntil(lambda: window.controller.job is None, timeout=60_000)
    kept = window.draft.toPlainText()
    assert len(kept) > 20  # what the server wrote before it went away
    assert window.banner.isVisible()
    assert "Le texte déjà reçu est conservé" in window.banner_text.text()

    window.controller.worker.limits = limits(16)
    window.generate_button.click()
    qtbot.waitUntil(lambda: window.controller.job is None, timeout=120_000)
    assert window.draft.toPlainText().strip()
    assert window.controller.served["secretariat/reformuler-courrier"].backend == "local"
    assert "ce poste" in window.status.model.text()
    assert "100 % local" in window.status.local.text()
    assert "modèle de ce poste" in window.banner_text.text()


def test_settings_list_the_servers_it_allows(qtbot: QtBot, server_window: MainWindow) -> None:
    dialog = SettingsDialog(server_window.workspace, server_window)
    qtbot.addWidget(dialog)
    combo = dialog.widgets["moteur.serveur"]
    texts = [combo.itemText(i) for i in range(combo.count())]  # type: ignore[attr-defined]
    assert texts[0] == "Ce poste (modèle local)"
    assert texts[1].startswith("IA du CHU — http://127.0.0.1:")
    assert dialog.value("moteur.serveur") == "chu"
    labels = " ".join(label.text() for label in dialog.findChildren(type(dialog.problem)))
    assert "Serveurs d'inférence autorisés" not in labels  # the box title is not a label
    assert "Modèles : smollm2-demo" in labels
    assert "le modèle de ce poste prend le relais" in labels
    assert "pseudonymisés avant l'envoi" in labels
