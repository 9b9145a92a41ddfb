"""What the window does with what the engine tells it, on a scripted engine (fast lane).

The same paths run with the real model in test_main_window.py (marked ``model``); here the
engine's answer, pace and failures are exact, so the window's states can be checked one by one.
"""

from __future__ import annotations

import html
import json
from pathlib import Path

import pytest
from PySide6.QtCore import QCoreApplication
from pytestqt.qtbot import QtBot

from hospidesk.engine import verify
from hospidesk.service.draft_events import CheckingFacts
from hospidesk.service.usage import all_uses
from hospidesk.service.workspace import Workspace
from hospidesk.ui.app import create_window
from hospidesk.ui.main_window import MainWindow
from tests.conftest import DEMO_SHA256, SAMPLES, Env
from tests.documents.helpers import all_text
from tests.engine.fake import FakeEngine
from tests.ui.conftest import answering_export, export, facts_unchecked, limits

COURRIER = (SAMPLES / "courrier-brut.txt").read_text(encoding="utf-8")
LETTER = "secretariat/reformuler-courrier"


def generate(qtbot: QtBot, window: MainWindow) -> None:
    window.generate_button.click()
    assert window.controller.job is not None
    qtbot.waitUntil(lambda: window.controller.job is None, timeout=20_000)


def audit(env: Env) -> list[dict[str, object]]:
    lines = (env.home / "data" / "audit.jsonl").read_text(encoding="utf-8").splitlines()
    return [json.loads(line) for line in lines]


def test_the_draft_streams_in_and_the_window_says_who_wrote_it(
    qtbot: QtBot, fake_window: MainWindow, fake_engine: FakeEngine
) -> None:
    window = fake_window
    facts_unchecked(window)
    assert (
        window.status.model.text()
        == "Modèle : SmolLM2 135M Instruct (Q4_1) — modèle de démonstration (prêt)"
    )
    window.library.select(LETTER)
    window.source.setPlainText(COURRIER)
    window.generate_button.click()
    assert not window.generate_button.isEnabled() and window.stop_button.isEnabled()
    qtbot.waitUntil(lambda: window.controller.job is None, timeout=20_000)
    assert window.draft.toPlainText() == fake_engine.answers[0]
    assert window.generate_button.isEnabled() and not window.stop_button.isEnabled()
    assert window.status.speed.text().startswith("Terminé : ")
    served = window.controller.served[LETTER]
    assert (served.backend, served.sha256) == ("local", DEMO_SHA256)
    (call,) = fake_engine.calls
    assert COURRIER.strip()[:40] in call.messages[-1].content  # the source reached the model


def test_stop_keeps_what_was_written(
    qtbot: QtBot, fake_window: MainWindow, fake_engine: FakeEngine
) -> None:
    fake_engine.answers = ["mot " * 500]
    fake_engine.delay = 0.02
    window = fake_window
    window.library.select(LETTER)
    window.source.setPlainText(COURRIER)
    window.generate_button.click()
    qtbot.waitUntil(lambda: len(window.draft.toPlainText()) > 20, timeout=10_000)
    window.stop_button.click()
    qtbot.waitUntil(lambda: window.controller.job is None, timeout=5_000)
    kept = window.draft.toPlainText()
    assert kept.strip() and len(kept) < len(fake_engine.answers[0])
    assert "arrêtée" in window.status.speed.text()
    QCoreApplication.processEvents()  # « cancelled » came after the draft's last piece
    assert window.draft.toPlainText() == kept  # nothing more arrives after the stop
    assert LETTER not in window.controller.served  # no finished draft


def test_an_engine_failure_keeps_the_draft_and_the_engine_comes_back(
    qtbot: QtBot, fake_window: MainWindow, fake_engine: FakeEngine
) -> None:
    window = fake_window
    facts_unchecked(window)
    loads = len(fake_engine.loads)
    fake_engine.fail = "Le moteur d'inférence s'est arrêté de façon inattendue (code -9)."
    window.library.select(LETTER)
    window.source.setPlainText(COURRIER)
    generate(qtbot, window)
    partial = window.draft.toPlainText()
    assert partial.strip()  # the piece before the failure stays
    assert window.banner.isVisible() and "arrêté de façon inattendue" in window.banner_text.text()
    assert "Le moteur redémarre" in window.banner_text.text()
    qtbot.waitUntil(lambda: len(fake_engine.loads) == loads + 1, timeout=5_000)  # reloaded
    qtbot.waitUntil(window.generate_button.isEnabled, timeout=5_000)
    generate(qtbot, window)
    assert window.draft.toPlainText() == fake_engine.answers[0]


