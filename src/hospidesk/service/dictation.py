"""Dictation: an audio file or a recording becomes a transcript, on this workstation.

The speech model is an approved catalog entry (``[[speech_model]]``: every file's sha256),
found in IT's site folder, the installation, the package that embeds it or the user's
folder, never downloaded; its files are checked again by the worker as it loads them. The
transcript is then a source like any other (privacy guard, encrypted history when a draft
is made of it); the audio is never written by HospiDesk and never sent to a server. The
audit trail records sizes, keyed hashes, the duration and the model's sha256.
"""

from __future__ import annotations

import hashlib
import threading
from collections.abc import Callable
from dataclasses import dataclass
from importlib.util import find_spec
from pathlib import Path

from hospidesk.engine.audio_files import AUDIO_SUFFIXES, MAX_SECONDS, check_audio_file
from hospidesk.engine.catalog import SpeechModelEntry, candidate_paths, locate_speech
from hospidesk.engine.speech_client import Finished, Heard, Position, SpeechClient, SpeechJob
from hospidesk.errors import HospiDeskError, ModelError
from hospidesk.governance.audit import AuditEvent, AuditKind, Digest
from hospidesk.packs.loader import Pack
from hospidesk.service.backends import ABSENT, VERIFIED, check_memory, physical_cores
from hospidesk.service.workspace import Workspace

__all__ = ["AUDIO_SUFFIXES", "Dictation", "Transcript", "clock", "is_audio", "speech_model"]

OnHeard = Callable[[Heard], None]
OnPosition = Callable[[Position], None]


@dataclass(frozen=True)
class Transcript:
    text: str
    segments: tuple[Heard, ...]
    duration: float
    seconds: float
    model: SpeechModelEntry
    cancelled: bool = False


def clock(seconds: float) -> str:
    """A position in a dictation, as the window and the command line show it (mm:ss)."""
    minutes, rest = divmod(int(seconds), 60)
    return f"{minutes:02d}:{rest:02d}"


def is_audio(path: Path) -> bool:
    return path.suffix.lower() in AUDIO_SUFFIXES


DISABLED = "La dictée est désactivée sur ce poste par la DSI."
NOT_ALLOWED = "non autorisé par la DSI"


def not_allowed(model_id: str) -> str:
    """Why a speech model the machine policy does not allow is refused."""
    return f"Modèle de dictée « {model_id} » non autorisé par la politique de la DSI sur ce poste."


def speech_model(ws: Workspace, model_id: str | None = None) -> tuple[SpeechModelEntry, Path]:
    """The speech model asked for (or in the settings, or the default), if the machine
    policy allows it, and its folder."""
    policy = ws.policy.dictation
    if not policy.enabled:
        raise ModelError(DISABLED)
    chosen = model_id or ws.settings.get("dictee.modele").strip() or None
    entry = ws.catalog.speech_by_id(chosen)
    if model_id is None and not policy.allows(entry.id):  # the setting's or the default:
        entry = next((e for e in ws.catalog.speech if policy.allows(e.id)), entry)  # allowed
    if not policy.allows(entry.id):
        raise ModelError(not_allowed(entry.id))
    folder = locate_speech(entry, ws.paths)
    if folder is None:
        places = " ou ".join(str(p.parent) for p in candidate_paths(entry, ws.paths)[:1])
        raise ModelError(
            f"Modèle de dictée « {entry.id} » introuvable : placez le dossier {entry.folder} "
            f"dans {places} ou {ws.paths.user_models_dir}."
        )
    return entry, folder


def speech_state(ws: Workspace, entry: SpeechModelEntry) -> tuple[str, Path | None]:
    """« vérifié », « absent », « refusé — why » or « non autorisé par la DSI », and where
    the folder is (every listed file hashed; the worker checks them again as it loads them)."""
    if not ws.policy.dictation.allows(entry.id):
        return NOT_ALLOWED, locate_speech(entry, ws.paths)
    folder = locate_speech(entry, ws.paths)
    if folder is None:
        return ABSENT, None
    for name, expected in entry.files.items():
        digest = hashlib.sha256()
        try:
            with (folder / name).open("rb") as handle:
                while chunk := handle.read(1 << 20):
                    digest.update(chunk)
        except OSError:
            return f"refusé — {name} introuvable", folder
        if digest.hexdigest() != expected:
            return f"refusé — {name} modifié ou abîmé", folder
    return VERIFIED, folder


