"""Which audio files a dictation may be, checked before anything is decoded: the formats
phones and dictaphones write, the proprietary ones refused with how to convert them, size
limits; the messages a secretary reads. No decoding here (engine/audio.py does it in the
speech worker), so the window and the commands check a file without loading NumPy.
"""

from __future__ import annotations

import shutil
from pathlib import Path

from hospidesk.errors import UsageError

RATE = 16_000
"""What Whisper models hear: 16 kHz mono."""
MAX_BYTES = 500 * 1024 * 1024
MAX_SECONDS = 3 * 3600
SUPPORTED = (".wav", ".mp3", ".m4a", ".ogg", ".opus", ".flac")
DICTAPHONE = (".dss", ".ds2")
BLOCK_SECONDS = 10
AUDIO_SUFFIXES = SUPPORTED + DICTAPHONE
"""What the window and the command line take as a dictation (the second kind is refused
with how to convert it)."""


class AudioError(UsageError):
    """An audio file that cannot be read, in words a secretary understands."""


def check_audio_file(path: Path) -> None:
    """Refuse, before anything is read, what cannot be transcribed (French messages)."""
    suffix = path.suffix.lower()
    if suffix in DICTAPHONE:
        raise AudioError(
            f"« {path.name} » est au format propriétaire des dictaphones ({suffix}) : "
            "exportez-le en .wav ou .mp3 avec le logiciel du dictaphone (Olympus ODMS, "
            "Philips SpeechExec : « Exporter » ou « Convertir »), puis ouvrez ce fichier."
        )
    if suffix not in SUPPORTED:
        raise AudioError(
            f"Format audio non pris en charge : « {path.name} » (formats acceptés : "
            f"{', '.join(SUPPORTED)})."
        )
    try:
        size = path.stat().st_size
    except FileNotFoundError:
        raise AudioError(f"Fichier audio introuvable : {path}") from None
    except OSError as exc:
        raise AudioError(f"Fichier audio illisible : {path} ({exc.strerror})") from None
    if size == 0:
        raise AudioError(f"Fichier audio vide : « {path.name} ».")
    if size > MAX_BYTES:
        raise AudioError(
            f"Fichier audio trop volumineux : « {path.name} » ({size // (1024 * 1024)} Mo, "
            f"au plus {MAX_BYTES // (1024 * 1024)} Mo)."
        )
    if suffix == ".m4a" and shutil.which("ffmpeg") is None:
        raise AudioError(
            f"Les fichiers .m4a (« {path.name} ») se lisent avec le programme FFmpeg, absent "
            "de ce poste : demandez-le à la DSI, ou enregistrez la dictée en .mp3 ou .wav."
        )


def damaged(path: Path) -> AudioError:
    return AudioError(
        f"Fichier audio illisible ou abîmé : « {path.name} ». Réenregistrez-le ou "
        "exportez-le de nouveau depuis le dictaphone ou le téléphone."
    )
