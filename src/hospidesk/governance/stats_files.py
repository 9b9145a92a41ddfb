"""One workstation's stats export read from the shared folder, as hostile input: any user of any
workstation can write there.

A file is read only if it is a regular file under MAX_FILE_BYTES (a FIFO, a link to a device,
a huge file: refused before reading), decoded strictly, parsed with its depth bounded, then
checked against the export's schema: every column known, every row complete, every number a
plain decimal (no NaN, no infinity, no superscript digit) within its range, shares between 0
and 1, counts consistent with each other (answers ≤ uses, exports ≤ uses…), jobs and tasks
among those the packs define, weeks real ISO weeks, no group twice. Any fault refuses the whole
file with one French line naming it; the merge goes on with the others.
"""

from __future__ import annotations

import csv
import hashlib
import io
import json
import os
import re
import stat
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from hospidesk.errors import UsageError
from hospidesk.governance.metrics import MAX_MINUTES, Group

COLUMNS = tuple(Group.__dataclass_fields__)
THRESHOLD = "min_group_size"
STATION = "poste"
EXPORTED_AT = "exporte_le"
OPTIONAL = frozenset({"repairs_tried", "repairs_succeeded"})
"""Columns later versions added: an older export without them is read (as unknown)."""
MAX_FILE_BYTES = 20 * 1024 * 1024
MAX_GROUPS = 100_000
MAX_COUNT = 1_000_000
MAX_TEXT = 120
MAX_THRESHOLD = 1000
_INT = re.compile(r"\d{1,9}")
_DECIMAL = re.compile(r"\d{1,9}(?:\.\d{1,9})?")
_WEEK = re.compile(r"(\d{4})-W(\d{2})")
_STATION = re.compile(r"[0-9a-f]{16,64}")
_DATE = re.compile(r"\d{4}-\d{2}-\d{2}(?:T\d{2}:\d{2}(?::\d{2})?)?")
_COUNTS = (
    "uses", "answered", "helped_yes", "helped_some", "helped_no", "minutes_saved_sum",
    "exported", "exported_with_omissions", "repairs_tried", "repairs_succeeded",
)  # fmt: skip


class MergeError(UsageError):
    """A file that cannot be added to the others (French message naming it)."""


@dataclass(frozen=True)
class Export:
    name: str
    threshold: int | None
    """None for a CSV written before the threshold was a column."""
    groups: tuple[Group, ...]
    station: str
    """The export's anonymous workstation id, or the file's digest for an export without one
    (each such file then counts as a workstation of its own)."""
    exported_at: str = ""
    digest: str = ""


def read_export(path: Path, tasks: Mapping[str, str]) -> Export:
    """``tasks``: every task this installation knows, by reference, with its job."""
    raw = _read_bounded(path)
    digest = hashlib.sha256(raw).hexdigest()
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise MergeError(f"{path.name} : ce n'est pas un export de HospiDesk (encodage).") from None
    if path.suffix == ".json":
        export = _from_json(path.name, text, tasks)
    else:
        export = _from_csv(path.name, text, tasks)
    station = export.station or f"fichier:{digest[:16]}"
    return Export(export.name, export.threshold, export.groups, station, export.exported_at, digest)


