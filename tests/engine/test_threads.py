"""The engine's thread count follows the processor that is free (engine/threads.py)."""

from __future__ import annotations

import subprocess
import sys
import time
from collections.abc import Iterator

from hospidesk.engine.threads import BUSY_CORES, CpuSample, ThreadChoice, others_busy, sample


def samples(*points: tuple[float, float, float]) -> Iterator[CpuSample]:
    return iter(CpuSample(*point) for point in points)


def choice(*points: tuple[float, float, float], fixed: int | None = None) -> ThreadChoice:
    feed = samples(*points)
    return ThreadChoice(2, fixed, lambda: next(feed))


def test_every_core_while_only_the_engine_works_one_while_another_program_does() -> None:
    threads = choice(
        (0.0, 0.0, 0.0),
        (1.0, 2.0, 2.0),  # the engine took both cores: nobody else
        (2.0, 3.9, 2.9),  # 1.9 busy, 0.9 of it the engine's: another program took a core
        (3.0, 4.3, 3.2),  # 0.1 of others: free again
    )
    assert [threads.threads(), threads.threads(), threads.threads()] == [2, 1, 2]


def test_a_look_too_soon_keeps_the_last_choice() -> None:
    threads = choice((0.0, 0.0, 0.0), (1.0, 1.0, 0.0), (1.05, 1.05, 0.0), (2.0, 1.3, 0.05))
    assert threads.threads() == 1
    assert threads.threads() == 1  # 50 ms later: too short to tell
    assert threads.threads() == 2


def test_a_setting_wins() -> None:
    threads = choice(fixed=2)  # no sample is ever taken
    assert threads.threads() == 2 and threads.current == 2


def test_a_busy_program_is_seen_by_the_real_sampler() -> None:
    """psutil's real counters: a child spinning on one core is another program's work."""
    busy = subprocess.Popen([sys.executable, "-c", "while True: pass"])
    try:
        time.sleep(0.3)  # started
        before = sample()
        time.sleep(0.6)
        after = sample()
    finally:
        busy.kill()
        busy.wait()
    assert others_busy(before, after) > BUSY_CORES
