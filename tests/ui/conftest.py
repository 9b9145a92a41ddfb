"""A real main window on the real demo model, offscreen."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from pytestqt.qtbot import QtBot

from hospidesk.service import Workspace
from hospidesk.ui.app import create_window
from hospidesk.ui.main_window import MainWindow
from tests.conftest import Env


@pytest.fixture
def window(qtbot: QtBot, hd_env: Env) -> Iterator[MainWindow]:
    workspace = Workspace.open()
    win = create_window(workspace)
    qtbot.addWidget(win)
    win.show()
    qtbot.waitUntil(lambda: win.model is not None, timeout=60_000)
    win.bridge.worker.max_tokens = 24
    yield win
    win.close()
