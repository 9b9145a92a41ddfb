"""« Classer dans le dossier patient » in the window: the patient the documents are about
(shown in a banner), the draft filed through the service, off the window's thread, and what
came of it: filed (status bar), waiting in the outbox (« En attente d'envoi (n) »), refused
(the error banner, with the engine's reasons). Shown only when the policy turns filing on."""

from __future__ import annotations

from PySide6.QtCore import QFileSystemWatcher, QObject, QTimer
from PySide6.QtWidgets import QLabel, QMessageBox, QWidget

from hospidesk.dpi.context import DpiContext, take_context_file
from hospidesk.dpi.identity import DocumentVersion, Patient, Stay
from hospidesk.errors import HospiDeskError
from hospidesk.service.export import ExportRequest
from hospidesk.service.filing import Filed, draft_filing, file_document, retry_due
from hospidesk.service.filing_message import known_patient
from hospidesk.storage.outbox import count_waiting
from hospidesk.ui.background import Background
from hospidesk.ui.draft_flow import DraftFlow
from hospidesk.ui.patient_dialog import PatientDialog, banner_text

RETRY_CHECK_MS = 30_000
"""How often the window looks for documents due to be sent again (each waits longer after
each failed try: storage.outbox)."""


def record_values(patient: Patient | None) -> dict[str, str]:
    """What the forms' patient fields get from the record (the document's, not the prompt's)."""
    if patient is None:
        return {}
    values = {"patient": f"{patient.first_name} {patient.birth_name}".strip()}
    civility = {"F": "Madame", "M": "Monsieur"}.get(patient.sex)
    if civility:
        values["civilite"] = civility
    return values


