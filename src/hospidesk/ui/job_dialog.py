"""First start, after the rules: the user's job, one screen, with the keyboard (arrows, Enter).

The choice orders the library (the job's tasks first); it can be changed in Paramètres. The
policy may give the job, and then this screen is never shown (service.onboarding).
"""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QLabel,
    QListWidget,
    QListWidgetItem,
    QVBoxLayout,
    QWidget,
)

from hospidesk.service.onboarding import Job

JOB_ROLE = Qt.ItemDataRole.UserRole


class JobDialog(QDialog):
    def __init__(self, jobs: list[Job], parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle(self.tr("Votre métier"))
        self.resize(560, 420)
        intro = QLabel(
            self.tr(
                "Choisissez votre métier : ses tâches viendront en premier dans la "
                "bibliothèque. Vous pourrez le changer dans Paramètres."
            )
        )
        intro.setWordWrap(True)
        self.jobs = QListWidget()
        self.jobs.setAccessibleName(self.tr("Métiers"))
        self.jobs.setAccessibleDescription(self.tr("Flèches pour choisir, Entrée pour valider."))
        self.jobs.setWordWrap(True)
        self.jobs.setSpacing(4)
        self.jobs.setAlternatingRowColors(True)  # one job, one band: title and its summary
        for job in jobs:
            item = QListWidgetItem(f"{job.title}\n{job.summary}".strip())
            item.setData(JOB_ROLE, job.id)
            item.setToolTip(job.summary)
            self.jobs.addItem(item)
        self.jobs.setCurrentRow(0)
        self.jobs.itemActivated.connect(lambda _: self.accept())
        buttons = QDialogButtonBox()
        self.choose_button = buttons.addButton(
            self.tr("&Choisir"), QDialogButtonBox.ButtonRole.AcceptRole
        )
        self.choose_button.setDefault(True)
        later = buttons.addButton(self.tr("Plus &tard"), QDialogButtonBox.ButtonRole.RejectRole)
        later.setAccessibleName(self.tr("Choisir plus tard : toutes les tâches, sans ordre"))
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(intro)
        layout.addWidget(self.jobs, 1)
        layout.addWidget(buttons)
        self.jobs.setFocus()

    @property
    def chosen(self) -> str | None:
        item = self.jobs.currentItem()
        return str(item.data(JOB_ROLE)) if item is not None else None
