"""The engine beside busy programs (issue 38): the same requests through HospiDesk's engine
with its automatic threads (``moteur.threads = 0``) and with every static setting, while 0, 1
and 2 CPU-bound processes run (started and stopped here).

Each setting runs in its own engine process (OpenMP reads its wait policy once, at start),
all loaded at once; round by round, in a rotating order, each reads the same fresh prompt (no
prefix kept: each round starts differently), then writes ``GENERATED`` tokens greedily.
Reported: prompt and generation throughput, the first token, and the automatic setting's
ratio to the best static one at each load. llama.cpp's own threadpool
(polling level) exists only in builds without OpenMP; HospiDesk ships the OpenMP build, whose
static settings are these (bench/contention.md measures the other build). A static setting
with libgomp's default wait is set as GOMP_SPINCOUNT=300000, its value when no policy is set.
"""

from __future__ import annotations

import os
import statistics
import subprocess
import sys
import time
from collections.abc import Iterator, Mapping, Sequence
from contextlib import contextmanager
from typing import Any

from benchutil import USERS, rotated

from hospidesk.engine.client import EngineClient
from hospidesk.engine.protocol import GenerationOptions, Message
from hospidesk.engine.verify import VerifiedModel, open_verified

GENERATED = 64
BUSY = "while True: pass"
N_CTX = 4096
AUTOMATIC = "engine, automatic threads"
SHORT_SPIN = "10000"
"""A static setting: the whole process spinning 10,000 times, as the engine once set it."""
QUIET = 1.0
"""Seconds before each request with only the load under test: the automatic setting's look
covers the last second or less (engine/threads.py), which must not see the setting before."""


TODAY = "libgomp's default wait"
"""Marks the setting the engine used before (every core, libgomp's spin of 300,000)."""


def settings(cores: int) -> dict[str, tuple[int, bool, dict[str, str]]]:
    """name: (threads, automatic, environment of the engine process). The static settings
    name their wait policy."""
    default = {"GOMP_SPINCOUNT": "300000"}  # libgomp's own when no policy is set
    return {
        AUTOMATIC: (cores, True, {}),
        "1 thread": (1, False, default),
        f"{cores} threads, {TODAY}": (cores, False, default),
        f"{cores} threads, OMP_WAIT_POLICY=PASSIVE": (cores, False, {"OMP_WAIT_POLICY": "PASSIVE"}),
        f"{cores} threads, GOMP_SPINCOUNT={SHORT_SPIN}": (
            cores,
            False,
            {"GOMP_SPINCOUNT": SHORT_SPIN},
        ),
    }


@contextmanager
def busy_processes(count: int) -> Iterator[None]:
    others = [subprocess.Popen([sys.executable, "-c", BUSY]) for _ in range(count)]
    time.sleep(0.5 if count else 0)
    try:
        yield
    finally:
        for other in others:
            other.kill()
            other.wait()


@contextmanager
def environment(extra: dict[str, str]) -> Iterator[None]:
    saved = {key: os.environ.get(key) for key in extra}
    os.environ.update(extra)
    try:
        yield
    finally:
        for key, value in saved.items():
            if value is None:
                os.environ.pop(key, None)
            else:
                os.environ[key] = value


def prompt(index: int, instructions: str) -> tuple[Message, ...]:
    return (
        Message("system", f"[{index}] {instructions}"),
        Message("user", USERS[index % len(USERS)]),
    )


@contextmanager
def engines(model: VerifiedModel, cores: int) -> Iterator[dict[str, EngineClient]]:
    """One engine process per setting, all loaded at once (OpenMP reads its wait policy when
    the process starts), so that their rounds can be interleaved."""
    started: dict[str, EngineClient] = {}
    try:
        for name, (threads, automatic, env) in settings(cores).items():
            with environment(env):
                engine = EngineClient()
                started[name] = engine
                engine.load(open_verified(model), N_CTX, threads, 0, adaptive_threads=automatic)
        yield started
    finally:
        for engine in started.values():
            engine.close()


def measure(engine: EngineClient, messages: tuple[Message, ...]) -> dict[str, float]:
    """One request: its prompt read and GENERATED tokens written greedily."""
    options = GenerationOptions(GENERATED, temperature=0.0, seed=7, keep_writing=True)
    for _ in engine.generate(messages, options):
        pass
    done = engine.last_done
    assert done is not None
    first = done.first_token_seconds or done.seconds
    return {
        "prompt_tps": done.prompt_tokens / first,
        "gen_tps": (done.completion_tokens - 1) / max(done.seconds - first, 1e-6),
        "first_token_s": first,
        "threads_at_end": float(done.threads),
    }


