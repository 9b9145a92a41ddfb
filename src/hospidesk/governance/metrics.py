"""Measured benefit: one row per task use, no content, and aggregates that single no one out.

A use records what the evaluation needs and nothing a patient or a colleague could be found
in: the job, the task and its pack version, the model, the day, the seconds from the first
generation to the export, how much of the model's draft was rewritten (a ratio), and the
user's answer (did it help, minutes saved). No text, no field value, no user name.

The export groups uses by job, task and ISO week; a group with fewer uses than the policy's
threshold keeps its keys but loses its figures, and no totals are given across groups, so a
suppressed group cannot be recomputed by subtraction.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
import re
import secrets
import sqlite3
import statistics
from collections.abc import Iterable, Sequence
from dataclasses import asdict, dataclass
from difflib import SequenceMatcher
from pathlib import Path

from hospidesk.errors import HospiDeskError
from hospidesk.fsutil import atomic_write_text
from hospidesk.storage.migrations import Step, migrate

HELPED = ("oui", "un-peu", "non")
HELPED_LABELS = {"oui": "Oui", "un-peu": "Un peu", "non": "Non"}
OUTCOMES = ("exporté", "copié", "fermé", "affiché")
FEW_EDITS = 0.2
"""A draft exported with at most this share of its words rewritten counts as « few edits »."""
MAX_MINUTES = 480

MIGRATIONS: list[Step] = [
    lambda db: db.execute(
        "CREATE TABLE uses ("
        " id INTEGER PRIMARY KEY, day TEXT NOT NULL, job TEXT NOT NULL, task TEXT NOT NULL,"
        " pack_version TEXT NOT NULL, model TEXT NOT NULL, outcome TEXT NOT NULL,"
        " seconds INTEGER, edit_ratio REAL, helped TEXT, minutes_saved INTEGER)"
    ),
    # How many facts of the source the exported text left out (a count, never the values).
    lambda db: db.execute("ALTER TABLE uses ADD COLUMN omissions INTEGER"),
    # A try of a task's worked example: counted apart, never as a real use.
    lambda db: db.execute("ALTER TABLE uses ADD COLUMN example INTEGER NOT NULL DEFAULT 0"),
    # Whether the check of facts had to complete the draft: NULL no, 1 all placed, 0 some left.
    lambda db: db.execute("ALTER TABLE uses ADD COLUMN repair INTEGER"),
]


class MetricsError(HospiDeskError):
    exit_code = 9


@dataclass(frozen=True)
class Use:
    job: str
    task: str
    pack_version: str
    model: str
    outcome: str
    day: dt.date
    seconds: int | None = None
    edit_ratio: float | None = None
    helped: str | None = None
    minutes_saved: int | None = None
    omissions: int | None = None
    """Facts of the source left out of the exported text (tasks that transform a source)."""
    example: bool = False
    """A try of one of the task's worked examples, not a real use (left out of the figures)."""
    repair: bool | None = None
    """The check of facts completed the draft: True every missing fact placed, False some
    left to the user (« À intégrer »), None nothing was missing or the task does not check."""

    @property
    def week(self) -> str:
        year, week, _ = self.day.isocalendar()
        return f"{year}-W{week:02d}"


def check_answer(helped: str | None, minutes_saved: int | None) -> None:
    if helped is not None and helped not in HELPED:
        raise MetricsError(f"Réponse inconnue « {helped} » : oui, un-peu ou non.")
    if minutes_saved is not None and not 0 <= minutes_saved <= MAX_MINUTES:
        raise MetricsError(f"Minutes gagnées : un nombre entre 0 et {MAX_MINUTES}.")


def edit_ratio(model_text: str, final_text: str) -> float:
    """The share of words rewritten between the model's draft and the exported text (0–1)."""
    before, after = model_text.split(), final_text.split()
    if not before and not after:
        return 0.0
    matcher = SequenceMatcher(a=before, b=after, autojunk=False)
    return round(1.0 - matcher.ratio(), 4)


