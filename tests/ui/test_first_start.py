"""Acceptance: from an empty profile, a secretary gets a letter from an example with the
keyboard only, in at most 12 key presses after the charter (the real demo model)."""

from __future__ import annotations

from pathlib import Path

import docx
import pytest
from pytestqt.qtbot import QtBot

from hospidesk.paths import get_paths
from hospidesk.service.onboarding import current_job
from hospidesk.service.usage import all_uses
from hospidesk.service.workspace import Workspace
from tests.conftest import Env
from tests.ui.first_start import LETTER, first_start


@pytest.mark.model
def test_first_letter_from_an_example_in_at_most_12_keys(
    qtbot: QtBot, hd_env: Env, tmp_path: Path
) -> None:
    get_paths().rules_file.unlink()  # an empty profile: the charter comes first
    result = first_start(tmp_path / "Documents", max_tokens=24)
    window = result.window
    qtbot.addWidget(window)
    try:
        assert len(result.presses) <= 12, result.presses
        assert "exemple" in result.document.name
        text = "\n".join(p.text for p in docx.Document(str(result.document)).paragraphs)
        example = window.workspace.task(LETTER).task.examples[0]
        assert example.fields["objet"] in text
        ws = Workspace.open()
        assert current_job(ws) == "secretariat"
        (use,) = all_uses(ws)
        assert use.example and use.outcome == "exporté"
    finally:
        window.close()
