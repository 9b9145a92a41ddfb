"""The studio's forms for one task (what it is, its instructions, its fields, its examples) and
for the pack's manifest. They change the tables of a ``StudioPack``; the window checks them."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from PySide6.QtCore import Signal
from PySide6.QtWidgets import (
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from hospidesk.documents.render import fields_printed
from hospidesk.packs.check import Problem, placeholders
from hospidesk.ui.studio_forms import Form, Table, lines
from hospidesk.ui.studio_lists import ListEditor, unique_name

TYPES = (
    ("Texte court", "text"),
    ("Texte long", "long_text"),
    ("Date (JJ/MM/AAAA)", "date"),
    ("Heure", "time"),
    ("Choix dans une liste", "choice"),
    ("Nombre", "number"),
)
SOURCES = (
    ("Aucun texte source", "none"),
    ("Texte source facultatif", "optional"),
    ("Texte source obligatoire", "required"),
)
OUTPUTS = (("Texte libre", "text"), ("Sections (synthèse structurée)", "structured"))
KINDS = {"liste": "list", "texte": "text", "actions": "actions"}
AUTOMATIC = (("Selon le texte source (par défaut)", None), ("Oui", True), ("Non", False))


class ManifestEditor(QWidget):
    """The pack: its title, its job, its summary, its authors, its glossary."""

    edited = Signal()

    def __init__(self) -> None:
        super().__init__()
        layout = QFormLayout(self)
        self.form = Form(layout)
        self.form.text(self.tr("T&itre du pack"), "title")
        self.form.text(self.tr("&Métier (identifiant)"), "job")
        self.form.text(self.tr("&Résumé (une ligne)"), "summary")
        self.form.text(self.tr("&Description"), "description", multiline=True)
        self.form.listed(self.tr("&Auteurs (un par ligne)"), "authors")
        self.form.text(self.tr("Li&cence"), "licence")
        self.form.listed(
            self.tr("Gl&ossaire de la dictée (un mot par ligne)"),
            "glossary",
            self.tr("Les mots que la dictée doit écrire comme l'hôpital : services, médicaments…"),
        )
        self.version = QLabel()
        layout.addRow(self.tr("Version"), self.version)
        self.form.edited.connect(self.edited)

    def load(self, manifest: Table) -> None:
        self.form.load(manifest)
        self.version.setText(str(manifest.get("version", "")))


class TaskEditor(QTabWidget):
    """One task's forms, in four tabs."""

    edited = Signal()

    def __init__(
        self, templates: Callable[[], list[tuple[str, str]]], folder: Callable[[], Path]
    ) -> None:
        super().__init__()
        self.templates = templates
        self.folder = folder
        """The pack's folder, where its templates are."""
        """The templates to choose from: (words, value); a shipped one's value starts with
        « livré: »."""
        self.task: Table | None = None
        self.addTab(self._about(), self.tr("Tâche"))
        self.addTab(self._instructions(), self.tr("Consignes"))
        self.fields = ListEditor(
            "fields",
            lambda f: f"{f.get('label') or '?'} ({f.get('name') or '?'})",
            lambda entries: {"name": unique_name(entries, "champ"), "label": "Nouveau champ"},
            self.tr("&Ajouter un champ"),
        )
        self._field_form(self.fields.form)
        self.addTab(self.fields, self.tr("Champs"))
        self.examples = ListEditor(
            "examples",
            lambda e: str(e.get("description") or "?"),
            lambda entries: {"description": f"Exemple {len(entries) + 1}", "facts": []},
            self.tr("&Ajouter un exemple"),
        )
        self._example_form(self.examples.form)
        self.addTab(self.examples, self.tr("Exemples"))
        for editor in (self.fields, self.examples):
            editor.edited.connect(self._edited)

    def _about(self) -> QWidget:
        page = QWidget()
        layout = QFormLayout(page)
        self.about = Form(layout)
        self.about.text(self.tr("&Titre de la tâche"), "title")
        self.about.text(self.tr("&Identifiant"), "id", tip=self.tr("Le nom du fichier de la tâche"))
        self.about.text(self.tr("&Description"), "description", multiline=True)
        self.about.listed(self.tr("&Conseils (un par ligne, 4 au plus)"), "tips")
        self.template = self.about.choice(self.tr("&Modèle Word"), "template", ())
        self.import_button = QPushButton(self.tr("Importer un modèle &Word…"))
        layout.addRow("", self.import_button)
        self.unprinted = QLabel()
        self.unprinted.setWordWrap(True)
        layout.addRow("", self.unprinted)
        self.about.text(self.tr("O&bjet par défaut"), "subject")
        self.about.choice(self.tr("Relecture des &omissions"), "review_omissions", AUTOMATIC)
        self.about.choice(self.tr("&Vérification des faits"), "lock_facts", AUTOMATIC)
        self.about.edited.connect(self._edited)
        self.source = Form(QFormLayout(), lambda: ("source",))
        layout.addRow(self.source.layout)
        self.source.choice(self.tr("Texte &source"), "mode", SOURCES)
        self.source.text(self.tr("&Nom du texte source"), "label")
        self.source.edited.connect(self._edited)
        return page

    def _instructions(self) -> QWidget:
        page = QWidget()
        column = QVBoxLayout(page)
        layout = QFormLayout()
        column.addLayout(layout)
        self.consignes = Form(layout)
        self.instructions = self.consignes.text(
            self.tr("&Consignes au modèle"),
            "instructions",
            multiline=True,
            tall=True,
            tip=self.tr("{nom_du_champ} désigne un champ ; le modèle lit son libellé."),
        )
        self.consignes.text(self.tr("De&mande courte"), "request")
        self.output = Form(QFormLayout(), lambda: ("output",))
        column.addLayout(self.output.layout)
        self.output.choice(self.tr("&Forme du texte"), "kind", OUTPUTS)
        self.output.parsed(
            self.tr("&Sections (une par ligne : nom | libellé | liste, texte ou actions)"),
            "sections",
            _parse_sections,
            _show_sections,
            [],
        )
        self.output.edited.connect(self._edited)
        self.usable = QLabel()
        self.usable.setWordWrap(True)
        column.addWidget(self.usable)
        self.consignes.edited.connect(self._edited)
        return page

    def _field_form(self, form: Form) -> None:
        form.text(self.tr("&Nom (identifiant)"), "name")
        form.text(self.tr("Li&bellé"), "label")
        form.choice(self.tr("&Type"), "type", TYPES)
        form.flag(self.tr("&Obligatoire"), "required")
        form.listed(self.tr("&Choix (un par ligne)"), "choices")
        form.text(self.tr("&Valeur par défaut"), "default")
        form.text(self.tr("A&ide"), "help")

    def _example_form(self, form: Form) -> None:
        form.text(self.tr("&Description"), "description")
        form.text(self.tr("&Texte source"), "source", multiline=True, tall=True)
        form.parsed(
            self.tr("Valeurs des &champs (nom = valeur)"),
            "fields",
            _parse_values,
            lambda v: "\n".join(f"{k} = {val}" for k, val in (v or {}).items()),
            {},
        )
        form.listed(self.tr("&Faits à garder (un par ligne)"), "facts")

    def load(self, task: Table | None) -> None:
        self.task = task
        self.template.blockSignals(True)
        self.template.clear()
        for words, value in self.templates():
            self.template.addItem(words, value)
        self.template.blockSignals(False)
        self.about.load(task)
        self.source.load(task.setdefault("source", {}) if task is not None else None)
        self.consignes.load(task)
        self.output.load(task.setdefault("output", {}) if task is not None else None)
        self.fields.load(task)
        self.examples.load(task)
        self.import_button.setEnabled(task is not None)
        self._hints()

    def _edited(self) -> None:
        self._hints()
        self.edited.emit()

    def _hints(self) -> None:
        """The fields the instructions may name (ticked when they do), and those the Word
        template does not print (they still reach the model)."""
        task = self.task or {}
        names = [str(f.get("name")) for f in task.get("fields", []) if f.get("name")]
        used = set(placeholders(str(task.get("instructions", ""))))
        listed = ", ".join(f"{{{n}}}" + (" ✓" if n in used else "") for n in names)
        self.usable.setText(self.tr("Champs utilisables dans les consignes : %s") % (listed or "—"))
        template = self.folder() / str(task.get("template", ""))
        printed = fields_printed(template) if template.is_file() else None
        left = [n for n in names if printed is not None and n not in printed]
        self.unprinted.setText(
            self.tr("Champs que ce modèle n'imprime pas (le modèle de langue les lit) : %s")
            % ", ".join(left)
            if left
            else ""
        )

    def show_problems(self, problems: list[Problem]) -> list[Problem]:
        left = self.about.show_problems(problems)
        left = self.source.show_problems(left)
        left = self.consignes.show_problems(left)
        left = self.output.show_problems(left)
        left = self.fields.show_problems(left)
        return self.examples.show_problems(left)

    def template_refused(self, reason: str) -> None:
        """A Word template that could not be taken, said under the template's list."""
        self.about.row("template").error.say([reason])
        self.setCurrentIndex(0)