def contention(
    model: VerifiedModel, cores: int, rounds: int, instructions: str, loads: tuple[int, ...]
) -> dict[str, Any]:
    """Every setting at every load, round by round in a rotating order (a shared machine's
    drift and the scheduler's moods then touch every setting alike); the automatic one's
    ratios to the best static one, on medians."""
    result: dict[str, Any] = {"model": model.entry.id, "generated": GENERATED, "loads": {}}
    with engines(model, cores) as started:
        names = list(started)
        for busy in loads:
            runs: dict[str, list[dict[str, float]]] = {name: [] for name in names}
            with busy_processes(busy):
                for round_ in range(rounds):
                    case = prompt(busy * 100 + round_, instructions)
                    for name in rotated(names, round_):
                        time.sleep(QUIET)
                        runs[name].append(measure(started[name], case))
                        print(
                            f"  {model.entry.id}, {busy} busy, {name}: {runs[name][-1]}",
                            file=sys.stderr,
                        )
            rows = medians(runs, tuple(runs[AUTOMATIC][0]))
            ratios = ratios_to_best(rows, ("prompt_tps", "gen_tps"), ("first_token_s",))
            result["loads"][str(busy)] = {"settings": rows, "ratios_to_best_static": ratios}
    return result


def medians(
    runs: Mapping[str, Sequence[Mapping[str, Any]]], keys: tuple[str, ...]
) -> dict[str, dict[str, float]]:
    """Each setting's rounds reduced to their medians."""
    return {
        name: {key: statistics.median(float(r[key]) for r in values) for key in keys}
        for name, values in runs.items()
    }


def ratios_to_best(
    rows: dict[str, dict[str, float]], higher: tuple[str, ...], lower: tuple[str, ...]
) -> dict[str, float]:
    """The automatic setting ÷ the best static one: the highest for ``higher`` keys (a
    throughput), the lowest for ``lower`` ones (a time)."""
    static = [v for name, v in rows.items() if name != AUTOMATIC]
    best = {key: max(v[key] for v in static) for key in higher}
    best |= {key: min(v[key] for v in static) for key in lower}
    return {key: round(rows[AUTOMATIC][key] / value, 3) for key, value in best.items()}


def markdown(sections: list[dict[str, Any]]) -> list[str]:
    lines = [
        "",
        "## Beside busy programs",
        "",
        f"The same requests (a fresh prompt read, then {GENERATED} tokens written greedily; "
        "medians) through the engine, each setting in its own engine process, while the bench "
        "keeps 0, 1 or 2 other processes busy. Automatic: `moteur.threads = 0` "
        "(engine/threads.py). Ratio: automatic ÷ the best static setting at that load (first "
        "token: the reverse, lower is better).",
    ]
    for section in sections:
        loads = section["loads"]
        lines += [
            "",
            f"### {section['model']}",
            "",
            "| setting | "
            + " | ".join(f"{b} busy: prompt t/s, gen t/s, first token s" for b in loads)
            + " |",
            "|---|" + "---|" * len(loads),
        ]
        names = next(iter(loads.values()))["settings"]
        for name in names:
            cells = []
            for row in loads.values():
                s = row["settings"][name]
                cells.append(f"{s['prompt_tps']:.0f}, {s['gen_tps']:.1f}, {s['first_token_s']:.2f}")
            lines.append(f"| {name} | " + " | ".join(cells) + " |")
        cells = []
        for row in loads.values():
            r = row["ratios_to_best_static"]
            cells.append(f"{r['prompt_tps']:.2f}×, {r['gen_tps']:.2f}×, {r['first_token_s']:.2f}×")
        lines.append("| automatic ÷ best static | " + " | ".join(cells) + " |")
    return lines


