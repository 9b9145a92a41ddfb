"""The check of facts: the source's facts locked into the prompt, those a draft leaves out asked
once more and placed, the rest given to the user. A scripted engine makes the model's answers
exact (the draft, then the repair's lines); tests/service/test_faithfulness_model.py runs the
repair's grammar on the real model."""

from __future__ import annotations

import json
import threading

import pytest

from hospidesk.errors import Cancelled, EngineError
from hospidesk.packs.prompt import LOCK_HEADING
from hospidesk.service.draft_events import CheckingFacts, DraftEvent
from hospidesk.service.drafting import DraftRun, RunLimits, run_draft
from hospidesk.service.faithfulness import (
    _cleaned,
    accepted_lines,
    garbled,
    insert,
    repair_grammar,
)
from hospidesk.service.gaps import Gap, find_gaps, written
from hospidesk.service.request import DraftRequest, PreparedDraft, prepare
from hospidesk.service.review import body_inputs, facts_to_keep, review
from hospidesk.service.workspace import Workspace
from tests.conftest import SAMPLES, Env
from tests.engine.fake import FakeEngine

LETTER = "secretariat/reformuler-courrier"
PAYMENT = (SAMPLES.parent / "examples" / "relance-paiement.txt").read_text(encoding="utf-8")
FIELDS = {"formule_appel": "Madame, Monsieur,", "objet": "Facture impayée"}
DROPPED = (
    "Sauf erreur de notre part, la facture n° 2026-0412 du séjour de M. Bernard du 3 au 7 "
    "novembre 2026 reste impayée, pour un montant de 312,40 €.\n\n"
    "Nous vous remercions de régler cette somme par chèque à l'ordre du Trésor public ou à la "
    "caisse de l'hôpital.\n\n"
    "Pour toute question, le service des admissions est joignable au 04 72 11 22 33."
)
"""A reformulation of PAYMENT that leaves out the deadline and the cashier's hours."""


def prepared_letter(ws: Workspace, source: str = PAYMENT) -> PreparedDraft:
    return prepare(ws, DraftRequest(LETTER, FIELDS, source_text=source))


class Told:
    def __init__(self) -> None:
        self.checking: list[int] = []

    def __call__(self, event: DraftEvent) -> None:
        if isinstance(event, CheckingFacts):
            self.checking.append(event.missing)


def test_the_source_facts_are_listed_after_the_source_and_before_the_request(
    hd_env: Env,
) -> None:
    ws = Workspace.open()
    prepared = prepared_letter(ws)
    system, user = prepared.messages
    assert prepared.lock and LOCK_HEADING not in system.content  # the cached prefix is intact
    source_at = user.content.index("312,40")
    facts_at = user.content.index(LOCK_HEADING)
    assert source_at < facts_at < user.content.index("Réécris ce courrier")
    line = user.content[facts_at:].splitlines()[0]
    for fact in ("15 décembre", "lundi-vendredi", "8h30", "16h30", "312,40 €", "2026-0412"):
        assert fact in line
    assert "Facture impayée" not in line  # the subject is the template's, not the body's


def test_a_field_the_template_prints_is_not_asked_of_the_body(hd_env: Env) -> None:
    ws = Workspace.open()
    fields = {**FIELDS, "reference": "Facture n° 2026-0412"}  # printed in the letter's header
    prepared = prepare(ws, DraftRequest(LETTER, fields, source_text=PAYMENT))
    assert "2026-0412" not in prepared.messages[1].content.split(LOCK_HEADING)[1]


def test_a_reply_must_carry_the_findings_the_template_does_not_print(hd_env: Env) -> None:
    ws = Workspace.open()
    task = ws.task("qualite/reponse-reclamation")
    values = {
        "elements_enquete": "Remboursement accepté (420 euros), virement sous 30 jours.",
        "destinataire": "Mme Nathalie Girard\n12 rue des Lilas",
    }
    carried, shown = body_inputs(task, "Je demande le remboursement des lunettes.", values)
    assert "420 euros" in carried and "Mme Nathalie Girard\n12 rue des Lilas" in shown
    assert facts_to_keep(task, "Je demande le remboursement.", values) == [
        "420 euros",
        "sous 30 jours",
    ]
    findings = review(task, "Je demande le remboursement.", "Nous remboursons.", values)
    assert [f.text for f in findings.omitted] == ["420 euros", "sous 30 jours"]


