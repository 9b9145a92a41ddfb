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
from PySide6.QtWidgets import QApplication, QDialog, QFileDialog, QMessageBox, QWidget

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
    """The dialog is up and active: a key sent to a window not yet activated would miss its
    shortcuts (mnemonics are window shortcuts)."""

    def ready() -> bool:
        dialog = QApplication.activeModalWidget()
        return isinstance(dialog, kind) and dialog.isActiveWindow()

    return ready


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
    """Run the flow in this process (HOSPIDESK_HOME empty, a QApplication running). Past
    ``timeout`` (from the charter on), whatever dialog is open is closed and the flow fails
    with what was on screen; the window is closed before any failure is raised."""
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
            Step("charte : accepter", accept_enabled, Qt.Key.Key_A, ALT, counted=False),
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
    watchdog = Watchdog(timeout, keyboard, window)
    keyboard.start()
    watchdog.start()
    try:
        accepted = ensure_rules_accepted(workspace)
        watchdog.check()
        assert accepted, "the charter was not accepted"
        started = time.perf_counter()
        win = create_window(workspace)  # as app.start_window: the model loads meanwhile
        holder["window"] = win
        win.open_document = lambda path: None  # type: ignore[method-assign]  # no word processor
        win.suggested_path = lambda: documents / _name(win)  # type: ignore[method-assign]
        if max_tokens is not None:
            win.controller.worker.limits = RunLimits(max_tokens, 1, keep_writing=True)
        win.show()
        job = ensure_job_chosen(workspace, win)
        watchdog.check()
        if job is not None:
            win.set_job(job)
        win.activateWindow()
        loop = QEventLoop()
        while not list(documents.glob("*.docx")) and not watchdog.expired:
            QTimer.singleShot(50, loop.quit)
            loop.exec()
        watchdog.check()
        seconds = time.perf_counter() - started
        found = list(documents.glob("*.docx"))
        assert found, f"no document; keys pressed: {keyboard.presses}"
        return FirstStart(found[0], keyboard.presses, seconds, win)
    except BaseException:
        if (win := window()) is not None:
            win.close()
        raise
    finally:
        keyboard.timer.stop()
        watchdog.timer.stop()


def accept_enabled() -> bool:
    """The charter's « Accepter » once its box is ticked (the tick is an animated click)."""
    dialog = QApplication.activeModalWidget()
    return (
        modal(RulesDialog)()
        and isinstance(dialog, RulesDialog)
        and dialog.accept_button.isEnabled()
    )


class Watchdog:
    """Ends the flow at its deadline wherever it waits: a key that did not do what it should
    leaves a dialog open, whose event loop would never return. Each open dialog is described,
    then rejected; ``check`` fails with the story."""

    def __init__(
        self, seconds: float, keyboard: Keyboard, window: Callable[[], MainWindow | None]
    ) -> None:
        self.seconds = seconds
        self.deadline = time.monotonic() + seconds
        self.keyboard = keyboard
        self.window = window
        self.expired = False
        self.seen: list[str] = []
        self.timer = QTimer()
        self.timer.setInterval(500)
        self.timer.timeout.connect(self._tick)

    def start(self) -> None:
        self.timer.start()

    def _tick(self) -> None:
        if time.monotonic() < self.deadline:
            return
        if not self.expired:
            self.expired = True
            self.keyboard.timer.stop()
            self.seen.append(self._state())
        dialog = QApplication.activeModalWidget()
        if dialog is not None:
            self.seen.append(_describe(dialog))
            if isinstance(dialog, QDialog):
                dialog.reject()
            else:
                dialog.close()

    def _state(self) -> str:
        steps = self.keyboard.steps
        waiting = steps[self.keyboard.done].what if self.keyboard.done < len(steps) else "aucune"
        said = ""
        win = self.window()
        if win is not None:
            said = (
                f"; status bar: {win.statusBar().currentMessage()!r}"
                f"; banner: {win.banner_text.text() if win.banner.isVisible() else ''!r}"
                f"; engine ready: {win.controller.ready}, job: {win.controller.job}"
            )
        return f"keys pressed: {self.keyboard.presses}; waiting for: {waiting}{said}"

    def check(self) -> None:
        if self.expired:
            raise AssertionError(
                f"the flow did not end within {self.seconds:g} s: " + " | ".join(self.seen)
            )


def _describe(dialog: QWidget) -> str:
    text = dialog.text() if isinstance(dialog, QMessageBox) else ""
    return f"open dialog {type(dialog).__name__} « {dialog.windowTitle()} » {text!r}"


def _name(window: MainWindow) -> str:
    """The window's own suggested name, in the test's folder instead of ~/Documents."""
    return Path(MainWindow.suggested_path(window)).name
