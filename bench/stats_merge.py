"""``hospidesk stats merge`` on synthetic workstation exports: how long it takes, and that the
time grows linearly with the input (300 and 3,000 exports, with hostile files among them).

Run: .venv/bin/python bench/stats_merge.py   (writes bench/stats-merge.md)
The exports are made by the app's own aggregation (a seeded random month of uses per
workstation, a third of them as JSON); the merge runs as the command does, report and table
written. Beside them, one hostile file in fifteen (made-up jobs by the thousand, huge cells,
NaN, a deep JSON): they are set aside, and must not make the merge slower than linear.
The merge of a single export is timed in the same run: the command's fixed cost (the
interpreter, its imports, the report), taken off both sizes before they are compared.
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


def hostile(folder: Path, count: int) -> None:
    """Files that used to cost the merge most: many made-up jobs, huge cells, deep JSON."""
    for n in range(count):
        kind = n % 3
        if kind == 0:
            rows = [f"job-{i},job-{i}/t,2026-W48,False,5,0,0,0,0,,0,,0,,0" for i in range(3000)]
            text = "job,task,week,suppressed,uses,answered,helped_yes,helped_some,helped_no,"
            text += "share_helped,minutes_saved_sum,minutes_saved_median,exported,"
            text += "share_few_edits,exported_with_omissions\n" + "\n".join(rows) + "\n"
            (folder / f"hostile-{n:03d}.csv").write_text(text, encoding="utf-8")
        elif kind == 1:
            (folder / f"hostile-{n:03d}.csv").write_text("job\n" + "x" * 2_000_000 + "\n")
        else:
            (folder / f"hostile-{n:03d}.json").write_text("[" * 50_000 + "]" * 50_000)


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


def run(tmp: Path, stations: int) -> list[float]:
    folder = tmp / f"exports-{stations}"
    folder.mkdir()
    exports(folder, stations)
    hostile(folder, stations // 15)
    merge = [sys.executable, "-m", "hospidesk", "stats", "merge", str(folder)]
    merge += ["--out", str(tmp / f"r-{stations}.html"), "--csv", str(tmp / f"t-{stations}.csv")]
    return timed(merge)


def main() -> int:
    with tempfile.TemporaryDirectory(prefix="hospidesk-bench-merge-") as tmp:
        single = run(Path(tmp), 1)
        small = run(Path(tmp), 300)
        large = run(Path(tmp), 3000)
    fixed = statistics.median(single)
    s, big = statistics.median(small), statistics.median(large)
    ratio = (big - fixed) / (s - fixed)
    verdict = "no worse than linear" if ratio <= 12 else "worse than linear: to look into"
    text = (
        "# stats merge: time against the input's size\n\n"
        f"{time.strftime('%Y-%m-%d %H:%M')}: `hospidesk stats merge` with the report and the "
        "table, each export a month of five tasks (a third JSON), one hostile file in fifteen "
        "beside them (3,000 made-up jobs, a 2 MB cell, a JSON nested 50,000 deep), 3 runs, the "
        "process's start included:\n\n"
        "| exports (+ hostile) | median s | min | max |\n| --- | --- | --- | --- |\n"
        f"| 1 | {fixed:.2f} | {min(single):.2f} | {max(single):.2f} |\n"
        f"| 300 (+20) | {s:.2f} | {min(small):.2f} | {max(small):.2f} |\n"
        f"| 3,000 (+200) | {big:.2f} | {min(large):.2f} | {max(large):.2f} |\n\n"
        f"Ten times the input: {ratio:.1f} times the time beyond the command's fixed cost (one "
        f"export merged), {verdict}.\n"
    )
    (ROOT / "bench" / "stats-merge.md").write_text(text, encoding="utf-8")
    print(text)
    return 0


if __name__ == "__main__":
    sys.exit(main())
