"""The conversation with one speech worker (``speech_worker``): start it, send the request
(and a recording's samples, through the pipe: never a file), read its events, kill it to
stop."""

from __future__ import annotations

import json
import subprocess
import sys
import threading
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO

from hospidesk.children import child_env, python_child
from hospidesk.errors import Cancelled, EngineError, ModelError, UsageError


@dataclass(frozen=True)
class SpeechJob:
    model_id: str
    folder: Path
    files: dict[str, str]
    """File name → sha256, as the catalog gives them."""
    language: str
    glossary: str = ""
    audio: Path | None = None
    pcm: bytes | None = field(default=None, repr=False)
    """A recording: float32 little-endian samples at 16 kHz, mono."""
    threads: int = 1
    max_seconds: float = 3 * 3600


@dataclass(frozen=True)
class Heard:
    """A segment of the transcript: where it is in the audio, in seconds, and its text."""

    start: float
    end: float
    text: str


@dataclass(frozen=True)
class Position:
    seconds: float
    duration: float | None


@dataclass(frozen=True)
class Finished:
    duration: float
    seconds: float
    """Processing time, the model's loading included."""


def speech_worker_command() -> list[str]:
    return python_child("hospidesk.engine.speech_worker", "--speech-worker")


class SpeechClient:
    """One transcription at a time; ``cancel`` from any thread kills the worker."""

    def __init__(self) -> None:
        self._proc: subprocess.Popen[bytes] | None = None
        self._lock = threading.Lock()
        self._cancelled = False

    def run(self, job: SpeechJob) -> Iterator[Heard | Position | Finished]:
        request = {
            "model": {"id": job.model_id, "folder": str(job.folder), "files": job.files},
            "audio": str(job.audio) if job.audio else None,
            "pcm_samples": len(job.pcm) // 4 if job.pcm else 0,
            "language": job.language,
            "glossary": job.glossary,
            "threads": job.threads,
            "max_seconds": job.max_seconds,
        }
        with self._lock:
            if self._cancelled:  # stopped before the worker started
                self._cancelled = False
                raise Cancelled("Transcription arrêtée.")
            self._proc = subprocess.Popen(
                speech_worker_command(),
                stdin=subprocess.PIPE,
                stdout=subprocess.PIPE,
                stderr=subprocess.PIPE,
                env=child_env({"HF_HUB_OFFLINE": "1"}),
            )
            proc = self._proc
        assert proc.stdin and proc.stdout and proc.stderr
        threading.Thread(target=_drain, args=(proc.stderr,), daemon=True).start()
        threading.Thread(target=self._send, args=(proc, request, job.pcm), daemon=True).start()
        duration: float | None = None
        try:
            for line in proc.stdout:
                try:
                    event = json.loads(line)
                    kind = event["event"]
                except (ValueError, KeyError, TypeError):
                    if self._cancelled:
                        raise Cancelled("Transcription arrêtée.") from None
                    raise EngineError("La dictée a répondu de façon inattendue.") from None
                if kind == "duration":
                    duration = event["seconds"]
                elif kind == "segment":
                    yield Heard(event["start"], event["end"], event["text"])
                elif kind == "position":
                    yield Position(event["seconds"], duration)
                elif kind == "done":
                    yield Finished(event["duration"], event["seconds"])
                    return
                elif kind == "failed":
                    raise _failure(event)
            proc.wait()
            if self._cancelled:
                raise Cancelled("Transcription arrêtée.")
            raise EngineError(
                "La dictée s'est arrêtée de façon inattendue (le composant de transcription "
                "n'a pas pu démarrer ou a été interrompu). Si cela se reproduit, prévenez la DSI."
            )
        finally:
            self._stop(proc)
            self._cancelled = False  # a stop asked from now on is for the next run

    @staticmethod
    def _send(proc: subprocess.Popen[bytes], request: dict[str, object], pcm: bytes | None) -> None:
        assert proc.stdin is not None
        try:
            proc.stdin.write(json.dumps(request).encode() + b"\n")
            if pcm:
                proc.stdin.write(pcm)
            proc.stdin.close()
        except (BrokenPipeError, OSError):
            pass  # the worker stopped: its events say why

    @property
    def pid(self) -> int | None:
        """The worker's process id while it runs (its memory is measured in bench/)."""
        proc = self._proc
        return proc.pid if proc is not None and proc.poll() is None else None

    def cancel(self) -> None:
        """From any thread: stop at once (what was heard so far is the caller's)."""
        with self._lock:
            self._cancelled = True
            if self._proc is not None and self._proc.poll() is None:
                self._proc.kill()

    def _stop(self, proc: subprocess.Popen[bytes]) -> None:
        with self._lock:
            if proc.poll() is None:
                proc.kill()
            proc.wait()
            if self._proc is proc:
                self._proc = None


def _drain(stream: IO[bytes]) -> None:
    """The worker's diagnostics, read so that it never blocks on a full pipe; written to
    this process's stderr (the crash log's, the terminal's), never shown in the window."""
    for line in stream:
        sys.stderr.write("speech worker: " + line.decode("utf-8", "replace"))


def _failure(event: dict[str, str]) -> Exception:
    message = event.get("message", "Erreur de la dictée.")
    kind = event.get("kind")
    if kind == "ModelError":
        return ModelError(message)
    if kind in ("AudioError", "UsageError"):
        return UsageError(message)
    return EngineError(message)
