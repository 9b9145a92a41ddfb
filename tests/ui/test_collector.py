"""Reference cycles are collected on the window's thread only: a Qt object caught in one is
never destroyed by a thread that happens to allocate (a crash once the window's event loop
delivers it a timer)."""

from __future__ import annotations

import gc
import threading
from typing import ClassVar

from pytestqt.qtbot import QtBot

from hospidesk.ui.main_window import MainWindow


class Cycle:
    """Garbage that only the cyclic collector frees; says on which thread it went."""

    freed_on: ClassVar[list[str]] = []

    def __init__(self) -> None:
        self.me = self

    def __del__(self) -> None:
        Cycle.freed_on.append(threading.current_thread().name)


def allocate_in_a_thread(held: list[list[int]]) -> None:
    """What a reader thread does: many small containers kept, enough to pass every threshold
    of the collector (it counts the containers allocated and not yet freed)."""

    def work() -> None:
        held.extend([i] for i in range(50_000))

    thread = threading.Thread(target=work, name="lecteur")
    thread.start()
    thread.join()


def test_cycles_are_collected_on_the_window_s_thread(qtbot: QtBot, fake_window: MainWindow) -> None:
    assert not gc.isenabled()
    Cycle.freed_on.clear()
    Cycle()
    held: list[list[int]] = []
    allocate_in_a_thread(held)
    assert Cycle.freed_on == []  # the thread collected nothing
    qtbot.waitUntil(lambda: Cycle.freed_on == ["MainThread"], timeout=10_000)
    held.clear()


def test_the_last_window_closed_turns_collection_back_on(
    qtbot: QtBot, fake_window: MainWindow
) -> None:
    Cycle.freed_on.clear()
    Cycle()
    fake_window.close()
    assert Cycle.freed_on == ["MainThread"] and gc.isenabled()
