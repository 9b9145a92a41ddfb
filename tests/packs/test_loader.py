import shutil
from pathlib import Path

import pytest

from hospidesk.errors import UsageError
from hospidesk.packs.loader import PackError, discover, find_task, load_pack
from hospidesk.paths import shipped_packs_dir

SECRETARIAT = shipped_packs_dir() / "secretariat"


@pytest.fixture
def pack_copy(tmp_path: Path) -> Path:
    target = tmp_path / "secretariat"
    shutil.copytree(SECRETARIAT, target)
    return target


def test_every_shipped_pack_loads_with_its_templates() -> None:
    packs, problems = discover([shipped_packs_dir()])
    assert problems == []
    refs = {f"{p.id}/{t.id}" for p in packs for t in p.tasks}
    assert {"secretariat/reformuler-courrier", "secretariat/convocation"} <= refs
    for pack in packs:
        for task in pack.tasks:
            assert (pack.root / task.template).is_file()


def test_find_task_and_unknown_task() -> None:
    packs, _ = discover([shipped_packs_dir()])
    assert find_task(packs, "secretariat/convocation").task.title
    with pytest.raises(UsageError, match="Tâche inconnue : « secretariat/absente »"):
        find_task(packs, "secretariat/absente")


def _edit(path: Path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert old in text
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


def test_error_names_file_task_field_and_key(pack_copy: Path) -> None:
    _edit(pack_copy / "tasks/convocation.toml", 'type = "date"', 'type = "jour"')
    with pytest.raises(PackError) as info:
        load_pack(pack_copy)
    message = info.value.message
    assert "fichier tasks/convocation.toml" in message
    assert "tâche « convocation »" in message
    assert "champ « date_rdv »" in message
    assert "clé « type »" in message
    assert "valeur non reconnue" in message


def test_unknown_key_in_manifest(pack_copy: Path) -> None:
    (pack_copy / "pack.toml").write_text(
        (pack_copy / "pack.toml").read_text(encoding="utf-8") + 'auteur = "x"\n', encoding="utf-8"
    )
    with pytest.raises(PackError, match=r"pack.toml, clé « auteur » : clé inconnue"):
        load_pack(pack_copy)


def test_template_outside_the_pack_is_refused(pack_copy: Path) -> None:
    _edit(
        pack_copy / "tasks/convocation.toml",
        "templates/convocation.docx",
        "templates/../../../etc/passwd.docx",
    )
    with pytest.raises(PackError, match="le modèle doit être dans le pack"):
        load_pack(pack_copy)


def test_missing_template_and_bad_toml(pack_copy: Path) -> None:
    (pack_copy / "templates/convocation.docx").unlink()
    with pytest.raises(PackError, match=r"templates/convocation\.docx absent"):
        load_pack(pack_copy)
    (pack_copy / "tasks/convocation.toml").write_text("id = [", encoding="utf-8")
    with pytest.raises(PackError, match="syntaxe TOML invalide"):
        load_pack(pack_copy)


def test_a_broken_pack_is_skipped_with_its_reason(tmp_path: Path, pack_copy: Path) -> None:
    (pack_copy / "pack.toml").write_text('id = "Mauvais Id"\n', encoding="utf-8")
    packs, problems = discover([tmp_path])
    assert packs == []
    assert len(problems) == 1 and "clé « id »" in problems[0]
