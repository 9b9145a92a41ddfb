"""MLLP, HL7 v2's framing over TCP: a message goes between a start block (0x0B) and an end
block (0x1C 0x0D), and the interface engine answers with its acknowledgement, framed the same.

A small client of our own, because the usual helpers read an acknowledgement in one ``recv``
(a reply split across TCP segments is then taken for a whole one) or cap a frame at 64 KiB
(a letter's PDF in base64 is larger). This one sends the frame, reads until the end block or
the deadline, and caps what it reads at ``MAX_ACK_BYTES``.
"""

from __future__ import annotations

import socket
import ssl
import time
from dataclasses import dataclass

from hospidesk.errors import HospiDeskError

START = b"\x0b"
END = b"\x1c\x0d"
MAX_ACK_BYTES = 1 << 20  # an acknowledgement is a few hundred bytes; a megabyte is no answer


class TransportError(HospiDeskError):
    """The interface engine could not be reached, or did not answer in time: the document
    waits to be sent again, unchanged."""


@dataclass(frozen=True)
class Endpoint:
    host: str
    port: int
    tls: bool = False
    timeout: float = 30.0
    """Seconds for the whole exchange: connecting, sending and reading the acknowledgement."""


def frame(message: bytes) -> bytes:
    if START in message or END in message:
        raise ValueError("an HL7 message cannot hold MLLP's block characters")
    return START + message + END


def exchange(endpoint: Endpoint, message: bytes, context: ssl.SSLContext | None = None) -> bytes:
    """Send one framed message and return the answer's content (the frame removed)."""
    deadline = time.monotonic() + endpoint.timeout
    where = f"{endpoint.host}:{endpoint.port}"
    try:
        raw = socket.create_connection((endpoint.host, endpoint.port), timeout=endpoint.timeout)
    except OSError as exc:
        raise TransportError(
            f"Le moteur d'interfaces ({where}) ne répond pas : {_reason(exc)}."
        ) from exc
    try:
        sock: socket.socket = raw
        if endpoint.tls:
            tls = context or ssl.create_default_context()
            sock = tls.wrap_socket(raw, server_hostname=endpoint.host)
        sock.sendall(frame(message))
        return _read_frame(sock, deadline, where)
    except ssl.SSLError as exc:
        raise TransportError(
            f"Connexion chiffrée refusée par le moteur d'interfaces ({where}) : {exc.reason}."
        ) from exc
    except OSError as exc:
        raise TransportError(
            f"Échange interrompu avec le moteur d'interfaces ({where}) : {_reason(exc)}."
        ) from exc
    finally:
        raw.close()


def _read_frame(sock: socket.socket, deadline: float, where: str) -> bytes:
    buffer = bytearray()
    while True:
        left = deadline - time.monotonic()
        if left <= 0:
            raise TransportError(f"Pas d'accusé de réception du moteur d'interfaces ({where}).")
        sock.settimeout(left)
        try:
            chunk = sock.recv(65536)
        except TimeoutError:
            continue  # the deadline above says it
        if not chunk:
            raise TransportError(
                f"Le moteur d'interfaces ({where}) a fermé la connexion sans accusé de réception."
            )
        buffer += chunk
        end = buffer.find(END)
        if end != -1:
            start = buffer.find(START)
            return bytes(buffer[start + 1 if start != -1 and start < end else 0 : end])
        if len(buffer) > MAX_ACK_BYTES:
            raise TransportError(
                f"Réponse illisible du moteur d'interfaces ({where}) : pas de fin de message."
            )


def _reason(exc: OSError) -> str:
    if isinstance(exc, ConnectionRefusedError):
        return "connexion refusée"
    if isinstance(exc, TimeoutError):
        return "délai dépassé"
    return exc.strerror or type(exc).__name__
