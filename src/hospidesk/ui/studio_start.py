"""How the studio starts: create a pack (a new job's, or another for a job), open an installed
pack as its next version, or take up a pack of the studio where it was left."""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QFormLayout,
    QGroupBox,
    QLabel,
    QLineEdit,
    QMessageBox,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from hospidesk.errors import HospiDeskError
from hospidesk.service import studio
from hospidesk.service.studio import StudioPack
from hospidesk.service.workspace import Workspace


class StartDialog(QDialog):
    def __init__(self, workspace: Workspace, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.workspace = workspace
        self.pack: StudioPack | None = None
        self.setWindowTitle(self.tr("Studio de tâches"))
        self.column = QVBoxLayout(self)
        self.title = QLineEdit()
        self.job = QComboBox()
        self.job.setEditable(True)
        self.job.addItem(self.tr("(nouveau métier, d'après le titre)"), "")
        for job in sorted({p.manifest.job for p in workspace.packs}):
            self.job.addItem(job, job)
        self.first_task = QLineEdit()
        self.create_button = self._group(
            self.tr("Nouveau pack"),
            [
                (self.tr("&Titre du pack"), self.title),
                (self.tr("&Métier"), self.job),
                (self.tr("&Première tâche"), self.first_task),
            ],
            self.tr("&Créer"),
            self.create_it,
        )
        self.create_button.setDefault(True)
        self.installed = QComboBox()
        for pack in workspace.packs:
            self.installed.addItem(f"{pack.manifest.title} ({pack.manifest.version})", pack.id)
        self.open_button = self._group(
            self.tr("Nouvelle version d'un pack installé"),
            [(self.tr("Pack &installé"), self.installed)],
            self.tr("Ouvrir comme &nouvelle version"),
            self.open_installed,
        )
        self.working = QComboBox()
        for pack_id in studio.working_packs(workspace):
            self.working.addItem(pack_id, pack_id)
        self.resume_button = self._group(
            self.tr("Reprendre un pack du studio"),
            [(self.tr("Pack du &studio"), self.working)],
            self.tr("&Reprendre"),
            self.resume,
        )
        self.resume_button.setEnabled(self.working.count() > 0)
        self.title.setFocus()

    def _group(
        self,
        title: str,
        rows: list[tuple[str, QWidget]],
        action: str,
        slot: Callable[[], None],
    ) -> QPushButton:
        """A box of labelled entries (their mnemonics lead to them) and the button that acts."""
        box = QGroupBox(title)
        form = QFormLayout(box)
        for label, widget in rows:
            caption = QLabel(label)
            caption.setBuddy(widget)
            form.addRow(caption, widget)
        button = QPushButton(action)
        button.clicked.connect(slot)
        form.addRow("", button)
        self.column.addWidget(box)
        return button

    def _done(self, opening: object) -> None:
        try:
            self.pack = opening()  # type: ignore[operator]
        except HospiDeskError as exc:
            QMessageBox.warning(self, self.windowTitle(), exc.message)
            return
        self.accept()

    def create_it(self) -> None:
        title = self.title.text().strip()
        if not title:
            QMessageBox.warning(self, self.windowTitle(), self.tr("Donnez un titre au pack."))
            self.title.setFocus()
            return
        typed = self.job.currentText().strip()
        job = self.job.currentData() if self.job.currentIndex() > 0 else ""
        if typed and typed != self.job.itemText(0) and not job:
            job = studio.slug(typed)
        job = job or studio.slug(title)
        first = self.first_task.text().strip()

        def opening() -> StudioPack:
            pack = studio.create(self.workspace, studio.slug(title), job, title)
            if first:  # the skeleton's task, named as the referent wants it
                task = pack.tasks[0]
                task["title"], task["id"] = first, studio.slug(first) or task["id"]
                studio.journal(pack)
            return pack

        self._done(opening)

    def open_installed(self) -> None:
        pack_id = self.installed.currentData()
        if pack_id:
            self._done(lambda: studio.open_installed(self.workspace, pack_id))

    def resume(self) -> None:
        pack_id = self.working.currentData()
        if pack_id:
            self._done(lambda: studio.open_working(self.workspace, pack_id))


def open_studio(parent: QWidget, workspace: Workspace) -> QWidget | None:
    """The start dialog, then the studio's window (shown, returned for the caller to keep)."""
    from hospidesk.ui.studio_window import StudioWindow

    if not studio.allowed(workspace):
        return None
    dialog = StartDialog(workspace, parent)
    if dialog.exec() != QDialog.DialogCode.Accepted or dialog.pack is None:
        return None
    window = StudioWindow(workspace, dialog.pack)
    window.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
    window.resize(1300, 900)
    window.show()
    return window
