"""One draft, start to finish: load the model if needed, read fields from the source, write
the text (server or local model), say who wrote it, turn it into the draft to review.

``run_draft`` is the only place that sequences these steps; the CLI and the window each
call it and show what its events tell them. Before it, ``request.prepare`` checks the inputs;
after it, export, history and metrics are use cases of their own.
"""

from __future__ import annotations

import json
import threading
import time
from dataclasses import dataclass

from hospidesk.engine.client import EngineClient
from hospidesk.engine.protocol import Done, GenerationOptions, Message
from hospidesk.engine.verify import VerifiedModel
from hospidesk.errors import Cancelled, EngineError
from hospidesk.governance.audit import AuditEvent, AuditKind, Digest
from hospidesk.packs.prompt import build_messages
from hospidesk.packs.structured import (
    extraction_schema,
    output_schema,
    parse_json_object,
    structured_to_text,
)
from hospidesk.service.backends import ensure_loaded, needs_loading
from hospidesk.service.draft_events import (
    DraftEvent,
    Extracted,
    Extracting,
    Loaded,
    Loading,
    OnEvent,
    Progress,
    PromptRead,
    Text,
    Writing,
    unheard,
)
from hospidesk.service.extraction import Extraction, extraction_messages, read_extraction
from hospidesk.service.faithfulness import Repair, repair_draft
from hospidesk.service.long_source import condense, parts_needed
from hospidesk.service.repetition import REPETITION, LoopGuard
from hospidesk.service.request import PreparedDraft
from hospidesk.service.routing import Served
from hospidesk.service.workspace import Workspace


@dataclass(frozen=True)
class DraftResult:
    prepared: PreparedDraft
    """The inputs, with the field values the model read from the source."""
    extraction: Extraction
    raw: str
    """What the model wrote (JSON for a structured task)."""
    body: str
    """The draft the user reviews."""
    served: Served
    """Who wrote it."""
    tokens: int
    seconds: float
    """From the start of the run: loading and extraction included."""
    first_token_seconds: float | None
    finish_reason: str
    """``stop`` (the model ended), ``length`` (cut at the token limit), …"""
    parts: int = 0
    """How many parts a source too long for one prompt was read in (0: one prompt)."""
    repair: Repair | None = None
    """The facts of the source the draft left out and what was done of them (None: it left
    none out, or the task does not lock its facts)."""


@dataclass(frozen=True)
class RunLimits:
    """Overrides of the task's own generation settings (command line, tests, benchmarks)."""

    max_tokens: int | None = None
    seed: int | None = None
    keep_writing: bool = False


class UnusableOutput(EngineError):
    """A structured task's output that gives no sections (not JSON of its schema)."""


