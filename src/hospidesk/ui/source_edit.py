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

from PySide6.QtCore import QObject, Signal
from PySide6.QtGui import QDragEnterEvent, QDropEvent
from PySide6.QtWidgets import QPlainTextEdit, QWidget

from hospidesk.documents.sources import READABLE, read_sources
from hospidesk.errors import HospiDeskError
from hospidesk.service.dictation import AUDIO_SUFFIXES, is_audio

FILE_FILTER = " ".join(
    [f"*.{suffix}" for suffix in READABLE] + [f"*{suffix}" for suffix in AUDIO_SUFFIXES]
)


class ReadDone(QObject):
    """Carries a read's outcome from its thread to the box. Parentless, so that the thread
    never emits on the box itself: when the box is gone, Qt has dropped the connection."""

    done = Signal(int, object)  # the read's number, (its paths, its text or error)


class SourceEdit(QPlainTextEdit):
    problem = Signal(str)  # a file that could not be read, in French
    loaded = Signal(str)  # the name of a file that was read
    audio_chosen = Signal(Path)  # a dictation to transcribe into the box
    replacing = Signal()  # the text is about to be replaced by a file's (or a dictation's)
    reading = Signal(str)  # the files being read, by name; "": the read ended without text

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._reads = 0
        self._awaited = 0
        """The number of the read whose text the box waits for; 0: none."""
        self.read_done = ReadDone()
        self.read_done.done.connect(self._finished)  # queued: emitted by the reading thread
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
        self._reads += 1
        self._awaited = self._reads
        self.setReadOnly(True)
        self.reading.emit(names(paths))
        relay = self.read_done
        threading.Thread(
            target=_read_files, args=(relay, self._reads, paths), name="source", daemon=True
        ).start()

    def abandon_reading(self) -> None:
        """The file being read is not wanted any more (another task, an example, « Effacer »,
        a dictation): its text never comes in."""
        if self._awaited:
            self._awaited = 0
            self.setReadOnly(False)
            self.reading.emit("")

    def _finished(self, number: int, outcome: tuple[list[Path], str | Exception]) -> None:
        if number != self._awaited:
            return  # abandoned, or replaced by a newer read
        self._awaited = 0
        self.setReadOnly(False)
        paths, result = outcome
        if isinstance(result, str):
            self.replacing.emit()
            self.setPlainText(result)
            self.loaded.emit(names(paths))
            return
        self.reading.emit("")
        if isinstance(result, HospiDeskError):
            self.problem.emit(result.message)
        else:
            logging.getLogger(__name__).error("reading a source failed", exc_info=result)
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


def _read_files(relay: ReadDone, number: int, paths: list[Path]) -> None:
    """In the reading thread: the files' text, or why not, sent back through ``relay``."""
    result: str | Exception
    try:
        result = read_sources(paths)
    except Exception as exc:  # reported in the window, never lost
        result = exc
    with contextlib.suppress(RuntimeError):  # the relay outlived by nothing: nobody listens
        relay.done.emit(number, (paths, result))


def names(paths: list[Path]) -> str:
    """The files' names, as the status bar shows them."""
    return ", ".join(path.name for path in paths)
