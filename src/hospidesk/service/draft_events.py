"""What a draft's run tells its face, as values (``DraftEvent``), and what the steps around
the draft itself (a long source read part by part, the check of facts) need of the run
(``PartWriter``): they drive the run through these, without knowing the run that sequences
them.

A run calls its one ``on_event`` callable with each event, from the thread that runs it;
each face handles them in one ``match`` (``cli.draft.Terminal``, ``ui.draft_flow``) and lets
pass those it does not show. A ``Step`` says itself in one French line, which each face shows
when it has no case of its own for it: a new step is a subclass here and its ``emit`` where it
happens, nothing else; a face adds a case only to show it its own way.
The draft's end (its result, a cancel, a failure) is not an event: ``DraftRun.run`` returns
it or raises.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Protocol

from hospidesk.engine.client import EngineClient
from hospidesk.engine.protocol import GenerationOptions, Message
from hospidesk.engine.verify import VerifiedModel
from hospidesk.service.extraction import Extraction
from hospidesk.service.request import PreparedDraft
from hospidesk.service.routing import Served


@dataclass(frozen=True)
class Step:
    """A step of the run that the user is told of in one line, on stderr or in the status
    bar; ``says`` is empty when there is nothing to tell."""

    def says(self) -> str:
        raise NotImplementedError


@dataclass(frozen=True)
class Loading:
    """The local model is being loaded (first draft, or after an engine restart)."""

    model: VerifiedModel


@dataclass(frozen=True)
class Loaded:
    """The local model is ready."""

    model: VerifiedModel
    seconds: float


@dataclass(frozen=True)
class Extracting(Step):
    """The model reads the fields the user left to it from the source."""

    def says(self) -> str:
        return "Lecture des informations du texte source…"


@dataclass(frozen=True)
class Extracted:
    """Values read from the source, already in the draft's inputs: to be checked."""

    extraction: Extraction


@dataclass(frozen=True)
class Writing:
    """Who writes the draft, before its first word."""

    served: Served
    structured: bool


@dataclass(frozen=True)
class Text:
    """A piece of the draft (text tasks; a structured draft comes whole, at the end)."""

    piece: str


@dataclass(frozen=True)
class Progress:
    """Tokens written so far and the speed, in tokens per second."""

    tokens: int
    rate: float


@dataclass(frozen=True)
class PromptRead:
    """The local model reads a long prompt before writing: ``done`` of ``total`` tokens (the
    extraction's and the draft's, each from 0)."""

    done: int
    total: int


@dataclass(frozen=True)
class PartRead(Step):
    """A source too long for one prompt is read part by part: ``done`` of ``total``."""

    done: int
    total: int

    def says(self) -> str:
        if self.done >= self.total:
            return ""
        return f"Texte long, lu par parties : partie {self.done + 1} sur {self.total}…"


@dataclass(frozen=True)
class CheckingFacts(Step):
    """The draft left out ``missing`` facts of the source: the model is asked for them."""

    missing: int

    def says(self) -> str:
        return (
            f"Vérification des faits : {self.missing} information(s) du texte source "
            "absente(s) du brouillon, demandée(s) au modèle…"
        )


DraftEvent = (
    Loading
    | Loaded
    | Extracting
    | Extracted
    | Writing
    | Text
    | Progress
    | PromptRead
    | PartRead
    | CheckingFacts
    | Step  # the steps above, and those to come
)
OnEvent = Callable[[DraftEvent], None]


def unheard(event: DraftEvent) -> None:
    """A run nobody watches (tests, benchmarks)."""


class PartWriter(Protocol):
    """A draft's run as the steps before and after its text see it."""

    engine: EngineClient

    def emit(self, event: DraftEvent) -> None:
        """Tell the run's face."""
        ...

    def write_part(
        self, prepared: PreparedDraft, messages: tuple[Message, ...], options: GenerationOptions
    ) -> str:
        """A step's text, written with the run's engine and stopped by its cancel; not shown."""
        ...
