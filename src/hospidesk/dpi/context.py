"""The DPI's « appel contextuel »: the patient and stay the window is opened on, given by a
``hospidesk://ouvrir?ipp=…&sejour=…&uf=…`` link or by a context file the DPI drops in the
user's folder (read once, then deleted).

A link becomes a command line, which any local user can read in the process list: it may carry
the IPP, the stay and the unit, never a name, a date of birth or an INS; a link that does is
refused whole. The context file, readable by its user only, may also carry the identity.
"""

from __future__ import annotations

import datetime as dt
import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any, get_args
from urllib.parse import parse_qs, urlsplit

from hospidesk.dpi.identity import Patient, Sex, Stay
from hospidesk.errors import UsageError

SCHEME = "hospidesk"
LINK_KEYS = frozenset({"ipp", "sejour", "uf"})
IDENTITY_KEYS = frozenset({"nom_naissance", "prenom", "date_naissance", "sexe", "ins"})
CONTEXT_FILE = "contexte.json"


@dataclass(frozen=True)
class DpiContext:
    ipp: str
    stay: Stay
    identity: dict[str, str] | None = None
    """Names, date of birth, sex and INS, from a context file only."""

    def patient(self, ipp_oid: str) -> Patient | None:
        return None if self.identity is None else identity_patient(self.identity, self.ipp, ipp_oid)


def valid_ipp(value: str) -> str:
    """The IPP as given, or UsageError: digits and letters, 20 at most (every way in)."""
    if not value.isalnum() or len(value) > 20:
        raise UsageError(f"IPP invalide : « {value} » (chiffres et lettres, 20 au plus).")
    return value


def from_link(link: str) -> DpiContext:
    """The context of a ``hospidesk://ouvrir?…`` link, or UsageError in French."""
    parts = urlsplit(link)
    if parts.scheme != SCHEME or parts.netloc != "ouvrir":
        raise UsageError(f"Lien non reconnu : {parts.scheme}://{parts.netloc}")
    values = parse_qs(parts.query, keep_blank_values=True)
    extra = sorted(set(values) - LINK_KEYS)
    if extra:
        raise UsageError(
            f"Lien refusé : « {extra[0]} » n'a pas sa place dans un lien (seuls l'IPP, le séjour "
            "et l'UF ; l'identité passe par le fichier de contexte)."
        )
    if any(len(v) != 1 for v in values.values()):
        raise UsageError("Lien refusé : chaque valeur une seule fois.")
    one = {k: v[0] for k, v in values.items()}
    if not one.get("ipp"):
        raise UsageError("Lien refusé : l'IPP manque.")
    return DpiContext(valid_ipp(one["ipp"]), Stay(one.get("sejour", ""), one.get("uf", "")))


def identity_patient(data: dict[str, str], ipp: str, ipp_oid: str) -> Patient:
    unknown = sorted(set(data) - IDENTITY_KEYS)
    if unknown:
        raise UsageError(f"Identité du patient : clé inconnue « {unknown[0]} ».")
    if not data.get("nom_naissance") or not data.get("prenom"):
        raise UsageError("Identité du patient : nom_naissance et prenom sont nécessaires.")
    sex = data.get("sexe", "U")
    if sex not in get_args(Sex):
        raise UsageError("Identité du patient : sexe vaut F, M ou U.")
    try:
        born = dt.date.fromisoformat(data["date_naissance"]) if "date_naissance" in data else None
    except ValueError:
        raise UsageError("Identité du patient : date_naissance au format AAAA-MM-JJ.") from None
    return Patient(
        ipp=valid_ipp(ipp),
        ipp_oid=ipp_oid,
        birth_name=data["nom_naissance"],
        first_name=data["prenom"],
        birth_date=born,
        sex=sex,  # type: ignore[arg-type]
        ins=data.get("ins", ""),
    )


def take_context_file(folder: Path) -> DpiContext | None:
    """The context the DPI dropped in ``folder``, read then deleted (None when there is none);
    a file that cannot be understood is deleted too, and said."""
    file = folder / CONTEXT_FILE
    try:
        raw = file.read_bytes()
    except FileNotFoundError:
        return None
    finally:
        file.unlink(missing_ok=True)
    try:
        data: Any = json.loads(raw.decode("utf-8"))
    except (UnicodeDecodeError, json.JSONDecodeError):
        raise UsageError("Fichier de contexte du DPI illisible : il est ignoré.") from None
    if not isinstance(data, dict) or not all(isinstance(v, str) for v in data.values()):
        raise UsageError("Fichier de contexte du DPI invalide : un objet JSON de textes.")
    unknown = sorted(set(data) - LINK_KEYS - IDENTITY_KEYS)
    if unknown:
        raise UsageError(f"Fichier de contexte du DPI : clé inconnue « {unknown[0]} ».")
    if not data.get("ipp"):
        raise UsageError("Fichier de contexte du DPI : l'IPP manque.")
    identity = {k: v for k, v in data.items() if k in IDENTITY_KEYS} or None
    context = DpiContext(
        valid_ipp(data["ipp"]), Stay(data.get("sejour", ""), data.get("uf", "")), identity
    )
    if identity is not None:
        identity_patient(identity, context.ipp, "")  # checked now, not at the first filing
    return context
