"""Who writes a draft: the workstation's own model or an on-premises server.

A draft goes to a server only when the machine policy lists it and the user (or IT, by a
locked setting) chose it. On the way out the patient identifiers are replaced by
placeholders when the policy says so (on by default), and put back as the text streams in.
When the server cannot be reached and the policy allows it, the local model writes the
draft instead and the user is told why; a server that failed is left alone for a minute so
that the next draft does not wait for it again.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Generator, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from hospidesk.engine.client import EngineClient
from hospidesk.engine.protocol import Message
from hospidesk.engine.remote import ServerClient, ServerError
from hospidesk.engine.verify import VerifiedModel
from hospidesk.errors import EngineError
from hospidesk.governance.audit import AuditEvent
from hospidesk.governance.pseudonyms import Pseudonyms
from hospidesk.policy import ServerEntry, ServersPolicy

KEYRING_SERVICE = "hospidesk-server"
RETRY_AFTER_SECONDS = 60.0


@dataclass(frozen=True)
class RemoteTarget:
    server: ServerEntry
    model: str


@dataclass(frozen=True)
class Served:
    """Which backend and model wrote a draft (the audit trail and the window say it)."""

    backend: str
    """``local``, or ``serveur:<id>``."""
    model: str
    """The catalog id, or the model's name on the server."""
    sha256: str | None = None
    notice: str | None = None
    """Why the local model wrote it although a server was chosen (French), if so."""

    @classmethod
    def local(cls, model: VerifiedModel, notice: str | None = None) -> Served:
        return cls("local", model.entry.id, model.entry.sha256, notice)

    @property
    def remote(self) -> bool:
        return self.backend != "local"


class Generation:
    """The pieces of text of one generation; ``served`` is known once the first one came."""

    def __init__(self, source: Callable[[Generation], Iterator[str]]) -> None:
        self.served: Served | None = None
        self.count: Callable[[], int] = lambda: 0
        """Tokens generated so far (set by whoever streams)."""
        self._pieces = source(self)  # a generator: nothing runs before the first piece

    def __iter__(self) -> Iterator[str]:
        return self._pieces

    @property
    def tokens(self) -> int:
        return self.count()


def api_key(server: ServerEntry) -> str | None:
    """The server's API key from the OS keyring (``hospidesk servers key ID`` stores it)."""
    if not server.api_key:
        return None
    import keyring
    from keyring.errors import KeyringError

    try:
        key = keyring.get_password(KEYRING_SERVICE, server.id)
    except KeyringError:
        key = None
    if not key:
        raise ServerError(
            f"Clé d'API du serveur « {server.name} » introuvable dans le trousseau du système : "
            f"demandez-la à la DSI puis « hospidesk servers key {server.id} »."
        )
    return key


