"""A draft's events: the steps say themselves, so that a face shows a step it does not know."""

from __future__ import annotations

from hospidesk.service import draft_events
from hospidesk.service.draft_events import CheckingFacts, Extracting, PartRead, Step


def test_every_step_of_the_run_says_one_french_line() -> None:
    steps = [Extracting(), PartRead(done=1, total=3), CheckingFacts(missing=2)]
    shipped = {
        value
        for value in vars(draft_events).values()
        if isinstance(value, type) and issubclass(value, Step) and value is not Step
    }
    assert {type(step) for step in steps} == shipped  # a new step gets a line here too
    for step in steps:
        line = step.says()
        assert line and "\n" not in line
        assert line.endswith("…")
    assert "partie 2 sur 3" in PartRead(done=1, total=3).says()
    assert "2 information(s)" in CheckingFacts(missing=2).says()


def test_a_finished_reading_by_parts_says_nothing() -> None:
    assert PartRead(done=3, total=3).says() == ""
