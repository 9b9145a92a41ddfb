"""The audit trail mirrored to the system's log, through a socket the test owns (as /dev/log)."""

from __future__ import annotations

import json
import re
import socket
import subprocess
import sys
import threading
from collections.abc import Iterator
from pathlib import Path

import filelock
import pytest

from hospidesk.governance.audit import (
    CHECKPOINT_EVERY,
    AuditEvent,
    AuditKind,
    AuditTrail,
    checkpoint_message,
    record_hash,
)
from hospidesk.governance.forward import (
    JournaldForwarder,
    SyslogForwarder,
    compare,
    forwarded_messages,
)
from hospidesk.service.workspace import Workspace
from tests.conftest import REPO, Env, run_cli

SYSLOG = re.compile(r"^<(\d+)>hospidesk-test\[(\d+)\]: (\{.*\})$")
LOCAL3 = 19
PATIENT = "Mme Lucienne Dupont, née le 12/03/1941, NIR 2410375012345"


class LogSocket:
    """A datagram socket standing in for /dev/log: it keeps every message it receives."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self.messages: list[bytes] = []
        self._sock = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
        self._sock.bind(str(path))
        self._sock.settimeout(0.2)
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._read, daemon=True)
        self._thread.start()

    def _read(self) -> None:
        while not self._stop.is_set():
            try:
                self.messages.append(self._sock.recv(65536))
            except TimeoutError:
                continue

    def close(self) -> list[bytes]:
        """Every message received: those still queued when the reader stopped too (a datagram
        is queued once its send returns; the reader may stop before it reads the last ones)."""
        if self._sock.fileno() == -1:  # closed already (by the test, then the fixture)
            return self.messages
        self._stop.set()
        self._thread.join()
        self._sock.setblocking(False)
        while True:
            try:
                self.messages.append(self._sock.recv(65536))
            except BlockingIOError:
                break
        self._sock.close()
        return self.messages


@pytest.fixture
def log_socket(tmp_path: Path) -> Iterator[LogSocket]:
    sock = LogSocket(tmp_path / "log.sock")
    yield sock
    sock.close()


def task_run(trail: AuditTrail, i: int) -> AuditEvent:
    return AuditEvent(
        AuditKind.TASK_RUN,
        task="secretariat/convocation",
        model_sha256="b" * 64,
        inputs=(trail.digest("champs", f"{PATIENT} {i}"),),
        output=trail.digest("brouillon", f"Madame, {PATIENT} est convoquée ({i})."),
        details={"backend": "local"},
    )


def test_every_record_and_checkpoint_reaches_syslog_without_content(
    tmp_path: Path, log_socket: LogSocket
) -> None:
    forwarder = SyslogForwarder(str(log_socket.path), "hospidesk-test", "local3")
    trail = AuditTrail(tmp_path / "data", "secretaire1", forwarder)
    for i in range(25):
        trail.append(task_run(trail, i))
    trail.checkpoint()
    messages = log_socket.close()

    parsed = []
    for raw in messages:
        text = raw.decode()
        match = SYSLOG.match(text)
        assert match, text
        assert int(match[1]) == LOCAL3 * 8 + 6  # facility local3, severity info
        assert "\n" not in text  # one line per record
        for word in ("Lucienne", "Dupont", "Madame", "convoquée"):  # none of the text
            assert word not in text
        parsed.append(json.loads(match[3]))
    records = [m for m in parsed if m["type"] == "record"]
    checkpoints = [m for m in parsed if m["type"] == "checkpoint"]
    local = trail.records()
    assert [r["seq"] for r in records] == list(range(1, 26))
    assert [r["hash"] for r in records] == [r["hash"] for r in local]
    assert [c["seq"] for c in checkpoints] == [10, 20, 25]
    assert compare(local, parsed).divergence is None


def rebuild_from(trail: AuditTrail, seq: int, change: dict[str, str]) -> None:
    """What a user can do with the local keys: edit one record, then recompute every hash
    after it and sign the checkpoints again, so that the local chain verifies."""
    records = trail.records()
    prev = records[seq - 2]["hash"] if seq > 1 else "0" * 64
    for record in records[seq - 1 :]:
        if record["seq"] == seq:
            record["details"] = {**record["details"], **change}
        record["prev"] = prev
        record["hash"] = record_hash(record)
        prev = record["hash"]
    trail.file.write_text(
        "".join(json.dumps(r, sort_keys=True, separators=(",", ":")) + "\n" for r in records)
    )
    key = trail._signing_key()
    heads = {r["seq"]: r["hash"] for r in records}
    lines = []
    for line in trail.checkpoints_file.read_text().splitlines():
        entry = json.loads(line)
        entry["head"] = heads[entry["seq"]]
        entry["signature"] = key.sign(checkpoint_message(entry["seq"], entry["head"])).hex()
        lines.append(json.dumps(entry))
    trail.checkpoints_file.write_text("\n".join(lines) + "\n")


def test_a_chain_rebuilt_with_the_local_keys_is_caught_against_the_system_log(
    hd_env: Env, log_socket: LogSocket, tmp_path: Path
) -> None:
    hd_env.write_policy(
        f'[audit]\nforward = "syslog"\nidentifier = "hospidesk-test"\n'
        f'facility = "local3"\nsyslog_socket = "{log_socket.path}"\n'
    )
    trail = Workspace.open().audit  # the forwarder comes from the machine policy
    for i in range(15):
        trail.append(task_run(trail, i))
    export = tmp_path / "syslog-export.log"
    export.write_text(  # as rsyslog writes it: date, host, then the message after its PRI
        "".join(
            f"Dec  1 10:00:{n:02d} poste-42 {m.decode().split('>', 1)[1]}\n"
            for n, m in enumerate(log_socket.close())
        )
    )
    ok = run_cli(hd_env, "audit", "verify", "--against", str(export))
    assert ok.returncode == 0, ok.stderr
    assert "15 enregistrements identiques" in ok.stdout

    rebuild_from(trail, 7, {"backend": "serveur"})
    assert trail.verify().ok  # the local chain alone no longer shows the edit
    caught = run_cli(hd_env, "audit", "verify", "--against", str(export))
    assert caught.returncode == 7
    assert "enregistrement n° 7 différent de celui transmis au journal du système" in (
        caught.stderr
    )


def test_an_export_without_hospidesk_messages_is_said(hd_env: Env, tmp_path: Path) -> None:
    export = tmp_path / "autre.log"
    export.write_text("Dec  1 10:00:00 poste sshd[1]: Accepted publickey\n")
    result = run_cli(hd_env, "audit", "verify", "--against", str(export))
    assert result.returncode != 0
    assert "Aucun message de HospiDesk" in result.stderr
    missing = run_cli(hd_env, "audit", "verify", "--against", str(tmp_path / "absent.log"))
    assert missing.returncode != 0 and "illisible" in missing.stderr


def test_a_missing_log_socket_loses_no_record_and_is_recorded_once(tmp_path: Path) -> None:
    forwarder = SyslogForwarder(str(tmp_path / "absent.sock"), "hospidesk-test", "local3")
    trail = AuditTrail(tmp_path / "data", "secretaire1", forwarder)
    for i in range(5):
        trail.append(task_run(trail, i))
    events = [r["event"] for r in trail.records()]
    assert events == ["task_run", "audit_forward_failed"] + ["task_run"] * 4
    failure = trail.records()[1]
    assert failure["details"] == {"target": "syslog", "error": "ENOENT"}
    assert trail.verify().ok


def test_forwarding_resumes_and_a_new_outage_is_recorded_again(tmp_path: Path) -> None:
    path = tmp_path / "log.sock"
    trail = AuditTrail(
        tmp_path / "data", "u", SyslogForwarder(str(path), "hospidesk-test", "local3")
    )
    trail.append(task_run(trail, 1))  # no socket yet: recorded
    sock = LogSocket(path)
    trail.append(task_run(trail, 2))  # reaches it
    received = sock.close()
    path.unlink()
    trail.append(task_run(trail, 3))  # gone again: recorded again
    events = [r["event"] for r in trail.records()]
    assert events.count("audit_forward_failed") == 2
    assert len(received) == 1 and b'"seq":3' in received[0]


def test_journald_gets_its_native_fields(tmp_path: Path) -> None:
    sock = LogSocket(tmp_path / "journal.sock")
    trail = AuditTrail(
        tmp_path / "data",
        "u",
        JournaldForwarder(str(sock.path), "hospidesk-test", "local3"),
    )
    trail.append(task_run(trail, 1))
    (raw,) = sock.close()
    fields = dict(line.split("=", 1) for line in raw.decode().splitlines())
    assert fields["SYSLOG_IDENTIFIER"] == "hospidesk-test"
    assert fields["SYSLOG_FACILITY"] == str(LOCAL3)
    assert fields["PRIORITY"] == "6"
    assert json.loads(fields["MESSAGE"])["hash"] == trail.records()[0]["hash"]


def test_forwarded_messages_ignore_what_is_not_hospidesk() -> None:
    lines = [
        "Dec  1 10:00:00 poste hospidesk[1]: {not json",
        'Dec  1 10:00:00 poste hospidesk[1]: {"type": "record", "seq": "x"}',
        'Dec  1 10:00:00 poste other[2]: {"hello": 1}',
        'Dec  1 10:00:00 poste hospidesk[1]: {"type": "record", "seq": 1, "hash": "h"}',
    ]
    assert forwarded_messages(lines) == [{"type": "record", "seq": 1, "hash": "h"}]


def test_a_record_deleted_locally_after_forwarding_is_named() -> None:
    local = [{"seq": 1, "hash": "a"}, {"seq": 2, "hash": "b"}]
    sent = [
        {"type": "record", "seq": 1, "hash": "a"},
        {"type": "record", "seq": 2, "hash": "b"},
        {"type": "record", "seq": 3, "hash": "c"},
    ]
    result = compare(local, sent)
    assert result.divergence is not None and result.divergence.seq == 3
    assert "absent du journal local" in result.divergence.problem


APPENDER = """
import sys
from pathlib import Path
from hospidesk.governance.audit import AuditEvent, AuditKind, AuditTrail
trail = AuditTrail(Path(sys.argv[1]), sys.argv[2])
sys.stdin.readline()  # start together
for i in range(50):
    trail.append(AuditEvent(AuditKind.TASK_RUN, task="secretariat/convocation",
                            model_sha256="b" * 64, details={"backend": "local", "n": i}))
