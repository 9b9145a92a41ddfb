"""The audit trail: who did what, when, with which task and model — never the text.

One JSON line per event, each holding the hash of the previous one (a hash chain), so an
edited, deleted or reordered record breaks the chain at that point. Every few events, and at
each export, a checkpoint signs the head of the chain with a local Ed25519 key; checkpoints are
also kept in a second file, so cutting the tail of the trail past a checkpoint is detected.
IT keeps exported checkpoints: those prove what existed even if the whole folder is replaced.

Inputs and outputs are recorded as sizes and keyed hashes (HMAC-SHA256 with a local secret):
a plain hash of a short value such as a date of birth or a NIR could be reversed by trying
every value; a keyed one cannot without the workstation's key, yet still proves a document
matches when checked on the workstation.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import errno
import hashlib
import hmac
import json
import os
import secrets
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from enum import StrEnum
from pathlib import Path
from typing import Any

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey
from filelock import FileLock

from hospidesk.fsutil import atomic_write_bytes
from hospidesk.governance.forward import Forwarder

GENESIS = "0" * 64
CHECKPOINT_EVERY = 10
Detail = str | int | float | bool | None


@dataclass(frozen=True)
class Digest:
    """The size and keyed hash of one input or output."""

    kind: str
    size: int
    hmac: str

    def as_dict(self) -> dict[str, Any]:
        return {"kind": self.kind, "size": self.size, "hmac": self.hmac}


class AuditKind(StrEnum):
    """Every kind of event the trail records (the ``event`` field of a record)."""

    START = "start"
    OVERRIDE_IGNORED = "override_ignored"
    POLICY_CHANGED = "policy_changed"
    RULES_ACCEPTED = "rules_accepted"
    SETTINGS_CHANGED = "settings_changed"
    PACK_IMPORTED = "pack_imported"
    PACK_DISABLED = "pack_disabled"
    PACK_PUBLISHED = "pack_published"
    """The studio signed and wrote a pack file: the pack, its version, the signer's key id,
    the file's hash, and whether its tests passed or were overridden."""
    LETTERHEAD_REFUSED = "letterhead_refused"
    MODEL_LOADED = "model_loaded"
    SERVER_CONNECTED = "server_connected"
    SERVER_FALLBACK = "server_fallback"
    TASK_RUN = "task_run"
    TRANSCRIBED = "transcribed"
    """A dictation became a transcript: the audio's size and keyed hash, never the audio."""
    EXPORT = "export"
    HISTORY_DELETED = "history_deleted"
    HISTORY_PURGED = "history_purged"
    HISTORY_KEY_RECOVERED = "history_key_recovered"
    METRICS_EXPORTED = "metrics_exported"
    METRICS_EXPORT_FAILED = "metrics_export_failed"
    """The weekly export could not be written to the policy's folder (the user is not told)."""
    DPI_FILED = "dpi_filed"
    """The interface engine acknowledged a document (AA): its control id and hash."""
    DPI_REFUSED = "dpi_refused"
    """The interface engine refused a document (AE, AR): its codes; not tried again."""
    DPI_WAITING = "dpi_waiting"
    """A try failed (no answer, another message's answer): the document waits in the outbox."""
    DPI_REMOVED = "dpi_removed"
    """The user removed a document from the outbox: it will not be sent."""
    FORWARD_FAILED = "audit_forward_failed"
    """The system's log could not be reached (recorded once per outage, never forwarded)."""


@dataclass(frozen=True)
class AuditEvent:
    event: AuditKind
    task: str | None = None
    model_sha256: str | None = None
    inputs: tuple[Digest, ...] = ()
    output: Digest | None = None
    details: Mapping[str, Detail] = field(default_factory=dict)


@dataclass(frozen=True)
class Verification:
    ok: bool
    records: int
    checkpoints: int
    problem: str | None = None
    bad_seq: int | None = None


def _reason(exc: Exception) -> str:
    """An error without its path or message text: the errno's name, or the class."""
    number = getattr(exc, "errno", None)
    return errno.errorcode.get(number, type(exc).__name__) if number else type(exc).__name__


def canonical(data: Mapping[str, Any]) -> bytes:
    return json.dumps(data, sort_keys=True, separators=(",", ":"), ensure_ascii=False).encode()


def record_hash(record: Mapping[str, Any]) -> str:
    body = {k: v for k, v in record.items() if k != "hash"}
    return hashlib.sha256(canonical(body)).hexdigest()


def checkpoint_message(seq: int, head: str) -> bytes:
    return f"hospidesk-audit-checkpoint-v1\n{seq}\n{head}".encode()