def test_a_thread_s_header_lines_give_only_their_dates(hd_env: Env) -> None:
    ws = Workspace.open()
    task = ws.task("medecins-cadres/synthese-fil")
    thread = (
        "De : Marc Petit <marc.petit@chu-exemple.fr>\nEnvoyé : mardi 2 juin 2026 09:15\n"
        "Objet : lits\n\nIl nous manque toujours 2 IDE de nuit avant le 15 juin."
    )
    # a bare figure comes with the words before it (alone, a small model took it for a label)
    assert facts_to_keep(task, thread, {}) == [
        "2 juin 2026",
        "Il nous manque toujours : 2 IDE",
        "15 juin",
    ]
    notes = "Date : 05/05/2026\nPrésents : M. Bernard"  # meeting notes: the date is a fact
    assert "05/05/2026" in facts_to_keep(task, notes, {})


def test_missing_facts_are_grouped_by_the_sentence_that_holds_them() -> None:
    gaps = find_gaps(PAYMENT, DROPPED, [])
    assert [[f.text for f in gap.facts] for gap in gaps] == [
        ["15 décembre", "lundi-vendredi", "8h30", "16h30"]
    ]
    assert gaps[0].context.startswith("Nous vous remercions de bien vouloir régler")
    assert gaps[0].context.endswith("ouverte lundi-vendredi 8h30-16h30.")


def test_the_repair_grammar_carries_every_fact_in_order_and_no_other_figure() -> None:
    (gap,) = find_gaps(PAYMENT, DROPPED, [])
    grammar = repair_grammar([gap])
    line = grammar.splitlines()[1]
    assert line == (
        'line0 ::= lead0 "15 décembre" mid0 "lundi-vendredi" mid0 "8h30" mid0 "16h30" tail0 "\\n"'
    )
    assert "0-9" not in grammar and ":" not in grammar.split("word ::=")[1]


def test_a_repair_sentence_may_write_the_figures_of_its_own_source_sentence_only() -> None:
    source = (
        "Réclamations reçues : 42 (T3 : 39), délai moyen 19 jours.\n"
        "Certification : visite du 15 au 19 mars 2027."
    )
    gaps = find_gaps(source, "Réclamations reçues : 42, délai moyen 19 jours.", [])
    assert [[f.text for f in g.facts] for g in gaps] == [["39"], ["15", "19 mars 2027"]]
    rules = dict(line.split(" ::= ", 1) for line in repair_grammar(gaps).splitlines())
    assert rules["fig0"] == '"19 jours" | "39" | "42"'
    assert rules["fig1"] == '"15" | "19 mars 2027"'
    # a few of them, not over and over (a small model looped on « 14h 15h30, 14h 15h30 »)
    assert rules["lead0"].endswith("(fig0 sep (word sep){0,6}){0,2}")
    assert rules["mid1"].endswith("(fig1 sep (word sep){0,6})?")
    assert "fig" not in rules["tail0"] and "fig" not in rules["word"]


def test_a_garbled_repair_sentence_is_refused() -> None:
    vocabulary = {"visite", "prevue", "certification", "delai", "jours", "reponse", "moyen"}
    assert garbled("Visite prévue du eterne au eterne.", vocabulary)
    assert garbled("Certification ert ert ert prévue.", vocabulary)
    assert garbled("Délai moyen untauxactuelderéponse de jours.", vocabulary)
    assert garbled("Délai moyen de 19 jours, puis de 19 jours.", vocabulary)
    assert not garbled("La visite de certification est prévue du 15 au 19 mars.", vocabulary)
    (gap,) = find_gaps(PAYMENT, DROPPED, [])
    good = "Merci de régler avant le 15 décembre, caisse ouverte lundi-vendredi de 8h30 à 16h30."
    rambling = good[:-1] + ", " + "et merci encore de votre confiance " * 8 + "."
    assert accepted_lines(rambling + "\n", [gap], [PAYMENT], []) == [None]


def test_a_repaired_line_must_carry_its_facts_and_invent_nothing() -> None:
    (gap,) = find_gaps(PAYMENT, DROPPED, [])
    inputs = [PAYMENT]
    good = "Merci de régler avant le 15 décembre, caisse ouverte lundi-vendredi de 8h30 à 16h30."
    assert accepted_lines(f"- « {good} »\n", [gap], inputs, []) == [good]
    assert accepted_lines("Merci de régler avant le 15 décembre.\n", [gap], inputs, []) == [None]
    invented = good.replace("caisse", "caisse du CHU de Rennes")
    assert accepted_lines(invented + "\n", [gap], inputs, []) == [None]
    assert accepted_lines("", [gap], inputs, []) == [None]


