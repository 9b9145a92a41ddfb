"""Small widgets of the main window: the error banner and the engine's status."""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import QCoreApplication, Qt
from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import (
    QFrame,
    QHBoxLayout,
    QLabel,
    QMainWindow,
    QProgressBar,
    QPushButton,
    QStatusBar,
    QToolButton,
)

BANNER_STYLE = "QFrame { background: #fde7e9; border: 1px solid #d13438; border-radius: 4px; }"
LOCAL_STYLE = "color: #0b6a0b; font-weight: bold; padding: 0 6px;"


class ErrorBanner(QFrame):
    """What failed and what to do, above everything; closed by the user or the next success."""

    def __init__(self) -> None:
        super().__init__()
        self.setStyleSheet(BANNER_STYLE)
        self.setAccessibleName(self.tr("Message d'erreur"))
        layout = QHBoxLayout(self)
        self.text = QLabel()
        self.text.setWordWrap(True)
        self.text.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        close = QToolButton()
        close.setText("✕")
        close.setAccessibleName(self.tr("Fermer le message"))
        close.clicked.connect(self.hide)
        layout.addWidget(self.text, 1)
        layout.addWidget(close)
        self.hide()

    def show_error(self, message: str, hint: str) -> None:
        self.text.setText(f"<b>{message}</b><br>{hint}")
        self.show()


INFO_STYLE = "QFrame { background: #e8f0fc; border: 1px solid #8fb3de; border-radius: 4px; }"


class InfoBanner(ErrorBanner):
    """News and reminders above the panels, not errors: what changed, the rules' key point."""

    def __init__(self) -> None:
        super().__init__()
        self.setStyleSheet(INFO_STYLE)
        self.setAccessibleName(self.tr("Information"))

    def show_info(self, lines: list[str]) -> None:
        self.text.setText("<br>".join(lines))
        self.show()


class EngineStatus:
    """The status bar's model, loading, speed and « 100 % local » indicators."""

    def __init__(self, bar: QStatusBar) -> None:
        self.model = QLabel(QCoreApplication.translate("EngineStatus", "Modèle : chargement…"))
        self.model.setAccessibleName(QCoreApplication.translate("EngineStatus", "Modèle utilisé"))
        self.loading = QProgressBar()
        self.loading.setRange(0, 0)
        self.loading.setMaximumWidth(120)
        self.loading.setAccessibleName(
            QCoreApplication.translate("EngineStatus", "Chargement du modèle")
        )
        self.speed = QLabel()
        self.speed.setAccessibleName(
            QCoreApplication.translate("EngineStatus", "Vitesse de génération")
        )
        self.local = QLabel(
            QCoreApplication.translate(
                "EngineStatus", "✔ 100 % local — aucune donnée ne quitte ce poste"
            )
        )
        self.local.setStyleSheet(LOCAL_STYLE)
        self.local.setAccessibleName(
            QCoreApplication.translate("EngineStatus", "Fonctionnement 100 % local")
        )
        self.warm = QLabel()
        self.warm.setEnabled(False)  # discreet: greyed, the user has nothing to do about it
        self.warm.setAccessibleName(
            QCoreApplication.translate("EngineStatus", "Préparation des tâches à l'avance")
        )
        self.warm.hide()
        self._part = ""  # « Texte long : partie 2 sur 5 » while a long text is read by parts
        bar.addWidget(self.model)
        bar.addWidget(self.loading)
        bar.addWidget(self.speed)
        bar.addWidget(self.warm)
        bar.addPermanentWidget(self.local)

    def model_state(self, text: str, loading: bool) -> None:
        self.model.setText(text)
        self.loading.setVisible(loading)

    def loading_model(self, name: str) -> None:
        self.model_state(
            QCoreApplication.translate("EngineStatus", "Modèle : %s — chargement…") % name,
            loading=True,
        )

    def local_model(self, name: str, notice: bool = False) -> None:
        """The workstation's model writes (``notice``: although a server was chosen)."""
        if notice:
            text = QCoreApplication.translate(
                "EngineStatus", "Modèle : %s (ce poste, le serveur ne répond pas)"
            )
        else:
            text = QCoreApplication.translate("EngineStatus", "Modèle : %s (prêt)")
        self.model_state(text % name, loading=False)
        self.where(None, False)

    def server(self, name: str, model: str, pseudonymised: bool) -> None:
        text = (
            QCoreApplication.translate("EngineStatus", "Serveur « %1 » — modèle %2")
            .replace("%1", name)
            .replace("%2", model)
        )
        self.model_state(text, loading=False)
        self.where(name, pseudonymised)

    def writing(self) -> None:
        self.speed.setText(QCoreApplication.translate("EngineStatus", "Rédaction en cours…"))

    def reading(self, done: int, total: int) -> None:
        """A long text is being read, before the first word."""
        percent = 100 * done // total if total else 100
        text = QCoreApplication.translate("EngineStatus", "Lecture du texte : %1 %")
        text = text.replace("%1", str(percent))
        self.speed.setText(f"{self._part} — {text}" if self._part else text)

    def part(self, done: int, total: int) -> None:
        """A text too long for one prompt, read part by part."""
        self._part = ""
        if done < total:
            text = QCoreApplication.translate("EngineStatus", "Texte long : partie %1 sur %2")
            self._part = text.replace("%1", str(done + 1)).replace("%2", str(total))
            self.speed.setText(self._part)

    def checking_facts(self, missing: int) -> None:
        """The draft left facts of the source out: the model is asked for them."""
        text = QCoreApplication.translate(
            "EngineStatus", "Vérification des faits : %n information(s) à reprendre…", "", missing
        )
        self.speed.setText(text)

    def step(self, text: str) -> None:
        """A step of the draft this window has no words of its own for, in the service's."""
        self.speed.setText(text)

    def warming(self, done: int, total: int, finished: bool) -> None:
        """The tasks' instructions read ahead while the user is idle."""
        if finished or total == 0:
            self.warm.hide()
            return
        text = QCoreApplication.translate("EngineStatus", "Préparation des tâches : %1/%2")
        self.warm.setText(text.replace("%1", str(done)).replace("%2", str(total)))
        self.warm.show()

    def progress(self, tokens: int, rate: float) -> None:
        text = QCoreApplication.translate("EngineStatus", "%1 jetons — %2 jetons/s")
        self.speed.setText(text.replace("%1", str(tokens)).replace("%2", f"{rate:.1f}"))

    def finished(self, tokens: int, seconds: float) -> None:
        text = QCoreApplication.translate("EngineStatus", "Terminé : %1 jetons en %2 s")
        self.speed.setText(text.replace("%1", str(tokens)).replace("%2", f"{seconds:.1f}"))
        self.speed.setToolTip(f"{tokens / seconds if seconds else 0.0:.1f} jetons/s")

    def stopped(self) -> None:
        self.speed.setText(
            QCoreApplication.translate(
                "EngineStatus", "Génération arrêtée : le texte déjà écrit est conservé."
            )
        )

    def unavailable(self) -> None:
        self.model_state(
            QCoreApplication.translate("EngineStatus", "Modèle : indisponible"), loading=False
        )

    def where(self, server: str | None, pseudonymised: bool) -> None:
        """The badge says where the text goes: nowhere, or to the hospital's server."""
        if server is None:
            self.local.setText(
                QCoreApplication.translate(
                    "EngineStatus", "✔ 100 % local — aucune donnée ne quitte ce poste"
                )
            )
            self.local.setStyleSheet(LOCAL_STYLE)
            self.local.setAccessibleName(
                QCoreApplication.translate("EngineStatus", "Fonctionnement 100 % local")
            )
            return
        if pseudonymised:
            text = QCoreApplication.translate(
                "EngineStatus", "Serveur de l'hôpital « %s » — identifiants pseudonymisés"
            )
        else:
            text = QCoreApplication.translate(
                "EngineStatus", "Serveur de l'hôpital « %s » — textes envoyés tels quels"
            )
        self.local.setText(text % server)
        self.local.setStyleSheet(SERVER_STYLE)
        self.local.setAccessibleName(
            QCoreApplication.translate("EngineStatus", "Rédaction sur le serveur de l'hôpital")
        )


