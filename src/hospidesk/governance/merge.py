"""Many workstations' exports added up, the way docs/evaluation.md says: per job × task × week,
counts summed, shares recomputed from the sums (never averaged), suppressed groups counted as
« n groupes de moins de N usages » and never recomputed.

Input: the files ``hospidesk stats`` and the weekly export write (CSV or JSON). A column this
version does not know, a file of another format, or files made with different thresholds are
refused with the file's name: their sums would mean nothing.
"""

from __future__ import annotations

import csv
import io
import json
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from hospidesk.errors import UsageError
from hospidesk.governance.metrics import Group

COLUMNS = tuple(Group.__dataclass_fields__)
THRESHOLD = "min_group_size"
COUNTS = (
    "uses",
    "answered",
    "helped_yes",
    "helped_some",
    "helped_no",
    "minutes_saved_sum",
    "exported",
    "exported_with_omissions",
    "repairs_tried",
    "repairs_succeeded",
)
MAX_FILE_BYTES = 20 * 1024 * 1024


class MergeError(UsageError):
    """A file that cannot be added to the others (French message naming it)."""


@dataclass(frozen=True)
class Export:
    name: str
    threshold: int | None
    """None for a CSV written before the threshold was a column."""
    groups: tuple[Group, ...]


@dataclass
class Totals:
    """Sums over the workstations for one job × task × week (or one job × week)."""

    counts: dict[str, int] = field(default_factory=lambda: dict.fromkeys(COUNTS, 0))
    few_edits: int = 0
    """Exports rewritten at most 20 % (each file's share × its exports)."""
    suppressed: int = 0
    """Groups of fewer uses than the threshold (no figure, counted only)."""
    workstations: set[str] = field(default_factory=set)

    def add(self, group: Group, source: str) -> None:
        self.workstations.add(source)
        if group.suppressed:
            self.suppressed += 1
            return
        for name in COUNTS:
            self.counts[name] += int(getattr(group, name) or 0)
        if group.share_few_edits is not None and group.exported:
            self.few_edits += round(group.share_few_edits * group.exported)

    def absorb(self, other: Totals) -> None:
        """Add another group's sums (a job's weeks, a task's weeks)."""
        for name in COUNTS:
            self.counts[name] += other.counts[name]
        self.few_edits += other.few_edits
        self.suppressed += other.suppressed
        self.workstations |= other.workstations

    @property
    def share_helped(self) -> float | None:
        answered = self.counts["answered"]
        helped = self.counts["helped_yes"] + self.counts["helped_some"]
        return helped / answered if answered else None

    @property
    def share_few_edits(self) -> float | None:
        exported = self.counts["exported"]
        return self.few_edits / exported if exported else None


@dataclass(frozen=True)
class Merged:
    files: int
    threshold: int | None
    groups: dict[tuple[str, str, str], Totals]
    """Per (job, task, week)."""

    def by_job_week(self) -> dict[str, dict[str, Totals]]:
        jobs: dict[str, dict[str, Totals]] = defaultdict(dict)
        for (job, _task, week), totals in sorted(self.groups.items()):
            jobs[job].setdefault(week, Totals()).absorb(totals)
        return dict(jobs)

    def by_task(self, job: str) -> dict[str, Totals]:
        tasks: dict[str, Totals] = {}
        for (group_job, task, _week), totals in self.groups.items():
            if group_job == job:
                tasks.setdefault(task, Totals()).absorb(totals)
        return tasks


def export_files(paths: Sequence[Path]) -> list[Path]:
    """The files given, and the .csv/.json files of the folders given (hidden ones, such as
    a file being written, left out), in name order."""
    files: list[Path] = []
    for path in paths:
        if path.is_dir():
            files += sorted(
                p for p in path.iterdir() if p.suffix in (".csv", ".json") and p.name[0] != "."
            )
        elif path.is_file():
            files.append(path)
        else:
            raise MergeError(f"Introuvable : {path}")
    if not files:
        raise MergeError("Aucun export (.csv ou .json) à réunir.")
    return files


def read_export(path: Path) -> Export:
    try:
        if path.stat().st_size > MAX_FILE_BYTES:
            raise MergeError(f"{path.name} : fichier trop gros pour un export de HospiDesk.")
        text = path.read_text(encoding="utf-8-sig")
    except OSError as exc:
        raise MergeError(f"{path.name} : fichier illisible ({exc.strerror}).") from None
    except UnicodeDecodeError:
        raise MergeError(f"{path.name} : ce n'est pas un export de HospiDesk (encodage).") from None
    if path.suffix == ".json":
        return _from_json(path.name, text)
    return _from_csv(path.name, text)


