"""The engine worker: a separate process that alone owns the llama.cpp model.

A crash or an out-of-memory in native code ends this process, not the window or the CLI that
started it. It reads requests on stdin and writes events on a private copy of stdout; native
code that prints is sent to stderr so it cannot corrupt the protocol. Run it with
``python -m hospidesk.engine.worker``.
"""

from __future__ import annotations

import os
import queue
import signal
import socket
import sys
import threading
import time
from pathlib import Path
from typing import IO

from hospidesk.engine import heap, native
from hospidesk.engine import protocol as p
from hospidesk.engine.chat_format import TemplateError
from hospidesk.engine.pending import Pending
from hospidesk.engine.prefix_cache import PrefixCache
from hospidesk.engine.prompts import PromptReader
from hospidesk.engine.sampling import Completion, GrammarError, Sampling
from hospidesk.engine.threads import ShortWait, ThreadChoice
from hospidesk.engine.warmup import WarmUp

READING_SHOWN = 256
"""Prompts with more tokens than this to read report their progress (``Reading``)."""
ADAPT_EVERY = 16
"""Tokens generated between two looks at the processor (engine/threads.py)."""
PREFILL_BATCH = 128
"""A read-ahead goes in batches this small: the next read or a click on another prompt stops
it, and the batch being read is lost then (whole batches are kept). 128 tokens read a pasted
letter about 4 % slower than 512 on the development machine, and lose at most a quarter of
what 512 do. A click on the prompt being read lets the batch end, then reads the rest in
batches of n_batch."""