SERVER_STYLE = "color: #0b3d91; background: #e8f0fc; padding: 2px 6px; border-radius: 3px;"
PRIVACY_STYLE = "background: #eef4fb; border: 1px solid #8fb3de; padding: 4px; border-radius: 3px;"


class PrivacyNotice(QLabel):
    """Which patient identifiers the inputs hold: kinds and counts, never the values."""

    def __init__(self) -> None:
        super().__init__()
        self.setWordWrap(True)
        self.setStyleSheet(PRIVACY_STYLE)
        self.setAccessibleName(self.tr("Identifiants de patient détectés"))
        self.hide()

    def show_found(self, found: str, server: str | None = None, pseudonymised: bool = True) -> None:
        """``server``: the hospital's server the text goes to, if any."""
        if server is None:
            text = self.tr(
                "Contient des identifiants de patient : %s. Ils restent sur ce "
                "poste et ne sont écrits dans aucun journal."
            )
        elif pseudonymised:
            text = self.tr(
                "Contient des identifiants de patient : %s. Ils sont remplacés par des "
                "pseudonymes avant l'envoi au serveur de l'hôpital, puis remis dans le brouillon."
            )
        else:
            text = self.tr(
                "Contient des identifiants de patient : %s. Ils sont envoyés au serveur de "
                "l'hôpital et ne sont écrits dans aucun journal."
            )
        self.setText(text % found)
        self.setVisible(bool(found))


MenuItem = tuple[str, str | None, Callable[[], object]]  # text, shortcut, what it does


def add_menus(window: QMainWindow, menus: list[tuple[str, list[MenuItem | None]]]) -> None:
    """The menu bar from a table: each menu's items, None for a separator."""
    for title, items in menus:
        menu = window.menuBar().addMenu(title)
        for item in items:
            if item is None:
                menu.addSeparator()
                continue
            text, shortcut, slot = item
            action = QAction(text, window)
            if shortcut:
                action.setShortcut(QKeySequence(shortcut))
            action.triggered.connect(slot)
            menu.addAction(action)


def shortcut_button(
    text: str, shortcut: str, slot: Callable[[], object] | None = None
) -> QPushButton:
    """A button whose label shows its keyboard shortcut."""
    sequence = QKeySequence(shortcut)
    shown = sequence.toString(QKeySequence.SequenceFormat.NativeText)
    button = QPushButton(f"{text} ({shown})")
    button.setShortcut(sequence)
    button.setAccessibleName(text)
    button.setToolTip(f"{text} — {shown}")
    if slot is not None:
        button.clicked.connect(slot)
    return button
