"""Outils › Historique: browse, search, reopen, export again and delete kept drafts; and the
history key (recovery passphrase, recovery when the keyring lost it).

Only what is stored outside the seal is listed and searched (task, dates, status): the
content is decrypted when one draft is reopened, never to search.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping

from PySide6.QtCore import Qt
from PySide6.QtGui import QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QAbstractItemView,
    QDialog,
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QMessageBox,
    QPushButton,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from hospidesk.errors import HospiDeskError
from hospidesk.service.records import DraftRecords, recover_history_key
from hospidesk.storage.history import Draft, DraftInfo
from hospidesk.ui.widgets import ErrorBanner


def local_time(stamp: str) -> str:
    """« 2026-11-28T15:42:10+00:00 » → « 28/11/2026 16:42 » in the workstation's time zone."""
    try:
        return dt.datetime.fromisoformat(stamp).astimezone().strftime("%d/%m/%Y %H:%M")
    except ValueError:
        return stamp


class KeyBox(QGroupBox):
    """The history key: recover it when the keyring lost it, set the recovery passphrase."""

    def __init__(self, records: DraftRecords, on_change: object) -> None:
        super().__init__(self.tr("Clé de l'historique"))
        self.records = records
        self.on_change = on_change
        self.state = QLabel()
        self.state.setWordWrap(True)
        self.phrase = QLineEdit()
        self.phrase.setEchoMode(QLineEdit.EchoMode.Password)
        self.phrase.setAccessibleName(self.tr("Phrase de secours"))
        self.confirm = QLineEdit()
        self.confirm.setEchoMode(QLineEdit.EchoMode.Password)
        self.confirm.setAccessibleName(self.tr("Confirmer la phrase de secours"))
        self.recover_button = QPushButton(self.tr("&Récupérer la clé"))
        self.recover_button.clicked.connect(self.recover)
        self.set_button = QPushButton(self.tr("&Enregistrer la phrase de secours"))
        self.set_button.clicked.connect(self.set_phrase)
        self.form = QFormLayout(self)
        self.form.addRow(self.state)
        self.form.addRow(self.tr("Phrase de secours :"), self.phrase)
        self.form.addRow(self.tr("Confirmation :"), self.confirm)
        buttons = QHBoxLayout()
        buttons.addStretch()
        buttons.addWidget(self.recover_button)
        buttons.addWidget(self.set_button)
        self.form.addRow(buttons)
        self.refresh()

    def refresh(self) -> None:
        locked = self.records.history() is None
        store = self.records.ws.key_store()
        if locked:
            self.state.setText(
                self.tr("L'historique est verrouillé : %s") % (self.records.problem or "")
            )
        else:
            phrase = self.tr("définie") if store.has_recovery() else self.tr("non définie")
            it_key = self.tr("oui") if store.it_fingerprint() else self.tr("non")
            self.state.setText(
                self.tr("Phrase de secours : %1. Clé de secours de la DSI : %2.")
                .replace("%1", phrase)
                .replace("%2", it_key)
            )
        self.recover_button.setVisible(locked)
        self.set_button.setVisible(not locked)
        self.form.setRowVisible(self.confirm, not locked)

    def _say(self, message: str) -> None:
        QMessageBox.warning(self, self.tr("Clé de l'historique"), message)

    def recover(self) -> None:
        try:
            recover_history_key(self.records.ws, self.phrase.text())
        except HospiDeskError as exc:
            self._say(exc.message)
            return
        self.records.reopen()  # with the key back in the keyring
        self.phrase.clear()
        self.refresh()
        self.on_change()  # type: ignore[operator]

    def set_phrase(self) -> None:
        if self.phrase.text() != self.confirm.text():
            self._say(self.tr("Les deux phrases saisies sont différentes."))
            return
        try:
            self.records.ws.key_store().set_recovery(self.phrase.text())
        except HospiDeskError as exc:
            self._say(exc.message)
            return
        self.phrase.clear()
        self.confirm.clear()
        self.refresh()
        QMessageBox.information(
            self,
            self.tr("Clé de l'historique"),
            self.tr("Phrase de secours enregistrée : gardez-la en lieu sûr."),
        )


