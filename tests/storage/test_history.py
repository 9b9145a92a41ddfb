"""Encrypted history with the real OS keyring, damaged records, a missing or altered key."""

from __future__ import annotations

from pathlib import Path

import keyring
import pytest

from hospidesk.errors import HospiDeskError
from hospidesk.storage.history import CorruptRecord, DraftContent, History, HistoryError
from hospidesk.storage.keys import SERVICE, KeyStore, KeyUnavailable
from tests.canary import NAME, NIR

pytestmark = pytest.mark.usefixtures("secret_service")
CONTENT = DraftContent(
    {"patient": NAME}, f"Note : NIR {NIR}", "Brouillon du modèle", f"Convocation de {NAME}"
)


def open_history(folder: Path) -> History:
    return History(folder / "history.sqlite3", KeyStore(folder).load())


def test_history_is_stored_encrypted_and_reopens(tmp_path: Path) -> None:
    history = open_history(tmp_path)
    draft_id = history.save("secretariat/convocation", "1.0.0", CONTENT)
    history.close()
    again = open_history(tmp_path)
    assert again.open(draft_id).content == CONTENT
    assert [d.task_ref for d in again.list()] == ["secretariat/convocation"]
    again.close()
    for path in tmp_path.iterdir():
        data = path.read_bytes()
        assert b"CANARIVORE" not in data and b"108 123 47" not in data, path


def test_a_flipped_byte_is_reported_for_that_record_only(tmp_path: Path) -> None:
    history = open_history(tmp_path)
    first = history.save("secretariat/convocation", "1.0.0", CONTENT)
    second = history.save("secretariat/convocation", "1.0.0", CONTENT)
    blob = bytearray(
        history.db.execute("SELECT content FROM drafts WHERE id=?", (first,)).fetchone()[0]
    )
    blob[20] ^= 0x01
    history.db.execute("UPDATE drafts SET content=? WHERE id=?", (bytes(blob), first))
    with pytest.raises(CorruptRecord, match=r"endommagé.*les autres brouillons ne sont pas"):
        history.open(first)
    assert history.open(second).content == CONTENT


def test_a_record_moved_to_another_id_does_not_open(tmp_path: Path) -> None:
    history = open_history(tmp_path)
    first = history.save("secretariat/convocation", "1.0.0", CONTENT)
    blob = history.db.execute("SELECT content FROM drafts WHERE id=?", (first,)).fetchone()[0]
    other = history.save("qualite/reponse-reclamation", "1.0.0", CONTENT)
    history.db.execute("UPDATE drafts SET content=? WHERE id=?", (blob, other))
    with pytest.raises(CorruptRecord):
        history.open(other)


def snapshot(folder: Path) -> dict[str, bytes]:
    return {p.name: p.read_bytes() for p in folder.iterdir() if p.is_file()}


