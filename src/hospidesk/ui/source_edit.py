"""The source text area: paste, type, open or drop files (an e-mail and its attachment, a
PDF, a Word or OpenDocument letter); several files are labelled, in order."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import Signal
from PySide6.QtGui import QDragEnterEvent, QDropEvent
from PySide6.QtWidgets import QPlainTextEdit, QWidget

from hospidesk.documents.sources import READABLE, read_sources
from hospidesk.errors import UsageError

FILE_FILTER = " ".join(f"*.{suffix}" for suffix in READABLE)


class SourceEdit(QPlainTextEdit):
    problem = Signal(str)  # a file that could not be read, in French
    loaded = Signal(str)  # the name of a file that was read

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setAcceptDrops(True)
        self.setTabChangesFocus(True)
        self.setAccessibleName(self.tr("Texte source"))
        self.setPlaceholderText(
            self.tr(
                "Collez ici le texte, ou déposez un ou plusieurs fichiers : e-mail (.eml, .msg), "
                "PDF, Word, OpenDocument, texte (Ctrl+O)."
            )
        )

    def load_file(self, path: Path) -> bool:
        return self.load_files([path])

    def load_files(self, paths: list[Path]) -> bool:
        """Replace the text with the files' (labelled when several, in order); on failure keep
        the text and report why."""
        try:
            text = read_sources(paths)
        except UsageError as exc:
            self.problem.emit(exc.message)
            return False
        self.setPlainText(text)
        self.loaded.emit(", ".join(path.name for path in paths))
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
        self.load_files([Path(url.toLocalFile()) for url in urls])
