"""What a draft's run tells its face (``DraftEvents``), and what the steps around the draft
itself (a long source read part by part, the check of facts) need of the run (``PartWriter``):
they drive the run through these, without knowing the run that sequences them.
"""

from __future__ import annotations

from typing import Protocol

from hospidesk.engine.client import EngineClient
from hospidesk.engine.protocol import GenerationOptions, Message
from hospidesk.engine.verify import VerifiedModel
from hospidesk.service.extraction import Extraction
from hospidesk.service.request import PreparedDraft
from hospidesk.service.routing import Served


class DraftEvents:
    """What a face is told while a draft runs, from the thread that runs it. Every method
    does nothing here; a face overrides those it shows."""

    def loading(self, model: VerifiedModel) -> None:
        """The local model is being loaded (first draft, or after an engine restart)."""

    def loaded(self, model: VerifiedModel, seconds: float) -> None:
        """The local model is ready."""

    def extracting(self) -> None:
        """The model reads the fields the user left to it from the source."""

    def extracted(self, extraction: Extraction) -> None:
        """Values read from the source, already in the draft's inputs: to be checked."""

    def writing(self, served: Served, structured: bool) -> None:
        """Who writes the draft, before its first word."""

    def text(self, piece: str) -> None:
        """A piece of the draft (text tasks; a structured draft comes whole, at the end)."""

    def progress(self, tokens: int, rate: float) -> None:
        """Tokens written so far and the speed, in tokens per second."""

    def part(self, done: int, total: int) -> None:
        """A source too long for one prompt is read part by part: ``done`` of ``total``."""

    def reading(self, done: int, total: int) -> None:
        """The local model reads a long prompt before writing: ``done`` of ``total`` tokens
        (the extraction's and the draft's, each from 0)."""

    def checking_facts(self, missing: int) -> None:
        """The draft left out ``missing`` facts of the source: the model is asked for them
        (« Vérification des faits… »)."""


class PartWriter(Protocol):
    """A draft's run as the steps before and after its text see it."""

    engine: EngineClient
    events: DraftEvents

    def write_part(
        self, prepared: PreparedDraft, messages: tuple[Message, ...], options: GenerationOptions
    ) -> str:
        """A step's text, written with the run's engine and stopped by its cancel; not shown."""
        ...
