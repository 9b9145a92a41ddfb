"""The JSON-lines protocol between the app and its engine worker process.

One JSON object per line. Requests go to the worker's stdin, events come back on its stdout.
Every message is a small frozen dataclass; ``encode``/``decode`` turn them into lines.
"""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass, field
from typing import Any, Literal, Union

Role = Literal["system", "user", "assistant"]


@dataclass(frozen=True)
class Message:
    role: Role
    content: str


# Requests (app -> worker)


FD_SOCKET_ENV = "HOSPIDESK_ENGINE_FD_SOCKET"
"""Names the worker's end of the socket on which model files arrive as open descriptors."""


@dataclass(frozen=True)
class Load:
    path: str
    sha256: str
    n_ctx: int
    n_threads: int
    n_gpu_layers: int
    n_batch: int = 512
    cache_dir: str | None = None
    """Where the states after task instructions persist (see prefix_cache); None: not kept."""
    cache_disk_bytes: int = 4 * 1024 * 1024 * 1024
    fd_passed: bool = False
    """The file comes as an open descriptor on the engine's socket, sent just before this
    request: the worker loads it through /proc/self/fd and never opens ``path`` (POSIX)."""
    device: int = 0
    inode: int = 0
    """The passed descriptor must be this file (checked by the worker)."""
    adaptive_threads: bool = False
    """``n_threads`` is the most: the worker uses one thread while another program keeps a
    core busy (engine/threads.py); False: always ``n_threads`` (a setting chose it)."""


@dataclass(frozen=True)
class GenerationOptions:
    """How one text is generated, locally or by a server: one value from the task to the
    engine."""

    max_tokens: int
    temperature: float = 0.3
    top_p: float = 0.9
    repeat_penalty: float = 1.1
    seed: int | None = None
    json_schema: str | None = None
    """When set, the output is constrained by a grammar to JSON of this schema."""
    grammar: str | None = None
    """GBNF the output must follow (rule ``root``), on this workstation's engine; a server
    is not asked (what it writes is checked instead)."""
    keep_writing: bool = False
    """Forbid the end-of-text token, so that the model writes ``max_tokens`` whatever it
    would have said (tests and benchmarks that need a long output on any CPU); a server is
    asked for ``min_tokens``. Ignored with ``json_schema``: the grammar ends the text."""


@dataclass(frozen=True)
class Generate:
    req_id: int
    messages: tuple[Message, ...]
    options: GenerationOptions


@dataclass(frozen=True)
class Cancel:
    req_id: int


@dataclass(frozen=True)
class Warm:
    """Compute ahead, while nothing else is asked, the state after each prompt's fixed part
    (its messages but the last user message, see prefix_cache), in this order; replaces the
    previous list. Any other request pauses it at once; it goes on when the engine is idle."""

    prompts: tuple[tuple[Message, ...], ...]
    disk_share: float = 0.75
    """Warm-up stops before the states on disk would pass this share of the disk budget, so
    that it never evicts the states of the tasks the user really used."""


@dataclass(frozen=True)
class Prefill:
    """Read this prompt ahead (the user is filling the form; their click will likely send
    it): to its end, into the context only, nothing written but the fixed part's state (see
    prefix_cache). Any request but a Count stops it (a Generate of this very prompt once the
    batch being read ends: the click needs it too); the warm-up waits a while after it, so as
    not to replace what was read."""

    messages: tuple[Message, ...]


@dataclass(frozen=True)
class Count:
    """How many tokens the prompt of these messages holds (answered by ``Counted``), with
    the model loaded by then. Answered at once: counting only tokenizes, so a read-ahead or
    the warm-up goes on meanwhile."""

    req_id: int
    messages: tuple[Message, ...]


@dataclass(frozen=True)
class Shutdown:
    pass


# Events (worker -> app)


@dataclass(frozen=True)
class Ready:
    llama_cpp_version: str
    gpu_offload: bool
    system_info: str


@dataclass(frozen=True)
class Loaded:
    sha256: str
    n_ctx: int
    n_threads: int
    n_gpu_layers: int
    seconds: float


@dataclass(frozen=True)
class Token:
    req_id: int
    text: str
    count: int = 1
    """How many tokens ``text`` holds (the worker sends at most every pending.TOKEN_INTERVAL)."""


@dataclass(frozen=True)
class Done:
    req_id: int
    finish_reason: str
    prompt_tokens: int
    completion_tokens: int
    seconds: float
    first_token_seconds: float | None = None
    prefix: str = "none"
    """Where the instructions' state came from: kv (still loaded), ram, disk, new, none."""
    prefix_tokens: int = 0
    threads: int = 0
    """The threads the last decodes used (engine/threads.py)."""


@dataclass(frozen=True)
class Reading:
    """Progress of reading a long prompt, before the first token: ``done`` of ``total``
    tokens (sent after each batch when there are more than a few hundred to read)."""

    req_id: int
    done: int
    total: int


@dataclass(frozen=True)
class Warming:
    """Progress of the warm-up: ``done`` of ``total`` prompts have their state on disk."""

    done: int
    total: int
    finished: bool = False
    reason: str = ""
    """Why it finished early: ``budget`` (the disk share is used), ``no_cache``."""


@dataclass(frozen=True)
class Prefilling:
    """A read-ahead goes on: the context holds ``held`` of the prompt's ``total`` tokens
    (sent after each batch it reads)."""

    held: int
    total: int


@dataclass(frozen=True)
class Prefilled:
    """A prefill ended: the context holds ``held`` of the prompt's ``total`` tokens (all of
    them when it was read to the end; fewer when a request stopped it)."""

    held: int
    total: int


@dataclass(frozen=True)
class Counted:
    req_id: int
    tokens: int


@dataclass(frozen=True)
class Cancelled:
    req_id: int


@dataclass(frozen=True)
class Failed:
    """An error reported as a value. ``code`` is stable, ``message`` is French."""

    code: str
    message: str
    req_id: int | None = None
    detail: str = field(default="")


Request = Union[Load, Generate, Cancel, Warm, Prefill, Count, Shutdown]  # noqa: UP007
Event = Union[  # noqa: UP007
    Ready, Loaded, Token, Reading, Warming, Prefilling, Prefilled, Counted, Done, Cancelled, Failed
]

_TYPES: dict[str, type[Any]] = {
    cls.__name__: cls
    for cls in (
        Load,
        Generate,
        Cancel,
        Warm,
        Prefill,
        Count,
        Shutdown,
        Ready,
        Loaded,
        Token,
        Reading,
        Warming,
        Prefilling,
        Prefilled,
        Counted,
        Done,
        Cancelled,
        Failed,
    )
}


def encode(message: Request | Event) -> str:
    payload = asdict(message)
    payload["type"] = type(message).__name__
    return json.dumps(payload, ensure_ascii=False) + "\n"


def decode(line: str | bytes) -> Request | Event:
    """Parse one line; raise ValueError on anything that is not a known message."""
    data = json.loads(line)
    if not isinstance(data, dict):
        raise ValueError("message is not an object")
    kind = data.pop("type", None)
    cls = _TYPES.get(kind) if isinstance(kind, str) else None
    if cls is None:
        raise ValueError(f"unknown message type: {kind!r}")
    if cls in (Generate, Prefill, Count):
        data["messages"] = tuple(Message(**m) for m in data["messages"])
    if cls is Generate:
        data["options"] = GenerationOptions(**data["options"])
    if cls is Warm:
        data["prompts"] = tuple(tuple(Message(**m) for m in one) for one in data["prompts"])
    result: Request | Event = cls(**data)
    return result
