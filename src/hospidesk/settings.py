"""User settings, declared in one place, stored as TOML in the user's config folder."""

from __future__ import annotations

import tomllib
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from hospidesk.errors import UsageError
from hospidesk.fsutil import atomic_write_text


@dataclass(frozen=True)
class SettingSpec:
    key: str
    label: str
    default: str = ""
    kind: str = "text"  # text | int | bool (« oui » / « non »)
    minimum: int | None = None


SPECS: tuple[SettingSpec, ...] = (
    SettingSpec("etablissement.nom", "Établissement"),
    SettingSpec("etablissement.service", "Service"),
    SettingSpec("etablissement.adresse", "Adresse"),
    SettingSpec("etablissement.telephone", "Téléphone"),
    SettingSpec("etablissement.ville", "Ville (lieu des courriers)"),
    SettingSpec("signataire.nom", "Signataire"),
    SettingSpec("signataire.fonction", "Fonction du signataire"),
    SettingSpec("signataire.rpps", "RPPS du signataire (dossier patient)"),
    SettingSpec("moteur.modele", "Modèle (identifiant du catalogue)"),
    SettingSpec("moteur.threads", "Threads (0 = automatique)", "0", "int", 0),
    SettingSpec(
        "moteur.couches_gpu", "Couches GPU (-1 = toutes si GPU, 0 = aucune)", "-1", "int", -1
    ),
    SettingSpec("moteur.contexte", "Taille du contexte (jetons, 0 = automatique)", "0", "int", 0),
    SettingSpec(
        "moteur.serveur", "Serveur d'inférence (identifiant de la politique, vide = ce poste)"
    ),
    SettingSpec(
        "retours.demander", "Demander après chaque tâche si elle a aidé (oui/non)", "oui", "bool"
    ),
    SettingSpec("profil.metier", "Mon métier (ses tâches en premier)"),
    SettingSpec(
        "redaction.verifier_faits",
        "Reprendre les faits du texte source et compléter ceux qui manquent (oui/non)",
        "oui",
        "bool",
    ),
    SettingSpec("dictee.modele", "Modèle de dictée (identifiant du catalogue)"),
    SettingSpec("dictee.langue", "Langue des dictées (code : fr, en…)", "fr"),
    SettingSpec(
        "dictee.glossaire", "Mots de mes dictées (noms, médicaments ; séparés par des virgules)"
    ),
)
SPEC_BY_KEY = {spec.key: spec for spec in SPECS}

# Shown in letters when the hospital's details have not been filled in yet.
PLACEHOLDERS = {
    "etablissement.nom": "[Établissement à renseigner]",
    "etablissement.service": "[Service]",
    "etablissement.adresse": "[Adresse]",
    "etablissement.telephone": "[Téléphone]",
    "etablissement.ville": "[Ville]",
    "signataire.nom": "[Signataire]",
    "signataire.fonction": "[Fonction]",
}


def check_value(spec: SettingSpec, value: str) -> str:
    """The value normalised for ``spec``, or ValueError with a French reason."""
    if spec.kind == "bool":
        normalised = value.strip().lower()
        if normalised in ("oui", "true", "1", "yes"):
            return "oui"
        if normalised in ("non", "false", "0", "no"):
            return "non"
        raise ValueError(f"« {spec.key} » attend oui ou non")
    if spec.kind != "int":
        return value
    try:
        number = int(value)
    except ValueError:
        raise ValueError(f"« {spec.key} » attend un nombre entier") from None
    if spec.minimum is not None and number < spec.minimum:
        raise ValueError(f"« {spec.key} » doit valoir au moins {spec.minimum}")
    return str(number)


@dataclass(frozen=True)
class Lock:
    value: str
    reason: str


class Settings:
    """Typed access to the settings file; unknown keys in the file are an error.

    Settings the machine policy locks return the policy's value and cannot be changed.
    """

    def __init__(
        self, values: dict[str, str], file: Path, locks: dict[str, Lock] | None = None
    ) -> None:
        self._values = values
        self.file = file
        self.locks = locks or {}

    @classmethod
    def load(cls, file: Path, locks: dict[str, Lock] | None = None) -> Settings:
        if not file.exists():
            return cls({}, file, locks)
        try:
            data = tomllib.loads(file.read_text(encoding="utf-8"))
        except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError) as exc:
            raise UsageError(f"Fichier de paramètres illisible : {file} ({exc}).") from None
        values: dict[str, str] = {}
        for section, table in data.items():
            if not isinstance(table, dict):
                raise UsageError(f"Fichier de paramètres invalide : {file}, clé « {section} ».")
            for name, value in table.items():
                key = f"{section}.{name}"
                if key not in SPEC_BY_KEY:
                    raise UsageError(f"Fichier de paramètres : clé inconnue « {key} » ({file}).")
                values[key] = str(value)
        return cls(values, file, locks)

    def get(self, key: str) -> str:
        if key in self.locks:
            return self.locks[key].value
        return self._values.get(key, SPEC_BY_KEY[key].default)

    def get_int(self, key: str) -> int:
        return int(self.get(key))

    def get_bool(self, key: str) -> bool:
        return self.get(key) == "oui"

    def is_set(self, key: str) -> bool:
        return bool(self.get(key).strip())

    def shown(self, key: str) -> str:
        """The value for a document: the setting, or a visible placeholder."""
        return self.get(key).strip() or PLACEHOLDERS.get(key, "")

    def hospital_details(self) -> list[str]:
        """The hospital's and signatory's details that documents print (those set)."""
        return [self.get(k) for k in PLACEHOLDERS if self.is_set(k)]

    def missing_details(self) -> list[str]:
        return [SPEC_BY_KEY[k].label for k in PLACEHOLDERS if not self.is_set(k)]

    def set(self, key: str, value: str) -> None:
        spec = SPEC_BY_KEY.get(key)
        if spec is None:
            known = ", ".join(SPEC_BY_KEY)
            raise UsageError(f"Paramètre inconnu : « {key} ». Paramètres : {known}.")
        lock = self.locks.get(key)
        if lock is not None:
            raise UsageError(f"Paramètre verrouillé par la DSI : « {key} » ({lock.reason}).")
        try:
            value = check_value(spec, value)
        except ValueError as exc:
            raise UsageError(f"{exc}.") from None
        self._values[key] = value
        self.save()

    def save(self) -> None:
        self.file.parent.mkdir(parents=True, exist_ok=True)
        atomic_write_text(self.file, _dump(self._values))

    def items(self) -> list[tuple[SettingSpec, str]]:
        return [(spec, self.get(spec.key)) for spec in SPECS]


def _toml_string(value: str) -> str:
    escaped = value.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n")
    escaped = escaped.replace("\t", "\\t").replace("\r", "\\r")
    return f'"{escaped}"'


def _dump(values: dict[str, str]) -> str:
    sections: dict[str, dict[str, Any]] = {}
    for key, value in values.items():
        section, name = key.split(".", 1)
        spec = SPEC_BY_KEY[key]
        sections.setdefault(section, {})[name] = (
            value if spec.kind == "int" else _toml_string(value)
        )
    lines = ["# HospiDesk settings (hospidesk settings set KEY VALUE)"]
    for section, table in sections.items():
        lines.append(f"\n[{section}]")
        lines.extend(f"{name} = {value}" for name, value in table.items())
    return "\n".join(lines) + "\n"
