"""The selected task's form, generated from its typed fields, with validation beside each."""

from __future__ import annotations

from PySide6.QtCore import Signal
from PySide6.QtWidgets import (
    QComboBox,
    QFormLayout,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QVBoxLayout,
    QWidget,
)

from hospidesk.packs.model import FieldType, Task, TaskField, validate_value

PLACEHOLDERS = {FieldType.DATE: "JJ/MM/AAAA", FieldType.TIME: "HHhMM", FieldType.NUMBER: "0"}
CHECK_STYLE = "background: #fff4c2;"  # a value read from the source, to be checked


class FieldEditor(QWidget):
    """One field: its input widget and, below it, the reason it is invalid."""

    changed = Signal()

    def __init__(self, spec: TaskField, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.spec = spec
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(2)
        self.input: QLineEdit | QPlainTextEdit | QComboBox
        if spec.type is FieldType.CHOICE:
            combo = QComboBox()
            combo.addItems(list(spec.choices))
            combo.currentTextChanged.connect(self._edited)
            self.input = combo
        elif spec.type is FieldType.LONG_TEXT:
            text = QPlainTextEdit()
            text.setTabChangesFocus(True)
            text.setFixedHeight(text.fontMetrics().lineSpacing() * 4 + 12)
            text.textChanged.connect(self._edited)
            self.input = text
        else:
            line = QLineEdit()
            line.setPlaceholderText(PLACEHOLDERS.get(spec.type, ""))
            line.textChanged.connect(self._edited)
            self.input = line
        self.input.setAccessibleName(spec.label)
        if spec.help:
            self.input.setToolTip(spec.help)
            self.input.setAccessibleDescription(spec.help)
        self.error = QLabel()
        self.error.setStyleSheet("color: #b00020;")
        self.error.setWordWrap(True)
        self.error.setAccessibleName(self.tr("Erreur : %s") % spec.label)
        self.error.hide()
        layout.addWidget(self.input)
        layout.addWidget(self.error)
        self.set_value(spec.default)
        self._touched = False

    def value(self) -> str:
        if isinstance(self.input, QComboBox):
            return self.input.currentText()
        if isinstance(self.input, QPlainTextEdit):
            return self.input.toPlainText()
        return self.input.text()

    def set_value(self, value: str) -> None:
        if isinstance(self.input, QComboBox):
            index = self.input.findText(value)
            self.input.setCurrentIndex(max(index, 0))
        elif isinstance(self.input, QPlainTextEdit):
            self.input.setPlainText(value)
        else:
            self.input.setText(value)

    def mark_to_check(self, on: bool) -> None:
        self.input.setStyleSheet(CHECK_STYLE if on else "")
        note = self.tr("Valeur lue dans le texte source : à vérifier.")
        self.input.setToolTip(note if on else self.spec.help)

    def validate(self, show: bool = True) -> str | None:
        reason = validate_value(self.spec, self.value())
        if show:
            self.error.setText(reason or "")
            self.error.setVisible(reason is not None)
        return reason

    def _edited(self) -> None:
        self._touched = True
        self.mark_to_check(False)
        self.validate()
        self.changed.emit()


class TaskForm(QWidget):
    """All the fields of one task."""

    changed = Signal()

    def __init__(self, task: Task, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.task = task
        self.editors: dict[str, FieldEditor] = {}
        layout = QFormLayout(self)
        layout.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.AllNonFixedFieldsGrow)
        for spec in task.fields:
            editor = FieldEditor(spec)
            editor.changed.connect(self.changed)
            label = QLabel(spec.label + (" *" if spec.required else ""))
            label.setBuddy(editor.input)
            label.setWordWrap(True)
            layout.addRow(label, editor)
            self.editors[spec.name] = editor
        if not task.fields:
            layout.addRow(QLabel(self.tr("Cette tâche n'a pas de champ à remplir.")))

    def values(self) -> dict[str, str]:
        return {name: editor.value() for name, editor in self.editors.items()}

    def typed(self, source_given: bool) -> dict[str, str]:
        """Values to hand to the service: fields waiting for extraction are left to the model."""
        return {
            name: value
            for name, value in self.values().items()
            if not self.editors[name].spec.waits_for_extraction(value, source_given)
        }

    def set_values(self, values: dict[str, str], to_check: bool = False) -> None:
        for name, value in values.items():
            editor = self.editors.get(name)
            if editor is not None:
                editor.blockSignals(True)
                editor.set_value(value)
                editor.blockSignals(False)
                editor.validate()
                editor.mark_to_check(to_check)

    def validate(self, source_given: bool) -> dict[str, str]:
        """Reasons per field; empty required fields the model will read from the source pass."""
        errors = {}
        for name, editor in self.editors.items():
            reason = editor.validate(show=False)
            deferred = editor.spec.waits_for_extraction(editor.value(), source_given)
            if reason and not deferred:
                errors[name] = reason
            if deferred:
                editor.error.hide()
            else:
                editor.validate()
        return errors

    def first_input(self) -> QWidget | None:
        editors = list(self.editors.values())
        return editors[0].input if editors else None
