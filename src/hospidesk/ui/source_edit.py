"""The source text area: paste, type, open or drop files (an e-mail and its attachment, a
PDF, a Word or OpenDocument letter); several files are labelled, in order.

Files are read in a thread of their own, so that a long PDF never freezes the window: the box
is read-only meanwhile, and a task switch abandons the read (its text never comes in).
"""

from __future__ import annotations

import contextlib
import logging
import threading
from pathlib import Path

from PySide6.QtCore import Signal
from PySide6.QtGui import QDragEnterEvent, QDropEvent
from PySide6.QtWidgets import QPlainTextEdit, QWidget

from hospidesk.documents.sources import READABLE, read_sources
from hospidesk.errors import HospiDeskError
from hospidesk.service.dictation import AUDIO_SUFFIXES, is_audio

FILE_FILTER = " ".join(
    [f"*.{suffix}" for suffix in READABLE] + [f"*{suffix}" for suffix in AUDIO_SUFFIXES]
)


class SourceEdit(QPlainTextEdit):
    problem = Signal(str)  # a file that could not be read, in French
    loaded = Signal(str)  # the name of a file that was read
    audio_chosen = Signal(Path)  # a dictation to transcribe into the box
    replacing = Signal()  # the text is about to be replaced by a file's
    reading = Signal(str)  # the names of the files being read, before their text comes in
    _read = Signal(int, object)  # from the reading thread: the read's number, text or error

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._reads = 0
        self._awaited = 0
        """The number of the read whose text the box waits for; 0: none."""
        self._read.connect(self._finished)  # queued: emitted by the reading thread
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
        return self._awaited != 0

    def load_file(self, path: Path) -> None:
        self.load_files([path])

    def load_files(self, paths: list[Path]) -> None:
        """Replace the text with the files' (labelled when several, in order), read in the
        background; on failure keep the text and report why. A dictation (one audio file) is
        transcribed into the box."""
        if any(is_audio(path) for path in paths):
            if len(paths) > 1:
                self.problem.emit(self.tr("Ouvrez une seule dictée à la fois, sans autre fichier."))
            else:
                self.audio_chosen.emit(paths[0])
            return
        self._reads += 1
        self._awaited = self._reads
        self.setReadOnly(True)
        self.reading.emit(", ".join(path.name for path in paths))
        threading.Thread(
            target=self._read_files, args=(self._reads, paths), name="source", daemon=True
        ).start()

    def abandon_reading(self) -> None:
        """The file being read is not wanted any more (another task, an example)."""
        self._awaited = 0
        self.setReadOnly(False)

    def _read_files(self, number: int, paths: list[Path]) -> None:
        """In the reading thread."""
        result: str | Exception
        try:
            result = read_sources(paths)
        except Exception as exc:  # reported in the window, never lost
            result = exc
        with contextlib.suppress(RuntimeError):  # the window was closed meanwhile
            self._read.emit(number, (paths, result))

    def _finished(self, number: int, outcome: tuple[list[Path], str | Exception]) -> None:
        if number != self._awaited:
            return  # abandoned, or replaced by a newer read
        self.abandon_reading()
        paths, result = outcome
        if isinstance(result, HospiDeskError):
            self.problem.emit(result.message)
        elif isinstance(result, Exception):
            logging.getLogger(__name__).error("reading a source failed", exc_info=result)
            self.problem.emit(self.tr("Le fichier n'a pas pu être lu (erreur inattendue)."))
        else:
            self.replacing.emit()
            self.setPlainText(result)
            self.loaded.emit(", ".join(path.name for path in paths))

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
