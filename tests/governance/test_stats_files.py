"""``stats merge`` over a share any user can write to: 500 honest exports and 20 hostile ones;
each hostile file named with its reason, the others merged, nothing crashes; the table opens
in a spreadsheet with no formula taken from a cell (security.md, guarantee 21)."""

from __future__ import annotations

import json
import os
import random
import shutil
import subprocess
import zipfile
from pathlib import Path

import pytest

from hospidesk.governance.merge import Merged, Totals, merge
from hospidesk.governance.metrics import Group, Origin, aggregate, to_csv, to_json
from hospidesk.governance.stats_files import read_export
from hospidesk.service.evaluation import merge_exports, merged_csv, safe_cell
from tests.service.test_evaluation import TASKS, THRESHOLD, station_uses

GROUP = Group(
    "secretariat", "secretariat/convocation", "2026-W48", False, 10, 4, 2, 1, 1, 0.75, 30, 10.0,
    8, 0.5, 1, 2, 1,
)  # fmt: skip
ORIGIN = Origin("0" * 32, "2026-12-01")


def honest(folder: Path, count: int, seed: int = 5) -> None:
    rng = random.Random(seed)
    for n in range(count):
        rows = aggregate(station_uses(rng), THRESHOLD)
        origin = Origin(f"{n:032x}", "2026-12-01")
        if n % 4:
            (folder / f"poste-{n:03d}.csv").write_text(to_csv(rows, THRESHOLD, origin), "utf-8")
        else:
            (folder / f"poste-{n:03d}.json").write_text(to_json(rows, THRESHOLD, 0, origin))


def csv_with(**changes: str) -> str:
    text = to_csv([GROUP], THRESHOLD, ORIGIN)
    header, line = text.splitlines()
    cells = dict(zip(header.split(","), line.split(","), strict=True))
    cells.update(changes)
    return header + "\n" + ",".join(cells.values()) + "\n"


LISTED = json.dumps({"format": "hospidesk-stats-v1", "min_group_size": 5, "groups": [[1, 2]]})
WITH_NAN = to_json([GROUP], 5).replace('"share_helped": 0.75', '"share_helped": NaN')


def hostile(folder: Path) -> dict[str, str]:
    """Twenty hostile files, each with words its reason must hold."""
    deep = "[" * 100_000 + "]" * 100_000
    files = {
        "nan.csv": (csv_with(share_helped="nan"), "share_helped"),
        "infini.csv": (csv_with(uses="inf"), "uses"),
        "exposant.csv": (csv_with(uses="1²"), "uses"),
        "negatif.csv": (csv_with(exported="-3"), "exported"),
        "part-enorme.csv": (csv_with(share_few_edits="76924.15"), "share_few_edits"),
        "incoherent.csv": (csv_with(answered="9"), "incohérents"),
        "ligne-courte.csv": (",".join(csv_with().split(",")[:-3]) + "\n", "cellules"),
        "formule.csv": (csv_with(job="=HYPERLINK(A1)"), "tâche inconnue"),
        "tache-inconnue.csv": (csv_with(task="+cmd|' /C calc'!A0"), "tâche inconnue"),
        "semaine.csv": (csv_with(week="@SUM(A1)"), "semaine invalide"),
        "seuil.csv": (csv_with(min_group_size="abc"), "seuil"),
        "doublon.csv": (csv_with() + csv_with().splitlines()[1] + "\n", "en double"),
        "enorme-champ.csv": (csv_with(job="x" * 5_000_000), "CSV illisible"),
        "profond.json": (deep, "JSON illisible"),
        "json-liste.json": (
            json.dumps({"format": "hospidesk-stats-v1", "min_group_size": 5, "groups": [[1, 2]]}),
            "illisible",
        ),
        "json-nan.json": (
            to_json([GROUP], 5).replace('"share_helped": 0.75', '"share_helped": NaN'),
            "share_helped",
        ),
        "pas-export.json": ('{"format": "autre"}', "format inconnu"),
        "binaire.csv": ("\udcff", "encodage"),
    }
    reasons = {}
    for name, (text, reason) in files.items():
        data = text.encode("utf-8", "surrogateescape")
        (folder / name).write_bytes(data)
        reasons[name] = reason
    os.mkfifo(folder / "tube.csv")
    reasons["tube.csv"] = "pas un fichier ordinaire"
    (folder / "zero.csv").symlink_to("/dev/zero")
    reasons["zero.csv"] = "pas un fichier ordinaire"
    return reasons


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="named pipes are a POSIX thing")
def test_hostile_files_are_named_and_set_aside_and_the_rest_is_merged(tmp_path: Path) -> None:
    share = tmp_path / "partage"
    share.mkdir()
    honest(share, 500)
    reasons = hostile(share)
    assert len(reasons) == 20
    result = merge_exports([share], tmp_path / "rapport.html", TASKS, tmp_path / "table.csv")
    assert result.files == 500
    skipped = dict(result.skipped)
    assert set(skipped) == set(reasons)
    for name, words in reasons.items():
        assert words in skipped[name], (name, skipped[name])
        assert "\n" not in skipped[name] and len(skipped[name]) < 300
    honest_only = tmp_path / "honnetes"
    honest_only.mkdir()
    honest(honest_only, 500)
    alone = merge_exports([honest_only], tmp_path / "seul.html", TASKS, tmp_path / "seul.csv")
    assert (tmp_path / "table.csv").read_text() == (tmp_path / "seul.csv").read_text()
    assert alone.groups == result.groups


