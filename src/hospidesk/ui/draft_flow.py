"""The open task's draft in the window: start and stop it, show what the controller says of
it, review it, export, copy or clear it. Keeping it (autosave) and measuring its use are
``ui.draft_keeping``'s.

The window gives its panels and itself as the ``host`` (the open task, where to export, the
banner); the drafts themselves are run by the controller.
"""

from __future__ import annotations

import logging
from collections.abc import Mapping
from pathlib import Path
from typing import Protocol

from PySide6.QtCore import QObject
from PySide6.QtGui import QGuiApplication
from PySide6.QtWidgets import QStatusBar

from hospidesk.errors import HospiDeskError
from hospidesk.packs.loader import PackTask
from hospidesk.service.draft_events import (
    CheckingFacts,
    DraftEvent,
    Extracted,
    PartRead,
    Progress,
    PromptRead,
    Step,
    Text,
)
from hospidesk.service.drafting import DraftResult
from hospidesk.service.export import ExportRequest, export_draft
from hospidesk.service.extraction import Extraction
from hospidesk.service.records import EXPORTED
from hospidesk.service.request import FieldErrors, PreparedDraft
from hospidesk.service.review import review
from hospidesk.service.workspace import Workspace
from hospidesk.ui.background import Background
from hospidesk.ui.draft_controller import DraftController
from hospidesk.ui.draft_keeping import DraftKeeping
from hospidesk.ui.draft_panel import DraftPanel
from hospidesk.ui.read_ahead import ReadAhead
from hospidesk.ui.review_notes import ReviewNotes
from hospidesk.ui.task_panel import TaskPanel
from hospidesk.ui.widgets import EngineStatus, ErrorBanner


class Host(Protocol):
    """What the flow needs of the window."""

    current: PackTask | None

    def ask_export_path(self) -> Path | None: ...
    def open_document(self, path: Path) -> None: ...
    def statusBar(self) -> QStatusBar: ...
    def confirm_omissions(self, message: str) -> bool: ...


