"""The pieces of the studio's forms: a row that edits one key of a pack's table and shows, right
under its widget, what ``service.studio.problems`` says of that key.

A :class:`Form` holds rows; each row knows its place in the TOML (``("fields", 2, "label")``)
and how to read and write its value. ``load(table)`` fills the widgets from a table without
telling anyone; an edit writes the table and emits ``edited``. ``show(problems)`` puts each
problem under the row whose place is the longest prefix of the problem's place.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any

from PySide6.QtCore import QObject, Signal
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QFormLayout,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QVBoxLayout,
    QWidget,
)

from hospidesk.packs.check import Place, Problem

Table = dict[str, Any]


class ErrorLabel(QLabel):
    """A problem of the row above it, in words; hidden when there is none."""

    def __init__(self) -> None:
        super().__init__()
        self.setWordWrap(True)
        self.setStyleSheet("color: #b00020;")
        self.setAccessibleName("Problème")
        self.hide()

    def say(self, reasons: list[str]) -> None:
        self.setText("\n".join(reasons))
        self.setVisible(bool(reasons))


@dataclass
class Row:
    place: Place
    widget: QWidget
    error: ErrorLabel
    read: Callable[[], Any]
    write: Callable[[Any], None]
    key: str
    empty: Any = ""
    """The value that means « not set »: the key is left out of the table."""


def lines(text: str) -> list[str]:
    return [line.strip() for line in text.splitlines() if line.strip()]


class Form(QObject):
    """Rows that edit keys of one table (a manifest, a task, a field, an example)."""

    edited = Signal()

    def __init__(self, layout: QFormLayout, base: Callable[[], Place] = tuple) -> None:
        super().__init__()
        self.layout = layout
        self.base = base
        """The place of the table itself (``("fields", 2)`` for the third field)."""
        self.rows: list[Row] = []
        self.table: Table | None = None
        self._loading = False

    def _add(self, label: str, widget: QWidget, row: Row) -> Row:
        holder = QWidget()
        box = QVBoxLayout(holder)
        box.setContentsMargins(0, 0, 0, 0)
        box.addWidget(widget)
        box.addWidget(row.error)
        caption = QLabel(label)
        caption.setBuddy(widget)
        self.layout.addRow(caption, holder)
        self.rows.append(row)
        return row

    def text(
        self, label: str, key: str, multiline: bool = False, tip: str = "", tall: bool = False
    ) -> QWidget:
        """``multiline``: a text area, a few lines high unless ``tall`` (instructions, a
        source), which takes the room left."""
        edit: QLineEdit | QPlainTextEdit
        if multiline:
            area = edit = QPlainTextEdit()
            area.setTabChangesFocus(True)
            area.textChanged.connect(self._changed)
            if not tall:
                area.setMaximumHeight(80)
            read: Callable[[], Any] = area.toPlainText
            write: Callable[[Any], None] = lambda v: area.setPlainText(str(v))  # noqa: E731
        else:
            line = edit = QLineEdit()
            line.textEdited.connect(self._changed)
            read, write = line.text, lambda v: line.setText(str(v))
        edit.setToolTip(tip)
        edit.setAccessibleName(label.replace("&", ""))
        self._add(label, edit, Row((key,), edit, ErrorLabel(), read, write, key))
        return edit

    def listed(self, label: str, key: str, tip: str = "") -> QPlainTextEdit:
        """A list of short texts, one per line."""
        edit = QPlainTextEdit()
        edit.setTabChangesFocus(True)
        edit.setToolTip(tip)
        edit.setAccessibleName(label.replace("&", ""))
        edit.setMaximumHeight(80)
        edit.textChanged.connect(self._changed)
        row = Row(
            (key,),
            edit,
            ErrorLabel(),
            lambda: lines(edit.toPlainText()),
            lambda v: edit.setPlainText("\n".join(map(str, v or []))),
            key,
            empty=[],
        )
        self._add(label, edit, row)
        return edit

    def choice(self, label: str, key: str, choices: Iterable[tuple[str, Any]]) -> QComboBox:
        """A closed list: each choice's words and the value it stands for (None: unset)."""
        combo = QComboBox()
        combo.setAccessibleName(label.replace("&", ""))
        for words, value in choices:
            combo.addItem(words, value)
        combo.currentIndexChanged.connect(self._changed)

        def write(value: Any) -> None:
            index = combo.findData(value)
            if index < 0 and value is not None:  # a value the list lacks is kept, as written
                combo.addItem(str(value), value)
                index = combo.count() - 1
            combo.setCurrentIndex(max(index, 0))

        row = Row((key,), combo, ErrorLabel(), combo.currentData, write, key, empty=None)
        self._add(label, combo, row)
        return combo

    def flag(self, label: str, key: str) -> QCheckBox:
        box = QCheckBox(label)
        box.toggled.connect(self._changed)
        row = Row((key,), box, ErrorLabel(), box.isChecked, lambda v: box.setChecked(bool(v)), key)
        row.empty = False
        holder = QWidget()
        column = QVBoxLayout(holder)
        column.setContentsMargins(0, 0, 0, 0)
        column.addWidget(box)
        column.addWidget(row.error)
        self.layout.addRow("", holder)
        self.rows.append(row)
        return box

    def load(self, table: Table | None) -> None:
        """Show ``table``'s values (None: an empty, disabled form); tells nobody."""
        self.table = table
        self._loading = True
        try:
            for row in self.rows:
                row.write(row.empty if table is None else table.get(row.key, row.empty))
                row.widget.setEnabled(table is not None)
                row.error.say([])
        finally:
            self._loading = False

    def _changed(self, *_: object) -> None:
        if self._loading or self.table is None:
            return
        for row in self.rows:
            value = row.read()
            if value == row.empty and row.empty is not None:
                self.table.pop(row.key, None)  # an empty text is an absent key: the default
            elif value is None:
                self.table.pop(row.key, None)
            else:
                self.table[row.key] = value
        self.edited.emit()

    def show_problems(self, problems: Iterable[Problem]) -> list[Problem]:
        """Each problem under its row; returns those no row of this form took."""
        base = self.base()
        claimed: dict[int, list[str]] = {}
        left = []
        for problem in problems:
            best, length = None, -1
            for index, row in enumerate(self.rows):
                place = base + row.place
                if problem.place[: len(place)] == place and len(place) > length:
                    best, length = index, len(place)
            if best is None:
                left.append(problem)
            else:
                claimed.setdefault(best, []).append(problem.reason)
        for index, row in enumerate(self.rows):
            row.error.say(claimed.get(index, []))
        return left
