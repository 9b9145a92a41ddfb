"""Messages for the patient record that wait to be sent (again): one file each, sealed with
the history's key, written durably before the first try. A kill during a send loses nothing,
and a retry sends the very same bytes, the same MSH-10, so that the interface engine can drop
a copy it already has. Nothing of a document is in plain on disk; the file's name is the
message's control id, which says nothing of the patient."""

from __future__ import annotations

import base64
import json
import re
from dataclasses import asdict, dataclass, replace
from pathlib import Path

from hospidesk.fsutil import atomic_write_bytes
from hospidesk.storage.crypto import CorruptData, open_sealed, seal

SUFFIX = ".hl7.sealed"
_CONTROL_ID = re.compile(r"^[A-Za-z0-9-]{1,64}$")
FIRST_RETRY_SECONDS = 30.0
LONGEST_WAIT_SECONDS = 3600.0


@dataclass(frozen=True)
class Waiting:
    control_id: str
    message: bytes
    """The HL7 message, encoded, exactly as it is sent."""
    title: str
    """What the user sees in the list: the task and the document's date, no patient."""
    created: float
    attempts: int = 0
    next_try: float = 0.0
    last_error: str = ""
    channel: str = "mllp"
    """How it goes: ``mllp`` (an HL7 message) or ``fhir`` (a FHIR transaction)."""

    def tried(self, now: float, error: str) -> Waiting:
        """After a failed try: the next one waits twice as long as the last, up to an hour."""
        wait = min(FIRST_RETRY_SECONDS * 2**self.attempts, LONGEST_WAIT_SECONDS)
        return replace(self, attempts=self.attempts + 1, next_try=now + wait, last_error=error)


class Outbox:
    def __init__(self, folder: Path, key: bytes) -> None:
        self.folder = folder
        self.key = key

    def _file(self, control_id: str) -> Path:
        if not _CONTROL_ID.match(control_id):
            raise ValueError(f"not a control id: {control_id!r}")
        return self.folder / f"{control_id}{SUFFIX}"

    def put(self, entry: Waiting) -> None:
        self.folder.mkdir(parents=True, exist_ok=True, mode=0o700)
        data = asdict(entry) | {"message": base64.b64encode(entry.message).decode("ascii")}
        plain = json.dumps(data).encode("utf-8")
        sealed = seal(self.key, plain, entry.control_id.encode("ascii"))
        atomic_write_bytes(self._file(entry.control_id), sealed)

    def get(self, control_id: str) -> Waiting | None:
        file = self._file(control_id)
        try:
            blob = file.read_bytes()
        except FileNotFoundError:
            return None
        data = json.loads(open_sealed(self.key, blob, control_id.encode("ascii")))
        data["message"] = base64.b64decode(data["message"])
        return Waiting(**data)

    def entries(self) -> list[Waiting]:
        """Every message waiting, the oldest first; a file another key sealed, or a damaged
        one, is skipped."""
        found = []
        for control_id in self.control_ids():
            try:
                entry = self.get(control_id)
            except (CorruptData, ValueError, KeyError, TypeError):
                continue
            if entry is not None:
                found.append(entry)
        return sorted(found, key=lambda e: e.created)

    def control_ids(self) -> list[str]:
        if not self.folder.is_dir():
            return []
        return sorted(f.name.removesuffix(SUFFIX) for f in self.folder.glob(f"*{SUFFIX}"))

    def count(self) -> int:
        return count_waiting(self.folder)

    def remove(self, control_id: str) -> None:
        self._file(control_id).unlink(missing_ok=True)


def count_waiting(folder: Path) -> int:
    """How many wait, without opening them, nor the key (« En attente d'envoi (n) »)."""
    return len(list(folder.glob(f"*{SUFFIX}"))) if folder.is_dir() else 0
