"""The window's one helper for work off its thread: the outcome comes back on the window's
thread, and what a run superseded (run again, or dropped) gives is dropped, news included."""

from __future__ import annotations

import threading
from collections.abc import Callable
from typing import Any

from PySide6.QtCore import QThread
from pytestqt.qtbot import QtBot

from hospidesk.ui.background import Background


def held(gate: threading.Event, value: str) -> Callable[[], str]:
    def work() -> str:
        assert gate.wait(10)
        return value

    return work


def test_a_stale_result_is_dropped_and_the_latest_told_on_the_window_s_thread(
    qtbot: QtBot,
) -> None:
    background = Background()
    told: list[tuple[str, bool]] = []
    ended: list[str] = []
    background.ended.connect(ended.append)

    def on_done(value: str) -> None:
        told.append((value, QThread.currentThread() is background.thread()))

    first, second = threading.Event(), threading.Event()
    background.run(held(first, "ancien"), on_done, lambda exc: None, key="source")
    background.run(held(second, "nouveau"), on_done, lambda exc: None, key="source")
    second.set()
    qtbot.waitUntil(lambda: len(ended) == 1, timeout=10_000)
    first.set()  # the superseded run ends last: its result must not win
    qtbot.waitUntil(lambda: len(ended) == 2, timeout=10_000)
    assert told == [("nouveau", True)]


def test_a_dropped_run_tells_nothing_not_even_its_news(qtbot: QtBot) -> None:
    background = Background()
    news: list[Any] = []
    outcomes: list[Any] = []
    ended: list[str] = []
    background.ended.connect(ended.append)
    gate = threading.Event()

    def work(report: Callable[[Any], None]) -> str:
        report("segment 1")
        assert gate.wait(10)
        report("segment 2")
        return "fin"

    background.stream(work, news.append, outcomes.append, outcomes.append, key="dictation")
    qtbot.waitUntil(lambda: news == ["segment 1"], timeout=10_000)
    background.drop("dictation")
    gate.set()
    qtbot.waitUntil(lambda: ended == ["dictation"], timeout=10_000)
    assert news == ["segment 1"] and outcomes == []


def test_an_error_comes_back_as_such(qtbot: QtBot) -> None:
    background = Background()
    errors: list[Exception] = []

    def fails() -> None:
        raise ValueError("illisible")

    background.run(fails, lambda _: None, errors.append)
    qtbot.waitUntil(lambda: bool(errors), timeout=10_000)
    assert isinstance(errors[0], ValueError) and str(errors[0]) == "illisible"
