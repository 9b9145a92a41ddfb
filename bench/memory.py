"""The engine's peak resident memory on each path a user takes: a short draft, a long source
summarised part by part, the warm-up of a job's tasks, and a draft written while a dictation
is transcribed beside it (issue 38's fourth point; #21 set the bound: model + KV cache +
64 MiB).

The engine process is found below the command run (its command line names the worker's
module) and read from /proc every 20 ms while it lives: its peak resident set (VmHWM, the
kernel's own high-water mark) and, at the highest sample, that set split into anonymous
memory (the KV cache, llama.cpp's buffers, Python), files mapped (libraries) and shared memory
(the model's sealed copy).
"""

from __future__ import annotations

import os
import subprocess
import threading
import time
from collections.abc import Sequence
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
WORKER = "hospidesk.engine.worker"
POLL = 0.02
MIB = 1024**2
BEYOND = 64 * MIB
"""#21's allowance beyond the model file and the KV cache."""


@dataclass(frozen=True)
class Peak:
    peak: int
    """The kernel's high-water mark of the engine's resident set (bytes)."""
    anonymous: int
    files: int
    shared: int
    """The split of the highest resident set sampled."""


def _status(pid: int) -> dict[str, int]:
    fields = {}
    with Path(f"/proc/{pid}/status").open(encoding="ascii") as status:
        for line in status:
            key, _, value = line.partition(":")
            if key in ("VmHWM", "VmRSS", "RssAnon", "RssFile", "RssShmem"):
                fields[key] = int(value.split()[0]) * 1024
    return fields


def _is_worker(pid: int) -> bool:
    try:
        return WORKER.encode() in Path(f"/proc/{pid}/cmdline").read_bytes()
    except OSError:
        return False


class EngineWatch:
    """Samples the engine: the process ``pid`` itself, or the engine worker found among the
    descendants of ``below``."""

    def __init__(self, *, pid: int | None = None, below: int | None = None) -> None:
        self._pid, self._below = pid, below
        self._best: dict[str, int] = {}
        self._high = 0
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)

    def __enter__(self) -> EngineWatch:
        self._thread.start()
        return self

    def __exit__(self, *_: object) -> None:
        self._stop.set()
        self._thread.join()

    def _engine(self) -> int | None:
        if self._pid is not None:
            return self._pid
        import psutil

        try:
            children = psutil.Process(self._below).children(recursive=True)
        except psutil.Error:
            return None
        return next((c.pid for c in children if _is_worker(c.pid)), None)

    def _run(self) -> None:
        while not self._stop.is_set():
            pid = self._engine()
            if pid is not None:
                try:
                    fields = _status(pid)
                except (OSError, ValueError):
                    fields = {}
                if fields:
                    self._high = max(self._high, fields["VmHWM"])
                    if fields["VmRSS"] > self._best.get("VmRSS", 0):
                        self._best = fields
            self._stop.wait(POLL)

    def peak(self) -> Peak:
        if not self._best:
            raise RuntimeError("the engine process was never seen")
        best = self._best
        return Peak(self._high, best["RssAnon"], best["RssFile"], best["RssShmem"])


def run_watched(
    command: Sequence[str], env: dict[str, str], timeout: float
) -> tuple[subprocess.CompletedProcess[str], Peak]:
    """Run a HospiDesk command, its engine watched."""
    with subprocess.Popen(
        command, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True
    ) as proc:
        with EngineWatch(below=proc.pid) as watch:
            try:
                out, err = proc.communicate(timeout=timeout)
            except subprocess.TimeoutExpired:
                proc.kill()
                raise
        done = subprocess.CompletedProcess(list(command), proc.returncode, out, err)
    return done, watch.peak()


def as_report(peak: Peak, model_bytes: int, kv_bytes: int) -> dict[str, Any]:
    bound = model_bytes + kv_bytes + BEYOND
    return {
        **asdict(peak),
        "bound": bound,
        "beyond_model_and_kv": peak.peak - model_bytes - kv_bytes,
        "within": peak.peak <= bound,
    }


def targets(report: dict[str, Any]) -> list[tuple[str, float, float]]:
    """Each path's peak beyond the model and the KV cache, against #21's 64 MiB."""
    return [
        (
            f"peak engine memory beyond model + KV, {LABELS[key]} (MiB)",
            row["beyond_model_and_kv"] / MIB,
            BEYOND / MIB,
        )
        for key, row in report.get("memory", {}).get("paths", {}).items()
    ]


def wait_for_speech(proc: subprocess.Popen[str], seconds: float = 60) -> bool:
    """Whether the transcription's speech worker runs (a draft started now runs beside it)."""
    import psutil

    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline and proc.poll() is None:
        try:
            names = [" ".join(c.cmdline()) for c in psutil.Process(proc.pid).children(True)]
        except psutil.Error:
            names = []
        if any("speech_worker" in name for name in names):
            return True
        time.sleep(POLL)
    return False


