"""Mirror the audit trail into the operating system's log, out of the workstation user's reach.

The local trail is the user's own file: with the local keys they could rewrite it and rebuild
a consistent chain. Each record and each checkpoint (chain head) is therefore also sent, as one
JSON line with the same content-free fields, to the system's log, which the user cannot rewrite
and which IT collects into its SIEM: syslog (the ``/dev/log`` socket, read by rsyslog or
journald), journald's native socket, or the Windows Event Log. ``compare`` then names the first
record where the local chain and what the system received diverge.
"""

from __future__ import annotations

import json
import logging
import logging.handlers
import os
import socket
import sys
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any, Protocol

from hospidesk.policy import AuditPolicy

JOURNALD_SOCKET = "/run/systemd/journal/socket"
EVENT_ID = 1000
INFO = 6
SEND_TIMEOUT = 1.0


class Forwarder(Protocol):
    """Sends one JSON line to the system's log; raises OSError when it cannot."""

    target: str

    def send(self, line: str) -> None: ...


class SyslogForwarder:
    """RFC 3164 messages on the local syslog socket (``<PRI>ident[pid]: line``), as the C
    library's syslog() sends them; rsyslog or journald add the time and host, then forward
    them to the SIEM. A stalled log daemon costs at most SEND_TIMEOUT per record."""

    target = "syslog"

    def __init__(self, address: str, identifier: str, facility: str) -> None:
        self._address = address
        code = logging.handlers.SysLogHandler.facility_names[facility]
        self._prefix = f"<{code * 8 + INFO}>{identifier}[{os.getpid()}]: "
        self._channel: socket.socket | None = None

    def _connect(self) -> socket.socket:
        channel = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
        channel.settimeout(SEND_TIMEOUT)
        try:
            channel.connect(self._address)
        except OSError:
            channel.close()
            raise
        return channel

    def send(self, line: str) -> None:
        message = (self._prefix + line).encode()
        try:
            self._channel = self._channel or self._connect()
            self._channel.send(message)
        except OSError:  # the daemon restarted, or is not there: one new try
            if self._channel is not None:
                self._channel.close()
            self._channel = None
            self._channel = self._connect()
            self._channel.send(message)


class JournaldForwarder:
    """journald's native protocol (one datagram of KEY=value lines), with the syslog
    identifier and facility set so ``journalctl -t IDENTIFIER`` and forwarding rules find it."""

    target = "journald"

    def __init__(self, address: str, identifier: str, facility: str) -> None:
        self._address = address
        self._fields = (
            f"SYSLOG_IDENTIFIER={identifier}\nSYSLOG_FACILITY="
            f"{logging.handlers.SysLogHandler.facility_names[facility]}\nPRIORITY={INFO}\n"
        )

    def send(self, line: str) -> None:
        payload = f"{self._fields}MESSAGE={line}\n".encode()  # a JSON line has no newline
        with socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM) as channel:
            channel.settimeout(SEND_TIMEOUT)
            channel.sendto(payload, self._address)


class EventLogForwarder:  # pragma: no cover - Windows only
    """The Windows Event Log (Application log), under the source the installer registers
    (packaging/windows/register-eventlog.ps1); Windows Event Forwarding collects it."""

    target = "eventlog"

    def __init__(self, identifier: str) -> None:
        import ctypes

        self._advapi = ctypes.windll.advapi32  # type: ignore[attr-defined]
        self._handle = self._advapi.RegisterEventSourceW(None, identifier)
        if not self._handle:
            raise OSError(f"event source {identifier!r} is not registered")

    def send(self, line: str) -> None:
        import ctypes

        strings = (ctypes.c_wchar_p * 1)(line)
        information = 0x0004
        if not self._advapi.ReportEventW(
            self._handle, information, 0, EVENT_ID, None, 1, 0, strings, None
        ):
            raise ctypes.WinError()  # type: ignore[attr-defined]


