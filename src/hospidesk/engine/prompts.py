"""A prompt in the worker's llama.cpp context: its tokens, its fixed part (the task's
instructions, see prefix_cache), that part's state restored or saved, the rest read.

Shared by the worker's generations, its prefills and its warm-up. Only the worker imports it.
"""

from __future__ import annotations

from collections.abc import Callable

from hospidesk.engine.native import Model
from hospidesk.engine.prefix_cache import (
    MIN_PREFIX_TOKENS,
    PROBES,
    PrefixCache,
    shared_prefix,
)

Messages = list[dict[str, str]]


class PromptReader:
    def __init__(self, llm: Model, prefixes: PrefixCache) -> None:
        self.llm = llm
        self.prefixes = prefixes

    def tokens(self, messages: Messages) -> list[int]:
        return self.llm.chat_tokens(messages)

    def prepare(
        self, messages: Messages, tokens: list[int] | None = None
    ) -> tuple[list[int], list[int], str]:
        """The prompt's tokens (``tokens`` when already known), its fixed part, and where that
        part's state comes from once restored (``kv``, ``disk``; ``new``: to be
        read, then saved; ``none``)."""
        tokens = tokens if tokens is not None else self.tokens(messages)
        fixed = self.fixed_prefix(messages, tokens)
        return tokens, fixed, self.restore(fixed)

    def fixed_prefix(self, messages: Messages, tokens: list[int]) -> list[int]:
        """The part of the prompt that does not depend on its last user message: a task's
        instructions. None for a conversation that goes on after an answer (« Continuer »,
        the check of facts): what precedes its last message is that one draft's, never asked
        again, and the context still holds most of it."""
        if len(messages) != 2 or messages[-1]["role"] != "user":
            return []
        probes = [
            self.tokens([*messages[:-1], {"role": "user", "content": text}]) for text in PROBES
        ]
        return shared_prefix(tokens, *probes)

    def usable(self, prefix: list[int]) -> bool:
        """Worth keeping: long enough to save time, short enough to fit the context."""
        return MIN_PREFIX_TOKENS <= len(prefix) < self.llm.n_ctx

    def restore(self, prefix: list[int]) -> str:
        """Make the context hold the fixed part when its state is kept; say from where."""
        if not self.usable(prefix):
            return "none"  # too long: the completion says so
        if self.llm.common_length(prefix) == len(prefix):
            return "kv"
        found = self.prefixes.find(prefix)
        if found is None:
            return "new"
        try:
            self.llm.load_state(found, prefix)
        except RuntimeError:  # llama.cpp refused it: read the instructions again, save anew
            self.prefixes.forget(prefix)
            return "new"
        return "disk"

    def read(
        self,
        tokens: list[int],
        new_prefix: list[int],
        stop: Callable[[], bool],
        progress: Callable[[int], None] | None = None,
        batch: int | None = None,
    ) -> None:
        """Read the prompt, up to the logits its answer is sampled from; save the fixed
        part's state on the way when it is new (``new_prefix``). ``batch``: see Model.read."""
        if new_prefix:
            self.llm.read(new_prefix, stop, progress, batch)
            self.save(new_prefix)
        self.llm.read(tokens, stop, progress, batch)

    def save(self, prefix: list[int]) -> None:
        """Keep the state of the context, which holds exactly ``prefix``."""
        self.prefixes.put(prefix, self.llm.save_state)