def cli_paths(python: str, folder: Path, model_bytes: int, kv_bytes: int) -> dict[str, Any]:
    """A short draft, alone and while a dictation is transcribed beside it, through the CLI
    as a user runs it, in a profile of their own under ``folder``."""
    from dictation import dictation

    site = folder / "site"  # the demo speech model approved, as IT does (docs/dictation.md)
    site.mkdir()
    (site / "catalog.toml").write_bytes((ROOT / "examples/dictation/catalog.toml").read_bytes())
    env = {**os.environ, "HOSPIDESK_HOME": str(folder / "profile"), "HOSPIDESK_SITE_DIR": str(site)}
    hospidesk = [python, "-m", "hospidesk"]
    subprocess.run([*hospidesk, "rules", "accept"], env=env, check=True, capture_output=True)
    draft = [
        *hospidesk,
        "draft",
        "--task",
        "secretariat/reformuler-courrier",
        "--source",
        str(ROOT / "examples" / "courrier-brut.txt"),
        "--seed",
        "7",
        "--out",
        str(folder / "courrier.docx"),
    ]
    result: dict[str, Any] = {}
    done, peak = run_watched(draft, env, 900)
    if done.returncode:
        raise SystemExit(f"the short draft failed: {done.stderr[-400:]}")
    result["short_draft"] = as_report(peak, model_bytes, kv_bytes)
    audio, seconds = dictation(folder)
    with subprocess.Popen(
        [*hospidesk, "transcribe", "--language", "en", str(audio)],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        text=True,
    ) as speech:
        if not wait_for_speech(speech):
            raise SystemExit(f"the dictation did not start: {speech.communicate()[1][-400:]}")
        done, peak = run_watched(draft, env, 900)
        beside = speech.poll() is None
        speech.communicate(timeout=900)
    if done.returncode or speech.returncode:
        raise SystemExit(f"the draft beside a dictation failed: {done.stderr[-400:]}")
    result["draft_beside_dictation"] = {
        **as_report(peak, model_bytes, kv_bytes),
        "dictation_seconds": round(seconds, 1),
        "dictation_still_running_at_the_end": beside,
    }
    return result


def by_path(model: Any, threads: int, n_ctx: int, long_source: Peak) -> dict[str, Any]:
    """Every path's peak against the bound; ``long_source``: the long thread's, watched while
    the report timed it."""
    import sys
    import tempfile

    import warm

    from hospidesk.service.warmup import warm_prompts

    model_bytes = model.path.stat().st_size
    kv_bytes = warm.kv_cache_bytes(model, n_ctx)
    with tempfile.TemporaryDirectory(prefix="hospidesk-bench-memory-") as name:
        folder = Path(name)
        paths = cli_paths(sys.executable, folder, model_bytes, kv_bytes)
        engine = warm.engine_with(model, threads, n_ctx, folder / "cache")
        try:
            with EngineWatch(pid=engine.pid) as watch:
                warm.warmed(engine, warm_prompts(warm.job_tasks()))
        finally:
            engine.close()
    paths["warm_up"] = as_report(watch.peak(), model_bytes, kv_bytes)
    paths["long_source"] = as_report(long_source, model_bytes, kv_bytes)
    return {"model_bytes": model_bytes, "kv_bytes": kv_bytes, "paths": paths}


LABELS = {
    "short_draft": "a short draft (the CLI)",
    "long_source": "a 40,000-character thread, part by part",
    "warm_up": "the warm-up of the job's 8 tasks",
    "draft_beside_dictation": "a short draft while a dictation is transcribed",
}


def markdown(memory: dict[str, Any]) -> list[str]:
    lines = [
        "",
        "## Engine memory on each path",
        "",
        f"Bound: model file {memory['model_bytes'] / MIB:.0f} MiB + KV cache "
        f"{memory['kv_bytes'] / MIB:.0f} MiB + 64 MiB. Peak: the kernel's high-water mark of "
        "the engine's resident set; the split is that of the highest sample (every 20 ms).",
        "",
        "| path | peak (MiB) | beyond model + KV | anonymous | files | shared (model) | within |",
        "| --- | --- | --- | --- | --- | --- | --- |",
    ]
    for key, row in memory["paths"].items():
        lines.append(
            f"| {LABELS.get(key, key)} | {row['peak'] / MIB:.0f} | "
            f"{row['beyond_model_and_kv'] / MIB:.0f} | {row['anonymous'] / MIB:.0f} | "
            f"{row['files'] / MIB:.0f} | {row['shared'] / MIB:.0f} | "
            f"{'yes' if row['within'] else 'no'} |"
        )
    return lines
