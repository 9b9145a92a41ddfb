"""Worked examples and tips: every shipped task has them, and an example whose facts are not in
its inputs is refused wherever a pack is checked (sign, verify, import)."""

from __future__ import annotations

import shutil
import tomllib
from pathlib import Path

import pytest

from hospidesk.packs.archive import collect_folder, write_pack_file
from hospidesk.packs.loader import PackError, load_pack
from hospidesk.packs.model import Task, normalised
from hospidesk.packs.signing import generate_keypair, load_private_key
from hospidesk.paths import shipped_packs_dir
from tests.conftest import Env, assert_clean_failure, run_cli
from tests.packs.test_shipped_tasks import TASKS

REFORMULER = shipped_packs_dir() / "secretariat" / "tasks" / "reformuler-courrier.toml"


@pytest.mark.parametrize("item", TASKS, ids=lambda t: t.ref)
def test_every_shipped_task_has_an_example_whose_facts_are_in_its_inputs(item) -> None:  # type: ignore[no-untyped-def]
    task = item.task
    assert task.examples, f"{item.ref}: no worked example"
    assert 1 <= len(task.tips) <= 4, f"{item.ref}: tips"
    for example in task.examples:
        assert example.facts and example.description
        inputs = normalised(example.source + "\n" + "\n".join(example.fields.values()))
        for fact in example.facts:
            assert normalised(fact) in inputs, f"{item.ref}: « {fact} »"
        assert task.example_problem(example) is None


def test_each_jobs_first_task_is_the_one_its_pack_puts_first() -> None:
    secretariat = load_pack(shipped_packs_dir() / "secretariat")
    assert secretariat.tasks[0].id == "reformuler-courrier"
    assert secretariat.manifest.summary


def with_example(facts: str) -> bytes:
    """The reformulation task with one more example listing ``facts``."""
    return (
        REFORMULER.read_bytes()
        + (
            "\n[[examples]]\n"
            'description = "Un exemple mal relu"\n'
            'source = "Rendez-vous le 12 décembre à 14h30."\n'
            f"facts = [{facts}]\n"
        ).encode()
    )


def test_a_fact_absent_from_the_inputs_is_said_with_the_example_and_the_fact() -> None:
    data = tomllib.loads(with_example('"12 décembre", "16h00"').decode())
    with pytest.raises(ValueError, match=r"exemple n° 3 .*« 16h00 » ne figure ni dans la source"):
        Task.model_validate(data)
    assert Task.model_validate(tomllib.loads(with_example('"12 DÉCEMBRE"').decode()))


@pytest.mark.parametrize(
    ("example", "reason"),
    [
        ('fields = { formule_appel = "Salut," }', "Choix attendu parmi"),
        ('fields = { inconnu = "x" }', "champ inconnu « inconnu »"),
        ("", None),
    ],
)
def test_an_examples_field_values_are_checked_like_the_users(
    example: str, reason: str | None
) -> None:
    text = REFORMULER.read_text(encoding="utf-8") + (
        '\n[[examples]]\ndescription = "x"\nsource = "le 3 mai"\nfacts = ["3 mai"]\n' + example
    )
    if reason is None:
        Task.model_validate(tomllib.loads(text))
        return
    with pytest.raises(ValueError, match=reason):
        Task.model_validate(tomllib.loads(text))


def test_a_task_without_source_cannot_have_an_example_with_one() -> None:
    path = shipped_packs_dir() / "secretariat" / "tasks" / "attestation-presence.toml"
    data = tomllib.loads(path.read_text(encoding="utf-8"))
    data["examples"][0]["source"] = "Un texte."
    with pytest.raises(ValueError, match="ne prend pas de texte source"):
        Task.model_validate(data)


def test_sign_and_verify_refuse_a_pack_whose_example_lists_a_fact_absent_from_its_inputs(
    hd_env: Env, tmp_path: Path
) -> None:
    folder = tmp_path / "secretariat"
    shutil.copytree(shipped_packs_dir() / "secretariat", folder)
    (folder / "tasks" / "reformuler-courrier.toml").write_bytes(with_example('"16h00"'))
    with pytest.raises(PackError, match="« 16h00 » ne figure ni dans la source ni dans les champs"):
        load_pack(folder)
    generate_keypair(tmp_path / "referent")
    signed = run_cli(
        hd_env,
        "packs",
        "sign",
        str(folder),
        "--key",
        str(tmp_path / "referent.key"),
        "--out",
        str(tmp_path / "a.hdpack"),
    )
    assert "« 16h00 » ne figure ni dans la source" in assert_clean_failure(signed)
    # Signed anyway, by hand or by an older HospiDesk: verify and import still refuse it.
    (hd_env.site / "trusted-keys").mkdir()
    shutil.copy(tmp_path / "referent.pub", hd_env.site / "trusted-keys" / "referent.pub")
    forged = tmp_path / "b.hdpack"
    private = load_private_key(tmp_path / "referent.key")
    version = tomllib.loads((folder / "pack.toml").read_text(encoding="utf-8"))["version"]
    write_pack_file(collect_folder(folder), "secretariat", version, forged, private)
    line = assert_clean_failure(run_cli(hd_env, "packs", "verify", str(forged)))
    assert "reformuler-courrier" in line and "« 16h00 » ne figure ni dans la source" in line
    assert_clean_failure(run_cli(hd_env, "packs", "import", str(forged)))
