"""The warm-up, the engine giving way to a click, a long thread read part by part, the KV
cache's size: the parts of bench/run.py's report that measure what users feel on a first use.

- first use of each of the user's job's tasks, cold (nothing kept) and after the warm-up,
  with a one-line request (as the time-to-first-token rounds) and with the task's own worked
  example (fields and source as a user gives them): clicked at once (nothing read ahead: a
  text pasted and sent in the same turn of the window's event loop), pasted and sent
  SEND_AFTER_PASTE later (the quickest a user can: the window reads a paste at once), typed
  until the click (the window reads the form every 0.5 s while the user types: the last
  TYPED_AFTER characters are not read yet), and after a pause (the form read to its end);
  and the floor of a click at once: the same request with the task's instructions already
  in the context (the task used just before with other words), where only the user's own
  words are read;
- how long a click waits for the warm-up to give way: the same request's time to first token
  while the warm-up reads, minus while the engine is idle;
- « Synthétiser un fil de discussion » on the 40,000-character thread (examples/fil-long.txt)
  through the CLI, as a user runs it: time, parts, the task's sections in the document.
"""

from __future__ import annotations

import os
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import busy
import docx
import memory
from benchutil import USERS, stats

from hospidesk.engine.client import EngineClient
from hospidesk.engine.protocol import GenerationOptions, Message, Warming
from hospidesk.engine.verify import VerifiedModel, open_verified
from hospidesk.packs.loader import PackTask, all_tasks, discover
from hospidesk.packs.prompt import build_messages, system_prompt
from hospidesk.paths import shipped_packs_dir
from hospidesk.service.warmup import warm_prompts

ROOT = Path(__file__).resolve().parents[1]
JOB = "secretariat"
TYPED_AFTER = 8
"""Characters typed after the last read-ahead began, at the click: the window reads every
0.5 s while the user types (ui/read_ahead.py); 8 characters is a whole second at a fast
typist's 8 keys per second (95 words a minute), so a read in flight at the click is counted."""
SEND_AFTER_PASTE = 0.125
"""Seconds from a paste to the click, at the quickest: Ctrl+V then Ctrl+Entrée (« Générer »),
two keys at the same fast typist's 8 keys per second."""


def job_tasks() -> list[PackTask]:
    return [t for t in all_tasks(discover([shipped_packs_dir()])[0]) if t.pack.manifest.job == JOB]


@dataclass(frozen=True)
class FirstWord:
    seconds: float
    """From the request sent to its first text received, as the app sees it: a wait in the
    worker's queue (a read-ahead or the warm-up giving way) is counted."""
    prefix: str
    """Where the instructions' state came from (Done.prefix)."""


def first_token(engine: EngineClient, messages: tuple[Message, ...]) -> FirstWord:
    sent = time.monotonic()
    first = None
    for _ in engine.generate(messages, GenerationOptions(1, temperature=0.0, seed=7)):
        first = first if first is not None else time.monotonic() - sent
    ended = time.monotonic() - sent  # no text at all: the end of the answer
    assert engine.last_done is not None
    return FirstWord(first if first is not None else ended, engine.last_done.prefix)


def engine_with(model: VerifiedModel, threads: int, n_ctx: int, cache: Path) -> EngineClient:
    engine = EngineClient()
    engine.load(open_verified(model), n_ctx, threads, 0, cache_dir=cache)
    return engine


def warmed(engine: EngineClient, prompts: list[tuple[Message, ...]]) -> float:
    """Send the warm-up list and wait for its end; returns how long it took."""
    finished = threading.Event()

    def listen(event: Warming) -> None:
        if event.finished:
            finished.set()

    engine.on_warming = listen
    started = time.monotonic()
    engine.warm(prompts)
    if not finished.wait(1800):
        raise SystemExit("the warm-up did not finish")
    return time.monotonic() - started


def read_ahead(engine: EngineClient, messages: tuple[Message, ...]) -> None:
    """What the window does while the user pauses on a filled form: the prompt read ahead."""
    ended = threading.Event()
    engine.on_prefilled = lambda event: ended.set()
    engine.prefill(messages)
    if not ended.wait(600):
        raise SystemExit("the read-ahead did not end")


