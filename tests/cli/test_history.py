"""The history through the CLI: drafts kept encrypted, the fail backend, recovery, retention."""

from __future__ import annotations

import json
import sqlite3
from pathlib import Path

import pytest

from tests.canary import NAME, NIR
from tests.conftest import Env, assert_clean_failure, draft_cli, run_cli

pytestmark = [pytest.mark.model, pytest.mark.usefixtures("secret_service")]
PHRASE = "une phrase de secours assez longue\n"


def draft(env: Env, tmp_path: Path) -> None:
    source = tmp_path / "note.txt"
    source.write_text(f"Patiente {NAME}, NIR {NIR}. Merci de renvoyer le formulaire.")
    result = draft_cli(
        env,
        "secretariat/reformuler-courrier",
        source=source,
        fields={"destinataire": NAME},
        max_tokens=8,
        out=tmp_path / "lettre.docx",
    )
    assert result.returncode == 0, result.stderr
    assert "non conservé" not in result.stderr


def test_drafts_are_kept_encrypted_and_listed(hd_env: Env, tmp_path: Path) -> None:
    draft(hd_env, tmp_path)
    listing = run_cli(hd_env, "history", "list")
    assert listing.returncode == 0 and "secretariat/reformuler-courrier" in listing.stdout
    database = hd_env.home / "data" / "history.sqlite3"
    for path in database.parent.glob("history.sqlite3*"):
        assert b"CANARIVORE" not in path.read_bytes()


def test_without_a_keyring_the_user_is_told_and_nothing_changes(
    hd_env: Env, tmp_path: Path
) -> None:
    draft(hd_env, tmp_path)
    assert run_cli(hd_env, "history", "passphrase", stdin=PHRASE).returncode == 0
    database = hd_env.home / "data" / "history.sqlite3"
    before = database.read_bytes()
    failing = Env(hd_env.home, hd_env.site)
    variables = failing.vars() | {"PYTHON_KEYRING_BACKEND": "keyring.backends.fail.Keyring"}
    import subprocess
    import sys

    result = subprocess.run(
        [sys.executable, "-m", "hospidesk", "history", "list"],
        capture_output=True,
        text=True,
        env=variables,
        check=False,
    )
    assert result.returncode == 8
    assert "Aucun trousseau système utilisable" in result.stderr
    assert "hospidesk history recover" in result.stderr
    assert database.read_bytes() == before


def test_a_corrupted_wrapped_key_then_recovery(hd_env: Env, tmp_path: Path) -> None:
    import keyring

    from hospidesk.storage.keys import SERVICE, KeyStore

    draft(hd_env, tmp_path)
    assert run_cli(hd_env, "history", "passphrase", stdin=PHRASE).returncode == 0
    store = KeyStore(hd_env.home / "data")
    keyring.set_password(SERVICE, store.entry, "not-a-key")
    database = hd_env.home / "data" / "history.sqlite3"
    before = database.read_bytes()
    line = assert_clean_failure(run_cli(hd_env, "history", "list"))
    assert "altérée" in line
    assert database.read_bytes() == before
    assert run_cli(hd_env, "history", "recover", stdin="mauvaise phrase\n").returncode == 8
    assert run_cli(hd_env, "history", "recover", stdin=PHRASE).returncode == 0
    assert "secretariat/reformuler-courrier" in run_cli(hd_env, "history", "list").stdout


def test_retention_purges_at_start_and_audits_the_count(hd_env: Env, tmp_path: Path) -> None:
    draft(hd_env, tmp_path)
    database = hd_env.home / "data" / "history.sqlite3"
    with sqlite3.connect(database) as db:
        db.execute("UPDATE drafts SET updated_at='2020-01-01T00:00:00+00:00'")
    hd_env.write_policy("[history]\nretention_days = 7\n")
    draft(hd_env, tmp_path)  # the next start purges, then keeps the new draft
    assert len(run_cli(hd_env, "history", "list").stdout.strip().splitlines()) == 1
    events = [
        json.loads(line) for line in (hd_env.home / "data" / "audit.jsonl").read_text().splitlines()
    ]
    purged = [e for e in events if e["event"] == "history_purged"]
    assert purged and purged[0]["details"] == {"count": 1, "retention_days": 7}


def test_show_export_and_delete_a_kept_draft(hd_env: Env, tmp_path: Path) -> None:
    draft(hd_env, tmp_path)
    listing = run_cli(hd_env, "history", "list", "--search", "reformuler").stdout
    draft_id = listing.split()[0]
    assert len(draft_id) == 8
    assert run_cli(hd_env, "history", "list", "--search", "convocation").stdout == ""
    shown = run_cli(hd_env, "history", "show", draft_id)
    assert shown.returncode == 0 and shown.stdout.strip()
    again = tmp_path / "encore.docx"
    exported = run_cli(hd_env, "history", "export", draft_id, "--out", str(again))
    assert exported.returncode == 0, exported.stderr
    from docx import Document

    text = "\n".join(p.text for p in Document(str(again)).paragraphs)
    assert shown.stdout.strip().splitlines()[0].strip() in text
    assert "Aucun brouillon" in assert_clean_failure(run_cli(hd_env, "history", "show", "ffff0000"))
    assert run_cli(hd_env, "history", "delete", draft_id).returncode == 0
    assert run_cli(hd_env, "history", "list").stdout == ""
    events = (hd_env.home / "data" / "audit.jsonl").read_text()
    assert '"history_deleted"' in events and NAME not in events


def test_it_recovery_key_from_the_site_directory(hd_env: Env, tmp_path: Path) -> None:
    import keyring

    from hospidesk.storage.keys import SERVICE, KeyStore

    it_folder = tmp_path / "coffre-dsi"
    it_folder.mkdir()
    it_phrase = "phrase de la DSI, bien longue\n"
    assert run_cli(hd_env, "history", "it-keygen", str(it_folder), stdin=it_phrase).returncode == 0
    private = it_folder / "history-recovery-private.pem"
    assert private.stat().st_mode & 0o077 == 0
    line = assert_clean_failure(
        run_cli(hd_env, "history", "it-keygen", str(it_folder), stdin=it_phrase)
    )
    assert "existe déjà" in line
    (hd_env.site / "history-recovery-public.pem").write_bytes(
        (it_folder / "history-recovery-public.pem").read_bytes()
    )
    draft(hd_env, tmp_path)  # no passphrase set by the user: only IT can recover
    doctor = run_cli(hd_env, "doctor").stdout
    assert "cet historique en est protégé" in doctor
    keyring.delete_password(SERVICE, KeyStore(hd_env.home / "data").entry)
    assert "absente du trousseau" in assert_clean_failure(run_cli(hd_env, "history", "list"))
    line = assert_clean_failure(
        run_cli(hd_env, "history", "recover", "--it-key", str(private), stdin="mauvaise\n")
    )
    assert "phrase incorrecte" in line
    result = run_cli(hd_env, "history", "recover", "--it-key", str(private), stdin=it_phrase)
    assert result.returncode == 0, result.stderr
    assert "secretariat/reformuler-courrier" in run_cli(hd_env, "history", "list").stdout
