"""Read pack folders into typed values, and find a task by its ``pack/task`` reference."""

from __future__ import annotations

import functools
import re
import tomllib
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from pydantic import ValidationError

from hospidesk import __version__
from hospidesk.documents.checks import inspect_docx
from hospidesk.errors import HospiDeskError, UsageError
from hospidesk.packs.model import Manifest, Task, version_tuple
from hospidesk.validation import describe

MANIFEST = "pack.toml"
IDENT = re.compile(r"[a-z0-9][a-z0-9-]{0,62}")
MAX_TOML_BYTES = 256 * 1024


class PackError(HospiDeskError):
    """A pack that cannot be used; the message names the file, the task and the field."""

    exit_code = 2


@dataclass(frozen=True)
class Pack:
    manifest: Manifest
    tasks: tuple[Task, ...]
    root: Path

    @property
    def id(self) -> str:
        return self.manifest.id


@dataclass(frozen=True)
class PackTask:
    pack: Pack
    task: Task

    @property
    def ref(self) -> str:
        return f"{self.pack.id}/{self.task.id}"

    @property
    def template_path(self) -> Path:
        return self.pack.root / self.task.template


def toml_of(path: Path) -> tuple[dict[str, Any] | None, str | None]:
    """A pack's TOML file as a table, or why it cannot be read (the reason, in French)."""
    try:
        raw = path.read_bytes()
    except OSError as exc:
        return None, f"fichier illisible ({exc.strerror})"
    return parse_toml_bytes(raw)


def parse_toml_bytes(raw: bytes) -> tuple[dict[str, Any] | None, str | None]:
    if len(raw) > MAX_TOML_BYTES:
        return None, "fichier trop volumineux"
    try:
        return tomllib.loads(raw.decode("utf-8")), None
    except UnicodeDecodeError:
        return None, "le fichier doit être encodé en UTF-8"
    except tomllib.TOMLDecodeError as exc:
        return None, f"syntaxe TOML invalide ({exc})"


def _parse_toml(raw: bytes, label: str) -> dict[str, Any]:
    data, reason = parse_toml_bytes(raw)
    if data is None:
        raise PackError(f"{label} : {reason}.")
    return data


def _read_toml(path: Path, label: str) -> dict[str, Any]:
    data, reason = toml_of(path)
    if data is None:
        raise PackError(f"{label} : {reason}.")
    return data


def parse_manifest(raw: bytes, label: str) -> Manifest:
    """Validate a ``pack.toml``; refuse a pack that needs a newer HospiDesk."""
    return manifest_of(_parse_toml(raw, label), label)


def manifest_of(data: dict[str, Any], label: str) -> Manifest:
    try:
        manifest = Manifest.model_validate(data)
    except ValidationError as exc:
        raise PackError(describe(exc, data, label)) from None
    if version_tuple(manifest.min_app_version) > version_tuple(__version__):
        raise PackError(
            f"Pack « {manifest.id} » : il demande HospiDesk {manifest.min_app_version} ou plus "
            f"récent (version installée : {__version__})."
        )
    return manifest


def parse_task(raw: bytes, rel: str, pack_id: str) -> Task:
    where = f"Pack « {pack_id} », fichier {rel}"
    return task_of(_parse_toml(raw, where), where)


def task_of(data: dict[str, Any], where: str) -> Task:
    task_id = data.get("id")
    if isinstance(task_id, str) and IDENT.fullmatch(task_id):  # never echo a malformed id
        where += f", tâche « {task_id} »"
    try:
        return Task.model_validate(data)
    except ValidationError as exc:
        raise PackError(describe(exc, data, where)) from None


MAX_TEMPLATE_BYTES = 10 * 1024 * 1024


@functools.lru_cache(maxsize=256)
def _template_problem(path: str, stamp: tuple[int, int, int]) -> str | None:
    try:
        with open(path, "rb") as handle:  # noqa: PTH123 - bounded read
            data = handle.read(MAX_TEMPLATE_BYTES + 1)
    except OSError as exc:
        return f"fichier illisible ({exc.strerror})"
    if len(data) > MAX_TEMPLATE_BYTES:
        return "fichier trop volumineux (plus de 10 Mo)"
    problems = inspect_docx(data)
    return problems[0].reason if problems else None


