"""A user's first days, job by job: the job they work in (asked once, or given by the policy),
their job's tasks first, worked examples to try, the rules' key points recalled once a day, and
what changed in their job's tasks after a pack update.

What the user has seen is kept in their config folder (``accueil.json``): the day of their
first use, the last day a key point was recalled, and a fingerprint of each task of their job.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from dataclasses import dataclass
from pathlib import Path

from hospidesk.errors import UsageError
from hospidesk.fsutil import atomic_write_text
from hospidesk.governance.rules import KEY_POINTS
from hospidesk.packs.loader import PackTask
from hospidesk.packs.model import Example
from hospidesk.policy import ALL_JOBS
from hospidesk.service.session import change_setting
from hospidesk.service.workspace import Workspace

JOB_SETTING = "profil.metier"
SPEECH_MODEL_SETTING = "dictee.modele"
FIRST_DAYS = 7
"""How many days after the first use the rules' key points are recalled (once a day)."""


@dataclass(frozen=True)
class Job:
    id: str
    title: str
    summary: str


def _summary(item: PackTask) -> str:
    manifest = item.pack.manifest
    if manifest.summary:
        return manifest.summary
    first = manifest.description.split(". ")[0].strip().rstrip(".")
    return first + "." if first else ""


def visible_jobs(ws: Workspace) -> list[Job]:
    """The jobs whose tasks this user may use, by title; a job's name is its main pack's."""
    packs: dict[str, PackTask] = {}
    for item in ws.tasks():
        job = item.pack.manifest.job
        if job not in packs or item.pack.id == job:
            packs[job] = item
    jobs = [Job(job, item.pack.manifest.title, _summary(item)) for job, item in packs.items()]
    return sorted(jobs, key=lambda j: j.title.casefold())


def assigned_job(ws: Workspace) -> str | None:
    """The job the policy gives: a locked setting, or roles that show this user one job."""
    lock = ws.settings.locks.get(JOB_SETTING)
    if lock is not None:
        return lock.value.strip() or None
    jobs = ws.policy.roles.visible_jobs(ws.user, ws.groups)
    if ALL_JOBS not in jobs and len(jobs) == 1:
        return next(iter(jobs))
    shown = visible_jobs(ws)
    return shown[0].id if len(shown) == 1 else None


def current_job(ws: Workspace) -> str | None:
    """This user's job: given by the policy, else chosen (when still visible), else None."""
    assigned = assigned_job(ws)
    if assigned:
        return assigned
    chosen = ws.settings.get(JOB_SETTING).strip()
    return chosen if chosen in {j.id for j in visible_jobs(ws)} else None


def needs_job_choice(ws: Workspace) -> bool:
    """Whether to ask the user's job: no job yet, more than one to choose from, and IT did not
    lock the setting (even to none)."""
    if JOB_SETTING in ws.settings.locks:
        return False
    return current_job(ws) is None and len(visible_jobs(ws)) > 1


def choose_job(ws: Workspace, job: str) -> None:
    known = {j.id for j in visible_jobs(ws)}
    if job not in known:
        raise UsageError(f"Métier inconnu : « {job} ». Métiers : {', '.join(sorted(known))}.")
    change_setting(ws, JOB_SETTING, job)


def set_setting(ws: Workspace, key: str, value: str) -> None:
    """A setting as the user changes it: a job must be one they may use, a speech model one
    of the catalogs that the policy allows (empty: none, the default)."""
    chosen = value.strip()
    if key == JOB_SETTING and chosen:
        choose_job(ws, chosen)
        return
    if key == SPEECH_MODEL_SETTING and chosen:
        entry = ws.catalog.speech_by_id(chosen)  # unknown: says which are approved
        if not ws.policy.dictation.allows(entry.id):
            from hospidesk.service.dictation import not_allowed  # only for this setting

            raise UsageError(not_allowed(entry.id))
    change_setting(ws, key, value)


def tasks_by_job(ws: Workspace, job: str | None) -> list[PackTask]:
    """Every task this user may use, the tasks of ``job`` first (in their packs' order)."""
    tasks = ws.tasks()
    return [t for t in tasks if t.pack.manifest.job == job] + [
        t for t in tasks if t.pack.manifest.job != job
    ]


