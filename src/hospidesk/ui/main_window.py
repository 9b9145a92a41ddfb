"""The main window: the library, the task panel and the draft panel; menus, task switching,
dialogs. The open task's draft is the flow's (``draft_flow``), the drafting the
controller's (``draft_controller``)."""

from __future__ import annotations

import html
from datetime import date
from pathlib import Path

from PySide6.QtCore import QStandardPaths, QTimer, QUrl
from PySide6.QtGui import QCloseEvent, QDesktopServices
from PySide6.QtWidgets import QMainWindow, QSplitter, QWidget
from PySide6.QtWidgets import QVBoxLayout as Column

from hospidesk.errors import HospiDeskError
from hospidesk.packs.loader import PackTask
from hospidesk.service.dictation import DISABLED
from hospidesk.service.onboarding import current_job, first_task, tasks_by_job
from hospidesk.service.records import purge_history
from hospidesk.service.session import rules
from hospidesk.service.usage import all_uses
from hospidesk.service.workspace import Workspace
from hospidesk.ui.background import Background
from hospidesk.ui.collector import MainThreadCollector
from hospidesk.ui.dashboard import DashboardDialog
from hospidesk.ui.draft_controller import DraftController
from hospidesk.ui.draft_flow import DraftFlow
from hospidesk.ui.draft_panel import DraftPanel
from hospidesk.ui.filing_flow import FilingFlow
from hospidesk.ui.history_dialog import HistoryDialog
from hospidesk.ui.review_dialog import ReviewDialog
from hospidesk.ui.rules_dialog import RulesDialog
from hospidesk.ui.settings_dialog import SettingsDialog
from hospidesk.ui.task_form import TaskForm
from hospidesk.ui.task_library import TaskLibrary
from hospidesk.ui.task_panel import TaskPanel
from hospidesk.ui.ui_state import UiState
from hospidesk.ui.widgets import EngineStatus, ErrorBanner, InfoBanner, MenuItem, add_menus
from hospidesk.ui.window_dialogs import (
    ask_export_path,
    ask_sources,
    confirm_omissions,
    studio_items,
    welcome_lines,
)

RETENTION_CHECK_MS = 3600_000  # drafts past the retention go within the hour, not next start


