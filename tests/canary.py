"""Canary values (a fictitious patient) and a scan of every file for them."""

from __future__ import annotations

from pathlib import Path

NAME = "Hortense CANARIVORE"
NIR = "1 84 12 75 108 123 47"  # shaped like a real NIR, with a valid key
SOURCE = (
    f"Dr Lefèvre. Patiente Mme {NAME}, NIR {NIR}. Revoir en consultation dans 3 mois, "
    "apporter les ordonnances."
)
NEEDLES = ["CANARIVORE", "canarivore", "Canarivore", "108 123 47", "1841275108123"]


def files_containing_canaries(roots: list[Path], allowed: set[Path]) -> list[str]:
    """Every file under ``roots`` (but ``allowed``) whose bytes hold a canary, in any encoding."""
    patterns = [n.encode(enc) for n in NEEDLES for enc in ("utf-8", "utf-16-le", "utf-16-be")]
    found = []
    for root in roots:
        for path in root.rglob("*"):
            if not path.is_file() or path.is_symlink() or path.resolve() in allowed:
                continue
            data = path.read_bytes()
            if any(p in data for p in patterns):
                found.append(str(path))
    return found
