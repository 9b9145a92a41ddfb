"""The right of the window: Générer / Arrêter / Régénérer, the draft being reviewed, Copier /
Vérifier / Exporter en Word, and the question on the benefit after a task."""

from __future__ import annotations

from PySide6.QtWidgets import (
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QPlainTextEdit,
    QPushButton,
    QVBoxLayout,
)

from hospidesk.ui.feedback import FeedbackBar
from hospidesk.ui.widgets import shortcut_button

WARNING_STYLE = "background:#fff4ce; border:1px solid #e0b000; padding:6px; color:#3d3000;"


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