class DraftRun:
    """One draft with one engine (a new run for each draft); ``cancel()``, from any thread,
    stops it for good.

    Only the thread that calls ``run`` touches the engine: a cancel sets an event that the
    engine's stream watches, and shuts a server's connection.
    """

    def __init__(self, ws: Workspace, engine: EngineClient, on_event: OnEvent = unheard) -> None:
        self.ws = ws
        self.engine = engine
        self.on_event = on_event
        self._stop = threading.Event()
        self._streams: list[threading.Event] = []
        """The stop events of the engine streams running now (one at a time)."""
        self.received = ""
        """The draft's text received so far: kept by the caller when a failure cuts it."""

    def emit(self, event: DraftEvent) -> None:
        self.on_event(event)

    def cancel(self) -> None:
        self._stop.set()
        for stream in list(self._streams):
            stream.set()
        self.ws.router.cancel()

    def run(self, prepared: PreparedDraft, limits: RunLimits = RunLimits()) -> DraftResult:
        started = time.monotonic()
        self._check_stop()
        task = prepared.task.task
        max_tokens = limits.max_tokens or task.generation.max_tokens
        plan = None
        if prepared.remote is None and prepared.model is not None and prepared.source:
            self._load(prepared.model)  # its context and its count decide what fits
            plan = parts_needed(self, prepared, max_tokens)
        extraction = Extraction({}, {})
        if prepared.to_extract:
            self.emit(Extracting())
            prepared, extraction = self._extract(prepared, plan.parts[0] if plan else None)
            self.emit(Extracted(extraction))
            self._check_stop()
        messages = prepared.messages
        if plan:
            condensed = condense(self, prepared, plan, limits.seed)
            messages = build_messages(task, prepared.values, condensed)
        options = GenerationOptions(
            max_tokens=max_tokens,
            temperature=task.generation.temperature,
            seed=limits.seed,
            json_schema=(
                json.dumps(output_schema(task.output.sections), ensure_ascii=False)
                if task.structured
                else None
            ),
            keep_writing=limits.keep_writing,
        )
        self.received = ""
        written = self._write(prepared, messages, options, main=True)
        body = draft_body(prepared, written.text)
        repair = None
        done = written.done
        cut = done is not None and done.finish_reason == "length"  # « Continuer » will go on
        if prepared.lock and not plan and not cut:
            body, repair = repair_draft(self, prepared, messages, written.text, body, limits.seed)
        audit_run(self.ws, prepared, written.served, body)
        return DraftResult(
            prepared,
            extraction,
            written.text,
            body,
            written.served,
            written.tokens,
            time.monotonic() - started,
            done.first_token_seconds if done else None,
            done.finish_reason if done else "stop",
            len(plan.parts) if plan else 0,
            repair,
        )

    def _check_stop(self) -> None:
        if self._stop.is_set():
            raise Cancelled()

    def write_part(
        self, prepared: PreparedDraft, messages: tuple[Message, ...], options: GenerationOptions
    ) -> str:
        """A step before the draft (a part of a long source): its text, not shown."""
        self._check_stop()
        return self._write(prepared, messages, options, main=False).text

    def _extract(
        self, prepared: PreparedDraft, text: str | None = None
    ) -> tuple[PreparedDraft, Extraction]:
        """Fill the fields the task reads from the source (or from ``text``, the first part
        of a long one), by grammar-constrained JSON."""
        fields = prepared.to_extract
        messages = extraction_messages(fields, text if text is not None else prepared.source)
        options = GenerationOptions(
            max_tokens=min(400, 40 + 60 * len(fields)),  # the schema's maxLength bounds it too
            temperature=0.0,
            json_schema=json.dumps(extraction_schema(fields), ensure_ascii=False),
        )
        raw = self._write(prepared, messages, options, main=False).text
        return read_extraction(prepared, raw)

    def _write(
        self,
        prepared: PreparedDraft,
        messages: tuple[Message, ...],
        options: GenerationOptions,
        main: bool,
    ) -> _Written:
        """The model's text: the draft's server when it has one (and it is up), else the
        local model, loaded first if the engine holds another one. ``main``: the draft
        itself (told to the events), not the extraction of fields."""
        structured = prepared.task.task.structured
        writer = _Writer(self, main, shown=main and not structured)
        notice = None
        if prepared.remote is not None:
            served = Served.server(prepared.remote)
            if main:
                self.emit(Writing(served, structured))
            try:
                outcome = self.ws.router.stream(
                    prepared.remote,
                    prepared.model,
                    messages,
                    prepared.identity_values,
                    options,
                    writer.add,
                )
            except _Looping:
                return writer.written(served, None)
            if outcome.notice is None:
                return writer.written(served, outcome.done)
            notice = outcome.notice
        model = prepared.model
        if model is None:
            raise EngineError("Aucun modèle local n'est disponible sur ce poste.")
        self._load(model)
        served = Served.local(model, notice)
        if main:
            self.emit(Writing(served, structured))
        stop = threading.Event()  # this stream's own: set by the run's stop or by a loop
        self._streams.append(stop)
        if self._stop.is_set():  # « Arrêter » while the model was loading
            stop.set()
        stream = self.engine.generate(messages, options, stop=stop, reading=self._read)
        try:
            for piece in stream:
                try:
                    writer.add(piece, self.engine.generated)
                except (_Looping, Cancelled):
                    stop.set()  # the engine stops the stream (it answers Cancelled)
        except Cancelled:
            if not writer.looped:
                raise
        finally:
            self._streams.remove(stop)
        self._check_stop()  # stopped by the user after the model's last word
        return writer.written(served, self.engine.last_done)

    def _read(self, done: int, total: int) -> None:
        self.emit(PromptRead(done, total))

    def _load(self, model: VerifiedModel) -> None:
        if not needs_loading(self.engine, model):
            return
        self.emit(Loading(model))
        started = time.monotonic()
        ensure_loaded(self.ws, self.engine, model)
        self.emit(Loaded(model, time.monotonic() - started))