def test_form_errors_start_nothing(
    qtbot: QtBot, fake_window: MainWindow, fake_engine: FakeEngine
) -> None:
    window = fake_window
    window.library.select("secretariat/convocation")
    assert window.form is not None
    window.form.set_values({"date_rdv": "31/02/2026"})
    window.generate_button.click()
    assert window.controller.job is None and fake_engine.calls == []
    assert "erreur" in window.banner_text.text()
    assert "n'existe pas" in window.form.editors["date_rdv"].error.text()


def test_values_read_from_the_source_are_shown_to_check(
    qtbot: QtBot, fake_window: MainWindow, fake_engine: FakeEngine
) -> None:
    fake_engine.answers = [
        json.dumps({"date_reunion": "05/05/2026", "presents": "M. Bernard", "excuses": ""}),
        json.dumps({"resume": "Point certification", "decisions": ["Autoévaluation en juin"]}),
    ]
    window = fake_window
    window.library.select("medecins-cadres/compte-rendu")
    assert window.form is not None
    window.form.set_values({"instance": "CSIRMT"})
    window.source.load_file(SAMPLES / "notes-reunion.txt")
    qtbot.waitUntil(lambda: not window.source.busy, timeout=30_000)
    generate(qtbot, window)
    assert window.form.values()["date_reunion"] == "05/05/2026"
    assert window.form.values()["instance"] == "CSIRMT"  # typed: never replaced
    assert "Autoévaluation en juin" in window.draft.toPlainText()
    assert window.draft.toPlainText().startswith("## ")  # the structured draft, as text


