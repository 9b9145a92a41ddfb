"""Servers for the server-backend tests, all on 127.0.0.1.

- ``LlamaServer``: the real llama-cpp-python server with the demo model (request bodies logged);
- ``Listener``: a socket that must see nothing (counts the connections it accepts);
- ``FakeServer``: a small threaded HTTP(S) server with scripted answers (a redirect, an echo
  of the request as a streamed answer, a stream that breaks), for what the real server
  cannot be made to do on purpose;
- ``make_ca`` / ``make_cert``: throw-away certificate authorities and server certificates.
"""

from __future__ import annotations

import datetime
import ipaddress
import json
import socket
import ssl
import subprocess
import sys
import threading
import time
from collections.abc import Callable
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import httpx
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import NameOID

HERE = Path(__file__).resolve().parent


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


class LlamaServer:
    """``python -m llama_cpp.server``'s app with the demo model, as a real subprocess."""

    def __init__(self, model: Path, log: Path, api_key: str | None = None) -> None:
        self.port = free_port()
        self.log = log
        self.url = f"http://127.0.0.1:{self.port}/v1"
        args = [sys.executable, str(HERE / "logged_llama_server.py"), str(model)]
        args += [str(self.port), str(log)] + ([api_key] if api_key else [])
        self.proc = subprocess.Popen(args, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
        deadline = time.monotonic() + 120
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                raise RuntimeError(self.proc.stderr.read().decode() if self.proc.stderr else "")
            try:
                httpx.get(f"http://127.0.0.1:{self.port}/v1/models", timeout=1, trust_env=False)
                return
            except httpx.HTTPError:
                time.sleep(0.2)
        raise RuntimeError("llama_cpp.server did not start")

    def bodies(self) -> list[str]:
        if not self.log.exists():
            return []
        lines = self.log.read_text(encoding="utf-8").splitlines()
        return [json.loads(line)["body"] for line in lines]

    def kill(self) -> None:
        self.proc.kill()
        self.proc.wait()

    def stop(self) -> None:
        self.proc.terminate()
        try:
            self.proc.wait(10)
        except subprocess.TimeoutExpired:
            self.kill()


class Listener:
    """A listening socket that records every connection made to it (there must be none)."""

    def __init__(self) -> None:
        self.sock = socket.socket()
        self.sock.bind(("127.0.0.1", 0))
        self.sock.listen(8)
        self.sock.settimeout(0.2)
        self.port = int(self.sock.getsockname()[1])
        self.accepted = 0
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._serve, daemon=True)
        self._thread.start()

    def _serve(self) -> None:
        while not self._stop.is_set():
            try:
                conn, _ = self.sock.accept()
            except OSError:
                continue
            self.accepted += 1
            conn.close()

    def close(self) -> None:
        self._stop.set()
        self._thread.join()
        self.sock.close()


Handler = Callable[[BaseHTTPRequestHandler, dict[str, object]], None]


class FakeServer:
    """A threaded HTTP server on 127.0.0.1 whose answers a test scripts."""

    def __init__(self, handle: Handler, tls: ssl.SSLContext | None = None) -> None:
        self.requests: list[dict[str, object]] = []
        requests = self.requests

        class _Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def log_message(self, *args: object) -> None:
                pass

            def _handle(self) -> None:
                length = int(self.headers.get("content-length") or 0)
                body = self.rfile.read(length).decode("utf-8") if length else ""
                entry: dict[str, object] = {"method": self.command, "path": self.path}
                entry["body"] = body
                entry["headers"] = dict(self.headers)
                requests.append(entry)
                handle(self, entry)

            do_GET = _handle
            do_POST = _handle

        self.httpd = ThreadingHTTPServer(("127.0.0.1", 0), _Handler)
        if tls is not None:
            self.httpd.socket = tls.wrap_socket(self.httpd.socket, server_side=True)
        self.port = int(self.httpd.server_address[1])
        scheme = "https" if tls else "http"
        self.url = f"{scheme}://127.0.0.1:{self.port}/v1"
        self._thread = threading.Thread(target=self.httpd.serve_forever, daemon=True)
        self._thread.start()

    def close(self) -> None:
        self.httpd.shutdown()
        self.httpd.server_close()


