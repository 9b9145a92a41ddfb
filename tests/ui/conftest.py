"""The main window offscreen: on the real demo model (``window``, a ``model`` test), or on a
scripted engine (``fake_window``) for the window's own logic, in the fast lane."""

from __future__ import annotations

import time
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QApplication, QDialog, QMessageBox, QWidget
from pytestqt.qtbot import QtBot

from hospidesk.service.drafting import RunLimits
from hospidesk.service.workspace import Workspace
from hospidesk.ui.app import create_window
from hospidesk.ui.main_window import MainWindow
from tests.conftest import TEST_SEED, Env
from tests.engine.fake import FakeEngine

FORGOTTEN_DIALOG_SECONDS = 120


@pytest.fixture(autouse=True)
def no_forgotten_dialog(qapp: QApplication) -> Iterator[None]:
    """A modal dialog that no test answers would hold the suite until CI's time limit: one
    left open FORGOTTEN_DIALOG_SECONDS is closed, and its test fails with its text."""
    forgotten: list[str] = []
    opened: dict[int, float] = {}

    def look() -> None:
        box: QWidget | None = QApplication.activeModalWidget()
        if box is None:
            opened.clear()
            return
        since = opened.setdefault(id(box), time.monotonic())
        if time.monotonic() - since < FORGOTTEN_DIALOG_SECONDS:
            return
        text = box.text() if isinstance(box, QMessageBox) else ""
        forgotten.append(f"{type(box).__name__} « {box.windowTitle()} » {text}")
        if isinstance(box, QDialog):
            box.reject()
        else:
            box.close()

    timer = QTimer()
    timer.timeout.connect(look)
    timer.start(1000)
    yield
    timer.stop()
    assert not forgotten, f"a modal dialog left unanswered: {forgotten}"


def answer_omissions(win: MainWindow) -> None:
    """What the model left out varies with what it writes: exporting is not asked about in a
    test of something else (the question itself: test_window_logic.py, on a scripted engine)."""
    win.confirm_omissions = lambda message: True  # type: ignore[method-assign]


def export(qtbot: QtBot, window: MainWindow) -> None:
    """« Exporter en Word », and wait for the document to be written (off the window's
    thread) or refused."""
    window.export_button.click()
    qtbot.waitUntil(lambda: not window.flow.exporting, timeout=60_000)


def answering_export(
    window: MainWindow, monkeypatch: pytest.MonkeyPatch, target: Path, answers: list[bool]
) -> list[str]:
    """« Exporter en Word » made to write ``target``, the questions before it answered in
    turn with ``answers``; returns the questions asked, as they come."""
    asked: list[str] = []
    replies = iter(answers)
    monkeypatch.setattr(window, "confirm_omissions", lambda m: asked.append(m) or next(replies))
    monkeypatch.setattr(window, "ask_export_path", lambda: target)
    monkeypatch.setattr(window, "open_document", lambda path: None)
    return asked


def facts_unchecked(window: MainWindow) -> None:
    """The check of facts off: a test of something else, on a scripted engine whose answer to
    the check would be its draft again."""
    window.workspace.settings.set("redaction.verifier_faits", "non")


def limits(max_tokens: int) -> RunLimits:
    """The window's drafts in a test: short, with the suite's seed, and written to the end
    whatever the model would say (a structured task's grammar still ends it)."""
    return RunLimits(max_tokens, TEST_SEED, keep_writing=True)


@pytest.fixture
def window(qtbot: QtBot, hd_env: Env) -> Iterator[MainWindow]:
    workspace = Workspace.open()
    win = create_window(workspace)
    qtbot.addWidget(win)
    win.show()
    qtbot.waitUntil(lambda: win.controller.model is not None, timeout=60_000)
    win.controller.worker.limits = limits(24)
    answer_omissions(win)
    yield win
    win.close()


@pytest.fixture
def fake_engine() -> FakeEngine:
    return FakeEngine("Madame,\n\nVotre demande est bien reçue.\n\nCordialement.", delay=0.01)


@pytest.fixture
def fake_window(qtbot: QtBot, hd_env: Env, fake_engine: FakeEngine) -> Iterator[MainWindow]:
    """The real window on a scripted engine: what the window does with what it is told."""
    win = create_window(Workspace.open(), fake_engine)
    answer_omissions(win)
    qtbot.addWidget(win)
    win.show()
    qtbot.waitUntil(lambda: win.controller.model is not None, timeout=30_000)
    yield win
    win.close()


Opener = Callable[[], MainWindow]


@pytest.fixture
def open_window(qtbot: QtBot, hd_env: Env) -> Iterator[Opener]:
    """The window on a scripted engine as it starts once the test has put IT's files and the
    user's choices in place (``open_window()`` after them); each one closed at the end."""
    windows: list[MainWindow] = []

    def start() -> MainWindow:
        engine = FakeEngine("Madame,\n\nVotre demande est bien reçue.\n\nCordialement.")
        win = create_window(Workspace.open(), engine)
        answer_omissions(win)
        qtbot.addWidget(win)
        win.show()
        qtbot.waitUntil(lambda: win.controller.model is not None, timeout=30_000)
        windows.append(win)
        return win

    yield start
    for win in windows:
        win.close()