def first_task(ws: Workspace, job: str | None) -> PackTask | None:
    tasks = tasks_by_job(ws, job)
    return tasks[0] if tasks else None


# Worked examples


def example(item: PackTask, number: int) -> Example:
    """The task's example ``number`` (from 1), or a UsageError listing what there is."""
    examples = item.task.examples
    if not examples:
        raise UsageError(f"La tâche {item.ref} n'a pas d'exemple.")
    if not 1 <= number <= len(examples):
        listed = "; ".join(f"{n} : {e.description}" for n, e in enumerate(examples, 1))
        raise UsageError(f"Exemple n° {number} inconnu pour {item.ref} ({listed}).")
    return examples[number - 1]


def is_example(item: PackTask, source: str, fields: dict[str, str]) -> bool:
    """Whether these inputs are one of the task's examples as given (not the user's text)."""
    return any(candidate.matches(source, fields) for candidate in item.task.examples)


# What the user has seen


@dataclass(frozen=True)
class WhatsNew:
    added: tuple[PackTask, ...]
    changed: tuple[PackTask, ...]

    def __bool__(self) -> bool:
        return bool(self.added or self.changed)


def fingerprint(item: PackTask) -> str:
    """Changes when the task's file (instructions, fields, examples...) changes, not when
    HospiDesk reads it differently after an upgrade."""
    try:
        raw = (item.pack.root / "tasks" / f"{item.task.id}.toml").read_bytes()
    except OSError:
        raw = item.task.model_dump_json().encode("utf-8")
    return hashlib.sha256(raw).hexdigest()[:16]


class Welcome:
    """The user's onboarding state (``accueil.json`` in their config folder)."""

    def __init__(self, file: Path) -> None:
        self.file = file
        self.data = self._read()

    @classmethod
    def of(cls, ws: Workspace) -> Welcome:
        return cls(ws.paths.config / "accueil.json")

    def _read(self) -> dict[str, object]:
        try:
            data = json.loads(self.file.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            return {}
        return data if isinstance(data, dict) else {}

    def save(self) -> None:
        self.file.parent.mkdir(parents=True, exist_ok=True)
        atomic_write_text(self.file, json.dumps(self.data, indent=1, sort_keys=True))

    def _remember(self, key: str, value: object) -> None:
        """Keep ``value`` under ``key``; the file is written only when something changed."""
        if self.data.get(key) != value:
            self.data[key] = value
            self.save()

    def _day(self, key: str) -> dt.date | None:
        try:
            return dt.date.fromisoformat(str(self.data[key]))
        except (KeyError, ValueError):
            return None

    def key_point(self, ws: Workspace, today: dt.date) -> str | None:
        """The rules' key point of the day during the first days, once a day (then None)."""
        first = self._day("premier_jour")
        if first is None:
            first = today
            self._remember("premier_jour", today.isoformat())
        day = (today - first).days
        if day >= FIRST_DAYS or self._day("rappel") == today:
            return None
        points = (ws.policy.rules.key_points if ws.policy.rules else ()) or KEY_POINTS
        self._remember("rappel", today.isoformat())
        return points[day % len(points)]

    def whats_new(self, job: str, tasks: list[PackTask]) -> WhatsNew:
        """The tasks of ``job`` added or changed since the user last saw them; the first time
        (a new user, a new job), nothing: everything is new. Remembers them as seen."""
        by_job = self.data.get("taches")
        by_job = dict(by_job) if isinstance(by_job, dict) else {}
        seen = by_job.get(job)
        known = {str(k): str(v) for k, v in seen.items()} if isinstance(seen, dict) else None
        now = {t.ref: fingerprint(t) for t in tasks if t.pack.manifest.job == job}
        self._remember("taches", {**by_job, job: now})
        if known is None:
            return WhatsNew((), ())
        mine = [t for t in tasks if t.ref in now]
        added = tuple(t for t in mine if t.ref not in known)
        changed = tuple(t for t in mine if t.ref in known and known[t.ref] != now[t.ref])
        return WhatsNew(added, changed)
