"""The main window: library, form, source, draft; Générer / Arrêter / Régénérer; export."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from pathlib import Path

from PySide6.QtCore import QStandardPaths, Qt, QTimer, QUrl
from PySide6.QtGui import QAction, QCloseEvent, QDesktopServices, QGuiApplication, QKeySequence
from PySide6.QtWidgets import (
    QFileDialog,
    QFrame,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QMainWindow,
    QMessageBox,
    QPlainTextEdit,
    QPushButton,
    QScrollArea,
    QSplitter,
    QVBoxLayout,
    QWidget,
)

from hospidesk.engine.verify import VerifiedModel
from hospidesk.errors import HospiDeskError
from hospidesk.packs.loader import PackTask
from hospidesk.packs.model import SourceMode, identifiers_in
from hospidesk.service import DraftRequest, Extraction, PreparedDraft, Workspace
from hospidesk.serving import RemoteTarget, Served
from hospidesk.ui.dashboard import DashboardDialog
from hospidesk.ui.draft_records import AUTOSAVE, EXPORTED, DraftRecords
from hospidesk.ui.engine_bridge import EngineBridge, JobResult
from hospidesk.ui.feedback import FeedbackBar, UseTracker
from hospidesk.ui.history_dialog import HistoryDialog
from hospidesk.ui.review_dialog import ReviewDialog
from hospidesk.ui.rules_dialog import RulesDialog
from hospidesk.ui.settings_dialog import SettingsDialog
from hospidesk.ui.source_edit import SourceEdit
from hospidesk.ui.task_form import TaskForm
from hospidesk.ui.task_library import TaskLibrary
from hospidesk.ui.ui_state import UiState
from hospidesk.ui.widgets import EngineStatus, ErrorBanner, PrivacyNotice, shortcut_button

AUTOSAVE_DELAY_MS = 2000  # the open draft is saved this long after the last change
RETENTION_CHECK_MS = 3600_000  # drafts past the retention go within the hour, not next start


@dataclass
class DraftState:
    """What the user had on a task, kept while they switch to another one."""

    values: dict[str, str]
    source: str
    draft: str


class MainWindow(QMainWindow):
    def __init__(self, workspace: Workspace, bridge: EngineBridge, state: UiState) -> None:
        super().__init__()
        self.workspace = workspace
        self.bridge = bridge
        self.state = state
        self.tasks = {t.ref: t for t in workspace.tasks()}
        self.drafts: dict[str, DraftState] = {}
        self.current: PackTask | None = None
        self.form: TaskForm | None = None
        self.model: VerifiedModel | None = None
        self.remote: RemoteTarget | None = None  # the hospital's server, when one is chosen
        self.served: dict[str, Served] = {}  # per task: who wrote its current draft
        self.prepared: PreparedDraft | None = None
        self.job: int | None = None
        self.records = DraftRecords(workspace)  # autosave and history of the open drafts
        self.setWindowTitle(self.tr("HospiDesk — rédaction assistée, 100 % locale"))
        self.resize(1360, 820)
        self._build()
        self._actions()
        self._connect_engine()
        self._set_busy(False)
        self.generate_button.setEnabled(False)
        # Open the history now (keyring, integrity check), not in the middle of a draft.
        QTimer.singleShot(0, self.records.history)
        self.retention_timer = QTimer(self)
        self.retention_timer.setInterval(RETENTION_CHECK_MS)
        self.retention_timer.timeout.connect(self.purge_history)
        self.retention_timer.start()
        if state.last_task in self.tasks:
            self.library.select(state.last_task)
        elif self.tasks:
            self.library.select(next(iter(self.tasks)))

    # layout

    def _build(self) -> None:
        self.library = TaskLibrary(list(self.tasks.values()), self.state.favourites)
        self.library.task_selected.connect(self.select_task)
        self.library.favourite_toggled.connect(self._favourite)

        self.task_title = QLabel()
        self.task_title.setStyleSheet("font-size: 15pt; font-weight: bold;")
        self.task_title.setWordWrap(True)
        self.task_description = QLabel()
        self.task_description.setWordWrap(True)
        self.form_area = QScrollArea()
        self.form_area.setWidgetResizable(True)
        self.form_area.setFrameShape(QFrame.Shape.NoFrame)
        self.source = SourceEdit()
        self.source.problem.connect(
            lambda message: self.show_error(
                message, self.tr("Choisissez un fichier .txt, .eml ou .docx lisible.")
            )
        )
        self.source.loaded.connect(
            lambda name: self.statusBar().showMessage(self.tr("Source chargée : %s") % name, 5000)
        )
        open_button = QPushButton(self.tr("Ouvrir un fichier… (Ctrl+O)"))
        open_button.setAccessibleName(self.tr("Ouvrir un fichier source"))
        open_button.clicked.connect(self.open_source)
        self.source_box = QGroupBox(self.tr("Texte source"))
        source_layout = QVBoxLayout(self.source_box)
        source_layout.addWidget(self.source)
        source_layout.addWidget(open_button, 0, Qt.AlignmentFlag.AlignRight)
        middle = QWidget()
        middle_layout = QVBoxLayout(middle)
        middle_layout.addWidget(self.task_title)
        middle_layout.addWidget(self.task_description)
        middle_layout.addWidget(self.form_area, 3)
        middle_layout.addWidget(self.source_box, 2)
        self.privacy_label = PrivacyNotice()
        middle_layout.addWidget(self.privacy_label)
        self.privacy_timer = QTimer(self)
        self.privacy_timer.setSingleShot(True)
        self.privacy_timer.setInterval(400)
        self.privacy_timer.timeout.connect(self.update_privacy)
        self.source.textChanged.connect(self.privacy_timer.start)
        self.autosave_timer = QTimer(self)
        self.autosave_timer.setSingleShot(True)
        self.autosave_timer.setInterval(AUTOSAVE_DELAY_MS)
        self.autosave_timer.timeout.connect(self.autosave)
        self.source.textChanged.connect(self.autosave_timer.start)

        self.draft = QPlainTextEdit()
        self.draft.textChanged.connect(self.autosave_timer.start)
        self.draft.setAccessibleName(self.tr("Brouillon"))
        self.draft.setAccessibleDescription(self.tr("Le texte produit, modifiable avant export."))
        self.draft.setPlaceholderText(
            self.tr("Le brouillon s'affichera ici. Vous pourrez le modifier avant de l'exporter.")
        )
        self.generate_button = self._button(self.tr("Générer"), "Ctrl+Return", self.generate)
        self.stop_button = self._button(self.tr("Arrêter"), "Esc", self.stop)
        self.regenerate_button = self._button(self.tr("Régénérer"), "Ctrl+R", self.generate)
        self.copy_button = self._button(self.tr("Copier"), "Ctrl+Shift+C", self.copy)
        self.review_button = self._button(self.tr("Vérifier"), "Ctrl+D", self.review)
        self.export_button = self._button(self.tr("Exporter en Word"), "Ctrl+E", self.export)
        self.export_button.setDefault(True)
        run_row = QHBoxLayout()
        for button in (self.generate_button, self.stop_button, self.regenerate_button):
            run_row.addWidget(button)
        run_row.addStretch()
        out_row = QHBoxLayout()
        out_row.addStretch()
        for button in (self.copy_button, self.review_button, self.export_button):
            out_row.addWidget(button)
        self.feedback_bar = FeedbackBar()
        self.uses = UseTracker(self.workspace, self.feedback_bar)  # measured benefit
        right = QGroupBox(self.tr("Brouillon"))
        right_layout = QVBoxLayout(right)
        right_layout.addLayout(run_row)
        right_layout.addWidget(self.draft)
        right_layout.addLayout(out_row)
        right_layout.addWidget(self.feedback_bar)

        splitter = QSplitter()
        splitter.addWidget(self.library)
        splitter.addWidget(middle)
        splitter.addWidget(right)
        splitter.setSizes([280, 480, 600])

        self.banner = ErrorBanner()
        self.banner_text = self.banner.text

        central = QWidget()
        layout = QVBoxLayout(central)
        layout.addWidget(self.banner)
        layout.addWidget(splitter, 1)
        self.setCentralWidget(central)

        self.status = EngineStatus(self.statusBar())
        self.speed_label = self.status.speed

    def _button(self, text: str, shortcut: str, slot: Callable[[], object]) -> QPushButton:
        return shortcut_button(text, shortcut, slot)

    def _actions(self) -> None:
        menu = self.menuBar()
        files = menu.addMenu(self.tr("&Fichier"))
        self._action(files, self.tr("&Ouvrir un texte source…"), "Ctrl+O", self.open_source)
        self._action(files, self.tr("&Exporter en Word…"), None, self.export)
        self._action(files, self.tr("E&ffacer le brouillon"), "Ctrl+Shift+Del", self.discard)
        files.addSeparator()
        self._action(files, self.tr("&Quitter"), "Ctrl+Q", self.close)
        tasks = menu.addMenu(self.tr("&Tâches"))
        self._action(tasks, self.tr("&Rechercher une tâche"), "Ctrl+F", self.focus_search)
        self._action(
            tasks, self.tr("Ajouter aux &favoris / retirer"), "F2", self.library.toggle_favourite
        )
        self._action(tasks, self.tr("Aller au &formulaire"), "Ctrl+1", self.focus_form)
        self._action(tasks, self.tr("Aller au texte &source"), "Ctrl+2", self.source.setFocus)
        self._action(tasks, self.tr("Aller au &brouillon"), "Ctrl+3", self.draft.setFocus)
        tools = menu.addMenu(self.tr("&Outils"))
        self._action(tools, self.tr("&Historique des brouillons…"), "Ctrl+H", self.open_history)
        self._action(tools, self.tr("Mon &bilan…"), "Ctrl+B", self.open_dashboard)
        self._action(tools, self.tr("&Paramètres…"), "Ctrl+,", self.open_settings)
        help_menu = menu.addMenu(self.tr("&Aide"))
        self._action(help_menu, self.tr("&Charte d'utilisation"), None, self.show_rules)

    def _action(self, menu: object, text: str, shortcut: str | None, slot: object) -> QAction:
        action = QAction(text, self)
        if shortcut:
            action.setShortcut(QKeySequence(shortcut))
        action.triggered.connect(slot)
        menu.addAction(action)  # type: ignore[attr-defined]
        return action

    # engine

    def _connect_engine(self) -> None:
        worker = self.bridge.worker
        worker.model_loading.connect(self._model_loading)
        worker.model_loaded.connect(self._model_loaded)
        worker.model_verified.connect(self._model_verified)
        worker.model_failed.connect(self._model_failed)
        worker.token.connect(self._token)
        worker.progress.connect(self._progress)
        worker.extracted.connect(self._extracted)
        worker.finished.connect(self._finished)
        worker.cancelled.connect(self._cancelled)
        worker.failed.connect(self._failed)

    def load_model(self) -> None:
        try:
            self.remote = self.workspace.remote_target(None)
            entry = self.workspace.model_entry(None)
        except HospiDeskError as exc:
            self.remote = None
            self._model_failed(exc.message)
            return
        if self.remote is not None:  # a server writes; the local model is only checked
            self._show_server(self.remote)
            self.bridge.verify_fallback()
            self._set_busy(self.job is not None)
            return
        self.status.where(None, False)
        self.bridge.load_entry(entry)

    def _show_server(self, remote: RemoteTarget) -> None:
        self.status.model_state(
            self.tr("Serveur « %1 » — modèle %2")
            .replace("%1", remote.server.name)
            .replace("%2", remote.model),
            loading=False,
        )
        self.status.where(remote.server.name, self.workspace.policy.servers.pseudonymise)

    def _model_verified(self, model: VerifiedModel) -> None:
        self.model = model  # the fallback, loaded when the server cannot be reached

    def _model_loading(self, name: str) -> None:
        self.status.model_state(self.tr("Modèle : %s — chargement…") % name, loading=True)
        self.generate_button.setEnabled(False)

    def _model_loaded(self, model: VerifiedModel, seconds: float) -> None:
        self.model = model
        self.status.model_state(self.tr("Modèle : %s (prêt)") % model.entry.name, loading=False)
        self._set_busy(self.job is not None)

    def _model_failed(self, message: str) -> None:
        self.model = None
        self.remote = None
        self.status.model_state(self.tr("Modèle : indisponible"), loading=False)
        self.show_error(message, self.tr("Vérifiez le modèle dans Paramètres, ou appelez la DSI."))
        self.generate_button.setEnabled(False)

    # tasks

    def select_task(self, ref: str) -> None:
        if self.current is not None and self.current.ref == ref:
            return
        if self.autosave_timer.isActive():
            self.autosave_timer.stop()
            self.autosave()
        self._remember_current()
        item = self.tasks[ref]
        self.current = item
        self.state.last_task = ref
        self.task_title.setText(item.task.title)
        self.task_description.setText(item.task.description)
        self.form = TaskForm(item.task)
        holder = QWidget()  # keeps the fields at their natural height, at the top
        column = QVBoxLayout(holder)
        column.setContentsMargins(0, 0, 0, 0)
        column.addWidget(self.form)
        column.addStretch(1)
        self.form_area.setWidget(holder)
        mode = item.task.source.mode
        self.source_box.setVisible(mode is not SourceMode.NONE)
        required = self.tr(" (obligatoire)") if mode is SourceMode.REQUIRED else ""
        self.source_box.setTitle(item.task.source.label + required)
        self.form.changed.connect(self.privacy_timer.start)
        self.form.changed.connect(self.autosave_timer.start)
        saved = self.drafts.get(ref)
        self.source.setPlainText(saved.source if saved else "")
        self.draft.setPlainText(saved.draft if saved else "")
        if saved:
            self.form.set_values(saved.values)
        self.banner.hide()

    def update_privacy(self) -> None:
        """Say which patient identifiers the inputs hold (they stay on this computer)."""
        if self.current is None or self.form is None:
            return
        found = identifiers_in(self.current.task, self.form.values(), self.source.toPlainText())
        server = self.remote.server.name if self.remote else None
        self.privacy_label.show_found(found, server, self.workspace.policy.servers.pseudonymise)

    def _remember_current(self) -> None:
        if self.current is not None and self.form is not None:
            self.drafts[self.current.ref] = DraftState(
                self.form.values(), self.source.toPlainText(), self.draft.toPlainText()
            )

    def _favourite(self, ref: str, on: bool) -> None:
        self.state.favourites = set(self.library.favourites)
        self.state.save()

    def focus_search(self) -> None:
        self.library.search.setFocus()
        self.library.search.selectAll()

    def focus_form(self) -> None:
        first = self.form.first_input() if self.form else None
        if first is not None:
            first.setFocus()

    # drafting

    def _request(self) -> DraftRequest | None:
        if self.current is None or self.form is None:
            return None
        source = self.source.toPlainText()
        has_source = bool(source.strip()) and self.current.task.source.mode is not SourceMode.NONE
        errors = self.form.validate(has_source)
        if errors:
            labels = {f.name: f.label for f in self.current.task.fields}
            self.show_error(
                self.tr("Le formulaire contient %n erreur(s) : %s.", "", len(errors))
                % ", ".join(labels[name] for name in errors),
                self.tr("Corrigez les champs signalés en rouge."),
            )
            self.form.editors[next(iter(errors))].input.setFocus()
            return None
        return DraftRequest(
            self.current.ref, self.form.typed(), source_text=source if has_source else None
        )

    def generate(self) -> None:
        if self.job is not None or (self.model is None and self.remote is None):
            return
        request = self._request()
        if request is None:
            return
        try:
            prepared = self.workspace.prepare(request, model=self.model)
        except HospiDeskError as exc:
            self.show_error(exc.message, self.tr("Complétez les informations puis relancez."))
            return
        self.banner.hide()
        self.prepared = prepared
        self.draft.clear()
        self.speed_label.setText(self.tr("Rédaction en cours…"))
        self.job = self.bridge.run(prepared)
        self.uses.run_started(prepared.task.ref)
        self._set_busy(True)

    def stop(self) -> None:
        if self.job is not None:
            self.bridge.cancel()

    def _token(self, job: int, text: str) -> None:
        if job != self.job:
            return
        cursor = self.draft.textCursor()
        cursor.movePosition(cursor.MoveOperation.End)
        cursor.insertText(text)

    def _progress(self, job: int, tokens: int, rate: float) -> None:
        if job == self.job:
            self.speed_label.setText(
                self.tr("%1 jetons — %2 jetons/s")
                .replace("%1", str(tokens))
                .replace("%2", f"{rate:.1f}")
            )

    def _extracted(self, job: int, extraction: Extraction) -> None:
        if job == self.job and self.form is not None and extraction.values:
            self.form.set_values(dict(extraction.values), to_check=True)
            self.statusBar().showMessage(
                self.tr("Valeurs lues dans le texte source, surlignées : à vérifier."), 8000
            )

    def _finished(self, result: JobResult) -> None:
        if result.job != self.job:
            return
        if self.draft.toPlainText() != result.body:
            self.draft.setPlainText(result.body)
        rate = result.tokens / result.seconds if result.seconds else 0.0
        self.speed_label.setText(
            self.tr("Terminé : %1 jetons en %2 s")
            .replace("%1", str(result.tokens))
            .replace("%2", f"{result.seconds:.1f}")
        )
        self.speed_label.setToolTip(f"{rate:.1f} jetons/s")
        self.job = None
        self._set_busy(False)
        if self.current is not None:
            self.records.model_drafts[self.current.ref] = result.raw
            if result.served is not None:
                self.served[self.current.ref] = result.served
        self._show_served(result.served)
        if self.prepared is not None:
            self.uses.generated(self.prepared.task.ref, result.body)
        self.autosave()

    def _state(self) -> DraftState | None:
        if self.current is None or self.form is None:
            return None
        return DraftState(self.form.values(), self.source.toPlainText(), self.draft.toPlainText())

    def autosave(self, status: str = AUTOSAVE) -> None:
        """Save the open draft, encrypted, under its record (see DraftRecords)."""
        state = self._state()
        if self.current is None or state is None:
            return
        if status == AUTOSAVE and not (state.draft.strip() or state.source.strip()):
            return
        problem = self.records.save(self.current, state.values, state.source, state.draft, status)
        if problem:
            self.statusBar().showMessage(
                self.tr("Brouillon non conservé dans l'historique : %s") % problem, 15000
            )

    def discard(self) -> None:
        """Clear the open draft; its saved copy is deleted (no backup left behind)."""
        if self.current is None or self.job is not None:
            return
        self.task_closed("fermé")
        self.records.discard(self.current.ref)
        self.draft.clear()
        self.source.clear()
        self.drafts.pop(self.current.ref, None)
        self.autosave_timer.stop()

    def offer_recovery(self) -> None:
        """After a crash: offer the drafts autosaved but never closed normally."""
        found = self.records.leftovers()
        if not found:
            return
        answer = QMessageBox.question(
            self,
            self.tr("Récupération de brouillons"),
            self.tr(
                "%n brouillon(s) en cours ont été retrouvés après un arrêt inattendu de "
                "HospiDesk. Les récupérer ?",
                "",
                len(found),
            ),
        )
        if answer != QMessageBox.StandardButton.Yes:
            self.records.drop(found)
            return
        last = None
        for ref, (values, source, text) in self.records.restore(found).items():
            if ref in self.tasks:
                self.drafts[ref] = DraftState(values, source, text)
                last = ref
        if last:
            self.current = None
            self.library.select(last)

    def open_history(self) -> None:
        """Browse the kept drafts; reopen one (and export it again) in its task."""
        if self.job is not None:
            return
        titles = {ref: item.task.title for ref, item in self.tasks.items()}
        dialog = HistoryDialog(self.records, titles, self)
        if not dialog.exec() or dialog.chosen is None:
            return
        draft = dialog.chosen
        if self.autosave_timer.isActive():
            self.autosave_timer.stop()
            self.autosave()
        content = draft.content
        self.records.adopt(draft)
        self.drafts[draft.info.task_ref] = DraftState(
            dict(content.values), content.source or "", content.text
        )
        self.current = None  # show the reopened draft even if its task is the open one
        self.library.select(draft.info.task_ref)
        if dialog.export_after:
            self.export()

    def purge_history(self) -> None:
        """Drafts past the policy's retention go while the window stays open (audited)."""
        try:
            count = self.workspace.purge_history()
        except HospiDeskError:
            return  # a locked history is said where it is used
        if count:
            self.statusBar().showMessage(
                self.tr(
                    "%n brouillon(s) ancien(s) supprimé(s) (durée de conservation).", "", count
                ),
                8000,
            )

    def _cancelled(self, job: int) -> None:
        if job == self.job:
            self.job = None
            self.speed_label.setText(
                self.tr("Génération arrêtée : le texte déjà écrit est conservé.")
            )
            self._set_busy(False)

    def _failed(self, job: int, message: str) -> None:
        if job != self.job:
            return
        self.job = None
        self._set_busy(False)
        self.speed_label.setText("")
        if self.remote is not None:
            hint = self.tr("Votre brouillon est conservé. Relancez la génération.")
        else:
            hint = self.tr(
                "Votre brouillon est conservé. Le moteur redémarre : "
                "relancez la génération dans un instant."
            )
        self.show_error(message, hint)

    def _show_served(self, served: Served | None) -> None:
        """Say who wrote the draft when it is not who the status bar announced."""
        if served is None or served.notice is None:
            if self.remote is not None:
                self._show_server(self.remote)
            return
        self.status.model_state(
            self.tr("Modèle : %s (ce poste, le serveur ne répond pas)") % served.model,
            loading=False,
        )
        self.status.where(None, False)
        self.show_error(
            served.notice, self.tr("Le serveur sera de nouveau essayé dans une minute.")
        )

    def _model_id(self, ref: str | None) -> str | None:
        served = self.served.get(ref or "")
        if served is not None:
            return served.model
        if self.remote is not None:
            return self.remote.model
        return self.model.entry.id if self.model else None

    def _set_busy(self, busy: bool) -> None:
        ready = self.model is not None or self.remote is not None
        self.generate_button.setEnabled(ready and not busy)
        self.regenerate_button.setEnabled(ready and not busy)
        self.stop_button.setEnabled(busy)
        self.export_button.setEnabled(not busy)
        self.review_button.setEnabled(not busy)

    # output

    def task_closed(self, outcome: str) -> None:
        """Export, copy or discard ends a use of the task: measured, and asked once."""
        if self.current is not None:
            model = self._model_id(self.current.ref)
            self.uses.closed(self.current, model, outcome, self.draft.toPlainText())

    def open_dashboard(self) -> None:
        try:
            store = self.workspace.metrics()
            try:
                uses = store.uses()
            finally:
                store.close()
        except HospiDeskError as exc:
            self.show_error(exc.message, self.tr("Votre bilan n'a pas pu être lu."))
            return
        titles = {ref: item.task.title for ref, item in self.tasks.items()}
        DashboardDialog(uses, titles, parent=self).exec()

    def copy(self) -> None:
        QGuiApplication.clipboard().setText(self.draft.toPlainText())
        self.task_closed("copié")
        self.statusBar().showMessage(self.tr("Brouillon copié dans le presse-papiers."), 4000)

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
        name = f"{self.current.task.id if self.current else 'document'}-{date.today():%Y-%m-%d}"
        return Path(folder or Path.home()) / f"{name}.docx"

    def ask_export_path(self) -> Path | None:
        chosen, _ = QFileDialog.getSaveFileName(
            self,
            self.tr("Exporter en Word"),
            str(self.suggested_path()),
            self.tr("Document Word (*.docx)"),
        )
        if not chosen:
            return None
        path = Path(chosen)
        return path if path.suffix.lower() == ".docx" else path.with_suffix(".docx")

    def export(self) -> None:
        if not self.draft.toPlainText().strip():
            self.show_error(
                self.tr("Le brouillon est vide : rien à exporter."),
                self.tr("Générez ou saisissez d'abord le texte."),
            )
            return
        request = self._request()
        if request is None or (self.model is None and self.remote is None):
            return
        try:
            prepared = self.workspace.prepare(request, model=self.model)
        except HospiDeskError as exc:
            self.show_error(exc.message, self.tr("Complétez les informations puis réessayez."))
            return
        prepared = prepared.written_by(self.served.get(request.task_ref))
        path = self.ask_export_path()
        if path is None:
            return
        try:
            self.workspace.export(prepared, self.draft.toPlainText(), path)
        except HospiDeskError as exc:
            self.show_error(
                exc.message,
                self.tr("Choisissez un autre dossier ou libérez de la place, puis réessayez."),
            )
            return
        self.statusBar().showMessage(self.tr("Document enregistré : %s") % path, 8000)
        self.autosave(EXPORTED)
        self.task_closed("exporté")
        self.open_document(path)

    def open_document(self, path: Path) -> None:
        QDesktopServices.openUrl(QUrl.fromLocalFile(str(path)))

    def open_source(self) -> None:
        chosen, _ = QFileDialog.getOpenFileName(
            self,
            self.tr("Ouvrir un texte source"),
            "",
            self.tr("Textes (*.txt *.eml *.docx);;Tous les fichiers (*)"),
        )
        if chosen:
            self.source.load_file(Path(chosen))

    def open_settings(self) -> None:
        def choice() -> tuple[str, str]:
            settings = self.workspace.settings
            return settings.get("moteur.modele"), settings.get("moteur.serveur")

        before = choice()
        if SettingsDialog(self.workspace, self).exec() and choice() != before:
            self.load_model()

    def show_rules(self) -> None:
        RulesDialog(self.workspace.rules(), read_only=True, parent=self).exec()

    def show_error(self, message: str, hint: str) -> None:
        self.banner.show_error(message, hint)

    def closeEvent(self, event: QCloseEvent) -> None:
        self.autosave_timer.stop()
        self.autosave()
        self._remember_current()
        for ref in list(self.uses.started):  # tasks run and left open: measured, not asked
            if ref in self.drafts and (model := self._model_id(ref)) is not None:
                self.uses.closed(self.tasks[ref], model, "fermé", self.drafts[ref].draft, False)
        self.records.close()  # a normal close: open drafts are kept, nothing to recover
        self.state.save()
        self.bridge.stop()
        event.accept()
