"""The usage rules (charte d'utilisation): their text and version, and who accepted which.

Acceptance is per user and per rules version: a new version asks again.
"""

from __future__ import annotations

import datetime as dt
import json
from dataclasses import dataclass
from pathlib import Path

from hospidesk.fsutil import atomic_write_text
from hospidesk.policy import Policy

DEFAULT_VERSION = "2026-1"


@dataclass(frozen=True)
class Rules:
    text: str
    version: str


KEY_POINTS = (
    "Relisez chaque brouillon : les faits signalés (dates, montants, noms) sont à vérifier.",
    "Vous restez responsable de ce que vous envoyez et signez : HospiDesk propose, vous décidez.",
    "Jamais de diagnostic ni de décision sur un patient : des tâches administratives seulement.",
    "Limitez les données de santé au nécessaire dans les champs et le texte source.",
    "Un résultat anormal ? Signalez-le à votre référent IA ou à la DSI.",
)
"""The shipped rules' key points, recalled once a day during a user's first days."""


def default_rules() -> Rules:
    text = (Path(__file__).with_name("charte.md")).read_text(encoding="utf-8")
    return Rules(text, DEFAULT_VERSION)


class RulesAcceptance:
    """The versions of the rules this user accepted, kept in their config folder."""

    def __init__(self, file: Path) -> None:
        self.file = file

    def _read(self) -> dict[str, str]:
        try:
            data = json.loads(self.file.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            return {}
        return {str(k): str(v) for k, v in data.items()} if isinstance(data, dict) else {}

    def accepted(self, version: str) -> bool:
        return version in self._read()

    def accept(self, version: str) -> None:
        data = self._read()
        data[version] = dt.datetime.now(dt.UTC).isoformat(timespec="seconds")
        self.file.parent.mkdir(parents=True, exist_ok=True)
        atomic_write_text(self.file, json.dumps(data, indent=1, sort_keys=True))


def rules_in_force(policy: Policy, site: Path) -> Rules:
    """IT's rules from the machine policy, or the ones that ship."""
    if policy.rules is None:
        return default_rules()
    text = policy.rules.text
    if policy.rules.text_file:
        text = (site / policy.rules.text_file).read_text(encoding="utf-8")
    return Rules(text, policy.rules.version)
