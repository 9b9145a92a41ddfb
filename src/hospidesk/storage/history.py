"""The history of drafts: SQLite (WAL, full synchronous commits, versioned migrations), each
record's content sealed with AES-GCM and bound to its id and task.

What is searchable stays outside the seal and leaks no content: the task, the dates, the
status. A record whose bytes were changed is reported alone; the others still open. A
damaged database is reported, never repaired by deleting.
"""

from __future__ import annotations

import datetime as dt
import json
import sqlite3
import uuid
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from pathlib import Path

from hospidesk.errors import HospiDeskError
from hospidesk.storage.crypto import CorruptData, open_sealed, seal
from hospidesk.storage.migrations import migrate

MIGRATIONS: list[Callable[[sqlite3.Connection], object]] = [
    lambda db: db.execute(
        "CREATE TABLE drafts ("
        " id TEXT PRIMARY KEY, created_at TEXT NOT NULL, updated_at TEXT NOT NULL,"
        " task_ref TEXT NOT NULL, pack_version TEXT NOT NULL, status TEXT NOT NULL,"
        " content BLOB NOT NULL)"
    ),
    lambda db: db.execute("CREATE INDEX drafts_updated ON drafts (updated_at)"),
]


class HistoryError(HospiDeskError):
    exit_code = 9


AUTOSAVE = "autosauvegarde"  # a draft being edited: left over only after a crash


class CorruptRecord(HistoryError):
    """One record that does not authenticate; the others are unaffected."""


@dataclass(frozen=True)
class DraftContent:
    """What is sealed: the inputs, the model's draft and the user's edited text."""

    values: Mapping[str, str]
    source: str | None
    model_draft: str
    text: str


@dataclass(frozen=True)
class DraftInfo:
    """What can be listed and searched without decrypting."""

    id: str
    task_ref: str
    pack_version: str
    status: str
    created_at: str
    updated_at: str


@dataclass(frozen=True)
class Draft:
    info: DraftInfo
    content: DraftContent = field(repr=False)


def _now() -> str:
    return dt.datetime.now(dt.UTC).isoformat(timespec="seconds")


def _aad(draft_id: str, task_ref: str) -> bytes:
    return f"hospidesk-draft-v1|{draft_id}|{task_ref}".encode()


class History:
    def __init__(self, path: Path, key: bytes) -> None:
        self.path = path
        self._key = key
        path.parent.mkdir(parents=True, exist_ok=True)
        self.db = sqlite3.connect(path, isolation_level=None)
        try:
            self.db.execute("PRAGMA journal_mode=WAL")
            self.db.execute("PRAGMA synchronous=FULL")
            result = self.db.execute("PRAGMA integrity_check").fetchone()
        except sqlite3.DatabaseError:
            self.db.close()
            raise HistoryError(
                f"La base de l'historique est endommagée ({path}) : elle n'a pas été "
                "modifiée ; contactez la DSI."
            ) from None
        if result is None or result[0] != "ok":
            self.db.close()
            raise HistoryError(
                f"La base de l'historique ne passe pas son contrôle d'intégrité ({path}) : "
                "elle n'a pas été modifiée ; contactez la DSI."
            )
        migrate(self.db, MIGRATIONS)

    def close(self) -> None:
        self.db.close()

    def save(
        self,
        task_ref: str,
        pack_version: str,
        content: DraftContent,
        status: str = "brouillon",
        draft_id: str | None = None,
    ) -> str:
        """Insert or replace a draft; one transaction, committed to disk before returning."""
        draft_id = draft_id or uuid.uuid4().hex
        blob = seal(
            self._key,
            json.dumps(
                {
                    "values": dict(content.values),
                    "source": content.source,
                    "model_draft": content.model_draft,
                    "text": content.text,
                },
                ensure_ascii=False,
            ).encode(),
            _aad(draft_id, task_ref),
        )
        now = _now()
        try:
            with self.db:
                self.db.execute("BEGIN IMMEDIATE")
                self.db.execute(
                    "INSERT INTO drafts (id, created_at, updated_at, task_ref, pack_version,"
                    " status, content) VALUES (?, ?, ?, ?, ?, ?, ?) ON CONFLICT(id) DO UPDATE SET"
                    " updated_at=excluded.updated_at, status=excluded.status,"
                    " pack_version=excluded.pack_version, content=excluded.content",
                    (draft_id, now, now, task_ref, pack_version, status, blob),
                )
        except sqlite3.OperationalError as exc:
            if "full" in str(exc).lower():
                raise HistoryError(
                    "Disque plein : le brouillon n'a pas pu être sauvegardé dans l'historique "
                    "(la version précédente est intacte). Libérez de la place."
                ) from None
            raise HistoryError(f"Sauvegarde impossible dans l'historique ({exc}).") from None
        return draft_id

    def set_status(self, draft_id: str, status: str) -> None:
        with self.db:
            self.db.execute("BEGIN IMMEDIATE")
            self.db.execute("UPDATE drafts SET status = ? WHERE id = ?", (status, draft_id))

    def list(self, task_ref: str | None = None, status: str | None = None) -> list[DraftInfo]:
        query = (
            "SELECT id, task_ref, pack_version, status, created_at, updated_at FROM drafts"
            " WHERE (? IS NULL OR task_ref = ?) AND (? IS NULL OR status = ?)"
            " ORDER BY updated_at DESC"
        )
        rows = self.db.execute(query, (task_ref, task_ref, status, status)).fetchall()
        return [DraftInfo(*row) for row in rows]

    def open(self, draft_id: str) -> Draft:
        row = self.db.execute(
            "SELECT id, task_ref, pack_version, status, created_at, updated_at, content"
            " FROM drafts WHERE id = ?",
            (draft_id,),
        ).fetchone()
        if row is None:
            raise HistoryError("Brouillon introuvable dans l'historique.")
        info = DraftInfo(*row[:6])
        try:
            data = json.loads(open_sealed(self._key, bytes(row[6]), _aad(info.id, info.task_ref)))
        except (CorruptData, ValueError):
            raise CorruptRecord(
                f"Le brouillon du {info.updated_at[:10]} ({info.task_ref}) est endommagé et ne "
                "peut pas être ouvert ; les autres brouillons ne sont pas touchés."
            ) from None
        return Draft(
            info, DraftContent(data["values"], data["source"], data["model_draft"], data["text"])
        )

    def delete(self, draft_id: str) -> bool:
        with self.db:
            self.db.execute("BEGIN IMMEDIATE")
            return self.db.execute("DELETE FROM drafts WHERE id = ?", (draft_id,)).rowcount > 0

    def purge(self, retention_days: int, now: dt.datetime | None = None) -> int:
        """Delete drafts not updated within ``retention_days``; return how many."""
        limit = (now or dt.datetime.now(dt.UTC)) - dt.timedelta(days=retention_days)
        with self.db:
            self.db.execute("BEGIN IMMEDIATE")
            count = self.db.execute(
                "DELETE FROM drafts WHERE updated_at < ?", (limit.isoformat(timespec="seconds"),)
            ).rowcount
        if count:
            self.db.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        return int(count)