class MainWindow(QMainWindow):
    def __init__(self, workspace: Workspace, controller: DraftController, state: UiState) -> None:
        super().__init__()
        self.workspace = workspace
        self.controller = controller
        self.state = state
        self.job = current_job(workspace)
        self.tasks = {t.ref: t for t in tasks_by_job(workspace, self.job)}
        self.current: PackTask | None = None
        self.background = Background(self)
        self.collector = MainThreadCollector(self)  # threads never destroy a Qt object
        self.setWindowTitle(self.tr("HospiDesk — rédaction assistée, 100 % locale"))
        self.resize(1360, 820)
        self._build()
        self._menus()
        self._connect()
        self.flow.update_buttons()
        QTimer.singleShot(0, self.records.history)  # keyring and integrity check now, not later
        QTimer.singleShot(0, self.check_letterheads)
        QTimer.singleShot(0, self.welcome)
        self.retention_timer = QTimer(self)
        self.retention_timer.setInterval(RETENTION_CHECK_MS)
        self.retention_timer.timeout.connect(self.purge_history)
        self.retention_timer.start()
        if state.last_task in self.tasks:
            self.library.select(state.last_task)
        elif self.tasks:  # ordered by job: the first is the job's first task
            self.library.select(next(iter(self.tasks)))
        self.library.tree.setFocus()  # the keyboard starts in the library, on the task

    # layout

    def _build(self) -> None:
        self.library = TaskLibrary(list(self.tasks.values()), self.state.favourites, self.job)
        self.task_panel = TaskPanel(self.workspace)
        self.source = self.task_panel.source
        self.privacy_label = self.task_panel.privacy
        self.draft_panel = panel = DraftPanel()
        self.draft = panel.draft
        self.generate_button, self.stop_button = panel.generate_button, panel.stop_button
        self.regenerate_button, self.copy_button = panel.regenerate_button, panel.copy_button
        self.review_button, self.export_button = panel.review_button, panel.export_button
        self.feedback_bar = panel.feedback_bar
        splitter = QSplitter()
        for widget in (self.library, self.task_panel, panel):
            splitter.addWidget(widget)
        splitter.setSizes([280, 480, 600])
        self.banner = ErrorBanner()
        self.banner_text = self.banner.text
        self.info = InfoBanner()
        central = QWidget()
        layout = Column(central)
        layout.addWidget(self.banner)
        layout.addWidget(self.info)
        layout.addWidget(splitter, 1)
        self.setCentralWidget(central)
        self.status = EngineStatus(self.statusBar())
        self.flow = DraftFlow(
            self.workspace, self.controller, self.task_panel, panel, self.status, self.banner, self
        )
        self.records = self.flow.keeping.open_drafts.records
        self.filing = FilingFlow(self.flow, self)
        layout.insertWidget(0, self.filing.banner)
        self.statusBar().addPermanentWidget(self.filing.waiting)
        self.filing.show_waiting()

    def _filing_items(self) -> list[MenuItem]:
        """Filing in the patient record, when the policy turns it on."""
        if not self.filing.enabled:
            return []
        return [
            (self.tr("&Classer dans le dossier patient"), "Ctrl+Shift+D", self.filing.file),
            (self.tr("&Patient du document…"), None, self.filing.choose_patient),
        ]

    def _menus(self) -> None:
        add_menus(
            self,
            [
                (
                    self.tr("&Fichier"),
                    [
                        (self.tr("&Ouvrir un texte source…"), "Ctrl+O", self.open_source),
                        (self.tr("&Exporter en Word…"), None, self.flow.export),
                        (
                            self.tr("Exporter avec les &modifications…"),
                            "Ctrl+Shift+E",
                            self.flow.export_with_revisions,
                        ),
                        (self.tr("E&ffacer le brouillon"), "Ctrl+Shift+Del", self.flow.discard),
                        *self._filing_items(),
                        None,
                        (self.tr("&Quitter"), "Ctrl+Q", self.close),
                    ],
                ),
                (
                    self.tr("&Tâches"),
                    [
                        (self.tr("&Rechercher une tâche"), "Ctrl+F", self.focus_search),
                        (
                            self.tr("Ajouter aux &favoris / retirer"),
                            "F2",
                            self.library.toggle_favourite,
                        ),
                        (self.tr("Aller au &formulaire"), "Ctrl+1", self.task_panel.focus_form),
                        (self.tr("Aller au texte &source"), "Ctrl+2", self.source.setFocus),
                        (self.tr("Aller au &brouillon"), "Ctrl+3", self.draft.setFocus),
                    ],
                ),
                (
                    self.tr("&Outils"),
                    [
                        (self.tr("&Historique des brouillons…"), "Ctrl+H", self.open_history),
                        (self.tr("Mon &bilan…"), "Ctrl+B", self.open_dashboard),
                        (self.tr("&Paramètres…"), "Ctrl+,", self.open_settings),
                        *studio_items(self, self.workspace),
                    ],
                ),
                (self.tr("&Aide"), [(self.tr("&Charte d'utilisation"), None, self.show_rules)]),
            ],
        )

    def _connect(self) -> None:
        self.library.task_selected.connect(self.select_task)
        self.library.favourite_toggled.connect(self._favourite)
        panel = self.task_panel
        panel.open_requested.connect(self.open_source)
        panel.privacy_timer.timeout.connect(self.update_privacy)
        readable = self.tr(
            "Choisissez un fichier lisible : e-mail, PDF, Word, ODT, scan, fax ou dictée."
        )
        self.source.problem.connect(  # dictation turned off by IT: no file to choose instead
            lambda message: self.show_error(message, "" if message == DISABLED else readable)
        )
        say = self.statusBar().showMessage
        self.source.loaded.connect(lambda name: say(self.tr("Source chargée : %s") % name, 5000))
        self.review_button.clicked.connect(self.review)
        c = self.controller
        c.model_loading.connect(self._model_loading)
        c.model_ready.connect(self._model_ready)
        c.model_failed.connect(self._model_failed)
        c.warming.connect(self.status.warming)

    @property
    def form(self) -> TaskForm | None:
        return self.task_panel.form

    # the model

    def _model_loading(self, name: str) -> None:
        self.status.loading_model(name)
        self.generate_button.setEnabled(False)

    def _model_ready(self) -> None:
        remote, model = self.controller.remote, self.controller.model
        if remote is not None:
            pseudonymised = self.workspace.policy.servers.pseudonymise
            self.status.server(remote.server.name, remote.model, pseudonymised)
        elif model is not None:
            self.status.local_model(model.entry.name)
            self.controller.warm_up(self.state.favourites)
        self.flow.update_buttons()

    def _model_failed(self, message: str) -> None:
        self.status.unavailable()
        self.show_error(message, self.tr("Vérifiez le modèle dans Paramètres, ou appelez la DSI."))
        self.flow.update_buttons()

    # tasks

    def select_task(self, ref: str) -> None:
        if self.current is not None and self.current.ref == ref:
            return
        self.flow.keeping.save_pending()
        self._remember_current()
        item = self.tasks[ref]
        self.current = item
        self.state.last_task = ref
        saved = self.flow.keeping.open_drafts.drafts.get(ref)
        self.task_panel.show_task(item, saved)
        self.flow.read_ahead.soon()  # its instructions and what the form holds, read ahead
        self.draft.setPlainText(saved.text if saved else "")
        self.flow.reset_review()
        self.banner.hide()

    def _remember_current(self) -> None:
        state = self.task_panel.state(self.draft.toPlainText())
        if self.current is not None and state is not None:
            self.flow.keeping.open_drafts.drafts[self.current.ref] = state

    def update_privacy(self) -> None:
        remote = self.controller.remote
        self.task_panel.update_privacy(
            remote.server.name if remote else None, self.workspace.policy.servers.pseudonymise
        )

    def _favourite(self, ref: str, on: bool) -> None:
        self.state.favourites = set(self.library.favourites)
        self.state.save()

    def set_job(self, job: str | None, select_first: bool = True) -> None:
        """The user's job (first start, Paramètres): its tasks first and open in the library;
        on a first start, its first task selected."""
        self.job = job
        self.library.set_job(job)
        first = first_task(self.workspace, job) if select_first else None
        if first is not None:
            self.library.select(first.ref)
            self.library.tree.setFocus()

    def focus_search(self) -> None:
        self.library.search.setFocus()
        self.library.search.selectAll()

    # the open drafts in the history

    def offer_recovery(self) -> None:
        """After a crash: offer the drafts autosaved but never closed normally."""
        shown = self.flow.keeping.open_drafts.recover(self, self.tasks)
        if shown is not None:
            self.current = None
            self.library.select(shown)

    def open_history(self) -> None:
        """Browse the kept drafts; reopen one (and export it again) in its task."""
        if self.controller.job is not None:
            return
        titles = {ref: item.task.title for ref, item in self.tasks.items()}
        dialog = HistoryDialog(self.records, titles, self)
        if not dialog.exec() or dialog.chosen is None:
            return
        self.flow.keeping.save_pending()
        ref = self.flow.keeping.open_drafts.reopen(dialog.chosen)
        self.current = None  # show the reopened draft even if its task is the open one
        self.library.select(ref)
        if dialog.export_after:
            self.flow.export()

    def purge_history(self) -> None:
        """Drafts past the policy's retention go while the window stays open (audited)."""
        try:
            count = purge_history(self.workspace)
        except HospiDeskError:
            return  # a locked history is said where it is used
        if count:
            self.statusBar().showMessage(
                self.tr(
                    "%n brouillon(s) ancien(s) supprimé(s) (durée de conservation).", "", count
                ),
                8000,
            )

    # output

    def open_dashboard(self) -> None:
        try:
            uses = all_uses(self.workspace)
        except HospiDeskError as exc:
            self.show_error(exc.message, self.tr("Votre bilan n'a pas pu être lu."))
            return
        titles = {ref: item.task.title for ref, item in self.tasks.items()}
        DashboardDialog(uses, titles, parent=self).exec()

    def review(self) -> None:
        if self.form is None:
            return
        ReviewDialog(
            self.source.toPlainText(),
            self.draft.toPlainText(),
            [v for v in self.form.values().values() if v.strip()],
            self,
        ).exec()

    def suggested_path(self) -> Path:
        folder = QStandardPaths.writableLocation(QStandardPaths.StandardLocation.DocumentsLocation)
        name = self.current.task.id if self.current else "document"
        if self.task_panel.is_example():
            name += "-exemple"  # never mistaken for a real letter
        name = f"{name}-{date.today():%Y-%m-%d}"
        return Path(folder or Path.home()) / f"{name}.docx"

    def ask_export_path(self) -> Path | None:
        return ask_export_path(self, self.suggested_path())

    def confirm_omissions(self, message: str) -> bool:
        return confirm_omissions(self, message)

    def open_document(self, path: Path) -> None:
        QDesktopServices.openUrl(QUrl.fromLocalFile(str(path)))

    def open_source(self) -> None:
        chosen = ask_sources(self)
        if chosen:
            self.source.load_files(chosen)

    def open_settings(self) -> None:
        def choice() -> tuple[str, str]:
            settings = self.workspace.settings
            return settings.get("moteur.modele"), settings.get("moteur.serveur")

        before = choice()
        if SettingsDialog(self.workspace, self).exec():
            if choice() != before:
                self.controller.load_model()
            job = current_job(self.workspace)
            if job != self.job:
                self.set_job(job, select_first=False)

    def check_letterheads(self) -> None:
        """A letterhead IT installed but that was refused is said at start, not at export;
        checked off the window's thread (a letterhead's tags take up to seconds to fill)."""
        self.background.run(
            lambda: self.workspace.letterheads.problems,
            self._letterhead_problems,
            lambda exc: None,  # the export says it, with its reason
            key="letterheads",
        )

    def _letterhead_problems(self, problems: list[str]) -> None:
        if problems and self.banner.isHidden():  # the user's own problem comes first
            self.show_error(
                "<br>".join(html.escape(p) for p in problems),
                self.tr("Prévenez la DSI : l'en-tête doit être corrigé (hospidesk doctor)."),
            )

    def welcome(self) -> None:
        """A discreet banner, closed with its ✕, never a dialog (see ``welcome_lines``)."""
        lines = welcome_lines(self.workspace, self.job, list(self.tasks.values()))
        if lines:
            self.info.show_info(lines)

    def show_rules(self) -> None:
        RulesDialog(rules(self.workspace), read_only=True, parent=self).exec()

    def show_error(self, message: str, hint: str) -> None:
        self.banner.show_error(message, hint)

    def closeEvent(self, event: QCloseEvent) -> None:
        self._remember_current()
        self.background.abandon()
        self.flow.close(self.tasks)
        self.state.save()
        self.controller.shutdown()
        self.collector.stop()
        event.accept()