class MetricsStore:
    """The uses of one user, in SQLite beside the history (no content, so not encrypted)."""

    def __init__(self, path: Path) -> None:
        path.parent.mkdir(parents=True, exist_ok=True)
        try:
            self.db = sqlite3.connect(path, isolation_level=None)
            self.db.execute("PRAGMA journal_mode=WAL")
            self.db.execute("PRAGMA synchronous=FULL")
            migrate(self.db, MIGRATIONS)
        except sqlite3.DatabaseError as exc:
            raise MetricsError(f"Mesures d'usage illisibles ({path}) : {exc}.") from None

    def close(self) -> None:
        self.db.close()

    def record(self, use: Use) -> int:
        check_answer(use.helped, use.minutes_saved)
        with self.db:
            self.db.execute("BEGIN IMMEDIATE")
            cursor = self.db.execute(
                "INSERT INTO uses (day, job, task, pack_version, model, outcome, seconds,"
                " edit_ratio, helped, minutes_saved, omissions, example, repair)"
                " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                (
                    use.day.isoformat(),
                    use.job,
                    use.task,
                    use.pack_version,
                    use.model,
                    use.outcome,
                    use.seconds,
                    use.edit_ratio,
                    use.helped,
                    use.minutes_saved,
                    use.omissions,
                    int(use.example),
                    None if use.repair is None else int(use.repair),
                ),
            )
        return int(cursor.lastrowid or 0)

    def answer(self, use_id: int, helped: str | None, minutes_saved: int | None) -> None:
        """The user's answer for one use; only the first answer counts."""
        check_answer(helped, minutes_saved)
        with self.db:
            self.db.execute("BEGIN IMMEDIATE")
            self.db.execute(
                "UPDATE uses SET helped = coalesce(helped, ?),"
                " minutes_saved = coalesce(minutes_saved, ?) WHERE id = ?",
                (helped, minutes_saved, use_id),
            )

    def uses(self, since: dt.date | None = None) -> list[Use]:
        rows = self.db.execute(
            "SELECT job, task, pack_version, model, outcome, day, seconds, edit_ratio, helped,"
            " minutes_saved, omissions, example, repair FROM uses WHERE day >= ? ORDER BY day, id",
            ((since or dt.date.min).isoformat(),),
        ).fetchall()
        return [
            Use(
                job=row[0],
                task=row[1],
                pack_version=row[2],
                model=row[3],
                outcome=row[4],
                day=dt.date.fromisoformat(row[5]),
                seconds=row[6],
                edit_ratio=row[7],
                helped=row[8],
                minutes_saved=row[9],
                omissions=row[10],
                example=bool(row[11]),
                repair=None if row[12] is None else bool(row[12]),
            )
            for row in rows
        ]


@dataclass(frozen=True)
class Group:
    """One line of the evaluation export."""

    job: str
    task: str
    week: str
    suppressed: bool
    uses: int | None
    answered: int | None
    helped_yes: int | None
    helped_some: int | None
    helped_no: int | None
    share_helped: float | None
    """(oui + un peu) / answers."""
    minutes_saved_sum: int | None
    minutes_saved_median: float | None
    exported: int | None
    share_few_edits: float | None
    """Exports whose draft was rewritten at most FEW_EDITS, over exports with a ratio."""
    exported_with_omissions: int | None
    """Exports that left out at least one fact of the source (the user was asked first)."""
    repairs_tried: int | None = None
    """Drafts the check of facts had to complete (facts of the source missing)."""
    repairs_succeeded: int | None = None
    """Of those, the drafts where every missing fact was placed."""


def _share(part: int, whole: int) -> float | None:
    return round(part / whole, 4) if whole else None


