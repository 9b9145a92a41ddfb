"""« Studio de tâches »: an AI referent writes, tries, tests, signs and publishes a job's tasks.

A face over service/studio.py and service/publishing.py: the window holds a ``StudioPack``
and its forms change its tables; after each change the problems are computed again and shown
beside their fields, and the pack is journalled (a crash loses nothing). The model's work
(« Essayer », « Tester le pack ») runs off the window's thread through ``Background``.
"""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import Qt, QTimer
from PySide6.QtGui import QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QFileDialog,
    QHBoxLayout,
    QLabel,
    QListWidget,
    QMainWindow,
    QMessageBox,
    QProgressBar,
    QPushButton,
    QSplitter,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from hospidesk.errors import HospiDeskError
from hospidesk.packs.authoring import shipped_templates
from hospidesk.packs.check import Problem
from hospidesk.service import publishing, studio
from hospidesk.service.pack_test import Outcome, PackReport
from hospidesk.service.studio import StudioPack
from hospidesk.service.workspace import Workspace
from hospidesk.ui.background import Background
from hospidesk.ui.studio_results import (
    publish_dialog,
    show_report,
    show_tried,
    signing_key_dialog,
)
from hospidesk.ui.studio_task import Buttons, ManifestEditor, TaskEditor

SHIPPED = "livré:"
CHECK_MS = 150
"""Problems are computed again this long after the last key (typing stays fluid)."""
JOURNAL_MS = 400
"""The journal is written this long after the last change: a crash loses under a second."""