class AuditTrail:
    def __init__(self, folder: Path, user: str, forwarder: Forwarder | None = None) -> None:
        self.folder = folder
        self.file = folder / "audit.jsonl"
        self.checkpoints_file = folder / "audit-checkpoints.jsonl"
        self.lock_file = folder / ".audit.lock"
        self.key_dir = folder / "audit-keys"
        self.user = user
        self.forwarder = forwarder
        self._lock = FileLock(self.lock_file)
        """Between processes (filelock: fcntl on POSIX, msvcrt on Windows) and, being
        re-entrant per object, between this process's threads through one trail."""
        self._forward_failing = False

    # keys (created on first use, private to the user)

    def _secret(self, name: str, make: Any) -> bytes:
        path = self.key_dir / name
        try:
            return path.read_bytes()
        except FileNotFoundError:
            self.key_dir.mkdir(parents=True, exist_ok=True, mode=0o700)
            atomic_write_bytes(path, make(), mode=0o600)
            return path.read_bytes()

    def _hmac_key(self) -> bytes:
        return self._secret("hmac.key", lambda: secrets.token_bytes(32))

    def _signing_key(self) -> Ed25519PrivateKey:
        pem = self._secret(
            "checkpoint.pem",
            lambda: Ed25519PrivateKey.generate().private_bytes(
                serialization.Encoding.PEM,
                serialization.PrivateFormat.PKCS8,
                serialization.NoEncryption(),
            ),
        )
        key = serialization.load_pem_private_key(pem, password=None)
        assert isinstance(key, Ed25519PrivateKey)
        return key

    def public_key_pem(self) -> str:
        return (
            self._signing_key()
            .public_key()
            .public_bytes(
                serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo
            )
            .decode()
        )

    def digest(self, kind: str, data: bytes | str) -> Digest:
        raw = data.encode("utf-8") if isinstance(data, str) else data
        return Digest(kind, len(raw), hmac.new(self._hmac_key(), raw, hashlib.sha256).hexdigest())

    def digest_file(self, kind: str, path: Path) -> Digest:
        """The same keyed hash as ``digest``, read in blocks (a file of hundreds of MB)."""
        mac = hmac.new(self._hmac_key(), digestmod=hashlib.sha256)
        size = 0
        with path.open("rb") as handle:
            while block := handle.read(1 << 20):
                mac.update(block)
                size += len(block)
        return Digest(kind, size, mac.hexdigest())

    # writing

    @contextlib.contextmanager
    def _locked(self) -> Iterator[None]:
        self.folder.mkdir(parents=True, exist_ok=True)
        with self._lock:
            yield

    def _last(self) -> dict[str, Any] | None:
        try:
            with self.file.open("rb") as handle:
                handle.seek(0, os.SEEK_END)
                size = handle.tell()
                handle.seek(max(0, size - 65536))
                lines = handle.read().splitlines()
        except FileNotFoundError:
            return None
        for line in reversed(lines):
            if line.strip():
                with contextlib.suppress(ValueError):
                    value = json.loads(line)
                    return value if isinstance(value, dict) else None
        return None

    def _append_line(self, path: Path, data: Mapping[str, Any]) -> None:
        line = canonical(data) + b"\n"
        fd = os.open(path, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o600)
        try:
            os.write(fd, line)
            os.fsync(fd)
        finally:
            os.close(fd)

    def append(self, event: AuditEvent) -> dict[str, Any]:
        """Add one record at the end of the chain (and a checkpoint every few records), and
        mirror both to the system's log when the policy asks for it."""
        with self._locked():
            record = self._write(event)
            self._forward({"type": "record", **record})
        return record

    def _write(self, event: AuditEvent) -> dict[str, Any]:
        last = self._last()
        seq = int(last["seq"]) + 1 if last else 1
        record: dict[str, Any] = {
            "seq": seq,
            "time": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
            "user": self.user,
            "event": str(event.event),
            "task": event.task,
            "model_sha256": event.model_sha256,
            "inputs": [d.as_dict() for d in event.inputs],
            "output": event.output.as_dict() if event.output else None,
            "details": dict(event.details),
            "prev": str(last["hash"]) if last else GENESIS,
        }
        record["hash"] = record_hash(record)
        self._append_line(self.file, record)
        if seq % CHECKPOINT_EVERY == 0:
            self._checkpoint(seq, record["hash"])
        return record

    def _forward(self, message: Mapping[str, Any]) -> None:
        """Send one message to the system's log; a failure never loses the local record and
        is itself recorded locally, once per outage."""
        if self.forwarder is None:
            return
        try:
            self.forwarder.send(canonical(message).decode())
        except Exception as exc:
            if not self._forward_failing:
                self._forward_failing = True
                self._write(
                    AuditEvent(
                        AuditKind.FORWARD_FAILED,
                        details={"target": self.forwarder.target, "error": _reason(exc)},
                    )
                )
            return
        self._forward_failing = False

    def _checkpoint(self, seq: int, head: str) -> dict[str, Any]:
        signature = self._signing_key().sign(checkpoint_message(seq, head))
        entry = {
            "type": "checkpoint",
            "seq": seq,
            "head": head,
            "time": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
            "signature": signature.hex(),
        }
        self._append_line(self.checkpoints_file, entry)
        self._forward({**entry, "user": self.user})
        return entry

    def checkpoint(self) -> dict[str, Any] | None:
        """Sign the current head now (done at every export)."""
        with self._locked():
            last = self._last()
            return self._checkpoint(int(last["seq"]), str(last["hash"])) if last else None

    # reading

    def _lines(self, path: Path) -> list[bytes]:
        try:
            return [line for line in path.read_bytes().splitlines() if line.strip()]
        except FileNotFoundError:
            return []

    def records(self) -> list[dict[str, Any]]:
        """The local records that can be read (``verify`` says whether they form a chain)."""
        found = []
        for line in self._lines(self.file):
            with contextlib.suppress(ValueError):
                value = json.loads(line)
                if isinstance(value, dict):
                    found.append(value)
        return found

    def verify(self) -> Verification:
        """Check the whole chain and every checkpoint; name the first bad record."""
        heads: dict[int, str] = {}
        prev, expected = GENESIS, 1
        lines = self._lines(self.file)
        later = set()
        for line in lines:
            with contextlib.suppress(ValueError, KeyError, TypeError):
                later.add(int(json.loads(line)["seq"]))
        for number, line in enumerate(lines, start=1):
            try:
                record = json.loads(line)
                seq = int(record["seq"])
            except (ValueError, KeyError, TypeError):
                return Verification(
                    False,
                    number - 1,
                    0,
                    f"enregistrement n° {expected} illisible (modifié)",
                    expected,
                )
            if seq > expected:
                what = (
                    "hors de sa place (ordre modifié)"
                    if expected in later
                    else ("manquant (supprimé)")
                )
                return Verification(
                    False, number - 1, 0, f"enregistrement n° {expected} {what}", expected
                )
            if seq < expected:
                return Verification(
                    False,
                    number - 1,
                    0,
                    f"enregistrement n° {seq} hors de sa place (ordre modifié)",
                    seq,
                )
            if record.get("prev") != prev or record_hash(record) != record.get("hash"):
                return Verification(False, number - 1, 0, f"enregistrement n° {seq} modifié", seq)
            prev = str(record["hash"])
            heads[seq] = prev
            expected += 1
        public = self._signing_key().public_key()
        checkpoints = self._lines(self.checkpoints_file)
        for line in checkpoints:
            problem = self._check_checkpoint(line, heads, public)
            if problem:
                return Verification(False, len(heads), len(checkpoints), problem[0], problem[1])
        return Verification(True, len(heads), len(checkpoints))

    @staticmethod
    def _check_checkpoint(
        line: bytes, heads: dict[int, str], public: Ed25519PublicKey
    ) -> tuple[str, int | None] | None:
        try:
            entry = json.loads(line)
            seq, head = int(entry["seq"]), str(entry["head"])
            public.verify(bytes.fromhex(entry["signature"]), checkpoint_message(seq, head))
        except (ValueError, KeyError, TypeError, InvalidSignature):
            return "point de contrôle illisible ou signature invalide", None
        if seq not in heads:
            return (
                f"journal tronqué : le point de contrôle signé couvre jusqu'au n° {seq}, "
                f"le journal s'arrête au n° {len(heads)}",
                len(heads) + 1,
            )
        if heads[seq] != head:
            return f"enregistrement n° {seq} différent de celui du point de contrôle signé", seq
        return None

    def export(self, out: Path) -> int:
        """Write records, checkpoints and the checkpoint public key as JSON lines for IT."""
        self.checkpoint()
        lines = [canonical({"type": "key", "checkpoint_public_key": self.public_key_pem()})]
        lines += [canonical({"type": "record", **json.loads(x)}) for x in self._lines(self.file)]
        lines += [
            json.dumps(
                json.loads(x), sort_keys=True, separators=(",", ":"), ensure_ascii=False
            ).encode()
            for x in self._lines(self.checkpoints_file)
        ]
        atomic_write_bytes(out, b"\n".join(lines) + b"\n", mode=0o600)
        return len(lines)
