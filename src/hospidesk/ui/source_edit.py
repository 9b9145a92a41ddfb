"""The source text area: paste, type, open or drop files (an e-mail and its attachment, a
PDF, a Word or OpenDocument letter); several files are labelled, in order."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import Signal
from PySide6.QtGui import QDragEnterEvent, QDropEvent
from PySide6.QtWidgets import QPlainTextEdit, QWidget

from hospidesk.documents.sources import READABLE, read_sources
from hospidesk.errors import UsageError
from hospidesk.service.dictation import AUDIO_SUFFIXES, is_audio

FILE_FILTER = " ".join(
    [f"*.{suffix}" for suffix in READABLE] + [f"*{suffix}" for suffix in AUDIO_SUFFIXES]
)


class SourceEdit(QPlainTextEdit):
    problem = Signal(str)  # a file that could not be read, in French
    loaded = Signal(str)  # the name of a file that was read
    audio_chosen = Signal(Path)  # a dictation to transcribe into the box
    replacing = Signal()  # the text is about to be replaced by a file's

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setAcceptDrops(True)
        self.setTabChangesFocus(True)
        self.setAccessibleName(self.tr("Texte source"))
        self.setPlaceholderText(
            self.tr(
                "Collez ici le texte, ou déposez un ou plusieurs fichiers : e-mail (.eml, .msg), "
                "PDF, Word, OpenDocument, texte, ou une dictée (.wav, .mp3, .m4a…) (Ctrl+O)."
            )
        )

    def load_file(self, path: Path) -> bool:
        return self.load_files([path])

    def load_files(self, paths: list[Path]) -> bool:
        """Replace the text with the files' (labelled when several, in order); on failure keep
        the text and report why. A dictation (one audio file) is transcribed into the box."""
        if any(is_audio(path) for path in paths):
            if len(paths) > 1:
                self.problem.emit(self.tr("Ouvrez une seule dictée à la fois, sans autre fichier."))
            else:
                self.audio_chosen.emit(paths[0])
            return False
        try:
            text = read_sources(paths)
        except UsageError as exc:
            self.problem.emit(exc.message)
            return False
        self.replacing.emit()
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