class DraftFlow(QObject):
    def __init__(
        self,
        workspace: Workspace,
        controller: DraftController,
        task_panel: TaskPanel,
        draft_panel: DraftPanel,
        status: EngineStatus,
        banner: ErrorBanner,
        host: Host,
    ) -> None:
        super().__init__()
        self.workspace = workspace
        self.controller = controller
        self.task_panel = task_panel
        self.panel = draft_panel
        self.status = status
        self.banner = banner
        self.host = host
        self.keeping = DraftKeeping(workspace, task_panel, draft_panel, host)
        self.origin: PreparedDraft | None = None
        """The last draft's inputs (fields read from the source included): « Continuer »
        asks the model to go on from them when that draft stopped at the length limit."""
        self.continuing = False
        self.continued_from = ""
        """The draft's text when « Continuer » was pressed (the model's text goes after it)."""
        self.notes = ReviewNotes(self)
        self.background = Background(self)
        self.exporting = False
        """A document is being written (the export runs off the window's thread)."""
        self.by_parts: dict[str, bool] = {}
        """Tasks whose draft summarises a source read part by part (no omission listed)."""
        self.read_ahead = ReadAhead(task_panel, controller, self)  # the click starts at once
        for button, slot in (
            (draft_panel.generate_button, self.generate),
            (draft_panel.stop_button, controller.stop),
            (draft_panel.regenerate_button, self.generate),
            (draft_panel.copy_button, self.copy),
            (draft_panel.export_button, self.export),
            (draft_panel.continue_button, self.continue_draft),
        ):
            button.clicked.connect(slot)
        task_panel.source.reading.connect(self._reading_source)
        task_panel.source.page.connect(self.host.statusBar().showMessage)
        controller.told.connect(self._told)
        controller.finished.connect(self._finished)
        controller.cancelled.connect(self._cancelled)
        controller.failed.connect(self._failed)

    def _reading_source(self, names: str) -> None:
        """« Lecture de x.pdf… » while a file is read into the source box; cleared when the
        read ends without text (« Source chargée » follows one that brought its text)."""
        if names:
            self.host.statusBar().showMessage(self.tr("Lecture de %s…") % names)
        else:
            self.host.statusBar().clearMessage()

    def update_buttons(self) -> None:
        self.panel.set_busy(self.controller.ready, self.controller.job is not None)
        if self.exporting:
            self.panel.export_button.setEnabled(False)

    # writing

    def generate(self) -> None:
        task = self.host.current
        if self.controller.job is not None or not self.controller.ready or task is None:
            return
        if self.task_panel.source.busy:  # its text is not there yet
            self.host.statusBar().showMessage(self.tr("Lecture du fichier en cours…"), 5000)
            return
        request, errors = self.task_panel.request()
        if errors:
            labels = {f.name: f.label for f in task.task.fields}
            self.banner.show_error(
                self.tr("Le formulaire contient %n erreur(s) : %s.", "", len(errors))
                % ", ".join(labels[name] for name in errors),
                self.tr("Corrigez les champs signalés en rouge."),
            )
        if request is None:
            return
        try:
            prepared = self.controller.start(request)
        except HospiDeskError as exc:
            self.banner.show_error(
                exc.message, self.tr("Complétez les informations puis relancez.")
            )
            return
        self.banner.hide()
        self.panel.draft.clear()
        self.panel.mark([], [])
        self.panel.show_review([])
        self.status.writing()
        self.keeping.uses.open.run_started(prepared.task.ref, example=self.task_panel.is_example())
        self.update_buttons()

    def _told(self, event: DraftEvent) -> None:
        """What the draft being written says, shown where it belongs."""
        match event:
            case Text(piece=piece):
                self.panel.append(piece)
            case Progress(tokens=tokens, rate=rate):
                self.status.progress(tokens, rate)
            case PromptRead(done=done, total=total):
                self.status.reading(done, total)
            case PartRead(done=done, total=total):
                self.status.part(done, total)
            case CheckingFacts(missing=missing):
                self.status.checking_facts(missing)
            case Extracted(extraction=extraction):
                self._extracted(extraction)
            case Step() if event.says():
                self.status.step(event.says())

    def _extracted(self, extraction: Extraction) -> None:
        form = self.task_panel.form
        if form is not None and extraction.values:
            form.set_values(dict(extraction.values), to_check=True)
            self.host.statusBar().showMessage(
                self.tr("Valeurs lues dans le texte source, surlignées : à vérifier."), 8000
            )

    def reset_review(self) -> None:
        """Another draft is shown (task switched, draft cleared or reopened): what was said of
        the last one, and « Continuer », no longer apply."""
        self.origin = None
        self.panel.mark([], [])
        self.panel.show_review([])

    def continue_draft(self) -> None:
        """The model goes on from where the draft stopped; its text is added at the end."""
        origin, current = self.origin, self.host.current
        if origin is None or current is None or origin.task.ref != current.ref:
            return
        if self.controller.job is not None or not self.controller.ready:
            return
        text = self.panel.draft.toPlainText()
        if text and not text[-1].isspace():
            self.panel.append(" ")
        self.continued_from = self.panel.draft.toPlainText()
        self.continuing = True
        self.panel.show_review([])
        self.status.writing()
        self.controller.run_prepared(origin.continued(text))
        self.update_buttons()

    def _finished(self, result: DraftResult) -> None:
        draft = self.panel.draft
        continued, self.continuing = self.continuing, False
        whole = self.continued_from + result.body if continued else result.body
        if draft.toPlainText() != whole:  # repeats removed, prompt quotes stripped
            draft.setPlainText(whole)
        self.status.finished(result.tokens, result.seconds)
        self.update_buttons()
        ref = result.prepared.task.ref
        if not continued:  # a continuation keeps what its draft was written from
            self.by_parts[ref] = result.parts > 0
        final = self.origin if continued and self.origin is not None else result.prepared
        self.origin = final
        text = draft.toPlainText()
        findings = review(
            final.task,
            final.source,
            text,
            final.values,
            result.finish_reason,
            self.task_panel.expected_facts(),
            by_parts=self.by_parts.get(ref, False),
            context=self.workspace.settings.hospital_details(),
            doubtful=self.task_panel.to_check(),
        )
        can_continue = findings.cut_off and not final.task.task.structured
        offset = len(self.continued_from) if continued else 0
        repair = result.repair
        added = [(offset + a.start, offset + a.end) for a in repair.added] if repair else []
        self.panel.mark(added, [(f.start, f.end) for f in findings.invented])
        self.panel.show_review(self.notes.lines(findings, repair), can_continue)
        self.keeping.open_drafts.records.model_drafts[ref] = text if continued else result.raw
        if result.served.notice is not None:  # the server chosen did not answer
            self.status.local_model(result.served.model, notice=True)
            self.banner.show_error(
                result.served.notice, self.tr("Le serveur sera de nouveau essayé dans une minute.")
            )
        elif (remote := self.controller.remote) is not None:  # after a fallback: the server
            pseudonymised = self.workspace.policy.servers.pseudonymise
            self.status.server(remote.server.name, remote.model, pseudonymised)
        self.keeping.uses.open.generated(
            ref,
            text if continued else result.body,
            result.served.model,
            None if repair is None else repair.succeeded,
        )
        self.keeping.autosave()

    def _cancelled(self) -> None:
        self.continuing = False
        self.status.stopped()
        self.update_buttons()

    def _failed(self, message: str) -> None:
        self.continuing = False
        self.update_buttons()
        self.status.speed.setText("")
        if self.controller.remote is not None:
            hint = self.tr("Votre brouillon est conservé. Relancez la génération.")
        else:
            hint = self.tr(
                "Votre brouillon est conservé. Le moteur redémarre : "
                "relancez la génération dans un instant."
            )
        self.banner.show_error(message, hint)

    # ending a use

    def discard(self) -> None:
        """Clear the open draft; its saved copy is deleted (no backup left behind)."""
        task = self.host.current
        if task is None or self.controller.job is not None:
            return
        self.keeping.discard(task)
        self.reset_review()
        self.panel.draft.clear()
        self.task_panel.source.abandon_reading()
        self.task_panel.source.clear()

    def close(self, tasks: Mapping[str, PackTask]) -> None:
        """The window closes: a document being written is finished first; then the draft is
        kept and the uses measured."""
        self.background.settle("export")
        self.background.abandon()
        self.read_ahead.stop()
        self.keeping.close(tasks)

    def copy(self) -> None:
        QGuiApplication.clipboard().setText(self.panel.draft.toPlainText())
        self.keeping.task_closed("copié")
        self.host.statusBar().showMessage(self.tr("Brouillon copié dans le presse-papiers."), 4000)

    def export_with_revisions(self) -> None:
        """The source with the draft's changes as Word revisions, to accept or reject."""
        if not self.task_panel.source.toPlainText().strip():
            self.banner.show_error(
                self.tr("Cette tâche n'a pas de texte source : il n'y a pas de modifications."),
                self.tr("Utilisez « Exporter en Word »."),
            )
            return
        self.export(revisions=True)

    def export(self, revisions: bool = False) -> None:
        text = self.panel.draft.toPlainText()
        if not text.strip():
            self.banner.show_error(
                self.tr("Le brouillon est vide : rien à exporter."),
                self.tr("Générez ou saisissez d'abord le texte."),
            )
            return
        task, form = self.host.current, self.task_panel.form
        if task is None or form is None:
            return
        served = self.controller.served.get(task.ref)
        source = self.task_panel.source.toPlainText()
        request = ExportRequest(
            task.ref, form.values(), text, served, source if revisions else None
        )
        findings = review(
            task,
            source or None,
            text,
            form.values(),
            expected=self.task_panel.expected_facts(),
            by_parts=self.by_parts.get(task.ref, False),
            context=self.workspace.settings.hospital_details(),
            doubtful=self.task_panel.to_check(),
        )
        left = findings.omitted
        if left and not self.host.confirm_omissions(
            self.tr(
                "Le brouillon ne reprend pas %n information(s) du texte source : %s. "
                "Exporter quand même ?",
                "",
                len(left),
            )
            % ", ".join(f"« {fact.text} »" for fact in left)
        ):
            return
        if findings.to_check and not self.host.confirm_omissions(
            self.tr(
                "Le brouillon reprend %n chiffre(s) du document scanné que la lecture n'a pas "
                "pu garantir : %s. Vérifiez-les sur l'original. Exporter quand même ?",
                "",
                len(findings.to_check),
            )
            % ", ".join(f"« {text} »" for text in findings.to_check)
        ):
            return
        path = self.host.ask_export_path()
        if path is None:
            return
        self.exporting = True
        self.update_buttons()
        self.host.statusBar().showMessage(self.tr("Enregistrement du document…"))
        self.background.run(  # filling a template can take seconds: off the window's thread
            lambda: export_draft(self.workspace, request, path),
            lambda _: self._exported(path, len(left)),
            self._export_failed,
            key="export",
        )

    def _exported(self, path: Path, omissions: int) -> None:
        self.exporting = False
        self.update_buttons()
        self.host.statusBar().showMessage(self.tr("Document enregistré : %s") % path, 8000)
        self.keeping.autosave(EXPORTED)
        self.keeping.task_closed("exporté", omissions)
        self.host.open_document(path)

    def _export_failed(self, exc: Exception) -> None:
        self.exporting = False
        self.update_buttons()
        self.host.statusBar().clearMessage()
        if isinstance(exc, FieldErrors):
            self.banner.show_error(
                exc.message, self.tr("Complétez les informations puis réessayez.")
            )
        elif isinstance(exc, HospiDeskError):
            self.banner.show_error(
                exc.message,
                self.tr("Choisissez un autre dossier ou libérez de la place, puis réessayez."),
            )
        else:
            logging.getLogger(__name__).error("export failed", exc_info=exc)
            self.banner.show_error(
                self.tr("Le document n'a pas pu être enregistré (erreur inattendue)."),
                self.tr("Votre brouillon est conservé. Réessayez."),
            )