def _read_bounded(path: Path) -> bytes:
    try:
        fd = os.open(path, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_BINARY", 0))
    except OSError as exc:
        raise MergeError(f"{path.name} : fichier illisible ({exc.strerror}).") from None
    with os.fdopen(fd, "rb") as handle:
        info = os.fstat(fd)
        if not stat.S_ISREG(info.st_mode):
            raise MergeError(f"{path.name} : ce n'est pas un fichier ordinaire.")
        if info.st_size > MAX_FILE_BYTES:
            raise MergeError(f"{path.name} : fichier trop gros pour un export de HospiDesk.")
        if hasattr(os, "set_blocking"):
            os.set_blocking(fd, True)
        data = handle.read(MAX_FILE_BYTES + 1)
    if len(data) > MAX_FILE_BYTES:
        raise MergeError(f"{path.name} : fichier trop gros pour un export de HospiDesk.")
    return data


def _from_csv(name: str, text: str, tasks: Mapping[str, str]) -> Export:
    try:
        rows = list(csv.reader(io.StringIO(text), strict=True))
    except csv.Error:
        raise MergeError(
            f"{name} : fichier CSV illisible (cellule démesurée ou guillemets mal fermés)."
        ) from None
    if not rows:
        raise MergeError(f"{name} : fichier vide.")
    header, body = rows[0], rows[1:]
    extras = (THRESHOLD, STATION, EXPORTED_AT)
    unknown = [c for c in header if c not in COLUMNS and c not in extras]
    if unknown:
        raise MergeError(
            f"{name} : colonne inconnue « {unknown[0][:MAX_TEXT]} » (export d'une autre version "
            "ou modifié à la main)."
        )
    missing = [c for c in COLUMNS if c not in header and c not in OPTIONAL]
    if missing:
        raise MergeError(f"{name} : colonne manquante « {missing[0]} ».")
    if len(set(header)) != len(header):
        raise MergeError(f"{name} : colonne en double.")
    if len(body) > MAX_GROUPS:
        raise MergeError(f"{name} : trop de lignes pour un export de HospiDesk.")
    groups = []
    seen: dict[str, set[str]] = {key: set() for key in extras}
    for number, cells in enumerate(body, start=2):
        if len(cells) != len(header):
            raise MergeError(
                f"{name}, ligne {number} : {len(cells)} cellules au lieu de {len(header)}."
            )
        row = dict(zip(header, cells, strict=True))
        for key in extras:
            seen[key].add(row.get(key, ""))
        groups.append(_group(name, f"ligne {number}", row, tasks))
    for key in extras:
        if len(seen[key]) > 1:
            raise MergeError(f"{name} : plusieurs valeurs de « {key} » dans le même fichier.")
    value = next(iter(seen[THRESHOLD]), "")
    threshold = _threshold(name, value) if body and THRESHOLD in header else None
    export = Export(name, threshold, _unique(name, groups), "", "")
    return _stamped(name, export, next(iter(seen[STATION]), ""), next(iter(seen[EXPORTED_AT]), ""))


def _from_json(name: str, text: str, tasks: Mapping[str, str]) -> Export:
    try:
        data = json.loads(text)
    except (ValueError, RecursionError):
        raise MergeError(f"{name} : JSON illisible.") from None
    if not isinstance(data, dict) or data.get("format") != "hospidesk-stats-v1":
        raise MergeError(f"{name} : ce n'est pas un export de HospiDesk (format inconnu).")
    groups = data.get("groups")
    if not isinstance(groups, list) or THRESHOLD not in data:
        raise MergeError(f"{name} : export incomplet (groupes ou seuil absents).")
    if len(groups) > MAX_GROUPS:
        raise MergeError(f"{name} : trop de groupes pour un export de HospiDesk.")
    threshold = _threshold(name, _plain(data[THRESHOLD]))
    rows = []
    for number, raw in enumerate(groups, start=1):
        if not isinstance(raw, dict):
            raise MergeError(f"{name} : groupe n° {number} illisible.")
        unknown = [c for c in raw if c not in COLUMNS]
        if unknown:
            column = str(unknown[0])[:MAX_TEXT]
            raise MergeError(f"{name} : champ inconnu « {column} » (groupe n° {number}).")
        missing = [c for c in COLUMNS if c not in raw and c not in OPTIONAL]
        if missing:
            raise MergeError(f"{name} : champ « {missing[0]} » absent (groupe n° {number}).")
        values = {c: _plain(raw.get(c)) for c in COLUMNS}
        rows.append(_group(name, f"groupe n° {number}", values, tasks))
    export = Export(name, threshold, _unique(name, rows), "", "")
    return _stamped(name, export, _plain(data.get(STATION)), _plain(data.get(EXPORTED_AT)))


def _plain(value: Any) -> str:
    """A JSON value as the CSV cell it would be (null: empty; a float written plainly)."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "True" if value else "False"
    if isinstance(value, float):
        return repr(value) if value == value and abs(value) != float("inf") else "nan"
    if isinstance(value, int | str):
        return str(value)
    return "\0"  # a list or an object where a plain value belongs: refused below


def _threshold(name: str, value: str) -> int:
    if not _INT.fullmatch(value) or not 1 <= int(value) <= MAX_THRESHOLD:
        raise MergeError(f"{name} : seuil (min_group_size) invalide.")
    return int(value)


def _stamped(name: str, export: Export, station: str, exported_at: str) -> Export:
    if station and not _STATION.fullmatch(station):
        raise MergeError(f"{name} : identifiant de poste invalide.")
    if exported_at and not _DATE.fullmatch(exported_at):
        raise MergeError(f"{name} : date d'export invalide.")
    return Export(export.name, export.threshold, export.groups, station, exported_at)


def _unique(name: str, groups: list[Group]) -> tuple[Group, ...]:
    keys = set()
    for group in groups:
        key = (group.job, group.task, group.week)
        if key in keys:
            raise MergeError(f"{name} : groupe en double ({group.task}, {group.week}).")
        keys.add(key)
    return tuple(groups)


def _group(name: str, where: str, row: Mapping[str, str], tasks: Mapping[str, str]) -> Group:
    job, task, week = (str(row.get(c, "")) for c in ("job", "task", "week"))
    if tasks.get(task) != job:
        shown = task[:MAX_TEXT].encode("unicode_escape").decode("ascii")
        raise MergeError(f"{name}, {where} : tâche inconnue de ce poste « {shown} ».")
    match = _WEEK.fullmatch(week)
    if not match or not 1 <= int(match.group(2)) <= 53 or not 2000 <= int(match.group(1)) <= 2200:
        raise MergeError(f"{name}, {where} : semaine invalide.")
    suppressed = str(row.get("suppressed", "")).strip()
    if suppressed not in ("True", "False", "true", "false", "1", "0"):
        raise MergeError(f"{name}, {where} : « suppressed » invalide.")

    def count(column: str, top: int = MAX_COUNT) -> int | None:
        value = str(row.get(column, "")).strip()
        if not value:
            return None
        if not _INT.fullmatch(value) or int(value) > top:
            raise MergeError(f"{name}, {where} : « {column} » n'est pas un nombre admis.")
        return int(value)

    def share(column: str, top: float = 1.0) -> float | None:
        value = str(row.get(column, "")).strip()
        if not value:
            return None
        if not _DECIMAL.fullmatch(value) or float(value) > top:
            raise MergeError(f"{name}, {where} : « {column} » n'est pas un nombre admis.")
        return float(value)

    counts = {c: count(c, MAX_COUNT * MAX_MINUTES if c == "minutes_saved_sum" else MAX_COUNT)
              for c in _COUNTS}  # fmt: skip
    group = Group(
        job=job,
        task=task,
        week=week,
        suppressed=suppressed in ("True", "true", "1"),
        share_helped=share("share_helped"),
        minutes_saved_median=share("minutes_saved_median", MAX_MINUTES),
        share_few_edits=share("share_few_edits"),
        **counts,
    )
    if not _consistent(group):
        raise MergeError(f"{name}, {where} : chiffres incohérents entre eux.")
    return group


def _consistent(group: Group) -> bool:
    """Answers and exports within the uses, omissions within the exports, repairs placed
    within the repairs tried, minutes within 8 hours a use."""

    def n(value: int | None) -> int:
        return value or 0

    uses = n(group.uses)
    answers = n(group.helped_yes) + n(group.helped_some) + n(group.helped_no)
    return (
        answers == n(group.answered) <= uses
        and n(group.exported) <= uses
        and n(group.exported_with_omissions) <= n(group.exported)
        and n(group.repairs_succeeded) <= n(group.repairs_tried) <= uses
        and n(group.minutes_saved_sum) <= MAX_MINUTES * max(uses, 1)
    )