class Worker:
    def __init__(self, out: IO[str], fd_socket: socket.socket | None = None) -> None:
        self._out = out
        self._write_lock = threading.Lock()
        self._inbox: queue.Queue[p.Request] = queue.Queue()
        self._cancelled: set[int] = set()
        self._cancel_lock = threading.Lock()
        self._llm: native.Model | None = None
        self._sha256 = ""
        self._reader: PromptReader | None = None
        """The context's prompt: what it holds, the instructions' states (per model)."""
        self._threads: ThreadChoice | None = None
        self._fd_socket = fd_socket
        self._warm = WarmUp(self)
        self._loads = 0
        """Loads asked and not done yet: a count waits for them (see read_stdin)."""
        self._loads_lock = threading.Lock()

    def send(self, event: p.Event) -> None:
        with self._write_lock:
            self._out.write(p.encode(event))
            self._out.flush()

    def read_stdin(self) -> None:
        """Reader thread: cancellations act at once, and so do counts, which only tokenize
        (a read-ahead or the warm-up goes on); other requests queue up. A count asked after
        a load waits for it, in the queue."""
        for line in sys.stdin:
            if not line.strip():
                continue
            try:
                request = p.decode(line)
            except (ValueError, TypeError, KeyError) as exc:
                self.send(
                    p.Failed("protocol", "Message incompréhensible pour le moteur.", None, str(exc))
                )
                continue
            if isinstance(request, p.Cancel):
                with self._cancel_lock:
                    self._cancelled.add(request.req_id)
            elif isinstance(request, p.Count) and self._loads_pending() == 0:
                self.count(request)  # the model stays: only this thread queues a load
            elif isinstance(request, (p.Load, p.Generate, p.Warm, p.Prefill, p.Count, p.Shutdown)):
                if isinstance(request, p.Load):
                    self._loads_pending(+1)
                self._inbox.put(request)
        self._inbox.put(p.Shutdown())

    def _loads_pending(self, change: int = 0) -> int:
        with self._loads_lock:
            self._loads += change
            return self._loads

    def is_cancelled(self, req_id: int) -> bool:
        with self._cancel_lock:
            return req_id in self._cancelled

    def asked(self) -> bool:
        """Whether a request waits: the warm-up gives way to it at once."""
        return self.waiting() is not None

    def waiting(self) -> p.Request | None:
        """The request that waits first, left where it is."""
        with self._inbox.mutex:
            return self._inbox.queue[0] if self._inbox.queue else None

    def run(self) -> None:
        api = native.binding()
        self.send(
            p.Ready(
                llama_cpp_version=native.version(),
                gpu_offload=bool(api.llama_supports_gpu_offload()),
                system_info=api.llama_print_system_info().decode("utf-8", "replace").strip(),
            )
        )
        threading.Thread(target=self.read_stdin, name="stdin", daemon=True).start()
        while True:
            wait = self._warm.wait()
            if wait == 0 and self._inbox.empty():
                self._warm.step()  # gives way as soon as a request arrives
                continue
            try:
                request = self._inbox.get(timeout=wait)
            except queue.Empty:
                continue  # the warm-up's pause after a prefill is over
            if isinstance(request, p.Shutdown):
                return
            if isinstance(request, p.Load):
                self._warm.clear()  # the app asks again for the new model
                try:
                    self.load(request)
                finally:
                    self._loads_pending(-1)
            elif isinstance(request, p.Generate):
                self._warm.resume()
                self.generate(request)
            elif isinstance(request, p.Prefill):
                self.prefill(request)
            elif isinstance(request, p.Warm):
                self._warm.replace(request)
            elif isinstance(request, p.Count):
                self.count(request)
            heap.give_back()

    def load(self, request: p.Load) -> None:
        started = time.monotonic()
        if self._llm is not None:
            self._warm.use(None)
            self._reader = None
            self._llm.close()
            self._llm = None
        if self._threads is not None:
            self._threads.close()
            self._threads = None
        fd = None
        try:
            fd = self._model_fd(request) if request.fd_passed else None
        except (OSError, ValueError) as exc:
            self.send(p.Failed("load_failed", "Le modèle n'a pas pu être chargé.", None, str(exc)))
            return
        try:
            self._load(request, fd, started)
        finally:
            if fd is not None:
                os.close(fd)

    def _model_fd(self, request: p.Load) -> int:
        """The descriptor the app checked, received on the engine socket (never the path)."""
        if self._fd_socket is None:
            raise ValueError("no descriptor socket")
        _, fds, _, _ = socket.recv_fds(self._fd_socket, 16, 1)
        if len(fds) != 1:
            for extra in fds:
                os.close(extra)
            raise ValueError(f"expected one descriptor, got {len(fds)}")
        info = os.fstat(fds[0])
        if (info.st_dev, info.st_ino) != (request.device, request.inode):
            os.close(fds[0])
            raise ValueError("the descriptor is not the file that was checked")
        return fds[0]

    def _load(self, request: p.Load, fd: int | None, started: float) -> None:
        settings = native.Settings(
            request.n_ctx, request.n_threads, request.n_batch, request.n_gpu_layers
        )
        try:
            llm = native.Model(f"/proc/self/fd/{fd}" if fd is not None else request.path, settings)
        except (ValueError, RuntimeError, OSError) as exc:
            self.send(p.Failed("load_failed", "Le modèle n'a pas pu être chargé.", None, str(exc)))
            return
        self._llm = llm
        self._threads = ThreadChoice(
            request.n_threads,
            None if request.adaptive_threads else request.n_threads,
            short_wait=ShortWait() if request.adaptive_threads else None,
        )
        self._threads.watch()
        self._sha256 = request.sha256
        identity = "|".join([request.sha256, str(llm.n_ctx), "flash-attn", native.version()])
        folder = Path(request.cache_dir) / request.sha256[:16] if request.cache_dir else None
        prefixes = PrefixCache(folder, identity, request.cache_disk_bytes)
        self._reader = PromptReader(llm, prefixes)
        self._warm.use(self._reader)
        self.send(
            p.Loaded(
                sha256=request.sha256,
                n_ctx=llm.n_ctx,
                n_threads=request.n_threads,
                n_gpu_layers=request.n_gpu_layers,
                seconds=time.monotonic() - started,
            )
        )

    def generate(self, request: p.Generate) -> None:
        llm, reader = self._llm, self._reader
        if llm is None or reader is None:
            self.send(p.Failed("not_loaded", "Aucun modèle n'est chargé.", request.req_id))
            return
        if self.is_cancelled(request.req_id):
            self.send(p.Cancelled(request.req_id))
            return
        started = time.monotonic()
        first_token: float | None = None
        messages = [{"role": m.role, "content": m.content} for m in request.messages]
        pending = Pending(self.send, request.req_id)
        try:
            tokens, fixed, source = reader.prepare(messages)
            completion = Completion(llm, tokens, Sampling.of(llm, request.options))
            self._adapt()
            self._read_prompt(request.req_id, tokens, fixed if source == "new" else [])
            since = time.monotonic()
            for text in completion:
                if completion.generated % ADAPT_EVERY == 0:
                    now = time.monotonic()
                    self._adapt(ADAPT_EVERY / max(now - since, 1e-6))
                    since = now
                if self.is_cancelled(request.req_id):
                    pending.flush()  # what was written is the user's: all of it
                    self.send(p.Cancelled(request.req_id))
                    return
                if first_token is None:
                    first_token = time.monotonic() - started
                pending.add(text)
            pending.flush()
        except native.Stopped:
            self.send(p.Cancelled(request.req_id))
            return
        except native.TooLong as exc:
            pending.flush()
            self.send(
                p.Failed(
                    "context_exceeded",
                    "Le texte est trop long pour la fenêtre de contexte du modèle.",
                    request.req_id,
                    str(exc),
                )
            )
            return
        except (GrammarError, TemplateError, RuntimeError) as exc:
            pending.flush()
            self.send(
                p.Failed("generation_failed", "La génération a échoué.", request.req_id, str(exc))
            )
            return
        self.send(
            p.Done(
                request.req_id,
                completion.finish_reason,
                len(tokens),
                completion.generated,
                time.monotonic() - started,
                first_token,
                source,
                len(fixed),
                llm.n_threads,
            )
        )

    def _adapt(self, speed: float | None = None) -> None:
        """The threads for the next decodes, from the processor that is free now and the
        ``speed`` (tokens per second) the tokens since the last look were written at."""
        if self._llm is not None and self._threads is not None:
            if speed is not None:
                self._threads.wrote(speed)
            self._llm.set_threads(self._threads.threads(), self._threads.batch)

    def _read_prompt(self, req_id: int, tokens: list[int], new_prefix: list[int]) -> None:
        """Read the prompt, saying how far it is when it is long; a cancel stops it at once.
        ``new_prefix``: the fixed part, whose state is saved once read (empty: none to save)."""
        assert self._reader is not None and self._llm is not None
        held = self._llm.common_length(tokens)
        to_read = len(tokens) - held
        shown = to_read > READING_SHOWN

        def progress(n_tokens: int) -> None:
            if shown:
                self.send(p.Reading(req_id, n_tokens - held, to_read))

        def stop() -> bool:
            return self.is_cancelled(req_id)

        progress(held)
        self._reader.read(tokens, new_prefix, stop, progress)
        if self._threads is not None:
            self._threads.look_from_now()  # the tokens that follow: a look of their own

    def prefill(self, request: p.Prefill) -> None:
        """Read ahead the prompt the user is about to send (see protocol.Prefill)."""
        llm, reader = self._llm, self._reader
        if llm is None or reader is None:
            return
        messages = [{"role": m.role, "content": m.content} for m in request.messages]
        try:
            tokens = reader.tokens(messages)
        except TemplateError:
            self.send(p.Prefilled(0, 0))  # the generation will say it
            return
        if len(tokens) >= llm.n_ctx:  # too long for one prompt: read when asked
            self.send(p.Prefilled(0, len(tokens)))
            return
        self._warm.hold()
        self._adapt()

        def gives_way() -> bool:
            waiting = self.waiting()
            if waiting is None:
                return False
            return not (llm.in_batch and self._clicked(waiting, request))

        def reading(held: int) -> None:
            self.send(p.Prefilling(held, len(tokens)))

        try:
            tokens, fixed, source = reader.prepare(messages, tokens)
            new = fixed if source == "new" else []
            reader.read(tokens, new, gives_way, reading, PREFILL_BATCH)
        except (native.Stopped, RuntimeError):
            pass  # stopped by a request; or failed, and the generation will say it
        self.send(p.Prefilled(llm.common_length(tokens), len(tokens)))

    def _clicked(self, waiting: p.Request, prefill: p.Prefill) -> bool:
        """Whether the request waiting is the click on the very prompt being read ahead (a
        text pasted, then « Générer »): the read-ahead then ends the batch it is reading, which
        the click needs too, and stops after it; any other request stops it at once."""
        return (
            isinstance(waiting, p.Generate)
            and waiting.messages == prefill.messages
            and not self.is_cancelled(waiting.req_id)
        )

    def count(self, request: p.Count) -> None:
        if self._llm is None:
            self.send(p.Failed("not_loaded", "Aucun modèle n'est chargé.", request.req_id))
            return
        messages = [{"role": m.role, "content": m.content} for m in request.messages]
        try:
            tokens = self._llm.chat_tokens(messages)
        except TemplateError as exc:
            self.send(
                p.Failed("generation_failed", "La génération a échoué.", request.req_id, str(exc))
            )
            return
        self.send(p.Counted(request.req_id, len(tokens)))


def _fd_socket() -> socket.socket | None:
    """The socket on which the app passes model files as open descriptors (POSIX)."""
    number = os.environ.get(p.FD_SOCKET_ENV)
    if not number or not hasattr(socket, "recv_fds"):
        return None
    channel = socket.socket(fileno=int(number))
    channel.settimeout(30)  # the descriptor is sent before its Load request; never wait forever
    return channel


def main() -> int:
    # Ctrl-C in a terminal reaches the whole process group; the app decides when to stop us.
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    heap.map_large_blocks()
    protocol_out = os.fdopen(os.dup(1), "w", encoding="utf-8", buffering=1)
    os.dup2(2, 1)
    sys.stdout = sys.stderr
    worker = Worker(protocol_out, _fd_socket())
    try:
        worker.run()
    except Exception as exc:  # report, then exit non-zero: the app restarts us if it wants
        worker.send(p.Failed("internal", "Erreur interne du moteur.", None, repr(exc)))
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
