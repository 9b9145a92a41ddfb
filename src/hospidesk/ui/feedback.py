"""After a task (export, copy or closing the draft): record the use, ask once if it helped.

The question is a bar under the draft, never a dialog: one click answers, « Passer » skips,
« Ne plus demander » turns it off (unless the policy requires it). What is recorded is
described in ``governance.metrics``: no text, no field value.
"""

from __future__ import annotations

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
from hospidesk.service.session import change_setting
from hospidesk.service.usage import ASK_SETTING, OpenUses, answer, asks_feedback
from hospidesk.service.workspace import Workspace

BAR_STYLE = (
    "QFrame#feedback { background: #eef4fb; border: 1px solid #9bb8d9; border-radius: 4px; }"
)
MINUTE_CHOICES = (5, 10, 15, 30, 60)


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
        layout = QVBoxLayout(self)
        layout.addWidget(self.question)
        layout.addLayout(self._helped_row())
        layout.addWidget(self._minutes_row())
        self.hide()

    def _helped_row(self) -> QHBoxLayout:
        """Oui / Un peu / Non, Passer, Ne plus demander."""
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
        return first

    def _minutes_row(self) -> QFrame:
        """About how many minutes: a few choices, or a number typed."""
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
        return self.minutes_row

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
    """Measures each use of a task when it ends, and asks the bar's question about it."""

    def __init__(self, workspace: Workspace, bar: FeedbackBar) -> None:
        self.workspace = workspace
        self.bar = bar
        self.open = OpenUses()
        self.problem: str | None = None
        bar.answered.connect(self._answered)
        bar.never_again.connect(self._never_again)

    def closed(
        self,
        task: PackTask,
        outcome: str,
        text: str,
        ask: bool = True,
        omissions: int | None = None,
    ) -> None:
        """Record one use of ``task`` (once per run) and ask the question when wanted."""
        try:
            use_id = self.open.close(self.workspace, task, outcome, text, omissions)
        except HospiDeskError as exc:
            self.problem = exc.message
            return
        wanted, can_turn_off = asks_feedback(self.workspace)
        if use_id is not None and ask and wanted:
            self.bar.ask(use_id, task.task.title, can_turn_off)

    def _answered(self, use_id: int, helped: str, minutes: object) -> None:
        try:
            answer(self.workspace, use_id, helped, minutes if isinstance(minutes, int) else None)
        except HospiDeskError as exc:
            self.problem = exc.message

    def _never_again(self) -> None:
        try:
            change_setting(self.workspace, ASK_SETTING, "non")
        except HospiDeskError as exc:
            self.problem = exc.message
