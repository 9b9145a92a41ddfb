"""What the window remembers between sessions: favourites and the last task (no content)."""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path

from hospidesk.fsutil import atomic_write_text


@dataclass
class UiState:
    file: Path
    favourites: set[str] = field(default_factory=set)
    last_task: str | None = None

    @classmethod
    def load(cls, file: Path) -> UiState:
        try:
            data = json.loads(file.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            return cls(file)
        if not isinstance(data, dict):
            return cls(file)
        favourites = {str(x) for x in data.get("favoris", []) if isinstance(x, str)}
        last = data.get("derniere_tache")
        return cls(file, favourites, last if isinstance(last, str) else None)

    def save(self) -> None:
        payload = {"favoris": sorted(self.favourites), "derniere_tache": self.last_task}
        try:
            self.file.parent.mkdir(parents=True, exist_ok=True)
            atomic_write_text(self.file, json.dumps(payload, ensure_ascii=False, indent=1))
        except Exception:  # noqa: S110 - losing a favourite is not worth an error dialog
            pass
