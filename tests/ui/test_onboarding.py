"""The window by job (on a scripted engine): the job's tasks first, the policy's job without a
question, the example and its banner, tips, the export name, the welcome banner, Paramètres."""

from __future__ import annotations

from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QComboBox
from pytestqt.qtbot import QtBot

from hospidesk.service import onboarding
from hospidesk.service.onboarding import choose_job
from hospidesk.service.usage import all_uses
from hospidesk.service.workspace import Workspace
from hospidesk.ui import app
from hospidesk.ui.job_dialog import JobDialog
from hospidesk.ui.main_window import MainWindow
from hospidesk.ui.settings_dialog import SettingsDialog
from tests.conftest import Env
from tests.ui.conftest import Opener, export
from tests.ui.test_window_logic import LETTER, generate


def groups(window: MainWindow) -> list[tuple[str, bool]]:
    tree = window.library.tree
    items = [tree.topLevelItem(i) for i in range(tree.topLevelItemCount())]
    return [(item.text(0), item.isExpanded()) for item in items if item is not None]


def test_the_users_job_comes_first_and_open_the_others_closed(
    hd_env: Env, open_window: Opener
) -> None:
    choose_job(Workspace.open(), "secretariat")
    window = open_window()
    shown = groups(window)
    assert shown[0] == ("Secrétariat médical et administratif", True)
    assert all(not expanded for _, expanded in shown[1:]) and len(shown) == 5
    assert window.current is not None and window.current.ref == LETTER
    window.library.search.setText("note de service")  # a search opens everything
    assert all(expanded for _, expanded in groups(window))


def test_a_policy_giving_one_job_shows_only_its_tasks_and_asks_nothing(
    hd_env: Env, open_window: Opener, monkeypatch: pytest.MonkeyPatch
) -> None:
    hd_env.write_policy('[roles]\ndefault = ["ressources-humaines"]\n')
    asked: list[object] = []
    monkeypatch.setattr(JobDialog, "exec", lambda self: asked.append(self) or 0)
    app.ensure_job_chosen(Workspace.open())
    assert asked == []
    window = open_window()
    assert {t.pack.manifest.job for t in window.tasks.values()} == {"ressources-humaines"}
    assert groups(window) == [("Ressources humaines", True)]
    assert window.current is not None
    assert window.current.ref == "ressources-humaines/reponse-demande-agent"  # its first task


def test_the_job_question_stores_the_choice(hd_env: Env, monkeypatch: pytest.MonkeyPatch) -> None:
    def choose_quality(dialog: JobDialog) -> int:
        rows = [dialog.jobs.item(i).text() for i in range(dialog.jobs.count())]
        dialog.jobs.setCurrentRow(next(i for i, t in enumerate(rows) if t.startswith("Qualité")))
        return 1

    monkeypatch.setattr(JobDialog, "exec", choose_quality)
    app.ensure_job_chosen(Workspace.open())
    assert onboarding.current_job(Workspace.open()) == "qualite"


def test_an_example_fills_the_task_and_is_marked_until_the_user_changes_it(
    qtbot: QtBot, hd_env: Env, open_window: Opener, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    window = open_window()
    window.activateWindow()
    qtbot.waitUntil(window.isActiveWindow)  # the shortcut is the window's
    window.library.select(LETTER)
    panel = window.task_panel
    assert panel.tips.isVisibleTo(window) and "Collez le brouillon" in panel.tips.text()
    QTest.keyClick(window.library.tree, Qt.Key.Key_T, Qt.KeyboardModifier.ControlModifier)
    example = window.tasks[LETTER].task.examples[0]
    qtbot.waitUntil(lambda: window.source.toPlainText() == example.source)  # animated click
    assert panel.form is not None and panel.form.values()["objet"] == example.fields["objet"]
    assert panel.example_banner.isVisibleTo(window)
    assert example.description in panel.example_banner.text()
    assert "exemple" in window.suggested_path().name
    generate(qtbot, window)
    monkeypatch.setattr(window, "ask_export_path", lambda: tmp_path / "essai.docx")
    monkeypatch.setattr(window, "open_document", lambda path: None)
    export(qtbot, window)
    assert (tmp_path / "essai.docx").exists()
    (use,) = all_uses(Workspace.open())
    assert use.example  # counted apart
    QTest.keyClick(window.library.tree, Qt.Key.Key_T, Qt.KeyboardModifier.ControlModifier)
    second = window.tasks[LETTER].task.examples[1]
    qtbot.waitUntil(lambda: window.source.toPlainText() == second.source)
    window.source.appendPlainText("Une phrase de la secrétaire.")
    assert not panel.example_banner.isVisibleTo(window) and not panel.is_example()
    assert "exemple" not in window.suggested_path().name


def test_first_start_recalls_a_key_point_of_the_rules_once(
    hd_env: Env, open_window: Opener
) -> None:
    window = open_window()
    assert window.info.isVisibleTo(window)
    assert "Rappel de la charte" in window.info.text.text()
    window.close()
    assert not open_window().info.isVisibleTo(window)  # once a day


def test_settings_change_the_job_and_the_library_follows(
    qtbot: QtBot, hd_env: Env, open_window: Opener, monkeypatch: pytest.MonkeyPatch
) -> None:
    choose_job(Workspace.open(), "secretariat")
    window = open_window()

    def pick_purchasing(dialog: SettingsDialog) -> int:
        jobs = dialog.widgets[onboarding.JOB_SETTING]
        assert isinstance(jobs, QComboBox)
        jobs.setCurrentIndex(jobs.findData("achats"))
        dialog.save()
        return 1

    monkeypatch.setattr(SettingsDialog, "exec", pick_purchasing)
    window.open_settings()
    assert groups(window)[0] == ("Achats et approvisionnements", True)
    assert onboarding.current_job(Workspace.open()) == "achats"


def test_a_draft_of_an_example_is_reviewed_against_the_examples_facts(
    qtbot: QtBot, hd_env: Env, open_window: Opener
) -> None:
    """« Demande de pièces manquantes » does not check its (optional) source's facts; for an
    example, the facts the example says to keep are checked all the same."""
    window = open_window()
    window.library.select("secretariat/demande-pieces-manquantes")
    window.task_panel.try_example()
    generate(qtbot, window)  # the scripted draft keeps none of them
    shown = window.draft_panel.review_bar.text()
    assert "65 € par nuit" in shown  # its other facts are in the fields the letter shows
    window.source.appendPlainText("Mon propre texte.")  # no longer the example
    generate(qtbot, window)
    assert "65 € par nuit" not in window.draft_panel.review_bar.text()