def template_problem(template: Path) -> str | None:
    """Why a task's Word template cannot become a document (the rules of documents.checks),
    checked at every start as at import and at export; once per file version."""
    try:
        info = template.stat()
    except OSError as exc:
        return f"fichier illisible ({exc.strerror})"
    return _template_problem(str(template), (info.st_ino, info.st_size, info.st_mtime_ns))


def template_place_problem(root: Path, relative: str) -> str | None:
    """Why a task's ``template`` names no .docx inside the pack's folder, or None (what the
    file holds is ``template_problem``'s)."""
    template = (root / relative).resolve()
    if not template.is_relative_to(root.resolve()):
        return "le modèle doit être dans le pack"
    if not template.is_file():
        return f"fichier {relative} absent"
    if template.suffix.lower() != ".docx":
        return "un fichier .docx est attendu"
    return None


def id_problem(task_id: object, file: Path) -> str | None:
    """A task's id must be its file's name."""
    if isinstance(task_id, str) and IDENT.fullmatch(task_id) and task_id != file.stem:
        return f"l'identifiant doit être le nom du fichier ({file.stem})"
    return None


def load_pack(root: Path) -> Pack:
    """Load and validate the pack in folder ``root`` (its source form)."""
    manifest_path = root / MANIFEST
    label = f"Pack {root.name}, fichier {MANIFEST}"
    if not manifest_path.is_file():
        raise PackError(f"Pack {root.name} : fichier {MANIFEST} absent.")
    manifest = manifest_of(_read_toml(manifest_path, label), label)

    tasks: list[Task] = []
    task_files = sorted((root / "tasks").glob("*.toml"))
    if not task_files:
        raise PackError(f"Pack « {manifest.id} » : aucune tâche (dossier tasks/ vide).")
    for task_file in task_files:
        rel = f"tasks/{task_file.name}"
        where = f"Pack « {manifest.id} », fichier {rel}"
        task = task_of(_read_toml(task_file, where), where)
        where += f", tâche « {task.id} »"
        problem = id_problem(task.id, task_file)
        if problem:
            raise PackError(f"{where} : {problem}.")
        problem = template_place_problem(root, task.template)
        if problem:
            raise PackError(f"{where}, clé « template » : {problem}.")
        problem = template_problem(root / task.template)
        if problem:
            raise PackError(f"{where}, modèle Word {task.template} refusé — {problem}.")
        tasks.append(task)
    ids = [t.id for t in tasks]
    unknown = [i for i in manifest.task_order if i not in ids]
    if unknown:
        raise PackError(
            f"Pack « {manifest.id} », fichier {MANIFEST}, clé « task_order » : tâche inconnue "
            f"« {unknown[0]} »."
        )
    rank = {task_id: n for n, task_id in enumerate(manifest.task_order)}
    tasks.sort(key=lambda t: rank.get(t.id, len(rank)))  # stable: file order after
    return Pack(manifest, tuple(tasks), root)


def discover(roots: Iterable[Path]) -> tuple[list[Pack], list[str]]:
    """Every valid pack in the folders under the given roots, and why others were skipped."""
    packs: list[Pack] = []
    problems: list[str] = []
    for base in roots:
        if not base.is_dir():
            continue
        folders = sorted(p for p in base.iterdir() if p.is_dir() and not p.name.startswith("."))
        for folder in folders:
            try:
                packs.append(load_pack(folder))
            except PackError as exc:
                problems.append(exc.message)
    return packs, problems


def newest(packs: Iterable[Pack]) -> list[Pack]:
    """One pack per id: the highest version (the first one seen on a tie), sorted by title."""
    found: dict[str, Pack] = {}
    for pack in packs:
        current = found.get(pack.id)
        if current is None or version_tuple(pack.manifest.version) > version_tuple(
            current.manifest.version
        ):
            found[pack.id] = pack
    return sorted(found.values(), key=lambda pk: pk.manifest.title)


def all_tasks(packs: Iterable[Pack]) -> list[PackTask]:
    return [PackTask(pack, task) for pack in packs for task in pack.tasks]


def find_task(packs: Iterable[Pack], ref: str) -> PackTask:
    pack_id, _, task_id = ref.partition("/")
    for item in all_tasks(packs):
        if item.pack.id == pack_id and item.task.id == task_id:
            return item
    raise UsageError(
        f"Tâche inconnue : « {ref} ». La liste des tâches disponibles : hospidesk tasks"
    )
