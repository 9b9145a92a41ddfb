"""Versioned SQLite migrations: ``PRAGMA user_version`` counts the steps already applied."""

from __future__ import annotations

import sqlite3
from collections.abc import Callable, Sequence

Step = Callable[[sqlite3.Connection], object]


def migrate(db: sqlite3.Connection, steps: Sequence[Step]) -> None:
    """Apply the steps not applied yet, each in its own transaction with its version."""
    version = int(db.execute("PRAGMA user_version").fetchone()[0])
    for number, step in enumerate(steps[version:], start=version + 1):
        with db:
            db.execute("BEGIN IMMEDIATE")
            step(db)
            db.execute(f"PRAGMA user_version={number}")
