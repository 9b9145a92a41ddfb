"""The check of facts with the real demo model through llama.cpp: whatever the model would
write, the repair's grammar makes each line carry its facts, in order, and no figure but those
of its own source sentence;
the whole draft then holds what the run says it added, where it says. Nothing here depends on
the model's words."""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import replace
from pathlib import Path

import pytest

from hospidesk.documents.facts import find_facts
from hospidesk.engine.catalog import load_catalog
from hospidesk.engine.client import EngineClient
from hospidesk.engine.protocol import Message
from hospidesk.engine.verify import open_verified, verify_file
from hospidesk.paths import get_paths
from hospidesk.service.drafting import RunLimits, run_draft
from hospidesk.service.faithfulness import repair_options
from hospidesk.service.gaps import find_gaps, written
from hospidesk.service.request import DraftRequest, prepare
from hospidesk.service.review import review
from hospidesk.service.workspace import Workspace
from tests.conftest import SAMPLES, TEST_SEED, Env

pytestmark = pytest.mark.model

PAYMENT = (SAMPLES / "relance-paiement.txt").read_text(encoding="utf-8")
NOTES = (SAMPLES / "notes-reunion.txt").read_text(encoding="utf-8")


@pytest.fixture
def engine(hd_env: Env, demo_model: Path) -> Iterator[EngineClient]:
    client = EngineClient()
    model = verify_file(demo_model, load_catalog(get_paths()))
    client.load(open_verified(model), n_ctx=2048, n_threads=2, n_gpu_layers=0)
    yield client
    client.close()


@pytest.mark.parametrize("seed", [TEST_SEED, TEST_SEED + 1])
def test_the_grammar_makes_every_line_carry_its_facts_and_no_figure_of_elsewhere(
    engine: EngineClient, seed: int
) -> None:
    gaps = find_gaps(NOTES, "Réunion de la cellule qualité.", [])[:4]
    assert len(gaps) == 4
    messages = (
        Message("system", "Tu écris en français."),
        Message("user", "Réécris chacune de ces phrases, une par ligne :\n" + NOTES),
    )
    # the repair's own budget and grammar, at a temperature that makes the model wander
    options = replace(repair_options(gaps, 0.2, seed), temperature=0.8)
    answer = "".join(engine.generate(messages, options))
    lines = answer.split("\n")
    assert lines[-1] == "" and len(lines) == len(gaps) + 1  # one line a gap, each ended
    for line, gap in zip(lines, gaps, strict=False):
        facts = [written(f) for f in gap.facts]
        rest = line
        for fact in facts:  # each fact, in order, exactly as the source writes it
            assert fact in rest, (fact, line)
            rest = rest.split(fact, 1)[1]
        stripped = line
        allowed = {written(f) for f in find_facts(gap.context)} | set(facts)
        for figure in sorted(allowed, key=len, reverse=True):  # « 19 mars 2027 » before « 19 »
            stripped = stripped.replace(figure, "")
        assert not re.search(r"\d|[«»\"():]", stripped), line  # no figure of elsewhere
        assert line.endswith(".")


def test_a_repaired_draft_holds_its_additions_where_the_run_says(
    hd_env: Env, demo_model: Path
) -> None:
    ws = Workspace.open()
    request = DraftRequest(
        "secretariat/reformuler-courrier",
        {"formule_appel": "Madame, Monsieur,"},
        source_text=PAYMENT,
    )
    prepared = prepare(ws, request)
    assert prepared.lock
    engine = EngineClient()
    try:
        result = run_draft(ws, engine, prepared, limits=RunLimits(seed=TEST_SEED))
    finally:
        engine.close()
    repair = result.repair
    findings = review(prepared.task, PAYMENT, result.body, prepared.values)
    if repair is None:  # the model kept every fact (or stopped at its length limit)
        assert not findings.omitted or result.finish_reason == "length"
        return
    for added in repair.added:
        assert result.body[added.start : added.end] == added.text
        assert all(fact in added.text for fact in added.facts)
    placed = [fact for added in repair.added for fact in added.facts]
    assert len(placed) + len(repair.pending) == len(repair.missing)  # each fact placed or left
    if repair.pending:
        assert "\n\nÀ intégrer (" in result.body
    left = {f.text for f in findings.omitted}
    assert left <= set(repair.pending) | set(repair.missing)
