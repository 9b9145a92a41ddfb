"""The source text area: paste, type, open or drop a .txt, .eml or .docx file."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import Signal
from PySide6.QtGui import QDragEnterEvent, QDropEvent
from PySide6.QtWidgets import QPlainTextEdit, QWidget

from hospidesk.documents.sources import read_source
from hospidesk.errors import UsageError

ACCEPTED = (".txt", ".eml", ".docx")


class SourceEdit(QPlainTextEdit):
    problem = Signal(str)  # a file that could not be read, in French
    loaded = Signal(str)  # the name of a file that was read

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setAcceptDrops(True)
        self.setTabChangesFocus(True)
        self.setAccessibleName(self.tr("Texte source"))
        self.setPlaceholderText(
            self.tr("Collez ici le texte, ou déposez un fichier .txt, .eml ou .docx (Ctrl+O).")
        )

    def load_file(self, path: Path) -> bool:
        """Replace the text with the file's; on failure keep the text and report why."""
        try:
            text = read_source(path)
        except UsageError as exc:
            self.problem.emit(exc.message)
            return False
        self.setPlainText(text)
        self.loaded.emit(path.name)
        return True

    def dragEnterEvent(self, event: QDragEnterEvent) -> None:
        urls = event.mimeData().urls()
        if urls and all(u.isLocalFile() for u in urls):
            event.acceptProposedAction()
        else:
            super().dragEnterEvent(event)

    def dragMoveEvent(self, event: QDragEnterEvent) -> None:  # type: ignore[override]
        if event.mimeData().hasUrls():
            event.acceptProposedAction()
        else:
            super().dragMoveEvent(event)

    def dropEvent(self, event: QDropEvent) -> None:
        urls = event.mimeData().urls()
        if not urls:
            super().dropEvent(event)
            return
        event.acceptProposedAction()
        self.load_file(Path(urls[0].toLocalFile()))