def test_a_sentence_goes_after_the_paragraph_closest_to_its_facts() -> None:
    gap = find_gaps(PAYMENT, DROPPED, [])[0]
    sentence = "La caisse est ouverte lundi-vendredi de 8h30 à 16h30, avant le 15 décembre."
    body, (added,) = insert(DROPPED, [(gap, sentence)])
    assert body[added.start : added.end] == sentence
    second = body.split("\n\n")[1]
    assert second.endswith("caisse de l'hôpital. " + sentence)  # the paragraph on paying
    assert added.facts == ("15 décembre", "lundi-vendredi", "8h30", "16h30")


def test_a_line_that_announces_the_next_and_list_items_are_respected() -> None:
    gap = Gap(find_gaps(PAYMENT, DROPPED, [])[0].facts, "la caisse de l'hôpital est ouverte")
    body = (
        "Merci de régler à la caisse de l'hôpital, à l'adresse suivante :\n\n4 rue Haute\n\n"
        "Cordialement,\nLe service"
    )
    text, (added,) = insert(body, [(gap, "Elle est ouverte de 8h30 à 16h30.")])
    assert text == (
        "Merci de régler à la caisse de l'hôpital, à l'adresse suivante :\n\n4 rue Haute\n\n"
        "Elle est ouverte de 8h30 à 16h30.\n\nCordialement,\nLe service"
    )
    assert text[added.start : added.end] == "Elle est ouverte de 8h30 à 16h30."
    listed = "## Actions\n- Régler la facture à la caisse de l'hôpital\n\n## Questions\n- Aucune"
    text, (added,) = insert(listed, [(gap, "Caisse ouverte de 8h30 à 16h30.")])
    assert "- Régler la facture à la caisse de l'hôpital\n- Caisse ouverte de 8h30 à 16h30." in text
    assert text[added.start : added.end] == "Caisse ouverte de 8h30 à 16h30."


def test_an_added_line_is_a_sentence_of_its_own() -> None:
    """A mail's quoting, a bullet, quote marks and a comma before the end are not kept."""
    assert _cleaned("> je prends le 31 si une astreinte est prévue") == (
        "Je prends le 31 si une astreinte est prévue."
    )
    assert _cleaned("- « marché attribué le 19 novembre 2026, »") == (
        "Marché attribué le 19 novembre 2026."
    )
    assert _cleaned("  ") == ""


def test_a_month_without_its_accent_is_written_with_it() -> None:
    (gap,) = find_gaps("suite a votre appel du 3 decembre et du 1er fevrier.", "Merci.", [])
    assert [written(f) for f in gap.facts] == ["3 décembre", "1er février"]


def test_the_draft_is_completed_and_the_user_told_what_was_added(hd_env: Env) -> None:
    ws = Workspace.open()
    prepared = prepared_letter(ws)
    line = (
        "Merci de régler avant le 15 décembre, à la caisse ouverte lundi-vendredi de 8h30 "
        "à 16h30.\n"
    )
    engine = FakeEngine(DROPPED, line)
    events = Told()
    result = DraftRun(ws, engine, events).run(prepared, RunLimits(seed=3))
    draft, repair_call = engine.calls
    assert repair_call.messages[:2] == draft.messages  # the draft's conversation, cached
    assert (repair_call.messages[2].role, repair_call.messages[2].content) == ("assistant", DROPPED)
    assert "lundi-vendredi 8h30-16h30" in repair_call.messages[3].content
    assert repair_call.options.grammar == repair_grammar(find_gaps(PAYMENT, DROPPED, []))
    assert events.checking == [4]
    repair = result.repair
    assert repair is not None and repair.succeeded and not repair.pending
    (added,) = repair.added
    assert result.body[added.start : added.end] == line.strip()
    assert review(prepared.task, PAYMENT, result.body, prepared.values).omitted == ()


def test_what_the_repair_does_not_give_back_is_left_to_the_user(hd_env: Env) -> None:
    ws = Workspace.open()
    prepared = prepared_letter(ws)
    engine = FakeEngine(DROPPED, "Merci de régler rapidement.\n")  # the facts are not there
    result = run_draft(ws, engine, prepared, limits=RunLimits(seed=3))
    repair = result.repair
    assert repair is not None and not repair.succeeded and repair.added == ()
    assert repair.pending == ("15 décembre", "lundi-vendredi", "8h30", "16h30")
    assert result.body.startswith(DROPPED)
    pending = result.body[len(DROPPED) :]
    assert pending.startswith("\n\nÀ intégrer (") and "« 8h30 »" in pending
    omitted = review(prepared.task, PAYMENT, result.body, prepared.values).omitted
    assert [f.text for f in omitted] == ["15 décembre", "lundi-vendredi", "8h30", "16h30"]


