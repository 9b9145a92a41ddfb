"""Every problem of a pack folder at once, each with its file, its place and a French reason:
what ``packs check`` prints and what the studio shows beside each field.

The loader (packs/loader.py) stops at the first problem, as an import must; an author wants
them all. The rules are the loader's and the models' (packs/model.py), run part by part so
that each problem keeps its place: a duplicate field points at the field, an example missing
a required value at the example. Besides: ``{name}`` placeholders in the instructions and the
request must name a field, and the tags of the Word template must name one too.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from pydantic import BaseModel, ValidationError

from hospidesk.documents.render import fields_printed
from hospidesk.packs.loader import (
    MANIFEST,
    id_problem,
    template_place_problem,
    template_problem,
    toml_of,
)
from hospidesk.packs.model import (
    PLACEHOLDER,
    Example,
    Manifest,
    SourceMode,
    SourceSpec,
    Task,
    TaskField,
    example_problem,
)
from hospidesk.validation import reason_of

Place = tuple[str | int, ...]
"""Where in a file: keys and list indexes, as in the TOML (``("fields", 0, "name")``)."""

ALWAYS_PRINTED = frozenset({"objet"})
"""What a template may name without a field of that name (the task's subject stands in)."""


@dataclass(frozen=True)
class Problem:
    file: str
    """Relative to the pack's folder: ``pack.toml``, ``tasks/convocation.toml``."""
    place: Place
    reason: str
    """French, for the author."""

    @property
    def where(self) -> str:
        """The place in words: « champ n° 2, clé name »."""
        parts: list[str] = []
        rest = list(self.place)
        while rest:
            key = rest.pop(0)
            if isinstance(key, int):
                continue
            label = _LISTS.get(key)
            if label and rest and isinstance(rest[0], int):
                parts.append(f"{label} n° {rest[0] + 1}")
            else:
                parts.append(f"clé « {key} »")
        return ", ".join(parts)

    def __str__(self) -> str:
        where = f", {self.where}" if self.place else ""
        return f"{self.file}{where} : {self.reason}"

    def to_json(self) -> dict[str, Any]:
        return {"file": self.file, "place": list(self.place), "reason": self.reason}


_LISTS = {"fields": "champ", "examples": "exemple", "tips": "conseil", "sections": "section"}


def _errors(model: type[BaseModel], data: Any, file: str, base: Place = ()) -> list[Problem]:
    try:
        model.model_validate(data)
    except ValidationError as exc:
        return [Problem(file, base + tuple(e["loc"]), reason_of(e)) for e in exc.errors()]
    return []


def manifest_problems(data: Mapping[str, Any], task_ids: Sequence[str]) -> list[Problem]:
    problems = _errors(Manifest, data, MANIFEST)
    order = data.get("task_order", ())
    if isinstance(order, list | tuple):
        for index, task_id in enumerate(order):
            if isinstance(task_id, str) and task_id not in task_ids:
                reason = f"tâche inconnue « {task_id} »"
                problems.append(Problem(MANIFEST, ("task_order", index), reason))
    return problems


def _list(data: Mapping[str, Any], key: str) -> list[Any]:
    value = data.get(key, ())
    return list(value) if isinstance(value, list | tuple) else []


def task_problems(data: Mapping[str, Any], file: str, root: Path | None = None) -> list[Problem]:
    """A task's problems; ``root``: the pack's folder, where its template is looked for."""
    problems = [
        p
        for p in _errors(Task, data, file)
        if p.place  # the whole task's checks come below, each in its place
    ]
    fields: list[TaskField] = []
    names: dict[str, int] = {}
    for index, raw in enumerate(_list(data, "fields")):
        if _errors(TaskField, raw, file):
            continue  # already said, with its place
        spec = TaskField.model_validate(raw)
        if spec.name in names:
            reason = f"champ en double : « {spec.name} » (déjà le champ n° {names[spec.name] + 1})"
            problems.append(Problem(file, ("fields", index, "name"), reason))
            continue
        names[spec.name] = index
        fields.append(spec)
    source = _source(data)
    if source is not None and source.mode is SourceMode.NONE and any(f.extract for f in fields):
        reason = "des champs à extraire (extract) demandent un texte source"
        problems.append(Problem(file, ("source", "mode"), reason))
    problems += _example_problems(data, file, fields, source)
    problems += _placeholder_problems(data, file, names)
    if root is not None:
        problems += _template_problems(data, file, root, names)
    if not problems:  # a rule of the whole task not placed above: said as the model says it
        problems = _errors(Task, data, file)
    return problems


def _source(data: Mapping[str, Any]) -> SourceSpec | None:
    try:
        return SourceSpec.model_validate(data.get("source", {}))
    except ValidationError:
        return None


def _example_problems(
    data: Mapping[str, Any], file: str, fields: list[TaskField], source: SourceSpec | None
) -> list[Problem]:
    if source is None:
        return []
    problems = []
    for index, raw in enumerate(_list(data, "examples")):
        if _errors(Example, raw, file):
            continue
        problem = example_problem(tuple(fields), source, Example.model_validate(raw))
        if problem:
            problems.append(Problem(file, ("examples", index), problem))
    return problems


def placeholders(text: str) -> list[str]:
    return PLACEHOLDER.findall(text)


def _placeholder_problems(
    data: Mapping[str, Any], file: str, names: Mapping[str, int]
) -> list[Problem]:
    problems = []
    for key in ("instructions", "request"):
        text = data.get(key)
        if not isinstance(text, str):
            continue
        for name in dict.fromkeys(placeholders(text)):
            if name not in names:
                reason = f"« {{{name}}} » ne désigne aucun champ de la tâche"
                problems.append(Problem(file, (key,), reason))
    return problems


def _template_problems(
    data: Mapping[str, Any], file: str, root: Path, names: Mapping[str, int]
) -> list[Problem]:
    relative = data.get("template")
    if not isinstance(relative, str) or not relative:
        return []
    place: Place = ("template",)
    problem = template_place_problem(root, relative)
    if problem is None and (refused := template_problem(root / relative)):
        problem = f"modèle Word {relative} refusé — {refused}"
    if problem:
        return [Problem(file, place, problem)]
    printed = fields_printed(root / relative) or frozenset()
    return [
        Problem(file, place, f"la balise « champs.{name} » du modèle ne désigne aucun champ")
        for name in sorted(printed - set(names) - ALWAYS_PRINTED)
    ]


def read_toml(path: Path, file: str) -> tuple[dict[str, Any] | None, Problem | None]:
    data, reason = toml_of(path)
    return data, None if reason is None else Problem(file, (), reason)


def check_folder(root: Path) -> list[Problem]:
    """Every problem of the pack in ``root`` (its source form); empty when it would load."""
    if not (root / MANIFEST).is_file():
        return [Problem(MANIFEST, (), "fichier absent")]
    problems: list[Problem] = []
    task_ids: list[str] = []
    files = sorted((root / "tasks").glob("*.toml"))
    if not files:
        problems.append(Problem("tasks/", (), "aucune tâche (dossier tasks/ vide)"))
    for path in files:
        file = f"tasks/{path.name}"
        data, problem = read_toml(path, file)
        if data is None:
            problems.append(problem or Problem(file, (), "fichier illisible"))
            continue
        task_id = data.get("id")
        if isinstance(task_id, str):
            task_ids.append(task_id)
        if reason := id_problem(task_id, path):
            problems.append(Problem(file, ("id",), reason))
        problems += task_problems(data, file, root)
    manifest, problem = read_toml(root / MANIFEST, MANIFEST)
    if manifest is None:
        problems.insert(0, problem or Problem(MANIFEST, (), "fichier illisible"))
    else:
        problems[:0] = manifest_problems(manifest, task_ids)
    return problems