@dataclass(frozen=True)
class _Written:
    text: str
    served: Served
    tokens: int
    done: Done | None


class _Writer:
    """Collects the pieces of one generation and tells the run's events about them."""

    def __init__(self, run: DraftRun, main: bool, shown: bool) -> None:
        self.run = run
        self.main = main
        self.shown = shown
        self.pieces: list[str] = []
        self.tokens = 0
        self.first: float | None = None
        self.guard = LoopGuard() if shown else None
        self.looped = False

    def add(self, piece: str, tokens: int) -> None:
        run = self.run
        if self.looped:
            return  # the stop is on its way; nothing more is kept
        run._check_stop()  # a stop that came before the request was sent
        self.pieces.append(piece)
        if self.guard is not None and self.guard.looping("".join(self.pieces)):
            self.looped = True
            raise _Looping()
        self.tokens = tokens
        now = time.monotonic()
        self.first = self.first or now
        rate = (tokens - 1) / (now - self.first) if now > self.first else 0.0
        if self.shown:
            run.emit(Text(piece))
        if self.main:
            run.received += piece
            run.emit(Progress(tokens, rate))

    def written(self, served: Served, done: Done | None) -> _Written:
        text = "".join(self.pieces)
        if self.looped:  # keep one copy of what was repeated; say why it stopped
            text = LoopGuard.cut(text)
            done = Done(0, REPETITION, 0, self.tokens, 0.0)
        return _Written(text, served, self.tokens, done)


class _Looping(Exception):
    """Raised from a piece of text: the model repeats itself, the generation stops."""


def draft_body(prepared: PreparedDraft, raw: str) -> str:
    """The draft the user reviews: the model's text, or a structured output as text."""
    output = prepared.task.task.output
    if not prepared.task.task.structured:
        # Small models sometimes echo the quotes that delimit the source in the prompt.
        kept = [line for line in raw.split("\n") if line.strip() != '"""']
        return "\n".join(kept).strip("\n")
    try:
        data = parse_json_object(raw)
    except ValueError:
        raise UnusableOutput(
            "Le modèle n'a pas produit une synthèse exploitable : relancez la génération."
        ) from None
    return structured_to_text(data, output.sections)


def audit_run(ws: Workspace, prepared: PreparedDraft, served: Served, body: str) -> None:
    """The run in the audit trail: task, model, digests of the inputs and the draft."""
    ws.audit.append(
        AuditEvent(
            AuditKind.TASK_RUN,
            task=prepared.task.ref,
            model_sha256=served.sha256,
            inputs=_input_digests(ws, prepared),
            output=ws.audit.digest("brouillon", body),
            details={
                "pack_version": prepared.task.pack.manifest.version,
                "backend": served.backend,
                "model": served.model,
            },
        )
    )


def finish(ws: Workspace, prepared: PreparedDraft, served: Served, raw: str) -> str:
    """The draft the user reviews, the run audited."""
    body = draft_body(prepared, raw)
    audit_run(ws, prepared, served, body)
    return body


def _input_digests(ws: Workspace, prepared: PreparedDraft) -> tuple[Digest, ...]:
    fields = json.dumps(dict(prepared.values), sort_keys=True, ensure_ascii=False)
    digests = [ws.audit.digest("champs", fields)]
    if prepared.source:
        digests.append(ws.audit.digest("source", prepared.source))
    return tuple(digests)


def run_draft(
    ws: Workspace,
    engine: EngineClient,
    prepared: PreparedDraft,
    on_event: OnEvent = unheard,
    limits: RunLimits = RunLimits(),
) -> DraftResult:
    """Run one draft to the end (see ``DraftRun`` to cancel it from another thread)."""
    return DraftRun(ws, engine, on_event).run(prepared, limits)