Prompt = tuple[Message, ...]


def cases(tasks: list[PackTask]) -> dict[str, list[tuple[Prompt, Prompt]]]:
    """Per task: a one-line request, and its first worked example as a user would give it;
    each as sent at the click and as read while the user typed its last words (the source,
    or the last field when there is none, lacks its last TYPED_AFTER characters)."""
    short = []
    for t in tasks:
        system = Message("system", system_prompt(t.task))
        short.append(
            (
                (system, Message("user", USERS[0])),
                (system, Message("user", USERS[0][:-TYPED_AFTER])),
            )
        )
    example = []
    for item in tasks:
        chosen = item.task.examples[0]
        values = {f.name: chosen.fields.get(f.name, f.default) for f in item.task.fields}
        source = chosen.source or None
        typing = dict(values)
        if source:
            typed_source: str | None = source[:-TYPED_AFTER]
        else:
            typed_source = None
            last = [f.name for f in item.task.fields if values[f.name]][-1]
            typing[last] = values[last][:-TYPED_AFTER]
        example.append(
            (
                build_messages(item.task, values, source),
                build_messages(item.task, typing, typed_source),
            )
        )
    return {"short_request": short, "worked_example": example}


def first_use(model: VerifiedModel, threads: int, n_ctx: int, rounds: int) -> dict[str, Any]:
    """Cold first use of each of the job's tasks, then the same after the warm-up."""
    tasks = job_tasks()
    all_cases = cases(tasks)
    result: dict[str, Any] = {"job": JOB, "tasks": [t.ref for t in tasks]}
    warm_seconds: list[float] = []
    for name, prompts in all_cases.items():
        cold: dict[str, list[float]] = {t.ref: [] for t in tasks}
        warm: dict[str, list[float]] = {t.ref: [] for t in tasks}
        typed: dict[str, list[float]] = {t.ref: [] for t in tasks}
        ahead: dict[str, list[float]] = {t.ref: [] for t in tasks}
        held: dict[str, list[float]] = {t.ref: [] for t in tasks}
        pasted: dict[str, list[float]] = {t.ref: [] for t in tasks}
        sources: set[str] = set()
        for _ in range(rounds):
            with tempfile.TemporaryDirectory(prefix="hospidesk-bench-warm-") as folder:
                engine = engine_with(model, threads, n_ctx, Path(folder) / "cold")
                for item, (messages, _) in zip(tasks, prompts, strict=True):
                    cold[item.ref].append(first_token(engine, messages).seconds)
                engine.close()
                engine = engine_with(model, threads, n_ctx, Path(folder) / "warm")
                warm_seconds.append(warmed(engine, warm_prompts(tasks)))
                for item, (messages, typing) in zip(tasks, prompts, strict=True):
                    first = first_token(engine, messages)
                    warm[item.ref].append(first.seconds)
                    sources.add(first.prefix)
                    other = prompts[(tasks.index(item) + 1) % len(tasks)][0]
                    first_token(engine, other)  # the context holds another task again
                    read_ahead(engine, typing)  # read while the user typed, but the last keys
                    typed[item.ref].append(first_token(engine, messages).seconds)
                    first_token(engine, other)
                    read_ahead(engine, messages)  # the user paused before clicking
                    ahead[item.ref].append(first_token(engine, messages).seconds)
                    first_token(engine, (messages[0], Message("user", USERS[1])))
                    held[item.ref].append(first_token(engine, messages).seconds)
                    first_token(engine, other)
                    engine.prefill(messages)  # pasted: the window reads it at once
                    time.sleep(SEND_AFTER_PASTE)
                    pasted[item.ref].append(first_token(engine, messages).seconds)
                engine.close()
        at_once, while_typing, paused, floor, quick = (
            ratios(f, cold) for f in (warm, typed, ahead, held, pasted)
        )
        beyond = {
            ref: round(statistics.median(warm[ref]) - statistics.median(held[ref]), 4)
            for ref in warm
        }
        result[name] = {
            "cold_seconds": {ref: stats(v) for ref, v in cold.items()},
            "warm_seconds": {ref: stats(v) for ref, v in warm.items()},
            "pasted_seconds": {ref: stats(v) for ref, v in pasted.items()},
            "pasted_ratios": quick,
            "pasted_ratio_max": max(quick.values()),
            "typed_seconds": {ref: stats(v) for ref, v in typed.items()},
            "read_ahead_seconds": {ref: stats(v) for ref, v in ahead.items()},
            "ratios": at_once,
            "ratio_median": round(statistics.median(at_once.values()), 4),
            "ratio_max": max(at_once.values()),
            "typed_ratios": while_typing,
            "typed_ratio_max": max(while_typing.values()),
            "read_ahead_ratios": paused,
            "read_ahead_ratio_max": max(paused.values()),
            "held_seconds": {ref: stats(v) for ref, v in held.items()},
            "held_ratios": floor,
            "held_ratio_min": min(floor.values()),
            "at_once_beyond_held_seconds": beyond,
            "at_once_beyond_held_max": max(beyond.values()),
            "state_from": sorted(sources),
        }
    result["warm_up_seconds"] = stats(warm_seconds)
    result["send_after_paste_seconds"] = SEND_AFTER_PASTE
    return result


