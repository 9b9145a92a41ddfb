"""Paramètres: the hospital's details, the model and the engine; locked settings are shown
locked, with the reason IT gave."""

from __future__ import annotations

import html

from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QGroupBox,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)

from hospidesk.errors import UsageError
from hospidesk.service.backends import model_entry
from hospidesk.service.onboarding import JOB_SETTING, current_job, visible_jobs
from hospidesk.service.session import change_setting
from hospidesk.service.workspace import Workspace
from hospidesk.settings import SPEC_BY_KEY

DETAILS = (
    "etablissement.nom",
    "etablissement.service",
    "etablissement.adresse",
    "etablissement.telephone",
    "etablissement.ville",
    "signataire.nom",
    "signataire.fonction",
)
LOCK_STYLE = "color: #5f370e; background: #fdf1e0; padding: 2px 4px;"


class SettingsDialog(QDialog):
    def __init__(self, workspace: Workspace, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.workspace = workspace
        self.setWindowTitle(self.tr("Paramètres"))
        self.resize(560, 600)
        settings = workspace.settings
        self.widgets: dict[str, QWidget] = {}
        self.problem = QLabel()
        self.problem.setStyleSheet("color: #b00020;")
        self.problem.setWordWrap(True)
        self.problem.hide()

        profile = self._profile_box()
        details = self._details_box()
        engine = self._engine_box()
        dictation = self._dictation_box()
        feedback = QGroupBox(self.tr("Mesure des gains"))
        feedback_form = QFormLayout(feedback)
        ask = QCheckBox(self.tr("Après chaque tâche, demander si elle m'a aidé"))
        ask.setChecked(settings.get_bool("retours.demander"))
        self._add(feedback_form, "retours.demander", ask)

        buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Save | QDialogButtonBox.StandardButton.Cancel
        )
        buttons.button(QDialogButtonBox.StandardButton.Save).setText(self.tr("Enregistrer"))
        buttons.button(QDialogButtonBox.StandardButton.Cancel).setText(self.tr("Annuler"))
        buttons.accepted.connect(self.save)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(profile)
        layout.addWidget(details)
        layout.addWidget(engine)
        layout.addWidget(dictation)
        layout.addWidget(self._letterhead_box(workspace))
        layout.addWidget(self._servers_box(workspace))
        layout.addWidget(feedback)
        layout.addWidget(self.problem)
        layout.addWidget(buttons)

    def _profile_box(self) -> QGroupBox:
        """The user's job: its tasks first in the library."""
        box = QGroupBox(self.tr("Mon métier"))
        form = QFormLayout(box)
        jobs = QComboBox()
        jobs.addItem(self.tr("(aucun : toutes les tâches dans l'ordre)"), "")
        for job in visible_jobs(self.workspace):
            jobs.addItem(job.title, job.id)
        jobs.setCurrentIndex(max(jobs.findData(current_job(self.workspace) or ""), 0))
        self._add(form, JOB_SETTING, jobs)
        return box

    def _details_box(self) -> QGroupBox:
        """The establishment and the signatory, placed by the templates."""
        settings = self.workspace.settings
        details = QGroupBox(self.tr("Établissement (en-tête et signature des documents)"))
        details_form = QFormLayout(details)
        for key in DETAILS:
            widget: QWidget
            if key == "etablissement.adresse":
                edit = QPlainTextEdit(settings.get(key))
                edit.setTabChangesFocus(True)
                edit.setFixedHeight(edit.fontMetrics().lineSpacing() * 3 + 12)
                widget = edit
            else:
                widget = QLineEdit(settings.get(key))
            self._add(details_form, key, widget)
        return details

    def _engine_box(self) -> QGroupBox:
        """The model, threads, GPU layers and the server that writes."""
        workspace = self.workspace
        settings = workspace.settings
        engine = QGroupBox(self.tr("Modèle et moteur"))
        engine_form = QFormLayout(engine)
        models = QComboBox()
        for item in workspace.catalog.entries:
            models.addItem(item.entry.name, item.entry.id)
        current = model_entry(workspace).id
        models.setCurrentIndex(max(models.findData(current), 0))
        self._add(engine_form, "moteur.modele", models)
        threads = QSpinBox()
        threads.setRange(0, 256)
        threads.setSpecialValueText(self.tr("automatique"))
        threads.setValue(settings.get_int("moteur.threads"))
        self._add(engine_form, "moteur.threads", threads)
        layers = QSpinBox()
        layers.setRange(-1, 999)
        layers.setSpecialValueText(self.tr("toutes si un GPU est présent"))
        layers.setValue(settings.get_int("moteur.couches_gpu"))
        self._add(engine_form, "moteur.couches_gpu", layers)
        servers = QComboBox()
        servers.addItem(self.tr("Ce poste (modèle local)"), "")
        for server in workspace.policy.servers.allowed:
            servers.addItem(f"{server.name} — {server.url}", server.id)
        servers.setCurrentIndex(max(servers.findData(settings.get("moteur.serveur").strip()), 0))
        servers.setEnabled(servers.count() > 1 or "moteur.serveur" in settings.locks)
        self._add(engine_form, "moteur.serveur", servers)
        return engine

    def _dictation_box(self) -> QGroupBox:
        """The speech model, the dictations' language, the user's own words."""
        settings = self.workspace.settings
        box = QGroupBox(self.tr("Dictée"))
        form = QFormLayout(box)
        models = QComboBox()
        models.addItem(self.tr("(celui du catalogue par défaut)"), "")
        allows = self.workspace.policy.dictation.allows
        for entry in (e for e in self.workspace.catalog.speech if allows(e.id)):
            models.addItem(entry.name, entry.id)
        models.setCurrentIndex(max(models.findData(settings.get("dictee.modele").strip()), 0))
        models.setEnabled(bool(self.workspace.catalog.speech))
        self._add(form, "dictee.modele", models)
        languages = QComboBox()
        heard = {code for entry in self.workspace.catalog.speech for code in entry.languages}
        for code in sorted(heard | {"fr", settings.get("dictee.langue")}):
            languages.addItem(self._language_names().get(code, code), code)
        languages.setCurrentIndex(max(languages.findData(settings.get("dictee.langue")), 0))
        self._add(form, "dictee.langue", languages)
        words = QLineEdit(settings.get("dictee.glossaire"))
        words.setPlaceholderText(self.tr("Ex. : Dr Moreau, gliclazide, hôpital de jour"))
        self._add(form, "dictee.glossaire", words)
        if not self.workspace.policy.dictation.enabled:
            box.setTitle(self.tr("Dictée (désactivée sur ce poste par la DSI)"))
            box.setEnabled(False)
        return box

    def _language_names(self) -> dict[str, str]:
        """Dictation languages by their name in the window's language (else their code)."""
        return {
            "fr": self.tr("français"),
            "en": self.tr("anglais"),
            "de": self.tr("allemand"),
            "es": self.tr("espagnol"),
            "it": self.tr("italien"),
        }

    def _letterhead_box(self, workspace: Workspace) -> QGroupBox:
        """The letterheads in force, read-only: IT installs them in the site directory."""
        state = workspace.letterheads
        box = QGroupBox(self.tr("En-tête des documents (installé par la DSI)"))
        column = QVBoxLayout(box)
        lines = []
        if state.site is not None:
            lines.append(
                self.tr("%1 — empreinte %2")
                .replace("%1", f"<b>{html.escape(state.site.label)}</b>")
                .replace("%2", state.site.sha256[:16])
            )
        else:
            lines.append(
                self.tr(
                    "Aucun : chaque document prend l'en-tête de son modèle (coordonnées ci-dessus)."
                )
            )
        for job, item in sorted(state.jobs.items()):
            lines.append(
                self.tr("Métier %1 : %2")
                .replace("%1", html.escape(job))
                .replace("%2", html.escape(item.label))
            )
        label = QLabel("<br>".join(lines))
        label.setWordWrap(True)
        label.setAccessibleName(self.tr("En-tête des documents"))
        column.addWidget(label)
        for problem in state.problems:
            refused = QLabel(html.escape(problem))
            refused.setStyleSheet("color: #b00020;")
            refused.setWordWrap(True)
            column.addWidget(refused)
        return box

    def _servers_box(self, workspace: Workspace) -> QGroupBox:
        """The servers the machine policy allows, read-only: IT decides them."""
        policy = workspace.policy.servers
        box = QGroupBox(self.tr("Serveurs d'inférence autorisés par la DSI"))
        column = QVBoxLayout(box)
        if not policy.allowed:
            column.addWidget(QLabel(self.tr("Aucun : les textes ne quittent jamais ce poste.")))
            return box
        for server in policy.allowed:
            lines = [
                f"<b>{html.escape(server.name)}</b> — {html.escape(server.url)}",
                self.tr("Modèles : %s") % html.escape(", ".join(server.models)),
            ]
            if server.api_key:
                lines.append(self.tr("Clé d'API dans le trousseau du système"))
            if server.ca_file:
                lines.append(self.tr("Certificat vérifié par l'autorité de l'hôpital"))
            label = QLabel("<br>".join(lines))
            label.setWordWrap(True)
            column.addWidget(label)
        fallback = (
            self.tr("Si le serveur ne répond pas, le modèle de ce poste prend le relais.")
            if policy.fallback_local
            else self.tr("Si le serveur ne répond pas, la rédaction est impossible.")
        )
        privacy = (
            self.tr("Les identifiants de patient sont pseudonymisés avant l'envoi.")
            if policy.pseudonymise
            else self.tr("Les textes sont envoyés tels quels au serveur de l'hôpital.")
        )
        column.addWidget(QLabel(f"{fallback}<br>{privacy}"))
        return box

    def _add(self, form: QFormLayout, key: str, widget: QWidget) -> None:
        label = SPEC_BY_KEY[key].label
        widget.setAccessibleName(label)
        lock = self.workspace.settings.locks.get(key)
        self.widgets[key] = widget
        if lock is None:
            form.addRow(label, widget)
            return
        widget.setEnabled(False)
        reason = self.tr("Verrouillé par la DSI : %s") % lock.reason
        widget.setToolTip(reason)
        widget.setAccessibleDescription(reason)
        note = QLabel(reason)
        note.setStyleSheet(LOCK_STYLE)
        note.setWordWrap(True)
        box = QWidget()
        column = QVBoxLayout(box)
        column.setContentsMargins(0, 0, 0, 0)
        column.addWidget(widget)
        column.addWidget(note)
        form.addRow(label, box)

    def value(self, key: str) -> str:
        widget = self.widgets[key]
        if isinstance(widget, QComboBox):
            return str(widget.currentData())
        if isinstance(widget, QSpinBox):
            return str(widget.value())
        if isinstance(widget, QCheckBox):
            return "oui" if widget.isChecked() else "non"
        if isinstance(widget, QPlainTextEdit):
            return widget.toPlainText()
        assert isinstance(widget, QLineEdit)
        return widget.text()

    def save(self) -> None:
        settings = self.workspace.settings
        try:
            for key in self.widgets:
                if key not in settings.locks and self.value(key) != settings.get(key):
                    change_setting(self.workspace, key, self.value(key))
        except UsageError as exc:
            self.problem.setText(exc.message)
            self.problem.show()
            return
        self.accept()
