"""`hospidesk servers`: the on-premises servers the machine policy allows, their API keys
(kept in the OS keyring) and a health check."""

from __future__ import annotations

import argparse
import getpass
import sys

from hospidesk.errors import UsageError
from hospidesk.policy import ServerEntry
from hospidesk.service import Workspace
from hospidesk.serving import KEYRING_SERVICE


def _server(ws: Workspace, server_id: str) -> ServerEntry:
    server = ws.policy.servers.by_id(server_id)
    if server is None:
        listed = ", ".join(s.id for s in ws.policy.servers.allowed) or "aucun"
        raise UsageError(
            f"Serveur « {server_id} » absent de la politique de la DSI (serveurs : {listed})."
        )
    return server


def _has_key(server: ServerEntry) -> str:
    if not server.api_key:
        return "sans clé"
    import keyring
    from keyring.errors import KeyringError

    try:
        stored = keyring.get_password(KEYRING_SERVICE, server.id)
    except KeyringError:
        return "clé demandée, trousseau indisponible"
    return "clé enregistrée" if stored else "clé demandée, absente du trousseau"


def run(args: argparse.Namespace) -> int:
    ws = Workspace.open()
    policy = ws.policy.servers
    if args.action == "list":
        if not policy.allowed:
            print("Aucun serveur autorisé : les textes ne quittent jamais ce poste.")
            return 0
        chosen = ws.settings.get("moteur.serveur").strip()
        for server in policy.allowed:
            mark = "*" if server.id == chosen else " "
            print(f"{mark} {server.id}\t{server.name}\t{server.url}")
            print(f"    modèles : {', '.join(server.models)} ; {_has_key(server)}")
        print(
            (
                "Repli sur le modèle local si le serveur ne répond pas."
                if policy.fallback_local
                else "Pas de repli sur le modèle local."
            )
            + (
                " Identifiants de patient pseudonymisés avant l'envoi."
                if policy.pseudonymise
                else " Textes envoyés tels quels."
            )
        )
        return 0
    server = _server(ws, args.id)
    if args.action == "key":
        import keyring

        if args.delete:
            keyring.delete_password(KEYRING_SERVICE, server.id)
            print(f"Clé d'API du serveur « {server.name} » retirée du trousseau.")
            return 0
        prompt = f"Clé d'API du serveur « {server.name} » : "
        key = (getpass.getpass(prompt) if sys.stdin.isatty() else sys.stdin.readline()).strip()
        if not key:
            raise UsageError("Clé d'API vide : rien n'a été enregistré.")
        keyring.set_password(KEYRING_SERVICE, server.id, key)
        print(f"Clé d'API du serveur « {server.name} » enregistrée dans le trousseau du système.")
        return 0
    # check: the same client the drafts use (CA file, API key, address guard)
    try:
        offered = ws.router.client(server).models()
    finally:
        ws.close()
    missing = [m for m in server.models if m not in offered]
    print(f"Serveur « {server.name} » joignable ; modèles proposés : {', '.join(offered)}.")
    if missing:
        raise UsageError(f"Modèles de la politique absents du serveur : {', '.join(missing)}.")
    return 0
