"""The middle of the window: the task's title and description, its form, its source text and
what the inputs hold of patient identifiers."""

from __future__ import annotations

from PySide6.QtCore import Qt, QTimer, Signal
from PySide6.QtWidgets import (
    QFrame,
    QGroupBox,
    QLabel,
    QPushButton,
    QScrollArea,
    QVBoxLayout,
    QWidget,
)

from hospidesk.packs.loader import PackTask
from hospidesk.packs.model import SourceMode, identifiers_in
from hospidesk.service.records import OpenDraft
from hospidesk.service.request import DraftRequest
from hospidesk.ui.source_edit import SourceEdit
from hospidesk.ui.task_form import TaskForm
from hospidesk.ui.widgets import PrivacyNotice


class TaskPanel(QWidget):
    changed = Signal()  # a field or the source changed
    open_requested = Signal()  # the « Ouvrir un fichier… » button

    def __init__(self) -> None:
        super().__init__()
        self.task: PackTask | None = None
        self.form: TaskForm | None = None
        self.title = QLabel()
        self.title.setStyleSheet("font-size: 15pt; font-weight: bold;")
        self.title.setWordWrap(True)
        self.description = QLabel()
        self.description.setWordWrap(True)
        self.form_area = QScrollArea()
        self.form_area.setWidgetResizable(True)
        self.form_area.setFrameShape(QFrame.Shape.NoFrame)
        self.source = SourceEdit()
        self.source.textChanged.connect(self.changed)
        open_button = QPushButton(self.tr("Ouvrir un fichier… (Ctrl+O)"))
        open_button.setAccessibleName(self.tr("Ouvrir un fichier source"))
        open_button.clicked.connect(self.open_requested)
        self.source_box = QGroupBox(self.tr("Texte source"))
        source_layout = QVBoxLayout(self.source_box)
        source_layout.addWidget(self.source)
        source_layout.addWidget(open_button, 0, Qt.AlignmentFlag.AlignRight)
        self.privacy = PrivacyNotice()
        layout = QVBoxLayout(self)
        layout.addWidget(self.title)
        layout.addWidget(self.description)
        layout.addWidget(self.form_area, 3)
        layout.addWidget(self.source_box, 2)
        layout.addWidget(self.privacy)
        self.privacy_timer = QTimer(self)  # looks for identifiers once typing pauses
        self.privacy_timer.setSingleShot(True)
        self.privacy_timer.setInterval(400)
        self.changed.connect(self.privacy_timer.start)

    def show_task(self, item: PackTask, saved: OpenDraft | None) -> None:
        """A new form for ``item``, with what the user had on it (if anything)."""
        self.task = item
        self.title.setText(item.task.title)
        self.description.setText(item.task.description)
        self.form = TaskForm(item.task)
        holder = QWidget()  # keeps the fields at their natural height, at the top
        column = QVBoxLayout(holder)
        column.setContentsMargins(0, 0, 0, 0)
        column.addWidget(self.form)
        column.addStretch(1)
        self.form_area.setWidget(holder)
        mode = item.task.source.mode
        self.source_box.setVisible(mode is not SourceMode.NONE)
        required = self.tr(" (obligatoire)") if mode is SourceMode.REQUIRED else ""
        self.source_box.setTitle(item.task.source.label + required)
        self.form.changed.connect(self.changed)
        self.source.setPlainText(saved.source if saved else "")
        if saved:
            self.form.set_values(dict(saved.values))

    def state(self, draft: str) -> OpenDraft | None:
        if self.form is None:
            return None
        return OpenDraft(self.form.values(), self.source.toPlainText(), draft)

    def update_privacy(self, server: str | None, pseudonymised: bool) -> None:
        """Say which patient identifiers the inputs hold (and where they go)."""
        if self.task is None or self.form is None:
            return
        found = identifiers_in(self.task.task, self.form.values(), self.source.toPlainText())
        self.privacy.show_found(found, server, pseudonymised)

    def request(self) -> tuple[DraftRequest | None, dict[str, str]]:
        """The draft request of the form, or None with the reasons per field (shown beside
        the fields, the first one focused)."""
        if self.task is None or self.form is None:
            return None, {}
        source = self.source.toPlainText()
        has_source = bool(source.strip()) and self.task.task.source.mode is not SourceMode.NONE
        errors = self.form.validate(has_source)
        if errors:
            self.form.editors[next(iter(errors))].input.setFocus()
            return None, errors
        return DraftRequest(
            self.task.ref, self.form.typed(has_source), source_text=source if has_source else None
        ), {}

    def focus_form(self) -> None:
        first = self.form.first_input() if self.form else None
        if first is not None:
            first.setFocus()
