"""The audit trail: a real trail of real events, then each kind of tampering."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from hospidesk.governance.audit import CHECKPOINT_EVERY, AuditEvent, AuditKind, AuditTrail


@pytest.fixture
def trail(tmp_path: Path) -> AuditTrail:
    trail = AuditTrail(tmp_path / "data", "secretaire1")
    for i in range(1, 26):
        trail.append(
            AuditEvent(
                AuditKind.TASK_RUN,
                task="secretariat/convocation",
                model_sha256="b" * 64,
                inputs=(trail.digest("champs", f"valeurs {i}"),),
                output=trail.digest("brouillon", f"texte {i}"),
                details={"backend": "local"},
            )
        )
    return trail


def lines(trail: AuditTrail) -> list[str]:
    return trail.file.read_text(encoding="utf-8").splitlines()


def write(trail: AuditTrail, records: list[str]) -> None:
    trail.file.write_text("\n".join(records) + "\n", encoding="utf-8")


def test_an_untouched_trail_verifies(trail: AuditTrail) -> None:
    result = trail.verify()
    assert result.ok, result.problem
    assert result.records == 25
    assert result.checkpoints == 25 // CHECKPOINT_EVERY


def test_records_hold_no_text_only_sizes_and_keyed_hashes(trail: AuditTrail) -> None:
    record = json.loads(lines(trail)[0])
    assert record["user"] == "secretaire1" and record["event"] == "task_run"
    assert record["inputs"][0]["size"] == len("valeurs 1")
    assert "valeurs" not in trail.file.read_text()
    assert len(record["inputs"][0]["hmac"]) == 64


def test_an_edited_byte_names_the_record(trail: AuditTrail) -> None:
    records = lines(trail)
    records[6] = records[6].replace('"secretaire1"', '"secretaire2"')
    write(trail, records)
    result = trail.verify()
    assert not result.ok and result.bad_seq == 7
    assert result.problem == "enregistrement n° 7 modifié"


def test_a_deleted_record_is_named(trail: AuditTrail) -> None:
    records = lines(trail)
    del records[11]
    write(trail, records)
    result = trail.verify()
    assert not result.ok and result.bad_seq == 12
    assert result.problem == "enregistrement n° 12 manquant (supprimé)"


def test_two_swapped_records_are_named(trail: AuditTrail) -> None:
    records = lines(trail)
    records[3], records[4] = records[4], records[3]
    write(trail, records)
    result = trail.verify()
    assert not result.ok and result.bad_seq == 4
    assert result.problem == "enregistrement n° 4 hors de sa place (ordre modifié)"


def test_a_tail_cut_past_the_last_checkpoint_is_detected(trail: AuditTrail) -> None:
    write(trail, lines(trail)[:15])  # checkpoint at 20 now covers missing records
    result = trail.verify()
    assert not result.ok
    assert "journal tronqué" in str(result.problem) and "n° 20" in str(result.problem)


def test_a_forged_checkpoint_is_refused(trail: AuditTrail) -> None:
    entries = trail.checkpoints_file.read_text().splitlines()
    forged = json.loads(entries[0]) | {"seq": 9}
    trail.checkpoints_file.write_text(json.dumps(forged) + "\n")
    assert "signature invalide" in str(trail.verify().problem)


def test_export_is_json_lines_with_a_fresh_checkpoint(trail: AuditTrail, tmp_path: Path) -> None:
    out = tmp_path / "audit.jsonl"
    trail.export(out)
    items = [json.loads(line) for line in out.read_text().splitlines()]
    assert items[0]["type"] == "key" and "BEGIN PUBLIC KEY" in items[0]["checkpoint_public_key"]
    assert sum(1 for i in items if i["type"] == "record") == 25
    assert items[-1]["type"] == "checkpoint" and items[-1]["seq"] == 25