class HistoryDialog(QDialog):
    """``chosen`` is the draft to reopen when the dialog is accepted; ``export_after`` says
    whether the user asked to export it again."""

    def __init__(
        self, records: DraftRecords, titles: Mapping[str, str], parent: QWidget | None = None
    ) -> None:
        super().__init__(parent)
        self.records = records
        self.titles = titles
        self.chosen: Draft | None = None
        self.export_after = False
        self.setWindowTitle(self.tr("Historique des brouillons"))
        self.resize(820, 560)
        self.banner = ErrorBanner()
        self.search = QLineEdit()
        self.search.setPlaceholderText(self.tr("Rechercher (tâche, date, statut)…"))
        self.search.setAccessibleName(self.tr("Rechercher dans l'historique"))
        self.search.setClearButtonEnabled(True)
        self.search.textChanged.connect(self.filter)
        self.table = QTableWidget(0, 3)
        self.table.setHorizontalHeaderLabels(
            [self.tr("Modifié le"), self.tr("Tâche"), self.tr("Statut")]
        )
        self.table.setAccessibleName(self.tr("Brouillons conservés"))
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.verticalHeader().hide()
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(0, QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(1, QHeaderView.ResizeMode.Stretch)
        header.setSectionResizeMode(2, QHeaderView.ResizeMode.ResizeToContents)
        self.table.doubleClicked.connect(self.reopen)
        self.empty = QLabel()
        self.reopen_button = QPushButton(self.tr("R&ouvrir"))
        self.reopen_button.setDefault(True)
        self.reopen_button.clicked.connect(self.reopen)
        self.export_button = QPushButton(self.tr("E&xporter à nouveau…"))
        self.export_button.clicked.connect(self.export_again)
        self.delete_button = QPushButton(self.tr("&Supprimer"))
        self.delete_button.clicked.connect(self.delete)
        close = QPushButton(self.tr("&Fermer"))
        close.clicked.connect(self.reject)
        QShortcut(QKeySequence(QKeySequence.StandardKey.Delete), self.table, self.delete)
        QShortcut(QKeySequence("Ctrl+F"), self, self.search.setFocus)
        buttons = QHBoxLayout()
        for button in (self.reopen_button, self.export_button, self.delete_button):
            buttons.addWidget(button)
        buttons.addStretch()
        buttons.addWidget(close)
        self.key_box = KeyBox(records, self.load)
        layout = QVBoxLayout(self)
        layout.addWidget(self.banner)
        layout.addWidget(self.search)
        layout.addWidget(self.table, 1)
        layout.addWidget(self.empty)
        layout.addLayout(buttons)
        layout.addWidget(self.key_box)
        self.load()

    def load(self) -> None:
        history = self.records.history()
        infos = history.list() if history is not None else []
        self.table.setRowCount(0)
        for info in infos:
            row = self.table.rowCount()
            self.table.insertRow(row)
            when = QTableWidgetItem(local_time(info.updated_at))
            when.setData(Qt.ItemDataRole.UserRole, info)
            self.table.setItem(row, 0, when)
            self.table.setItem(
                row, 1, QTableWidgetItem(self.titles.get(info.task_ref, info.task_ref))
            )
            self.table.setItem(row, 2, QTableWidgetItem(info.status))
        self.empty.setText(
            self.tr("Aucun brouillon conservé.") if history is not None and not infos else ""
        )
        for button in (self.reopen_button, self.export_button, self.delete_button):
            button.setEnabled(bool(infos))
        self.filter(self.search.text())
        if infos:
            self.table.selectRow(0)

    def filter(self, text: str) -> None:
        needle = text.strip().casefold()
        for row in range(self.table.rowCount()):
            info = self.info_at(row)
            if info is None:
                continue
            haystack = " ".join(
                (
                    local_time(info.updated_at),
                    self.titles.get(info.task_ref, ""),
                    info.task_ref,
                    info.status,
                )
            ).casefold()
            self.table.setRowHidden(row, bool(needle) and needle not in haystack)

    def info_at(self, row: int) -> DraftInfo | None:
        item = self.table.item(row, 0)
        value = item.data(Qt.ItemDataRole.UserRole) if item is not None else None
        return value if isinstance(value, DraftInfo) else None

    def selected(self) -> DraftInfo | None:
        rows = self.table.selectionModel().selectedRows()
        if not rows or self.table.isRowHidden(rows[0].row()):
            return None
        return self.info_at(rows[0].row())

    def _open(self) -> Draft | None:
        info = self.selected()
        history = self.records.history()
        if info is None or history is None:
            return None
        if info.task_ref not in self.titles:
            self.banner.show_error(
                self.tr("La tâche de ce brouillon n'est plus disponible sur ce poste."),
                self.tr("Le pack a été retiré ou votre rôle ne le propose plus."),
            )
            return None
        try:
            return history.open(info.id)
        except HospiDeskError as exc:
            self.banner.show_error(exc.message, self.tr("Les autres brouillons restent ouverts."))
            return None

    def reopen(self) -> None:
        draft = self._open()
        if draft is not None:
            self.chosen = draft
            self.accept()

    def export_again(self) -> None:
        draft = self._open()
        if draft is not None:
            self.chosen = draft
            self.export_after = True
            self.accept()

    def delete(self) -> None:
        info = self.selected()
        history = self.records.history()
        if info is None or history is None:
            return
        answer = QMessageBox.question(
            self,
            self.tr("Supprimer le brouillon"),
            self.tr("Supprimer définitivement ce brouillon (%s) ?")
            % self.titles.get(info.task_ref, info.task_ref),
        )
        if answer != QMessageBox.StandardButton.Yes:
            return
        self.records.delete(info)
        self.load()
