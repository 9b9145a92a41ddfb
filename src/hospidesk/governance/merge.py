"""Many workstations' exports added up, the way docs/evaluation.md says: per job × task × week,
counts summed, shares recomputed from the sums (never averaged), suppressed groups counted as
« n groupes de moins de N usages » and never recomputed.

Input: the files ``hospidesk stats`` and the weekly export write (CSV or JSON), each read and
checked by governance/stats_files.py. A file that fails is set aside with its reason, and the
others are merged.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from hospidesk.governance.metrics import Group
from hospidesk.governance.stats_files import Export, MergeError

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
    skipped: tuple[tuple[str, str], ...] = ()
    """The files set aside, each with why (French)."""

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


def merge(exports: Iterable[Export], skipped: Iterable[tuple[str, str]] = ()) -> Merged:
    """The exports added up. A workstation's group of a week counts once, from its most recent
    export (the same file twice, or two exports of one workstation, add nothing); files made
    with another threshold than most are set aside (their sums would mean nothing beside the
    others), each with its reason."""
    kept = list(exports)
    set_aside = list(skipped)
    thresholds = Counter(e.threshold for e in kept if e.threshold is not None)
    # the threshold most files share (on a tie the higher, which protects more)
    threshold = max(thresholds, key=lambda t: (thresholds[t], t)) if thresholds else None
    used = []
    for export in kept:
        if threshold is not None and export.threshold not in (None, threshold):
            set_aside.append(
                (
                    export.name,
                    f"seuil {export.threshold} différent de celui des autres ({threshold})",
                )
            )
        else:
            used.append(export)
    latest: dict[tuple[str, str, str, str], tuple[Group, str]] = {}
    for export in sorted(used, key=lambda e: e.exported_at):  # stable: file order after
        for group in export.groups:
            latest[(export.station, group.job, group.task, group.week)] = (group, export.station)
    groups: dict[tuple[str, str, str], Totals] = defaultdict(Totals)
    for (_station, job, task, week), (group, station) in latest.items():
        groups[(job, task, week)].add(group, station)
    return Merged(len(used), threshold, dict(groups), tuple(set_aside))


def export_files(paths: Sequence[Path]) -> list[Path]:
    """The files given, and the .csv/.json files of the folders given (hidden ones, such as
    a file being written, left out), in name order."""
    files: list[Path] = []
    for path in paths:
        if path.is_dir():
            files += sorted(
                p for p in path.iterdir() if p.suffix in (".csv", ".json") and p.name[0] != "."
            )
        elif path.exists() or path.is_symlink():
            files.append(path)
        else:
            raise MergeError(f"Introuvable : {path}")
    if not files:
        raise MergeError("Aucun export (.csv ou .json) à réunir.")
    return files
