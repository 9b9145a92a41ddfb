"""First start: the usage rules (charte d'utilisation), to read and accept."""

from __future__ import annotations

from PySide6.QtWidgets import (
    QCheckBox,
    QDialog,
    QDialogButtonBox,
    QLabel,
    QTextBrowser,
    QVBoxLayout,
    QWidget,
)

from hospidesk.governance.rules import Rules


class RulesDialog(QDialog):
    def __init__(
        self, rules: Rules, read_only: bool = False, parent: QWidget | None = None
    ) -> None:
        super().__init__(parent)
        self.setWindowTitle(self.tr("Charte d'utilisation de HospiDesk"))
        self.resize(640, 560)
        text = QTextBrowser()
        text.setMarkdown(rules.text)
        text.setAccessibleName(self.tr("Texte de la charte"))
        layout = QVBoxLayout(self)
        intro = QLabel(
            self.tr("Version %s. Lisez la charte avant la première utilisation.") % rules.version
        )
        layout.addWidget(intro)
        layout.addWidget(text)
        buttons = QDialogButtonBox()
        if read_only:
            buttons.addButton(QDialogButtonBox.StandardButton.Close)
            buttons.rejected.connect(self.reject)
        else:
            self.agree = QCheckBox(self.tr("&J'ai lu la charte et je m'engage à la respecter"))
            self.agree.setAccessibleName(self.tr("J'accepte la charte"))
            layout.addWidget(self.agree)
            self.accept_button = buttons.addButton(
                self.tr("&Accepter et commencer"), QDialogButtonBox.ButtonRole.AcceptRole
            )
            self.accept_button.setEnabled(False)
            refuse = buttons.addButton(
                self.tr("Refuser et quitter"), QDialogButtonBox.ButtonRole.RejectRole
            )
            refuse.setAccessibleName(self.tr("Refuser la charte et quitter"))
            self.agree.toggled.connect(self.accept_button.setEnabled)
            buttons.accepted.connect(self.accept)
            buttons.rejected.connect(self.reject)
        layout.addWidget(buttons)
