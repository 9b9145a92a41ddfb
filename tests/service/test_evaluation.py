"""``stats merge``: many workstations' exports added up per job × task × week, totals equal to
those computed independently from the uses themselves, the docs' worked example, refusals
that name the file, and a report that fetches nothing."""

from __future__ import annotations

import csv
import datetime as dt
import io
import random
import re
from collections import Counter, defaultdict
from pathlib import Path

import pytest

from hospidesk.governance.merge import COUNTS, MergeError
from hospidesk.governance.metrics import FEW_EDITS, Group, Use, aggregate, to_csv, to_json
from hospidesk.service.evaluation import merge_exports

JOBS = {
    "secretariat": ["secretariat/convocation", "secretariat/reformuler-courrier"],
    "qualite": ["qualite/reponse-reclamation"],
    "achats": ["achats/demande-devis", "achats/synthese-achats"],
}
THRESHOLD = 5
TASKS = {task: job for job, tasks in JOBS.items() for task in tasks}
"""The tasks the merging workstation knows (a group of another task is set aside)."""


def station_uses(rng: random.Random) -> list[Use]:
    uses = []
    for job, tasks in JOBS.items():
        if rng.random() < 0.3:
            continue
        for task in tasks:
            for week_start in (dt.date(2026, 11, 16), dt.date(2026, 11, 23)):
                for _ in range(rng.randint(0, 12)):
                    exported = rng.random() < 0.8
                    uses.append(
                        Use(
                            job,
                            task,
                            "1.0.0",
                            "m",
                            "exporté" if exported else "copié",
                            week_start + dt.timedelta(days=rng.randint(0, 4)),
                            60,
                            rng.choice([0.0, 0.1, 0.2, 0.35, 0.6]) if exported else None,
                            rng.choice([None, "oui", "un-peu", "non"]),
                            rng.choice([None, 5, 10, 15, 30]),
                            rng.choice([None, 0, 1]) if exported else None,
                        )
                    )
    return uses


def test_300_workstations_add_up_to_the_independent_totals(tmp_path: Path) -> None:
    rng = random.Random(2026)
    folder = tmp_path / "exports"
    folder.mkdir()
    expected: dict[tuple[str, str, str], Counter[str]] = defaultdict(Counter)
    suppressed: Counter[tuple[str, str, str]] = Counter()
    few: Counter[tuple[str, str, str]] = Counter()
    for station in range(300):
        uses = station_uses(rng)
        rows = aggregate(uses, THRESHOLD)
        text = to_json(rows, THRESHOLD) if station % 3 == 0 else to_csv(rows, THRESHOLD)
        suffix = ".json" if station % 3 == 0 else ".csv"
        (folder / f"poste-{station:03d}{suffix}").write_text(text, encoding="utf-8")
        # independently, from the uses themselves
        groups: dict[tuple[str, str, str], list[Use]] = defaultdict(list)
        for use in uses:
            groups[(use.job, use.task, use.week)].append(use)
        for key, members in groups.items():
            if len(members) < THRESHOLD:
                suppressed[key] += 1
                continue
            answers = [u.helped for u in members if u.helped]
            exported = [u for u in members if u.outcome == "exporté"]
            expected[key].update(
                uses=len(members),
                answered=len(answers),
                helped_yes=answers.count("oui"),
                helped_some=answers.count("un-peu"),
                helped_no=answers.count("non"),
                minutes_saved_sum=sum(u.minutes_saved or 0 for u in members),
                exported=len(exported),
                exported_with_omissions=sum(1 for u in exported if u.omissions),
            )
            few[key] += sum(1 for u in exported if (u.edit_ratio or 0) <= FEW_EDITS)
    (folder / ".poste-999.csv.x1y2.tmp").write_text("being written", encoding="utf-8")
    out, table = tmp_path / "rapport.html", tmp_path / "table.csv"
    result = merge_exports([folder], out, TASKS, table)
    assert result.files == 300
    merged = {
        (r["job"], r["task"], r["week"]): r
        for r in csv.DictReader(io.StringIO(table.read_text(encoding="utf-8")))
    }
    assert set(merged) == set(expected) | set(suppressed)
    for key, row in merged.items():
        for name in COUNTS:
            assert int(row[name]) == expected[key][name], (key, name)
        assert int(row["suppressed_groups"]) == suppressed[key]
        assert int(row["few_edits"]) == few[key]
        answered = expected[key]["answered"]
        if answered:
            helped = expected[key]["helped_yes"] + expected[key]["helped_some"]
            assert float(row["share_helped"]) == pytest.approx(helped / answered, abs=1e-4)
    assert result.suppressed == sum(suppressed.values())
    page = out.read_text(encoding="utf-8")
    for job in JOBS:
        assert f"<h2>{job}</h2>" in page


