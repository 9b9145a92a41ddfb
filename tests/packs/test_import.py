"""Pack import: every attack of security.md is refused, nothing is written, nothing changes."""

from __future__ import annotations

import hashlib
import re
from pathlib import Path

import pytest
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from hospidesk.errors import UsageError
from hospidesk.service.workspace import Workspace
from tests.conftest import Env
from tests.packs.forge import (
    NEXT,
    OLDER,
    SHIPPED_VERSION,
    add_member,
    drop_member,
    forge,
    newer,
    overlap_entries,
    pack_files,
    replace_member,
)


def snapshot(root: Path) -> dict[str, str]:
    """Every file under ``root`` with its hash (what 'nothing changed' means)."""
    return {
        str(p.relative_to(root)): hashlib.sha256(p.read_bytes()).hexdigest()
        for p in sorted(root.rglob("*"))
        if p.is_file()
    }


@pytest.fixture
def key(hd_env: Env) -> Ed25519PrivateKey:
    """A signing key that IT trusts (its public key is in the site's trusted-keys/)."""
    private = Ed25519PrivateKey.generate()
    folder = hd_env.site / "trusted-keys"
    folder.mkdir()
    (folder / "referent.pub").write_bytes(
        private.public_key().public_bytes(
            serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo
        )
    )
    return private


def do_import(tmp_path: Path, raw: bytes) -> str:
    file = tmp_path / "pack.hdpack"
    file.write_bytes(raw)
    ws = Workspace.open()
    ws.pack_store().import_file(file, ws.managed_packs())
    return ws.packs[0].manifest.version


def test_signed_newer_version_is_installed_and_used(
    hd_env: Env, key: Ed25519PrivateKey, tmp_path: Path
) -> None:
    do_import(tmp_path, forge(pack_files(NEXT), key))
    ws = Workspace.open()
    pack = next(p for p in ws.packs if p.id == "secretariat")
    assert pack.manifest.version == NEXT
    assert pack.root == hd_env.home / "data" / "packs" / "secretariat"
    assert not list((hd_env.home / "data" / "packs").glob(".staging/*"))


def test_older_version_is_refused_after_a_newer_one(
    hd_env: Env, key: Ed25519PrivateKey, tmp_path: Path
) -> None:
    do_import(tmp_path, forge(pack_files(newer(2)), key))
    before = snapshot(hd_env.home)
    with pytest.raises(
        UsageError,
        match=rf"{re.escape(NEXT)} .* plus ancienne que la version {re.escape(newer(2))}",
    ):
        do_import(tmp_path, forge(pack_files(NEXT), key))
    assert snapshot(hd_env.home) == before


def test_older_than_the_shipped_pack_is_refused(
    hd_env: Env, key: Ed25519PrivateKey, tmp_path: Path
) -> None:
    with pytest.raises(UsageError, match="plus ancienne"):
        do_import(tmp_path, forge(pack_files(OLDER), key))


def test_same_version_with_other_content_is_refused(
    hd_env: Env, key: Ed25519PrivateKey, tmp_path: Path
) -> None:
    files = pack_files(NEXT)
    do_import(tmp_path, forge(files, key))
    files["tasks/convocation.toml"] += b"\n# changed\n"
    with pytest.raises(UsageError, match="augmenter le numéro de version"):
        do_import(tmp_path, forge(files, key))


def test_removing_the_signer_key_disables_its_packs_at_next_start(
    hd_env: Env, key: Ed25519PrivateKey, tmp_path: Path
) -> None:
    do_import(tmp_path, forge(pack_files(NEXT), key))
    (hd_env.site / "trusted-keys" / "referent.pub").unlink()
    ws = Workspace.open()
    assert next(p for p in ws.packs if p.id == "secretariat").manifest.version == SHIPPED_VERSION
    assert any("désactivé" in p and "clé inconnue ou retirée" in p for p in ws.pack_problems)


def test_an_installed_file_changed_on_disk_disables_the_pack(
    hd_env: Env, key: Ed25519PrivateKey, tmp_path: Path
) -> None:
    do_import(tmp_path, forge(pack_files(NEXT), key))
    task = hd_env.home / "data" / "packs" / "secretariat" / "tasks" / "convocation.toml"
    task.write_text(task.read_text(encoding="utf-8") + "\n", encoding="utf-8")
    ws = Workspace.open()
    assert next(p for p in ws.packs if p.id == "secretariat").manifest.version == SHIPPED_VERSION
    assert any("tasks/convocation.toml a été modifié" in p for p in ws.pack_problems)


def test_unsigned_pack_only_where_the_policy_allows_it(hd_env: Env, tmp_path: Path) -> None:
    with pytest.raises(UsageError, match="n'est pas signé"):
        do_import(tmp_path, forge(pack_files(NEXT), None))
    hd_env.write_policy("[packs]\nallow_unsigned = true\n")
    assert do_import(tmp_path, forge(pack_files(NEXT), None))
    ws = Workspace.open()
    assert next(p for p in ws.packs if p.id == "secretariat").manifest.version == NEXT


GOOD = pack_files(NEXT)
TASK = "tasks/convocation.toml"


