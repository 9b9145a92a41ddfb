"""The CLI's face of a draft: a step it has no case for is still told on stderr, and the draft's
text stays alone on stdout."""

from __future__ import annotations

from dataclasses import dataclass

import pytest

from hospidesk.cli.draft import Terminal
from hospidesk.service.draft_events import CheckingFacts, Extracting, Step, Text
from hospidesk.service.request import DraftRequest, prepare
from hospidesk.service.workspace import Workspace
from tests.conftest import Env


@dataclass(frozen=True)
class Filing(Step):
    """A step this face was written without."""

    page: int

    def says(self) -> str:
        return f"Envoi au dossier patient : page {self.page}…"


def test_a_step_the_terminal_does_not_know_is_told_on_stderr(
    hd_env: Env, capsys: pytest.CaptureFixture[str]
) -> None:
    prepared = prepare(
        Workspace.open(),
        DraftRequest("secretariat/reformuler-courrier", {}, source_text="Merci de votre appel."),
    )
    terminal = Terminal(prepared)
    for event in (Extracting(), Filing(page=2), CheckingFacts(missing=1), Text("Madame,")):
        terminal(event)
    out, err = capsys.readouterr()
    assert "Envoi au dossier patient : page 2…" in err
    assert "Lecture des informations du texte source…" in err
    assert "Vérification des faits : 1 information(s)" in err
    assert "Envoi" not in out and "Vérification" not in out