def window_drafts(cores: int, rounds: int, busy: int = 2) -> dict[str, Any]:
    """A draft through the window while ``busy`` other processes run, for each setting, a
    fresh window (and engine) per round, interleaved."""
    import json
    import tempfile
    from pathlib import Path

    script = str(Path(__file__).with_name("window.py"))
    names = settings(cores)
    runs: dict[str, list[dict[str, float]]] = {name: [] for name in names}
    with tempfile.TemporaryDirectory(prefix="hospidesk-bench-busy-") as folder:
        site = Path(folder) / "site"
        site.mkdir()
        (site / "policy.toml").write_text('[models]\nwarm_up = "off"\n', encoding="utf-8")
        with busy_processes(busy):
            for round_ in range(rounds):
                for n, (name, (threads, automatic, env)) in enumerate(names.items()):
                    home = {  # a new profile: the task's first use, nothing kept on disk
                        **os.environ,
                        **env,
                        "HOSPIDESK_HOME": str(Path(folder) / f"{n}-{round_}"),
                        "HOSPIDESK_SITE_DIR": str(site),
                        "QT_QPA_PLATFORM": os.environ.get("QT_QPA_PLATFORM", "offscreen"),
                    }
                    setting = "0" if automatic else str(threads)
                    subprocess.run(
                        [sys.executable, script, "prepare", setting], env=home, check=True
                    )
                    out = subprocess.run(
                        [sys.executable, script, "busy"],
                        env=home,
                        capture_output=True,
                        text=True,
                        check=True,
                    ).stdout
                    runs[name].append(json.loads(out.strip().splitlines()[-1]))
                    print(f"  window, {busy} busy, {name}: {runs[name][-1]}", file=sys.stderr)
    rows = medians(
        runs, ("first_words_seconds", "whole_draft_seconds", "longest_stall_ms", "draft_chars")
    )
    ratios = ratios_to_best(rows, (), ("first_words_seconds", "whole_draft_seconds"))
    return {"busy": busy, "rounds": rounds, "settings": rows, "ratios_to_best_static": ratios}


def window_markdown(section: dict[str, Any]) -> list[str]:
    lines = [
        "",
        f"A letter drafted through the window, its task's first use (the warm-up off; the "
        "same 64 tokens for every setting: a fixed seed, no end of text, the check of facts "
        "off, since what it writes varies from 0 to several hundred characters) while "
        f"{section['busy']} other processes are busy, a fresh window per round "
        f"({section['rounds']} rounds, medians):",
        "",
        "| setting | first words (s) | whole draft (s) | longest UI stall (ms) | draft (chars) |",
        "|---|---|---|---|---|",
    ]
    for name, row in section["settings"].items():
        lines.append(
            f"| {name} | {row['first_words_seconds']:.2f} | {row['whole_draft_seconds']:.2f} | "
            f"{row['longest_stall_ms']:.0f} | {row.get('draft_chars', 0):.0f} |"
        )
    r = section["ratios_to_best_static"]
    lines.append(
        f"| automatic ÷ best static | {r['first_words_seconds']:.2f}× | "
        f"{r['whole_draft_seconds']:.2f}× | | |"
    )
    return lines


def targets(report: dict[str, Any]) -> list[tuple[str, float, float]]:
    """Issue 38's bounds: ≥ 0.9× the best static setting under load, ≥ 0.97× today's
    (every core, the default wait policy) when idle; the window's draft within 1.1×."""
    rows: list[tuple[str, float, float]] = []
    for section in report.get("busy", []):
        loads, model = section["loads"], section["model"]
        if "0" in loads:
            idle = loads["0"]["settings"]
            today = next(name for name in idle if TODAY in name)
            for key, label in (("prompt_tps", "prompt"), ("gen_tps", "generation")):
                rows.append(
                    (
                        f"{model}, idle: automatic ÷ today's {label} throughput (≥)",
                        idle[AUTOMATIC][key] / idle[today][key],
                        0.97,
                    )
                )
        for busy in ("1", "2"):
            if busy in loads:
                r = loads[busy]["ratios_to_best_static"]
                for key, label in (("prompt_tps", "prompt"), ("gen_tps", "generation")):
                    rows.append(
                        (
                            f"{model}, {busy} busy: automatic ÷ best static {label} (≥)",
                            r[key],
                            0.9,
                        )
                    )
    window = report.get("busy_window")
    if window:
        r = window["ratios_to_best_static"]
        busy = window["busy"]
        rows += [
            (
                f"window draft, {busy} busy: first words ÷ best static",
                r["first_words_seconds"],
                1.1,
            ),
            (
                f"window draft, {busy} busy: whole draft ÷ best static",
                r["whole_draft_seconds"],
                1.1,
            ),
            (
                f"window draft, {busy} busy: longest UI stall, automatic (ms)",
                window["settings"][AUTOMATIC]["longest_stall_ms"],
                50,
            ),
        ]
    return rows
