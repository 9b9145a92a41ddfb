"""The pack studio's work, without Qt: the packs an AI referent edits, each in its own folder of
the user's data (``studio/ID/``, a pack folder in its source form), checked as they type,
saved only when valid, and journalled as they go so that a crash loses nothing.

A pack being edited is a :class:`StudioPack`: its manifest and its tasks as the plain tables
of their TOML files (what the forms change), and its folder. The journal
(``.journal.json`` in the folder, written atomically within a second of each change) holds
those tables whatever their state; « Enregistrer » writes the TOML files, and refuses while
``problems()`` finds anything. Trying, testing, signing and publishing are in
service/publishing.py.
"""

from __future__ import annotations

import copy
import json
import re
import shutil
import unicodedata
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from hospidesk.documents.checks import inspect_docx
from hospidesk.errors import UsageError
from hospidesk.fsutil import atomic_write_text
from hospidesk.packs.authoring import new_pack, shipped_templates, write_manifest, write_task
from hospidesk.packs.check import Problem, manifest_problems, task_problems
from hospidesk.packs.loader import IDENT, MANIFEST, MAX_TEMPLATE_BYTES, toml_of
from hospidesk.packs.signing import SIGNATURE, STATEMENT
from hospidesk.service.workspace import Workspace

JOURNAL = ".journal.json"
META = ".studio.json"
"""What the studio knows of a pack beside its files: the installed version it came from, its
last test, the versions published."""


class StudioRefused(UsageError):
    """The studio is not for this user (the policy names who may use it)."""


def allowed(ws: Workspace) -> bool:
    return ws.policy.studio.allows(ws.user, ws.groups)


def require_allowed(ws: Workspace) -> None:
    if not allowed(ws):
        raise StudioRefused(
            "Le studio de tâches est réservé aux référents IA désignés par la DSI "
            "(politique : [studio] allowed_roles)."
        )


@dataclass
class StudioPack:
    folder: Path
    manifest: dict[str, Any]
    tasks: list[dict[str, Any]]
    meta: dict[str, Any] = field(default_factory=dict)
    recovered: bool = False
    """Opened from its journal: changes that were never saved (the window was closed hard)."""

    @property
    def id(self) -> str:
        return str(self.manifest.get("id", self.folder.name))

    def task(self, task_id: str) -> dict[str, Any]:
        for task in self.tasks:
            if task.get("id") == task_id:
                return task
        raise UsageError(f"Tâche inconnue dans le pack : « {task_id} ».")

    def state(self) -> dict[str, Any]:
        return {"manifest": self.manifest, "tasks": self.tasks}

    def snapshot(self) -> StudioPack:
        """A copy to work on in another thread while the forms go on changing this one."""
        return copy.deepcopy(self)


def studio_folder(ws: Workspace, pack_id: str) -> Path:
    if not IDENT.fullmatch(pack_id):
        raise UsageError(f"Identifiant de pack refusé : « {pack_id} ».")
    return ws.paths.studio_dir / pack_id


def working_packs(ws: Workspace) -> list[str]:
    """The packs in the studio, by id."""
    root = ws.paths.studio_dir
    if not root.is_dir():
        return []
    return sorted(
        p.name for p in root.iterdir() if (p / MANIFEST).is_file() or (p / JOURNAL).is_file()
    )


def create(ws: Workspace, pack_id: str, job: str, title: str) -> StudioPack:
    """A new pack (a new job's, or a new one for a job) with a first task to change."""
    require_allowed(ws)
    folder = studio_folder(ws, pack_id)
    if pack_id in {p.id for p in ws.packs}:
        raise UsageError(
            f"Un pack « {pack_id} » est déjà installé : ouvrez-le comme nouvelle version."
        )
    new_pack(folder, pack_id, job, title, ws.user)
    return open_working(ws, pack_id)


def open_installed(ws: Workspace, pack_id: str) -> StudioPack:
    """An installed pack copied into the studio, to become its next version."""
    require_allowed(ws)
    pack = next((p for p in ws.packs if p.id == pack_id), None)
    if pack is None:
        raise UsageError(f"Pack inconnu ou inactif : « {pack_id} ».")
    folder = studio_folder(ws, pack_id)
    if folder.exists():
        raise UsageError(
            f"Le pack « {pack_id} » est déjà dans le studio : reprenez-le, ou supprimez-le "
            "d'abord du studio."
        )
    shutil.copytree(
        pack.root,
        folder,
        ignore=shutil.ignore_patterns(".*", STATEMENT, SIGNATURE),  # the new version is signed anew
    )
    _write_meta(folder, {"previous": str(pack.root), "previous_version": pack.manifest.version})
    return open_working(ws, pack_id)


def open_working(ws: Workspace, pack_id: str) -> StudioPack:
    """A pack of the studio as it was left: from its journal when it has one (unsaved
    changes), else from its files."""
    require_allowed(ws)
    folder = studio_folder(ws, pack_id)
    meta = _read_meta(folder)
    journal = folder / JOURNAL
    if journal.is_file():
        try:
            state = json.loads(journal.read_text(encoding="utf-8"))
            return StudioPack(folder, state["manifest"], state["tasks"], meta, recovered=True)
        except (OSError, ValueError, KeyError, TypeError):
            pass  # a journal cut by a crash: the saved files stand (atomic writes make it rare)
    manifest = _table(folder, MANIFEST)
    tasks = [_table(folder, f"tasks/{p.name}") for p in sorted((folder / "tasks").glob("*.toml"))]
    order = {t: n for n, t in enumerate(manifest.get("task_order", ()))}
    tasks.sort(key=lambda t: order.get(t.get("id"), len(order)))
    return StudioPack(folder, manifest, tasks, meta)


