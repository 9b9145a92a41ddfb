"""The studio's dialogs: two drafts side by side, a pack's test report, the signing key, and
publishing (with the override a failed test needs)."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QCoreApplication
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QFileDialog,
    QGridLayout,
    QLabel,
    QMessageBox,
    QPlainTextEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from hospidesk.errors import HospiDeskError
from hospidesk.service import publishing
from hospidesk.service.pack_test import Outcome, PackReport, markdown
from hospidesk.service.publishing import Published, Tried
from hospidesk.service.studio import StudioPack
from hospidesk.service.workspace import Workspace


def _review(outcome: Outcome) -> str:
    """The example's checks, as ``packs test`` reports them (facts missing, invented…)."""
    status = "Réussi" if outcome.passed else "Échec : " + ", ".join(outcome.failed)
    return "\n".join([status, *outcome.detail])


class TriedDialog(QDialog):
    """The example's draft by the version being edited, beside the previous version's."""

    def __init__(self, parent: QWidget, tried: Tried) -> None:
        super().__init__(parent)
        self.setWindowTitle(
            self.tr("Essai : %s, exemple n° %d") % (tried.current.task, tried.current.example)
        )
        grid = QGridLayout(self)
        columns = [(self.tr("Cette version"), tried.current)]
        if tried.previous is not None:
            columns.append((self.tr("Version précédente"), tried.previous))
        self.drafts: list[QPlainTextEdit] = []
        for column, (title, outcome) in enumerate(columns):
            grid.addWidget(QLabel(f"<b>{title}</b>"), 0, column)
            draft = QPlainTextEdit(outcome.body)
            draft.setReadOnly(True)
            draft.setAccessibleName(f"{title} : brouillon")
            grid.addWidget(draft, 1, column)
            review = QLabel(_review(outcome))
            review.setWordWrap(True)
            grid.addWidget(review, 2, column)
            self.drafts.append(draft)
        if tried.previous is None:
            grid.addWidget(QLabel(self.tr("Pas de version précédente de cette tâche.")), 3, 0)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        buttons.rejected.connect(self.reject)
        grid.addWidget(buttons, 4, 0, 1, len(columns))
        self.resize(1100, 650)


def show_tried(parent: QWidget, tried: Tried) -> None:
    TriedDialog(parent, tried).exec()


class ReportDialog(QDialog):
    def __init__(self, parent: QWidget, report: PackReport) -> None:
        super().__init__(parent)
        self.setWindowTitle(self.tr("Test du pack %s") % report.pack)
        column = QVBoxLayout(self)
        self.text = QPlainTextEdit(markdown(report))
        self.text.setReadOnly(True)
        column.addWidget(self.text)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        buttons.rejected.connect(self.reject)
        column.addWidget(buttons)
        self.resize(900, 600)


def show_report(parent: QWidget, report: PackReport) -> None:
    ReportDialog(parent, report).exec()


class KeyDialog(QDialog):
    """The referent's signing key: made once, kept in the keyring; its public half for IT."""

    def __init__(self, parent: QWidget, workspace: Workspace) -> None:
        super().__init__(parent)
        self.workspace = workspace
        self.setWindowTitle(self.tr("Clé de signature"))
        column = QVBoxLayout(self)
        self.state = QLabel()
        self.state.setWordWrap(True)
        column.addWidget(self.state)
        self.create_button = QPushButton(self.tr("&Créer ma clé"))
        self.create_button.clicked.connect(self.create_it)
        self.export_button = QPushButton(self.tr("E&xporter la clé publique pour la DSI…"))
        self.export_button.clicked.connect(self.export)
        column.addWidget(self.create_button)
        column.addWidget(self.export_button)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        buttons.rejected.connect(self.reject)
        column.addWidget(buttons)
        self.refresh()

    def refresh(self) -> None:
        try:
            kid = publishing.signing_key_id(self.workspace)
        except HospiDeskError as exc:
            self.state.setText(exc.message)
            self.create_button.setEnabled(False)
            self.export_button.setEnabled(False)
            return
        self.create_button.setEnabled(kid is None)
        self.export_button.setEnabled(kid is not None)
        self.state.setText(
            self.tr("Votre clé : %s. Elle est gardée dans le trousseau du système.") % kid
            if kid
            else self.tr("Vous n'avez pas encore de clé de signature.")
        )

    def create_it(self) -> None:
        try:
            publishing.create_signing_key(self.workspace)
        except HospiDeskError as exc:
            QMessageBox.warning(self, self.windowTitle(), exc.message)
        self.refresh()
        self.export_button.setFocus()

    def export(self) -> None:
        chosen, _ = QFileDialog.getSaveFileName(
            self,
            self.tr("Exporter la clé publique"),
            str(Path.home() / f"{self.workspace.user}.pub"),
            self.tr("Clé publique (*.pub)"),
        )
        if not chosen:
            return
        try:
            kid = publishing.export_public_key(self.workspace, Path(chosen))
        except HospiDeskError as exc:
            QMessageBox.warning(self, self.windowTitle(), exc.message)
            return
        self.state.setText(
            self.tr("Clé publique %s écrite : %s. Remettez-la à la DSI, qui l'approuve.")
            % (kid, chosen)
        )


def signing_key_dialog(parent: QWidget, workspace: Workspace) -> None:
    KeyDialog(parent, workspace).exec()


def publish_dialog(parent: QWidget, workspace: Workspace, pack: StudioPack) -> Published | None:
    """Publish, asking what must be asked: an override when the tests did not pass, the
    folder when the policy names none. None when the referent stopped, or it failed (said)."""
    title = QCoreApplication.translate("StudioWindow", "Publier le pack")
    untested = publishing.test_state(pack)
    override = False
    if untested:
        answer = QMessageBox.question(
            parent,
            title,
            QCoreApplication.translate(
                "StudioWindow",
                "Publication déconseillée : %s.\n\nPublier quand même ? Ce choix est inscrit "
                "au journal d'audit.",
            )
            % untested,
            QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.No,
            QMessageBox.StandardButton.No,
        )
        if answer != QMessageBox.StandardButton.Yes:
            return None
        override = True
    folder = None
    if not workspace.policy.packs.publish_dir:
        chosen = QFileDialog.getExistingDirectory(
            parent, QCoreApplication.translate("StudioWindow", "Dossier de publication")
        )
        if not chosen:
            return None
        folder = Path(chosen)
    try:
        return publishing.publish(workspace, pack, folder, override=override)
    except HospiDeskError as exc:
        QMessageBox.warning(parent, title, exc.message)
        return None
