"""The window's face of a draft: a step it has no words of its own for is shown in the status
bar, in the service's words."""

from __future__ import annotations

from dataclasses import dataclass

from hospidesk.service.draft_events import CheckingFacts, Step
from hospidesk.ui.main_window import MainWindow


@dataclass(frozen=True)
class Filing(Step):
    """A step the window was written without."""

    page: int

    def says(self) -> str:
        return f"Envoi au dossier patient : page {self.page}…"


def test_a_step_the_window_does_not_know_is_shown_in_the_status_bar(
    fake_window: MainWindow,
) -> None:
    fake_window.controller.told.emit(Filing(page=3))
    assert fake_window.status.speed.text() == "Envoi au dossier patient : page 3…"
    fake_window.controller.told.emit(CheckingFacts(missing=2))  # its own, translated words
    assert fake_window.status.speed.text().startswith("Vérification des faits : 2 ")
