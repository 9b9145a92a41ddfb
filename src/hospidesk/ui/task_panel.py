"""The middle of the window: the task's title and description, its form, its source text and
what the inputs hold of patient identifiers."""

from __future__ import annotations

import html

from PySide6.QtCore import Qt, QTimer, Signal
from PySide6.QtWidgets import (
    QFrame,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QScrollArea,
    QVBoxLayout,
    QWidget,
)

from hospidesk.packs.loader import PackTask
from hospidesk.packs.model import Example, SourceMode, identifiers_in
from hospidesk.service.records import OpenDraft
from hospidesk.service.request import DraftRequest
from hospidesk.service.workspace import Workspace
from hospidesk.ui.dictation_bar import DictationBar
from hospidesk.ui.source_edit import SourceEdit
from hospidesk.ui.task_form import TaskForm
from hospidesk.ui.widgets import PrivacyNotice, shortcut_button

TIPS_STYLE = "color: #3b3b3b; padding-left: 2px;"
EXAMPLE_STYLE = (
    "QLabel { background: #fff4ce; border: 1px solid #c19c00; padding: 4px; border-radius: 3px; }"
)


class TaskPanel(QWidget):
    changed = Signal()  # a field or the source changed
    open_requested = Signal()  # the « Ouvrir un fichier… » button

    def __init__(self, workspace: Workspace | None = None) -> None:
        super().__init__()
        self.task: PackTask | None = None
        self.form: TaskForm | None = None
        self.record_values: dict[str, str] = {}
        """The patient's values from the record (set_record_values), by field name."""
        self.title = QLabel()
        self.title.setStyleSheet("font-size: 15pt; font-weight: bold;")
        self.title.setWordWrap(True)
        self.description = QLabel()
        self.description.setWordWrap(True)
        self.tips = QLabel()
        self.tips.setWordWrap(True)
        self.tips.setStyleSheet(TIPS_STYLE)
        self.tips.setAccessibleName(self.tr("Conseils pour cette tâche"))
        self.example_button = shortcut_button(
            self.tr("Essayer avec un exemple"), "Ctrl+T", self.try_example
        )
        self.example_banner = QLabel()
        self.example_banner.setWordWrap(True)
        self.example_banner.setStyleSheet(EXAMPLE_STYLE)
        self.example_banner.setAccessibleName(self.tr("Exemple chargé"))
        self.example_banner.hide()
        self.example_number = 0
        """The example loaded (from 1), 0 when none."""
        self.form_area = QScrollArea()
        self.form_area.setWidgetResizable(True)
        self.form_area.setFrameShape(QFrame.Shape.NoFrame)
        self.source = SourceEdit()
        self.source.textChanged.connect(self.changed)
        self.dictation = DictationBar(self.source)
        self.dictation.workspace = workspace
        if workspace is not None:
            self.dictation.record_button.setVisible(workspace.policy.dictation.enabled)
        self.source_box = self._source_box()
        self.privacy = PrivacyNotice()
        layout = QVBoxLayout(self)
        layout.addWidget(self.title)
        layout.addWidget(self.description)
        layout.addWidget(self.tips)
        layout.addWidget(self.example_button, 0, Qt.AlignmentFlag.AlignLeft)
        layout.addWidget(self.example_banner)
        layout.addWidget(self.form_area, 3)
        layout.addWidget(self.source_box, 2)
        layout.addWidget(self.privacy)
        self.privacy_timer = QTimer(self)  # looks for identifiers once typing pauses
        self.privacy_timer.setSingleShot(True)
        self.privacy_timer.setInterval(400)
        self.changed.connect(self.privacy_timer.start)
        self.changed.connect(self._still_example)

    def _source_box(self) -> QGroupBox:
        """The source text, the dictation's bar, « Dicter » and « Ouvrir un fichier… »."""
        open_button = QPushButton(self.tr("Ouvrir un fichier… (Ctrl+O)"))
        open_button.setAccessibleName(self.tr("Ouvrir un fichier source"))
        open_button.clicked.connect(self.open_requested)
        box = QGroupBox(self.tr("Texte source"))
        column = QVBoxLayout(box)
        column.addWidget(self.source)
        column.addWidget(self.source.doubtful_note)
        column.addWidget(self.dictation)
        buttons = QHBoxLayout()
        buttons.addStretch(1)
        buttons.addWidget(self.source.cancel_button)
        buttons.addWidget(self.source.attachments_button)
        buttons.addWidget(self.dictation.record_button)
        buttons.addWidget(open_button)
        column.addLayout(buttons)
        return box

    def show_task(self, item: PackTask, saved: OpenDraft | None) -> None:
        """A new form for ``item``, with what the user had on it (if anything)."""
        self.dictation.abandon()  # a dictation never runs into another task's box
        self.source.abandon_reading()  # nor a file being read
        self.task = item
        self.dictation.pack = item.pack  # its glossary, for the next dictation
        self.title.setText(item.task.title)
        self.description.setText(item.task.description)
        self.tips.setText("\n".join(f"• {tip}" for tip in item.task.tips))
        self.tips.setVisible(bool(item.task.tips))
        self.example_button.setVisible(bool(item.task.examples))
        self.example_number = 0
        self.example_banner.hide()
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
        self.fill_from_record()

    def set_record_values(self, values: dict[str, str]) -> None:
        """The patient's values from the record (``patient``, ``civilite``…), filled into
        every form that has such fields where the user wrote nothing; what the record gave
        for the patient before is taken back first."""
        if self.form is not None:
            current = self.form.values()
            stale = {n: "" for n, v in self.record_values.items() if current.get(n) == v}
            self.form.set_values(stale)
        self.record_values = values
        self.fill_from_record()

    def fill_from_record(self) -> None:
        if self.form is None:
            return
        current = self.form.values()
        untouched = {
            name: value
            for name, value in self.record_values.items()
            if name in self.form.editors
            and current[name].strip() in ("", self.form.editors[name].spec.default)
        }
        self.form.set_values(untouched)
        for name in untouched:
            self.form.editors[name].input.setToolTip(
                self.tr(
                    "Rempli depuis le dossier patient : va dans le document, jamais au modèle "
                    "(sauf si vous le retapez)."
                )
            )

    def document_only(self, values: dict[str, str]) -> frozenset[str]:
        """The fields that still hold what the record gave: the document's, not the prompt's
        (a value the user typed over is theirs)."""
        return frozenset(
            name for name, value in self.record_values.items() if values.get(name) == value
        )

    def try_example(self) -> None:
        """Fill the form and the source with the task's next worked example (marked as one)."""
        if self.task is None or self.form is None or not self.task.task.examples:
            return
        examples = self.task.task.examples
        number = self.example_number % len(examples) + 1
        chosen = examples[number - 1]
        defaults = {f.name: f.default for f in self.task.task.fields}
        self.form.set_values({**defaults, **chosen.fields})
        self.dictation.abandon()
        self.source.abandon_reading()
        self.source.setPlainText(chosen.source)
        self.example_number = number  # after the changes above, which reset it
        self.example_banner.setText(
            self.tr(
                "<b>Exemple %1/%2 : %3</b><br>Texte et informations inventés, pour voir ce que "
                "fait la tâche ; remplacez-les par les vôtres pour un vrai courrier."
            )
            .replace("%1", str(number))
            .replace("%2", str(len(examples)))
            .replace("%3", html.escape(chosen.description))
        )
        self.example_banner.show()

    @property
    def example(self) -> Example | None:
        """The example the inputs still are (None once the user changed them)."""
        if self.task is None or not self.example_number:
            return None
        return self.task.task.examples[self.example_number - 1]

    def is_example(self) -> bool:
        return self.example is not None

    def expected_facts(self) -> tuple[str, ...]:
        """The facts the loaded worked example says a good draft keeps (none for own text)."""
        example = self.example
        return example.facts if example is not None else ()

    def to_check(self) -> tuple[str, ...]:
        """What OCR read in the source that the user has not corrected yet."""
        return tuple(span.text for span in self.source.to_check())

    def _still_example(self) -> None:
        chosen = self.example
        if chosen is None or self.form is None:
            return
        if not chosen.matches(self.source.toPlainText(), self.form.values()):
            self.example_number = 0
            self.example_banner.hide()

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
        current = self.current_request()
        if current is None or self.form is None:
            return None, {}
        errors = self.form.validate(current.source_text is not None)
        if errors:
            self.form.editors[next(iter(errors))].input.setFocus()
            return None, errors
        return current, {}

    def current_request(self) -> DraftRequest | None:
        """The request the form holds now, unchecked and without a mark on the form (read
        ahead while the user types; the service checks it)."""
        if self.task is None or self.form is None:
            return None
        source = self.source.toPlainText()
        has_source = bool(source.strip()) and self.task.task.source.mode is not SourceMode.NONE
        typed = self.form.typed(has_source)
        return DraftRequest(
            self.task.ref,
            typed,
            source_text=source if has_source else None,
            document_only=self.document_only(typed),
        )

    def focus_form(self) -> None:
        first = self.form.first_input() if self.form else None
        if first is not None:
            first.setFocus()
