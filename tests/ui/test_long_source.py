"""The window reads a thread too long for the model's context part by part, as the CLI does
(tests/cli/test_long_source.py): each part said in the status bar, the task's sections in
the draft. The real demo model, a 2,048-token context, a third of the 40,000-character thread."""

from __future__ import annotations

from pathlib import Path

import pytest
from pytestqt.qtbot import QtBot

from hospidesk.service.draft_events import DraftEvent, PartRead
from hospidesk.service.workspace import Workspace
from hospidesk.ui.app import create_window
from tests.conftest import Env
from tests.ui.conftest import limits

pytestmark = pytest.mark.model
ROOT = Path(__file__).resolve().parents[2]


def test_a_long_thread_is_read_part_by_part_in_the_window(qtbot: QtBot, hd_env: Env) -> None:
    ws = Workspace.open()
    ws.settings.set("moteur.contexte", "2048")
    ws.settings.save()
    win = create_window(Workspace.open())
    qtbot.addWidget(win)
    win.show()
    qtbot.waitUntil(lambda: win.controller.model is not None, timeout=60_000)
    win.controller.worker.limits = limits(160)
    parts: list[tuple[int, int]] = []
    statuses: list[str] = []

    def told(event: DraftEvent) -> None:
        if isinstance(event, PartRead):
            parts.append((event.done, event.total))
            statuses.append(win.status.speed.text())

    win.controller.told.connect(told)
    text = (ROOT / "examples" / "fil-long.txt").read_text(encoding="utf-8")
    win.library.select("medecins-cadres/synthese-fil")
    assert win.form is not None
    win.form.set_values(
        {"expediteur": "Karim Haddad", "date_message": "06/06/2026", "objet": "Bloc opératoire"}
    )
    win.source.setPlainText(text[: text.index("\nDe : ", 13_000)])
    win.generate_button.click()
    qtbot.waitUntil(lambda: win.controller.job is None, timeout=900_000)
    assert not win.banner.isVisible(), win.banner.text.text()
    total = parts[0][1]
    assert total >= 3 and parts[0] == (0, total) and parts[-1] == (total, total)
    assert statuses[0] == f"Texte long : partie 1 sur {total}"
    draft = win.draft.toPlainText()
    assert all(label in draft for label in ("En bref", "Décisions", "Actions"))
    win.close()
