"""The engine's thread count follows the processor that is free (engine/threads.py)."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest

from hospidesk.engine import native
from hospidesk.engine.client import EngineClient
from hospidesk.engine.protocol import GenerationOptions, Message
from hospidesk.engine.threads import (
    BUSY_CORES,
    CpuSample,
    ShortWait,
    ThreadChoice,
    others_busy,
    sample,
    usable_cpus,
)
from hospidesk.engine.verify import open_verified, verify_file
from hospidesk.engine.worker import ADAPT_EVERY
from hospidesk.service.workspace import Workspace
from tests.conftest import TEST_SEED, Env

MESSAGES = (Message("user", "Écris une phrase sur le service de cardiologie."),)


@contextmanager
def two_thread_engine(demo_model: Path, adaptive: bool) -> Iterator[EngineClient]:
    """The real engine on the demo model, two threads at most (``adaptive``) or always."""
    model = verify_file(demo_model, Workspace.open().catalog)
    client = EngineClient()
    try:
        client.load(open_verified(model), 2048, 2, 0, adaptive_threads=adaptive)
        yield client
    finally:
        client.close()


def os_threads(pid: int) -> int:
    return sum(1 for _ in Path(f"/proc/{pid}/task").iterdir())


def samples(*points: tuple[float, float, float]) -> Iterator[CpuSample]:
    return iter(CpuSample(*point) for point in points)


def choice(
    *points: tuple[float, float, float],
    fixed: int | None = None,
    cpus: int = 2,
    short_wait: ShortWait | None = None,
) -> ThreadChoice:
    feed = samples(*points)
    return ThreadChoice(2, fixed, lambda: next(feed), cpus=cpus, short_wait=short_wait)


def run_python(code: str) -> str:
    """``code`` in a fresh interpreter (libgomp's state its own), its output."""
    done = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, timeout=300, check=True
    )
    return done.stdout


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
    assert choice(fixed=1).batch == 1


def test_the_prompt_read_does_not_count_in_the_next_look() -> None:
    threads = choice(
        (0.0, 0.0, 0.0),
        (1.0, 1.0, 0.0),  # another program took a core: one thread
        (5.0, 9.0, 7.5),  # the prompt read on both cores, spinning: the others seem idle
        (6.0, 10.7, 8.2),  # one thread writing beside the busy program
    )
    assert threads.threads() == 1
    threads.look_from_now()
    assert threads.threads() == 1  # without the look from now: 2 (others: 0.5 s in 4 s)


def test_prompts_take_one_thread_more_than_the_cores_beside_a_busy_program() -> None:
    threads = choice(
        (0.0, 0.0, 0.0),
        (1.0, 2.0, 1.0),  # another program took a core
        (2.0, 4.0, 3.0),  # the engine alone
    )
    assert threads.batch == 2  # before any look: every core
    assert threads.threads() == 1 and threads.batch == 3
    assert threads.threads() == 2 and threads.batch == 2


def test_a_prompt_beside_a_busy_program_takes_more_threads_than_the_cpus() -> None:
    """libgomp waits briefly only while its team outnumbers the CPUs: with SMT (two cores,
    four CPUs) that is five threads, not three."""
    threads = choice((0.0, 0.0, 0.0), (1.0, 1.9, 0.9), cpus=4)
    assert threads.threads() == 1 and threads.batch == 5


def test_beside_a_busy_program_generation_tries_one_thread_then_every_core_keeps_the_faster() -> (
    None
):
    """With libgomp's short wait (real: llama.cpp's libgomp, loaded here), while another
    program is busy: one thread, then every core, then whichever wrote faster lately; every
    core and the long wait again once the processor is free."""
    native.binding()  # llama.cpp, and with it libgomp
    wait = ShortWait(2)
    assert wait.available
    busy = [(t, 1.9 * t, 0.9 * t) for t in range(1, 6)]  # another program took a core
    threads = choice(
        (0.0, 0.0, 0.0),
        *busy,
        (6.0, 9.9, 5.4),  # free again
        (7.0, 11.8, 6.3),  # busy again
        short_wait=wait,
    )
    try:
        assert threads.threads() == 1 and wait.on
        threads.wrote(10.0)
        assert threads.threads() == 2 and wait.on
        threads.wrote(14.0)
        assert threads.threads() == 2  # 14 tokens/s with every core, 10 with one
        threads.wrote(9.5)  # one look's spread: one thread is not 10 % faster
        assert threads.threads() == 2
        threads.wrote(8.0)  # every core slowed down: one thread did better lately
        assert threads.threads() == 1
        assert threads.threads() == 2 and not wait.on and threads.speeds == {}
        assert threads.threads() == 1 and wait.on  # a new busy spell: tried again
    finally:
        threads.close()
    assert not wait.on


def test_without_libgomp_generation_beside_a_busy_program_keeps_one_thread() -> None:
    """A llama.cpp without libgomp (here: none loaded at all) has no short wait: one thread
    beside a busy program, whatever was written."""
    out = run_python(
        "from hospidesk.engine.threads import CpuSample, ShortWait, ThreadChoice\n"
        "feed = iter(CpuSample(*p) for p in [(0, 0, 0), (1, 1.9, 0.9), (2, 3.8, 1.8)])\n"
        "wait = ShortWait(2)\n"
        "threads = ThreadChoice(2, None, lambda: next(feed), cpus=2, short_wait=wait)\n"
        "first = threads.threads()\n"
        "threads.wrote(10.0)\n"
        "print(wait.available, wait.on, first, threads.threads())\n"
    )
    assert out.split() == ["False", "False", "1", "1"]


