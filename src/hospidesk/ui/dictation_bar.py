"""A dictation in the source box: a file dropped or opened, or « Dicter » at the microphone
(kept in memory, never written). The transcript comes into the box segment by segment at the
end of the text (the user may edit it meanwhile), the position in the bar under the box,
« Arrêter la dictée » keeps what was heard. The speech model runs in its own process
(service.dictation), the audio never leaves the workstation."""

from __future__ import annotations

import logging
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import QCoreApplication, QTimer, Signal
from PySide6.QtGui import QTextCursor
from PySide6.QtWidgets import QHBoxLayout, QLabel, QProgressBar, QPushButton, QWidget

from hospidesk.engine.speech_client import Heard, Position
from hospidesk.errors import HospiDeskError
from hospidesk.packs.loader import Pack
from hospidesk.service.dictation import Dictation, Transcript, clock
from hospidesk.service.workspace import Workspace
from hospidesk.ui.background import Background
from hospidesk.ui.source_edit import SourceEdit

if TYPE_CHECKING:  # NumPy and the sound library load only when « Dicter » is pressed
    from hospidesk.engine.microphone import Recording


@dataclass
class DictationRun:
    """The dictation being transcribed (off the window's thread: ``ui.background``)."""

    name: str
    dictation: Dictation
    abandoned: bool = False
    """The box went on to something else: nothing more is written into it."""


class DictationBar(QWidget):
    """Under the source box while a dictation is transcribed; its « Dicter » button sits
    beside « Ouvrir un fichier… »."""

    shown = Signal(str)  # what the bar says now (the position heard), for assistive tools

    def __init__(self, source: SourceEdit) -> None:
        super().__init__()
        self.source = source
        self.background = Background(self)
        self.background.ended.connect(self._gone)
        self.workspace: Workspace | None = None
        self.pack: Pack | None = None
        self.run: DictationRun | None = None
        self.recording: Recording | None = None
        self.label = QLabel()
        self.label.setAccessibleName(self.tr("Avancement de la dictée"))
        self.progress = QProgressBar()
        self.progress.setRange(0, 1000)
        self.progress.setTextVisible(False)
        self.stop_button = QPushButton(self.tr("Arrêter la dictée"))
        self.stop_button.clicked.connect(self.stop)
        layout = QHBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.label, 1)
        layout.addWidget(self.progress, 1)
        layout.addWidget(self.stop_button)
        self.hide()
        self.record_button = QPushButton(self.tr("Dicter"))
        self.record_button.setAccessibleName(self.tr("Dicter au micro"))
        self.record_button.setToolTip(
            self.tr("Enregistrer au micro (gardé en mémoire, jamais écrit), puis transcrire")
        )
        self.record_button.clicked.connect(self.toggle_recording)
        self.clock = QTimer(self)
        self.clock.setInterval(250)
        self.clock.timeout.connect(self._tick)
        source.audio_chosen.connect(self.transcribe)
        source.replacing.connect(self.abandon)
        app = QCoreApplication.instance()
        if app is not None:
            app.aboutToQuit.connect(self.quit)

    @property
    def running(self) -> bool:
        return self.run is not None

    def transcribe(self, audio: Path) -> None:
        self._start(audio, audio.name)

    def toggle_recording(self) -> None:
        """« Dicter »: record from the microphone; again: stop and transcribe. A recording
        goes to the box of the task shown when it stops."""
        if self.recording is None:
            if self._busy():
                return
            from hospidesk.engine.microphone import Recording

            try:
                self.recording = Recording()
            except HospiDeskError as exc:
                self.source.problem.emit(exc.message)
                return
            self.clock.start()
            self._tick()
            return
        recording, self.recording = self.recording, None
        self.clock.stop()
        self.record_button.setText(self.tr("Dicter"))
        self._start(recording.stop(), self.tr("enregistrement"))

    def _tick(self) -> None:
        if self.recording is None:
            return
        self.record_button.setText(
            self.tr("Terminer la dictée (%s)") % clock(self.recording.seconds)
        )
        if self.recording.full:  # 30 minutes: transcribed as it is
            self.toggle_recording()

    def _busy(self) -> bool:
        if self.workspace is None:
            return True
        if self.run is not None:
            self.source.problem.emit(
                self.tr(
                    "Une dictée est déjà en cours de transcription : attendez-la ou arrêtez-la."
                )
            )
            return True
        return False

    def _start(self, audio: Path | bytes, name: str) -> None:
        if self._busy():
            return
        assert self.workspace is not None
        dictation, pack = Dictation(self.workspace), self.pack
        self.run = DictationRun(name, dictation)
        self.label.setText(self.tr("Dictée « %s » : préparation…") % name)
        self.progress.setValue(0)
        self.show()
        self.background.stream(
            lambda report: dictation.transcribe(
                audio, pack=pack, on_heard=report, on_position=report
            ),
            self._news,
            self._transcribed,
            self._failed,
            key="dictation",
        )

    def stop(self) -> None:
        if self.run is not None:
            self.run.dictation.stop()

    def quit(self) -> None:
        """The application quits: a recording in progress is dropped, a transcription stops."""
        if self.recording is not None:
            self.recording.stop()
            self.recording = None
        self.stop()

    def abandon(self) -> None:
        """The box is about to hold something else (another task, an example, a file): stop,
        and nothing more of this dictation comes into it."""
        if self.run is not None and not self.run.abandoned:
            self.run.abandoned = True
            self.background.drop("dictation")
            self.run.dictation.stop()

    def _news(self, news: Heard | Position) -> None:
        match news:
            case Heard(text=text):
                self._heard(text)
            case Position(seconds=seconds, duration=duration):
                self._position(seconds, duration or 0.0)

    def _heard(self, text: str) -> None:
        cursor = QTextCursor(self.source.document())  # the user's own cursor stays where it is
        cursor.movePosition(QTextCursor.MoveOperation.End)
        before = self.source.toPlainText()
        separator = "" if not before or before.endswith("\n") else "\n"
        cursor.insertText(separator + text)

    def _position(self, seconds: float, duration: float) -> None:
        assert self.run is not None
        total = f" / {clock(duration)}" if duration else ""
        self.label.setText(self.tr("Dictée « %s » : %s%s") % (self.run.name, clock(seconds), total))
        if duration:
            self.progress.setValue(min(1000, int(1000 * seconds / duration)))
        self.shown.emit(self.label.text())

    def _transcribed(self, transcript: Transcript) -> None:
        assert self.run is not None
        if not transcript.text.strip() and not transcript.cancelled:
            self._ended(self.tr("Aucune parole reconnue dans « %s ».") % self.run.name, False)
        else:
            self._ended("", transcript.cancelled)

    def _failed(self, error: Exception) -> None:
        """Never a bar stuck « en cours »: said, and a bug logged."""
        if isinstance(error, HospiDeskError):
            self._ended(error.message, False)
            return
        logging.getLogger(__name__).error("dictation failed", exc_info=error)
        self._ended(self.tr("La transcription a échoué : réessayez."), False)

    def _gone(self, key: str) -> None:
        """An abandoned dictation has stopped: the bar is free again."""
        if self.run is not None and self.run.abandoned:
            self.run = None
            self.hide()

    def _ended(self, problem: str, stopped: bool) -> None:
        run, self.run = self.run, None
        self.hide()
        if problem:
            self.source.problem.emit(problem)
        elif run is not None:
            suffix = self.tr(" (arrêtée : le texte entendu est gardé)") if stopped else ""
            self.source.loaded.emit(self.tr("%s, transcrite sur ce poste") % run.name + suffix)