def make_forwarder(policy: AuditPolicy) -> Forwarder | None:
    """The forwarder the machine policy asks for, or None (``forward = "none"``).

    A forwarder that cannot be set up is still returned when possible, so that each record's
    failure is noticed and recorded; only the Event Log needs its source at once.
    """
    if policy.forward in ("syslog", "journald") and not hasattr(socket, "AF_UNIX"):
        return _Unavailable(policy.forward, "no local syslog or journald socket on this system")
    if policy.forward == "syslog":
        return SyslogForwarder(policy.syslog_socket, policy.identifier, policy.facility)
    if policy.forward == "journald":
        return JournaldForwarder(policy.journald_socket, policy.identifier, policy.facility)
    if policy.forward == "eventlog":
        if sys.platform == "win32":
            try:
                return EventLogForwarder(policy.identifier)
            except OSError as exc:
                return _Unavailable("eventlog", str(exc))
        return _Unavailable("eventlog", "no Windows Event Log on this system")
    return None


@dataclass
class _Unavailable:
    target: str
    reason: str

    def send(self, line: str) -> None:
        raise OSError(self.reason)


# Reading back what the system received


@dataclass(frozen=True)
class Divergence:
    seq: int
    problem: str


@dataclass(frozen=True)
class Comparison:
    compared: int
    """Local records that the system's log also holds, and that match."""
    not_forwarded: int
    """Local records the system's log lacks (forwarding failed or was off)."""
    divergence: Divergence | None


def forwarded_messages(lines: Iterable[str]) -> list[dict[str, Any]]:
    """The HospiDesk messages of an export of the system's log, in order: whatever precedes
    the JSON on a line (a syslog date, host and tag; a CSV column) is ignored."""
    found = []
    for line in lines:
        start = line.find("{")
        if start < 0:
            continue
        try:
            value = json.loads(line[start:].rstrip().rstrip("\x00"))
        except ValueError:
            continue
        if (
            isinstance(value, dict)
            and value.get("type") in ("record", "checkpoint")
            and isinstance(value.get("seq"), int)
        ):
            found.append(value)
    return found


def compare(
    local: Sequence[Mapping[str, Any]],
    forwarded: Sequence[Mapping[str, Any]],
    user: str | None = None,
) -> Comparison:
    """Compare the local records with what the system's log received (only ``user``'s, on a
    workstation several people use); the first divergence is the lowest record number where
    they differ. Two different values sent for one record number are a divergence too: a
    chain started again, or lines written to the log by hand."""
    sent: dict[int, str] = {}
    conflicts: set[int] = set()
    for message in forwarded:
        if user is not None and message.get("user") not in (None, user):
            continue
        seq, value = int(message["seq"]), str(message.get("hash") or message.get("head"))
        if seq in sent and sent[seq] != value:
            conflicts.add(seq)
        sent.setdefault(seq, value)
    heads = {int(r["seq"]): str(r.get("hash")) for r in local if "seq" in r}
    problems = [
        Divergence(
            seq,
            f"enregistrement n° {seq} transmis plusieurs fois avec des contenus différents "
            "(journal recommencé ou lignes ajoutées au journal du système)",
        )
        for seq in conflicts
    ]
    for seq, value in sent.items():
        if seq not in heads:
            problems.append(
                Divergence(
                    seq,
                    f"enregistrement n° {seq} transmis au journal du système, "
                    "absent du journal local",
                )
            )
        elif heads[seq] != value and seq not in conflicts:
            problems.append(
                Divergence(
                    seq,
                    f"enregistrement n° {seq} différent de celui transmis au journal du système",
                )
            )
    divergence = min(problems, key=lambda d: d.seq) if problems else None
    matched = sum(1 for seq in heads if seq in sent and sent[seq] == heads[seq])
    return Comparison(matched, sum(1 for seq in heads if seq not in sent), divergence)
