"""After a task (export, copy or closing the draft): record the use, ask once if it helped.

The question is a bar under the draft, never a dialog: one click answers, « Passer » skips,
« Ne plus demander » turns it off (unless the policy requires it). What is recorded is
described in ``governance.metrics``: no text, no field value.
"""

from __future__ import annotations

import time

from PySide6.QtCore import Signal
from PySide6.QtWidgets import (
    QButtonGroup,
    QFrame,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QSpinBox,
    QVBoxLayout,
)

from hospidesk.errors import HospiDeskError
from hospidesk.governance.metrics import HELPED, HELPED_LABELS, MAX_MINUTES
from hospidesk.packs.loader import PackTask
from hospidesk.service import Workspace

BAR_STYLE = (
    "QFrame#feedback { background: #eef4fb; border: 1px solid #9bb8d9; border-radius: 4px; }"
)
MINUTE_CHOICES = (5, 10, 15, 30, 60)
ASK_SETTING = "retours.demander"


class FeedbackBar(QFrame):
    """Did it help (oui / un peu / non), then about how many minutes it saved."""

    answered = Signal(int, str, object)  # use id, helped, minutes (int or None)
    never_again = Signal()

    def __init__(self) -> None:
        super().__init__()
        self.setObjectName("feedback")
        self.setStyleSheet(BAR_STYLE)
        self.setAccessibleName(self.tr("Votre avis sur cette tâche"))
        self.use_id = 0
        self.helped: str | None = None
        self.question = QLabel()
        self.question.setWordWrap(True)
        self.helped_buttons: dict[str, QPushButton] = {}
        first = QHBoxLayout()
        first.addStretch(1)
        labels = {
            "oui": self.tr("&Oui"),
            "un-peu": self.tr("&Un peu"),
            "non": self.tr("&Non"),
        }
        # Button groups give the slot an int (no per-button closures receiving a bool).
        self.helped_group = QButtonGroup(self)
        for number, value in enumerate(HELPED):
            button = QPushButton(labels[value])
            button.setAccessibleName(HELPED_LABELS[value])
            self.helped_group.addButton(button, number)
            self.helped_buttons[value] = button
            first.addWidget(button)
        self.helped_group.idClicked.connect(lambda number: self._helped(HELPED[number]))
        self.skip_button = QPushButton(self.tr("Passer"))
        self.skip_button.clicked.connect(self._skip)
        self.never_button = QPushButton(self.tr("Ne plus demander"))
        self.never_button.clicked.connect(self._never)
        first.addWidget(self.skip_button)
        first.addWidget(self.never_button)

        second = QHBoxLayout()
        second.addWidget(QLabel(self.tr("Temps gagné, environ :")))
        second.addStretch(1)
        self.minute_buttons = []
        self.minutes_group = QButtonGroup(self)
        for minutes in MINUTE_CHOICES:
            text = self.tr("%s min") % minutes if minutes < 60 else self.tr("1 h")
            button = QPushButton(text)
            self.minutes_group.addButton(button, minutes)
            self.minute_buttons.append(button)
            second.addWidget(button)
        self.minutes_group.idClicked.connect(self._minutes)
        self.minutes = QSpinBox()
        self.minutes.setRange(0, MAX_MINUTES)
        self.minutes.setSuffix(self.tr(" min"))
        self.minutes.setAccessibleName(self.tr("Minutes gagnées"))
        ok = QPushButton(self.tr("OK"))
        ok.clicked.connect(self._typed_minutes)
        second.addWidget(self.minutes)
        second.addWidget(ok)
        self.minutes_row = QFrame()
        self.minutes_row.setLayout(second)

        layout = QVBoxLayout(self)
        layout.addWidget(self.question)
        layout.addLayout(first)
        layout.addWidget(self.minutes_row)
        self.hide()

    def ask(self, use_id: int, task_title: str, can_turn_off: bool) -> None:
        self.use_id = use_id
        self.helped = None
        self.question.setText(self.tr("« %s » vous a-t-elle aidé ?") % task_title)
        self.never_button.setVisible(can_turn_off)
        self.minutes_row.hide()
        self.show()

    def _helped(self, value: str) -> None:
        self.helped = value
        if value == "non":
            self._send(None)
        else:
            self.minutes_row.show()
            self.minute_buttons[1].setFocus()

    def _minutes(self, minutes: int) -> None:
        self._send(minutes)

    def _typed_minutes(self) -> None:
        self._send(self.minutes.value())

    def _skip(self) -> None:
        if self.helped is not None:  # answered the first question: keep that answer
            self._send(None)
        self.hide()

    def _never(self) -> None:
        self.never_again.emit()
        self._skip()

    def _send(self, minutes: int | None) -> None:
        if self.helped is not None:
            self.answered.emit(self.use_id, self.helped, minutes)
        self.helped = None
        self.hide()


class UseTracker:
    """Which tasks were run since they were last closed, and their model's draft."""

    def __init__(self, workspace: Workspace, bar: FeedbackBar) -> None:
        self.workspace = workspace
        self.bar = bar
        self.started: dict[str, float] = {}
        self.model_text: dict[str, str] = {}
        self.problem: str | None = None
        bar.answered.connect(self._answered)
        bar.never_again.connect(self._never_again)

    def run_started(self, ref: str) -> None:
        self.started.setdefault(ref, time.monotonic())

    def generated(self, ref: str, body: str) -> None:
        self.model_text[ref] = body

    def closed(
        self, task: PackTask, model_id: str | None, outcome: str, text: str, ask: bool = True
    ) -> None:
        """Record one use of ``task`` (once per run) and ask the question when wanted."""
        started = self.started.pop(task.ref, None)
        model_text = self.model_text.pop(task.ref, None)
        if started is None or model_text is None or model_id is None:
            return  # not run since it was last closed: nothing to measure
        try:
            use_id = self.workspace.record_use(
                task, model_id, outcome, time.monotonic() - started, model_text, text
            )
        except HospiDeskError as exc:
            self.problem = exc.message
            return
        settings = self.workspace.settings
        if ask and settings.get_bool(ASK_SETTING):
            self.bar.ask(use_id, task.task.title, ASK_SETTING not in settings.locks)

    def _answered(self, use_id: int, helped: str, minutes: object) -> None:
        try:
            store = self.workspace.metrics()
            try:
                store.answer(use_id, helped, minutes if isinstance(minutes, int) else None)
            finally:
                store.close()
        except HospiDeskError as exc:
            self.problem = exc.message

    def _never_again(self) -> None:
        try:
            self.workspace.change_setting(ASK_SETTING, "non")
        except HospiDeskError as exc:
            self.problem = exc.message
