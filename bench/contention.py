"""llama.cpp beside other busy programs (issue 38's first question): how each static thread
setting holds when 0, 1 or 2 CPU-bound processes compete, for the OpenMP build HospiDesk
ships today and for a build without OpenMP (ggml's own threadpool, whose polling level can be
chosen per request).

    python bench/contention.py [--python OTHER_VENV_PYTHON] [--model GGUF]...

Each setting runs in its own process (OpenMP reads its wait policy once, at start), through
llama-cpp-python's low-level API: a prompt of about 200 tokens read, then 64 tokens generated
greedily. The busy processes are started and stopped here. Writes bench/contention.md|json.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
from pathlib import Path
from typing import Any

from busy import busy_processes

ROOT = Path(__file__).resolve().parents[1]
PROMPT = (ROOT / "examples" / "reclamation.txt").read_text(encoding="utf-8") * 2
GENERATED = 64
ROUNDS = 3

PROBE = r"""
import ctypes, json, os, sys, time
import numpy as np
import llama_cpp
from llama_cpp import Llama

path, prompt = sys.argv[1], sys.argv[4]
threads, poll, n = int(sys.argv[2]), int(sys.argv[3]), int(sys.argv[5])
llm = Llama(model_path=path, n_ctx=1024, n_threads=threads, n_threads_batch=threads, n_batch=512,
            flash_attn=True, verbose=False)
if poll >= 0:  # a threadpool of ours, attached (non-OpenMP builds only)
    lib = llama_cpp.llama_cpp._lib
    class Params(ctypes.Structure):
        _fields_ = [("cpumask", ctypes.c_bool * 512), ("n_threads", ctypes.c_int),
                    ("prio", ctypes.c_int), ("poll", ctypes.c_uint32),
                    ("strict_cpu", ctypes.c_bool), ("paused", ctypes.c_bool)]
    cpu = ctypes.CDLL(os.path.join(os.path.dirname(llama_cpp.__file__), "lib", "libggml-cpu.so"))
    base = ctypes.CDLL(os.path.join(os.path.dirname(llama_cpp.__file__), "lib", "libggml-base.so"))
    base.ggml_threadpool_params_default.restype = Params
    params = base.ggml_threadpool_params_default(threads)
    params.poll = poll
    cpu.ggml_threadpool_new.restype = ctypes.c_void_p
    cpu.ggml_threadpool_new.argtypes = [ctypes.POINTER(Params)]
    pool = cpu.ggml_threadpool_new(ctypes.byref(params))
    lib.llama_attach_threadpool.argtypes = [ctypes.c_void_p, ctypes.c_void_p, ctypes.c_void_p]
    lib.llama_attach_threadpool(llm._ctx.ctx, pool, pool)
tokens = llm.tokenize(prompt.encode())[:200]
results = []
for _ in range(int(os.environ.get("ROUNDS", "3"))):
    llm.reset()
    started = time.perf_counter()
    llm.eval(tokens)
    read = time.perf_counter() - started
    started = time.perf_counter()
    first = None
    for i in range(n):
        token = int(np.argmax(llm.scores[llm.n_tokens - 1]))
        llm.eval([token])
        if first is None:
            first = time.perf_counter() - started
    written = time.perf_counter() - started
    results.append({"prompt_tps": len(tokens) / read, "gen_tps": n / written,
                    "first_s": read + first})