def ratios(figures: dict[str, list[float]], cold: dict[str, list[float]]) -> dict[str, float]:
    """Per task, the median of ``figures`` to the median cold time."""
    return {
        ref: round(statistics.median(figures[ref]) / statistics.median(cold[ref]), 4)
        for ref in cold
    }


def yielding(
    model: VerifiedModel,
    threads: int,
    n_ctx: int,
    rounds: int,
    long_instructions: Callable[[int, int], str],
) -> dict[str, Any]:
    """A click during the warm-up: its time to first token minus the same while idle.
    ``long_instructions``: run.py's, the same as the time-to-first-token rounds."""
    task = job_tasks()[0]
    request = (Message("system", system_prompt(task.task)), Message("user", USERS[0]))
    other = (Message("system", "Autre tâche. " + long_instructions(3, 2000)), Message("user", "x"))
    idle: list[float] = []
    busy: list[float] = []
    with tempfile.TemporaryDirectory(prefix="hospidesk-bench-yield-") as folder:
        engine = engine_with(model, threads, n_ctx, Path(folder))
        first_token(engine, request)  # its state is on disk from now on
        for n in range(rounds):
            first_token(engine, other)  # the context holds another task, as after a warm-up
            idle.append(first_token(engine, request).seconds)
            first_token(engine, other)
            busy_list = [
                (Message("system", f"[{n}-{k}] " + long_instructions(k, 6000)), Message("user", ""))
                for k in range(3)
            ]
            engine.warm(busy_list)
            time.sleep(1.0)  # the warm-up is in the middle of a batch
            busy.append(first_token(engine, request).seconds)
            warmed(engine, [])  # stop it: the next idle measure is idle
        engine.close()
    delays = [b - i for b, i in zip(busy, idle, strict=True)]
    return {
        "idle_first_token_seconds": stats(idle),
        "while_warming_first_token_seconds": stats(busy),
        "click_delay_seconds": stats(delays),
    }


def long_thread(timeout: float = 1800) -> dict[str, Any]:
    """The 40,000-character thread through the CLI, as a user runs it, its engine's memory
    watched."""
    source = ROOT / "examples" / "fil-long.txt"
    with tempfile.TemporaryDirectory(prefix="hospidesk-bench-long-") as folder:
        env = {**os.environ, "HOSPIDESK_HOME": folder}
        command = [sys.executable, "-m", "hospidesk"]
        subprocess.run([*command, "rules", "accept"], env=env, check=True, capture_output=True)
        out = Path(folder) / "synthese.docx"
        started = time.monotonic()
        proc, peak = memory.run_watched(
            [
                *command,
                "draft",
                "--task",
                "medecins-cadres/synthese-fil",
                "--source",
                str(source),
                "--seed",
                "7",
                "--out",
                str(out),
            ],
            env,
            timeout,
        )
        elapsed = time.monotonic() - started
        parts = [line for line in proc.stderr.splitlines() if line.startswith("Texte long")]
        labels = ("En bref", "Décisions", "Actions", "Questions ouvertes")
        text = "\n".join(p.text for p in docx.Document(str(out)).paragraphs) if out.exists() else ""
    return {
        "source_chars": len(source.read_text(encoding="utf-8")),
        "returncode": proc.returncode,
        "seconds": round(elapsed, 2),
        "parts": len(parts),
        "parts_said": parts,
        "sections_in_document": [label for label in labels if label in text],
        "engine_memory": peak,
    }


