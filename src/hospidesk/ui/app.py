"""Start the desktop application: translations, usage rules, main window, model loading."""

from __future__ import annotations

import logging
import os
import sys
from pathlib import Path

from PySide6.QtCore import QLibraryInfo, QLocale, QTranslator
from PySide6.QtWidgets import QApplication, QMessageBox, QWidget

from hospidesk import __version__
from hospidesk.dpi.identity import Stay
from hospidesk.engine.client import EngineClient
from hospidesk.errors import HospiDeskError
from hospidesk.service.onboarding import choose_job, needs_job_choice, visible_jobs
from hospidesk.service.session import accept_rules, open_session, rules, rules_accepted
from hospidesk.service.weekly import weekly_export
from hospidesk.service.workspace import Workspace
from hospidesk.ui.draft_controller import DraftController
from hospidesk.ui.job_dialog import JobDialog
from hospidesk.ui.main_window import MainWindow
from hospidesk.ui.rules_dialog import RulesDialog
from hospidesk.ui.ui_state import UiState

I18N = Path(__file__).with_name("i18n")


def install_translator(app: QApplication) -> QTranslator | None:
    """French is the source language; another language is a .qm file in ui/i18n/.

    ``HOSPIDESK_LANG`` (``en``, ``fr``) overrides the system's language. Qt's own dialogs
    (file dialogs, standard buttons) get Qt's translation for the same language.
    """
    wanted = os.environ.get("HOSPIDESK_LANG") or QLocale.system().name().split("_")[0]
    if wanted not in ("fr", "en") and not (I18N / f"hospidesk_{wanted}.qm").exists():
        wanted = "fr"
    qt_own = QTranslator(app)
    qt_folder = QLibraryInfo.path(QLibraryInfo.LibraryPath.TranslationsPath)
    if qt_own.load(f"qtbase_{wanted}", qt_folder):
        app.installTranslator(qt_own)
    if wanted == "fr":
        return None
    translator = QTranslator(app)
    if translator.load(str(I18N / f"hospidesk_{wanted}.qm")):
        app.installTranslator(translator)
        return translator
    return None


def ensure_rules_accepted(workspace: Workspace) -> bool:
    """Show the rules in force until this user accepted their version; False if refused."""
    if rules_accepted(workspace):
        return True
    if RulesDialog(rules(workspace)).exec():
        accept_rules(workspace)
        return True
    return False


def ensure_job_chosen(workspace: Workspace, parent: QWidget | None = None) -> str | None:
    """Ask the user's job once (unless the policy gives it); « Plus tard » asks again next
    time. Returns the job chosen now, if any."""
    if not needs_job_choice(workspace):
        return None
    dialog = JobDialog(visible_jobs(workspace), parent)
    if dialog.exec() and dialog.chosen:
        choose_job(workspace, dialog.chosen)
        return dialog.chosen
    return None


def create_window(workspace: Workspace, engine: EngineClient | None = None) -> MainWindow:
    """The main window with its engine; the model loads in the background.

    ``engine``: the engine to draft with (tests give a scripted one); a new process by default.
    """
    controller = DraftController(workspace, engine)
    window = MainWindow(workspace, controller, UiState.load(workspace.paths.ui_state_file))
    controller.load_model()
    return window


def start_window(workspace: Workspace) -> MainWindow:
    """Show the window (the model starts loading), ask the job on a first start while it
    loads, then offer the drafts a crash left behind."""
    window = create_window(workspace)
    window.show()
    job = ensure_job_chosen(workspace, window)
    if job is not None:
        window.set_job(job)
    window.activateWindow()  # the keyboard goes back to the window after the question
    window.offer_recovery()
    # the week's export for the evaluation team, if the policy asks: off the window's thread
    # (a share may be slow), silent for the user (service.weekly audits a failure)
    window.background.run(
        lambda: weekly_export(workspace),
        lambda _: None,
        lambda exc: logging.getLogger(__name__).error("weekly export failed", exc_info=exc),
        key="weekly-export",
    )
    return window


def run(argv: list[str] | None = None, context: tuple[str, Stay] | None = None) -> int:
    """The window; ``context``: the patient (IPP) and stay the DPI opened it on."""
    app = QApplication.instance() or QApplication(argv or sys.argv[:1])
    assert isinstance(app, QApplication)
    app.setApplicationName("HospiDesk")
    app.setApplicationVersion(__version__)
    app.setOrganizationName("HospiDesk")
    install_translator(app)
    try:
        workspace = Workspace.open()
        open_session(workspace, "fenêtre")
        if not ensure_rules_accepted(workspace):
            return 1
        window = start_window(workspace)
        if context is not None:
            window.filing.set_context(*context)
        if window.filing.enabled:
            window.filing.take_context()  # a context file the DPI dropped before the start
    except HospiDeskError as exc:
        QMessageBox.critical(None, "HospiDesk", exc.message)
        return exc.exit_code
    code = app.exec()
    # Tear the window down while Qt is alive, not during interpreter shutdown.
    window.deleteLater()
    app.processEvents()
    return code
