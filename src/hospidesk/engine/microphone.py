"""The workstation's microphone for « Dicter »: the sound is kept in memory as it is recorded
(16-bit blocks), never written anywhere, then handed to the speech worker through its pipe.

Recording goes through sounddevice (MIT) on PortAudio (the system's libportaudio2), on the
input device the system calls default, or the one named by the setting « dictee.micro ».
"""

from __future__ import annotations

import threading
from typing import Any

import numpy as np

from hospidesk.engine.audio import Resampler
from hospidesk.engine.audio_files import RATE
from hospidesk.errors import UsageError

MAX_RECORDING_SECONDS = 30 * 60


class MicrophoneError(UsageError):
    """No microphone, or no sound library: said in words, with what to do."""


def _sounddevice() -> Any:
    try:
        import sounddevice
    except ImportError:
        raise MicrophoneError(
            "La dictée au micro n'est pas installée sur ce poste (composant sounddevice) : "
            "demandez-la à la DSI, ou ouvrez un fichier de dictée."
        ) from None
    except OSError:  # sounddevice imports fine only when PortAudio is found
        raise MicrophoneError(
            "La dictée au micro demande la bibliothèque PortAudio (paquet libportaudio2) : "
            "demandez-la à la DSI, ou ouvrez un fichier de dictée."
        ) from None
    return sounddevice


class Recording:
    """One recording from start to stop; ``samples()`` gives it at 16 kHz mono."""

    def __init__(self, device: str | None = None) -> None:
        sd = _sounddevice()
        try:
            info = sd.query_devices(device or None, "input")
        except (ValueError, sd.PortAudioError):
            raise MicrophoneError(
                "Aucun micro n'est disponible sur ce poste : branchez-en un, ou ouvrez un "
                "fichier de dictée."
            ) from None
        self.rate = int(info["default_samplerate"]) or RATE
        self._blocks: list[np.ndarray] = []
        self._lock = threading.Lock()
        self.full = False
        """The recording reached its limit (30 minutes): what came after is not kept."""
        try:
            self._stream = sd.InputStream(
                device=device or None,
                samplerate=self.rate,
                channels=1,
                dtype="int16",  # what every microphone gives; converted on stop
                callback=self._heard,
            )
            self._stream.start()
        except sd.PortAudioError:
            raise MicrophoneError(
                "Le micro n'a pas pu être ouvert (déjà utilisé par une autre application ?)."
            ) from None

    def _heard(self, block: np.ndarray, frames: int, time: Any, status: Any) -> None:
        with self._lock:
            if self.seconds >= MAX_RECORDING_SECONDS:
                self.full = True
                return
            self._blocks.append(block[:, 0].copy())

    @property
    def seconds(self) -> float:
        return sum(len(b) for b in self._blocks) / self.rate

    def stop(self) -> bytes:
        """Close the device; the recording as float32 little-endian samples at 16 kHz."""
        self._stream.stop()
        self._stream.close()
        with self._lock:
            blocks, self._blocks = self._blocks, []
        resampler = Resampler(self.rate)
        parts = [resampler.feed(block.astype(np.float32) / 32768) for block in blocks]
        parts.append(resampler.feed(np.zeros(0, np.float32), final=True))
        return np.concatenate(parts).astype("<f4").tobytes()
