"""How many threads the engine's next decodes use, and how llama.cpp's threads wait: every
core while the processor is free; beside a busy program, prompts with one thread more than
the CPUs and generation with one thread or every core, whichever writes faster.

llama.cpp's OpenMP threads spin while they wait for each other. Beside one busy program, two
threads on two cores generate at a twentieth of their idle speed with the demo model and a
fifth with a 1.5B model, where one thread keeps its idle speed (bench/contention.md). No
static setting is best at every load, so the worker asks before each request, and every
ADAPT_EVERY tokens of a long one, how much CPU the other processes took lately: the system's
busy time less its own and its client's (the window, command or server that started it, whose
work right before a request is that request's preparation, not another program), over the
last second or so (measured from a mark taken every ``MARK_EVERY`` seconds, so that a program
that was busy minutes ago does not count now).

libgomp, llama.cpp's OpenMP, decides how its threads wait: a waiting thread spins 300,000
times before it sleeps, but only 100 while the process's OpenMP threads outnumber the CPUs it
may run on (``gomp_managed_threads > gomp_available_cpus``; libgomp's manual, GOMP_SPINCOUNT).
Idle, the engine keeps the long spin, the best there (a shorter spin for the whole process
slowed idle generation: 10,000 spins 0.90 to 0.97x, 1,000 0.92x). Beside a busy program:

- a prompt is read with one thread more than the CPUs: the team outnumbers them, so its
  threads wait almost as under OMP_WAIT_POLICY=PASSIVE, the best static setting there, and
  the extra thread takes a bigger share of the processor, which the scheduler divides by
  thread;
- ``ShortWait`` holds as many sleeping OpenMP threads as CPUs in a thread of its own, so that
  any team waits briefly, every core's included: two threads then generate as under PASSIVE;
- generation tries one thread, then every core, and keeps the faster (the speed of each
  look's tokens against the other's last), since which is faster depends on the model: one
  thread for the demo model (a token is too short a piece of work to share with threads that
  wait for their turn: 69 against 43 tokens a second beside one busy program), every core
  for a 1.5B model beside two (PASSIVE's two threads 13.8 against 10.4 tokens a second in
  the full run of 2026-12-07). Where llama.cpp does not run on libgomp, one thread.

The user's or the policy's ``moteur.threads`` wins when it is set (``fixed``); IT's own
``OMP_WAIT_POLICY`` or ``GOMP_SPINCOUNT`` reaches the engine's process as it is.
"""

from __future__ import annotations

import ctypes
import functools
import os
import threading
import time
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    import psutil

BUSY_CORES = 0.5
"""Other programs using more than half a core between two looks: the processor is busy."""
MIN_INTERVAL = 0.2
"""Seconds between two looks below which the last choice stands (too short to tell)."""
SWITCH_GAIN = 1.1
"""Beside a busy program, generation changes its thread count once the other count's last
speed beats the current one's by this much: one look's speed varies by 10 % or more
(16 tokens of a 1.5B beside a busy program: 12.9 to 19.8 tokens a second with one thread)."""
MARK_EVERY = 0.5
"""Seconds between two marks a look measures from: it covers MIN_INTERVAL to about
MIN_INTERVAL + MARK_EVERY seconds of the recent past."""


def usable_cpus() -> int:
    """The CPUs this process may run on: what libgomp counts as available."""
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:  # not Linux
        return os.cpu_count() or 1


_TASK = ctypes.CFUNCTYPE(None, ctypes.c_void_p)
_NOTHING = _TASK(lambda _data: None)
"""What each held OpenMP thread runs once: nothing."""
_PAUSE_SOFT = 1
"""OpenMP's omp_pause_soft: free the calling thread's idle threads."""


def _libgomp() -> Any | None:
    """libgomp as llama.cpp loaded it into this process; None when it is not loaded (a build
    of llama.cpp without OpenMP, or with another OpenMP) or the system has no such call."""
    try:
        gomp = ctypes.CDLL("libgomp.so.1", mode=os.RTLD_NOLOAD)
        parallel, pause = gomp.GOMP_parallel, gomp.omp_pause_resource_all
    except (OSError, AttributeError):
        return None
    parallel.argtypes = [_TASK, ctypes.c_void_p, ctypes.c_uint, ctypes.c_uint]
    parallel.restype = None
    pause.argtypes = [ctypes.c_int]
    pause.restype = ctypes.c_int
    return gomp


