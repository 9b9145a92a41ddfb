"""Write pack folders: a new skeleton, a task or a manifest from the studio's forms, the version
bumped. TOML goes through tomlkit: a file that exists is edited in place, so that what an
author wrote by hand around the keys (comments, order, layout) stays. Every write is atomic.
"""

from __future__ import annotations

import re
import shutil
from collections.abc import Mapping
from pathlib import Path
from typing import Any, Literal

import tomlkit
from tomlkit.items import Table

from hospidesk.errors import UsageError
from hospidesk.fsutil import atomic_write_text
from hospidesk.packs.loader import IDENT, MANIFEST, toml_of
from hospidesk.packs.model import VERSION_PATTERN, version_tuple
from hospidesk.paths import shipped_packs_dir

Part = Literal["major", "minor", "patch"]
FIRST_VERSION = "1.0.0"
SKELETON_TEMPLATE = "secretariat/templates/courrier.docx"
"""A plain letter from the shipped packs: the skeleton's first task prints into it."""
MULTILINE = frozenset({"instructions", "source", "description"})
"""Keys whose text is written as a TOML multi-line string when it holds line breaks."""


def shipped_templates() -> dict[str, Path]:
    """The Word templates of the packs that ship with HospiDesk, by « pack/templates/name »."""
    root = shipped_packs_dir()
    found = sorted(root.glob("*/templates/*.docx"))
    return {path.relative_to(root).as_posix(): path for path in found}


def _check_ident(value: str, what: str) -> None:
    if not IDENT.fullmatch(value):
        raise UsageError(
            f"{what} « {value} » refusé : lettres minuscules sans accent, chiffres et tirets "
            "(par exemple bloc-operatoire), 63 caractères au plus."
        )


def skeleton_manifest(pack_id: str, job: str, title: str, author: str) -> dict[str, Any]:
    return {
        "id": pack_id,
        "title": title,
        "job": job,
        "version": FIRST_VERSION,
        "authors": [author],
        "licence": "Usage interne",
        "summary": "",
        "description": "",
    }


def skeleton_task(template: str) -> dict[str, Any]:
    """A letter that reformulates a draft: valid as it is, for the author to change."""
    return {
        "id": "courrier",
        "title": "Courrier",
        "description": "Met en forme un courrier à partir d'un brouillon.",
        "template": template,
        "subject": "Votre demande",
        "request": "Réécris ce brouillon en courrier clair et courtois.",
        "instructions": (
            "Tâche : rédiger le courrier à partir du brouillon fourni.\n"
            "- Conserve tous les faits, dates, montants et délais, exactement.\n"
            "- N'ajoute ni formule d'appel, ni formule de politesse finale, ni signature.\n"
        ),
        "source": {"mode": "required", "label": "Brouillon"},
        "fields": [
            {
                "name": "destinataire",
                "label": "Destinataire (nom et adresse)",
                "type": "long_text",
                "max_length": 400,
            },
            {"name": "reference", "label": "Référence", "max_length": 80},
            {
                "name": "formule_appel",
                "label": "Formule d'appel",
                "type": "choice",
                "choices": ["Madame,", "Monsieur,", "Madame, Monsieur,"],
                "default": "Madame, Monsieur,",
            },
        ],
    }


def new_pack(folder: Path, pack_id: str, job: str, title: str, author: str) -> Path:
    """A valid pack with one task in ``folder`` (new, or empty); returns its task's file."""
    _check_ident(pack_id, "Identifiant de pack")
    _check_ident(job, "Identifiant de métier")
    if not title.strip():
        raise UsageError("Donnez un titre au pack.")
    if folder.exists() and (not folder.is_dir() or any(folder.iterdir())):
        raise UsageError(f"Le dossier existe déjà et n'est pas vide, rien n'est écrit : {folder}")
    template = Path(SKELETON_TEMPLATE).name
    (folder / "templates").mkdir(parents=True, exist_ok=True)
    shutil.copyfile(shipped_packs_dir() / SKELETON_TEMPLATE, folder / "templates" / template)
    write_manifest(folder, skeleton_manifest(pack_id, job, title.strip(), author))
    task = skeleton_task(f"templates/{template}")
    return write_task(folder, task)


def _value(key: str, value: Any) -> Any:
    if isinstance(value, str) and key in MULTILINE and "\n" in value:
        return tomlkit.string(value, multiline=True)  # read back unchanged, first newline too
    if isinstance(value, Mapping):
        table = tomlkit.table()
        for k, v in value.items():
            table[k] = _value(k, v)
        return table
    if isinstance(value, list | tuple) and value and all(isinstance(v, Mapping) for v in value):
        array = tomlkit.aot()
        for item in value:
            array.append(_value("", item))
        return array
    return list(value) if isinstance(value, tuple) else value


def _update(doc: Any, data: Mapping[str, Any]) -> None:
    """Set ``data``'s keys in ``doc`` (a document or a table), remove the others; a table
    that stays a table is updated in place, so that its comments stay."""
    for key in [k for k in doc if k not in data]:
        del doc[key]
    for key, value in data.items():
        current = doc.get(key)
        if isinstance(value, Mapping) and isinstance(current, Table):
            _update(current, value)
        elif current is None or _unwrapped(current) != _plain(value):
            doc[key] = _value(key, value)


def _unwrapped(item: Any) -> Any:
    """A tomlkit item as plain Python (booleans come back plain already: bool has no
    subclasses)."""
    return item.unwrap() if hasattr(item, "unwrap") else item


def _plain(value: Any) -> Any:
    if isinstance(value, Mapping):
        return {k: _plain(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_plain(v) for v in value]
    return value


def _write(path: Path, data: Mapping[str, Any]) -> None:
    doc = tomlkit.parse(path.read_text(encoding="utf-8")) if path.is_file() else tomlkit.document()
    _update(doc, data)
    atomic_write_text(path, tomlkit.dumps(doc), mode=0o644)


def write_manifest(folder: Path, data: Mapping[str, Any]) -> None:
    _write(folder / MANIFEST, data)


def write_task(folder: Path, data: Mapping[str, Any]) -> Path:
    """Write a task as ``tasks/ID.toml``; returns the file."""
    task_id = data.get("id")
    if not isinstance(task_id, str) or not IDENT.fullmatch(task_id):
        raise UsageError("La tâche n'a pas d'identifiant valide : rien n'est écrit.")
    path = folder / "tasks" / f"{task_id}.toml"
    path.parent.mkdir(parents=True, exist_ok=True)
    _write(path, {k: v for k, v in data.items() if v != {}})  # an empty table is the default
    return path


def bumped(version: str, part: Part) -> str:
    major, minor, patch = version_tuple(version)
    if part == "major":
        return f"{major + 1}.0.0"
    if part == "minor":
        return f"{major}.{minor + 1}.0"
    return f"{major}.{minor}.{patch + 1}"


def bump(folder: Path, part: Part = "minor") -> tuple[str, str]:
    """Raise the pack's version in its ``pack.toml``, in place; returns (old, new)."""
    path = folder / MANIFEST
    data, reason = toml_of(path)
    if data is None:
        raise UsageError(f"{path} : {reason}.")
    old = data.get("version")
    if not isinstance(old, str) or not re.fullmatch(VERSION_PATTERN, old):
        raise UsageError(f"{path}, clé « version » : une version X.Y.Z est attendue.")
    new = bumped(old, part)
    write_manifest(folder, {**data, "version": new})
    return old, new