def kv_cache_bytes(model: VerifiedModel, n_ctx: int) -> int:
    """The KV cache llama.cpp allocates (f16 keys and values, every layer, the whole context)."""
    from llama_cpp import Llama

    meta = Llama(model_path=str(model.path), vocab_only=True, verbose=False).metadata
    arch = meta["general.architecture"]
    layers = int(meta[f"{arch}.block_count"])
    heads = int(meta[f"{arch}.attention.head_count"])
    kv_heads = int(meta.get(f"{arch}.attention.head_count_kv", heads))
    width = int(meta[f"{arch}.embedding_length"]) // heads * kv_heads
    return 2 * layers * n_ctx * width * 2


def markdown(report: dict[str, Any]) -> list[str]:
    """The report's sections on first use, warm-up, long sources, memory and the targets."""
    w = report["warm_up"]
    mib = 1024**2
    lines = [
        "",
        f"## First use of the {w['job']} job's tasks, cold and after the warm-up",
        "",
        f"The warm-up of all {len(w['tasks'])} tasks took "
        f"{w['warm_up_seconds']['median']:.1f} s (median), in the background.",
        "",
        "Seconds to the first word (ratio to cold): cold (nothing kept); after the warm-up, "
        "clicked at once (the form pasted and sent in the same turn of the event loop: nothing "
        f"of the user's read ahead); pasted, then sent {SEND_AFTER_PASTE} s later (Ctrl+V, "
        "Ctrl+Entrée: the paste read from the moment it lands); typed until the click (read "
        f"every 0.5 s while typing, the last "
        f"{TYPED_AFTER} characters not yet); after a pause (the form read to its end); held: "
        "the floor of a click at once, the task's instructions already in the context (used "
        "just before with other words), only the user's own words to read.",
        "",
        "| task | one-line request: cold | at once | pasted | typed | paused | held "
        "| worked example: cold | at once | pasted | typed | paused | held |",
        "| --- " * 13 + "|",
    ]
    short, example = w["short_request"], w["worked_example"]
    for ref in w["tasks"]:
        cells = []
        for case in (short, example):
            cells.append(f"{case['cold_seconds'][ref]['median']:.2f}")
            for key in ("warm", "pasted", "typed", "read_ahead", "held"):
                ratio = case["ratios" if key == "warm" else f"{key}_ratios"][ref]
                cells.append(f"{case[f'{key}_seconds'][ref]['median']:.3f} ({ratio:.3f}×)")
        lines.append(f"| {ref} | " + " | ".join(cells) + " |")
    y = w["yield"]
    lines += [
        "",
        "Max ratios to cold after the warm-up: clicked at once "
        f"{short['ratio_max']:.3f} (one-line request) and {example['ratio_max']:.3f} (worked "
        f"example), pasted and sent {SEND_AFTER_PASTE} s later {short['pasted_ratio_max']:.3f} "
        f"and {example['pasted_ratio_max']:.3f}, typed until the click "
        f"{short['typed_ratio_max']:.3f} and "
        f"{example['typed_ratio_max']:.3f}, after a pause {short['read_ahead_ratio_max']:.3f} "
        f"and {example['read_ahead_ratio_max']:.3f} (instructions' state from: "
        f"{', '.join(short['state_from'])}). Clicked at once, what remains is reading the "
        "user's own words: all of the prompt but the instructions. Their floor, with the "
        f"instructions held: at least {short['held_ratio_min']:.3f} × cold (one-line request) "
        f"and {example['held_ratio_min']:.3f} × (worked example); clicked at once after the "
        f"warm-up takes at most {short['at_once_beyond_held_max']:.3f} s and "
        f"{example['at_once_beyond_held_max']:.3f} s more than that floor (the instructions' "
        "state restored from disk).",
        "",
        "A click while the warm-up reads: time to first token "
        f"{y['while_warming_first_token_seconds']['median']:.3f} s against "
        f"{y['idle_first_token_seconds']['median']:.3f} s idle; the click waits "
        f"{y['click_delay_seconds']['median']:.3f} s "
        f"(max {y['click_delay_seconds']['max']:.3f} s) for the warm-up to give way.",
    ]
    long = report["long_source"]
    lines += [
        "",
        "## A long thread, part by part",
        "",
        f"« Synthétiser un fil de discussion » on a {long['source_chars']}-character thread "
        f"(examples/fil-long.txt), through `hospidesk draft`: {long['seconds']:.0f} s, "
        f"{long['parts']} parts said on stderr, exit {long['returncode']}; sections in the "
        f"document: {', '.join(long['sections_in_document']) or 'none'}.",
    ]
    tp = report["throughput"]
    rss, kv, file = tp["engine_rss_bytes"], tp["kv_cache_bytes"], tp["model_file_bytes"]
    lines += [
        "",
        "## Engine memory",
        "",
        f"After the throughput rounds: {rss / mib:.0f} MiB resident, for a model file of "
        f"{file / mib:.0f} MiB and a KV cache of {kv / mib:.0f} MiB (f16, context "
        f"{report['settings']['n_ctx']}); beyond both: {(rss - file - kv) / mib:.0f} MiB.",
    ]
    if "memory" in report:
        lines += memory.markdown(report["memory"])
    if "busy" in report:
        lines += busy.markdown(report["busy"])
    if "busy_window" in report:
        lines += busy.window_markdown(report["busy_window"])
    ttft = report["time_to_first_token"]
    targets = [
        (
            "first use after the warm-up, clicked at once, "
            f"{ttft['instructions_tokens']}-token instructions (ratio)",
            ttft["ratios_to_first_use"]["e_after_warm_up"],
            0.10,
        ),
        (
            "first use, typed until the click, one-line request (max ratio)",
            short["typed_ratio_max"],
            0.10,
        ),
        (
            "first use, typed until the click, worked example (max ratio)",
            example["typed_ratio_max"],
            0.10,
        ),
        (
            "first use after a pause, worked example (max ratio)",
            example["read_ahead_ratio_max"],
            0.10,
        ),
        ("first use clicked at once, one-line request (max ratio)", short["ratio_max"], 0.10),
        (
            f"first use pasted and sent {SEND_AFTER_PASTE} s later, one-line request (max ratio)",
            short["pasted_ratio_max"],
            0.10,
        ),
        (
            "the same, beyond its floor (instructions held) (max, s)",
            short["at_once_beyond_held_max"],
            0.10,
        ),
        ("a click while warming waits (max, s)", y["click_delay_seconds"]["max"], 0.10),
        ("engine memory beyond model + KV cache (MiB)", (rss - file - kv) / mib, 64),
        *memory.targets(report),
        ("engine / raw prompt throughput (≥)", tp["ratios_engine_to_raw"]["pp"], 0.95),
        ("engine / raw generation throughput (≥)", tp["ratios_engine_to_raw"]["tg"], 0.95),
        ("longest UI stall, generating (ms)", report["window"]["longest_stall_ms"]["max"], 50),
        (
            "longest UI stall, warming (ms)",
            report["window"]["longest_stall_warming_ms"]["max"],
            50,
        ),
        ("longest UI stall, typing (ms)", report["window"]["longest_stall_typing_ms"]["max"], 50),
        *busy.targets(report),
    ]
    lines += ["", "## Targets", "", *targets_table(targets)]
    lines.append(
        f"| long thread summarised with the task's sections | {long['parts']} parts | "
        f"4 sections | {'yes' if len(long['sections_in_document']) == 4 else 'no'} |"
    )
    return lines


def targets_table(targets: list[tuple[str, float, float]]) -> list[str]:
    """Targets as a markdown table: a label with « ≥ » is a floor, any other a ceiling."""
    lines = ["| measure | value | bound | met |", "| --- | --- | --- | --- |"]
    for label, value, bound in targets:
        met = value >= bound if "≥" in label else value <= bound
        lines.append(f"| {label} | {value:.3f} | {bound} | {'yes' if met else 'no'} |")
    return lines
