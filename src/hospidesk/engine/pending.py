"""The generated text the worker has not sent yet: sent in one Token event once
TOKEN_INTERVAL has passed (the first at once)."""

from __future__ import annotations

import time
from collections.abc import Callable

from hospidesk.engine import protocol as p

TOKEN_INTERVAL = 0.03
"""Tokens are sent in small groups at most this often: fewer wake-ups of the app, which on
a two-core workstation would take CPU from llama.cpp; still smooth streaming to the eye."""


class Pending:
    def __init__(self, send: Callable[[p.Event], None], req_id: int) -> None:
        self.send = send
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
            self.send(p.Token(self.req_id, "".join(self.texts), len(self.texts)))
            self.texts.clear()