def test_the_short_wait_holds_as_many_sleeping_openmp_threads_as_cpus_then_lets_them_go() -> None:
    """On: this process's OpenMP threads outnumber its CPUs, and a team's threads waiting
    between two parallel regions go to sleep almost at once instead of spinning (their CPU
    time while they wait falls); off: the held threads are gone and the long spin is back."""
    out = run_python(
        "import os, time, json\n"
        "from hospidesk.engine import native\n"
        "from hospidesk.engine.threads import ShortWait, _libgomp, _NOTHING, usable_cpus\n"
        "native.binding()\n"
        "gomp = _libgomp()\n"
        "def tasks(): return len(os.listdir('/proc/self/task'))\n"
        "def waiting_cpu():\n"
        "    # CPU seconds of a team of two, mostly waiting between parallel regions\n"
        "    start = time.process_time()\n"
        "    for _ in range(20):\n"
        "        gomp.GOMP_parallel(_NOTHING, None, 2, 0)\n"
        "        time.sleep(0.05)\n"
        "    return time.process_time() - start\n"
        "wait = ShortWait(usable_cpus())\n"
        "long_before = waiting_cpu()\n"
        "before = tasks()\n"
        "wait.set(True)\n"
        "on = tasks()\n"
        "short = waiting_cpu()\n"
        "wait.set(False)\n"
        "at_once = tasks()\n"
        "deadline = time.monotonic() + 30  # a guard against a hang, not a measure\n"
        "while tasks() > before and time.monotonic() < deadline:\n"
        "    time.sleep(0.01)\n"
        "off = tasks()\n"
        "long_after = waiting_cpu()\n"
        "print(json.dumps([long_before, short, long_after, before, on, at_once, off]))\n"
    )
    long_before, short, long_after, before, on, at_once, off = json.loads(out)
    assert on - before == usable_cpus() + 1  # the holder and the threads it holds
    assert at_once <= before + 1  # the held threads gone; the holder may be ending
    assert off == before
    assert short < min(long_before, long_after) / 4, (long_before, short, long_after)


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


@pytest.mark.model
def test_the_engine_writes_first_with_one_thread_beside_a_busy_program(
    hd_env: Env, demo_model: Path
) -> None:
    """The real engine, every core allowed (no setting): a program spinning beside it, the
    prompt is read by an OpenMP team that outnumbers the CPUs, the short wait holds as many
    threads as the CPUs (libgomp's threads then wait briefly; the prompt team's threads but
    the engine's own stay, asleep, after it) and the first tokens are written with one
    thread; with a setting, with what it says whatever the load, and nothing held."""
    options = GenerationOptions(
        ADAPT_EVERY // 2, temperature=0.0, seed=TEST_SEED, keep_writing=True
    )
    spin = os.environ.get("GOMP_SPINCOUNT")  # IT's, if any: the engine adds none of its own
    spins = [] if spin is None else [f"GOMP_SPINCOUNT={spin}".encode()]
    cpus = usable_cpus()
    busy = subprocess.Popen([sys.executable, "-c", "while True: pass"])
    try:
        for adaptive, added, written in ((True, cpus + (cpus + 1), 1), (False, 2 - 1, 2)):
            with two_thread_engine(demo_model, adaptive) as client:
                environ = Path(f"/proc/{client.pid}/environ").read_bytes().split(b"\0")
                assert [v for v in environ if v.startswith(b"GOMP_SPINCOUNT=")] == spins
                before = os_threads(client.pid)
                time.sleep(0.5)  # the busy program's CPU time shows between two looks
                "".join(client.generate(MESSAGES, options))
                assert os_threads(client.pid) - before == added
                assert client.last_done is not None
                assert client.last_done.threads == written
    finally:
        busy.kill()
        busy.wait()


@pytest.mark.model
def test_the_clients_own_work_before_a_request_is_not_another_program(
    hd_env: Env, demo_model: Path
) -> None:
    """The window (here: this process) works right before a request, preparing it: the
    engine still writes with every core (one look only: fewer tokens than ADAPT_EVERY)."""
    options = GenerationOptions(8, temperature=0.0, seed=TEST_SEED, keep_writing=True)
    with two_thread_engine(demo_model, adaptive=True) as client:
        end = time.monotonic() + 1.0
        while time.monotonic() < end:  # a core kept busy by the client itself
            pass
        "".join(client.generate(MESSAGES, options))
        assert client.last_done is not None
        assert client.last_done.completion_tokens < ADAPT_EVERY
        assert client.last_done.threads == 2


def test_a_program_busy_long_ago_does_not_count_now() -> None:
    """The look measures over the last second or so, from the newest mark: a scan that kept
    a core busy for most of the last minutes, ended now, leaves every core to the engine."""
    threads = choice(
        (0.0, 0.0, 0.0),
        (100.0, 80.0, 0.0),  # a mark while the engine waits: others kept 0.8 core busy
        (100.6, 80.05, 0.0),  # the request: others idle since the mark
    )
    threads.mark()
    assert threads.threads() == 2  # over the whole 100.6 s: 0.8 core, one thread


def test_the_marks_come_from_a_thread_of_their_own_until_closed() -> None:
    calls: list[float] = []

    def sampler() -> CpuSample:
        calls.append(time.monotonic())
        return CpuSample(time.monotonic(), 0.0, 0.0)

    threads = ThreadChoice(2, None, sampler, cpus=2)
    watcher = threads.watch(every=0.01)
    assert watcher is not None
    deadline = time.monotonic() + 30  # a guard against a hang, not a measure
    while len(calls) < 4 and time.monotonic() < deadline:
        time.sleep(0.01)
    assert len(calls) >= 4  # the first sample at creation, then the marks
    threads.close()
    watcher.join(timeout=30)
    assert not watcher.is_alive()
    assert ThreadChoice(2, fixed=2).watch() is None  # a setting: nothing to watch
