"""The pack workflow of an AI referent and IT, through the real CLI."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from hospidesk.paths import shipped_packs_dir
from tests.conftest import SAMPLES, Env, assert_clean_failure, draft_cli, run_cli
from tests.documents.helpers import all_text
from tests.packs.forge import NEXT, SHIPPED_VERSION


def bump(folder: Path, version: str, title: str) -> None:
    manifest = folder / "pack.toml"
    manifest.write_text(
        manifest.read_text(encoding="utf-8").replace(
            f'version = "{SHIPPED_VERSION}"', f'version = "{version}"'
        ),
        encoding="utf-8",
    )
    task = folder / "tasks" / "reformuler-courrier.toml"
    text = task.read_text(encoding="utf-8")
    task.write_text(
        text.replace('title = "Reformuler un courrier"', f'title = "{title}"'), encoding="utf-8"
    )


@pytest.mark.model
def test_keygen_sign_trust_import_and_draft(hd_env: Env, tmp_path: Path) -> None:
    keygen = run_cli(hd_env, "packs", "keygen", "--out", str(tmp_path / "referent"))
    assert keygen.returncode == 0, keygen.stderr
    assert (tmp_path / "referent.key").stat().st_mode & 0o077 == 0

    source = tmp_path / "secretariat"
    shutil.copytree(shipped_packs_dir() / "secretariat", source)
    bump(source, NEXT, "Reformuler un courrier (édition 2026)")
    pack_file = tmp_path / f"secretariat-{NEXT}.hdpack"
    signed = run_cli(
        hd_env,
        "packs",
        "sign",
        str(source),
        "--key",
        str(tmp_path / "referent.key"),
        "--out",
        str(pack_file),
    )
    assert signed.returncode == 0, signed.stderr

    refused = assert_clean_failure(run_cli(hd_env, "packs", "import", str(pack_file)))
    assert "clé inconnue ou retirée" in refused

    (hd_env.site / "trusted-keys").mkdir()
    shutil.copy(tmp_path / "referent.pub", hd_env.site / "trusted-keys" / "referent.pub")
    assert run_cli(hd_env, "packs", "verify", str(pack_file)).returncode == 0
    imported = run_cli(hd_env, "packs", "import", str(pack_file))
    assert imported.returncode == 0, imported.stderr
    assert f"{NEXT} installé" in imported.stdout

    tasks = json.loads(run_cli(hd_env, "tasks", "--json").stdout)
    task = next(t for t in tasks if t["ref"] == "secretariat/reformuler-courrier")
    assert task["pack_version"] == NEXT
    assert task["title"] == "Reformuler un courrier (édition 2026)"

    out = tmp_path / "lettre.docx"
    draft = draft_cli(
        hd_env,
        "secretariat/reformuler-courrier",
        source=SAMPLES / "courrier-brut.txt",
        out=out,
        max_tokens=16,
    )
    assert draft.returncode == 0, draft.stderr
    assert "Objet :" in all_text(out)

    # Exported again, the pack keeps its original signature and imports elsewhere.
    again = tmp_path / "again.hdpack"
    assert run_cli(hd_env, "packs", "export", "secretariat", "--out", str(again)).returncode == 0
    assert run_cli(hd_env, "packs", "verify", str(again)).returncode == 0

    # IT withdraws the key: at next start the pack is disabled, with the reason shown.
    (hd_env.site / "trusted-keys" / "referent.pub").unlink()
    listing = run_cli(hd_env, "tasks", "--json")
    tasks = json.loads(listing.stdout)
    task = next(t for t in tasks if t["ref"] == "secretariat/reformuler-courrier")
    assert task["pack_version"] == SHIPPED_VERSION
    assert "désactivé" in listing.stderr and "clé inconnue ou retirée" in listing.stderr


def test_keygen_never_overwrites_and_sign_refuses_a_broken_pack(
    hd_env: Env, tmp_path: Path
) -> None:
    assert run_cli(hd_env, "packs", "keygen", "--out", str(tmp_path / "k")).returncode == 0
    before = (tmp_path / "k.key").read_bytes()
    line = assert_clean_failure(run_cli(hd_env, "packs", "keygen", "--out", str(tmp_path / "k")))
    assert "existe déjà" in line
    assert (tmp_path / "k.key").read_bytes() == before

    broken = tmp_path / "broken"
    shutil.copytree(shipped_packs_dir() / "secretariat", broken)
    (broken / "tasks" / "convocation.toml").write_text('id = "convocation"\n', encoding="utf-8")
    out = tmp_path / "broken.hdpack"
    line = assert_clean_failure(
        run_cli(
            hd_env,
            "packs",
            "sign",
            str(broken),
            "--key",
            str(tmp_path / "k.key"),
            "--out",
            str(out),
        )
    )
    assert "tasks/convocation.toml" in line and "clé obligatoire absente" in line
    assert not out.exists()


def test_export_of_a_shipped_pack_is_unsigned_and_verify_says_so(
    hd_env: Env, tmp_path: Path
) -> None:
    out = tmp_path / "s.hdpack"
    result = run_cli(hd_env, "packs", "export", "secretariat", "--out", str(out))
    assert result.returncode == 0, result.stderr
    line = assert_clean_failure(run_cli(hd_env, "packs", "verify", str(out)))
    assert "n'est pas signé" in line
    hd_env.write_policy("[packs]\nallow_unsigned = true\n")
    assert "non signé" in run_cli(hd_env, "packs", "verify", str(out)).stdout


def test_invalid_policy_names_the_key(hd_env: Env) -> None:
    hd_env.write_policy("[packs]\nallow_unsigend = true\n")
    line = assert_clean_failure(run_cli(hd_env, "tasks"))
    assert "clé « packs.allow_unsigend »" in line and "clé inconnue" in line


def test_new_check_bump_and_sign_as_a_script_would(hd_env: Env, tmp_path: Path) -> None:
    folder = tmp_path / "bloc"
    created = run_cli(
        hd_env, "packs", "new", str(folder), "--id", "bloc", "--job", "bloc", "--title", "Bloc"
    )
    assert created.returncode == 0, created.stderr
    checked = run_cli(hd_env, "packs", "check", str(folder), "--json")
    assert (checked.returncode, json.loads(checked.stdout)) == (0, [])
    bumped = run_cli(hd_env, "packs", "bump", str(folder), "--patch")
    assert bumped.returncode == 0 and "1.0.0 → 1.0.1" in bumped.stdout

    task = folder / "tasks" / "courrier.toml"
    task.write_text(
        task.read_text(encoding="utf-8").replace("Tâche :", "Tâche {bloc} :"), encoding="utf-8"
    )
    checked = run_cli(hd_env, "packs", "check", str(folder), "--json")
    assert checked.returncode == 2
    assert json.loads(checked.stdout) == [
        {
            "file": "tasks/courrier.toml",
            "place": ["instructions"],
            "reason": "« {bloc} » ne désigne aucun champ de la tâche",
        }
    ]
    text = run_cli(hd_env, "packs", "check", str(folder))
    assert text.returncode == 2
    assert text.stdout.strip() == (
        "tasks/courrier.toml, clé « instructions » : « {bloc} » ne désigne aucun champ de la tâche"
    )
    assert run_cli(hd_env, "packs", "keygen", "--out", str(tmp_path / "k")).returncode == 0
    out = tmp_path / "bloc.hdpack"
    signed = run_cli(
        hd_env, "packs", "sign", str(folder), "--key", str(tmp_path / "k.key"), "--out", str(out)
    )
    line = assert_clean_failure(signed)  # it loads, but nothing invalid is signed
    assert "1 problème(s)" in line and "{bloc}" in line and not out.exists()
    again = run_cli(
        hd_env, "packs", "new", str(folder), "--id", "bloc", "--job", "bloc", "--title", "Bloc"
    )
    assert "n'est pas vide" in assert_clean_failure(again)
