"""Which addresses the app may connect to: only the servers the machine policy lists.

Checked before any socket opens. Plain HTTP is allowed only to this machine (loopback), for
tests and a server running on the workstation itself; everything else must be HTTPS.
"""

from __future__ import annotations

import ipaddress
from collections.abc import Iterable
from typing import Protocol
from urllib.parse import urlsplit, urlunsplit

from hospidesk.errors import EngineError


class NetworkRefused(EngineError):
    """An address outside the machine policy: refused, no connection attempted."""


class _Listed(Protocol):
    @property
    def url(self) -> str: ...


def is_loopback(host: str) -> bool:
    if host.lower() == "localhost":
        return True
    try:
        return ipaddress.ip_address(host.strip("[]")).is_loopback
    except ValueError:
        return False


def normalise_server_url(url: str) -> str:
    """The canonical form of a server's base URL, or ValueError with a French reason."""
    try:
        parts = urlsplit(url.strip())
        port = parts.port
    except ValueError:
        raise ValueError(f"adresse de serveur invalide : {url!r}") from None
    scheme = parts.scheme.lower()
    host = (parts.hostname or "").lower()
    if scheme not in ("https", "http") or not host:
        raise ValueError(f"adresse de serveur invalide : {url!r} (https://… attendu)")
    if parts.username or parts.password:
        raise ValueError(
            "l'adresse du serveur ne doit pas contenir d'identifiant ni de mot de passe"
        )
    if parts.query or parts.fragment:
        raise ValueError("l'adresse du serveur ne doit pas contenir de paramètres (? ou #)")
    if scheme == "http" and not is_loopback(host):
        raise ValueError(
            f"{url} : HTTP sans chiffrement n'est permis que vers ce poste (127.0.0.1) ; "
            "utilisez https://"
        )
    netloc = f"[{host}]" if ":" in host else host
    if port is not None:
        netloc += f":{port}"
    return urlunsplit((scheme, netloc, parts.path.rstrip("/"), "", ""))


def _origin_and_path(url: str) -> tuple[str, str, int | None, str]:
    parts = urlsplit(url)
    scheme = parts.scheme.lower()
    port = parts.port or (443 if scheme == "https" else 80 if scheme == "http" else None)
    return scheme, (parts.hostname or "").lower(), port, parts.path.rstrip("/")


def check_allowed(url: str, servers: Iterable[_Listed]) -> None:
    """Raise NetworkRefused unless ``url`` lies under a listed server's base URL."""
    try:
        scheme, host, port, path = _origin_and_path(url)
    except ValueError:
        raise NetworkRefused(f"Adresse refusée (invalide) : {url}") from None
    for server in servers:
        s_scheme, s_host, s_port, s_path = _origin_and_path(server.url)
        if (scheme, host, port) == (s_scheme, s_host, s_port) and (
            path == s_path or path.startswith(s_path + "/")
        ):
            return
    raise NetworkRefused(
        f"Adresse refusée : {scheme}://{host}:{port} n'est pas un serveur autorisé par la "
        "politique de la DSI (aucune connexion n'a été tentée)."
    )
