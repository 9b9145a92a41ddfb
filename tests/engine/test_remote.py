"""The server backend's network rules and failures, against small scripted servers.

What the real llama-cpp-python server cannot be made to do on purpose (redirect, present a
certificate from another authority, break a stream) is scripted here; the end-to-end tests
with the real server and the demo model are in tests/test_server_backend.py.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler
from pathlib import Path

import pytest

from hospidesk.engine.protocol import GenerationOptions, Message
from hospidesk.engine.remote import ServerClient, ServerError
from hospidesk.netguard import NetworkRefused
from hospidesk.policy import ServerEntry
from tests.engine.servers import (
    FakeServer,
    Listener,
    make_ca,
    models_answer,
    send_json,
    server_tls,
    stream_answer,
)

MESSAGES = (Message("system", "Réponds brièvement."), Message("user", "Bonjour"))
OPTIONS = GenerationOptions(max_tokens=8)


def entry(url: str, **extra: object) -> ServerEntry:
    return ServerEntry(id="chu", name="IA du CHU", url=url, models=("demo",), **extra)  # type: ignore[arg-type]


@pytest.fixture
def listener() -> Iterator[Listener]:
    sock = Listener()
    yield sock
    sock.close()


def serve(handler: BaseHTTPRequestHandler, answer: dict[str, object]) -> None:
    if str(answer["path"]).endswith("/models"):
        models_answer(handler, ["demo"])
    else:
        stream_answer(handler, ["Bon", "jour", " !"])


@pytest.fixture
def fake() -> Iterator[FakeServer]:
    server = FakeServer(serve)
    yield server
    server.close()


def test_a_listed_server_streams_and_reports(fake: FakeServer) -> None:
    client = ServerClient(entry(fake.url), [entry(fake.url)])
    assert client.models() == ["demo"]
    assert "".join(client.generate(MESSAGES, "demo", OPTIONS)) == "Bonjour !"
    assert client.last_done is not None and client.last_done.completion_tokens == 3
    body = json.loads(str(fake.requests[-1]["body"]))
    assert body["stream"] is True and body["messages"][0]["role"] == "system"
    client.close()


def test_an_address_outside_the_policy_is_refused_before_a_socket_opens(
    listener: Listener, fake: FakeServer
) -> None:
    listed = [entry(fake.url)]
    elsewhere = entry(f"http://127.0.0.1:{listener.port}/v1")
    with pytest.raises(NetworkRefused, match="n'est pas un serveur autorisé"):
        ServerClient(elsewhere, listed)
    # Even a request the code would build by mistake is stopped by the client's own guard.
    client = ServerClient(entry(fake.url), listed)
    with pytest.raises(NetworkRefused):
        client._http.get(f"http://127.0.0.1:{listener.port}/v1/models")
    client.close()
    assert listener.accepted == 0


def test_a_redirect_is_never_followed(listener: Listener) -> None:
    target = f"http://127.0.0.1:{listener.port}/v1/models"

    def redirect(handler: BaseHTTPRequestHandler, _: dict[str, object]) -> None:
        handler.send_response(302)
        handler.send_header("location", target)
        handler.send_header("content-length", "0")
        handler.end_headers()

    server = FakeServer(redirect)
    client = ServerClient(entry(server.url), [entry(server.url)])
    with pytest.raises(ServerError, match=r"redirection vers .* refusée") as models_error:
        client.models()
    with pytest.raises(ServerError, match="redirection"):
        list(client.generate(MESSAGES, "demo", OPTIONS))
    assert not models_error.value.unreachable
    assert listener.accepted == 0
    client.close()
    server.close()


def test_proxies_from_the_environment_are_ignored(
    fake: FakeServer, listener: Listener, monkeypatch: pytest.MonkeyPatch
) -> None:
    proxy = f"http://127.0.0.1:{listener.port}"
    for name in ("HTTP_PROXY", "HTTPS_PROXY", "ALL_PROXY", "http_proxy", "https_proxy"):
        monkeypatch.setenv(name, proxy)
    monkeypatch.delenv("NO_PROXY", raising=False)
    monkeypatch.delenv("no_proxy", raising=False)
    client = ServerClient(entry(fake.url), [entry(fake.url)])
    assert client.models() == ["demo"]
    client.close()
    assert listener.accepted == 0


def test_tls_is_verified_against_the_hospitals_ca_only(tmp_path: Path) -> None:
    hospital_ca, hospital_key, hospital_cert = make_ca(tmp_path, "ca-hopital")
    _, other_key, other_cert = make_ca(tmp_path, "ca-autre")

    good = FakeServer(serve, tls=server_tls(tmp_path, hospital_key, hospital_cert))
    client = ServerClient(entry(good.url), [entry(good.url)], ca_file=hospital_ca)
    assert client.models() == ["demo"]
    assert "".join(client.generate(MESSAGES, "demo", OPTIONS)) == "Bonjour !"
    client.close()
    good.close()

    (tmp_path / "other").mkdir()
    impostor = FakeServer(serve, tls=server_tls(tmp_path / "other", other_key, other_cert))
    client = ServerClient(entry(impostor.url), [entry(impostor.url)], ca_file=hospital_ca)
    with pytest.raises(ServerError, match="certificat n'est pas reconnu") as error:
        client.models()
    assert not error.value.unreachable  # refused, not « unreachable »: no local fallback
    client.close()
    assert impostor.requests == []  # the handshake failed: no request was ever sent
    impostor.close()


def test_an_unreachable_server_says_so_and_may_be_replaced(listener: Listener) -> None:
    port = listener.port
    listener.close()  # nothing listens there any more
    down = entry(f"http://127.0.0.1:{port}/v1")
    client = ServerClient(down, [down])
    with pytest.raises(ServerError, match="injoignable") as error:
        list(client.generate(MESSAGES, "demo", OPTIONS))
    assert error.value.unreachable
    client.close()


def test_a_stream_cut_before_its_end_is_an_interruption() -> None:
    def cut(handler: BaseHTTPRequestHandler, answer: dict[str, object]) -> None:
        if str(answer["path"]).endswith("/models"):
            models_answer(handler, ["demo"])
        else:
            stream_answer(handler, ["Début ", "du ", "texte"], done=False)

    server = FakeServer(cut)
    client = ServerClient(entry(server.url), [entry(server.url)])
    received: list[str] = []
    with pytest.raises(ServerError, match="interrompue avant la fin"):
        received.extend(client.generate(MESSAGES, "demo", OPTIONS))
    assert "".join(received) == "Début du texte"
    client.close()
    server.close()


@pytest.mark.parametrize(
    ("status", "message"),
    [(401, "clé d'API absente ou refusée"), (404, "Modèle absent"), (500, "erreur \\(500\\)")],
)
def test_server_errors_get_a_clear_message(status: int, message: str) -> None:
    def refuse(handler: BaseHTTPRequestHandler, _: dict[str, object]) -> None:
        send_json(handler, {"error": "no"}, status)

    server = FakeServer(refuse)
    client = ServerClient(entry(server.url), [entry(server.url)])
    with pytest.raises(ServerError, match=message):
        list(client.generate(MESSAGES, "demo", OPTIONS))
    client.close()
    server.close()


def test_an_api_key_is_sent_as_a_bearer_token(fake: FakeServer) -> None:
    client = ServerClient(entry(fake.url, api_key=True), [entry(fake.url)], api_key="s3cret")
    client.models()
    headers = {k.lower(): v for k, v in dict(fake.requests[-1]["headers"]).items()}  # type: ignore[call-overload]
    assert headers["authorization"] == "Bearer s3cret"
    client.close()


def test_json_output_follows_the_servers_schema_style(fake: FakeServer) -> None:
    schema = json.dumps({"type": "object"})
    for style, expected in (("llama.cpp", "json_object"), ("openai", "json_schema")):
        client = ServerClient(entry(fake.url, schema_style=style), [entry(fake.url)])
        list(client.generate(MESSAGES, "demo", GenerationOptions(8, json_schema=schema)))
        body = json.loads(str(fake.requests[-1]["body"]))
        assert body["response_format"]["type"] == expected
        client.close()
