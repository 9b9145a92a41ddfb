"""packs/authoring.py: a skeleton that loads, TOML edited in place, versions raised."""

from __future__ import annotations

import tomllib
from pathlib import Path

import pytest

from hospidesk.errors import UsageError
from hospidesk.packs.authoring import bump, bumped, new_pack, write_task
from hospidesk.packs.loader import load_pack
from hospidesk.paths import shipped_packs_dir


def test_a_new_pack_refuses_a_folder_that_holds_files(tmp_path: Path) -> None:
    (tmp_path / "garde.txt").write_text("à garder", encoding="utf-8")
    with pytest.raises(UsageError, match="n'est pas vide"):
        new_pack(tmp_path, "bloc", "bloc", "Bloc", "x")
    assert [p.name for p in tmp_path.iterdir()] == ["garde.txt"]


@pytest.mark.parametrize("ident", ["Bloc", "bloc opératoire", "-bloc", ""])
def test_a_new_pack_refuses_an_identifier_that_is_not_one(tmp_path: Path, ident: str) -> None:
    with pytest.raises(UsageError, match="refusé"):
        new_pack(tmp_path / "p", ident, "bloc", "Bloc", "x")
    assert not (tmp_path / "p").exists()


@pytest.mark.parametrize(
    ("part", "expected"), [("major", "2.0.0"), ("minor", "1.4.0"), ("patch", "1.3.3")]
)
def test_bumped(part: str, expected: str) -> None:
    assert bumped("1.3.2", part) == expected  # type: ignore[arg-type]


def test_bump_keeps_what_the_author_wrote_around_the_version(tmp_path: Path) -> None:
    new_pack(tmp_path / "p", "bloc", "bloc", "Bloc", "x")
    manifest = tmp_path / "p" / "pack.toml"
    manifest.write_text("# écrit à la main\n" + manifest.read_text(encoding="utf-8"))
    assert bump(tmp_path / "p", "patch") == ("1.0.0", "1.0.1")
    text = manifest.read_text(encoding="utf-8")
    assert text.startswith("# écrit à la main\n") and 'version = "1.0.1"' in text
    assert load_pack(tmp_path / "p").manifest.version == "1.0.1"


def test_a_task_written_again_reads_back_the_same_and_keeps_its_comments(tmp_path: Path) -> None:
    new_pack(tmp_path / "p", "bloc", "bloc", "Bloc", "x")
    path = tmp_path / "p" / "tasks" / "courrier.toml"
    path.write_text("# relu par la qualité\n" + path.read_text(encoding="utf-8"))
    data = tomllib.loads(path.read_text(encoding="utf-8"))
    data["instructions"] = '\nLigne un.\nLigne « deux » avec "guillemets" et \\ barre.\n'
    data["examples"] = [{"description": "Essai", "source": "Le 12 mars.\n", "facts": ["12 mars"]}]
    write_task(tmp_path / "p", data)
    assert tomllib.loads(path.read_text(encoding="utf-8")) == data
    assert path.read_text(encoding="utf-8").startswith("# relu par la qualité\n")
    assert load_pack(tmp_path / "p").tasks[0].examples[0].facts == ("12 mars",)


@pytest.mark.parametrize(
    "task", sorted(shipped_packs_dir().glob("*/tasks/*.toml")), ids=lambda p: p.stem
)
def test_every_shipped_task_written_back_unchanged_is_the_same_file(
    tmp_path: Path, task: Path
) -> None:
    """The studio saves a pack opened from an installed one: what was not changed stays
    byte for byte (comments, layout, multi-line texts, booleans and numbers)."""
    folder = tmp_path / "p"
    (folder / "tasks").mkdir(parents=True)
    copy = folder / "tasks" / task.name
    copy.write_bytes(task.read_bytes())
    data = tomllib.loads(task.read_text(encoding="utf-8"))
    write_task(folder, data)
    assert copy.read_bytes() == task.read_bytes()
    data["title"] = "Titre changé"
    write_task(folder, data)
    changed = [
        (a, b)
        for a, b in zip(
            task.read_text(encoding="utf-8").splitlines(),
            copy.read_text(encoding="utf-8").splitlines(),
            strict=True,
        )
        if a != b
    ]
    assert changed == [(changed[0][0], 'title = "Titre changé"')]
