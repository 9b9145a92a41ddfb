"""Render screenshots of the main states of the window, offscreen, with the real demo model.

Run: QT_QPA_PLATFORM=offscreen .venv/bin/python tools/screenshots.py [OUT_DIR]
Writes job-choice.png, example.png, main-window.png, review.png, settings.png, feedback.png,
history.png, dashboard.png and dictation.png (the tests' English speech model transcribing a
sentence spoken by espeak-ng; skipped with a message without them)
(docs/screenshots/ by default). The user data goes to a temporary HOSPIDESK_HOME; the hospital
details are invented. The dashboard shows the uses recorded by real runs of this script.
"""

from __future__ import annotations

import os
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def main() -> int:
    out = Path(sys.argv[1]) if len(sys.argv) > 1 else ROOT / "docs" / "screenshots"
    out.mkdir(parents=True, exist_ok=True)
    home = tempfile.mkdtemp(prefix="hospidesk-shots-")
    os.environ["HOSPIDESK_HOME"] = home
    os.environ.setdefault("HOSPIDESK_SITE_DIR", str(Path(home) / "site"))
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

    from PySide6.QtCore import QEventLoop, QTimer
    from PySide6.QtWidgets import QApplication

    from hospidesk.governance.rules import RulesAcceptance, default_rules
    from hospidesk.service.drafting import RunLimits
    from hospidesk.service.usage import all_uses
    from hospidesk.service.workspace import Workspace
    from hospidesk.ui.app import create_window
    from hospidesk.ui.review_dialog import ReviewDialog
    from hospidesk.ui.settings_dialog import SettingsDialog

    app = QApplication([])
    workspace = Workspace.open()
    for key, value in [
        ("etablissement.nom", "Centre hospitalier de Sainte-Exemple"),
        ("etablissement.service", "Bureau des admissions"),
        ("etablissement.adresse", "1 rue de l'Hôpital\n69000 Lyon"),
        ("etablissement.telephone", "04 00 00 00 00"),
        ("etablissement.ville", "Lyon"),
        ("signataire.nom", "Mme Claire Martin"),
        ("signataire.fonction", "Responsable du bureau des admissions"),
    ]:
        workspace.settings.set(key, value)
    RulesAcceptance(workspace.paths.rules_file).accept(default_rules().version)
    site = Path(os.environ["HOSPIDESK_SITE_DIR"])
    site.mkdir(parents=True, exist_ok=True)
    speech = ROOT / "examples" / "dictation" / "catalog.toml"
    (site / "catalog.toml").write_text(speech.read_text(encoding="utf-8"), encoding="utf-8")
    workspace.settings.set("dictee.langue", "en")  # the tests' model hears English only
    workspace.settings.save()
    workspace = Workspace.open()

    from hospidesk.service.onboarding import choose_job, visible_jobs
    from hospidesk.ui.job_dialog import JobDialog

    jobs = JobDialog(visible_jobs(workspace))
    jobs.jobs.setCurrentRow(jobs.jobs.count() - 1)  # Secrétariat
    jobs.show()
    app.processEvents()
    jobs.grab().save(str(out / "job-choice.png"))
    jobs.close()
    choose_job(workspace, "secretariat")

    def wait_until(check, seconds: float = 120.0) -> None:  # type: ignore[no-untyped-def]
        loop = QEventLoop()
        timer = QTimer()
        timer.timeout.connect(lambda: check() and loop.quit())
        timer.start(50)
        QTimer.singleShot(int(seconds * 1000), loop.quit)
        loop.exec()
        timer.stop()

    window = create_window(workspace)
    window.resize(1400, 860)
    window.show()
    wait_until(lambda: window.controller.model is not None)
    window.library.select("secretariat/reformuler-courrier")
    window.task_panel.try_example()
    window.flow.generate()
    wait_until(lambda: window.controller.job is None)
    app.processEvents()
    window.grab().save(str(out / "example.png"))
    window.source.setPlainText((ROOT / "examples" / "courrier-brut.txt").read_text())
    window.form.set_values({"destinataire": "Mme Nathalie Girard\n12 rue des Lilas\n69003 Lyon"})
    window.flow.generate()
    wait_until(lambda: window.controller.job is None)
    app.processEvents()
    window.grab().save(str(out / "main-window.png"))

    review = ReviewDialog(
        window.source.toPlainText(),
        window.draft.toPlainText(),
        list(window.form.values().values()),
        window,
    )
    review.show()
    app.processEvents()
    review.grab().save(str(out / "review.png"))
    review.close()

    settings = SettingsDialog(workspace, window)
    settings.show()
    app.processEvents()
    settings.grab().save(str(out / "settings.png"))
    settings.close()

    # Real uses for « Mon bilan »: tasks run, exported and answered through the window.
    from hospidesk.ui.dashboard import DashboardDialog
    from hospidesk.ui.history_dialog import HistoryDialog

    window.controller.worker.limits = RunLimits(48)
    window.open_document = lambda path: None  # type: ignore[method-assign]
    window.confirm_omissions = lambda message: True  # type: ignore[method-assign]
    exports = Path(home) / "exports"
    exports.mkdir()
    runs = [
        ("secretariat/reformuler-courrier", "oui", 10),
        ("secretariat/reformuler-courrier", "oui", 15),
        ("secretariat/reformuler-courrier", "un-peu", 5),
        ("qualite/reponse-reclamation", "oui", 20),
        ("secretariat/reformuler-courrier", "non", None),
    ]
    for number, (ref, helped, minutes) in enumerate(runs):
        window.library.select(ref)
        if ref.startswith("qualite"):
            window.source.setPlainText((ROOT / "examples" / "reclamation.txt").read_text())
            window.form.set_values(
                {
                    "elements_enquete": "Délai d'attente de 3 heures confirmé ; renfort de "
                    "l'accueil le week-end depuis le 1er mars.",
                    "destinataire": "M. Paul Renaud\n4 place Bellecour\n69002 Lyon",
                }
            )
        window.flow.generate()
        wait_until(lambda: window.controller.job is None)
        target = exports / f"document-{number}.docx"
        window.ask_export_path = lambda target=target: target  # type: ignore[method-assign]
        window.flow.export()
        wait_until(lambda: not window.flow.exporting)
        bar = window.feedback_bar
        if number == 0:
            app.processEvents()
            window.grab().save(str(out / "feedback.png"))
        bar.helped_buttons[helped].click()
        if minutes is not None:
            bar.minutes.setValue(minutes)
            bar._minutes(minutes)
    history = HistoryDialog(
        window.records, {ref: item.task.title for ref, item in window.tasks.items()}, window
    )
    history.show()
    app.processEvents()
    history.grab().save(str(out / "history.png"))
    history.close()
    uses = all_uses(workspace)
    dashboard = DashboardDialog(
        uses, {ref: item.task.title for ref, item in window.tasks.items()}, parent=window
    )
    dashboard.show()
    app.processEvents()
    dashboard.grab().save(str(out / "dashboard.png"))
    dashboard.close()
    dictation_shot(window, out, wait_until, app)
    window.close()
    # Tear the widgets down while Qt is alive, not during interpreter shutdown.
    import gc

    for widget in (dashboard, history, settings, review, jobs, window):
        widget.deleteLater()
    app.processEvents()
    gc.collect()
    print(f"screenshots written to {out}")
    return 0


def dictation_shot(window, out: Path, wait_until, app) -> None:  # type: ignore[no-untyped-def]
    """A dictation coming into « Mettre en forme un compte rendu dicté », mid-way."""
    import shutil
    import subprocess

    if shutil.which("espeak-ng") is None:
        print("dictation.png not written: espeak-ng is not installed", file=sys.stderr)
        return
    sentence = (
        "Consultation of the fourteenth of January. The patient reports fasting glucose between "
        "one point six and one point nine grams per litre, with no hypoglycaemia. "
    )
    audio = Path(os.environ["HOSPIDESK_HOME"]) / "dictee.wav"
    subprocess.run(["espeak-ng", "-v", "en-us", "-s", "140", "-w", str(audio), sentence * 4],
                   check=True)  # fmt: skip
    window.library.select("medecins-cadres/compte-rendu-dicte")
    window.source.load_files([audio])
    bar = window.task_panel.dictation
    wait_until(lambda: bool(window.source.toPlainText()))
    app.processEvents()
    window.grab().save(str(out / "dictation.png"))
    bar.stop()
    wait_until(lambda: not bar.running, 10)


if __name__ == "__main__":
    sys.exit(main())
