"""« Patient » : who the document is about, typed once and kept while the window is open (the
IPP given by the DPI's call is already there). Names, date of birth and sex go into the
document filed, never into the prompt."""

from __future__ import annotations

import datetime as dt
from typing import cast

from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QLabel,
    QLineEdit,
    QWidget,
)

from hospidesk.dpi.identity import Patient, Sex, Stay

SEXES: tuple[tuple[str, Sex], ...] = (("Féminin", "F"), ("Masculin", "M"), ("Indéterminé", "U"))


class PatientDialog(QDialog):
    def __init__(
        self, parent: QWidget | None, ipp_oid: str, patient: Patient | None, stay: Stay
    ) -> None:
        super().__init__(parent)
        self.setWindowTitle(self.tr("Patient du document"))
        self.ipp_oid = patient.ipp_oid if patient else ipp_oid
        self.result_value: tuple[Patient, Stay] | None = None
        form = QFormLayout(self)
        self.ipp = QLineEdit(patient.ipp if patient else "")
        self.stay = QLineEdit(stay.number)
        self.unit = QLineEdit(stay.unit)
        self.birth_name = QLineEdit(patient.birth_name if patient else "")
        self.first_name = QLineEdit(patient.first_name if patient else "")
        born = patient.birth_date if patient else None
        self.birth_date = QLineEdit(born.strftime("%d/%m/%Y") if born else "")
        self.birth_date.setPlaceholderText("JJ/MM/AAAA")
        self.sex = QComboBox()
        for label, code in SEXES:
            self.sex.addItem(self.tr(label), code)
        if patient:
            self.sex.setCurrentIndex([code for _, code in SEXES].index(patient.sex))
        self.ins = QLineEdit(patient.ins if patient else "")
        self.qualified = QCheckBox(self.tr("Identité qualifiée (INS vérifiée)"))
        self.qualified.setChecked(bool(patient and patient.ins))
        for label, widget in (
            (self.tr("IPP"), self.ipp),
            (self.tr("Séjour (NDA)"), self.stay),
            (self.tr("Unité fonctionnelle"), self.unit),
            (self.tr("Nom de naissance"), self.birth_name),
            (self.tr("Premier prénom"), self.first_name),
            (self.tr("Date de naissance"), self.birth_date),
            (self.tr("Sexe"), self.sex),
            (self.tr("INS"), self.ins),
        ):
            form.addRow(label, widget)
        form.addRow("", self.qualified)
        self.error = QLabel()
        self.error.setStyleSheet("color: #b00020;")
        self.error.setWordWrap(True)
        self.error.hide()
        form.addRow(self.error)
        buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel
        )
        buttons.accepted.connect(self.check_and_accept)
        buttons.rejected.connect(self.reject)
        form.addRow(buttons)

    def problem(self) -> str | None:
        ipp = self.ipp.text().strip()
        if not ipp or not ipp.isalnum() or len(ipp) > 20:
            return self.tr("IPP : des chiffres et des lettres, 20 au plus.")
        if not self.birth_name.text().strip() or not self.first_name.text().strip():
            return self.tr("Le nom de naissance et le premier prénom sont nécessaires.")
        if self.birth_date.text().strip() and self.date() is None:
            return self.tr("Date de naissance : JJ/MM/AAAA, une date qui existe.")
        ins = self.ins.text().replace(" ", "")
        if self.qualified.isChecked() and not (len(ins) == 15 and ins[:13].isalnum()):
            return self.tr(
                "INS : les 15 caractères du numéro (13 + clé), pour une identité qualifiée."
            )
        return None

    def date(self) -> dt.date | None:
        try:
            return dt.datetime.strptime(self.birth_date.text().strip(), "%d/%m/%Y").date()
        except ValueError:
            return None

    def check_and_accept(self) -> None:
        problem = self.problem()
        if problem:
            self.error.setText(problem)
            self.error.show()
            return
        patient = Patient(
            ipp=self.ipp.text().strip(),
            ipp_oid=self.ipp_oid,
            birth_name=self.birth_name.text().strip().upper(),
            first_name=self.first_name.text().strip(),
            birth_date=self.date(),
            sex=cast(Sex, self.sex.currentData()),
            ins=self.ins.text().replace(" ", "") if self.qualified.isChecked() else "",
        )
        self.result_value = (patient, Stay(self.stay.text().strip(), self.unit.text().strip()))
        self.accept()


def banner_text(patient: Patient) -> str:
    """« Patient : EXEMPLE Jeanne, née le 02/03/1948 (F) — IPP 123456 — INS qualifiée »."""
    born_word = {"F": "née", "M": "né"}.get(patient.sex, "né(e)")
    born = f", {born_word} le {patient.birth_date:%d/%m/%Y}" if patient.birth_date else ""
    who = f"{patient.birth_name} {patient.first_name}{born} ({patient.sex})"
    ins = "INS qualifiée" if patient.ins else "INS non qualifiée"
    return f"Patient : {who} — IPP {patient.ipp} — {ins}"
