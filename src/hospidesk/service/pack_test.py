"""``hospidesk packs test``: every worked example of a pack through real models, each draft
checked the way a careful reader would, before the pack is signed.

Checks per draft: the structured output is valid (a structured task's JSON gives its
sections), the example's facts are kept, no fact is invented (found in none of the inputs),
the instructions are not echoed, the text is not cut at the length limit and is not empty.
A check that fails is reported failed, never skipped. Seeds are fixed so that two runs of
the same model compare. Time to first token and tokens per second are recorded.

The drafts are written by catalog models on this workstation, by servers of the machine
policy (``--server ID`` or ``ID:MODEL``), or both side by side. A server is tested alone: if
it fails, the example fails with the server's message (the local model never stands in).
"""

from __future__ import annotations

import json
import tempfile
from collections.abc import Callable
from dataclasses import asdict, dataclass, field, replace
from pathlib import Path

from hospidesk.documents.review import missing_expected, unsupported_facts, without_pending
from hospidesk.engine.client import EngineClient
from hospidesk.engine.verify import VerifiedModel
from hospidesk.errors import HospiDeskError, UsageError
from hospidesk.packs.archive import read_pack_file
from hospidesk.packs.loader import Pack, PackTask, load_pack
from hospidesk.packs.prompt import system_prompt
from hospidesk.service.backends import remote_target, usable_model
from hospidesk.service.drafting import RunLimits, UnusableOutput, run_draft
from hospidesk.service.request import DraftRequest, prepare_task
from hospidesk.service.review import body_inputs, echoed, known_texts
from hospidesk.service.routing import RemoteTarget
from hospidesk.service.workspace import Workspace

CHECKS = ("structure", "faits", "invention", "consignes", "coupure", "vide")
"""The checks, in the report's order (French: the report is read by the pack's author)."""


@dataclass
class Outcome:
    task: str
    example: int
    model: str
    failed: list[str] = field(default_factory=list)
    detail: list[str] = field(default_factory=list)
    first_token_seconds: float | None = None
    tokens_per_second: float | None = None
    body: str = ""
    """The draft (the studio shows it beside the previous version's)."""

    @property
    def passed(self) -> bool:
        return not self.failed


@dataclass(frozen=True)
class PackReport:
    pack: str
    version: str
    models: tuple[str, ...]
    outcomes: tuple[Outcome, ...]

    def pass_rate(self, model: str | None = None) -> float:
        chosen = [o for o in self.outcomes if model is None or o.model == model]
        return sum(o.passed for o in chosen) / len(chosen) if chosen else 0.0


def open_pack(path: Path, into: Path) -> Pack:
    """A pack folder, or a pack file unpacked into ``into`` (its signature is not needed to
    test it: testing comes before signing)."""
    if path.is_dir():
        return load_pack(path)
    if not path.is_file():
        raise UsageError(f"Introuvable : {path}")
    contents = read_pack_file(path)
    for name, data in contents.files.items():
        target = into / name
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes(data)
    return load_pack(into)


@dataclass(frozen=True)
class Writer:
    """What writes the drafts: a verified catalog model here, or a server of the policy."""

    label: str
    model: VerifiedModel | None = None
    server: RemoteTarget | None = None


def writers(ws: Workspace, model_ids: list[str | None], servers: list[str]) -> list[Writer]:
    """Every model and server asked for, checked before the first draft (an unknown id, a
    server the policy does not list, an altered model file: refused at once)."""
    chosen = [Writer((m := usable_model(ws, model_id)).entry.id, m) for model_id in model_ids]
    for spec in servers:
        server_id, _, model = spec.partition(":")
        target = remote_target(ws, server_id.strip(), model.strip() or None)
        assert target is not None, "« local » is not a server"  # refused by the CLI
        chosen.append(Writer(f"serveur:{target.server.id}/{target.model}", server=target))
    return chosen


def run_pack_test(
    ws: Workspace,
    path: Path,
    model_ids: list[str | None],
    seed: int = 7,
    max_tokens: int | None = None,
    servers: list[str] | None = None,
    on_outcome: Callable[[Outcome, int, int], None] | None = None,
) -> PackReport:
    """``on_outcome(outcome, done, total)``: after each example (the studio's progress)."""
    with tempfile.TemporaryDirectory(prefix="hospidesk-pack-test-") as folder:
        pack = open_pack(path, Path(folder))
        tasks = [PackTask(pack, task) for task in pack.tasks]
        if not any(t.task.examples for t in tasks):
            raise UsageError(f"Le pack « {pack.manifest.id} » n'a aucun exemple à tester.")
        chosen = writers(ws, model_ids, servers or [])
        total = len(chosen) * sum(len(t.task.examples) for t in tasks)
        outcomes: list[Outcome] = []
        for writer in chosen:
            engine = EngineClient()  # started by the first local draft only
            try:
                for item in tasks:
                    for number, _ in enumerate(item.task.examples, start=1):
                        outcome = run_example(ws, engine, item, number, writer, seed, max_tokens)
                        outcomes.append(outcome)
                        if on_outcome is not None:
                            on_outcome(outcome, len(outcomes), total)
            finally:
                engine.close()
    labels = tuple(w.label for w in chosen)
    return PackReport(pack.manifest.id, pack.manifest.version, labels, tuple(outcomes))