def _from_csv(name: str, text: str) -> Export:
    reader = csv.DictReader(io.StringIO(text))
    header = reader.fieldnames or []
    unknown = [c for c in header if c not in COLUMNS and c != THRESHOLD]
    if unknown:
        raise MergeError(
            f"{name} : colonne inconnue « {unknown[0]} » (export d'une autre version ou "
            "modifié à la main)."
        )
    missing = [c for c in COLUMNS if c not in header]
    if missing:
        raise MergeError(f"{name} : colonne manquante « {missing[0]} ».")
    groups = []
    thresholds: set[str] = set()
    for number, row in enumerate(reader, start=2):
        thresholds.add(row.get(THRESHOLD) or "")
        groups.append(_group(name, number, row))
    if len(thresholds) > 1:
        raise MergeError(f"{name} : plusieurs seuils dans le même fichier.")
    value = next(iter(thresholds), "")
    return Export(name, int(value) if value.isdigit() else None, tuple(groups))


def _from_json(name: str, text: str) -> Export:
    try:
        data = json.loads(text)
    except ValueError:
        raise MergeError(f"{name} : JSON illisible.") from None
    if not isinstance(data, dict) or data.get("format") != "hospidesk-stats-v1":
        raise MergeError(f"{name} : ce n'est pas un export de HospiDesk (format inconnu).")
    groups = data.get("groups")
    threshold = data.get(THRESHOLD)
    if not isinstance(groups, list) or not isinstance(threshold, int):
        raise MergeError(f"{name} : export incomplet (groupes ou seuil absents).")
    rows = []
    for number, raw in enumerate(groups, start=1):
        if not isinstance(raw, dict):
            raise MergeError(f"{name} : groupe n° {number} illisible.")
        unknown = [c for c in raw if c not in COLUMNS]
        if unknown:
            raise MergeError(f"{name} : champ inconnu « {unknown[0]} » (groupe n° {number}).")
        values = {c: "" if raw.get(c) is None else str(raw[c]) for c in COLUMNS}
        rows.append(_group(name, number, values))
    return Export(name, threshold, tuple(rows))


def _group(name: str, line: int, row: dict[str, str]) -> Group:
    def number(column: str) -> float | None:
        value = (row.get(column) or "").strip()
        if not value:
            return None
        try:
            parsed = float(value)
        except ValueError:
            raise MergeError(f"{name}, ligne {line} : « {column} » n'est pas un nombre.") from None
        if parsed < 0:
            raise MergeError(f"{name}, ligne {line} : « {column} » est négatif.")
        return parsed

    def count(column: str) -> int | None:
        value = number(column)
        return None if value is None else int(value)

    return Group(
        job=row["job"],
        task=row["task"],
        week=row["week"],
        suppressed=(row.get("suppressed") or "").strip() in ("True", "true", "1"),
        uses=count("uses"),
        answered=count("answered"),
        helped_yes=count("helped_yes"),
        helped_some=count("helped_some"),
        helped_no=count("helped_no"),
        share_helped=number("share_helped"),
        minutes_saved_sum=count("minutes_saved_sum"),
        minutes_saved_median=number("minutes_saved_median"),
        exported=count("exported"),
        share_few_edits=number("share_few_edits"),
        exported_with_omissions=count("exported_with_omissions"),
        repairs_tried=count("repairs_tried"),  # None in exports older than the check of facts
        repairs_succeeded=count("repairs_succeeded"),
    )


def merge(exports: Iterable[Export]) -> Merged:
    exports = list(exports)
    known: dict[int, list[str]] = defaultdict(list)
    for export in exports:
        if export.threshold is not None:
            known[export.threshold].append(export.name)
    if len(known) > 1:
        parts = [
            f"{threshold} ({len(names)} fichier{'s' if len(names) > 1 else ''}, dont {names[0]})"
            for threshold, names in sorted(known.items())
        ]
        raise MergeError(
            "Exports faits avec des seuils différents (min_group_size) : "
            + " ; ".join(parts)
            + ". Réunissez les exports d'un même seuil."
        )
    groups: dict[tuple[str, str, str], Totals] = defaultdict(Totals)
    for export in exports:
        for group in export.groups:
            groups[(group.job, group.task, group.week)].add(group, export.name)
    threshold = next(iter(known), None)
    return Merged(len(exports), threshold, dict(groups))
