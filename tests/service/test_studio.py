"""service/studio.py: packs edited in the studio, validated, saved only when valid, journalled."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from hospidesk.errors import UsageError
from hospidesk.packs.loader import load_pack
from hospidesk.service import studio
from hospidesk.service.studio import StudioRefused
from hospidesk.service.workspace import Workspace
from tests.conftest import Env
from tests.documents.helpers import add_part

REFERENT = '[studio]\nallowed_roles = ["{user}"]\n'


@pytest.fixture
def ws(hd_env: Env) -> Workspace:
    import getpass

    hd_env.write_policy(REFERENT.format(user=getpass.getuser()))
    return Workspace.open()


def test_the_studio_is_for_nobody_unless_the_policy_names_them(hd_env: Env) -> None:
    ws = Workspace.open()
    assert not studio.allowed(ws)
    with pytest.raises(StudioRefused, match="référents IA"):
        studio.create(ws, "bloc", "bloc", "Bloc")
    assert not ws.paths.studio_dir.exists()
    hd_env.write_policy('[studio]\nallowed_roles = ["@un-groupe-que-personne-na"]\n')
    assert not studio.allowed(Workspace.open())


def test_a_new_job_is_created_valid_and_saved_as_a_pack(ws: Workspace) -> None:
    pack = studio.create(ws, "bloc-operatoire", "bloc-operatoire", "Bloc opératoire")
    assert studio.problems(pack) == []
    task = studio.add_task(pack, "Programme opératoire modifié")
    assert task["id"] == "programme-operatoire-modifie" and task["examples"] == []
    studio.save(pack)
    loaded = load_pack(pack.folder)
    assert [t.id for t in loaded.tasks] == ["courrier", "programme-operatoire-modifie"]
    assert studio.working_packs(ws) == ["bloc-operatoire"]


def test_invalid_work_is_never_saved_but_is_kept_in_the_journal(ws: Workspace) -> None:
    pack = studio.create(ws, "bloc", "bloc", "Bloc")
    saved = (pack.folder / "tasks" / "courrier.toml").read_bytes()
    pack.tasks[0]["fields"].append({"name": "reference", "label": "Encore"})
    pack.tasks[0]["instructions"] += "Pour {service}.\n"
    studio.journal(pack)
    found = {(p.place, p.reason.split(" :")[0]) for p in studio.problems(pack)}
    assert (("fields", 3, "name"), "champ en double") in found
    assert any(place == ("instructions",) for place, _ in found)
    with pytest.raises(UsageError, match="2 problème"):
        studio.save(pack)
    assert (pack.folder / "tasks" / "courrier.toml").read_bytes() == saved
    again = studio.open_working(ws, "bloc")  # as after a crash: the journal comes back
    assert again.recovered and again.tasks == pack.tasks
    again.tasks[0]["fields"].pop()
    again.tasks[0]["instructions"] = again.tasks[0]["instructions"].replace("Pour {service}.\n", "")
    studio.save(again)
    assert not (pack.folder / studio.JOURNAL).exists()
    assert not studio.open_working(ws, "bloc").recovered


def test_a_journal_cut_in_the_middle_leaves_the_saved_pack(ws: Workspace) -> None:
    pack = studio.create(ws, "bloc", "bloc", "Bloc")
    (pack.folder / studio.JOURNAL).write_text('{"manifest": {"id": "bl', encoding="utf-8")
    again = studio.open_working(ws, "bloc")
    assert not again.recovered and again.manifest["id"] == "bloc"


def test_an_installed_pack_opens_as_its_next_version_without_its_signature(
    ws: Workspace,
) -> None:
    pack = studio.open_installed(ws, "secretariat")
    installed = next(p for p in ws.packs if p.id == "secretariat")
    assert pack.meta["previous_version"] == installed.manifest.version
    assert studio.problems(pack) == []
    with pytest.raises(UsageError, match="déjà dans le studio"):
        studio.open_installed(ws, "secretariat")
    with pytest.raises(UsageError, match="déjà installé"):
        studio.create(ws, "secretariat", "secretariat", "Autre")


def test_a_duplicated_task_gets_a_free_id_and_keeps_its_examples(ws: Workspace) -> None:
    pack = studio.open_installed(ws, "secretariat")
    source = pack.task("convocation")
    copy = studio.add_task(pack, "Convocation", source)
    assert copy["id"] == "convocation-2" and copy["examples"] == source["examples"]
    copy["fields"][0]["label"] = "Changé"
    assert source["fields"][0]["label"] != "Changé"  # a copy, not the same tables
    assert studio.problems(pack) == []


def test_templates_shipped_or_imported_and_a_macro_refused(ws: Workspace, tmp_path: Path) -> None:
    pack = studio.create(ws, "bloc", "bloc", "Bloc")
    name = studio.use_shipped_template(pack, "secretariat/templates/convocation.docx")
    assert name == "templates/convocation.docx" and name in studio.templates(pack)
    shipped = pack.folder / name
    mine = tmp_path / "Mon modèle (2026).docx"
    mine.write_bytes(shipped.read_bytes())
    assert studio.import_template(pack, mine) == "templates/mon-modele-2026.docx"
    macro = tmp_path / "macro.docx"
    macro.write_bytes(add_part(shipped.read_bytes(), "word/vbaProject.bin", b"\xd0\xcf\x11\xe0"))
    with pytest.raises(UsageError, match="macros"):
        studio.import_template(pack, macro)
    assert "templates/macro.docx" not in studio.templates(pack)
    pack.tasks[0]["template"] = name  # the convocation prints fields this task lacks
    reasons = [p.reason for p in studio.problems(pack) if p.place == ("template",)]
    assert any("champs.patient" in r for r in reasons)


def test_the_journal_holds_the_forms_state_as_json(ws: Workspace) -> None:
    pack = studio.create(ws, "bloc", "bloc", "Bloc")
    pack.manifest["title"] = "Bloc « opératoire »"
    studio.journal(pack)
    data = json.loads((pack.folder / studio.JOURNAL).read_text(encoding="utf-8"))
    assert data["manifest"]["title"] == "Bloc « opératoire »"
    assert (pack.folder / studio.JOURNAL).stat().st_mode & 0o077 == 0
