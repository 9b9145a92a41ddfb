"""The checks both faces show after a draft (service/review.py)."""

from __future__ import annotations

from hospidesk.service.review import Findings, checks_omissions, describe, echoed, review
from hospidesk.service.workspace import Workspace
from tests.conftest import SAMPLES, Env

PAYMENT = (SAMPLES / "relance-paiement.txt").read_text(encoding="utf-8")
DROPPED = "La facture n° 2026-0412 de M. Bernard (3 au 7 novembre 2026, 312,40 €) est due."


def test_a_reformulation_lists_the_facts_it_left_out(hd_env: Env) -> None:
    task = Workspace.open().task("secretariat/reformuler-courrier")
    assert checks_omissions(task)
    findings = review(task, PAYMENT, DROPPED, [], "stop")
    assert [f.text for f in findings.omitted] == [
        "15 décembre",
        "lundi-vendredi",
        "8h30",
        "16h30",
        "04 72 11 22 33",
    ]
    lines = describe(findings, PAYMENT)
    assert lines[0].startswith("Attention : 5 information(s) du texte source absente(s)")
    assert "  - date : 15 décembre (« cette somme avant le 15 décembre, par chèque à »)" in (
        "\n".join(lines)
    )


def test_a_task_without_a_source_is_not_checked_for_omissions(hd_env: Env) -> None:
    task = Workspace.open().task("secretariat/convocation")
    assert not checks_omissions(task)
    assert review(task, None, "Le 17/03/2026 à 9h30.", ["17/03/2026", "09h30"]).omitted == ()


def test_cut_off_and_echo_are_said(hd_env: Env) -> None:
    task = Workspace.open().task("secretariat/reformuler-courrier")
    instructions = " ".join(task.task.instructions.split()[:30])
    findings = review(task, PAYMENT, f"Madame, {instructions} et", [], "length")
    assert findings.cut_off
    assert findings.echo is not None and len(findings.echo.split()) >= 12
    text = "\n".join(describe(findings, PAYMENT))
    assert "atteint la longueur maximale" in text
    assert "recopie les consignes de la tâche" in text
    assert not findings.clean


def test_a_short_shared_phrase_is_not_an_echo() -> None:
    assert echoed("Rédige une lettre claire et polie au patient.", "Une lettre claire.") is None


def test_nothing_to_say_is_clean() -> None:
    assert Findings().clean and describe(Findings(), "x") == []