def test_export_writes_the_document_without_verifying_the_model(
    qtbot: QtBot,
    fake_window: MainWindow,
    hd_env: Env,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    window = fake_window
    window.library.select(LETTER)
    window.source.setPlainText(COURRIER)
    generate(qtbot, window)
    window.draft.appendPlainText("Ajout de la secrétaire.")

    def no_verification(*args: object, **kwargs: object) -> None:
        raise AssertionError("the export verified the model")

    monkeypatch.setattr(verify, "verify_file", no_verification)
    monkeypatch.setattr("hospidesk.service.backends.verify_file", no_verification)
    target = tmp_path / "courrier.docx"
    opened: list[Path] = []
    monkeypatch.setattr(window, "ask_export_path", lambda: target)
    monkeypatch.setattr(window, "open_document", opened.append)
    export(qtbot, window)
    assert opened == [target], window.banner_text.text()
    assert "Ajout de la secrétaire." in all_text(target)
    exported = [e for e in audit(hd_env) if e["event"] == "export"][-1]
    assert exported["model_sha256"] == DEMO_SHA256  # who wrote it: the run's, not a new check


def test_a_model_the_policy_forbids_is_said_and_nothing_can_start(
    qtbot: QtBot, hd_env: Env, fake_engine: FakeEngine
) -> None:
    hd_env.write_policy('[models]\nallowed = ["un-autre-modele"]\n')
    window = create_window(Workspace.open(), fake_engine)
    qtbot.addWidget(window)
    window.show()
    qtbot.waitUntil(window.banner.isVisible, timeout=5_000)
    assert "Aucun modèle du catalogue n'est autorisé" in window.banner_text.text()
    assert window.status.model.text() == "Modèle : indisponible"
    assert not window.generate_button.isEnabled()
    window.flow.generate()
    assert window.controller.job is None and fake_engine.loads == []
    window.close()


def drop(window: MainWindow, paths: list[Path]) -> None:
    """Files dropped on the source box, as from the file manager or Outlook's attachments."""
    from PySide6.QtCore import QMimeData, QPointF, Qt, QUrl
    from PySide6.QtGui import QDropEvent

    data = QMimeData()
    data.setUrls([QUrl.fromLocalFile(str(p)) for p in paths])
    event = QDropEvent(
        QPointF(5, 5),
        Qt.DropAction.CopyAction,
        data,
        Qt.MouseButton.LeftButton,
        Qt.KeyboardModifier.NoModifier,
    )
    window.source.dropEvent(event)


def test_an_email_and_its_pdf_dropped_together_reach_the_model_labelled(
    qtbot: QtBot, fake_window: MainWindow, fake_engine: FakeEngine, tmp_path: Path
) -> None:
    from tests.documents.pdf_maker import text_pdf
    from tests.documents.test_readers import outlook_msg

    window = fake_window
    window.library.select("medecins-cadres/synthese-email")
    (tmp_path / "mail.msg").write_bytes(outlook_msg())
    (tmp_path / "piece.pdf").write_bytes(text_pdf([["Bilan des admissions : 412 entrées"]]))
    drop(window, [tmp_path / "mail.msg", tmp_path / "piece.pdf"])
    qtbot.waitUntil(lambda: not window.source.busy, timeout=30_000)
    text = window.source.toPlainText()
    assert text.startswith('=== Document 1 : mail.msg ===\nDe : "Marc Lefèvre"')
    assert "=== Document 2 : piece.pdf ===\nBilan des admissions : 412 entrées" in text
    assert "mail.msg, piece.pdf" in window.statusBar().currentMessage()
    generate(qtbot, window)
    assert fake_engine.calls, "the task ran"
    for call in fake_engine.calls:  # each step of the task saw both documents
        assert "Bilan des admissions : 412 entrées" in call.messages[-1].content
        assert "Pouvez-vous m'envoyer l'ordre du jour" in call.messages[-1].content


def test_a_dropped_file_that_cannot_be_read_keeps_the_text_and_says_why(
    qtbot: QtBot, fake_window: MainWindow, tmp_path: Path
) -> None:
    from tests.documents.pdf_maker import drawing_pdf

    window = fake_window
    window.source.setPlainText("Texte déjà saisi")
    (tmp_path / "scan.pdf").write_bytes(drawing_pdf())
    drop(window, [tmp_path / "scan.pdf"])
    qtbot.waitUntil(lambda: not window.source.busy, timeout=30_000)
    assert window.source.toPlainText() == "Texte déjà saisi"
    assert not window.source.isReadOnly()
    assert "Aucun texte lisible" in window.banner_text.text()


def test_a_reformulation_that_drops_facts_is_flagged_and_export_asks_once(
    qtbot: QtBot,
    fake_window: MainWindow,
    fake_engine: FakeEngine,
    hd_env: Env,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    from hospidesk.ui.review_dialog import ReviewDialog
    from tests.documents.test_review import DROPPED, PAYMENT

    window = fake_window
    facts_unchecked(window)
    fake_engine.answers = [DROPPED]
    window.library.select(LETTER)
    window.source.setPlainText(PAYMENT)
    generate(qtbot, window)
    bar = window.draft_panel.review_bar
    assert bar.isVisible()
    assert "4 information(s) du texte source absente(s) du brouillon" in bar.text()
    assert "15 décembre" in bar.text() and "8h30" in bar.text()

    dialog = ReviewDialog(PAYMENT, window.draft.toPlainText(), [], window)
    assert [f.text for f in dialog.omitted] == ["15 décembre", "lundi-vendredi", "8h30", "16h30"]
    dialog.close()

    target = tmp_path / "relance.docx"
    asked = answering_export(window, monkeypatch, target, [False, True])
    export(qtbot, window)  # « Non »: nothing written
    assert not target.exists()
    assert "ne reprend pas 4 information(s) du texte source : « 15 décembre »" in asked[0]
    export(qtbot, window)  # « Oui »: written
    assert target.exists() and len(asked) == 2
    from hospidesk.governance.metrics import MetricsStore

    store = MetricsStore(window.workspace.paths.metrics_db)
    (use,) = store.uses()
    store.close()
    assert (use.outcome, use.omissions) == ("exporté", 4)  # the count, never the facts


def test_a_draft_that_keeps_every_fact_exports_without_a_question(
    qtbot: QtBot,
    fake_window: MainWindow,
    fake_engine: FakeEngine,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    from tests.documents.test_review import FAITHFUL, PAYMENT

    window = fake_window
    fake_engine.answers = [FAITHFUL]
    window.library.select(LETTER)
    window.source.setPlainText(PAYMENT)
    generate(qtbot, window)
    assert not window.draft_panel.review_bar.isVisible()

    def must_not_ask(message: str) -> bool:
        raise AssertionError("no omission, no question")

    monkeypatch.setattr(window, "confirm_omissions", must_not_ask)
    monkeypatch.setattr(window, "ask_export_path", lambda: tmp_path / "ok.docx")
    monkeypatch.setattr(window, "open_document", lambda path: None)
    export(qtbot, window)
    assert (tmp_path / "ok.docx").exists()


def test_a_draft_cut_at_the_length_limit_says_so(
    qtbot: QtBot, fake_window: MainWindow, fake_engine: FakeEngine
) -> None:
    window = fake_window
    window.controller.worker.limits = limits(3)
    window.library.select(LETTER)
    window.source.setPlainText(COURRIER)
    generate(qtbot, window)
    assert "atteint la longueur maximale" in window.draft_panel.review_bar.text()


def test_a_model_that_repeats_itself_is_stopped_and_said(
    qtbot: QtBot, fake_window: MainWindow, fake_engine: FakeEngine
) -> None:
    window = fake_window
    facts_unchecked(window)
    line = "Nous restons à votre disposition pour tout renseignement.\n"
    fake_engine.answers = ["Madame,\n" + line * 40]
    window.library.select(LETTER)
    window.source.setPlainText(COURRIER)
    generate(qtbot, window)
    assert window.draft.toPlainText() == "Madame,\n" + line.strip()
    pieces = len(fake_engine.answers[0]) // fake_engine.piece
    assert fake_engine.generated < pieces // 4  # stopped at the third repeat, not at the end
    assert "répétait la même phrase" in window.draft_panel.review_bar.text()


def test_export_with_revisions_from_the_window(
    qtbot: QtBot,
    fake_window: MainWindow,
    fake_engine: FakeEngine,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    import docx
    from docx.oxml.ns import qn

    from tests.documents.test_review import FAITHFUL, PAYMENT

    window = fake_window
    fake_engine.answers = [FAITHFUL]
    window.library.select(LETTER)
    window.source.setPlainText(PAYMENT)
    generate(qtbot, window)
    target = tmp_path / "relance-modifications.docx"
    monkeypatch.setattr(window, "ask_export_path", lambda: target)
    monkeypatch.setattr(window, "open_document", lambda path: None)
    window.flow.export_with_revisions()
    qtbot.waitUntil(lambda: not window.flow.exporting, timeout=60_000)
    body = docx.Document(str(target)).element.body
    deleted = "".join(t.text for t in body.iter(qn("w:delText")))
    assert "Sauf erreur de notre part" in deleted  # the source's words, shown as removed
    assert list(body.iter(qn("w:ins")))


def test_a_window_closed_while_a_document_is_written_finishes_it_first(
    qtbot: QtBot, fake_window: MainWindow, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import time
    import zipfile

    from hospidesk.ui import draft_flow

    window = fake_window
    window.library.select(LETTER)
    window.source.setPlainText(COURRIER)
    generate(qtbot, window)
    slow_export = draft_flow.export_draft

    def slow(*args: object) -> object:
        time.sleep(0.5)  # a template that takes its time
        return slow_export(*args)  # type: ignore[arg-type]

    target = tmp_path / "lettre.docx"
    monkeypatch.setattr(draft_flow, "export_draft", slow)
    monkeypatch.setattr(window, "ask_export_path", lambda: target)
    opened: list[Path] = []
    monkeypatch.setattr(window, "open_document", opened.append)
    window.export_button.click()
    assert window.flow.exporting
    window.close()  # at once: the document is finished and counted, nothing is left half
    with zipfile.ZipFile(target) as archive:
        assert archive.testzip() is None
    assert opened == [target]
    (use,) = all_uses(Workspace.open())
    assert use.outcome == "exporté"


def test_continuer_goes_on_from_where_a_cut_draft_stopped(
    qtbot: QtBot, fake_window: MainWindow, fake_engine: FakeEngine
) -> None:
    window = fake_window
    facts_unchecked(window)
    fake_engine.answers = ["Madame, nous avons bien reçu votre demande et", "la suite."]
    window.controller.worker.limits = limits(4)  # 16 characters: the first answer is cut
    window.library.select(LETTER)
    window.source.setPlainText(COURRIER)
    generate(qtbot, window)
    first = window.draft.toPlainText()
    assert first == "Madame, nous avo"
    assert window.draft_panel.continue_button.isVisible()
    window.draft_panel.continue_button.click()
    qtbot.waitUntil(lambda: window.controller.job is None, timeout=10_000)
    assert window.draft.toPlainText() == first + " la suite."
    assert not window.draft_panel.continue_button.isVisible()  # this time it ended
    last = fake_engine.calls[-1].messages
    assert (last[-2].role, last[-2].content) == ("assistant", first)
    assert last[-1].content.startswith("Continue le texte exactement")


def test_continuer_does_not_follow_the_user_to_another_task(
    qtbot: QtBot, fake_window: MainWindow, fake_engine: FakeEngine
) -> None:
    window = fake_window
    fake_engine.answers = ["Madame, nous avons bien reçu votre demande et"]
    window.controller.worker.limits = limits(4)
    window.library.select(LETTER)
    window.source.setPlainText(COURRIER)
    generate(qtbot, window)
    assert window.draft_panel.continue_button.isVisible()
    window.library.select("secretariat/convocation")
    assert not window.draft_panel.continue_button.isVisible()
    assert not window.draft_panel.review_bar.isVisible()
    calls = len(fake_engine.calls)
    window.flow.continue_draft()  # the shortcut, pressed anyway: nothing runs
    assert window.controller.job is None and len(fake_engine.calls) == calls


def test_the_check_of_facts_completes_the_draft_and_marks_what_it_added(
    qtbot: QtBot,
    fake_window: MainWindow,
    fake_engine: FakeEngine,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    from tests.service.test_faithfulness import DROPPED, PAYMENT

    window = fake_window
    added = (
        "Merci de régler avant le 15 décembre, à la caisse ouverte lundi-vendredi de 8h30 à 16h30."
    )
    fake_engine.answers = [DROPPED + "\n\nLa région : Bretagne.", added + "\n"]
    statuses: list[str] = []
    window.controller.told.connect(
        lambda e: isinstance(e, CheckingFacts) and statuses.append(window.status.speed.text())
    )
    window.library.select(LETTER)
    window.source.setPlainText(PAYMENT)
    generate(qtbot, window)
    text = window.draft.toPlainText()
    assert added in text and text.startswith(DROPPED.split("\n\n")[0])
    assert statuses == ["Vérification des faits : 4 information(s) à reprendre…"]
    assert window.draft_panel.marks() == [("ajout", added), ("à vérifier", "Bretagne")]
    bar = window.draft_panel.review_bar.text()
    assert "4 information(s) du texte source ajoutée(s) au brouillon, surlignée(s) en vert" in bar
    assert "15 décembre, lundi-vendredi, 8h30, 16h30" in bar
    assert "soulignées en orange" in bar and "Bretagne" in bar
    assert "absente(s) du brouillon" not in bar  # nothing left out any more

    def must_not_ask(message: str) -> bool:
        raise AssertionError("every fact is placed: no question")

    monkeypatch.setattr(window, "confirm_omissions", must_not_ask)
    monkeypatch.setattr(window, "ask_export_path", lambda: tmp_path / "relance.docx")
    monkeypatch.setattr(window, "open_document", lambda path: None)
    export(qtbot, window)
    assert "15 décembre" in all_text(tmp_path / "relance.docx")
    from hospidesk.governance.metrics import MetricsStore

    store = MetricsStore(window.workspace.paths.metrics_db)
    (use,) = store.uses()
    store.close()
    assert (use.outcome, use.repair) == ("exporté", True)


def test_facts_the_check_could_not_place_are_left_to_place_and_asked_at_export(
    qtbot: QtBot,
    fake_window: MainWindow,
    fake_engine: FakeEngine,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    from tests.service.test_faithfulness import DROPPED, PAYMENT

    window = fake_window
    fake_engine.answers = [DROPPED, "Merci de régler rapidement.\n"]
    window.library.select(LETTER)
    window.source.setPlainText(PAYMENT)
    generate(qtbot, window)
    assert "\n\nÀ intégrer (" in window.draft.toPlainText()
    bar = html.unescape(window.draft_panel.review_bar.text())
    assert "4 information(s) du texte source n'ont pas pu être placées" in bar
    asked: list[str] = []
    monkeypatch.setattr(window, "confirm_omissions", lambda m: asked.append(m) or False)
    monkeypatch.setattr(window, "ask_export_path", lambda: tmp_path / "x.docx")
    export(qtbot, window)
    assert not (tmp_path / "x.docx").exists()
    assert "ne reprend pas 4 information(s) du texte source : « 15 décembre »" in asked[0]


def test_an_echo_of_the_instructions_and_a_paraphrased_loop_are_said(
    qtbot: QtBot, fake_window: MainWindow, fake_engine: FakeEngine
) -> None:
    from tests.service.test_review import DEMO_ECHO

    window = fake_window
    looping = (
        " Nous vous confirmons que votre rendez-vous est fixé au service de cardiologie."
        " Nous vous confirmons que le rendez-vous est bien fixé au service de cardiologie."
        " Nous vous confirmons bien que votre rendez-vous est fixé au service de cardiologie."
    )
    fake_engine.answers = [DEMO_ECHO + looping]
    window.library.select("secretariat/convocation")
    window.task_panel.try_example()  # a form filled in
    generate(qtbot, window)
    bar = window.draft_panel.review_bar.text()
    assert "recopie les consignes de la tâche" in bar
    assert "répète la même idée au moins trois fois" in bar


def test_files_made_to_exhaust_a_reader_never_hold_the_window(
    qtbot: QtBot, fake_window: MainWindow, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """Dropped into the source box, each bomb ends in one line under the box; the window's
    event loop keeps turning and its process stays small (the reader's child pays)."""
    import itertools
    import os
    import time

    import psutil
    from PySide6.QtCore import QTimer

    from tests.documents.bombs import deep_html, msg_stream_bomb, odt_nested_tables

    window = fake_window
    window.library.select(LETTER)
    files = {
        "boite.msg": msg_stream_bomb(),
        "tableaux.odt": odt_nested_tables(),
        "profond.html": deep_html(),
    }
    huge = tmp_path / "enorme.pdf"
    with huge.open("wb") as handle:
        handle.truncate(3 * 1024**3)
    paths = [huge]
    for name, data in files.items():
        (tmp_path / name).write_bytes(data)
        paths.append(tmp_path / name)
    problems: list[str] = []
    window.source.problem.connect(problems.append)
    ticks: list[float] = []
    timer = QTimer()
    timer.timeout.connect(lambda: ticks.append(time.perf_counter()))
    timer.start(5)
    before = largest = psutil.Process(os.getpid()).memory_info().rss  # what the suite holds
    for path in paths:
        window.source.load_file(path)
        qtbot.waitUntil(lambda: not window.source.busy, timeout=15_000)
        largest = max(largest, psutil.Process(os.getpid()).memory_info().rss)
    timer.stop()
    longest_ms = max(b - a for a, b in itertools.pairwise(ticks)) * 1000
    grown = largest - before
    with capsys.disabled():
        print(f"\nreader bombs: longest event-loop gap {longest_ms:.1f} ms, +{grown >> 20} MiB")
    assert longest_ms < 50 and grown < 100 * 1024 * 1024  # read here, they would take GBs
    assert any("enorme.pdf" in p and "trop volumineux" in p for p in problems)
    assert any("boite.msg" in p for p in problems)
    assert all("\n" not in p for p in problems)