def send_json(handler: BaseHTTPRequestHandler, data: object, status: int = 200) -> None:
    payload = json.dumps(data).encode()
    handler.send_response(status)
    handler.send_header("content-type", "application/json")
    handler.send_header("content-length", str(len(payload)))
    handler.end_headers()
    handler.wfile.write(payload)


def models_answer(handler: BaseHTTPRequestHandler, names: list[str]) -> None:
    send_json(handler, {"object": "list", "data": [{"id": n, "object": "model"} for n in names]})


def stream_answer(handler: BaseHTTPRequestHandler, pieces: list[str], done: bool = True) -> None:
    """Server-sent events as an OpenAI-compatible server sends them (closes the connection)."""
    handler.send_response(200)
    handler.send_header("content-type", "text/event-stream")
    handler.send_header("connection", "close")
    handler.end_headers()
    for piece in pieces:
        chunk = {"choices": [{"index": 0, "delta": {"content": piece}, "finish_reason": None}]}
        handler.wfile.write(f"data: {json.dumps(chunk)}\n\n".encode())
        handler.wfile.flush()
    if done:
        handler.wfile.write(b"data: [DONE]\n\n")
    handler.close_connection = True


def _name(common: str) -> x509.Name:
    return x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, common)])


def make_ca(folder: Path, name: str) -> tuple[Path, ec.EllipticCurvePrivateKey, x509.Certificate]:
    key = ec.generate_private_key(ec.SECP256R1())
    now = datetime.datetime.now(datetime.UTC)
    cert = (
        x509.CertificateBuilder()
        .subject_name(_name(name))
        .issuer_name(_name(name))
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - datetime.timedelta(days=1))
        .not_valid_after(now + datetime.timedelta(days=30))
        .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
        .add_extension(
            x509.KeyUsage(False, False, False, False, False, True, True, False, False), True
        )
        .sign(key, hashes.SHA256())
    )
    path = folder / f"{name}.pem"
    path.write_bytes(cert.public_bytes(serialization.Encoding.PEM))
    return path, key, cert


def server_tls(
    folder: Path, ca_key: ec.EllipticCurvePrivateKey, ca_cert: x509.Certificate
) -> ssl.SSLContext:
    """A TLS context for a server at 127.0.0.1 whose certificate ``ca`` signed."""
    key = ec.generate_private_key(ec.SECP256R1())
    now = datetime.datetime.now(datetime.UTC)
    cert = (
        x509.CertificateBuilder()
        .subject_name(_name("127.0.0.1"))
        .issuer_name(ca_cert.subject)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - datetime.timedelta(days=1))
        .not_valid_after(now + datetime.timedelta(days=30))
        .add_extension(
            x509.SubjectAlternativeName([x509.IPAddress(ipaddress.ip_address("127.0.0.1"))]),
            critical=False,
        )
        .sign(ca_key, hashes.SHA256())
    )
    cert_file, key_file = folder / "server.pem", folder / "server.key"
    cert_file.write_bytes(cert.public_bytes(serialization.Encoding.PEM))
    key_file.write_bytes(
        key.private_bytes(
            serialization.Encoding.PEM,
            serialization.PrivateFormat.PKCS8,
            serialization.NoEncryption(),
        )
    )
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    context.load_cert_chain(cert_file, key_file)
    return context


def server_policy(url: str, fallback: bool = False, pseudonymise: bool = True) -> str:
    """A machine policy that lists one server, « chu », at ``url``."""
    return f"""
[servers]
fallback_local = {str(fallback).lower()}
pseudonymise = {str(pseudonymise).lower()}

[[servers.allowed]]
id = "chu"
name = "IA du CHU"
url = "{url}"
models = ["smollm2-demo"]
schema_style = "llama.cpp"
"""