def _table(folder: Path, file: str) -> dict[str, Any]:
    data, reason = toml_of(folder / file)
    if data is None:
        raise UsageError(f"Pack du studio illisible ({folder}) : {file} : {reason}")
    return data


def problems(pack: StudioPack) -> list[Problem]:
    """Everything that keeps the pack from being saved, signed or published."""
    found: list[Problem] = []
    ids = [t.get("id") for t in pack.tasks]
    found += manifest_problems(pack.manifest, [i for i in ids if isinstance(i, str)])
    if not pack.tasks:
        found.append(Problem("tasks/", (), "le pack doit avoir au moins une tâche"))
    for index, task in enumerate(pack.tasks):
        task_id = task.get("id")
        file = f"tasks/{task_id}.toml" if isinstance(task_id, str) else f"tâche n° {index + 1}"
        if ids.count(task_id) > 1 and ids.index(task_id) != index:
            found.append(Problem(file, ("id",), f"identifiant de tâche en double : « {task_id} »"))
        found += task_problems(task, file, pack.folder)
    return found


def journal(pack: StudioPack) -> None:
    """Keep the pack's state as it is now, valid or not (called after each change)."""
    text = json.dumps(pack.state(), ensure_ascii=False)
    atomic_write_text(pack.folder / JOURNAL, text)


def require_valid(pack: StudioPack, what: str) -> None:
    """Refuse ``what`` (« enregistré », « essayé »…) while the pack has problems."""
    found = problems(pack)
    if found:
        raise UsageError(
            f"Le pack n'est pas {what} : {len(found)} problème(s) à corriger, indiqués à côté "
            "de chaque champ."
        )


def save(pack: StudioPack) -> None:
    """Write the pack's files; refused while it has problems (its journal keeps the work)."""
    require_valid(pack, "enregistré")
    write_manifest(pack.folder, pack.manifest)
    kept = set()
    for task in pack.tasks:
        kept.add(write_task(pack.folder, task).name)
    for path in (pack.folder / "tasks").glob("*.toml"):
        if path.name not in kept:
            path.unlink()
    (pack.folder / JOURNAL).unlink(missing_ok=True)
    pack.recovered = False


def add_task(pack: StudioPack, title: str, source: dict[str, Any] | None = None) -> dict[str, Any]:
    """A new task made from ``source`` (a task to duplicate) or from the pack's first one."""
    base = copy.deepcopy(source if source is not None else pack.tasks[0] if pack.tasks else {})
    task_id = _free_id(pack, slug(title) or "tache")
    base.update({"id": task_id, "title": title.strip() or task_id})
    if source is None:
        base["examples"] = []
    pack.tasks.append(base)
    return base


def slug(text: str) -> str:
    """An identifier from a title: « Bloc opératoire » gives bloc-operatoire."""

    plain = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode().lower()
    return re.sub(r"[^a-z0-9]+", "-", plain).strip("-")[:63]


def _free_id(pack: StudioPack, wanted: str) -> str:
    taken = {t.get("id") for t in pack.tasks}
    candidate, number = wanted, 2
    while candidate in taken:
        candidate = f"{wanted[:60]}-{number}"
        number += 1
    return candidate


def templates(pack: StudioPack) -> list[str]:
    """The Word templates a task of this pack may use: its own (``templates/…``)."""
    folder = pack.folder / "templates"
    return sorted(f"templates/{p.name}" for p in folder.glob("*.docx")) if folder.is_dir() else []


def use_shipped_template(pack: StudioPack, name: str) -> str:
    """Copy a shipped template (``secretariat/templates/courrier.docx``) into the pack."""
    source = shipped_templates().get(name)
    if source is None:
        raise UsageError(f"Modèle livré inconnu : « {name} ».")
    return _place_template(pack, source.name, source.read_bytes())


def import_template(pack: StudioPack, path: Path) -> str:
    """A .docx of the hospital's, checked as every template is (no macro, no outside link,
    no embedded object), copied into the pack; returns its path in the pack."""
    if path.suffix.lower() != ".docx":
        raise UsageError("Un modèle Word au format .docx est attendu.")
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise UsageError(f"Fichier illisible : {path.name} ({exc.strerror}).") from None
    if len(data) > MAX_TEMPLATE_BYTES:
        raise UsageError(f"Modèle Word refusé : {path.name} fait plus de 10 Mo.")
    refused = inspect_docx(data)
    if refused:
        raise UsageError(f"Modèle Word refusé : {refused[0].reason}.")
    return _place_template(pack, f"{slug(path.stem) or 'modele'}.docx", data)


def _place_template(pack: StudioPack, name: str, data: bytes) -> str:
    target = pack.folder / "templates" / name
    if target.exists() and target.read_bytes() != data:
        stem, number = target.stem, 2
        while target.exists():
            target = target.with_name(f"{stem}-{number}.docx")
            number += 1
    target.parent.mkdir(parents=True, exist_ok=True)
    if not target.exists():
        target.write_bytes(data)
    return f"templates/{target.name}"


def _read_meta(folder: Path) -> dict[str, Any]:
    try:
        data = json.loads((folder / META).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    return data if isinstance(data, dict) else {}


def _write_meta(folder: Path, meta: dict[str, Any]) -> None:
    atomic_write_text(folder / META, json.dumps(meta, ensure_ascii=False, indent=1))


def update_meta(pack: StudioPack, **values: Any) -> None:
    pack.meta.update(values)
    _write_meta(pack.folder, pack.meta)