def _hostile(name: str, key: Ed25519PrivateKey) -> bytes:
    files = dict(GOOD)
    if name == "modified file":
        return replace_member(forge(files, key), TASK, files[TASK] + b"# x\n")
    if name == "added file":
        return add_member(forge(files, key), "tasks/extra.toml", b'id = "extra"\n')
    if name == "missing file":
        return drop_member(forge(files, key), TASK)
    if name == "unknown key":
        return forge(files, Ed25519PrivateKey.generate())
    if name == "signature moved from another pack":
        other = forge(pack_files(newer(3)), key)
        import io
        import zipfile

        sig = zipfile.ZipFile(io.BytesIO(other)).read("hospidesk-pack.sig")
        return replace_member(forge(files, key), "hospidesk-pack.sig", sig)
    if name == "missing signature":
        return drop_member(forge(files, key), "hospidesk-pack.sig")
    if name == "parent traversal":
        return forge([*files.items(), ("../../evil.toml", b"x")], key)
    if name == "absolute path":
        return forge([*files.items(), ("/tmp/evil.toml", b"x")], key)
    if name == "drive letter":
        return forge([*files.items(), ("C:/evil.toml", b"x")], key)
    if name == "backslash":
        return forge([*files.items(), ("tasks\\..\\..\\evil.toml", b"x")], key)
    if name == "symlink":
        return forge(
            [*files.items(), ("tasks/link.toml", b"/etc/passwd")], key, link="tasks/link.toml"
        )
    if name == "duplicate name":
        return forge([*files.items(), (TASK, files[TASK])], key)
    if name == "case collision":
        return forge([*files.items(), (TASK.upper().replace(".TOML", ".toml"), b"x")], key)
    if name == "not listed":
        return forge([*files.items(), ("tasks/hidden.toml", b"x")], key, listed=list(files.items()))
    if name == "executable file":
        return forge([*files.items(), ("tasks/run.py", b"import os")], key)
    if name == "decompression bomb":
        return forge([*files.items(), ("README.md", b"\0" * (12 * 1024 * 1024))], key)
    if name == "oversized entry":
        import os

        return forge([*files.items(), ("README.md", os.urandom(17 * 1024 * 1024))], key)
    if name == "overlapping entries":
        raw = forge([*files.items(), ("README.md", b"a" * 1000)], key)
        return overlap_entries(raw, "README.md")
    if name == "macro template":
        from tests.documents.helpers import add_part

        template = "templates/convocation.docx"
        files[template] = add_part(files[template], "word/vbaProject.bin", b"\0")
        return forge(files, key)
    if name == "id differs from statement":
        return forge(files, key, pack_id="autre")
    if name == "not a zip":
        return b"PK\x03\x04 this is not a pack"
    raise AssertionError(name)


ATTACKS = {
    "modified file": "fichier modifié",
    "added file": "non déclaré",
    "missing file": "fichier manquant",
    "unknown key": "clé inconnue ou retirée",
    "signature moved from another pack": "signature ne correspond pas",
    "missing signature": "signature est absente",
    "parent traversal": "chemin interdit",
    "absolute path": "chemin absolu",
    "drive letter": "chemin interdit",
    "backslash": "chemin interdit",
    "symlink": "lien symbolique",
    "duplicate name": "en double",
    "case collision": "en double",
    "not listed": "non déclaré",
    "executable file": "type de fichier non autorisé",
    "decompression bomb": "anormalement compressé",
    "oversized entry": "trop volumineux",
    "overlapping entries": "superposés",
    "macro template": "macros",
    "id differs from statement": "ne correspond pas",
    "not a zip": "pas un pack HospiDesk",
}


@pytest.mark.filterwarnings("ignore:Duplicate name")
@pytest.mark.parametrize("attack", sorted(ATTACKS))
def test_attack_is_refused_and_nothing_is_written(
    hd_env: Env, key: Ed25519PrivateKey, tmp_path: Path, attack: str
) -> None:
    raw = _hostile(attack, key)
    before = snapshot(tmp_path)
    with pytest.raises(UsageError) as info:
        do_import(tmp_path, raw)
    assert ATTACKS[attack] in info.value.message
    after = snapshot(tmp_path)
    after.pop("pack.hdpack")
    before.pop("pack.hdpack", None)
    assert after == before, "an attack wrote or changed files"
    assert not (tmp_path.parent / "evil.toml").exists()
    ws = Workspace.open()
    assert next(p for p in ws.packs if p.id == "secretariat").manifest.version == SHIPPED_VERSION


def test_unsigned_packs_can_be_limited_to_some_users(hd_env: Env, tmp_path: Path) -> None:
    import getpass

    me = getpass.getuser()
    hd_env.write_policy(
        '[packs]\nallow_unsigned = true\nunsigned_for = ["quelquun-dautre", "@groupe-absent"]\n'
    )
    with pytest.raises(UsageError, match="n'est pas signé"):
        do_import(tmp_path, forge(pack_files(NEXT), None))
    hd_env.write_policy(f'[packs]\nallow_unsigned = true\nunsigned_for = ["{me}"]\n')
    assert do_import(tmp_path, forge(pack_files(NEXT), None))


def test_what_an_interrupted_import_left_is_cleaned_at_the_next_one(
    hd_env: Env, key: Ed25519PrivateKey, tmp_path: Path
) -> None:
    import os
    import time

    from hospidesk.fsutil import STALE_TEMP_SECONDS

    packs = hd_env.home / "data" / "packs"
    old_staging = packs / ".staging" / "a"
    old_staging.mkdir(parents=True)
    (old_staging / "manifest.toml").write_text("interrupted")
    young_staging = packs / ".staging" / "b"  # another import, running now
    young_staging.mkdir()
    old_trash = packs / ".trash" / "c"
    old_trash.mkdir(parents=True)
    past = time.time() - STALE_TEMP_SECONDS - 10
    for folder in (old_staging, old_trash):
        os.utime(folder, (past, past))
    do_import(tmp_path, forge(pack_files(NEXT), key))
    assert not old_staging.exists() and not old_trash.exists()
    assert young_staging.exists()
