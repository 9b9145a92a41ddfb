"""A hospital's interface engine (EAI) for the tests: python-hl7's asyncio MLLP server on
127.0.0.1, in a thread, its frame limit raised (a letter's PDF in base64 is larger than the
64 KiB default). What it answers is set per test: AA, AE or AR with an ERR segment, an
acknowledgement that names another message, one sent in two pieces, a late one, or none."""

from __future__ import annotations

import asyncio
import ssl
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

import hl7
from hl7.mllp import start_hl7_server

LIMIT = 64 * 1024 * 1024


@dataclass
class Behaviour:
    code: str = "AA"  # MSA-1
    error: str = ""  # ERR-3's code and text, « 903^INS absente »
    foreign: bool = False  # MSA-2 names another message
    split: bool = False  # the acknowledgement comes in two TCP writes
    delay: float = 0.0  # seconds before answering
    silent: bool = False  # never answers


@dataclass
class Eai:
    host: str
    port: int
    behaviour: Behaviour = field(default_factory=Behaviour)
    received: list[str] = field(default_factory=list)
    """Every message received, as text, in order (retries included)."""

    def documents(self) -> set[str]:
        """The documents received, each counted once (the engine drops a copy by MSH-10)."""
        return set(self.control_ids())

    def control_ids(self) -> list[str]:
        return [str(hl7.parse(m).segment("MSH")[10]) for m in self.received]


def ack(message: str, behaviour: Behaviour) -> str:
    parsed = hl7.parse(message)
    control = str(parsed.segment("MSH")[10])
    event = str(parsed.segment("MSH")[9][0][1])
    segments = [
        f"MSH|^~\\&|EAI|CHU|HOSPIDESK|CHU|20261206120000||ACK^{event}^ACK|ACK{control}|P|2.6",
        f"MSA|{behaviour.code}|{'AUTRE-MESSAGE' if behaviour.foreign else control}",
    ]
    if behaviour.error:
        segments.append(f"ERR|||{behaviour.error}^HL70357|E")
    return "\r".join(segments)


def self_signed(folder: Path) -> tuple[Path, Path]:
    """A certificate for 127.0.0.1 signed by itself (the hospital's own authority, in
    short), and its key: PEM files in ``folder``."""
    import datetime as dt
    import ipaddress

    from cryptography import x509
    from cryptography.hazmat.primitives import hashes, serialization
    from cryptography.hazmat.primitives.asymmetric import ec
    from cryptography.x509.oid import NameOID

    key = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "eai.test")])
    now = dt.datetime.now(dt.UTC)
    cert = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - dt.timedelta(minutes=5))
        .not_valid_after(now + dt.timedelta(days=1))
        .add_extension(
            x509.SubjectAlternativeName([x509.IPAddress(ipaddress.ip_address("127.0.0.1"))]),
            critical=False,
        )
        .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
        .sign(key, hashes.SHA256())
    )
    cert_file, key_file = folder / "eai-ca.pem", folder / "eai-key.pem"
    cert_file.write_bytes(cert.public_bytes(serialization.Encoding.PEM))
    key_file.write_bytes(
        key.private_bytes(
            serialization.Encoding.PEM,
            serialization.PrivateFormat.PKCS8,
            serialization.NoEncryption(),
        )
    )
    return cert_file, key_file


@contextmanager
def running_eai(
    behaviour: Behaviour | None = None, port: int = 0, tls: ssl.SSLContext | None = None
) -> Iterator[Eai]:
    """The engine listening on 127.0.0.1 (on ``port``, to come back where it was)."""
    loop = asyncio.new_event_loop()
    started = threading.Event()
    box: dict[str, object] = {}

    async def answer(reader, writer) -> None:  # type: ignore[no-untyped-def]
        eai = box["eai"]
        assert isinstance(eai, Eai)
        try:
            while not reader.at_eof():
                message = await reader.readmessage()
                text = str(message)
                eai.received.append(text)
                b = eai.behaviour
                if b.silent:
                    continue
                if b.delay:
                    await asyncio.sleep(b.delay)
                reply = b"\x0b" + ack(text, b).encode() + b"\x1c\x0d"
                if b.split:
                    writer.transport.write(reply[:20])
                    await asyncio.sleep(0.05)
                    writer.transport.write(reply[20:])
                else:
                    writer.transport.write(reply)
                await writer.drain()
        except (asyncio.IncompleteReadError, ConnectionError):
            pass
        finally:
            writer.close()

    async def serve() -> None:
        server = await start_hl7_server(
            answer,
            host="127.0.0.1",
            port=port,
            limit=LIMIT,
            encoding="utf-8",
            reuse_address=True,
            ssl=tls,
        )
        listening = server.sockets[0].getsockname()[1]
        box["eai"] = Eai("127.0.0.1", listening, behaviour or Behaviour())
        box["server"] = server
        started.set()

    thread = threading.Thread(target=loop.run_forever, daemon=True)
    thread.start()
    asyncio.run_coroutine_threadsafe(serve(), loop).result(10)
    started.wait(10)
    try:
        eai = box["eai"]
        assert isinstance(eai, Eai)
        yield eai
    finally:
        server = box["server"]

        async def stop() -> None:
            server.close()  # type: ignore[attr-defined]
            pending = [t for t in asyncio.all_tasks() if t is not asyncio.current_task()]
            for task in pending:  # a connection still answering (a late acknowledgement)
                task.cancel()
            await asyncio.gather(*pending, return_exceptions=True)

        asyncio.run_coroutine_threadsafe(stop(), loop).result(10)
        loop.call_soon_threadsafe(loop.stop)
        thread.join(10)
        loop.close()
