"""The source text area: paste, type, open or drop files (an e-mail and its attachment, a
PDF, a Word or OpenDocument letter); several files are labelled, in order.

Files are read off the window's thread (``ui.background``), so that a long PDF never freezes
the window: the box is read-only meanwhile, a scan says each page it reads, « Annuler la
lecture » stops it, and a task switch abandons the read (its text never comes in, its reader
is stopped).

What OCR could not read for sure is highlighted until the user corrects it: each span is
followed through the edits (a QTextCursor), and one whose text the user changed is taken as
checked.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable
from pathlib import Path

from PySide6.QtCore import QCoreApplication, Qt, Signal
from PySide6.QtGui import QColor, QDragEnterEvent, QDropEvent, QTextCursor
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QLabel,
    QListWidget,
    QListWidgetItem,
    QPlainTextEdit,
    QPushButton,
    QTextEdit,
    QVBoxLayout,
    QWidget,
)

from hospidesk.documents.attachments import listed, reference
from hospidesk.documents.formats import READABLE
from hospidesk.documents.ocr import reading_page
from hospidesk.documents.source import Doubtful, SourceDocument, combined
from hospidesk.documents.sources import read_documents
from hospidesk.errors import HospiDeskError
from hospidesk.service.dictation import AUDIO_SUFFIXES, is_audio
from hospidesk.ui.background import Background

DOUBTFUL_COLOUR = QColor("#ffe08a")
"""Amber, as a highlighter pen: « check this on the paper »."""
FILE_FILTER = " ".join(
    [f"*.{suffix}" for suffix in READABLE] + [f"*{suffix}" for suffix in AUDIO_SUFFIXES]
)


class SourceEdit(QPlainTextEdit):
    problem = Signal(str)  # a file that could not be read, in French
    loaded = Signal(str)  # the name of a file that was read
    audio_chosen = Signal(Path)  # a dictation to transcribe into the box
    replacing = Signal()  # the text is about to be replaced by a file's (or a dictation's)
    reading = Signal(str)  # the files being read, by name; "": the read ended without text
    page = Signal(str)  # « Lecture du scan : page 2 sur 5… »

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._awaited = False
        """Whether the box waits for a read's text."""
        self._cancel = threading.Event()
        self._doubtful: list[tuple[QTextCursor, Doubtful]] = []
        self.background = Background(self)
        self.cancel_button = QPushButton(self.tr("Annuler la lecture"))
        self.cancel_button.setAccessibleName(self.tr("Annuler la lecture du fichier"))
        self.cancel_button.clicked.connect(self.abandon_reading)
        self.cancel_button.hide()
        self.doubtful_note = QLabel(
            self.tr(
                "Surligné en jaune : lu sur le scan sans certitude. Vérifiez sur l'original et "
                "corrigez si besoin (le surlignage disparaît)."
            )
        )
        self.doubtful_note.setWordWrap(True)
        self.doubtful_note.hide()
        self._paths: list[Path] = []
        """The files the text was read from."""
        self._attached: list[tuple[Path, str]] = []
        """Their readable attachments: (``mail.msg#N``, a label), none read yet."""
        self.attachments_button = QPushButton(self.tr("Lire une pièce jointe…"))
        self.attachments_button.setAccessibleName(
            self.tr("Lire aussi des pièces jointes du message")
        )
        self.attachments_button.clicked.connect(self.read_attachments)
        self.attachments_button.hide()
        self.choose_attachments: Callable[[list[tuple[Path, str]]], list[Path]] = lambda offered: (
            ask_attachments(self, offered)
        )
        self.textChanged.connect(self._highlight)
        self.setAcceptDrops(True)
        self.setTabChangesFocus(True)
        self.setAccessibleName(self.tr("Texte source"))
        self.setPlaceholderText(
            self.tr(
                "Collez ici le texte, ou déposez un ou plusieurs fichiers : e-mail (.eml, .msg), "
                "PDF, Word, OpenDocument, texte, scan ou fax (.tif, .png, .jpg), ou une dictée "
                "(.wav, .mp3, .m4a…) (Ctrl+O)."
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
        self._cancel.set()  # a reader still running for an earlier choice stops
        cancel = self._cancel = threading.Event()
        self._waiting(True)
        self.reading.emit(names(paths))
        self.background.stream(  # the last read wins: an earlier one's text is dropped
            lambda report: read_documents(paths, lambda n, t: report((n, t)), cancel),
            lambda news: self.page.emit(reading_page(*news)),
            lambda documents: self._read(paths, documents),
            self._not_read,
            key="source",
        )

    def read_attachments(self) -> None:
        """The attachments the user picks, read after the files already in the box."""
        chosen = self.choose_attachments(self._attached)
        if chosen:
            self.load_files([*self._paths, *chosen])

    def _waiting(self, waiting: bool) -> None:
        self._awaited = waiting
        self.setReadOnly(waiting)
        self.cancel_button.setVisible(waiting)
        if waiting:
            self.attachments_button.hide()

    def abandon_reading(self) -> None:
        """The file being read is not wanted any more (another task, an example, « Effacer »,
        a dictation): its text never comes in."""
        self._attached = []
        self.attachments_button.hide()
        if self._awaited:
            self._cancel.set()
            self.background.drop("source")
            self._waiting(False)
            self.reading.emit("")

    def _read(self, paths: list[Path], documents: list[SourceDocument]) -> None:
        self._waiting(False)
        self.replacing.emit()
        text, doubtful = combined(documents)
        self.setPlainText(text)
        self._doubtful = [(self._cursor(text, span), span) for span in doubtful]
        self._highlight()
        self._paths = paths
        offered = [
            (Path(f"{path}#{a.number}"), f"{a.name} ({path.name})")
            for path, document in zip(paths, documents, strict=True)
            if reference(path) is None
            for a in listed(document)
            if a.readable
        ]
        self._attached = [(path, label) for path, label in offered if path not in paths]
        self.attachments_button.setVisible(bool(self._attached))
        self.loaded.emit(names(paths))

    def _cursor(self, text: str, span: Doubtful) -> QTextCursor:
        """A cursor selecting ``span`` (Qt counts UTF-16 units, Python code points)."""
        cursor = QTextCursor(self.document())
        cursor.setPosition(_units(text[: span.start]))
        cursor.setPosition(_units(text[: span.end]), QTextCursor.MoveMode.KeepAnchor)
        return cursor

    def to_check(self) -> tuple[Doubtful, ...]:
        """What OCR read that the user has not corrected yet, as it stands in the box."""
        return tuple(span for cursor, span in self._doubtful if cursor.selectedText() == span.text)

    def _highlight(self) -> None:
        """The spans still to check, highlighted; one the user edited is forgotten."""
        if not self._doubtful:
            return
        self._doubtful = [(c, s) for c, s in self._doubtful if c.selectedText() == s.text]
        self.doubtful_note.setVisible(bool(self._doubtful))
        selections = []
        for cursor, _ in self._doubtful:
            selection = QTextEdit.ExtraSelection()
            selection.cursor = cursor
            selection.format.setBackground(DOUBTFUL_COLOUR)
            selections.append(selection)
        self.setExtraSelections(selections)

    def _not_read(self, error: Exception) -> None:
        """The text stays; why the file was not read is said (a bug is logged)."""
        self._waiting(False)
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


def ask_attachments(parent: QWidget, offered: list[tuple[Path, str]]) -> list[Path]:
    """The attachments the user ticks (none: cancelled)."""
    dialog = QDialog(parent)
    dialog.setWindowTitle(QCoreApplication.translate("SourceEdit", "Lire des pièces jointes"))
    column = QVBoxLayout(dialog)
    column.addWidget(
        QLabel(
            QCoreApplication.translate(
                "SourceEdit", "Pièces jointes à lire à la suite du texte source :"
            )
        )
    )
    choices = QListWidget()
    for path, label in offered:
        item = QListWidgetItem(label)
        item.setData(Qt.ItemDataRole.UserRole, str(path))
        item.setCheckState(Qt.CheckState.Unchecked)
        choices.addItem(item)
    column.addWidget(choices)
    buttons = QDialogButtonBox(
        QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel
    )
    buttons.accepted.connect(dialog.accept)
    buttons.rejected.connect(dialog.reject)
    column.addWidget(buttons)
    if dialog.exec() != QDialog.DialogCode.Accepted:
        return []
    return [
        Path(str(choices.item(i).data(Qt.ItemDataRole.UserRole)))
        for i in range(choices.count())
        if choices.item(i).checkState() == Qt.CheckState.Checked
    ]


def _units(text: str) -> int:
    return len(text.encode("utf-16-le")) // 2


def names(paths: list[Path]) -> str:
    """The files' names, as the status bar shows them."""
    return ", ".join(path.name for path in paths)
