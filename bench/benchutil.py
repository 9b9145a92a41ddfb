"""What the bench scripts share: medians with their spread, a command timed whole, the order
of interleaved rounds, and the one-line requests the engine rounds use."""

from __future__ import annotations

import statistics
import subprocess
import time
from typing import TypeVar

T = TypeVar("T")

USERS = [
    "Merci de rédiger la réponse pour Mme Girard, dossier 2026-114, rendez-vous le 3 mars.",
    "Préparez le courrier pour M. Renaud : pièces manquantes, délai de huit jours.",
    "Réponse à Mme Leroy : la facture du 12 février a été corrigée et renvoyée.",
    "Courrier pour M. Petit : report de la consultation du 21 au 28 mars, même heure.",
    "Note pour Mme Colin : nouveau formulaire d'admission à compléter avant l'entrée.",
    "Réponse à M. Blanc : le compte rendu a été adressé à son médecin traitant.",
]


def rotated(items: list[T], round_: int) -> list[T]:
    """``items`` in the order of round ``round_`` of a rotation: each goes first in turn, so
    that a shared machine's drift touches all of them alike."""
    shift = round_ % len(items)
    return items[shift:] + items[:shift]


def stats(values: list[float]) -> dict[str, float]:
    return {
        "median": round(statistics.median(values), 4),
        "min": round(min(values), 4),
        "max": round(max(values), 4),
        "n": len(values),
    }


def timed(args: list[str], rounds: int = 3) -> list[float]:
    """Seconds of each of ``rounds`` runs of a command, its start included."""
    values = []
    for _ in range(rounds):
        start = time.monotonic()
        subprocess.run(args, capture_output=True, check=True)
        values.append(time.monotonic() - start)
    return values