def test_the_docs_worked_example_gives_the_docs_figures(tmp_path: Path) -> None:
    def group(task: str, *figures: float) -> Group:
        uses, answered, yes, some, no, minutes, exported, few_share = figures
        return Group(
            "secretariat", task, "2026-W48", False, int(uses), int(answered), int(yes),
            int(some), int(no), None, int(minutes), None, int(exported), few_share, 0,
        )  # fmt: skip

    hidden = Group("secretariat", "secretariat/reformuler-courrier", "2026-W48", True,
                   *([None] * 13))  # fmt: skip
    stations = {
        "poste-12": [
            group("secretariat/convocation", 14, 12, 8, 3, 1, 110, 13, 0.85),
            group("secretariat/reformuler-courrier", 6, 6, 3, 2, 1, 45, 5, 0.6),
        ],
        "poste-31": [group("secretariat/convocation", 9, 7, 5, 1, 1, 60, 9, 0.78), hidden],
        "poste-44": [group("secretariat/convocation", 11, 11, 6, 4, 1, 95, 10, 0.9)],
    }
    for name, rows in stations.items():
        (tmp_path / f"{name}.csv").write_text(to_csv(rows, 5), encoding="utf-8")
    out = tmp_path / "rapport.html"
    merge_exports([tmp_path], out, TASKS)
    page = re.sub(r"\s+", " ", out.read_text(encoding="utf-8"))
    row = re.search(r"<td>2026-W48</td>(.*?)</tr>", page)
    assert row is not None
    cells = re.findall(r"<td>(.*?)</td>", row.group(1))
    # (the page's no-break spaces are spaces here: \s)
    assert cells[:5] == ["40", "89 %", "310", "103", "81 %"]  # uses, helped, min, /poste, few
    assert "1 groupe de moins de 5 usages" in cells[5]


def test_a_bad_file_is_set_aside_with_its_reason_and_the_others_merged(tmp_path: Path) -> None:
    rows = [Group("secretariat", "secretariat/convocation", "2026-W48", True, *([None] * 13))]
    (tmp_path / "poste-1.csv").write_text(to_csv(rows, 5), encoding="utf-8")
    (tmp_path / "poste-2.csv").write_text(to_csv(rows, 3), encoding="utf-8")
    (tmp_path / "poste-3.csv").write_text(
        to_csv(rows, 5).replace("suppressed", "supprime"), encoding="utf-8"
    )
    (tmp_path / "poste-4.json").write_text('{"format": "autre"}', encoding="utf-8")
    result = merge_exports([tmp_path], tmp_path / "r.html", TASKS)
    assert result.files == 1
    assert dict(result.skipped) == {
        "poste-2.csv": "seuil 3 différent de celui des autres (5)",
        "poste-3.csv": "colonne inconnue « supprime » (export d'une autre version ou modifié à "
        "la main).",
        "poste-4.json": "ce n'est pas un export de HospiDesk (format inconnu).",
    }
    page = (tmp_path / "r.html").read_text(encoding="utf-8")
    assert "3 fichier(s) écarté(s)" in page and "poste-4.json" in page
    empty = tmp_path / "vide"
    empty.mkdir()
    with pytest.raises(MergeError, match="Aucun export"):
        merge_exports([empty], tmp_path / "r.html", TASKS)


def test_the_report_fetches_nothing(tmp_path: Path) -> None:
    rows = aggregate(station_uses(random.Random(3)), THRESHOLD)
    (tmp_path / "poste-1.csv").write_text(to_csv(rows, THRESHOLD), encoding="utf-8")
    out = tmp_path / "r.html"
    merge_exports([tmp_path / "poste-1.csv"], out, TASKS)
    page = out.read_text(encoding="utf-8")
    assert "default-src 'none'" in page
    assert page.count("<svg") == len({row.job for row in rows})  # one chart per job, inline
    # the charts refer only to their own elements (url(#id), href="#id"); the SVG namespaces
    # are names, never fetched (Chromium proves it: tests/service/test_evaluation_report.py)
    page = re.sub(r'xmlns(:xlink)?="http://www\.w3\.org/[0-9]{4}/[a-z]+"', "", page)
    page = re.sub(r'url\(#[A-Za-z0-9_-]+\)|href="#[A-Za-z0-9_-]+"', "", page)
    assert not re.search(
        r"<script|src=|href=|url\(|@import|https?:|<image|<foreignObject", page, re.I
    )
