"""Which server addresses a policy may list, and which URLs a listed server covers."""

from __future__ import annotations

from dataclasses import dataclass

import pytest

from hospidesk.netguard import NetworkRefused, check_allowed, normalise_server_url


@dataclass(frozen=True)
class Listed:
    url: str


@pytest.mark.parametrize(
    ("url", "expected"),
    [
        ("https://IA.chu.local:8443/v1/", "https://ia.chu.local:8443/v1"),
        ("http://127.0.0.1:8080/v1", "http://127.0.0.1:8080/v1"),
        ("http://localhost:8080", "http://localhost:8080"),
        ("http://[::1]:9000/v1", "http://[::1]:9000/v1"),
    ],
)
def test_listed_addresses_are_normalised(url: str, expected: str) -> None:
    assert normalise_server_url(url) == expected


@pytest.mark.parametrize(
    ("url", "reason"),
    [
        ("http://ia.chu.local/v1", "HTTP sans chiffrement"),
        ("http://10.0.0.5:8080/v1", "HTTP sans chiffrement"),
        ("ftp://ia.chu.local/v1", "https://… attendu"),
        ("https://user:secret@ia.chu.local/v1", "identifiant"),
        ("https://ia.chu.local/v1?x=1", "paramètres"),
        ("ia.chu.local", "https://… attendu"),
        ("https://ia.chu.local:99999/v1", "invalide"),
    ],
)
def test_unsafe_addresses_are_refused_with_a_reason(url: str, reason: str) -> None:
    with pytest.raises(ValueError, match=reason):
        normalise_server_url(url)


def test_only_urls_under_a_listed_base_are_allowed() -> None:
    servers = [Listed("https://ia.chu.local:8443/v1"), Listed("http://127.0.0.1:8080/v1")]
    check_allowed("https://ia.chu.local:8443/v1/chat/completions", servers)
    check_allowed("https://IA.CHU.LOCAL:8443/v1/models", servers)
    check_allowed("http://127.0.0.1:8080/v1", servers)
    for url in (
        "https://ia.chu.local/v1/models",  # another port
        "http://ia.chu.local:8443/v1/models",  # another scheme
        "https://ia.chu.local:8443/v10/models",  # another path that merely starts alike
        "https://ia.chu.local:8443/admin",
        "https://evil.example:8443/v1/models",
        "http://127.0.0.1:8081/v1/models",
        "not a url at all:::",
    ):
        with pytest.raises(NetworkRefused, match="refusée"):
            check_allowed(url, servers)


def test_default_ports_are_the_same_address() -> None:
    check_allowed("https://ia.chu.local:443/v1/models", [Listed("https://ia.chu.local/v1")])
