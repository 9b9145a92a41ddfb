"""packs/check.py: every problem of a pack folder at once, each in its file and place."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from hospidesk.packs.authoring import new_pack
from hospidesk.packs.check import Problem, check_folder, task_problems
from hospidesk.packs.loader import load_pack
from hospidesk.packs.prompt import build_messages
from hospidesk.paths import shipped_packs_dir
from tests.documents.helpers import add_part


@pytest.fixture
def folder(tmp_path: Path) -> Path:
    root = tmp_path / "bloc"
    new_pack(root, "bloc-operatoire", "bloc-operatoire", "Bloc opératoire", "referente")
    return root


def _edit(path: Path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert old in text, old
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


@pytest.mark.parametrize("pack", sorted(p.name for p in shipped_packs_dir().iterdir()))
def test_every_shipped_pack_passes(pack: str) -> None:
    assert check_folder(shipped_packs_dir() / pack) == []


def test_a_new_skeleton_passes_and_loads(folder: Path) -> None:
    assert check_folder(folder) == []
    assert [t.id for t in load_pack(folder).tasks] == ["courrier"]


def test_every_problem_is_given_at_once_in_its_place(folder: Path) -> None:
    task = folder / "tasks" / "courrier.toml"
    _edit(task, 'name = "reference"', 'name = "destinataire"')  # a duplicate field
    _edit(task, "Tâche : rédiger", "Tâche {service} : rédiger")  # a placeholder with no field
    with task.open("a", encoding="utf-8") as out:  # an example without its required source
        out.write('\n[[examples]]\ndescription = "Essai"\nfacts = ["12 mars"]\n')
    _edit(folder / "pack.toml", 'version = "1.0.0"', 'version = "1.0"')
    problems = check_folder(folder)
    where = {(p.file, p.place): p.reason for p in problems}
    assert where[("pack.toml", ("version",))] == "format non valide"
    file = "tasks/courrier.toml"
    assert "champ en double" in where[(file, ("fields", 1, "name"))]
    assert "{service}" in where[(file, ("instructions",))]
    assert "texte source" in where[(file, ("examples", 0))]
    # the template prints champs.reference, which no field gives any more
    assert "champs.reference" in where[(file, ("template",))]
    assert len(problems) == 5


def test_an_example_missing_a_required_field_points_at_the_example(folder: Path) -> None:
    task = folder / "tasks" / "courrier.toml"
    _edit(
        task,
        'name = "reference"\nlabel = "Référence"',
        'name = "reference"\nlabel = "Référence"\nrequired = true',
    )
    with task.open("a", encoding="utf-8") as out:
        out.write(
            '\n[[examples]]\ndescription = "Essai"\nsource = "Le 12 mars."\nfacts = ["12 mars"]\n'
        )
    (problem,) = check_folder(folder)
    assert problem.place == ("examples", 0)
    assert "« reference » n'est pas rempli" in problem.reason
    assert str(problem) == (
        "tasks/courrier.toml, exemple n° 1 : le champ obligatoire « reference » n'est pas rempli"
    )


def test_a_template_with_a_macro_is_refused_beside_the_template(folder: Path) -> None:
    template = folder / "templates" / "courrier.docx"
    template.write_bytes(
        add_part(template.read_bytes(), "word/vbaProject.bin", b"\xd0\xcf\x11\xe0")
    )
    (problem,) = check_folder(folder)
    assert problem.place == ("template",) and "macros" in problem.reason


def test_an_unreadable_task_file_and_a_wrong_id_are_reported(folder: Path) -> None:
    shutil.copy(folder / "tasks" / "courrier.toml", folder / "tasks" / "autre.toml")
    (folder / "tasks" / "casse.toml").write_text("id = ", encoding="utf-8")
    problems = check_folder(folder)
    assert (
        Problem("tasks/autre.toml", ("id",), "l'identifiant doit être le nom du fichier (autre)")
        in problems
    )
    assert any(p.file == "tasks/casse.toml" and "syntaxe TOML" in p.reason for p in problems)


def test_task_order_naming_no_task_points_at_its_entry(folder: Path) -> None:
    with (folder / "pack.toml").open("a", encoding="utf-8") as out:
        out.write('task_order = ["courrier", "absente"]\n')
    assert check_folder(folder) == [
        Problem("pack.toml", ("task_order", 1), "tâche inconnue « absente »")
    ]


def test_a_field_the_forms_left_half_typed_is_placed_without_the_task_being_whole() -> None:
    data = {"id": "x", "fields": [{"name": "Date", "label": ""}]}
    places = {p.place for p in task_problems(data, "tasks/x.toml")}
    assert {("fields", 0, "name"), ("fields", 0, "label"), ("title",), ("instructions",)} <= places


def test_a_placeholder_reaches_the_model_as_the_fields_label_never_its_value(folder: Path) -> None:
    task = folder / "tasks" / "courrier.toml"
    _edit(task, "Tâche : rédiger le courrier", "Tâche : rédiger le courrier pour {destinataire}")
    item = load_pack(folder).tasks[0]
    system, _ = build_messages(item, {"destinataire": "Mme Durand"}, "Brouillon.")
    assert "pour « Destinataire (nom et adresse) »" in system.content
    assert "Mme Durand" not in system.content and "{destinataire}" not in system.content
