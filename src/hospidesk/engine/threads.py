"""How many threads the engine's next decodes use: for generation, every core while the
processor is free, one while another program keeps a core busy; for prompts, every core while
it is free, one thread more than the cores while another program keeps one busy.

llama.cpp's OpenMP threads spin while they wait for each other. Beside one busy program, two
threads on two cores generate at a twentieth of their idle speed with the demo model and a
fifth with a 1.5B model, where one thread keeps its idle speed (bench/contention.md). No
static setting is best at every load, so the worker asks before each request, and every few
tokens of a long one, how much CPU the other processes took since it last asked: the
system's busy time less its own.

Prompts are read with every core at any load: the engine's process spins ``SPIN_COUNT`` times
before it sleeps (libgomp's default is 300,000), and with that, two threads read a prompt
beside one or two busy programs nearly as fast as under OMP_WAIT_POLICY=PASSIVE, the best
static setting there. Shorter spins read faster beside busy programs but slow the idle
generation, whose threads then sleep between two tokens (1,000: 0.92× idle; 10,000: 0.97×;
bench/report.md, beside busy programs). Beside a busy program, one thread more than the
cores reads faster still: the scheduler shares the processor by thread, so the prompt gets a
bigger share (two cores: 1.07 to 1.12× the best static setting beside one or two busy
programs, the demo model and a 1.5B; docs/performance.md). Generation does not gain from it:
each token is too short a piece of work to share with a thread that waits for its turn.

The user's or the policy's ``moteur.threads`` wins when it is set (``fixed``); IT's own
``OMP_WAIT_POLICY`` or ``GOMP_SPINCOUNT`` wins over ``SPIN_COUNT``.
"""

from __future__ import annotations

import functools
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    import psutil

BUSY_CORES = 0.5
"""Other programs using more than half a core between two looks: the processor is busy."""
MIN_INTERVAL = 0.2
"""Seconds between two looks below which the last choice stands (too short to tell)."""
SPIN_COUNT = "10000"
"""libgomp's busy-wait before a waiting thread sleeps, for the engine's process."""


def engine_environment(env: dict[str, str]) -> dict[str, str]:
    """The engine process's environment: OpenMP's short spin unless IT chose a policy."""
    if "OMP_WAIT_POLICY" not in env and "GOMP_SPINCOUNT" not in env:
        return {**env, "GOMP_SPINCOUNT": SPIN_COUNT}
    return env


@dataclass(frozen=True)
class CpuSample:
    wall: float
    """Monotonic seconds."""
    busy: float
    """CPU seconds the whole system spent busy, all cores together."""
    own: float
    """CPU seconds this process spent (its threads included)."""


def sample() -> CpuSample:
    import psutil

    system = psutil.cpu_times()
    busy = sum(  # guest time is already in user time on Linux
        getattr(system, name, 0.0)
        for name in ("user", "nice", "system", "irq", "softirq", "steal", "interrupt", "dpc")
    )
    mine = _this_process().cpu_times()
    return CpuSample(time.monotonic(), busy, mine.user + mine.system)


@functools.cache
def _this_process() -> psutil.Process:
    import psutil

    return psutil.Process()


def others_busy(before: CpuSample, after: CpuSample) -> float:
    """Cores the other processes kept busy, on average, between two samples."""
    wall = after.wall - before.wall
    if wall <= 0:
        return 0.0
    return max(0.0, ((after.busy - before.busy) - (after.own - before.own)) / wall)


class ThreadChoice:
    """The thread count for the next decodes' generation (``threads``) and prompts
    (``batch``); ``fixed`` (a setting) when there is one."""

    def __init__(
        self, cores: int, fixed: int | None = None, sampler: Callable[[], CpuSample] = sample
    ) -> None:
        self.cores = max(1, cores)
        self.fixed = fixed
        self._sampler = sampler
        self._last = sampler() if fixed is None else None
        self.current = fixed or self.cores
        self.batch = fixed or self.cores
        """Prompts: every core, one thread more while the processor is busy (see above)."""

    def look_from_now(self) -> None:
        """The next look measures from now: the prompt just read (every core, spinning
        between batches) took more CPU than the engine's fair share, so the others seemed
        idle and the first tokens went on every core beside a busy program."""
        if self.fixed is None and self._last is not None:
            self._last = self._sampler()

    def threads(self) -> int:
        if self.fixed is not None or self._last is None:
            return self.current
        now = self._sampler()
        if now.wall - self._last.wall < MIN_INTERVAL:
            return self.current
        busy = others_busy(self._last, now)
        self._last = now
        taken = busy > BUSY_CORES
        self.current = 1 if taken else self.cores
        self.batch = self.cores + 1 if taken else self.cores
        return self.current
