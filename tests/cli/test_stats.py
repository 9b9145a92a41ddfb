"""Feedback through the CLI and the evaluation export: exact aggregates, no content."""

from __future__ import annotations

import datetime as dt
import json
import re
from pathlib import Path

import pytest

from tests.canary import NAME, NIR, files_containing_canaries
from tests.conftest import Env, assert_clean_failure, draft_cli, run_cli

pytestmark = [pytest.mark.model, pytest.mark.usefixtures("secret_service")]


def draft(env: Env, tmp_path: Path, task: str, *feedback: str) -> None:
    source = tmp_path / "note.txt"
    source.write_text(f"Patiente {NAME}, NIR {NIR}. Merci de renvoyer le formulaire.")
    extra = ["--source", str(source)] if task.endswith("reformuler-courrier") else []
    fields = (
        [
            f"--field=patient={NAME}",
            "--field=date_rdv=17/03/2026",
            "--field=heure_rdv=09h30",
            "--field=lieu=Bâtiment B",
            "--field=medecin=Dr Lefèvre",
            "--field=contact=le secrétariat",
        ]
        if task.endswith("convocation")
        else ["--field", f"destinataire={NAME}"]
    )
    result = draft_cli(
        env, task, *fields, *extra, *feedback, max_tokens=6, out=tmp_path / "lettre.docx"
    )
    assert result.returncode == 0, result.stderr


def test_feedback_is_aggregated_exactly_and_carries_no_content(hd_env: Env, tmp_path: Path) -> None:
    hd_env.write_policy("[metrics]\nmin_group_size = 3\n")
    letter = "secretariat/reformuler-courrier"
    draft(hd_env, tmp_path, letter, "--helped", "oui", "--minutes-saved", "10")
    draft(hd_env, tmp_path, letter, "--helped", "un-peu", "--minutes-saved", "5")
    draft(hd_env, tmp_path, letter, "--helped", "non")
    draft(hd_env, tmp_path, "secretariat/convocation", "--helped", "oui")

    result = run_cli(hd_env, "stats", "--format", "json")
    assert result.returncode == 0, result.stderr
    data = json.loads(result.stdout)
    assert data["min_group_size"] == 3
    hidden, shown = data["groups"]
    assert hidden["task"] == "secretariat/convocation" and hidden["suppressed"] is True
    assert hidden["uses"] is None and hidden["helped_yes"] is None
    left_out = shown.pop("exported_with_omissions")  # depends on what the model wrote
    assert 0 <= left_out <= shown["exported"]
    tried, succeeded = shown.pop("repairs_tried"), shown.pop("repairs_succeeded")  # likewise
    assert 0 <= succeeded <= tried <= shown["uses"]
    assert {k: v for k, v in shown.items() if k != "week"} == {
        "job": "secretariat",
        "task": letter,
        "suppressed": False,
        "uses": 3,
        "answered": 3,
        "helped_yes": 1,
        "helped_some": 1,
        "helped_no": 1,
        "share_helped": 0.6667,
        "minutes_saved_sum": 15,
        "minutes_saved_median": 7.5,
        "exported": 3,
        "share_few_edits": 1.0,  # exported as the model wrote it
    }

    exports = tmp_path / "exports"
    exports.mkdir()
    out = exports / "mesures.csv"
    assert run_cli(hd_env, "stats", "--format", "csv", "--out", str(out)).returncode == 0
    lines = out.read_text().splitlines()
    assert lines[0].startswith("job,task,week,suppressed,uses,answered,helped_yes")
    assert lines[1].startswith("secretariat,secretariat/convocation,")
    # The threshold too, then the workstation's anonymous id and the export's date.
    assert lines[0].endswith(
        ",exported_with_omissions,repairs_tried,repairs_succeeded,min_group_size,poste,exporte_le"
    )
    station, day = lines[1].rsplit(",", 2)[1:]
    assert re.fullmatch(r"[0-9a-f]{32}", station) and day == dt.date.today().isoformat()
    assert lines[1].endswith(f",True,,,,,,,,,,,,,,3,{station},{day}")
    assert lines[2].startswith(f"secretariat,{letter},")
    assert lines[2].split(",False,")[1].startswith("3,3,1,1,1,0.6667,15,7.5,3,1.0,")
    row = dict(zip(lines[0].split(","), lines[2].split(","), strict=True))
    assert (row["min_group_size"], row["poste"], row["exporte_le"]) == ("3", station, day)
    assert int(row["repairs_succeeded"]) <= int(row["repairs_tried"]) <= 3  # as the model wrote
    # No text, field value or identifier in the metrics store or in the exports.
    assert (hd_env.home / "data" / "metrics.sqlite3").exists()
    assert files_containing_canaries([hd_env.home / "data", exports], set()) == []
    assert "CANARIVORE" not in result.stdout


def test_bad_feedback_is_refused_before_any_work(hd_env: Env) -> None:
    line = assert_clean_failure(
        draft_cli(hd_env, "secretariat/reformuler-courrier", "--minutes-saved", "beaucoup")
    )
    assert "nombre entier attendu" in line
    assert not (hd_env.home / "data" / "metrics.sqlite3").exists()
