"""``hospidesk stats merge`` on 300 synthetic workstation exports: how long it takes.

Run: .venv/bin/python bench/stats_merge.py   (writes bench/stats-merge.md)
The exports are made by the app's own aggregation (a seeded random month of uses per
workstation, a third of them as JSON); the merge runs as the command does, report and table
written. `python -c pass` is timed in the same run, as a baseline.
"""

from __future__ import annotations

import datetime as dt
import random
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))

from benchutil import timed  # noqa: E402 - bench/benchutil.py

from hospidesk.governance.metrics import Use, aggregate, to_csv, to_json  # noqa: E402

TASKS = [
    ("secretariat", "secretariat/convocation"),
    ("secretariat", "secretariat/reformuler-courrier"),
    ("qualite", "qualite/reponse-reclamation"),
    ("achats", "achats/demande-devis"),
    ("ressources-humaines", "ressources-humaines/note-de-service"),
]


def exports(folder: Path, stations: int = 300) -> None:
    rng = random.Random(300)  # noqa: S311 - synthetic figures, not a secret
    for station in range(stations):
        uses = [
            Use(
                job,
                task,
                "1.0.0",
                "m",
                rng.choice(["exporté", "copié"]),
                dt.date(2026, 11, 2) + dt.timedelta(days=rng.randint(0, 27)),
                60,
                rng.random(),
                rng.choice([None, "oui", "un-peu", "non"]),
                rng.choice([None, 5, 10, 30]),
                0,
            )
            for job, task in TASKS
            for _ in range(rng.randint(0, 40))
        ]
        rows = aggregate(uses, 5)
        name = f"poste-{station:03d}"
        if station % 3:
            (folder / f"{name}.csv").write_text(to_csv(rows, 5), encoding="utf-8")
        else:
            (folder / f"{name}.json").write_text(to_json(rows, 5), encoding="utf-8")


def main() -> int:
    with tempfile.TemporaryDirectory(prefix="hospidesk-bench-merge-") as tmp:
        folder = Path(tmp) / "exports"
        folder.mkdir()
        exports(folder)
        merge = [sys.executable, "-m", "hospidesk", "stats", "merge", str(folder)]
        merge += ["--out", str(Path(tmp) / "r.html"), "--csv", str(Path(tmp) / "t.csv")]
        merged = timed(merge)
        baseline = timed([sys.executable, "-c", "pass"])
    median = statistics.median(merged)
    text = (
        "# stats merge on 300 workstation exports\n\n"
        f"{time.strftime('%Y-%m-%d %H:%M')}: `hospidesk stats merge` of 300 exports (a month, "
        f"five tasks each; a third JSON) with the report and the table: {median:.2f} s "
        f"(min {min(merged):.2f}, max {max(merged):.2f}, 3 runs, the process's start included); "
        f"`python -c pass`: {statistics.median(baseline):.3f} s.\n"
    )
    (ROOT / "bench" / "stats-merge.md").write_text(text, encoding="utf-8")
    print(text)
    return 0


if __name__ == "__main__":
    sys.exit(main())
