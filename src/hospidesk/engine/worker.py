"""The engine worker: a separate process that alone owns the llama.cpp model.

A crash or an out-of-memory in native code ends this process, not the window or the CLI that
started it. It reads requests on stdin and writes events on a private copy of stdout; native
code that prints is sent to stderr so it cannot corrupt the protocol. Run it with
``python -m hospidesk.engine.worker``.
"""

from __future__ import annotations

import contextlib
import json
import os
import queue
import signal
import socket
import sys
import threading
import time
from pathlib import Path
from typing import IO, Any

from hospidesk.engine import llama_ops
from hospidesk.engine import protocol as p
from hospidesk.engine.prefix_cache import PrefixCache
from hospidesk.engine.prompts import PromptReader
from hospidesk.engine.warmup import WarmUp

TOKEN_INTERVAL = 0.03
"""Tokens are sent in small groups at most this often: fewer wake-ups of the app, which on
a two-core workstation would take CPU from llama.cpp; still smooth streaming to the eye."""
READING_SHOWN = 256
"""Prompts with more tokens than this to read report their progress (``Reading``)."""


class Worker:
    def __init__(self, out: IO[str], fd_socket: socket.socket | None = None) -> None:
        self._out = out
        self._write_lock = threading.Lock()
        self._inbox: queue.Queue[p.Request] = queue.Queue()
        self._cancelled: set[int] = set()
        self._cancel_lock = threading.Lock()
        self._llm: Any = None
        self._sha256 = ""
        self._reader: PromptReader | None = None
        """The context's prompt: what it holds, the instructions' states (per model)."""
        self._fd_socket = fd_socket
        self._warm = WarmUp(self)

    def send(self, event: p.Event) -> None:
        with self._write_lock:
            self._out.write(p.encode(event))
            self._out.flush()

    def read_stdin(self) -> None:
        """Reader thread: cancellations act at once, other requests queue up."""
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
            elif isinstance(request, (p.Load, p.Generate, p.Warm, p.Prefill, p.Count, p.Shutdown)):
                self._inbox.put(request)
        self._inbox.put(p.Shutdown())

    def is_cancelled(self, req_id: int) -> bool:
        with self._cancel_lock:
            return req_id in self._cancelled

    def asked(self) -> bool:
        """Whether a request waits: the warm-up gives way to it at once."""
        return not self._inbox.empty()

    def run(self) -> None:
        import llama_cpp

        self.send(
            p.Ready(
                llama_cpp_version=getattr(llama_cpp, "__version__", "?"),
                gpu_offload=bool(llama_cpp.llama_supports_gpu_offload()),
                system_info=llama_cpp.llama_print_system_info().decode("utf-8", "replace").strip(),
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
                self.load(request)
            elif isinstance(request, p.Generate):
                self._warm.resume()
                self.generate(request)
            elif isinstance(request, p.Prefill):
                self.prefill(request)
            elif isinstance(request, p.Warm):
                self._warm.replace(request)
            elif isinstance(request, p.Count):
                self.count(request)
            llama_ops.give_back_memory()

    def load(self, request: p.Load) -> None:
        started = time.monotonic()
        self._llm = None
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
        from llama_cpp import Llama

        try:
            self._llm = Llama(
                model_path=f"/proc/self/fd/{fd}" if fd is not None else request.path,
                n_ctx=request.n_ctx,
                n_threads=request.n_threads,
                n_threads_batch=request.n_threads,
                n_batch=request.n_batch,
                n_gpu_layers=request.n_gpu_layers,
                use_mmap=True,
                flash_attn=True,  # as llama.cpp's own default (auto): ~14 % faster prompts on CPU
                verbose=False,
            )
        except (ValueError, RuntimeError, OSError) as exc:
            self.send(p.Failed("load_failed", "Le modèle n'a pas pu être chargé.", None, str(exc)))
            return
        self._sha256 = request.sha256
        import llama_cpp

        identity = "|".join(
            [
                request.sha256,
                str(self._llm.n_ctx()),
                "flash-attn",
                getattr(llama_cpp, "__version__", "?"),
            ]
        )
        folder = Path(request.cache_dir) / request.sha256[:16] if request.cache_dir else None
        prefixes = PrefixCache(folder, identity, request.cache_ram_bytes, request.cache_disk_bytes)
        self._reader = PromptReader(self._llm, prefixes)
        self._warm.use(self._reader)
        self.send(
            p.Loaded(
                sha256=request.sha256,
                n_ctx=self._llm.n_ctx(),
                n_threads=request.n_threads,
                n_gpu_layers=request.n_gpu_layers,
                seconds=time.monotonic() - started,
            )
        )

    def generate(self, request: p.Generate) -> None:
        if self._llm is None:
            self.send(p.Failed("not_loaded", "Aucun modèle n'est chargé.", request.req_id))
            return
        if self.is_cancelled(request.req_id):
            self.send(p.Cancelled(request.req_id))
            return
        started = time.monotonic()
        finish_reason = "stop"
        completion_tokens = 0
        first_token: float | None = None
        messages = [{"role": m.role, "content": m.content} for m in request.messages]
        pending = _Pending(self, request.req_id)
        try:
            assert self._reader is not None
            tokens, fixed, source = self._reader.prepare(messages)
            prefix = len(fixed)
            if len(tokens) < self._llm.n_ctx():  # else create_chat_completion says it
                self._read_prompt(request.req_id, tokens, fixed if source == "new" else [])
            options = request.options
            stream = self._llm.create_chat_completion(
                messages=messages,
                max_tokens=options.max_tokens,
                temperature=options.temperature,
                top_p=options.top_p,
                repeat_penalty=options.repeat_penalty,
                seed=options.seed,
                response_format=(
                    {"type": "json_object", "schema": json.loads(options.json_schema)}
                    if options.json_schema
                    else None
                ),
                logit_bias=self._end_ban() if writes_on(options) else None,
                stream=True,
            )
            for chunk in stream:
                if self.is_cancelled(request.req_id):
                    pending.flush()  # what was written is the user's: all of it
                    self.send(p.Cancelled(request.req_id))
                    return
                choice = chunk["choices"][0]
                text = choice.get("delta", {}).get("content")
                if text:
                    if first_token is None:
                        first_token = time.monotonic() - started
                    completion_tokens += 1
                    pending.add(text)
                if choice.get("finish_reason"):
                    finish_reason = choice["finish_reason"]
            pending.flush()
        except llama_ops.Stopped:
            self.send(p.Cancelled(request.req_id))
            return
        except ValueError as exc:
            pending.flush()
            # llama-cpp-python raises ValueError when the prompt exceeds the context window.
            self.send(
                p.Failed(
                    "context_exceeded",
                    "Le texte est trop long pour la fenêtre de contexte du modèle.",
                    request.req_id,
                    str(exc),
                )
            )
            return
        except RuntimeError as exc:
            pending.flush()
            self.send(
                p.Failed("generation_failed", "La génération a échoué.", request.req_id, str(exc))
            )
            return
        prompt_tokens = len(tokens)
        self.send(
            p.Done(
                request.req_id,
                finish_reason,
                prompt_tokens,
                completion_tokens,
                time.monotonic() - started,
                first_token,
                source,
                prefix,
            )
        )

    def _end_ban(self) -> dict[int, float]:
        """Logit biases that forbid the tokens ending a text (end of text, end of turn)."""
        llm = self._llm
        ends = {int(llm.token_eos())}
        eot = getattr(llm._model, "token_eot", None)  # private, but what llama-cpp uses
        if eot is not None and int(eot()) >= 0:
            ends.add(int(eot()))
        return {token: float("-inf") for token in ends}

    def _read_prompt(self, req_id: int, tokens: list[int], new_prefix: list[int]) -> None:
        """Read all the prompt but its last token (``create_chat_completion`` reads that one
        and samples), saying how far it is when it is long; a cancel stops it at once.
        ``new_prefix``: the fixed part, whose state is saved once read (empty: none to save)."""
        assert self._reader is not None
        body = tokens[:-1]
        held = llama_ops.common_length(self._llm, body)
        to_read = len(body) - held
        shown = to_read > READING_SHOWN

        def progress(n_tokens: int) -> None:
            if shown:
                self.send(p.Reading(req_id, n_tokens - held, to_read))

        def stop() -> bool:
            return self.is_cancelled(req_id)

        progress(held)
        self._reader.read(tokens, new_prefix, stop, progress)

    def prefill(self, request: p.Prefill) -> None:
        """Read ahead the prompt the user is about to send (see protocol.Prefill)."""
        if self._llm is None or self._reader is None:
            return
        messages = [{"role": m.role, "content": m.content} for m in request.messages]
        tokens = self._reader.tokens(messages)
        if len(tokens) >= self._llm.n_ctx():  # too long for one prompt: read when asked
            self.send(p.Prefilled(0, len(tokens)))
            return
        self._warm.hold()
        tokens, fixed, source = self._reader.prepare(messages, tokens)
        with contextlib.suppress(llama_ops.Stopped):
            self._reader.read(tokens, fixed if source == "new" else [], stop=self.asked)
        self.send(p.Prefilled(llama_ops.common_length(self._llm, tokens), len(tokens)))

    def count(self, request: p.Count) -> None:
        if self._llm is None:
            self.send(p.Failed("not_loaded", "Aucun modèle n'est chargé.", request.req_id))
            return
        messages = [{"role": m.role, "content": m.content} for m in request.messages]
        tokens = llama_ops.prompt_tokens(self._llm, messages)
        self.send(p.Counted(request.req_id, len(tokens)))


class _Pending:
    """Generated text not sent yet; sent when TOKEN_INTERVAL has passed (the first at once)."""

    def __init__(self, worker: Worker, req_id: int) -> None:
        self.worker = worker
        self.req_id = req_id
        self.texts: list[str] = []
        self.sent_at = 0.0

    def add(self, text: str) -> None:
        self.texts.append(text)
        now = time.monotonic()
        if now - self.sent_at >= TOKEN_INTERVAL:
            self.flush()
            self.sent_at = now

    def flush(self) -> None:
        if self.texts:
            self.worker.send(p.Token(self.req_id, "".join(self.texts), len(self.texts)))
            self.texts.clear()


def writes_on(options: p.GenerationOptions) -> bool:
    """Whether to forbid the end of the text: never under a grammar, which alone ends it."""
    return options.keep_writing and options.json_schema is None


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
    llama_ops.map_large_blocks()
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
