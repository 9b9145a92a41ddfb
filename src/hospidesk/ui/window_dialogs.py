"""The main window's questions to the user: where to export, whether to export a draft that
leaves facts of its source out, which source files to open; the welcome banner's lines; and the
menu entry of the pack studio.

Plain functions of a parent widget: the window decides what follows. Their texts keep the
window's translation context (« MainWindow »), as when they were its methods.
"""

from __future__ import annotations

import html
from datetime import date
from pathlib import Path
from typing import Any

from PySide6.QtCore import QCoreApplication
from PySide6.QtWidgets import QFileDialog, QMessageBox, QWidget

from hospidesk.packs.loader import PackTask
from hospidesk.service.onboarding import Welcome
from hospidesk.service.workspace import Workspace
from hospidesk.ui.source_edit import FILE_FILTER


def ask_export_path(parent: QWidget, suggested: Path) -> Path | None:
    """The Word file to write (None: the user cancelled); « .docx » added when left out."""
    chosen, _ = QFileDialog.getSaveFileName(
        parent,
        QCoreApplication.translate("MainWindow", "Exporter en Word"),
        str(suggested),
        QCoreApplication.translate("MainWindow", "Document Word (*.docx)"),
    )
    if not chosen:
        return None
    path = Path(chosen)
    return path if path.suffix.lower() == ".docx" else path.with_suffix(".docx")


def confirm_omissions(parent: QWidget, message: str) -> bool:
    """Whether to export all the same; « Non » is the default."""
    answer = QMessageBox.question(
        parent,
        QCoreApplication.translate("MainWindow", "Informations absentes du brouillon"),
        message,
        QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.No,
        QMessageBox.StandardButton.No,
    )
    return answer == QMessageBox.StandardButton.Yes


def ask_sources(parent: QWidget) -> list[Path]:
    """The source files the user chose (none: cancelled)."""
    chosen, _ = QFileDialog.getOpenFileNames(
        parent,
        QCoreApplication.translate("MainWindow", "Ouvrir un ou plusieurs textes source"),
        "",
        QCoreApplication.translate("MainWindow", "Sources (%s);;Tous les fichiers (*)")
        % FILE_FILTER,
    )
    return [Path(name) for name in chosen]


def welcome_lines(workspace: Workspace, job: str | None, tasks: list[PackTask]) -> list[str]:
    """Once: what changed in the user's job's tasks; during the first days, the rules' key
    point of the day (HTML lines for the info banner; none: nothing to say)."""
    welcome = Welcome.of(workspace)
    lines = []
    if job is not None:
        news = welcome.whats_new(job, tasks)
        if news.added:
            lines.append(
                QCoreApplication.translate(
                    "MainWindow", "<b>Quoi de neuf :</b> nouvelles tâches : %s."
                )
                % html.escape(", ".join(t.task.title for t in news.added))
            )
        if news.changed:
            lines.append(
                QCoreApplication.translate(
                    "MainWindow", "<b>Quoi de neuf :</b> tâches mises à jour : %s."
                )
                % html.escape(", ".join(t.task.title for t in news.changed))
            )
    point = welcome.key_point(workspace, date.today())
    if point:
        lines.append(
            QCoreApplication.translate("MainWindow", "<b>Rappel de la charte :</b> %s")
            % html.escape(point)
        )
    return lines


_STUDIOS: list[QWidget] = []
"""The studio windows open now (kept alive: they have no parent, to stand beside the main
window)."""


def studio_items(parent: QWidget, workspace: Workspace) -> list[tuple[str, None, Any] | None]:
    """The Outils menu's entry for the pack studio, for the users the policy names; none else.
    The studio's modules are imported when it opens, not when the window starts."""
    if not workspace.policy.studio.allows(workspace.user, workspace.groups):
        return []

    def start() -> None:
        from hospidesk.ui.studio_start import open_studio

        window = open_studio(parent, workspace)
        if window is not None:
            _STUDIOS.append(window)
            window.destroyed.connect(
                lambda: _STUDIOS.remove(window) if window in _STUDIOS else None
            )

    return [None, (QCoreApplication.translate("MainWindow", "&Studio de tâches…"), None, start)]
