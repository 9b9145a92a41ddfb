"""Measured benefit: one record per use of a task (no content: see governance.metrics), the
user's answer, the user's own dashboard and the evaluation's anonymous aggregates."""

from __future__ import annotations

import time
from dataclasses import dataclass, field
from datetime import date

from hospidesk.governance.metrics import (
    MetricsStore,
    Origin,
    Use,
    aggregate,
    edit_ratio,
    station_id,
    to_csv,
    to_json,
)
from hospidesk.packs.loader import PackTask
from hospidesk.service.workspace import Workspace

ASK_SETTING = "retours.demander"


def record_use(
    ws: Workspace,
    task: PackTask,
    model_id: str,
    outcome: str,
    seconds: float | None,
    model_text: str,
    final_text: str,
    helped: str | None = None,
    minutes_saved: int | None = None,
    omissions: int | None = None,
    example: bool = False,
    repair: bool | None = None,
) -> int:
    """One use in the metrics; returns its id (for the answer that may follow). A try of a
    worked example is recorded as such and left out of the figures."""
    store = MetricsStore(ws.paths.metrics_db)
    try:
        return store.record(
            Use(
                task.pack.manifest.job,
                task.ref,
                task.pack.manifest.version,
                model_id,
                outcome,
                date.today(),
                None if seconds is None else round(seconds),
                edit_ratio(model_text, final_text),
                helped,
                minutes_saved,
                omissions,
                example,
                repair,
            )
        )
    finally:
        store.close()


def answer(ws: Workspace, use_id: int, helped: str | None, minutes_saved: int | None) -> None:
    """The user's answer to « did it help? » for one use (the first answer counts)."""
    store = MetricsStore(ws.paths.metrics_db)
    try:
        store.answer(use_id, helped, minutes_saved)
    finally:
        store.close()


def all_uses(ws: Workspace) -> list[Use]:
    store = MetricsStore(ws.paths.metrics_db)
    try:
        return store.uses()
    finally:
        store.close()


@dataclass(frozen=True)
class StatsExport:
    text: str
    groups: int
    suppressed: int
    threshold: int
    example_uses: int
    """Tries of worked examples, left out of the groups."""


def stats_export(ws: Workspace, fmt: str) -> StatsExport:
    """The aggregates per job, task and week, small groups suppressed (``csv`` or ``json``)."""
    threshold = ws.policy.metrics.min_group_size
    uses = all_uses(ws)
    rows = aggregate(uses, threshold)
    tries = sum(1 for use in uses if use.example)
    origin = Origin(station_id(ws.paths.data), date.today().isoformat())
    if fmt == "json":
        text = to_json(rows, threshold, tries, origin) + "\n"
    else:
        text = to_csv(rows, threshold, origin)
    suppressed = sum(1 for row in rows if row.suppressed)
    return StatsExport(text, len(rows), suppressed, threshold, tries)


def asks_feedback(ws: Workspace) -> tuple[bool, bool]:
    """Whether to ask « did it help? », and whether the user may turn the question off."""
    return ws.settings.get_bool(ASK_SETTING), ASK_SETTING not in ws.settings.locks


@dataclass
class OpenUses:
    """The tasks run in the window since they were last closed: one use each, measured when
    it ends (export, copy, clearing the draft, closing the window)."""

    started: dict[str, float] = field(default_factory=dict)
    model_text: dict[str, str] = field(default_factory=dict)
    model: dict[str, str] = field(default_factory=dict)
    examples: set[str] = field(default_factory=set)
    """The tasks whose current run is a try of a worked example."""
    repairs: dict[str, bool | None] = field(default_factory=dict)
    """Per task, whether the check of facts completed its draft (see Use.repair)."""

    def run_started(self, ref: str, example: bool = False) -> None:
        self.started.setdefault(ref, time.monotonic())
        if example:
            self.examples.add(ref)
        else:
            self.examples.discard(ref)

    def generated(self, ref: str, body: str, model_id: str, repair: bool | None = None) -> None:
        self.model_text[ref] = body
        self.model[ref] = model_id
        self.repairs[ref] = repair

    def close(
        self,
        ws: Workspace,
        task: PackTask,
        outcome: str,
        text: str,
        omissions: int | None = None,
    ) -> int | None:
        """Record the use of ``task`` once per run; its id, or None when it was not run."""
        started = self.started.pop(task.ref, None)
        model_text = self.model_text.pop(task.ref, None)
        model_id = self.model.pop(task.ref, None)
        example = task.ref in self.examples
        self.examples.discard(task.ref)
        repair = self.repairs.pop(task.ref, None)
        if started is None or model_text is None or model_id is None:
            return None  # not run since it was last closed: nothing to measure
        seconds = time.monotonic() - started
        return record_use(
            ws,
            task,
            model_id,
            outcome,
            seconds,
            model_text,
            text,
            omissions=omissions,
            example=example,
            repair=repair,
        )
