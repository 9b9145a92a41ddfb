"""The history through the CLI: drafts kept encrypted, the fail backend, recovery, retention."""

from __future__ import annotations

import json
import sqlite3
from pathlib import Path

import pytest

from tests.canary import NAME, NIR
from tests.conftest import Env, assert_clean_failure, run_cli

pytestmark = [pytest.mark.model, pytest.mark.usefixtures("secret_service")]
PHRASE = "une phrase de secours assez longue\n"


def draft(env: Env, tmp_path: Path) -> None:
    source = tmp_path / "note.txt"
    source.write_text(f"Patiente {NAME}, NIR {NIR}. Merci de renvoyer le formulaire.")
    result = run_cli(
        env,
        "draft",
        "--task",
        "secretariat/reformuler-courrier",
        "--source",
        str(source),
        "--field",
        f"destinataire={NAME}",
        "--max-tokens",
        "8",
        "--out",
        str(tmp_path / "lettre.docx"),
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
    (hd_env.site / "policy.toml").write_text("[history]\nretention_days = 7\n")
    draft(hd_env, tmp_path)  # the next start purges, then keeps the new draft
    assert len(run_cli(hd_env, "history", "list").stdout.strip().splitlines()) == 1
    events = [
        json.loads(line) for line in (hd_env.home / "data" / "audit.jsonl").read_text().splitlines()
    ]
    purged = [e for e in events if e["event"] == "history_purged"]
    assert purged and purged[0]["details"] == {"count": 1, "retention_days": 7}