def _parse_sections(text: str) -> list[dict[str, str]]:
    sections = []
    for line in lines(text):
        parts = [p.strip() for p in line.split("|")]
        section = {"name": parts[0], "label": parts[1] if len(parts) > 1 else ""}
        if len(parts) > 2 and parts[2]:
            section["kind"] = KINDS.get(parts[2].lower(), parts[2])
        sections.append(section)
    return sections


def _show_sections(sections: object) -> str:
    words = {v: k for k, v in KINDS.items()}
    shown = []
    for section in sections if isinstance(sections, list) else []:
        kind = words.get(str(section.get("kind", "list")), str(section.get("kind", "")))
        shown.append(f"{section.get('name', '')} | {section.get('label', '')} | {kind}")
    return "\n".join(shown)


def _parse_values(text: str) -> dict[str, str]:
    values = {}
    for line in lines(text):
        name, _, value = line.partition("=")
        if name.strip():
            values[name.strip()] = value.strip().replace("\\n", "\n")
    return values


class Buttons(QWidget):
    """The studio's commands, in a row."""

    def __init__(self, buttons: list[QPushButton]) -> None:
        super().__init__()
        row = QHBoxLayout(self)
        row.setContentsMargins(0, 0, 0, 0)
        for button in buttons:
            row.addWidget(button)
        row.addStretch(1)
