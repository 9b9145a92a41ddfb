"""The question after a task, the metrics it records, and « Mon bilan » with real data."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import pytest
from pytestqt.qtbot import QtBot

from hospidesk.governance.metrics import MetricsStore, Use
from hospidesk.service.usage import all_uses
from hospidesk.service.workspace import Workspace
from hospidesk.ui.app import create_window
from hospidesk.ui.dashboard import DashboardDialog
from hospidesk.ui.main_window import MainWindow
from hospidesk.ui.settings_dialog import SettingsDialog
from tests.canary import NAME, files_containing_canaries
from tests.conftest import Env, run_cli
from tests.ui.conftest import answer_omissions, export, limits
from tests.ui.test_main_window import COURRIER, generate

pytestmark = [pytest.mark.model, pytest.mark.usefixtures("secret_service")]


def recorded(workspace: Workspace) -> list[Use]:
    return all_uses(workspace)


def run_and_export(
    qtbot: QtBot, window: MainWindow, target: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    window.library.select("secretariat/reformuler-courrier")
    window.source.setPlainText(f"{COURRIER}\nPatiente : {NAME}.")
    generate(qtbot, window)
    monkeypatch.setattr(window, "ask_export_path", lambda: target)
    monkeypatch.setattr(window, "open_document", lambda path: None)
    export(qtbot, window)


def test_one_question_after_export_and_the_answer_is_recorded(
    qtbot: QtBot,
    window: MainWindow,
    hd_env: Env,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    run_and_export(qtbot, window, tmp_path / "a.docx", monkeypatch)
    bar = window.feedback_bar
    assert bar.isVisible() and "Reformuler un courrier" in bar.question.text()
    bar.helped_buttons["un-peu"].click()
    assert bar.minutes_row.isVisible()
    bar.minute_buttons[1].click()  # 10 min
    assert not bar.isVisible()
    export(qtbot, window)  # the same run exported again: not asked twice
    window.copy_button.click()
    assert not bar.isVisible()
    (use,) = recorded(window.workspace)
    assert (use.job, use.task, use.outcome) == (
        "secretariat",
        "secretariat/reformuler-courrier",
        "exporté",
    )
    assert (use.helped, use.minutes_saved, use.edit_ratio) == ("un-peu", 10, 0.0)
    assert use.model == window.controller.model.entry.id  # type: ignore[union-attr]
    assert use.seconds is not None and use.seconds >= 0
    assert files_containing_canaries([window.workspace.paths.metrics_db.parent], set()) == []

    # Edits count: the next run is rewritten by half before it is copied.
    generate(qtbot, window)
    words = window.draft.toPlainText().split()
    window.draft.setPlainText(" ".join(words[: len(words) // 2] + ["réécrit"] * (len(words) // 2)))
    window.copy_button.click()
    assert bar.isVisible()
    bar.skip_button.click()
    second = recorded(window.workspace)[1]
    assert second.outcome == "copié" and second.helped is None
    assert second.edit_ratio is not None and second.edit_ratio >= 0.4

    # The evaluation export of these two uses, through the CLI.
    hd_env.write_policy("[metrics]\nmin_group_size = 2\n")
    result = run_cli(hd_env, "stats", "--format", "json")
    assert result.returncode == 0, result.stderr
    (group,) = json.loads(result.stdout)["groups"]
    # What follows depends on what the model wrote: the omissions, the check of facts' repairs.
    assert group.pop("exported_with_omissions") in (0, 1)
    assert 0 <= group.pop("repairs_succeeded") <= group.pop("repairs_tried") <= 2
    assert {k: v for k, v in group.items() if k != "week"} == {
        "job": "secretariat",
        "task": "secretariat/reformuler-courrier",
        "suppressed": False,
        "uses": 2,
        "answered": 1,
        "helped_yes": 0,
        "helped_some": 1,
        "helped_no": 0,
        "share_helped": 1.0,
        "minutes_saved_sum": 10,
        "minutes_saved_median": 10.0,
        "exported": 1,
        "share_few_edits": 1.0,
    }


def test_never_ask_again_turns_the_question_off_but_still_measures(
    qtbot: QtBot, window: MainWindow, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    run_and_export(qtbot, window, tmp_path / "a.docx", monkeypatch)
    window.feedback_bar.never_button.click()
    assert window.workspace.settings.get("retours.demander") == "non"
    generate(qtbot, window)
    export(qtbot, window)
    assert not window.feedback_bar.isVisible()
    assert [u.helped for u in recorded(window.workspace)] == [None, None]


def test_a_policy_that_requires_feedback_cannot_be_turned_off(
    qtbot: QtBot, hd_env: Env, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    hd_env.write_policy("[metrics]\nrequire_feedback = true\n")
    workspace = Workspace.open()
    workspace.settings._values["retours.demander"] = "non"  # a user who had turned it off
    win = create_window(workspace)
    answer_omissions(win)
    qtbot.addWidget(win)
    win.show()
    qtbot.waitUntil(lambda: win.controller.model is not None, timeout=60_000)
    win.controller.worker.limits = limits(16)
    run_and_export(qtbot, win, tmp_path / "a.docx", monkeypatch)
    assert win.feedback_bar.isVisible() and not win.feedback_bar.never_button.isVisible()
    dialog = SettingsDialog(workspace, win)
    qtbot.addWidget(dialog)
    assert not dialog.widgets["retours.demander"].isEnabled()
    win.close()


def test_the_dashboard_shows_the_recorded_uses(qtbot: QtBot, hd_env: Env) -> None:
    workspace = Workspace.open()
    store = MetricsStore(workspace.paths.metrics_db)
    today = dt.date(2026, 11, 26)
    for days_ago, task, minutes, ratio in [
        (0, "secretariat/reformuler-courrier", 10, 0.05),
        (1, "secretariat/reformuler-courrier", 20, 0.5),
        (8, "secretariat/convocation", 15, 0.1),
    ]:
        store.record(
            Use(
                task.split("/")[0],
                task,
                "1.0.0",
                "smollm2",
                "exporté",
                today - dt.timedelta(days=days_ago),
                90,
                ratio,
                "oui",
                minutes,
            )
        )
    # A try of a worked example: counted apart, so nowhere in « Mon bilan ».
    store.record(
        Use("qualite", "qualite/reponse-reclamation", "1.0.0", "smollm2", "exporté", today,
            example=True)
    )  # fmt: skip
    uses = store.uses()
    store.close()
    titles = {t.ref: t.task.title for t in workspace.tasks()}
    dialog = DashboardDialog(uses, titles, today=today)
    qtbot.addWidget(dialog)
    dialog.show()
    text = dialog.summary.text()
    assert "3 tâche(s)" in text and "0 h 45 min" in text and "67 %" in text and "100 %" in text
    per_week, per_task, few_edits = dialog.charts
    assert per_week.bars == [("S47", 15), ("S48", 30)]
    assert per_task.bars == [("Reformuler un courrier", 2), ("Convocation à un rendez-vous", 1)]
    assert few_edits.bars == [("S47", 100.0), ("S48", 50.0)]
    assert "S48 : 30" in per_week.accessibleDescription()
    assert not dialog.grab().isNull()