def test_an_engine_failure_during_the_repair_keeps_the_draft(hd_env: Env) -> None:
    ws = Workspace.open()
    prepared = prepared_letter(ws)

    class FailsOnRepair(FakeEngine):
        def generate(self, request_messages, options, stop=None, reading=None):  # type: ignore[no-untyped-def]
            if options.grammar:
                raise EngineError("Le moteur s'est arrêté.")
            return super().generate(request_messages, options, stop, reading)

    result = run_draft(ws, FailsOnRepair(DROPPED), prepared, limits=RunLimits(seed=3))
    assert result.body.startswith(DROPPED) and "À intégrer (" in result.body
    assert result.repair is not None and len(result.repair.pending) == 4


def test_the_repair_can_be_stopped(hd_env: Env) -> None:
    ws = Workspace.open()
    prepared = prepared_letter(ws)
    engine = FakeEngine(DROPPED, "Merci de régler avant le 15 décembre " + "et " * 400, delay=0.01)

    class StopOnCheck(Told):
        def __call__(self, event: DraftEvent) -> None:
            super().__call__(event)
            if isinstance(event, CheckingFacts):
                threading.Timer(0.05, run.cancel).start()

    run = DraftRun(ws, engine, StopOnCheck())
    with pytest.raises(Cancelled):
        run.run(prepared, RunLimits(seed=3))
    assert run.received == DROPPED  # what was written is kept by the face


def test_no_repair_when_the_check_is_off_or_the_draft_is_cut(hd_env: Env) -> None:
    ws = Workspace.open()
    ws.settings.set("redaction.verifier_faits", "non")
    prepared = prepared_letter(ws)
    assert not prepared.lock and LOCK_HEADING not in prepared.messages[1].content
    engine = FakeEngine(DROPPED)
    assert run_draft(ws, engine, prepared).repair is None and len(engine.calls) == 1
    ws.settings.set("redaction.verifier_faits", "oui")
    engine = FakeEngine(DROPPED)
    cut = run_draft(ws, engine, prepared_letter(ws), limits=RunLimits(max_tokens=20))
    assert cut.finish_reason == "length" and cut.repair is None and len(engine.calls) == 1


def test_a_draft_that_keeps_every_fact_is_not_repaired(hd_env: Env) -> None:
    ws = Workspace.open()
    faithful = DROPPED + "\n\nÀ régler avant le 15 décembre (caisse : lundi-vendredi, 8h30-16h30)."
    engine = FakeEngine(faithful)
    result = run_draft(ws, engine, prepared_letter(ws))
    assert result.repair is None and len(engine.calls) == 1 and result.body == faithful


QUALITY_NOTES = (
    "Evenements indesirables declares : 187 (T3 : 152), dont 9 graves (T3 : 11)\n"
    "Reclamations recues : 42 (T3 : 39), delai moyen de reponse 19 jours\n"
    "Certification : visite HAS prevue du 15 au 19 mars 2027"
)


def test_a_structured_draft_gets_the_source_lines_it_left_out_as_items(hd_env: Env) -> None:
    """Notes, not prose: the source's own line is the item, and no model is asked."""
    ws = Workspace.open()
    prepared = prepare(
        ws,
        DraftRequest(
            "qualite/rapport-qualite", {"periode": "4e trimestre 2026"}, source_text=QUALITY_NOTES
        ),
    )
    assert prepared.lock
    sections = {
        "faits_marquants": ["Evenements indesirables declares : 187, dont 9 graves."],
        "indicateurs": ["Reclamations recues : 42."],
        "vigilance": [],
        "actions": [],
    }
    engine = FakeEngine(json.dumps(sections, ensure_ascii=False))
    events = Told()
    result = run_draft(ws, engine, prepared, limits=RunLimits(seed=3), on_event=events)
    assert len(engine.calls) == 1  # the draft only
    repair = result.repair
    assert repair is not None and repair.succeeded
    assert [a.text for a in repair.added] == [
        "Evenements indesirables declares : 187 (T3 : 152), dont 9 graves (T3 : 11).",
        "Reclamations recues : 42 (T3 : 39), delai moyen de reponse 19 jours.",
        "Certification : visite HAS prevue du 15 au 19 mars 2027.",
    ]
    assert events.checking == [6]
    for added in repair.added:
        assert result.body[added.start : added.end] == added.text
        assert f"- {added.text}" in result.body.splitlines()
    assert review(prepared.task, QUALITY_NOTES, result.body, prepared.values).omitted == ()