"""


def test_two_processes_appending_at_once_leave_a_chain_that_verifies(tmp_path: Path) -> None:
    folder = tmp_path / "data"
    assert isinstance(AuditTrail(folder, "x")._lock, filelock.BaseFileLock)
    procs = [
        subprocess.Popen(
            [sys.executable, "-c", APPENDER, str(folder), user],
            stdin=subprocess.PIPE,
            text=True,
            env={"PYTHONPATH": str(REPO / "src")},
        )
        for user in ("fenetre", "ligne-de-commande")
    ]
    for proc in procs:
        assert proc.stdin
        proc.stdin.write("go\n")
        proc.stdin.flush()
    assert [proc.wait(timeout=120) for proc in procs] == [0, 0]
    trail = AuditTrail(folder, "x")
    result = trail.verify()
    assert result.ok, result.problem
    assert result.records == 100
    assert result.checkpoints == 100 // CHECKPOINT_EVERY
    users = [r["user"] for r in trail.records()]
    assert users.count("fenetre") == users.count("ligne-de-commande") == 50


def test_without_an_audit_policy_nothing_is_forwarded(hd_env: Env) -> None:
    assert Workspace.open().audit.forwarder is None
    hd_env.write_policy('[audit]\nforward = "journald"\n')
    assert isinstance(Workspace.open().audit.forwarder, JournaldForwarder)


def test_lines_written_to_the_log_by_hand_do_not_hide_a_rewrite() -> None:
    local = [{"seq": 1, "hash": "forged1", "user": "u"}]
    sent = [
        {"type": "record", "seq": 1, "hash": "genuine1", "user": "u"},
        {"type": "record", "seq": 1, "hash": "forged1", "user": "u"},  # logger -t hospidesk
    ]
    result = compare(local, sent, "u")
    assert result.divergence is not None and result.divergence.seq == 1
    assert "transmis plusieurs fois" in result.divergence.problem


def test_other_users_records_on_a_shared_workstation_are_not_compared() -> None:
    local = [{"seq": 1, "hash": "mine", "user": "u"}]
    sent = [
        {"type": "record", "seq": 1, "hash": "theirs", "user": "autre"},
        {"type": "record", "seq": 1, "hash": "mine", "user": "u"},
        {"type": "checkpoint", "seq": 1, "head": "mine", "user": "u"},
    ]
    assert compare(local, sent, "u").divergence is None
    assert compare(local, sent, "u").compared == 1
