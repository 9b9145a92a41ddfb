"""The weekly export the workstation writes by itself into the evaluation team's folder:
once per ISO week, the complete weeks not exported yet, named by workstation and profile,
never by person; an unwritable folder changes nothing for the user and is audited."""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
from pathlib import Path

import pytest
from pytestqt.qtbot import QtBot

from hospidesk.service.usage import record_use
from hospidesk.service.weekly import iso_week, weekly_export
from hospidesk.service.workspace import Workspace
from hospidesk.ui.app import start_window
from tests.conftest import Env

MONDAY = dt.date(2026, 11, 30)  # ISO week 2026-W49


def policy(env: Env, folder: Path) -> Workspace:
    env.write_policy(f'[metrics]\nexport_dir = "{folder}"\nmin_group_size = 2\n')
    return Workspace.open()


def use_on(ws: Workspace, day: dt.date, task: str = "secretariat/convocation") -> None:
    record_use(ws, ws.task(task), "m", "exported", 30.0, "a b c", "a b c", "oui", 10)
    db = ws.paths.metrics_db
    import sqlite3

    with sqlite3.connect(db) as conn:  # the use happened that day
        conn.execute("UPDATE uses SET day = ? WHERE id = (SELECT max(id) FROM uses)", (str(day),))


def rows(path: Path) -> list[dict[str, str]]:
    return list(csv.DictReader(io.StringIO(path.read_text(encoding="utf-8"))))


def test_once_a_week_the_complete_weeks_not_exported_yet(hd_env: Env, tmp_path: Path) -> None:
    share = tmp_path / "partage"
    share.mkdir()
    ws = policy(hd_env, share)
    for day in (MONDAY - dt.timedelta(days=7), MONDAY - dt.timedelta(days=6), MONDAY):
        use_on(ws, day)
    written = weekly_export(ws, MONDAY)
    assert written is not None and written.weeks == ("2026-W48",)
    (file,) = share.iterdir()
    host_and_profile = file.name.removesuffix("-2026-W49.csv")
    assert host_and_profile != file.name and ws.user not in file.name
    assert [r["week"] for r in rows(file)] == ["2026-W48"] and rows(file)[0]["uses"] == "2"
    assert weekly_export(ws, MONDAY + dt.timedelta(days=3)) is None  # once a week
    assert len(list(share.iterdir())) == 1
    # the next week: only the week not exported yet, in a new file of the same profile
    again = weekly_export(ws, MONDAY + dt.timedelta(days=7))
    assert again is not None and again.weeks == ("2026-W49",)
    files = sorted(share.iterdir())
    assert len(files) == 2 and files[1].name.startswith(host_and_profile)
    assert [r["week"] for r in rows(files[1])] == ["2026-W49"]


def test_no_name_of_the_person_in_the_file_or_its_name(hd_env: Env, tmp_path: Path) -> None:
    ws = policy(hd_env, tmp_path)
    use_on(ws, MONDAY - dt.timedelta(days=7))
    written = weekly_export(ws, MONDAY)
    assert written is not None
    assert ws.user not in written.path.name and ws.user not in written.path.read_text()


def test_an_unwritable_folder_is_audited_and_tried_again(hd_env: Env, tmp_path: Path) -> None:
    # /proc takes no file, even from root (the suite may run as root, which writes anywhere
    # else)
    ws = policy(hd_env, Path("/proc"))
    use_on(ws, MONDAY - dt.timedelta(days=7))
    assert weekly_export(ws, MONDAY) is None
    assert [r["event"] for r in ws.audit.records()][-1] == "metrics_export_failed"
    share = tmp_path / "partage"
    share.mkdir()
    assert weekly_export(policy(hd_env, share), MONDAY) is not None  # the week is still due
    assert len(list(share.iterdir())) == 1


def test_a_missing_folder_is_audited_and_the_user_sees_nothing(hd_env: Env, tmp_path: Path) -> None:
    ws = policy(hd_env, tmp_path / "absent")
    use_on(ws, MONDAY - dt.timedelta(days=7))
    assert weekly_export(ws, MONDAY) is None
    failed = [r for r in ws.audit.records() if r.get("event") == "metrics_export_failed"]
    assert failed and "absent" in json.dumps(failed[-1], ensure_ascii=False)
    assert not (tmp_path / "absent").exists()


def test_without_the_policy_key_nothing_is_written(hd_env: Env) -> None:
    assert weekly_export(Workspace.open(), MONDAY) is None
    assert iso_week(MONDAY) == "2026-W49"


@pytest.mark.model
def test_starting_the_window_writes_the_weeks_export(
    qtbot: QtBot, hd_env: Env, tmp_path: Path
) -> None:
    share = tmp_path / "partage"
    share.mkdir()
    ws = policy(hd_env, share)
    ws.settings.set("profil.metier", "secretariat")  # no question at start
    ws.settings.save()
    use_on(ws, dt.date.today() - dt.timedelta(days=7))
    window = start_window(Workspace.open())
    qtbot.addWidget(window)
    qtbot.waitUntil(lambda: len(list(share.glob("*.csv"))) == 1, timeout=10_000)
    qtbot.waitUntil(lambda: len(list(share.iterdir())) == 1)  # no temporary file left
    (file,) = share.iterdir()
    assert file.name.endswith(f"-{iso_week(dt.date.today())}.csv")
    window.close()
    second = start_window(Workspace.open())  # the same week: nothing more
    qtbot.addWidget(second)
    ended: list[str] = []
    second.background.ended.connect(ended.append)  # before the event loop runs again
    qtbot.waitUntil(lambda: "weekly-export" in ended, timeout=10_000)
    assert len(list(share.iterdir())) == 1
    second.close()
