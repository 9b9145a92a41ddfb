"""The speech worker: one process per transcription, never the window's.

It reads one request (a JSON line) on its standard input — the model's folder and the
sha256 of each of its files, the audio file or, for a recording, the number of 16 kHz
samples that follow on the same input — and writes JSON lines: ``loaded``, ``duration``,
``segment`` (start, end, text), ``position`` (seconds heard), then ``done`` or ``failed``
(a French message). The model's files are read once, checked against the catalog's sha256
and handed to CTranslate2 as those same bytes. Stopping is the client's: it kills the
process (within a second, whatever the model is doing); the segments already sent stay.
"""

from __future__ import annotations

import hashlib
import json
import os
import signal
import sys
import time
from collections.abc import Iterator
from pathlib import Path
from typing import IO, Any

import numpy as np

from hospidesk.engine.audio import duration_seconds, read_16k
from hospidesk.engine.audio_files import RATE
from hospidesk.errors import HospiDeskError, ModelError

PCM_BLOCK = 10 * RATE


def verified_files(model: dict[str, Any]) -> dict[str, bytes]:
    """Each listed file of the model's folder, read once and checked (nothing else read)."""
    folder = Path(model["folder"])
    files: dict[str, bytes] = {}
    for name, expected in model["files"].items():
        try:
            data = (folder / name).read_bytes()
        except OSError:
            raise ModelError(
                f"Modèle de dictée « {model['id']} » incomplet : {name} introuvable dans {folder}."
            ) from None
        if hashlib.sha256(data).hexdigest() != expected:
            raise ModelError(
                f"Modèle de dictée « {model['id']} » refusé : {name} ne correspond pas à "
                "l'empreinte du catalogue (fichier modifié ou abîmé). Prévenez la DSI."
            )
        files[name] = data
    return files


def pcm_blocks(stream: IO[bytes], samples: int) -> Iterator[np.ndarray]:
    """A recording sent by the window: float32 samples at 16 kHz, block by block."""
    left = samples
    while left > 0:
        data = stream.read(min(left, PCM_BLOCK) * 4)
        if not data:
            break
        left -= len(data) // 4
        yield np.frombuffer(data[: len(data) // 4 * 4], "<f4")


def run(request: dict[str, Any], send: Any) -> None:
    # CTranslate2 is imported here: a library that cannot load is reported in French
    from hospidesk.engine.whisper import Segment, Whisper, transcribe

    started = time.monotonic()
    files = verified_files(request["model"])
    send({"event": "loaded"})
    model = Whisper(files, int(request.get("threads") or 1))
    del files  # CTranslate2 holds its own copy
    audio = request.get("audio")
    if audio:
        duration = duration_seconds(Path(audio))
        blocks = read_16k(Path(audio), float(request["max_seconds"]))
    else:
        duration = int(request["pcm_samples"]) / RATE
        blocks = pcm_blocks(sys.stdin.buffer, int(request["pcm_samples"]))
    send({"event": "duration", "seconds": duration})
    heard = 0.0
    for item in transcribe(model, blocks, request["language"], request.get("glossary", "")):
        if isinstance(item, Segment):
            send({"event": "segment", "start": item.start, "end": item.end, "text": item.text})
        else:
            heard = item
            send({"event": "position", "seconds": item})
    send({"event": "done", "duration": heard, "seconds": time.monotonic() - started})


def main() -> int:
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # the app decides when to stop us
    os.environ["HF_HUB_OFFLINE"] = "1"  # nothing here downloads; said for any library
    protocol_out = os.fdopen(os.dup(1), "w", encoding="utf-8", buffering=1)
    os.dup2(2, 1)
    sys.stdout = sys.stderr

    def send(event: dict[str, Any]) -> None:
        protocol_out.write(json.dumps(event, ensure_ascii=False) + "\n")

    try:
        run(json.loads(sys.stdin.buffer.readline()), send)
    except HospiDeskError as exc:
        send({"event": "failed", "message": exc.message, "kind": type(exc).__name__})
        return 1
    except Exception as exc:  # reported, never a traceback for the user
        print(f"speech worker: {exc!r}", file=sys.stderr)
        send({"event": "failed", "message": "Erreur interne de la dictée : prévenez la DSI."})
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