print(json.dumps(results))
"""


def settings(openmp: bool, cores: int) -> dict[str, tuple[int, int, dict[str, str]]]:
    """name: (threads, poll or -1 for no threadpool of ours, environment)."""
    if openmp:
        return {
            "1 thread": (1, -1, {}),
            f"{cores} threads": (cores, -1, {}),
            f"{cores} threads, PASSIVE": (cores, -1, {"OMP_WAIT_POLICY": "PASSIVE"}),
        }
    return {
        "1 thread": (1, -1, {}),
        f"{cores} threads (ggml's default pool)": (cores, -1, {}),
        f"{cores} threads, pool poll 0": (cores, 0, {}),
        f"{cores} threads, pool poll 50": (cores, 50, {}),
        "1 thread, pool poll 0": (1, 0, {}),
    }


def probe(python: str, model: Path, threads: int, poll: int, env: dict[str, str]) -> list[Any]:
    out = subprocess.run(
        [python, "-c", PROBE, str(model), str(threads), str(poll), PROMPT, str(GENERATED)],
        capture_output=True,
        text=True,
        env={**os.environ, **env, "ROUNDS": str(ROUNDS)},
        timeout=900,
        check=True,
    )
    answer: list[Any] = json.loads(out.stdout.strip().splitlines()[-1])
    return answer


def is_openmp(python: str) -> bool:
    code = (
        "import llama_cpp, os, subprocess;"
        "lib = os.path.join(os.path.dirname(llama_cpp.__file__), 'lib', 'libggml-cpu.so');"
        "print('libgomp' in subprocess.run(['ldd', lib], capture_output=True, text=True).stdout)"
    )
    return (
        subprocess.run([python, "-c", code], capture_output=True, text=True).stdout.strip()
        == "True"
    )


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--python", action="append", default=[])
    parser.add_argument("--model", action="append", type=Path, default=[])
    parser.add_argument("--busy", default="0,1,2")
    args = parser.parse_args()
    pythons = args.python or [sys.executable]
    cores = len(os.sched_getaffinity(0))
    saved = ROOT / "bench" / "contention.json"
    report: dict[str, Any] = {"cores": cores, "builds": {}}
    if saved.exists():  # runs add up: one model or one build at a time
        report["builds"] = json.loads(saved.read_text())["builds"]
    for python in pythons:
        openmp = is_openmp(python)
        build = "OpenMP" if openmp else "no OpenMP"
        report["builds"].setdefault(build, {})
        for model in args.model:
            rows: dict[str, Any] = {}
            for busy in (int(b) for b in args.busy.split(",")):
                with busy_processes(busy):
                    for name, (threads, poll, env) in settings(openmp, cores).items():
                        runs = probe(python, model, threads, poll, env)
                        rows.setdefault(name, {})[busy] = {
                            key: statistics.median(r[key] for r in runs)
                            for key in ("prompt_tps", "gen_tps", "first_s")
                        }
                        print(build, model.name, busy, name, rows[name][busy], flush=True)
            report["builds"][build][model.name] = rows
    (ROOT / "bench" / "contention.json").write_text(json.dumps(report, indent=2) + "\n")
    (ROOT / "bench" / "contention.md").write_text(markdown(report), encoding="utf-8")
    print(markdown(report))
    return 0


def markdown(report: dict[str, Any]) -> str:
    lines = [
        "# llama.cpp beside busy programs (bench/contention.py)",
        "",
        f"{report['cores']} cores; busy programs: Python loops started by the bench; "
        f"{ROUNDS} rounds, medians; a 200-token prompt read, {GENERATED} tokens generated.",
        "",
    ]
    for build, models in report["builds"].items():
        for model, rows in models.items():
            loads = sorted({int(b) for row in rows.values() for b in row})
            lines += [f"## {build}: {model}", ""]
            head = " | ".join(f"{b} busy: gen t/s (prompt t/s)" for b in loads)
            lines += [f"| setting | {head} |", "|---" * (len(loads) + 1) + "|"]
            rows = {name: {int(b): r for b, r in row.items()} for name, row in rows.items()}
            best = {b: max(row[b]["gen_tps"] for row in rows.values() if b in row) for b in loads}
            for name, row in rows.items():
                cells = []
                for b in loads:
                    r = row[b]
                    cells.append(
                        f"{r['gen_tps']:.1f} ({r['prompt_tps']:.0f}), "
                        f"{r['gen_tps'] / best[b]:.2f}× best"
                    )
                lines.append(f"| {name} | " + " | ".join(cells) + " |")
            lines.append("")
    return "\n".join(lines)


if __name__ == "__main__":
    sys.exit(main())