class StudioWindow(QMainWindow):
    def __init__(self, workspace: Workspace, pack: StudioPack) -> None:
        super().__init__()
        self.workspace = workspace
        self.pack = pack
        self.background = Background(self)
        self.problems: list[Problem] = []
        self.setWindowTitle(self.tr("Studio de tâches — %s") % pack.id)
        self.manifest = ManifestEditor()
        self.editor = TaskEditor(self._templates, lambda: self.pack.folder)
        self.tasks = QListWidget()
        self.tasks.setAccessibleName(self.tr("Tâches du pack"))
        self.tasks.currentRowChanged.connect(self._select_task)
        self.problem_list = QListWidget()
        self.problem_list.setAccessibleName(self.tr("Problèmes à corriger"))
        self.problem_list.setMaximumHeight(120)
        self.state = QLabel()
        self.progress = QProgressBar()
        self.progress.hide()
        self._layout()
        self._actions()
        self.check_timer = QTimer(self, singleShot=True, interval=CHECK_MS)
        self.check_timer.timeout.connect(self.check)
        self.journal_timer = QTimer(self, singleShot=True, interval=JOURNAL_MS)
        self.journal_timer.timeout.connect(self._journal)
        self.manifest.edited.connect(self._edited)
        self.editor.edited.connect(self._edited)
        self.editor.import_button.clicked.connect(self.import_template)
        self.manifest.load(pack.manifest)
        self._fill_tasks(0)
        self.check()
        if pack.recovered:
            self.state.setText(self.tr("Modifications non enregistrées reprises après un arrêt."))

    def _layout(self) -> None:
        self.add_button = QPushButton(self.tr("Nouvelle tâche (Ctrl+N)"))
        self.add_button.clicked.connect(self.add_task)
        self.duplicate_button = QPushButton(self.tr("Dupliquer (Ctrl+D)"))
        self.duplicate_button.clicked.connect(self.duplicate_task)
        self.delete_button = QPushButton(self.tr("Supprimer la tâche"))
        self.delete_button.clicked.connect(self.delete_task)
        left = QWidget()
        column = QVBoxLayout(left)
        column.addWidget(QLabel(self.tr("Tâches")))
        column.addWidget(self.tasks)
        for button in (self.add_button, self.duplicate_button, self.delete_button):
            column.addWidget(button)
        self.sections = QTabWidget()
        self.sections.addTab(self.editor, self.tr("Tâche sélectionnée"))
        self.sections.addTab(self.manifest, self.tr("Pack"))
        split = QSplitter(Qt.Orientation.Horizontal)
        split.addWidget(left)
        split.addWidget(self.sections)
        split.setStretchFactor(1, 4)
        self.save_button = QPushButton(self.tr("&Enregistrer"))
        self.try_button = QPushButton(self.tr("Essa&yer"))
        self.test_button = QPushButton(self.tr("Tester &le pack"))
        self.key_button = QPushButton(self.tr("Clé de si&gnature…"))
        self.publish_button = QPushButton(self.tr("&Publier…"))
        central = QWidget()
        page = QVBoxLayout(central)
        page.addWidget(split, 1)
        page.addWidget(QLabel(self.tr("Problèmes à corriger")))
        page.addWidget(self.problem_list)
        row = QHBoxLayout()
        row.addWidget(self.state, 1)
        row.addWidget(self.progress)
        page.addLayout(row)
        page.addWidget(
            Buttons(
                [
                    self.save_button,
                    self.try_button,
                    self.test_button,
                    self.key_button,
                    self.publish_button,
                ]
            )
        )
        self.setCentralWidget(central)

    def _actions(self) -> None:
        for button, keys, slot in (
            (self.save_button, "Ctrl+S", self.save),
            (self.try_button, "Ctrl+R", self.try_example),
            (self.test_button, "Ctrl+T", self.test_pack),
            (self.key_button, None, self.signing_key),
            (self.publish_button, "Ctrl+P", self.publish),
        ):
            if keys:
                button.setShortcut(QKeySequence(keys))
                button.setToolTip(QKeySequence(keys).toString())
            button.clicked.connect(slot)
        self.problem_list.itemActivated.connect(lambda _: self._go_to_problem())
        for keys, slot in (
            ("Ctrl+0", self.tasks.setFocus),
            ("Ctrl+1", lambda: self.go_to(0)),
            ("Ctrl+2", lambda: self.go_to(1)),
            ("Ctrl+3", lambda: self.go_to(2)),
            ("Ctrl+4", lambda: self.go_to(3)),
            ("Ctrl+5", lambda: self.go_to(None)),
            ("Ctrl+N", self.add_task),
            ("Ctrl+D", self.duplicate_task),
        ):
            QShortcut(QKeySequence(keys), self).activated.connect(slot)

    def go_to(self, page: int | None) -> None:
        """A page of the task (0 to 3), or the pack's (None), its first entry focused."""
        if page is None:
            self.sections.setCurrentWidget(self.manifest)
            self.manifest.form.rows[0].widget.setFocus()
            return
        self.sections.setCurrentWidget(self.editor)
        self.editor.setCurrentIndex(page)
        first = (
            self.editor.about.rows[0].widget,
            self.editor.instructions,
            self.editor.fields.items,
            self.editor.examples.items,
        )
        first[page].setFocus()

    # the tasks

    def _fill_tasks(self, select: int) -> None:
        self.tasks.blockSignals(True)
        self.tasks.clear()
        for task in self.pack.tasks:
            self.tasks.addItem(str(task.get("title") or task.get("id") or "?"))
        self.tasks.blockSignals(False)
        count = self.tasks.count()
        self.tasks.setCurrentRow(min(select, count - 1) if count else -1)
        self._select_task(self.tasks.currentRow())

    def _select_task(self, row: int) -> None:
        self.editor.load(self.pack.tasks[row] if 0 <= row < len(self.pack.tasks) else None)
        self._show_problems()

    def current_task(self) -> dict[str, object] | None:
        row = self.tasks.currentRow()
        return self.pack.tasks[row] if 0 <= row < len(self.pack.tasks) else None

    def add_task(self) -> None:
        studio.add_task(self.pack, self.tr("Nouvelle tâche"))
        self._fill_tasks(len(self.pack.tasks) - 1)
        self._edited()
        self.editor.setCurrentIndex(0)
        self.editor.about.rows[0].widget.setFocus()

    def duplicate_task(self) -> None:
        task = self.current_task()
        if task is not None:
            studio.add_task(self.pack, f"{task.get('title', '')} (copie)", task)
            self._fill_tasks(len(self.pack.tasks) - 1)
            self._edited()

    def delete_task(self) -> None:
        row = self.tasks.currentRow()
        if 0 <= row < len(self.pack.tasks) and self._confirm(self.tr("Supprimer cette tâche ?")):
            del self.pack.tasks[row]
            self._fill_tasks(row)
            self._edited()

    def _templates(self) -> list[tuple[str, str]]:
        own = [(name, name) for name in studio.templates(self.pack)]
        shipped = [
            (self.tr("%s (modèle livré)") % name, SHIPPED + name) for name in shipped_templates()
        ]
        return own + shipped

    def import_template(self) -> None:
        chosen, _ = QFileDialog.getOpenFileName(
            self, self.tr("Importer un modèle Word"), "", self.tr("Documents Word (*.docx)")
        )
        if chosen:
            self._place_template(lambda: studio.import_template(self.pack, Path(chosen)))

    def _place_template(self, place: object) -> None:
        task = self.current_task()
        if task is None:
            return
        try:
            name = place()  # type: ignore[operator]
        except HospiDeskError as exc:
            self.editor.template_refused(exc.message)
            return
        task["template"] = name
        self.editor.load(task)
        self._edited()

    # checking and keeping

    def _edited(self) -> None:
        task = self.current_task()
        row = self.tasks.currentRow()
        if task is not None and self.tasks.item(row) is not None:
            self.tasks.item(row).setText(str(task.get("title") or task.get("id") or "?"))
        self.check_timer.start()
        self.journal_timer.start()

    def _journal(self) -> None:
        try:
            studio.journal(self.pack)
        except OSError as exc:
            self.say(self.tr("Sauvegarde automatique impossible : %s") % exc.strerror, True)

    def check(self) -> None:
        task = self.current_task()
        template = str(task.get("template", "")) if task is not None else ""
        if template.startswith(SHIPPED):  # chosen in the list (after the last key typed)
            chosen = template.removeprefix(SHIPPED)
            self._place_template(lambda: studio.use_shipped_template(self.pack, chosen))
        self.problems = studio.problems(self.pack)
        self._show_problems()
        self.save_button.setEnabled(not self.problems)
        self.publish_button.setEnabled(not self.problems)

    def _show_problems(self) -> None:
        task = self.current_task()
        file = f"tasks/{task.get('id')}.toml" if task is not None else ""
        mine = [p for p in self.problems if p.file == file]
        left = self.editor.show_problems(mine)
        self.manifest.form.show_problems([p for p in self.problems if p.file == "pack.toml"])
        self.problem_list.clear()
        for problem in self.problems:
            self.problem_list.addItem(str(problem))
        unplaced = [p for p in left if not p.place]
        if unplaced:
            self.say(unplaced[0].reason, error=True)

    def _go_to_problem(self) -> None:
        problem = self.problems[self.problem_list.currentRow()]
        if problem.file == "pack.toml":
            self.sections.setCurrentWidget(self.manifest)
            return
        for row, task in enumerate(self.pack.tasks):
            if problem.file == f"tasks/{task.get('id')}.toml":
                self.tasks.setCurrentRow(row)
                self.sections.setCurrentWidget(self.editor)
                tab = {"fields": 2, "examples": 3, "instructions": 1, "request": 1}
                self.editor.setCurrentIndex(
                    tab.get(str(problem.place[:1][0]) if problem.place else "", 0)
                )

    def save(self) -> None:
        try:
            studio.save(self.pack)
        except HospiDeskError as exc:
            self.say(exc.message, error=True)
            return
        self.say(self.tr("Pack enregistré."))

    # the model's work

    def try_example(self) -> None:
        task = self.current_task()
        if task is None:
            return
        number = max(self.editor.examples.items.currentRow(), 0) + 1
        task_id = str(task.get("id"))
        self._busy(self.tr("Essai de l'exemple n° %d avec le modèle…") % number)
        pack = self.pack.snapshot()  # the forms stay free while the model writes
        self.background.run(
            lambda: publishing.try_example(self.workspace, pack, task_id, number),
            self._tried,
            self._failed,
            key="studio-model",
        )

    def _tried(self, tried: publishing.Tried) -> None:
        self._idle()
        show_tried(self, tried)

    def test_pack(self) -> None:
        self._busy(self.tr("Test du pack…"))
        pack = self.pack.snapshot()  # what is tested: the pack as it is now
        self.background.stream(
            lambda report: publishing.test_pack(
                self.workspace, pack, lambda o, done, total: report((o, done, total))
            ),
            self._tested_one,
            lambda report: self._tested(report, pack),
            self._failed,
            key="studio-model",
        )

    def _tested_one(self, news: tuple[Outcome, int, int]) -> None:
        _, done, total = news
        self.progress.setRange(0, total)
        self.progress.setValue(done)

    def _tested(self, report: PackReport, tested: StudioPack) -> None:
        self._idle()
        self.pack.meta.update(tested.meta)  # its hash: a change made since still needs a test
        failed = sum(not o.passed for o in report.outcomes)
        self.say(
            self.tr("Test terminé : %d exemple(s), %d en échec.") % (len(report.outcomes), failed),
            error=bool(failed),
        )
        show_report(self, report)

    def _busy(self, text: str) -> None:
        self.say(text)
        self.progress.setRange(0, 0)
        self.progress.show()
        for button in (self.try_button, self.test_button, self.publish_button):
            button.setEnabled(False)

    def _idle(self) -> None:
        self.progress.hide()
        self.try_button.setEnabled(True)
        self.test_button.setEnabled(True)
        self.publish_button.setEnabled(not self.problems)

    def _failed(self, error: Exception) -> None:
        self._idle()
        message = error.message if isinstance(error, HospiDeskError) else repr(error)
        self.say(message, error=True)

    # signing and publishing

    def signing_key(self) -> None:
        signing_key_dialog(self, self.workspace)

    def publish(self) -> None:
        published = publish_dialog(self, self.workspace, self.pack)
        if published is not None:
            self.manifest.load(self.pack.manifest)
            self.say(
                self.tr("Pack publié : %s (version %s, signé par la clé %s).")
                % (published.file, published.version, published.signer)
            )

    # messages

    def say(self, text: str, error: bool = False) -> None:
        self.state.setStyleSheet("color: #b00020;" if error else "")
        self.state.setText(text)

    def _confirm(self, question: str) -> bool:
        answer = QMessageBox.question(self, self.tr("Studio de tâches"), question)
        return answer == QMessageBox.StandardButton.Yes

    def closeEvent(self, event: object) -> None:
        if self.journal_timer.isActive():
            self.journal_timer.stop()
            self._journal()
        super().closeEvent(event)  # type: ignore[arg-type]
