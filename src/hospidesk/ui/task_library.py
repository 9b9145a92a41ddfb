"""The task library: tasks grouped by pack, the user's job first and open, the other jobs
closed below; a search box (which opens everything) and favourites."""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QLineEdit,
    QTreeWidget,
    QTreeWidgetItem,
    QVBoxLayout,
    QWidget,
)

from hospidesk.packs.loader import PackTask

REF_ROLE = Qt.ItemDataRole.UserRole


class TaskLibrary(QWidget):
    task_selected = Signal(str)  # pack/task reference
    favourite_toggled = Signal(str, bool)

    def __init__(
        self,
        tasks: list[PackTask],
        favourites: set[str],
        job: str | None = None,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.tasks = tasks
        self.favourites = set(favourites)
        self.job = job
        self.search = QLineEdit()
        self.search.setPlaceholderText(self.tr("Rechercher une tâche (Ctrl+F)"))
        self.search.setAccessibleName(self.tr("Rechercher une tâche"))
        self.search.setClearButtonEnabled(True)
        self.tree = QTreeWidget()
        self.tree.setHeaderHidden(True)
        self.tree.setAccessibleName(self.tr("Bibliothèque de tâches"))
        self.tree.setAccessibleDescription(
            self.tr("Tâches classées par métier. Entrée ouvre la tâche, F2 la met en favori.")
        )
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.search)
        layout.addWidget(self.tree)
        self.search.textChanged.connect(self.refresh)
        self.search.returnPressed.connect(self._open_first_match)
        self.tree.itemActivated.connect(self._activated)
        self.tree.currentItemChanged.connect(lambda item, _: self._activated(item))
        self.refresh()

    def refresh(self) -> None:
        needle = self.search.text().strip().casefold()
        current = self.current_ref()
        self.tree.clear()
        groups: dict[str, QTreeWidgetItem] = {}
        mine: set[str] = set()
        favourites = QTreeWidgetItem([self.tr("★ Favoris")])
        favourites.setFlags(Qt.ItemFlag.ItemIsEnabled)
        for item in self.tasks:
            haystack = f"{item.task.title} {item.task.description} {item.pack.manifest.title}"
            if needle and needle not in haystack.casefold():
                continue
            if item.ref in self.favourites:
                self._leaf(favourites, item)
            group = groups.get(item.pack.id)
            if group is None:
                group = QTreeWidgetItem([item.pack.manifest.title])
                group.setFlags(Qt.ItemFlag.ItemIsEnabled)
                groups[item.pack.id] = group
                if item.pack.manifest.job == self.job:
                    mine.add(item.pack.id)
            self._leaf(group, item)
        if favourites.childCount():
            self.tree.addTopLevelItem(favourites)
        ordered = sorted(groups.items(), key=lambda kv: (kv[0] not in mine, kv[1].text(0)))
        for _, group in ordered:
            self.tree.addTopLevelItem(group)
        if needle or self.job is None:
            self.tree.expandAll()
        else:
            favourites.setExpanded(True)
            for pack_id, group in groups.items():
                group.setExpanded(pack_id in mine)
        if current:
            self.select(current, emit=False)

    def _leaf(self, parent: QTreeWidgetItem, item: PackTask) -> None:
        star = "★ " if item.ref in self.favourites else ""
        leaf = QTreeWidgetItem(parent, [star + item.task.title])
        leaf.setData(0, REF_ROLE, item.ref)
        leaf.setToolTip(0, item.task.description)

    def set_job(self, job: str | None) -> None:
        """The user's job changed (Paramètres): its tasks first and open."""
        self.job = job
        self.refresh()

    def current_ref(self) -> str | None:
        item = self.tree.currentItem()
        ref = item.data(0, REF_ROLE) if item is not None else None
        return str(ref) if ref else None

    def select(self, ref: str, emit: bool = True) -> None:
        for leaf in self._leaves():
            if leaf.data(0, REF_ROLE) == ref:
                parent = leaf.parent()
                if parent is not None:
                    parent.setExpanded(True)  # a task of another job, opened from elsewhere
                self.tree.blockSignals(not emit)
                self.tree.setCurrentItem(leaf)
                self.tree.blockSignals(False)
                if emit:
                    self.task_selected.emit(ref)
                return

    def _leaves(self) -> list[QTreeWidgetItem]:
        found: list[QTreeWidgetItem] = []
        for i in range(self.tree.topLevelItemCount()):
            group = self.tree.topLevelItem(i)
            if group is not None:
                found += [c for j in range(group.childCount()) if (c := group.child(j))]
        return found

    def _activated(self, item: QTreeWidgetItem | None) -> None:
        ref = item.data(0, REF_ROLE) if item is not None else None
        if ref:
            self.task_selected.emit(str(ref))

    def _open_first_match(self) -> None:
        leaves = self._leaves()
        if leaves:
            self.tree.setCurrentItem(leaves[0])
            self.tree.setFocus()

    def toggle_favourite(self) -> None:
        ref = self.current_ref()
        if not ref:
            return
        on = ref not in self.favourites
        if on:
            self.favourites.add(ref)
        else:
            self.favourites.discard(ref)
        self.refresh()
        self.favourite_toggled.emit(ref, on)
