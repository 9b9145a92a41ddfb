"""Générer to first token in the window, this tree against a baseline tree, in the same run.

The model sits in the site folder (IT's place for approved models). Each round starts the
window in a fresh process for each tree, in alternating order, waits until the model is
ready, clicks Générer and times the first piece of the draft on screen. The baseline is
another commit of this repository checked out with ``git worktree`` (by default the commit
before the model-integrity work), run with the same Python environment.

    python bench/first_token.py [--baseline REV] [--rounds N]
    python bench/first_token.py measure      (one window, one JSON line; used by the above)

Writes bench/first-token.md. Started as root, each window runs as an ordinary user (nobody,
``--uid``) so that the root-owned site folder is out of its reach, as on a workstation: the
model then takes the cached path. (Root can modify every file, so as root the site model
would take the stricter path: hashed into sealed memory at each load.) That user must be
able to run the Python interpreter (not one under a 0700 /root).
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
DEFAULT_BASELINE = "8552686"  # the redesign, before integrity against the user (#16)
LIMIT = 1.10
SOURCE = (
    "Bonjour, suite à votre courrier du 12 février concernant le dossier 2026-114, les pièces "
    "manquantes doivent être transmises au secrétariat sous huit jours. Cordialement."
)


def own_keyring() -> subprocess.Popen[str]:
    """A D-Bus session and an unlocked gnome-keyring for this process's user (what
    tools/with-keyring.sh does, from inside: the window runs as another user than the bench)."""
    bus = subprocess.Popen(
        ["dbus-daemon", "--session", "--nofork", "--print-address=1"],
        stdout=subprocess.PIPE,
        stderr=subprocess.DEVNULL,
        text=True,
    )
    assert bus.stdout
    os.environ["DBUS_SESSION_BUS_ADDRESS"] = bus.stdout.readline().strip()
    keyring = subprocess.run(
        ["gnome-keyring-daemon", "--unlock", "--components=secrets", "--daemonize"],
        input="hospidesk-bench",
        stdout=subprocess.PIPE,
        stderr=subprocess.DEVNULL,  # the daemon keeps it open: not the bench's pipe
        text=True,
        check=True,
    )
    for line in keyring.stdout.splitlines():
        name, _, value = line.partition("=")
        if name and value:
            os.environ[name] = value
    return bus


def measure() -> dict[str, Any]:
    from PySide6.QtWidgets import QApplication

    from hospidesk.service.drafting import RunLimits
    from hospidesk.service.session import accept_rules, open_session
    from hospidesk.service.workspace import Workspace
    from hospidesk.ui.app import start_window

    app = QApplication(sys.argv[:1])
    workspace = Workspace.open()
    accept_rules(workspace)
    open_session(workspace, "fenêtre")
    started = time.perf_counter()
    window = start_window(workspace)

    def wait(done: Any, timeout: float) -> None:
        limit = time.monotonic() + timeout
        while not done() and time.monotonic() < limit:
            app.processEvents()
            time.sleep(0.0005)
        if not done():
            raise SystemExit("timed out")

    wait(lambda: window.controller.model is not None, 120)
    ready = time.perf_counter() - started
    window.controller.worker.limits = RunLimits(8)
    window.library.select("secretariat/reformuler-courrier")
    window.source.setPlainText(SOURCE)
    clicked = time.perf_counter()
    window.generate_button.click()
    wait(lambda: window.draft.toPlainText().strip() != "", 120)
    first = time.perf_counter() - clicked
    wait(lambda: window.controller.job is None, 120)
    loads = [
        json.loads(line)
        for line in workspace.audit.file.read_text().splitlines()
        if '"model_loaded"' in line
    ]
    window.close()
    app.processEvents()
    details = loads[-1]["details"] if loads else {}
    return {"first_token_s": first, "model_ready_s": ready, "rule": details.get("rule", "-")}


def site_with_model(folder: Path) -> Path:
    """A site folder holding the embedded model, as IT installs it (read-only for users)."""
    from hospidesk.engine.catalog import load_catalog, locate
    from hospidesk.paths import get_paths

    entry = load_catalog(get_paths()).default()
    model = locate(entry, get_paths())
    if model is None:
        raise SystemExit("the embedded model is not installed: run make setup")
    site = folder / "site"
    (site / "models").mkdir(parents=True)
    shutil.copyfile(model, site / "models" / entry.file)
    (site / "models" / entry.file).chmod(0o644)
    return site


def one_round(tree: Path, site: Path, folder: Path, uid: int | None) -> dict[str, Any]:
    home = Path(tempfile.mkdtemp(dir=folder))
    env = {
        **os.environ,
        "PYTHONPATH": str(tree / "src"),
        "HOSPIDESK_HOME": str(home),
        "HOSPIDESK_SITE_DIR": str(site),
        "QT_QPA_PLATFORM": "offscreen",
    }
    command = [sys.executable, str(Path(__file__).resolve()), "measure"]
    if uid is not None:  # an ordinary user, with a keyring session of their own
        home.chmod(0o755)
        os.chown(home, uid, uid)
        for name in ("HOSPIDESK_KEYRING_READY", "DBUS_SESSION_BUS_ADDRESS", "XDG_DATA_HOME"):
            env.pop(name, None)
        env["HOME"] = env["XDG_DATA_HOME"] = str(home)
        command = [
            *("setpriv", f"--reuid={uid}", f"--regid={uid}", "--clear-groups"),
            *command,
            "--own-keyring",
        ]
    proc = subprocess.run(
        command,
        capture_output=True,
        text=True,
        env=env,
        timeout=600,
        check=False,
    )
    if proc.returncode != 0:
        raise SystemExit(f"{tree}: {proc.stderr[-2000:]}")
    result: dict[str, Any] = json.loads(proc.stdout.strip().splitlines()[-1])
    shutil.rmtree(home, ignore_errors=True)
    return result


def compare(baseline: str, rounds: int, uid: int | None) -> int:
    with tempfile.TemporaryDirectory() as scratch:
        folder = Path(scratch)
        folder.chmod(0o755)
        base_tree = folder / "baseline"
        subprocess.run(
            ["git", "-C", str(ROOT), "worktree", "add", "--detach", str(base_tree), baseline],
            check=True,
            capture_output=True,
        )
        try:
            site = site_with_model(folder)
            trees = {"baseline": base_tree, "this tree": ROOT}
            results: dict[str, list[dict[str, Any]]] = {name: [] for name in trees}
            for n in range(rounds):
                order = list(trees) if n % 2 == 0 else list(reversed(trees))
                for name in order:
                    results[name].append(one_round(trees[name], site, folder, uid))
                    print(name, results[name][-1], flush=True)
        finally:
            subprocess.run(
                ["git", "-C", str(ROOT), "worktree", "remove", "--force", str(base_tree)],
                check=False,
                capture_output=True,
            )
    return report(baseline, rounds, results, uid)


def report(
    baseline: str, rounds: int, results: dict[str, list[dict[str, Any]]], uid: int | None
) -> int:
    def median(name: str, key: str) -> float:
        return statistics.median(r[key] for r in results[name])

    ratio = median("this tree", "first_token_s") / median("baseline", "first_token_s")
    ready = median("this tree", "model_ready_s") / median("baseline", "model_ready_s")
    rules = sorted({r["rule"] for r in results["this tree"]})
    lines = [
        "# Générer → first token, this tree against a baseline (bench/first_token.py)",
        "",
        f"Baseline: `{baseline}`; {rounds} rounds, alternating order, a fresh window process "
        f"each; model in the site folder (root-owned); windows run as user id "
        f"{os.geteuid() if uid is None else uid}; rule at load in this tree: "
        f"{', '.join(rules)}.",
        "",
        "| | first token (median, s) | model ready from start (median, s) |",
        "|---|---|---|",
    ]
    for name in results:
        first, ready_s = median(name, "first_token_s"), median(name, "model_ready_s")
        lines.append(f"| {name} | {first:.3f} | {ready_s:.2f} |")
    verdict = "PASS" if ratio <= LIMIT else "FAIL"
    lines += [
        "",
        f"Ratio first token (this tree / baseline): **{ratio:.3f}** (limit {LIMIT}): {verdict}.",
        f"Ratio model ready: {ready:.3f} (for information: the load, not the click).",
        "",
    ]
    out = ROOT / "bench" / "first-token.md"
    out.write_text("\n".join(lines), encoding="utf-8")
    print("\n".join(lines))
    return 0 if ratio <= LIMIT else 1


def main() -> int:
    if sys.argv[1:2] == ["measure"]:
        bus = own_keyring() if "--own-keyring" in sys.argv else None
        try:
            print(json.dumps(measure()), flush=True)
        finally:
            if bus is not None:
                bus.terminate()
        os._exit(0)  # measured; skip Qt's teardown at exit, which sometimes crashes PySide6
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--baseline", default=DEFAULT_BASELINE)
    parser.add_argument("--rounds", type=int, default=7)
    parser.add_argument(
        "--uid",
        type=int,
        default=65534 if os.geteuid() == 0 else None,
        help="run each window as this user (root only; default nobody): as on a workstation, "
        "the site folder is then out of the user's reach",
    )
    args = parser.parse_args()
    if args.uid is not None and os.geteuid() != 0:
        parser.error("--uid needs root")
    return compare(args.baseline, args.rounds, args.uid)


if __name__ == "__main__":
    sys.exit(main())