class FilingFlow(QObject):
    def __init__(self, flow: DraftFlow, parent: QWidget) -> None:
        super().__init__(parent)
        self.flow = flow
        self.window = parent
        self.workspace = flow.workspace
        self.enabled = self.workspace.policy.dpi.mode != "off"
        self.patient: Patient | None = None
        self.stay = Stay()
        self.ipp = ""  # given by the DPI's call, before the identity is typed
        self.filed: dict[tuple[str, str], DocumentVersion] = {}
        """The last version sent of each task's document for each patient: the next replaces it."""
        self.banner = QLabel()
        self.banner.setAccessibleName(self.tr("Patient"))
        self.banner.setStyleSheet("background: #e8f0fe; padding: 4px 8px;")
        self.banner.hide()
        self.waiting = QLabel()
        self.background = Background(self)
        self.last: Filed | None = None
        self.retry_timer = QTimer(self)  # the outbox tried again while the window is open
        self.retry_timer.setInterval(RETRY_CHECK_MS)
        self.retry_timer.timeout.connect(self.retry)
        if self.enabled:
            self.retry_timer.start()
        self.watcher: QFileSystemWatcher | None = None
        if self.enabled:  # the DPI may drop a context file while the window is open
            folder = self.workspace.paths.context_dir
            folder.mkdir(parents=True, exist_ok=True, mode=0o700)
            self.watcher = QFileSystemWatcher([str(folder)], self)
            self.watcher.directoryChanged.connect(lambda _: self.take_context())

    def take_context(self) -> None:
        """The context file the DPI dropped, read and deleted; a bad one is said."""
        try:
            context = take_context_file(self.workspace.paths.context_dir)
        except HospiDeskError as exc:
            self.flow.banner.show_error(exc.message, self.tr("Rouvrez le document depuis le DPI."))
            return
        if context is not None:
            self.receive(context)

    def receive(self, context: DpiContext) -> None:
        """The DPI opens another patient: with a draft open for someone else, ask first."""
        current = self.patient.ipp if self.patient else self.ipp
        draft = self.flow.panel.draft.toPlainText().strip()
        if current and current != context.ipp and draft:
            answer = QMessageBox.question(
                self.window,
                self.tr("Changer de patient"),
                self.tr(
                    "Le DPI ouvre le patient IPP %1. Le brouillon en cours reste ouvert : "
                    "classé ensuite, il le serait pour ce nouveau patient. Changer de patient ?"
                ).replace("%1", context.ipp),
            )
            if answer != QMessageBox.StandardButton.Yes:
                return
        patient = context.patient(self.workspace.policy.dpi.ipp_oid)
        if patient is None:
            self.set_patient(None)
            self.set_context(context.ipp, context.stay)
        else:
            self.ipp, self.stay = patient.ipp, context.stay
            self.set_patient(patient)

    def set_context(self, ipp: str, stay: Stay) -> None:
        """The DPI opened the window on a patient: the identity comes from the policy's FHIR
        server (off the window's thread), else it is asked at the first filing."""
        self.ipp, self.stay = ipp, stay
        if self.patient is not None and self.patient.ipp != ipp:
            self.set_patient(None)  # the identity typed or found was another patient's
        self.banner.setText(self.tr("Patient : IPP %s (identité à compléter)") % ipp)
        self.banner.show()
        if self.workspace.policy.dpi.fhir_url:
            ws = self.workspace
            self.background.run(
                lambda: known_patient(ws, ipp),
                lambda patient: self._identified(ipp, patient),
                lambda exc: self._not_identified(ipp, exc),
                key="identity",
            )

    def _identified(self, ipp: str, patient: Patient | None) -> None:
        if patient is None or self.ipp != ipp:  # another patient since
            return
        self.set_patient(patient)

    def _not_identified(self, ipp: str, exc: Exception) -> None:
        if self.ipp != ipp:
            return
        reason = exc.message if isinstance(exc, HospiDeskError) else str(exc)
        self.banner.setText(
            self.tr("Patient : IPP %1 — identité à saisir (%2)")
            .replace("%1", ipp)
            .replace("%2", reason.rstrip("."))
        )

    def choose_patient(self) -> bool:
        oid = self.workspace.policy.dpi.ipp_oid
        seed = self.patient or (Patient(self.ipp, oid) if self.ipp else None)
        dialog = PatientDialog(self.window, oid, seed, self.stay)
        if dialog.exec() != PatientDialog.DialogCode.Accepted or dialog.result_value is None:
            return False
        patient, self.stay = dialog.result_value
        self.set_patient(patient)
        return True

    def set_patient(self, patient: Patient | None) -> None:
        """The patient the documents are about: the banner, and the forms' patient fields."""
        self.patient = patient
        self.flow.task_panel.set_record_values(record_values(patient))
        if patient is not None:
            self.banner.setText(banner_text(patient))
            self.banner.show()

    def file(self) -> None:
        if not self.enabled or self.background.busy("filing"):
            return
        flow = self.flow
        text = flow.panel.draft.toPlainText()
        task, form = flow.host.current, flow.task_panel.form
        if not text.strip() or task is None or form is None:
            flow.banner.show_error(
                self.tr("Le brouillon est vide : rien à classer."),
                self.tr("Générez ou saisissez d'abord le texte."),
            )
            return
        if self.patient is None and not self.choose_patient():
            return
        patient, stay = self.patient, self.stay
        assert patient is not None
        request = ExportRequest(task.ref, form.values(), text, flow.controller.served.get(task.ref))
        replaces = self.filed.get((task.ref, patient.ipp))
        flow.host.statusBar().showMessage(self.tr("Classement dans le dossier patient…"))
        ws = self.workspace
        self.background.run(
            lambda: file_document(ws, draft_filing(ws, request, patient, stay, replaces)),
            lambda filed: self._done(task.ref, patient.ipp, filed),
            self._failed,
            key="filing",
        )

    def _done(self, ref: str, ipp: str, filed: Filed) -> None:
        self.last = filed
        if filed.version is not None and filed.status != "refused":
            self.filed[(ref, ipp)] = filed.version
        bar = self.flow.host.statusBar()
        bar.clearMessage()
        if filed.status == "refused":
            self.flow.banner.show_error(
                filed.message,
                self.tr("Vérifiez l'identité du patient, ou appelez le bureau des entrées."),
            )
        else:
            bar.showMessage(filed.message, 15000)
        self.show_waiting()

    def _failed(self, exc: Exception) -> None:
        self.flow.host.statusBar().clearMessage()
        message = exc.message if isinstance(exc, HospiDeskError) else str(exc)
        self.flow.banner.show_error(message, self.tr("Le document reste exportable en Word."))

    def retry(self) -> None:
        """The documents whose time has come are sent again, off the window's thread."""
        if self.background.busy("retry") or not count_waiting(self.workspace.paths.outbox_dir):
            return
        ws = self.workspace
        self.background.run(
            lambda: retry_due(ws), self._retried, lambda exc: self.show_waiting(), key="retry"
        )

    def _retried(self, results: list[Filed]) -> None:
        for filed in results:
            if filed.status == "filed":
                self.flow.host.statusBar().showMessage(filed.message, 15000)
            elif filed.status == "refused":
                self.flow.banner.show_error(
                    filed.message, self.tr("Le document en attente a été refusé ; il est retiré.")
                )
        self.show_waiting()

    def show_waiting(self) -> None:
        count = count_waiting(self.workspace.paths.outbox_dir)
        self.waiting.setText(self.tr("En attente d'envoi (%n)", "", count))
        self.waiting.setVisible(count > 0)
