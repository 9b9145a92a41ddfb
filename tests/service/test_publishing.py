"""service/publishing.py: the referent's key in the real keyring, tests that gate publishing,
a signed pack file that another workstation imports, and the audit trail's record."""

from __future__ import annotations

import contextlib
import getpass
import json
import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest

from hospidesk.errors import UsageError
from hospidesk.packs.archive import read_pack_file
from hospidesk.service import publishing, studio
from hospidesk.service.workspace import Workspace
from hospidesk.storage import keys
from tests.conftest import Env, assert_clean_failure, run_cli

pytestmark = pytest.mark.usefixtures("secret_service")


@pytest.fixture
def referent(hd_env: Env, tmp_path: Path) -> Iterator[tuple[Workspace, Path]]:
    """A referent the policy names, publishing into IT's share; no signing key yet."""
    import keyring

    share = tmp_path / "partage-dsi"
    share.mkdir()
    hd_env.write_policy(
        f'[studio]\nallowed_roles = ["{getpass.getuser()}"]\n\n[packs]\npublish_dir = "{share}"\n'
    )

    def forget() -> None:
        with contextlib.suppress(keyring.errors.PasswordDeleteError):
            keyring.delete_password(keys.SIGNING_SERVICE, getpass.getuser())

    forget()
    yield Workspace.open(), share
    forget()


def _published(ws: Workspace) -> list[dict[str, object]]:
    lines = ws.paths.audit_file.read_text(encoding="utf-8").splitlines()
    return [r for r in map(json.loads, lines) if r.get("event") == "pack_published"]


def test_the_key_is_made_once_kept_in_the_keyring_and_its_public_half_exported(
    referent: tuple[Workspace, Path], tmp_path: Path
) -> None:
    ws, _ = referent
    assert publishing.signing_key_id(ws) is None
    made = publishing.create_signing_key(ws)
    assert publishing.signing_key_id(Workspace.open()) == made  # from the keyring, not memory
    with pytest.raises(UsageError, match="déjà une clé"):
        publishing.create_signing_key(ws)
    assert publishing.signing_key_id(ws) == made
    out = tmp_path / "referente.pub"
    assert publishing.export_public_key(ws, out) == made
    assert out.read_bytes().startswith(b"-----BEGIN PUBLIC KEY-----")
    assert not list(ws.paths.data.rglob("*.key"))  # the private half is nowhere on disk


def test_publishing_is_refused_untested_and_an_override_is_recorded(
    referent: tuple[Workspace, Path], hd_env: Env, tmp_path: Path
) -> None:
    ws, share = referent
    pack = studio.create(ws, "bloc-operatoire", "bloc-operatoire", "Bloc opératoire")
    with pytest.raises(UsageError, match="pas été testé"):
        publishing.publish(ws, pack)
    with pytest.raises(UsageError, match="clé de signature"):
        publishing.publish(ws, pack, override=True)
    signer = publishing.create_signing_key(ws)
    first = publishing.publish(ws, pack, override=True)
    assert first.file == share / "bloc-operatoire-1.0.0.hdpack" and first.signer == signer
    (record,) = _published(ws)
    assert record["details"] == {
        "pack": "bloc-operatoire",
        "version": "1.0.0",
        "signer": signer,
        "sha256": first.sha256,
        "tests": "outrepassés",
    }
    second = publishing.publish(ws, pack, override=True)  # published again: a higher version
    assert second.version == "1.1.0" and pack.manifest["version"] == "1.1.0"
    assert read_pack_file(second.file).statement.key_id == signer

    # Another workstation whose IT trusts the referent's key imports it, then refuses the
    # older file as a rollback.
    other = Env(tmp_path / "poste-2", tmp_path / "site-2")
    other.site.mkdir()
    (other.site / "trusted-keys").mkdir()
    publishing.export_public_key(ws, other.site / "trusted-keys" / "referente.pub")
    other.write_policy('[roles]\ndefault = ["*"]\n')
    assert run_cli(other, "rules", "accept").returncode == 0
    assert run_cli(other, "packs", "import", str(first.file)).returncode == 0
    imported = run_cli(other, "packs", "import", str(second.file))
    assert imported.returncode == 0, imported.stderr
    assert "1.1.0 installé (remplace la version 1.0.0)" in imported.stdout
    assert f"clé {signer}" in imported.stdout
    rollback = assert_clean_failure(run_cli(other, "packs", "import", str(first.file)))
    assert "1.0.0" in rollback and "1.1.0" in rollback
    shutil.rmtree(other.home)


@pytest.mark.model
def test_a_test_that_fails_blocks_publishing_and_one_that_passes_allows_it(
    referent: tuple[Workspace, Path],
) -> None:
    ws, _ = referent
    pack = studio.open_installed(ws, "secretariat")
    pack.tasks = [pack.task("attestation-presence")]
    pack.manifest["task_order"] = ["attestation-presence"]
    seen: list[tuple[int, int]] = []
    report = publishing.test_pack(ws, pack, lambda o, done, total: seen.append((done, total)))
    assert seen == [(n, len(report.outcomes)) for n in range(1, len(report.outcomes) + 1)]
    failed = sum(not o.passed for o in report.outcomes)
    assert pack.meta["failed"] == failed  # whatever the model wrote, the gate follows it
    publishing.create_signing_key(ws)
    if failed:
        with pytest.raises(UsageError, match="échoue"):
            publishing.publish(ws, pack)
    else:
        assert publishing.publish(ws, pack).version > pack.meta["previous_version"]
    pack.tasks[0]["title"] = "Attestation modifiée"  # a change after the test
    assert (
        publishing.test_state(pack) == "le pack n'a pas été testé depuis sa dernière modification"
    )


@pytest.mark.model
def test_trying_an_example_drafts_it_with_both_versions(referent: tuple[Workspace, Path]) -> None:
    ws, _ = referent
    pack = studio.open_installed(ws, "secretariat")
    task = pack.task("attestation-presence")
    task["instructions"] += "- Écris une seule phrase.\n"
    tried = publishing.try_example(ws, pack, "attestation-presence", 1)
    assert tried.previous is not None
    for outcome in (tried.current, tried.previous):
        assert outcome.task == "secretariat/attestation-presence" and outcome.example == 1
        assert outcome.body.strip() or "vide" in outcome.failed
    with pytest.raises(UsageError, match="n'existe pas"):
        publishing.try_example(ws, pack, "attestation-presence", 9)
    new = studio.create(ws, "bloc", "bloc", "Bloc")
    with pytest.raises(UsageError, match="n'existe pas"):
        publishing.try_example(ws, new, "courrier", 1)


def test_an_installed_pack_published_again_is_a_higher_version_that_imports_over_it(
    referent: tuple[Workspace, Path], tmp_path: Path
) -> None:
    ws, share = referent
    pack = studio.open_installed(ws, "secretariat")
    installed = pack.meta["previous_version"]
    pack.task("convocation")["title"] = "Convocation (édition 2027)"
    publishing.create_signing_key(ws)
    published = publishing.publish(ws, pack, override=True)
    assert published.version > installed and published.file.parent == share
    other = Env(tmp_path / "poste-2", tmp_path / "site-2")
    (other.site / "trusted-keys").mkdir(parents=True)
    publishing.export_public_key(ws, other.site / "trusted-keys" / "referente.pub")
    other.write_policy("")
    assert run_cli(other, "rules", "accept").returncode == 0
    imported = run_cli(other, "packs", "import", str(published.file))
    assert imported.returncode == 0, imported.stderr
    tasks = run_cli(other, "tasks", "--json")
    assert "Convocation (édition 2027)" in tasks.stdout