class Router:
    """The server clients of this process, and the choice between server and local model."""

    def __init__(
        self, policy: ServersPolicy, site: Path, audit: Callable[[AuditEvent], Any]
    ) -> None:
        self.policy = policy
        self._site = site
        self._audit = audit
        self._clients: dict[str, ServerClient] = {}
        self._checked: set[tuple[str, str]] = set()
        self._down_until: dict[str, float] = {}

    def client(self, server: ServerEntry) -> ServerClient:
        if server.id not in self._clients:
            ca = self._site / server.ca_file if server.ca_file else None
            self._clients[server.id] = ServerClient(
                server, self.policy.allowed, ca, api_key(server)
            )
        return self._clients[server.id]

    def close(self) -> None:
        for client in list(self._clients.values()):
            client.close()
        self._clients.clear()

    def cancel(self) -> None:
        """From any thread: stop the stream in progress."""
        for client in list(self._clients.values()):
            client.cancel()

    def is_down(self, server: ServerEntry) -> bool:
        return self._down_until.get(server.id, 0.0) > time.monotonic()

    def _mark_down(self, server: ServerEntry) -> None:
        self._down_until[server.id] = time.monotonic() + RETRY_AFTER_SECONDS

    def run(
        self,
        generation: Generation,
        remote: RemoteTarget | None,
        local: VerifiedModel | None,
        engine: EngineClient,
        ensure_local: Callable[[], None],
        messages: tuple[Message, ...],
        names: list[str],
        **options: object,
    ) -> Iterator[str]:
        """Stream from the server when one is chosen and up, else from the local engine."""
        notice = None
        if remote is not None:
            done, notice = yield from self._try_server(
                generation, remote, local, messages, names, options
            )
            if done:
                return
            self._check_fallback(remote, local)
            assert local is not None
            self._audit(
                AuditEvent(
                    "server_fallback",
                    model_sha256=local.entry.sha256,
                    details={"server": remote.server.id, "model": local.entry.id},
                )
            )
        if local is None:
            raise EngineError("Aucun modèle local n'est disponible sur ce poste.")
        ensure_local()
        generation.served = Served.local(local, notice)
        generation.count = lambda: engine.generated
        yield from engine.generate(messages, **options)  # type: ignore[arg-type]

    def _try_server(
        self,
        generation: Generation,
        remote: RemoteTarget,
        local: VerifiedModel | None,
        messages: tuple[Message, ...],
        names: list[str],
        options: dict[str, object],
    ) -> Generator[str, None, tuple[bool, str]]:
        """Stream from the server; (True, "") when it wrote the draft, else (False, why the
        local model writes it). A failure that cannot fall back is raised."""
        if self.is_down(remote.server):
            return False, (
                f"Le serveur « {remote.server.name} » ne répondait pas il y a moins d'une "
                "minute : le modèle de ce poste rédige ce brouillon."
            )
        received = False
        try:
            for piece in self._remote(generation, remote, messages, names, options):
                received = True
                yield piece
            return True, ""
        except ServerError as exc:
            can_fall_back = self.policy.fallback_local and local is not None
            if exc.unreachable or received:
                self._mark_down(remote.server)
            if received or not exc.unreachable or not can_fall_back:
                kept = " Le texte déjà reçu est conservé." if received else ""
                then = (
                    " La prochaine génération utilisera le modèle de ce poste."
                    if received and can_fall_back
                    else ""
                )
                raise ServerError(exc.message + kept + then) from None
            return False, f"{exc.message} Le modèle de ce poste a rédigé ce brouillon."

    def _check_fallback(self, remote: RemoteTarget, local: VerifiedModel | None) -> None:
        if not self.policy.fallback_local:
            raise ServerError(
                f"Le serveur « {remote.server.name} » est indisponible et la politique de "
                "la DSI ne permet pas d'utiliser le modèle de ce poste à sa place."
            )
        if local is None:
            raise ServerError(
                f"Le serveur « {remote.server.name} » est indisponible et aucun modèle "
                "n'est utilisable sur ce poste pour le remplacer."
            )

    def _remote(
        self,
        generation: Generation,
        remote: RemoteTarget,
        messages: tuple[Message, ...],
        names: list[str],
        options: dict[str, object],
    ) -> Iterator[str]:
        client = self.client(remote.server)
        key = (remote.server.id, remote.model)
        if key not in self._checked:
            client.check_model(remote.model)
            self._checked.add(key)
            self._audit(
                AuditEvent(
                    "server_connected",
                    details={"server": remote.server.id, "model": remote.model},
                )
            )
        pseudonyms = Pseudonyms(names) if self.policy.pseudonymise else None
        if pseudonyms is not None:
            # The task's instructions (system message) come from a signed pack and stay
            # unchanged, so that the server's prompt cache still recognises them.
            messages = tuple(
                Message(m.role, pseudonyms.protect(m.content)) if m.role == "user" else m
                for m in messages
            )
        generation.served = Served(f"serveur:{remote.server.id}", remote.model)
        generation.count = lambda: client.generated
        pieces = client.generate(messages, remote.model, **options)  # type: ignore[arg-type]
        if pseudonyms is None:
            yield from pieces
            return
        restorer = pseudonyms.restorer()
        for piece in pieces:
            text = restorer.feed(piece)
            if text:
                yield text
        rest = restorer.flush()
        if rest:
            yield rest
