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
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from hospidesk.engine.protocol import Done, GenerationOptions, Message
from hospidesk.engine.remote import ServerClient, ServerError
from hospidesk.engine.verify import VerifiedModel
from hospidesk.governance.audit import AuditEvent, AuditKind
from hospidesk.governance.pseudonyms import Pseudonyms
from hospidesk.policy import ServerEntry, ServersPolicy
from hospidesk.storage.keys import server_api_key

RETRY_AFTER_SECONDS = 60.0
OnText = Callable[[str, int], None]
"""Receives each piece of text and the number of tokens written so far."""


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

    @classmethod
    def server(cls, target: RemoteTarget) -> Served:
        return cls(f"serveur:{target.server.id}", target.model)

    @property
    def remote(self) -> bool:
        return self.backend != "local"


@dataclass(frozen=True)
class ServerOutcome:
    """The server wrote the draft (``done``: its statistics), or why the local model must."""

    done: Done | None = None
    notice: str | None = None


def api_key(server: ServerEntry) -> str | None:
    """The server's API key from the OS keyring (``hospidesk servers key ID`` stores it)."""
    if not server.api_key:
        return None
    key = server_api_key(server.id)
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
        """The client of a listed server (its CA file, API key and address guard)."""
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

    def stream(
        self,
        remote: RemoteTarget,
        local: VerifiedModel | None,
        messages: tuple[Message, ...],
        names: list[str],
        options: GenerationOptions,
        on_text: OnText,
    ) -> ServerOutcome:
        """Stream the server's text to ``on_text``: the server wrote the draft, or (``notice``,
        French, audited) the local model ``local`` must write it instead.

        A failure that cannot fall back is raised: after text was received (it stays with
        the caller), when the policy forbids the fallback, or without a local model.
        """
        if self.is_down(remote.server):
            notice = (
                f"Le serveur « {remote.server.name} » ne répondait pas il y a moins d'une "
                "minute : le modèle de ce poste rédige ce brouillon."
            )
        else:
            try:
                return ServerOutcome(self._remote(remote, messages, names, options, on_text))
            except _Failed as failed:
                notice = self._fallback_notice(remote, failed, local)
        self._check_fallback(remote, local)
        assert local is not None
        self._audit(
            AuditEvent(
                AuditKind.SERVER_FALLBACK,
                model_sha256=local.entry.sha256,
                details={"server": remote.server.id, "model": local.entry.id},
            )
        )
        return ServerOutcome(notice=notice)

    def _fallback_notice(
        self, remote: RemoteTarget, failed: _Failed, local: VerifiedModel | None
    ) -> str:
        exc, received = failed.error, failed.received
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
        return f"{exc.message} Le modèle de ce poste a rédigé ce brouillon."

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
        remote: RemoteTarget,
        messages: tuple[Message, ...],
        names: list[str],
        options: GenerationOptions,
        on_text: OnText,
    ) -> Done | None:
        received = False
        try:
            client = self.client(remote.server)
            self._check_model(client, remote)
            for piece in self._pieces(client, remote, messages, names, options):
                received = True
                on_text(piece, client.generated)
        except ServerError as exc:
            raise _Failed(exc, received) from None
        return client.last_done

    def _check_model(self, client: ServerClient, remote: RemoteTarget) -> None:
        key = (remote.server.id, remote.model)
        if key not in self._checked:
            client.check_model(remote.model)
            self._checked.add(key)
            self._audit(
                AuditEvent(
                    AuditKind.SERVER_CONNECTED,
                    details={"server": remote.server.id, "model": remote.model},
                )
            )

    def _pieces(
        self,
        client: ServerClient,
        remote: RemoteTarget,
        messages: tuple[Message, ...],
        names: list[str],
        options: GenerationOptions,
    ) -> Iterator[str]:
        pseudonyms = Pseudonyms(names) if self.policy.pseudonymise else None
        if pseudonyms is None:
            yield from client.generate(messages, remote.model, options)
            return
        # The task's instructions (system message) come from a signed pack and stay
        # unchanged, so that the server's prompt cache still recognises them.
        protected = tuple(
            Message(m.role, pseudonyms.protect(m.content)) if m.role == "user" else m
            for m in messages
        )
        restorer = pseudonyms.restorer()
        for piece in client.generate(protected, remote.model, options):
            text = restorer.feed(piece)
            if text:
                yield text
        rest = restorer.flush()
        if rest:
            yield rest


class _Failed(Exception):
    """A server error, and whether text had come before it."""

    def __init__(self, error: ServerError, received: bool) -> None:
        super().__init__(error.message)
        self.error = error
        self.received = received