def test_a_workstation_counts_once_and_its_latest_export_wins(tmp_path: Path) -> None:
    older = Group(*[*GROUP.__dict__.values()][:4], 5, 0, 0, 0, 0, None, 0, None, 0, None, 0, 0, 0)
    (tmp_path / "lundi.csv").write_text(to_csv([older], 5, Origin("a" * 32, "2026-11-30")))
    (tmp_path / "mardi.csv").write_text(to_csv([GROUP], 5, Origin("a" * 32, "2026-12-01")))
    (tmp_path / "copie.csv").write_text((tmp_path / "mardi.csv").read_text())
    (tmp_path / "autre.csv").write_text(to_csv([GROUP], 5, Origin("b" * 32, "2026-12-01")))
    merged = merge(read_export(p, TASKS) for p in sorted(tmp_path.glob("*.csv")))
    (totals,) = merged.groups.values()
    assert totals.counts["uses"] == 20 and len(totals.workstations) == 2


@pytest.mark.libreoffice
def test_a_merged_table_shows_every_cell_as_text_in_a_spreadsheet(tmp_path: Path) -> None:
    if shutil.which("soffice") is None:
        pytest.skip("LibreOffice is not installed (.ci/run installs it)")
    assert safe_cell("=1+1") == "'=1+1" and safe_cell("secretariat") == "secretariat"
    totals = Totals()
    totals.add(GROUP, "poste")
    formulas = ['=HYPERLINK("http://x";"y")', "+1+1", "-2+3", "@SUM(1;2)", "\t=1+1"]
    merged = Merged(1, 5, {(f, f"{f}/t", "2026-W48"): totals for f in formulas})
    table = tmp_path / "table.csv"
    table.write_text(merged_csv(merged), encoding="utf-8")
    subprocess.run(
        ["soffice", "--headless", f"-env:UserInstallation=file://{tmp_path}/lo",
         "--infilter=CSV:44,34,76,1", "--convert-to", "ods", "--outdir", str(tmp_path),
         str(table)],
        capture_output=True, check=True, timeout=180,
    )  # fmt: skip
    content = zipfile.ZipFile(tmp_path / "table.ods").read("content.xml").decode()
    assert "table:formula" not in content  # no cell became a formula
    for formula in formulas:
        assert formula.strip().replace('"', "&quot;") in content  # shown, as text
