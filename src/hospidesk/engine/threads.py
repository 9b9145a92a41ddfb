"""How many threads the engine's next decodes use: for generation, every core while the
processor is free, one while another program keeps a core busy; for prompts, every core while
it is free, one thread more than the CPUs while another program keeps one busy.

llama.cpp's OpenMP threads spin while they wait for each other. Beside one busy program, two
threads on two cores generate at a twentieth of their idle speed with the demo model and a
fifth with a 1.5B model, where one thread keeps its idle speed (bench/contention.md). No
static setting is best at every load, so the worker asks before each request, and every few
tokens of a long one, how much CPU the other processes took lately: the system's busy time
less its own and its client's (the window, command or server that started it, whose work
right before a request is that request's preparation, not another program), over the last
second or so (measured from a mark taken every ``MARK_EVERY`` seconds, so that a program
that was busy minutes ago does not count now).

libgomp, llama.cpp's OpenMP, makes that choice of wait for it: a waiting thread spins 300,000
times before it sleeps, but only 100 while the process's team has more threads than the CPUs
it may run on (``gomp_managed_threads > gomp_available_cpus``), and the team follows each
decode's thread count. So the engine keeps libgomp's own wait, the best idle (a shorter spin
for the whole process slowed idle generation: 10,000 spins 0.90 to 0.97×, 1,000 0.92×), and
reads a prompt beside a busy program with one thread more than the CPUs: its threads then wait
almost as under OMP_WAIT_POLICY=PASSIVE, the best static setting there, and the extra thread
takes a bigger share of the processor, which the scheduler divides by thread (two cores: 0.92
to 1.12× the best static setting beside one or two busy programs in the full runs of
2026-12-07, the demo model and a 1.5B; docs/performance.md).
Generation does not gain from it: each token is too short a piece of work to share with a
thread that waits for its turn.

The user's or the policy's ``moteur.threads`` wins when it is set (``fixed``); IT's own
``OMP_WAIT_POLICY`` or ``GOMP_SPINCOUNT`` reaches the engine's process as it is.
"""

from __future__ import annotations

import functools
import os
import threading
import time
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    import psutil

BUSY_CORES = 0.5
"""Other programs using more than half a core between two looks: the processor is busy."""
MIN_INTERVAL = 0.2
"""Seconds between two looks below which the last choice stands (too short to tell)."""
MARK_EVERY = 0.5
"""Seconds between two marks a look measures from: it covers MIN_INTERVAL to about
MIN_INTERVAL + MARK_EVERY seconds of the recent past."""


def usable_cpus() -> int:
    """The CPUs this process may run on: what libgomp counts as available."""
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:  # not Linux
        return os.cpu_count() or 1


@dataclass(frozen=True)
class CpuSample:
    wall: float
    """Monotonic seconds."""
    busy: float
    """CPU seconds the whole system spent busy, all cores together."""
    own: float
    """CPU seconds this process and its client spent (their threads included)."""


def sample() -> CpuSample:
    import psutil

    system = psutil.cpu_times()
    busy = sum(  # guest time is already in user time on Linux
        getattr(system, name, 0.0)
        for name in ("user", "nice", "system", "irq", "softirq", "steal", "interrupt", "dpc")
    )
    own = 0.0
    for process in _ours():
        try:
            times = process.cpu_times()
        except psutil.Error:  # the client ended: the engine ends with it
            continue
        own += times.user + times.system
    return CpuSample(time.monotonic(), busy, own)


@functools.cache
def _ours() -> tuple[psutil.Process, ...]:
    """This process and the one that started it (the engine's client), while it runs."""
    import psutil

    this = psutil.Process()
    try:
        client = this.parent()
    except psutil.Error:
        client = None
    return (this,) if client is None or client.pid <= 1 else (this, client)


def others_busy(before: CpuSample, after: CpuSample) -> float:
    """Cores the other processes kept busy, on average, between two samples."""
    wall = after.wall - before.wall
    if wall <= 0:
        return 0.0
    return max(0.0, ((after.busy - before.busy) - (after.own - before.own)) / wall)


class ThreadChoice:
    """The thread count for the next decodes' generation (``threads``) and prompts
    (``batch``); ``fixed`` (a setting) when there is one.

    A look measures from the newest mark at least MIN_INTERVAL old: marks are the looks
    themselves and, once ``watch`` runs, a sample every MARK_EVERY seconds."""

    def __init__(
        self,
        cores: int,
        fixed: int | None = None,
        sampler: Callable[[], CpuSample] = sample,
        cpus: int | None = None,
    ) -> None:
        self.cores = max(1, cores)
        self.cpus = cpus or usable_cpus()
        """Logical CPUs (SMT included): a prompt beside a busy program takes one thread more,
        so that libgomp's threads wait briefly (see above)."""
        self.fixed = fixed
        self._sampler = sampler
        self._lock = threading.Lock()
        self._marks: deque[CpuSample] = deque(maxlen=4)
        if fixed is None:
            self._marks.append(sampler())
        self._stop = threading.Event()
        self.current = fixed or self.cores
        self.batch = fixed or self.cores
        """Prompts: every core, one thread more than the CPUs while the processor is busy."""

    def watch(self, every: float = MARK_EVERY) -> threading.Thread | None:
        """Mark every ``every`` seconds in a thread of its own, until ``close``."""
        if self.fixed is not None:
            return None

        def run() -> None:
            while not self._stop.wait(every):
                self.mark()

        watcher = threading.Thread(target=run, name="hospidesk-cpu-marks", daemon=True)
        watcher.start()
        return watcher

    def close(self) -> None:
        self._stop.set()

    def mark(self) -> None:
        """A point the next looks may measure from."""
        now = self._sampler()
        with self._lock:
            self._marks.append(now)

    def look_from_now(self) -> None:
        """The next look measures from now: the prompt just read (every core, spinning
        between batches) took more CPU than the engine's fair share, so the others seemed
        idle and the first tokens went on every core beside a busy program."""
        if self.fixed is None:
            self._measure_from(self._sampler())

    def _measure_from(self, now: CpuSample) -> None:
        with self._lock:
            self._marks.clear()
            self._marks.append(now)

    def threads(self) -> int:
        if self.fixed is not None:
            return self.current
        now = self._sampler()
        with self._lock:
            base = next(
                (m for m in reversed(self._marks) if now.wall - m.wall >= MIN_INTERVAL), None
            )
        if base is None:
            return self.current  # too short to tell
        busy = others_busy(base, now)
        self._measure_from(now)
        taken = busy > BUSY_CORES
        self.current = 1 if taken else self.cores
        self.batch = max(self.cores, self.cpus) + 1 if taken else self.cores
        return self.current
