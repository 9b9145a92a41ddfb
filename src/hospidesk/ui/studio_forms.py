"""The pieces of the studio's forms: a row that edits one key of a pack's table and shows, right
under its widget, what ``service.studio.problems`` says of that key.

A :class:`Form` holds rows; each row knows its place in the TOML (``("fields", 2, "label")``)
and how to read and write its value. ``load(table)`` fills the widgets from a table without
telling anyone; an edit writes the table and emits ``edited``. ``show(problems)`` puts each
problem under the row whose place is the longest prefix of the problem's place.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
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
    """One key of the table, its widget and the problems said under it."""

    key: str
    widget: QWidget
    read: Callable[[], Any]
    write: Callable[[Any], None]
    empty: Any = ""
    """The value that means « not set »: the key is left out of the table."""
    error: ErrorLabel = field(default_factory=ErrorLabel)


def lines(text: str) -> list[str]:
    return [line.strip() for line in text.splitlines() if line.strip()]


def _area(tall: bool = False) -> QPlainTextEdit:
    """A text area that Tab leaves, a few lines high unless ``tall`` (it takes the room left)."""
    area = QPlainTextEdit()
    area.setTabChangesFocus(True)
    if not tall:
        area.setMaximumHeight(80)
    return area


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

    def _add(self, label: str, row: Row, tip: str = "") -> None:
        """The row under ``label`` (its keyboard mnemonic leads to the widget), its problems
        under the widget."""
        row.widget.setToolTip(tip)
        row.widget.setAccessibleName(label.replace("&", ""))
        holder = QWidget()
        box = QVBoxLayout(holder)
        box.setContentsMargins(0, 0, 0, 0)
        box.addWidget(row.widget)
        box.addWidget(row.error)
        caption = QLabel("" if isinstance(row.widget, QCheckBox) else label)
        caption.setBuddy(row.widget)
        self.layout.addRow(caption, holder)
        self.rows.append(row)

    def text(
        self, label: str, key: str, multiline: bool = False, tip: str = "", tall: bool = False
    ) -> QWidget:
        """One line, or with ``multiline`` a text area (``tall``: it takes the room left)."""
        if multiline:
            area = _area(tall)
            area.textChanged.connect(self._changed)
            self._add(
                label, Row(key, area, area.toPlainText, lambda v: area.setPlainText(str(v))), tip
            )
            return area
        line = QLineEdit()
        line.textEdited.connect(self._changed)
        self._add(label, Row(key, line, line.text, lambda v: line.setText(str(v))), tip)
        return line

    def parsed(
        self,
        label: str,
        key: str,
        parse: Callable[[str], Any],
        show: Callable[[Any], str],
        empty: Any,
        tip: str = "",
        tall: bool = False,
    ) -> QPlainTextEdit:
        """A text area whose text stands for a value: ``parse`` reads it, ``show`` writes it."""
        area = _area(tall)
        area.textChanged.connect(self._changed)
        row = Row(
            key, area, lambda: parse(area.toPlainText()), lambda v: area.setPlainText(show(v))
        )
        row.empty = empty
        self._add(label, row, tip)
        return area

    def listed(self, label: str, key: str, tip: str = "") -> QPlainTextEdit:
        """A list of short texts, one per line."""
        return self.parsed(label, key, lines, lambda v: "\n".join(map(str, v or [])), [], tip)

    def choice(self, label: str, key: str, choices: Iterable[tuple[str, Any]]) -> QComboBox:
        """A closed list: each choice's words and the value it stands for (None: unset)."""
        combo = QComboBox()
        for words, value in choices:
            combo.addItem(words, value)
        combo.currentIndexChanged.connect(self._changed)

        def write(value: Any) -> None:
            index = combo.findData(value)
            if index < 0 and value is not None:  # a value the list lacks is kept, as written
                combo.addItem(str(value), value)
                index = combo.count() - 1
            combo.setCurrentIndex(max(index, 0))

        self._add(label, Row(key, combo, combo.currentData, write, empty=None))
        return combo

    def flag(self, label: str, key: str) -> QCheckBox:
        box = QCheckBox(label)
        box.toggled.connect(self._changed)
        self._add(label, Row(key, box, box.isChecked, lambda v: box.setChecked(bool(v)), False))
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
            if value is None or value == row.empty:
                self.table.pop(row.key, None)  # an empty text is an absent key: the default
            else:
                self.table[row.key] = value
        self.edited.emit()

    def row(self, key: str) -> Row:
        return next(r for r in self.rows if r.key == key)

    def show_problems(self, problems: Iterable[Problem]) -> list[Problem]:
        """Each problem under the row of its key; returns those no row of this form took."""
        base = self.base()
        keys = {row.key for row in self.rows}
        claimed: dict[str, list[str]] = {}
        left = []
        for problem in problems:
            place = problem.place
            key = place[len(base)] if len(place) > len(base) else None
            if place[: len(base)] == base and key in keys:
                claimed.setdefault(str(key), []).append(problem.reason)
            else:
                left.append(problem)
        for row in self.rows:
            row.error.say(claimed.get(row.key, []))
        return left
