"""The app's side of the engine worker: start it, load a model, stream a generation, cancel.

Used from one thread at a time (the CLI's main thread, or the window's engine thread). The
worker's stderr is kept in memory (last lines only) to explain a crash; it is never written to
disk, so nothing the model saw can end up in a log.
"""

from __future__ import annotations

import collections
import contextlib
import itertools
import queue
import socket
import subprocess
import threading
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import IO

from hospidesk.children import child_env, python_child
from hospidesk.engine import protocol as p
from hospidesk.engine.verify import OpenModel
from hospidesk.errors import Cancelled, EngineError, ModelError

STOP_POLL_SECONDS = 0.1
"""How often a generation looks at its stop event while no text comes (prompt reading)."""


@dataclass(frozen=True)
class _WorkerExited:
    returncode: int | None


def worker_command() -> list[str]:
    return python_child("hospidesk.engine.worker", "--engine-worker")


class EngineClient:
    """One engine worker process and the conversation with it."""

    def __init__(self, start_timeout: float = 60.0) -> None:
        self._proc: subprocess.Popen[bytes] | None = None
        self._events: queue.Queue[p.Event | _WorkerExited] = queue.Queue()
        self._stderr_tail: collections.deque[str] = collections.deque(maxlen=40)
        self._ids = itertools.count(1)
        self._start_timeout = start_timeout
        self._write_lock = threading.Lock()
        self.ready: p.Ready | None = None
        self.loaded: p.Loaded | None = None
        self.current_request: int | None = None
        self.last_done: p.Done | None = None
        self.generated = 0
        self._fd_channel: socket.socket | None = None
        self._model_file: OpenModel | None = None
        self.on_warming: Callable[[p.Warming], None] | None = None
        """Told of the warm-up's progress, from the thread that reads the worker's events
        (whatever the engine is doing, without waiting for the client's thread)."""
        self.on_prefilling: Callable[[p.Prefilling], None] | None = None
        """Told after each batch a prefill reads, from the same thread."""
        self.on_prefilled: Callable[[p.Prefilled], None] | None = None
        """Told when a prefill ends (how much of the prompt is held), from the same thread."""

    # process management

    def start(self) -> p.Ready:
        if self._proc is not None and self._proc.poll() is None and self.ready:
            return self.ready
        env = child_env()
        self._events = queue.Queue()
        self._close_model_file()
        child_end = self._open_fd_channel()
        if child_end is not None:
            env[p.FD_SOCKET_ENV] = str(child_end.fileno())
        try:
            self._proc = subprocess.Popen(
                worker_command(),
                stdin=subprocess.PIPE,
                stdout=subprocess.PIPE,
                stderr=subprocess.PIPE,
                env=env,
                pass_fds=(child_end.fileno(),) if child_end is not None else (),
            )
        finally:
            if child_end is not None:
                child_end.close()
        assert self._proc.stdout and self._proc.stderr
        threading.Thread(
            target=self._read_events,
            args=(self._proc, self._proc.stdout),
            daemon=True,
            name="engine-events",
        ).start()
        threading.Thread(
            target=self._read_stderr, args=(self._proc.stderr,), daemon=True, name="engine-stderr"
        ).start()
        event = self._next_event(self._start_timeout)
        if not isinstance(event, p.Ready):
            raise self._unexpected(event, "Le moteur d'inférence n'a pas pu démarrer.")
        self.ready = event
        return event

    def _open_fd_channel(self) -> socket.socket | None:
        """A socket pair to pass model files to the worker as open descriptors (POSIX); the
        returned end is the worker's."""
        if self._fd_channel is not None:
            self._fd_channel.close()
            self._fd_channel = None
        if not hasattr(socket, "send_fds"):
            return None  # Windows: the file stays open here with writes denied instead
        self._fd_channel, child_end = socket.socketpair(socket.AF_UNIX, socket.SOCK_DGRAM)
        return child_end

    def _close_model_file(self) -> None:
        model_file, self._model_file = self._model_file, None
        if model_file is not None:
            model_file.close()

    def _read_events(self, proc: subprocess.Popen[bytes], stream: IO[bytes]) -> None:
        for line in stream:
            try:
                event = p.decode(line)
            except (ValueError, TypeError, KeyError):
                continue
            if isinstance(event, (p.Warming, p.Prefilling, p.Prefilled)):  # told, not queued
                self._tell(event)
                continue
            self._events.put(event)  # type: ignore[arg-type]
        self._events.put(_WorkerExited(proc.wait()))

    def _tell(self, event: p.Warming | p.Prefilling | p.Prefilled) -> None:
        match event:
            case p.Warming() if self.on_warming is not None:
                self.on_warming(event)
            case p.Prefilling() if self.on_prefilling is not None:
                self.on_prefilling(event)
            case p.Prefilled() if self.on_prefilled is not None:
                self.on_prefilled(event)

    def _read_stderr(self, stream: IO[bytes]) -> None:
        for line in stream:
            self._stderr_tail.append(line.decode("utf-8", "replace").rstrip())

    @property
    def running(self) -> bool:
        return self._proc is not None and self._proc.poll() is None

    @property
    def pid(self) -> int | None:
        return self._proc.pid if self._proc else None

    def close(self, grace: float = 2.0) -> None:
        proc, self._proc = self._proc, None
        self.ready = self.loaded = None
        self._close_model_file()
        if proc is None:
            return
        if proc.poll() is None:
            with contextlib.suppress(OSError, ValueError, EngineError):
                if self.current_request is not None:  # a generation in progress stops first
                    self._write(p.Cancel(self.current_request), proc)
                self._write(p.Shutdown(), proc)
                assert proc.stdin
                proc.stdin.close()
            try:
                proc.wait(grace)
            except subprocess.TimeoutExpired:
                proc.kill()
                proc.wait()

    def kill(self) -> None:
        """Stop the worker now (used when it does not answer a cancel in time)."""
        proc, self._proc = self._proc, None
        self.ready = self.loaded = None
        self._close_model_file()
        if proc is not None and proc.poll() is None:
            proc.kill()
            proc.wait()

    def __enter__(self) -> EngineClient:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    # conversation

    def _write(self, request: p.Request, proc: subprocess.Popen[bytes] | None = None) -> None:
        proc = proc or self._proc
        if proc is None or proc.stdin is None:
            raise EngineError("Le moteur d'inférence n'est pas démarré.")
        try:
            with self._write_lock:
                proc.stdin.write(p.encode(request).encode("utf-8"))
                proc.stdin.flush()
        except (BrokenPipeError, OSError):
            raise self._crashed() from None

    def _poll_event(self, timeout: float) -> p.Event | _WorkerExited | None:
        try:
            return self._events.get(timeout=timeout)
        except queue.Empty:
            return None

    def _next_event(self, timeout: float | None = None) -> p.Event | _WorkerExited:
        try:
            return self._events.get(timeout=timeout)
        except queue.Empty:
            raise EngineError("Le moteur d'inférence ne répond plus (délai dépassé).") from None

    def _crashed(self, returncode: int | None = None) -> EngineError:
        code = returncode if returncode is not None else (self._proc.poll() if self._proc else None)
        self._proc = None
        self.ready = self.loaded = None
        reason = "mémoire insuffisante ?" if code in (-9, 137) else f"code {code}"
        return EngineError(f"Le moteur d'inférence s'est arrêté de façon inattendue ({reason}).")

    def _unexpected(self, event: p.Event | _WorkerExited, fallback: str) -> EngineError:
        if isinstance(event, _WorkerExited):
            return self._crashed(event.returncode)
        if isinstance(event, p.Failed):
            return EngineError(event.message)
        return EngineError(fallback)

    @property
    def stderr_tail(self) -> list[str]:
        return list(self._stderr_tail)

    def load(
        self,
        model_file: OpenModel,
        n_ctx: int,
        n_threads: int,
        n_gpu_layers: int,
        cache_dir: Path | None = None,
        adaptive_threads: bool = False,
    ) -> p.Loaded:
        """Load a model file checked from its open descriptor (``verify.check``); the client
        owns the file from here and keeps it open while the model is loaded.

        On POSIX the descriptor itself goes to the worker, which loads it through
        /proc/self/fd: a file renamed over the path since the check is never read (and a file
        the user may write arrives as its sealed copy, see ``verify.open_verified``). On
        Windows the descriptor kept open here denies writes meanwhile.
        ``cache_dir``: where the states after task instructions persist across restarts.
        ``adaptive_threads``: ``n_threads`` is the most, one while another program is busy.
        """
        model = model_file.model
        if model is None:
            model_file.close()
            raise ModelError(f"Modèle refusé : {model_file.path.name} n'a pas été vérifié.")
        try:
            self.start()
        except BaseException:
            model_file.close()
            raise
        self._close_model_file()
        self._model_file = model_file
        self.loaded = None
        identity = model_file.identity
        passed = self._fd_channel is not None
        if self._fd_channel is not None:
            try:
                socket.send_fds(self._fd_channel, [b"model"], [model_file.fd])
            except OSError:
                raise self._crashed() from None
        self._write(
            p.Load(
                str(model.path),
                model.entry.sha256,
                n_ctx,
                n_threads,
                n_gpu_layers,
                cache_dir=str(cache_dir) if cache_dir else None,
                fd_passed=passed,
                device=identity.device,
                inode=identity.inode,
                adaptive_threads=adaptive_threads,
            )
        )
        event = self._next_event()
        if not isinstance(event, p.Loaded):
            self._close_model_file()  # nothing loaded: do not hold the file (or its copy)
        if isinstance(event, p.Failed) and event.code == "load_failed":
            raise EngineError(
                f"Le modèle « {model.entry.id} » n'a pas pu être chargé (fichier illisible "
                "ou mémoire insuffisante)."
            )
        if not isinstance(event, p.Loaded):
            raise self._unexpected(event, "Le modèle n'a pas pu être chargé.")
        self.loaded = event
        return event

    def warm(self, prompts: Sequence[tuple[p.Message, ...]], disk_share: float = 0.75) -> None:
        """Have the worker compute these prompts' instruction states while it is idle, in
        this order (replaces the previous list; progress goes to ``on_warming``)."""
        self._write(p.Warm(tuple(prompts), disk_share))

    def prefill(self, request_messages: tuple[p.Message, ...]) -> None:
        """Have the worker read this prompt ahead while the user finishes the form (no
        answer; the next request stops it)."""
        self._write(p.Prefill(request_messages))

    def count(self, request_messages: tuple[p.Message, ...]) -> int:
        """How many tokens the loaded model reads for these messages."""
        req_id = next(self._ids)
        self._write(p.Count(req_id, request_messages))
        while True:
            event = self._next_event()
            if isinstance(event, p.Counted) and event.req_id == req_id:
                return event.tokens
            if isinstance(event, p.Failed) and event.req_id in (req_id, None):
                raise EngineError(event.message)
            if isinstance(event, _WorkerExited):
                raise self._crashed(event.returncode)

    def generate(
        self,
        request_messages: tuple[p.Message, ...],
        options: p.GenerationOptions,
        stop: threading.Event | None = None,
        reading: Callable[[int, int], None] | None = None,
    ) -> Iterator[str]:
        """Yield the text as it comes. Raise Cancelled once ``stop`` is set (or after
        ``cancel()``), EngineError on failure. ``last_done`` keeps the final statistics.

        ``stop`` lets another thread stop the generation without touching this client: it
        is watched here, and the cancel is sent from the generating thread. ``reading``
        gets (tokens read, tokens to read) while a long prompt is read, before any text.
        """
        req_id = next(self._ids)
        self.current_request = req_id
        self.last_done = None
        self.generated = 0  # tokens so far (a piece of text may hold several)
        self._write(p.Generate(req_id, request_messages, options))
        cancel_sent = False
        while True:
            if stop is not None and stop.is_set() and not cancel_sent:
                self.cancel(req_id)
                cancel_sent = True
            watching = stop is not None and not cancel_sent
            event = self._poll_event(STOP_POLL_SECONDS) if watching else self._next_event()
            if event is None:
                continue
            if isinstance(event, p.Token) and event.req_id == req_id:
                self.generated += event.count
                yield event.text
            elif isinstance(event, p.Reading) and event.req_id == req_id:
                if reading is not None:
                    reading(event.done, event.total)
            elif isinstance(event, p.Done) and event.req_id == req_id:
                self.last_done = event
                return
            elif isinstance(event, p.Cancelled) and event.req_id == req_id:
                raise Cancelled()
            elif isinstance(event, p.Failed) and event.req_id in (req_id, None):
                raise EngineError(event.message)
            elif isinstance(event, _WorkerExited):
                raise self._crashed(event.returncode)

    def cancel(self, req_id: int | None = None) -> None:
        """Ask the worker to stop the current generation; safe from another thread."""
        target = req_id if req_id is not None else self.current_request
        if target is None or self._proc is None:
            return
        with contextlib.suppress(EngineError):
            self._write(p.Cancel(target))
