"""Render the README's picture of a `stats merge` report (docs/screenshots/stats-report.png)
as headless Chromium shows it, from invented exports of 120 workstations over ten weeks.

Run: .venv/bin/python tools/render_report.py   (needs Debian's chromium)
The exports are made by the app's own aggregation, then merged by the `hospidesk stats merge`
command itself; the page's first screen is kept.
"""

from __future__ import annotations

import datetime as dt
import random
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "src"))

from tests.chromium import render  # noqa: E402 - the tests' Chromium runner

from hospidesk.governance.metrics import Use, aggregate, to_csv  # noqa: E402

TASKS = {
    "secretariat": ["secretariat/convocation", "secretariat/reformuler-courrier",
                    "secretariat/relance-paiement"],
    "qualite": ["qualite/reponse-reclamation"],
}  # fmt: skip
FIRST_MONDAY = dt.date(2026, 9, 21)


def station_uses(rng: random.Random, weeks: int = 10) -> list[Use]:
    uses = []
    for week in range(weeks):
        adoption = 0.4 + 0.6 * week / (weeks - 1)  # uses grow as staff take it up
        for job, tasks in TASKS.items():
            for task in tasks:
                for _ in range(rng.randint(0, round(16 * adoption))):
                    exported = rng.random() < 0.8
                    uses.append(
                        Use(
                            job, task, "1.2.0", "m", "exporté" if exported else "copié",
                            FIRST_MONDAY + dt.timedelta(weeks=week, days=rng.randint(0, 4)), 60,
                            rng.choice([0.0, 0.1, 0.15, 0.3, 0.5]) if exported else None,
                            rng.choices([None, "oui", "un-peu", "non"], [4, 4 + week, 2, 2])[0],
                            rng.choice([None, 5, 10, 15, 20]),
                        )
                    )  # fmt: skip
    return uses


def main() -> int:
    rng = random.Random(22)  # noqa: S311 - invented figures, not a secret
    with tempfile.TemporaryDirectory(prefix="hospidesk-report-") as folder:
        exports = Path(folder) / "exports"
        exports.mkdir()
        for station in range(120):
            rows = aggregate(station_uses(rng), 5)
            (exports / f"poste-{station:03d}.csv").write_text(to_csv(rows, 5), "utf-8")
        page = Path(folder) / "rapport.html"
        subprocess.run(
            [sys.executable, "-m", "hospidesk", "stats", "merge", str(exports), "--out", str(page)],
            check=True,
        )
        out = ROOT / "docs" / "screenshots" / "stats-report.png"
        requests = render(page, out, width=860, height=1060)
    print(f"wrote {out.relative_to(ROOT)}; requests made by the page: {len(requests)}")
    return 1 if requests else 0


if __name__ == "__main__":
    raise SystemExit(main())
