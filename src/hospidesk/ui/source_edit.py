"""The source text area: paste, type, open or drop files (an e-mail and its attachment, a
PDF, a Word or OpenDocument letter); several files are labelled, in order.

Files are read off the window's thread (``ui.background``), so that a long PDF never freezes
the window: the box is read-only meanwhile, and a task switch abandons the read (its text never
comes in).
"""

from __future__ import annotations

import logging
from pathlib import Path

from PySide6.QtCore import Signal
from PySide6.QtGui import QDragEnterEvent, QDropEvent
from PySide6.QtWidgets import QPlainTextEdit, QWidget

from hospidesk.documents.sources import READABLE, read_sources
from hospidesk.errors import HospiDeskError
from hospidesk.service.dictation import AUDIO_SUFFIXES, is_audio
from hospidesk.ui.background import Background

FILE_FILTER = " ".join(
    [f"*.{suffix}" for suffix in READABLE] + [f"*{suffix}" for suffix in AUDIO_SUFFIXES]
)


class SourceEdit(QPlainTextEdit):
    problem = Signal(str)  # a file that could not be read, in French
    loaded = Signal(str)  # the name of a file that was read
    audio_chosen = Signal(Path)  # a dictation to transcribe into the box
    replacing = Signal()  # the text is about to be replaced by a file's (or a dictation's)
    reading = Signal(str)  # the files being read, by name; "": the read ended without text

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._awaited = False
        """Whether the box waits for a read's text."""
        self.background = Background(self)
        self.setAcceptDrops(True)
        self.setTabChangesFocus(True)
        self.setAccessibleName(self.tr("Texte source"))
        self.setPlaceholderText(
            self.tr(
                "Collez ici le texte, ou déposez un ou plusieurs fichiers : e-mail (.eml, .msg), "
                "PDF, Word, OpenDocument, texte, ou une dictée (.wav, .mp3, .m4a…) (Ctrl+O)."
            )
        )

    @property
    def busy(self) -> bool:
        """A file is being read into the box."""
        return self._awaited

    def load_file(self, path: Path) -> None:
        self.load_files([path])

    def load_files(self, paths: list[Path]) -> None:
        """Replace the text with the files' (labelled when several, in order), read in the
        background; on failure keep the text and report why. A dictation (one audio file) is
        transcribed into the box. The last choice wins: a file stops a dictation and a
        dictation drops a file being read."""
        if any(is_audio(path) for path in paths):
            if len(paths) > 1:
                self.problem.emit(self.tr("Ouvrez une seule dictée à la fois, sans autre fichier."))
            else:
                self.abandon_reading()
                self.audio_chosen.emit(paths[0])
            return
        self.replacing.emit()  # a dictation running into the box stops
        self._awaited = True
        self.setReadOnly(True)
        self.reading.emit(names(paths))
        self.background.run(  # the last read wins: an earlier one's text is dropped
            lambda: read_sources(paths),
            lambda text: self._read(paths, text),
            self._not_read,
            key="source",
        )

    def abandon_reading(self) -> None:
        """The file being read is not wanted any more (another task, an example, « Effacer »,
        a dictation): its text never comes in."""
        if self._awaited:
            self.background.drop("source")
            self._awaited = False
            self.setReadOnly(False)
            self.reading.emit("")

    def _read(self, paths: list[Path], text: str) -> None:
        self._awaited = False
        self.setReadOnly(False)
        self.replacing.emit()
        self.setPlainText(text)
        self.loaded.emit(names(paths))

    def _not_read(self, error: Exception) -> None:
        """The text stays; why the file was not read is said (a bug is logged)."""
        self._awaited = False
        self.setReadOnly(False)
        self.reading.emit("")
        if isinstance(error, HospiDeskError):
            self.problem.emit(error.message)
        else:
            logging.getLogger(__name__).error("reading a source failed", exc_info=error)
            self.problem.emit(self.tr("Le fichier n'a pas pu être lu (erreur inattendue)."))

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


def names(paths: list[Path]) -> str:
    """The files' names, as the status bar shows them."""
    return ", ".join(path.name for path in paths)
