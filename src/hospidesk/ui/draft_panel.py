"""The right of the window: Générer / Arrêter / Régénérer, the draft being reviewed, Copier /
Vérifier / Exporter en Word, and the question on the benefit after a task."""

from __future__ import annotations

from collections.abc import Sequence

from PySide6.QtGui import QColor, QTextCharFormat, QTextCursor
from PySide6.QtWidgets import (
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QPlainTextEdit,
    QPushButton,
    QTextEdit,
    QVBoxLayout,
)

from hospidesk.ui.feedback import FeedbackBar
from hospidesk.ui.widgets import shortcut_button

WARNING_STYLE = "background:#fff4ce; border:1px solid #e0b000; padding:6px; color:#3d3000;"
ADDED_BACKGROUND = "#d7f0d4"
"""Sentences the check of facts added (the review bar says « surlignées en vert »)."""
DOUBTFUL_BACKGROUND = "#ffe2c2"
DOUBTFUL_UNDERLINE = "#c25400"
"""Facts found in no input (« soulignées en orange »)."""


class DraftPanel(QGroupBox):
    def __init__(self) -> None:
        super().__init__(self.tr("Brouillon"))
        self.draft = QPlainTextEdit()
        self.draft.setAccessibleName(self.tr("Brouillon"))
        self.draft.setAccessibleDescription(self.tr("Le texte produit, modifiable avant export."))
        self.draft.setPlaceholderText(
            self.tr("Le brouillon s'affichera ici. Vous pourrez le modifier avant de l'exporter.")
        )
        self.generate_button = self._button(self.tr("Générer"), "Ctrl+Return")
        self.stop_button = self._button(self.tr("Arrêter"), "Esc")
        self.regenerate_button = self._button(self.tr("Régénérer"), "Ctrl+R")
        self.copy_button = self._button(self.tr("Copier"), "Ctrl+Shift+C")
        self.review_button = self._button(self.tr("Vérifier"), "Ctrl+D")
        self.export_button = self._button(self.tr("Exporter en Word"), "Ctrl+E")
        self.export_button.setDefault(True)
        run_row = QHBoxLayout()
        for button in (self.generate_button, self.stop_button, self.regenerate_button):
            run_row.addWidget(button)
        run_row.addStretch()
        out_row = QHBoxLayout()
        out_row.addStretch()
        for button in (self.copy_button, self.review_button, self.export_button):
            out_row.addWidget(button)
        self.feedback_bar = FeedbackBar()
        self.review_bar = QLabel()
        self.review_bar.setWordWrap(True)
        self.review_bar.setStyleSheet(WARNING_STYLE)
        self.review_bar.setAccessibleName(self.tr("Points à vérifier dans le brouillon"))
        self.review_bar.hide()
        self.continue_button = self._button(self.tr("Continuer"), "Ctrl+Shift+Return")
        self.continue_button.setToolTip(self.tr("Le modèle reprend là où le texte s'arrête."))
        self.continue_button.hide()
        review_row = QHBoxLayout()
        review_row.addWidget(self.review_bar, 1)
        review_row.addWidget(self.continue_button)
        layout = QVBoxLayout(self)
        layout.addLayout(run_row)
        layout.addWidget(self.draft)
        layout.addLayout(review_row)
        layout.addLayout(out_row)
        layout.addWidget(self.feedback_bar)

    @staticmethod
    def _button(text: str, shortcut: str) -> QPushButton:
        return shortcut_button(text, shortcut)  # the window connects what it does

    def append(self, text: str) -> None:
        """Add streamed text at the end, wherever the user's cursor is."""
        cursor = self.draft.textCursor()
        cursor.movePosition(cursor.MoveOperation.End)
        cursor.insertText(text)

    def mark(self, added: Sequence[tuple[int, int]], doubtful: Sequence[tuple[int, int]]) -> None:
        """Highlight spans of the draft: sentences added by the check of facts (green) and
        facts found in no input (orange, wavy underline). The marks follow the user's edits."""
        selections = []
        for spans, style in ((added, self._added_format()), (doubtful, self._doubtful_format())):
            for start, end in spans:
                selection = QTextEdit.ExtraSelection()
                cursor = QTextCursor(self.draft.document())
                cursor.setPosition(start)
                cursor.setPosition(end, QTextCursor.MoveMode.KeepAnchor)
                selection.cursor = cursor
                selection.format = style
                selections.append(selection)
        self.draft.setExtraSelections(selections)

    def marks(self) -> list[tuple[str, str]]:
        """The marked spans, as (« ajout » or « à vérifier », text), in the draft's order."""
        found = []
        for selection in self.draft.extraSelections():
            cursor = selection.cursor
            background = selection.format.background().color().name()
            kind = "ajout" if background == ADDED_BACKGROUND else "à vérifier"
            found.append((cursor.selectionStart(), kind, cursor.selectedText()))
        return [(kind, text) for _, kind, text in sorted(found)]

    @staticmethod
    def _added_format() -> QTextCharFormat:
        style = QTextCharFormat()
        style.setBackground(QColor(ADDED_BACKGROUND))
        return style

    @staticmethod
    def _doubtful_format() -> QTextCharFormat:
        style = QTextCharFormat()
        style.setBackground(QColor(DOUBTFUL_BACKGROUND))
        style.setUnderlineStyle(QTextCharFormat.UnderlineStyle.WaveUnderline)
        style.setUnderlineColor(QColor(DOUBTFUL_UNDERLINE))
        return style

    def show_review(self, lines: list[str], can_continue: bool = False) -> None:
        """What a careful reader should check, under the draft (nothing: hidden), and
        « Continuer » when the text stopped at the length limit."""
        self.review_bar.setText("<br>".join(lines))
        self.review_bar.setVisible(bool(lines))
        self.continue_button.setVisible(can_continue)

    def set_busy(self, ready: bool, busy: bool) -> None:
        self.generate_button.setEnabled(ready and not busy)
        self.regenerate_button.setEnabled(ready and not busy)
        self.stop_button.setEnabled(busy)
        self.export_button.setEnabled(not busy)
        self.review_button.setEnabled(not busy)
        self.continue_button.setEnabled(ready and not busy)
