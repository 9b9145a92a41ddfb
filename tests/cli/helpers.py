"""What the CLI tests share: a convocation's fields and how to pass them."""

from __future__ import annotations

CONVOCATION_FIELDS = {
    "civilite": "Madame",
    "patient": "Josiane MARCHAND",
    "adresse": "12 rue des Tilleuls\n75011 Paris",
    "date_rdv": "17/03/2026",
    "heure_rdv": "09h30",
    "lieu": "Bâtiment B, 2e étage\nConsultations de cardiologie",
    "medecin": "Dr Lefèvre",
    "motif": "Consultation avec échographie cardiaque",
    "a_apporter": "Ordonnances en cours ; carte Vitale",
    "contact": "le secrétariat au 01 45 67 89 10",
}


def field_args(values: dict[str, str]) -> list[str]:
    args: list[str] = []
    for name, value in values.items():
        args += ["--field", f"{name}={value}"]
    return args
