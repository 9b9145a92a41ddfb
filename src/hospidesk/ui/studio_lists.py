"""A list of tables in a task (its fields, its examples): the list, buttons to add, move and
remove, and a form for the one selected. Problems of an item show in its form, and its line
in the list is marked while it has any."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from PySide6.QtCore import Signal
from PySide6.QtWidgets import (
    QFormLayout,
    QHBoxLayout,
    QListWidget,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from hospidesk.packs.check import Place, Problem
from hospidesk.ui.studio_forms import ErrorLabel, Form, Table

PROBLEM_MARK = " ⚠"


class ListEditor(QWidget):
    edited = Signal()

    def __init__(
        self,
        key: str,
        title: Callable[[Table], str],
        new_item: Callable[[list[Table]], Table],
        add_text: str,
    ) -> None:
        super().__init__()
        self.key = key
        self.title = title
        self.new_item = new_item
        self.task: Table | None = None
        self.items = QListWidget()
        self.items.setMaximumHeight(140)
        self.items.currentRowChanged.connect(self._select)
        self.add_button = QPushButton(add_text)
        self.add_button.clicked.connect(self.add)
        self.up_button = QPushButton(self.tr("&Monter"))
        self.up_button.clicked.connect(lambda: self._move(-1))
        self.down_button = QPushButton(self.tr("Descend&re"))
        self.down_button.clicked.connect(lambda: self._move(1))
        self.remove_button = QPushButton(self.tr("S&upprimer"))
        self.remove_button.clicked.connect(self.remove)
        buttons = QHBoxLayout()
        for button in (self.add_button, self.up_button, self.down_button, self.remove_button):
            buttons.addWidget(button)
        buttons.addStretch(1)
        self.form_layout = QFormLayout()
        self.form = Form(self.form_layout, self.place)
        self.form.edited.connect(self._item_edited)
        column = QVBoxLayout(self)
        column.addWidget(self.items)
        column.addLayout(buttons)
        self.item_error = ErrorLabel()
        """A problem of the selected item as a whole (an example that cannot be tried)."""
        column.addWidget(self.item_error)
        column.addLayout(self.form_layout)
        column.addStretch(1)  # the room left goes below the form, not between its rows
        self._problems: list[Problem] = []

    def place(self) -> Place:
        row = self.items.currentRow()
        return (self.key, row) if row >= 0 else (self.key, -1)

    def entries(self) -> list[Table]:
        if self.task is None:
            return []
        value = self.task.setdefault(self.key, [])
        return value if isinstance(value, list) else []

    def load(self, task: Table | None) -> None:
        self.task = task
        self._refresh(0)

    def _refresh(self, select: int) -> None:
        self.items.blockSignals(True)
        self.items.clear()
        for entry in self.entries():
            self.items.addItem(self.title(entry))
        self.items.blockSignals(False)
        count = self.items.count()
        self.items.setCurrentRow(min(select, count - 1) if count else -1)
        self._select(self.items.currentRow())
        for button in (self.up_button, self.down_button, self.remove_button):
            button.setEnabled(count > 0)
        self.add_button.setEnabled(self.task is not None)

    def _select(self, row: int) -> None:
        entries = self.entries()
        self.form.load(entries[row] if 0 <= row < len(entries) else None)
        self.show_problems(self._problems)

    def add(self) -> None:
        entries = self.entries()
        if self.task is None:
            return
        entries.append(self.new_item(entries))
        self._refresh(len(entries) - 1)
        self.edited.emit()
        first = self.form.rows[0].widget if self.form.rows else self.items
        first.setFocus()

    def remove(self) -> None:
        entries, row = self.entries(), self.items.currentRow()
        if 0 <= row < len(entries):
            del entries[row]
            self._refresh(row)
            self.edited.emit()

    def _move(self, step: int) -> None:
        entries, row = self.entries(), self.items.currentRow()
        other = row + step
        if 0 <= row < len(entries) and 0 <= other < len(entries):
            entries[row], entries[other] = entries[other], entries[row]
            self._refresh(other)
            self.edited.emit()

    def _item_edited(self) -> None:
        row = self.items.currentRow()
        entries = self.entries()
        if 0 <= row < len(entries):
            self.items.item(row).setText(self.title(entries[row]))
        self.edited.emit()

    def show_problems(self, problems: list[Problem]) -> list[Problem]:
        """Problems of the selected item in its form; every item with one is marked."""
        self._problems = problems
        mine = [p for p in problems if p.place[:1] == (self.key,)]
        entries = self.entries()
        for index in range(self.items.count()):
            marked = any(p.place[1:2] == (index,) for p in mine)
            text = self.title(entries[index]) if index < len(entries) else ""
            self.items.item(index).setText(text + (PROBLEM_MARK if marked else ""))
        here = [p for p in mine if p.place[:2] == self.place()]
        left = self.form.show_problems(here)
        self.item_error.say([p.reason for p in left if p.place == self.place()])
        return [p for p in problems if p not in here] + [p for p in left if p.place != self.place()]


def unique_name(entries: list[Any], stem: str, key: str = "name") -> str:
    taken = {e.get(key) for e in entries if isinstance(e, dict)}
    number = len(entries) + 1
    while f"{stem}_{number}" in taken:
        number += 1
    return f"{stem}_{number}"
