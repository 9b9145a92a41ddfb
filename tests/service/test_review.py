"""The checks both faces show after a draft (service/review.py)."""

from __future__ import annotations

from hospidesk.service.review import (
    Findings,
    checks_omissions,
    describe,
    echoed,
    repeated_idea,
    review,
)
from hospidesk.service.workspace import Workspace
from tests.conftest import SAMPLES, Env

PAYMENT = (SAMPLES / "relance-paiement.txt").read_text(encoding="utf-8")
DROPPED = "La facture n° 2026-0412 de M. Bernard (3 au 7 novembre 2026, 312,40 €) est due."


def test_a_reformulation_lists_the_facts_it_left_out(hd_env: Env) -> None:
    task = Workspace.open().task("secretariat/reformuler-courrier")
    assert checks_omissions(task)
    findings = review(task, PAYMENT, DROPPED, {}, "stop")
    assert [f.text for f in findings.omitted] == [
        "15 décembre",
        "lundi-vendredi",
        "8h30",
        "16h30",
        "04 72 11 22 33",
    ]
    lines = describe(findings, DROPPED)
    assert lines[0].startswith("Attention : 5 information(s) du texte source absente(s)")
    assert "  - date : 15 décembre (« cette somme avant le 15 décembre, par chèque à »)" in (
        "\n".join(lines)
    )


def test_a_task_without_a_source_is_not_checked_for_omissions(hd_env: Env) -> None:
    task = Workspace.open().task("secretariat/convocation")
    assert not checks_omissions(task)
    values = {"date_rdv": "17/03/2026", "heure_rdv": "09h30"}
    assert review(task, None, "Le 17/03/2026 à 9h30.", values).omitted == ()


def test_cut_off_and_echo_are_said(hd_env: Env) -> None:
    task = Workspace.open().task("secretariat/reformuler-courrier")
    instructions = " ".join(task.task.instructions.split()[:30])
    findings = review(task, PAYMENT, f"Madame, {instructions} et", {}, "length")
    assert findings.cut_off
    assert findings.echo is not None and len(findings.echo.split()) >= 12
    text = "\n".join(describe(findings))
    assert "atteint la longueur maximale" in text
    assert "recopie les consignes de la tâche" in text
    assert not findings.clean


def test_a_short_shared_phrase_is_not_an_echo() -> None:
    assert echoed("Rédige une lettre claire et polie au patient.", "Une lettre claire.") is None


def test_nothing_to_say_is_clean() -> None:
    assert Findings().clean and describe(Findings(), "x") == []


DEMO_ECHO = (
    "Tu n'inventes aucun fait, aucune date, aucun nombre, aucun nom.\n\n"
    "Madame, nous vous convions à la réunion du comité le 12 mars à 14h00."
)
"""The start of a convocation the demo model wrote: the shared instructions' own sentence."""


def test_a_draft_that_opens_with_the_instructions_is_an_echo(hd_env: Env) -> None:
    task = Workspace.open().task("secretariat/convocation")
    findings = review(task, None, DEMO_ECHO, {"date_rdv": "12/03/2026", "heure_rdv": "14h00"})
    assert findings.echo is not None and findings.echo.startswith("tu n inventes aucun fait")
    assert any("recopie les consignes" in line for line in describe(findings, DEMO_ECHO))
    assert echoed("Tu n'inventes aucun fait, aucune date.", "Nous n'inventons rien.") is None


def test_the_same_idea_written_three_times_in_other_words_is_a_loop() -> None:
    looping = (
        "Nous vous confirmons que votre rendez-vous est fixé au service de cardiologie. "
        "Nous vous confirmons que le rendez-vous est bien fixé au service de cardiologie. "
        "Vous êtes attendue au service de cardiologie pour votre consultation de suivi. "
        "Nous vous confirmons bien que votre rendez-vous est fixé au service de cardiologie."
    )
    assert repeated_idea(looping) is not None
    assert repeated_idea(looping.rsplit(". ", 1)[0]) is None  # twice is not a loop
    varied = (
        "Nous vous confirmons votre rendez-vous au service de cardiologie le 12 mars. "
        "Merci d'apporter votre carte vitale et vos ordonnances en cours ce jour-là. "
        "En cas d'empêchement, prévenez le secrétariat au moins 48 heures à l'avance."
    )
    assert repeated_idea(varied) is None


def test_counts_places_and_organisations_found_in_no_input_are_flagged(hd_env: Env) -> None:
    task = Workspace.open().task("secretariat/convocation")
    draft = (
        "Vous êtes convoquée le 12/03/2026 à 14h00.\n"
        "- Le nombre de clientes : 456\n- Les défaut : 8\n- La région : France\n"
        "La réunion a lieu au Centre hospitalier de Sainte-Exemple."
    )
    values = {"date_rdv": "12/03/2026", "heure_rdv": "14h00", "lieu": "salle du conseil"}
    context = ["Centre hospitalier de Sainte-Exemple", "01 23 45 67 89"]  # the letterhead's
    findings = review(task, None, draft, values, context=context)
    assert [(f.kind.value, f.text) for f in findings.invented] == [
        ("nombre", "456"),
        ("nombre", "8"),
        ("lieu ou organisme", "France"),
    ]
    lines = describe(findings, draft)
    assert "  - nombre : 456 (« nombre de clientes : 456 »)" in lines


def test_a_draft_that_carries_a_doubtful_scanned_figure_says_to_check_it(hd_env: Env) -> None:
    task = Workspace.open().task("secretariat/reformuler-courrier")
    doubtful = ["312,40", "04 72 11 22 33", "3", "Bernrad"]
    findings = review(task, PAYMENT, DROPPED, {}, doubtful=doubtful)
    # The amount as the draft writes it (« 312,40 € »); a lone « 3 » only where the draft
    # has that very number; a word read with low confidence is highlighted, not asked about;
    # the phone is not in the draft.
    assert findings.to_check == ("312,40", "3")
    assert not findings.clean
    lines = describe(findings, DROPPED)
    assert (
        "À vérifier sur l'original : 2 chiffre(s) du document scanné, mal reconnaissable(s), "
        "repris dans le brouillon : « 312,40 », « 3 »"
    ) in lines
    other = "Le numéro 04.72.11.22.33 reste joignable."
    assert review(task, PAYMENT, other, {}, doubtful=doubtful).to_check == ("04 72 11 22 33",)
    assert review(task, PAYMENT, DROPPED, {}).to_check == ()