def installed() -> None:
    """The dictation extra's modules are on this workstation (else what to ask IT)."""
    missing = [name for name in ("ctranslate2", "tokenizers", "soundfile") if not find_spec(name)]
    if missing:
        raise ModelError(
            "La dictée n'est pas installée sur ce poste (composant hospidesk[dictation] : "
            f"{', '.join(missing)}) : demandez-la à la DSI."
        )


def glossary(ws: Workspace, pack: Pack | None) -> str:
    """The pack's words, then the user's own (setting « dictee.glossaire »)."""
    words = list(pack.manifest.glossary) if pack is not None else []
    words += [w.strip() for w in ws.settings.get("dictee.glossaire").split(",") if w.strip()]
    return ", ".join(dict.fromkeys(words))


def language(ws: Workspace, entry: SpeechModelEntry, asked: str | None = None) -> str:
    chosen = (asked or ws.settings.get("dictee.langue") or "fr").strip().lower()
    if chosen not in entry.languages:
        raise ModelError(
            f"Le modèle de dictée « {entry.name} » ne reconnaît pas la langue « {chosen} » "
            f"(langues : {', '.join(entry.languages)})."
        )
    return chosen


class Dictation:
    """One transcription at a time, stoppable from another thread (« Arrêter »)."""

    def __init__(self, ws: Workspace) -> None:
        self.ws = ws
        self.client = SpeechClient()
        self._stopped = threading.Event()

    def stop(self) -> None:
        self._stopped.set()
        self.client.cancel()

    def transcribe(
        self,
        audio: Path | bytes,
        model_id: str | None = None,
        pack: Pack | None = None,
        lang: str | None = None,
        on_heard: OnHeard | None = None,
        on_position: OnPosition | None = None,
    ) -> Transcript:
        """A file's path, or a recording (float32 samples at 16 kHz) held in memory."""
        if not self.ws.policy.dictation.enabled:
            raise ModelError(DISABLED)
        installed()
        entry, folder = speech_model(self.ws, model_id)  # the policy's answer comes first
        if isinstance(audio, Path):
            check_audio_file(audio)
        check_memory(entry)
        job = SpeechJob(
            entry.id,
            folder,
            dict(entry.files),
            language(self.ws, entry, lang),
            glossary(self.ws, pack),
            audio=audio if isinstance(audio, Path) else None,
            pcm=audio if isinstance(audio, bytes) else None,
            threads=self.ws.settings.get_int("moteur.threads") or physical_cores(),
            max_seconds=MAX_SECONDS,
        )
        heard: list[Heard] = []
        finished: Finished | None = None
        try:
            for event in self.client.run(job):
                if isinstance(event, Heard):
                    heard.append(event)
                    if on_heard:
                        on_heard(event)
                elif isinstance(event, Position):
                    if on_position:
                        on_position(event)
                else:
                    finished = event
        except KeyboardInterrupt:  # Ctrl+C in a terminal: stopped, what was heard is kept
            self.stop()
        except HospiDeskError:
            if not self._stopped.is_set():
                raise  # stopped: what was heard is kept
        finally:
            self._stopped.clear()  # a stop asked from now on is for the next transcription
        text = "\n".join(h.text for h in heard)
        duration = finished.duration if finished else (heard[-1].end if heard else 0.0)
        transcript = Transcript(
            text,
            tuple(heard),
            duration,
            finished.seconds if finished else 0.0,
            entry,
            cancelled=finished is None,
        )
        self._audit(audio, transcript)
        return transcript

    def _audit(self, audio: Path | bytes, transcript: Transcript) -> None:
        try:
            source = (
                self.ws.audit.digest_file("audio", audio)
                if isinstance(audio, Path)
                else self.ws.audit.digest("audio", audio)
            )
            inputs: tuple[Digest, ...] = (source,)
        except OSError:  # the file went away (a USB key, a share): the transcript stays
            inputs = ()
        self.ws.audit.append(
            AuditEvent(
                AuditKind.TRANSCRIBED,
                model_sha256=transcript.model.files.get("model.bin"),
                inputs=inputs,
                output=self.ws.audit.digest("transcription", transcript.text),
                details={
                    "speech_model": transcript.model.id,
                    "duration_s": round(transcript.duration, 1),
                    "segments": len(transcript.segments),
                    "stopped": transcript.cancelled,
                },
            )
        )