def test_no_keyring_is_a_clear_refusal_and_changes_nothing(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    history = open_history(tmp_path)
    history.save("secretariat/convocation", "1.0.0", CONTENT)
    history.close()
    KeyStore(tmp_path).set_recovery("une phrase de secours assez longue")
    before = snapshot(tmp_path)
    from keyring.backends import fail

    store = KeyStore(tmp_path, backend=fail.Keyring())
    with pytest.raises(KeyUnavailable, match="Aucun trousseau système utilisable"):
        store.load()
    assert snapshot(tmp_path) == before


def test_an_altered_key_is_refused_and_recovery_brings_it_back(tmp_path: Path) -> None:
    history = open_history(tmp_path)
    draft_id = history.save("secretariat/convocation", "1.0.0", CONTENT)
    history.close()
    store = KeyStore(tmp_path)
    store.set_recovery("une phrase de secours assez longue")
    keyring.set_password(SERVICE, store.entry, "QUJDREVGR0g=")  # someone else's value
    before = snapshot(tmp_path)
    with pytest.raises(KeyUnavailable, match=r"altérée.*hospidesk history recover"):
        store.load()
    with pytest.raises(KeyUnavailable, match="Phrase de secours incorrecte"):
        store.recover("une autre phrase bien longue")
    assert snapshot(tmp_path) == before  # nothing rewritten or deleted until recovery
    store.recover("une phrase de secours assez longue")
    assert open_history(tmp_path).open(draft_id).content == CONTENT


def test_a_missing_key_says_so(tmp_path: Path) -> None:
    open_history(tmp_path).close()
    store = KeyStore(tmp_path)
    keyring.delete_password(SERVICE, store.entry)
    with pytest.raises(KeyUnavailable, match="absente du trousseau"):
        store.load()


def test_retention_purges_old_drafts(tmp_path: Path) -> None:
    history = open_history(tmp_path)
    old = history.save("secretariat/convocation", "1.0.0", CONTENT)
    recent = history.save("secretariat/convocation", "1.0.0", CONTENT)
    history.db.execute(
        "UPDATE drafts SET updated_at=? WHERE id=?", ("2020-01-01T00:00:00+00:00", old)
    )
    assert history.purge(30) == 1
    assert [d.id for d in history.list()] == [recent]


def test_a_damaged_database_is_reported_and_left_alone(tmp_path: Path) -> None:
    path = tmp_path / "history.sqlite3"
    path.write_bytes(b"SQLite format 3\x00" + b"\xff" * 4000)
    before = path.read_bytes()

    with pytest.raises(HistoryError, match=r"endommagée|intégrité"):
        History(path, KeyStore(tmp_path).load())
    assert path.read_bytes() == before


def test_a_full_disk_during_autosave_is_clear_and_keeps_the_previous_version(
    tmp_path: Path,
) -> None:
    history = open_history(tmp_path)
    draft_id = history.save("secretariat/convocation", "1.0.0", CONTENT, "autosauvegarde")
    # SQLite's own page limit gives the same SQLITE_FULL error as a full disk.
    pages = history.db.execute("PRAGMA page_count").fetchone()[0]
    history.db.execute(f"PRAGMA max_page_count = {pages}")
    bigger = DraftContent(CONTENT.values, CONTENT.source, "x" * 200_000, "y" * 200_000)
    with pytest.raises(HistoryError, match="Disque plein"):
        history.save("secretariat/convocation", "1.0.0", bigger, "autosauvegarde", draft_id)
    assert history.open(draft_id).content == CONTENT


IT_PHRASE = "phrase de la DSI, bien longue"


def it_pair(folder: Path) -> tuple[Path, Path]:
    from hospidesk.storage import recovery_key

    private_pem, public_pem = recovery_key.generate(IT_PHRASE)
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "private.pem").write_bytes(private_pem)
    (folder / "public.pem").write_bytes(public_pem)
    return folder / "private.pem", folder / "public.pem"


def test_the_it_recovery_key_brings_back_a_history_whose_keyring_entry_was_lost(
    tmp_path: Path,
) -> None:
    private, public = it_pair(tmp_path / "it")
    data = tmp_path / "data"
    store = KeyStore(data, it_public=public)
    history = History(data / "history.sqlite3", store.load())
    draft_id = history.save("secretariat/convocation", "1.0.0", CONTENT)
    history.close()
    assert store.it_fingerprint() is not None
    assert b"CANARIVORE" not in (data / "history-key.json").read_bytes()
    keyring.delete_password(SERVICE, store.entry)  # new workstation profile, keyring reset
    before = snapshot(data)
    with pytest.raises(KeyUnavailable, match="absente du trousseau"):
        store.load()
    with pytest.raises(HospiDeskError, match="phrase incorrecte"):
        store.recover_with_it_key(private, "pas la bonne phrase")
    other_private, _ = it_pair(tmp_path / "other")
    with pytest.raises(KeyUnavailable, match="pas celle qui protège"):
        store.recover_with_it_key(other_private, IT_PHRASE)
    assert snapshot(data) == before
    store.recover_with_it_key(private, IT_PHRASE)
    assert open_history(data).open(draft_id).content == CONTENT


def test_an_it_key_installed_later_wraps_existing_histories_and_a_new_one_replaces_it(
    tmp_path: Path,
) -> None:
    data = tmp_path / "data"
    open_history(data).close()
    _, public = it_pair(tmp_path / "it")
    store = KeyStore(data, it_public=public)
    assert store.it_fingerprint() is None
    store.load()
    first = store.it_fingerprint()
    assert first is not None
    store.load()  # no rewrite when the wrap is current
    assert store.it_fingerprint() == first
    _, rotated = it_pair(tmp_path / "it2")
    KeyStore(data, it_public=rotated).load()
    assert store.it_fingerprint() not in (None, first)


def test_an_unusable_it_public_key_does_not_stop_the_user(tmp_path: Path) -> None:
    public = tmp_path / "public.pem"
    public.write_text("pas une clé")
    store = KeyStore(tmp_path / "data", it_public=public)
    History(tmp_path / "data" / "history.sqlite3", store.load()).close()
    assert store.it_fingerprint() is None