class ShortWait:
    """libgomp's short wait, on demand. While it is on, a thread of its own holds ``cpus``
    idle OpenMP threads (asleep), so that the process's OpenMP threads outnumber its CPUs
    and every waiting one, llama.cpp's included, spins 100 times before it sleeps instead of
    300,000 (libgomp's rule, see the module's docstring). Off, the held threads end
    (``omp_pause_resource_all``, OpenMP 5.0) and libgomp's long spin, the best idle, is
    back. Not available (never on) where llama.cpp does not run on libgomp: call it once
    llama.cpp is loaded."""

    def __init__(self, cpus: int | None = None) -> None:
        self.cpus = max(1, cpus or usable_cpus())
        self._gomp = _libgomp()
        self._release: threading.Event | None = None
        self._holder: threading.Thread | None = None

    @property
    def available(self) -> bool:
        return self._gomp is not None

    @property
    def on(self) -> bool:
        return self._holder is not None

    def set(self, on: bool) -> None:
        """Turn it on or off (at once: the held threads exist or are gone on return)."""
        if self._gomp is None or on == self.on:
            return
        if on:
            self._hold(self._gomp)
        else:
            assert self._release is not None and self._holder is not None
            self._release.set()
            self._holder.join()
            self._release = self._holder = None

    def _hold(self, gomp: Any) -> None:
        held, release = threading.Event(), threading.Event()

        def hold() -> None:
            # A team of cpus + 1: this thread and ``cpus`` others, which libgomp keeps,
            # asleep, for this thread's next parallel region, until it lets them go.
            gomp.GOMP_parallel(_NOTHING, None, self.cpus + 1, 0)
            held.set()
            release.wait()
            gomp.omp_pause_resource_all(_PAUSE_SOFT)

        holder = threading.Thread(target=hold, name="hospidesk-short-wait", daemon=True)
        holder.start()
        held.wait()
        self._release, self._holder = release, holder


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
    themselves and, once ``watch`` runs, a sample every MARK_EVERY seconds.

    Beside a busy program, generation tries one thread and, where ``short_wait`` is
    available (it is then on), every core; then keeps the faster, from the speeds ``wrote``
    tells, until the processor is free again."""

    def __init__(
        self,
        cores: int,
        fixed: int | None = None,
        sampler: Callable[[], CpuSample] = sample,
        cpus: int | None = None,
        short_wait: ShortWait | None = None,
    ) -> None:
        self.cores = max(1, cores)
        self.cpus = cpus or usable_cpus()
        """Logical CPUs (SMT included): a prompt beside a busy program takes one thread more,
        so that libgomp's threads wait briefly (see above)."""
        self.fixed = fixed
        self._sampler = sampler
        self._short_wait = short_wait if fixed is None else None
        self._lock = threading.Lock()
        self._marks: deque[CpuSample] = deque(maxlen=4)
        if fixed is None:
            self._marks.append(sampler())
        self._stop = threading.Event()
        self.current = fixed or self.cores
        self.batch = fixed or self.cores
        """Prompts: every core, one thread more than the CPUs while the processor is busy."""
        self.busy = False
        """Whether the last look found another program busy."""
        self.speeds: dict[int, float] = {}
        """Tokens per second written lately with each thread count, while busy."""
        self._settled = False
        """Whether every count was tried in this busy spell (and the faster chosen)."""

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
        if self._short_wait is not None:
            self._short_wait.set(False)

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

    def wrote(self, tokens_per_second: float) -> None:
        """The speed of the tokens written since the last look (with ``current`` threads)."""
        if self.busy:
            self.speeds[self.current] = tokens_per_second

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
        self._measure_from(now)
        self.busy = others_busy(base, now) > BUSY_CORES
        if self._short_wait is not None:
            self._short_wait.set(self.busy)
        if not self.busy:
            self.speeds.clear()
            self._settled = False
            self.current = self.batch = self.cores
            return self.current
        self.batch = max(self.cores, self.cpus) + 1
        tried = [1]
        if self._short_wait is not None and self._short_wait.on and self.cores > 1:
            tried.append(self.cores)
        untried = [n for n in tried if n not in self.speeds]
        best = max(tried, key=lambda n: self.speeds.get(n, 0.0))
        if untried:
            self.current = untried[0]
        elif not self._settled:
            self.current, self._settled = best, True
        elif self.speeds[best] > self.speeds.get(self.current, 0.0) * SWITCH_GAIN:
            self.current = best
        return self.current
