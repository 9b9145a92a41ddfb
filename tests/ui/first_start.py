"""A secretary's first start, with the keyboard only: the charter, the job, the example on
« Reformuler un courrier », generate, export. Shared by the UI test (which counts the keys) and
``bench/first_draft.py`` (which times the whole flow, model load included).

The keys are sent by a timer to the widget that has the focus, each once the screen it is for
is up, as a user who knows the way would type them; the real start-up functions of the app run
in between (rules, job, window), with the real engine.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from PySide6.QtCore import QEventLoop, Qt, QTimer
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QApplication, QFileDialog, QMessageBox, QWidget

from hospidesk.service.drafting import RunLimits
from hospidesk.service.session import open_session
from hospidesk.service.workspace import Workspace
from hospidesk.ui.app import create_window, ensure_job_chosen, ensure_rules_accepted
from hospidesk.ui.job_dialog import JobDialog
from hospidesk.ui.main_window import MainWindow
from hospidesk.ui.rules_dialog import RulesDialog

LETTER = "secretariat/reformuler-courrier"
Ready = Callable[[], bool]
GAP_MS = 250
CTRL = Qt.KeyboardModifier.ControlModifier
ALT = Qt.KeyboardModifier.AltModifier
NONE = Qt.KeyboardModifier.NoModifier


@dataclass
class Step:
    what: str
    ready: Ready
    key: Qt.Key | Callable[[], tuple[Qt.Key, Qt.KeyboardModifier]]
    modifiers: Qt.KeyboardModifier = NONE
    counted: bool = True
    optional: Ready | None = None
    """When this holds before the step is ready, the step is skipped (a question not asked)."""


class Keyboard:
    """Each step's key, to the focused widget, once its screen is up."""

    def __init__(self, steps: list[Step]) -> None:
        self.steps = steps
        self.presses: list[str] = []
        self.done = 0
        self.timer = QTimer()
        self.timer.setInterval(GAP_MS)  # a quick typist: buttons animate their click first
        self.timer.timeout.connect(self._tick)

    def start(self) -> None:
        self.timer.start()

    def _tick(self) -> None:
        if self.done >= len(self.steps):
            self.timer.stop()
            return
        step = self.steps[self.done]
        if step.optional is not None and step.optional():
            self.done += 1
            return
        if not step.ready():
            return
        key, modifiers = step.key() if callable(step.key) else (step.key, step.modifiers)
        modal_widget = QApplication.activeModalWidget()
        target = (
            (modal_widget.focusWidget() or modal_widget)
            if modal_widget is not None
            else QApplication.focusWidget()
        )
        assert target is not None, f"no widget has the focus for « {step.what} »"
        QTest.keyClick(target, key, modifiers)
        if step.counted:
            self.presses.append(step.what)
        self.done += 1


def modal(kind: type[QWidget]) -> Ready:
    return lambda: isinstance(QApplication.activeModalWidget(), kind)


@dataclass
class FirstStart:
    document: Path
    presses: list[str]
    seconds: float
    """From the charter accepted to the document written (the model's load included)."""
    window: MainWindow


def yes_key() -> tuple[Qt.Key, Qt.KeyboardModifier]:
    """The mnemonic of the question's « Oui » button, whatever language Qt speaks."""
    box = QApplication.activeModalWidget()
    assert isinstance(box, QMessageBox)
    text = box.button(QMessageBox.StandardButton.Yes).text()
    letter = text[text.index("&") + 1] if "&" in text else text[0]
    return Qt.Key(ord(letter.upper())), ALT


def first_start(documents: Path, max_tokens: int | None = None, timeout: float = 600) -> FirstStart:
    """Run the flow in this process (HOSPIDESK_HOME empty, a QApplication running)."""
    documents.mkdir(parents=True, exist_ok=True)
    workspace = Workspace.open()
    open_session(workspace, "fenêtre")
    holder: dict[str, MainWindow] = {}

    def window() -> MainWindow | None:
        return holder.get("window")

    def model_ready() -> bool:
        win = window()
        return bool(win and win.controller.ready and win.current and win.current.ref == LETTER)

    def example_loaded() -> bool:
        win = window()
        return bool(win and win.task_panel.is_example())

    def written() -> bool:
        win = window()
        return bool(
            win and win.controller.job is None and win.draft.toPlainText().strip()
        ) and not isinstance(QApplication.activeModalWidget(), QWidget)

    keyboard = Keyboard(
        [
            Step("charte : cocher", modal(RulesDialog), Qt.Key.Key_J, ALT, counted=False),
            Step("charte : accepter", modal(RulesDialog), Qt.Key.Key_A, ALT, counted=False),
            Step("métier : Secrétariat (le dernier)", modal(JobDialog), Qt.Key.Key_End),
            Step("métier : valider", modal(JobDialog), Qt.Key.Key_Return),
            Step("essayer l'exemple", model_ready, Qt.Key.Key_T, CTRL),
            Step("générer", example_loaded, Qt.Key.Key_Return, CTRL),
            Step("exporter", written, Qt.Key.Key_E, CTRL),
            Step(
                "exporter malgré les oublis",
                modal(QMessageBox),
                yes_key,
                optional=modal(QFileDialog),
            ),
            Step("enregistrer sous le nom proposé", modal(QFileDialog), Qt.Key.Key_Return),
        ]
    )
    keyboard.start()
    assert ensure_rules_accepted(workspace), "the charter was not accepted"
    started = time.perf_counter()
    win = create_window(workspace)  # as app.start_window: the model loads during the question
    win.open_document = lambda path: None  # type: ignore[method-assign]  # no word processor here
    win.suggested_path = lambda: documents / _name(win)  # type: ignore[method-assign]
    if max_tokens is not None:
        win.controller.worker.limits = RunLimits(max_tokens, 1, keep_writing=True)
    win.show()
    job = ensure_job_chosen(workspace, win)
    if job is not None:
        win.set_job(job)
    win.activateWindow()
    holder["window"] = win
    loop = QEventLoop()
    deadline = time.monotonic() + timeout
    while not list(documents.glob("*.docx")) and time.monotonic() < deadline:
        QTimer.singleShot(50, loop.quit)
        loop.exec()
    seconds = time.perf_counter() - started
    keyboard.timer.stop()
    found = list(documents.glob("*.docx"))
    assert found, f"no document after {timeout:.0f} s; keys pressed: {keyboard.presses}"
    return FirstStart(found[0], keyboard.presses, seconds, win)


def _name(window: MainWindow) -> str:
    """The window's own suggested name, in the test's folder instead of ~/Documents."""
    return Path(MainWindow.suggested_path(window)).name