def aggregate(uses: Iterable[Use], min_group: int) -> list[Group]:
    """The real uses per job, task and week (tries of worked examples are left out)."""
    groups: dict[tuple[str, str, str], list[Use]] = {}
    for use in (u for u in uses if not u.example):
        groups.setdefault((use.job, use.task, use.week), []).append(use)
    rows = []
    for (job, task, week), members in sorted(groups.items()):
        if len(members) < min_group:
            rows.append(Group(job, task, week, True, *([None] * 13)))
            continue
        answers = [u.helped for u in members if u.helped]
        minutes = [u.minutes_saved for u in members if u.minutes_saved is not None]
        exported = [u for u in members if u.outcome == "exporté"]
        ratios = [u.edit_ratio for u in exported if u.edit_ratio is not None]
        rows.append(
            Group(
                job,
                task,
                week,
                False,
                len(members),
                len(answers),
                answers.count("oui"),
                answers.count("un-peu"),
                answers.count("non"),
                _share(answers.count("oui") + answers.count("un-peu"), len(answers)),
                sum(minutes) if minutes else 0,
                float(statistics.median(minutes)) if minutes else None,
                len(exported),
                _share(sum(1 for r in ratios if r <= FEW_EDITS), len(ratios)),
                sum(1 for u in exported if u.omissions),
                sum(1 for u in members if u.repair is not None),
                sum(1 for u in members if u.repair),
            )
        )
    return rows


@dataclass(frozen=True)
class Origin:
    """Where an export comes from, for the merge: an anonymous workstation id (random, made
    once per profile: it says nothing of the user or the machine) and the day of the export.
    Two exports of one workstation then count it once, each week's figures from the latest."""

    station: str
    exported_at: str


def station_id(folder: Path) -> str:
    """This profile's anonymous workstation id (``poste.id`` in ``folder``), made once."""
    file = folder / "poste.id"
    try:
        found = file.read_text(encoding="ascii").strip()
        if re.fullmatch(r"[0-9a-f]{32}", found):
            return found
    except (OSError, UnicodeDecodeError):
        pass
    made = secrets.token_hex(16)
    try:
        folder.mkdir(parents=True, exist_ok=True)
        atomic_write_text(file, made + "\n")
    except OSError:
        pass  # an export without a lasting id still merges (as a workstation of its own)
    return made


def to_json(
    rows: Sequence[Group], min_group: int, example_uses: int = 0, origin: Origin | None = None
) -> str:
    stamp = {"poste": origin.station, "exporte_le": origin.exported_at} if origin else {}
    return json.dumps(
        {
            "format": "hospidesk-stats-v1",
            **stamp,
            "min_group_size": min_group,
            "few_edits_max_ratio": FEW_EDITS,
            "groups": [asdict(row) for row in rows],
            "example_uses": example_uses,
        },
        ensure_ascii=False,
        indent=1,
    )


def to_csv(
    rows: Sequence[Group], min_group: int | None = None, origin: Origin | None = None
) -> str:
    """One line per group; ``min_group`` (the threshold) and ``origin`` repeated on every
    line (so that files merged later can be checked to share the threshold)."""
    buffer = io.StringIO()
    names = list(Group.__dataclass_fields__)
    extra_names: list[str] = []
    extra: list[object] = []
    if min_group is not None:
        extra_names.append("min_group_size")
        extra.append(min_group)
    if origin is not None:
        extra_names += ["poste", "exporte_le"]
        extra += [origin.station, origin.exported_at]
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow([*names, *extra_names])
    for row in rows:
        values = asdict(row)
        line = ["" if values[n] is None else values[n] for n in names]
        writer.writerow([*line, *extra])
    return buffer.getvalue()


@dataclass(frozen=True)
class Week:
    """The dashboard's figures for one ISO week (the user's own, so nothing suppressed)."""

    week: str
    uses: int
    minutes_saved: int
    exported: int
    few_edits: int


def weekly(uses: Iterable[Use]) -> list[Week]:
    weeks: dict[str, list[Use]] = {}
    for use in (u for u in uses if not u.example):
        weeks.setdefault(use.week, []).append(use)
    return [
        Week(
            week,
            len(members),
            sum(u.minutes_saved or 0 for u in members),
            sum(1 for u in members if u.outcome == "exporté"),
            sum(
                1
                for u in members
                if u.outcome == "exporté" and u.edit_ratio is not None and u.edit_ratio <= FEW_EDITS
            ),
        )
        for week, members in sorted(weeks.items())
    ]
