"""`hospidesk servers` and the policy's server entries, through the real CLI."""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler

import pytest

from tests.conftest import SAMPLES, Env, assert_clean_failure, draft_cli, run_cli
from tests.engine.servers import FakeServer, models_answer


def policy(env: Env, body: str) -> None:
    env.write_policy(body)


def server_entry(server_id: str, url: str, **extra: str) -> str:
    lines = [
        "[[servers.allowed]]",
        f'id = "{server_id}"',
        'name = "IA du CHU"',
        f'url = "{url}"',
        'models = ["demo"]',
    ]
    lines += [f"{key} = {value}" for key, value in extra.items()]
    return "\n".join(lines) + "\n"


@pytest.fixture
def fake() -> Iterator[FakeServer]:
    def answer(handler: BaseHTTPRequestHandler, _: dict[str, object]) -> None:
        models_answer(handler, ["demo", "autre"])

    server = FakeServer(answer)
    yield server
    server.close()


def test_without_servers_nothing_leaves_the_workstation(hd_env: Env) -> None:
    result = run_cli(hd_env, "servers", "list")
    assert result.returncode == 0
    assert "Aucun serveur autorisé" in result.stdout
    doctor = run_cli(hd_env, "doctor")
    assert "Serveurs d'inférence : aucun" in doctor.stdout


@pytest.mark.usefixtures("secret_service")
def test_api_key_goes_to_the_keyring_and_is_sent(hd_env: Env, fake: FakeServer) -> None:
    server_id = f"chu-{uuid.uuid4().hex[:8]}"
    policy(hd_env, server_entry(server_id, fake.url, api_key="true"))
    listed = run_cli(hd_env, "servers", "list")
    assert "clé demandée, absente du trousseau" in listed.stdout
    missing = assert_clean_failure(run_cli(hd_env, "servers", "check", server_id))
    assert "introuvable dans le trousseau" in missing
    stored = run_cli(hd_env, "servers", "key", server_id, stdin="jeton-secret-42\n")
    assert stored.returncode == 0, stored.stderr
    assert "clé enregistrée" in run_cli(hd_env, "servers", "list").stdout
    check = run_cli(hd_env, "servers", "check", server_id)
    assert check.returncode == 0, check.stderr
    assert "modèles proposés : demo, autre" in check.stdout
    assert fake.requests[-1]["headers"]["Authorization"] == "Bearer jeton-secret-42"  # type: ignore[index]
    for path in hd_env.home.rglob("*"):  # the key is in the keyring, in no file
        assert not path.is_file() or b"jeton-secret-42" not in path.read_bytes()
    assert run_cli(hd_env, "servers", "key", server_id, "--delete").returncode == 0


def test_a_server_not_in_the_policy_is_refused(hd_env: Env, fake: FakeServer) -> None:
    policy(hd_env, server_entry("chu", fake.url))
    line = assert_clean_failure(
        draft_cli(
            hd_env,
            "secretariat/reformuler-courrier",
            *("--server", "ailleurs"),
            source=SAMPLES / "courrier-brut.txt",
        )
    )
    assert "Serveur « ailleurs » non autorisé par la politique de la DSI" in line
    assert "serveurs autorisés : chu" in line
    assert fake.requests == []
    unknown = assert_clean_failure(run_cli(hd_env, "servers", "check", "ailleurs"))
    assert "absent de la politique" in unknown


@pytest.mark.parametrize(
    ("url", "extra", "reason"),
    [
        ("http://10.1.2.3:8080/v1", {}, "HTTP sans chiffrement n'est permis que vers ce poste"),
        ("https://ia.chu.local/v1", {"ca_file": '"absent.pem"'}, "ca_file » : fichier introuvable"),
        ("https://ia.chu.local/v1", {"schema_style": '"autre"'}, "schema_style"),
    ],
)
def test_a_bad_server_entry_stops_with_the_key_and_the_reason(
    hd_env: Env, url: str, extra: dict[str, str], reason: str
) -> None:
    policy(hd_env, server_entry("chu", url, **extra))
    result = run_cli(hd_env, "servers", "list")
    assert result.returncode == 6
    assert reason in assert_clean_failure(result)