def run_example(
    ws: Workspace,
    engine: EngineClient,
    item: PackTask,
    number: int,
    writer: Writer,
    seed: int,
    max_tokens: int | None,
) -> Outcome:
    example = item.task.examples[number - 1]
    outcome = Outcome(item.ref, number, writer.label)
    fields = dict(example.fields)
    server = writer.server
    request = DraftRequest(
        item.ref,
        fields,
        source_text=example.source or None,
        model_id=server.model if server else None,
        server=server.server.id if server else "local",
    )
    try:
        prepared = prepare_task(ws, item, request, writer.model)
        if server is not None:  # the server alone: its failure is the example's
            prepared = replace(prepared, model=None)
        result = run_draft(ws, engine, prepared, limits=RunLimits(max_tokens, seed))
    except HospiDeskError as exc:
        outcome.failed.append("structure" if isinstance(exc, UnusableOutput) else "vide")
        outcome.detail.append(exc.message)
        return outcome
    body = result.body
    placed = without_pending(body)  # facts left « À intégrer » are not kept
    _, shown = body_inputs(item, example.source, result.prepared.values)
    inputs = [example.source, *(v for v in result.prepared.values.values() if v)]
    missing = missing_expected(example.facts, placed, shown)
    invented = unsupported_facts(placed, inputs, known_texts(item))
    outcome.body = body
    if missing:
        outcome.failed.append("faits")
        outcome.detail.append("absents : " + ", ".join(f.text for f in missing))
    if invented:
        outcome.failed.append("invention")
        outcome.detail.append("inventés : " + ", ".join(f.text for f in invented))
    if echoed(system_prompt(item.task), body):
        outcome.failed.append("consignes")
    if result.finish_reason == "length":
        outcome.failed.append("coupure")
    if not body.strip():
        outcome.failed.append("vide")
    outcome.first_token_seconds = result.first_token_seconds
    if result.seconds and result.tokens:
        outcome.tokens_per_second = result.tokens / result.seconds
    return outcome


def markdown(report: PackReport) -> str:
    lines = [
        f"# Test du pack « {report.pack} » {report.version}",
        "",
        "| modèle | exemples | réussis | taux |",
        "| --- | --- | --- | --- |",
    ]
    for model in report.models:
        mine = [o for o in report.outcomes if o.model == model]
        passed = sum(o.passed for o in mine)
        lines.append(f"| {model} | {len(mine)} | {passed} | {report.pass_rate(model):.0%} |")
    if len(report.models) > 1:
        lines += ["", "## Côte à côte", ""]
        lines.append("| tâche, exemple | " + " | ".join(report.models) + " |")
        lines.append("| --- |" + " --- |" * len(report.models))
        keys = sorted({(o.task, o.example) for o in report.outcomes})
        for task, example in keys:
            cells = []
            for model in report.models:
                found = [
                    o
                    for o in report.outcomes
                    if (o.task, o.example, o.model) == (task, example, model)
                ]
                cells.append(_cell(found[0]) if found else "—")
            lines.append(f"| {task} n° {example} | " + " | ".join(cells) + " |")
    lines += [
        "",
        "## Détail",
        "",
        "| modèle | tâche | exemple | résultat | 1er mot (s) | jetons/s |",
    ]
    lines.append("| --- | --- | --- | --- | --- | --- |")
    for o in report.outcomes:
        first = f"{o.first_token_seconds:.2f}" if o.first_token_seconds is not None else "—"
        rate = f"{o.tokens_per_second:.1f}" if o.tokens_per_second is not None else "—"
        lines.append(f"| {o.model} | {o.task} | {o.example} | {_cell(o)} | {first} | {rate} |")
    return "\n".join(lines) + "\n"


def _cell(outcome: Outcome) -> str:
    if outcome.passed:
        return "réussi"
    return (
        "échec : "
        + ", ".join(outcome.failed)
        + (f" ({'; '.join(outcome.detail)})" if outcome.detail else "")
    )


def to_json(report: PackReport) -> str:
    data = {
        "pack": report.pack,
        "version": report.version,
        "models": list(report.models),
        "pass_rate": {m: report.pass_rate(m) for m in report.models},
        "outcomes": [{**asdict(o), "passed": o.passed} for o in report.outcomes],
    }
    return json.dumps(data, ensure_ascii=False, indent=1) + "\n"
