"""The studio's window offscreen: who sees it, each problem beside its field, nothing invalid
saved, and « Essayer » showing two versions side by side."""

from __future__ import annotations

import getpass
from collections.abc import Iterator
from pathlib import Path

import pytest
from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QApplication, QPlainTextEdit, QWidget
from pytestqt.qtbot import QtBot

from hospidesk.service import studio
from hospidesk.service.workspace import Workspace
from hospidesk.ui.studio_forms import Form
from hospidesk.ui.studio_results import TriedDialog
from hospidesk.ui.studio_window import StudioWindow
from tests.conftest import Env
from tests.documents.helpers import add_part
from tests.ui.conftest import Opener

REFERENT = '[studio]\nallowed_roles = ["{user}"]\n'


@pytest.fixture
def referent(hd_env: Env) -> Env:
    hd_env.write_policy(REFERENT.format(user=getpass.getuser()))
    return hd_env


@pytest.fixture
def studio_window(qtbot: QtBot, referent: Env) -> Iterator[StudioWindow]:
    ws = Workspace.open()
    win = StudioWindow(ws, studio.create(ws, "bloc-operatoire", "bloc-operatoire", "Bloc"))
    qtbot.addWidget(win)
    win.show()
    yield win
    win.close()


def _menu_texts(win: QWidget) -> list[str]:
    bar = win.menuBar()  # type: ignore[attr-defined]
    return [a.text() for m in bar.actions() for a in m.menu().actions()]


def test_only_the_users_the_policy_names_see_the_studio(hd_env: Env, open_window: Opener) -> None:
    assert "&Studio de tâches…" not in _menu_texts(open_window())
    hd_env.write_policy('[studio]\nallowed_roles = ["@groupe-absent", "quelqu-un-d-autre"]\n')
    assert "&Studio de tâches…" not in _menu_texts(open_window())
    hd_env.write_policy(REFERENT.format(user=getpass.getuser()))
    assert "&Studio de tâches…" in _menu_texts(open_window())


def _error(form: Form, key: str) -> str:
    row = next(r for r in form.rows if r.key == key)
    return row.error.text() if row.error.isVisible() or row.error.text() else ""


def _settle(qtbot: QtBot, win: StudioWindow) -> None:
    qtbot.waitUntil(lambda: not win.check_timer.isActive(), timeout=5_000)


def test_each_problem_shows_beside_its_field_and_nothing_invalid_is_saved(
    qtbot: QtBot, studio_window: StudioWindow, tmp_path: Path
) -> None:
    win = studio_window
    saved = (win.pack.folder / "tasks" / "courrier.toml").read_bytes()
    editor = win.editor

    # a placeholder that names no field
    instructions = editor.instructions
    assert isinstance(instructions, QPlainTextEdit)
    instructions.setPlainText(instructions.toPlainText() + "Pour {service}.\n")
    _settle(qtbot, win)
    assert "« {service} » ne désigne aucun champ" in _error(editor.consignes, "instructions")
    assert not win.save_button.isEnabled() and not win.publish_button.isEnabled()
    win.save()
    assert (win.pack.folder / "tasks" / "courrier.toml").read_bytes() == saved
    instructions.setPlainText(instructions.toPlainText().replace("Pour {service}.\n", ""))
    _settle(qtbot, win)
    assert _error(editor.consignes, "instructions") == "" and win.save_button.isEnabled()

    # a duplicate field id, beside the field's name
    fields = editor.fields
    fields.add()
    name = next(r for r in fields.form.rows if r.key == "name").widget
    name.setText("destinataire")  # type: ignore[attr-defined]
    name.textEdited.emit("destinataire")  # type: ignore[attr-defined]
    _settle(qtbot, win)
    assert "champ en double" in _error(fields.form, "name")
    assert fields.items.item(3).text().endswith("⚠")
    fields.remove()
    _settle(qtbot, win)
    assert win.problems == []

    # an example missing a required field, beside the example
    win.pack.tasks[0]["fields"][1]["required"] = True  # « reference »
    examples = editor.examples
    examples.add()
    source = next(r for r in examples.form.rows if r.key == "source").widget
    source.setPlainText("Le 12 mars, salle 3.")  # type: ignore[attr-defined]
    facts = next(r for r in examples.form.rows if r.key == "facts").widget
    facts.setPlainText("12 mars")  # type: ignore[attr-defined]
    _settle(qtbot, win)
    assert "« reference » n'est pas rempli" in examples.item_error.text()

    # a template tag with no field: the reference line of the letter
    win.pack.tasks[0]["fields"].pop(1)
    win.pack.tasks[0]["examples"] = []
    editor.load(win.pack.tasks[0])
    win.check()
    assert "champs.reference" in _error(editor.about, "template")

    # a .docx with a macro, refused beside the template
    template = win.pack.folder / "templates" / "courrier.docx"
    macro = tmp_path / "macro.docx"
    macro.write_bytes(add_part(template.read_bytes(), "word/vbaProject.bin", b"\xd0\xcf\x11\xe0"))
    win._place_template(lambda: studio.import_template(win.pack, macro))
    assert "macros" in _error(editor.about, "template")
    assert win.pack.tasks[0]["template"] == "templates/courrier.docx"
    assert (win.pack.folder / "tasks" / "courrier.toml").read_bytes() == saved
    qtbot.waitUntil(lambda: (win.pack.folder / studio.JOURNAL).exists(), timeout=5_000)


def test_a_shipped_template_chosen_in_the_list_is_copied_into_the_pack(
    qtbot: QtBot, studio_window: StudioWindow
) -> None:
    win = studio_window
    combo = win.editor.template
    wanted = "livré:medecins-cadres/templates/reponse-email.docx"
    combo.setCurrentIndex(combo.findData(wanted))
    qtbot.waitUntil(
        lambda: win.pack.tasks[0]["template"] == "templates/reponse-email.docx", timeout=5_000
    )
    assert (win.pack.folder / "templates" / "reponse-email.docx").is_file()
    assert combo.currentData() == "templates/reponse-email.docx"


@pytest.mark.model
def test_trying_a_new_version_shows_both_drafts_side_by_side(qtbot: QtBot, referent: Env) -> None:
    ws = Workspace.open()
    pack = studio.open_installed(ws, "secretariat")
    win = StudioWindow(ws, pack)
    qtbot.addWidget(win)
    win.show()
    row = next(i for i, t in enumerate(pack.tasks) if t["id"] == "attestation-presence")
    win.tasks.setCurrentRow(row)
    pack.tasks[row]["instructions"] += "- Écris une seule phrase.\n"
    seen: list[TriedDialog] = []

    def look() -> None:
        dialog = QApplication.activeModalWidget()
        if isinstance(dialog, TriedDialog):
            seen.append(dialog)
            dialog.reject()

    timer = QTimer()
    timer.timeout.connect(look)
    timer.start(200)
    win.try_example()
    qtbot.waitUntil(lambda: bool(seen), timeout=300_000)
    timer.stop()
    (dialog,) = seen
    assert len(dialog.drafts) == 2  # this version beside the installed one
    assert "attestation-presence" in dialog.windowTitle()
    win.close()
