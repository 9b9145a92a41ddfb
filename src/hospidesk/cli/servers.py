"""``hospidesk servers``: the on-premises servers the machine policy allows, their API keys
(kept in the OS keyring) and a health check."""

from __future__ import annotations

import argparse

from hospidesk.cli.output import Commands, actions, read_secret
from hospidesk.errors import UsageError
from hospidesk.policy import ServerEntry
from hospidesk.service.backends import check_server, server_entry
from hospidesk.service.workspace import Workspace
from hospidesk.storage.keys import server_key_state, store_server_api_key


def register(sub: Commands) -> None:
    servers = sub.add_parser("servers", help="serveurs d'inférence autorisés par la DSI")
    servers_sub = actions(servers)
    servers_sub.add_parser("list", help="serveurs autorisés, modèles, clés d'API").set_defaults(
        handler=list_servers
    )
    checking = servers_sub.add_parser("check", help="vérifier qu'un serveur répond")
    checking.add_argument("id", metavar="ID")
    checking.set_defaults(handler=check)
    key = servers_sub.add_parser(
        "key", help="enregistrer la clé d'API d'un serveur dans le trousseau du système"
    )
    key.add_argument("id", metavar="ID")
    key.add_argument("--delete", action="store_true", help="retirer la clé")
    key.set_defaults(handler=set_key)


def _key_state(server: ServerEntry) -> str:
    return server_key_state(server.id) if server.api_key else "sans clé"


def list_servers(args: argparse.Namespace) -> int:
    ws = Workspace.open()
    policy = ws.policy.servers
    if not policy.allowed:
        print("Aucun serveur autorisé : les textes ne quittent jamais ce poste.")
        return 0
    chosen = ws.settings.get("moteur.serveur").strip()
    for server in policy.allowed:
        mark = "*" if server.id == chosen else " "
        print(f"{mark} {server.id}\t{server.name}\t{server.url}")
        print(f"    modèles : {', '.join(server.models)} ; {_key_state(server)}")
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


def set_key(args: argparse.Namespace) -> int:
    server = server_entry(Workspace.open(), args.id)
    if args.delete:
        store_server_api_key(server.id, None)
        print(f"Clé d'API du serveur « {server.name} » retirée du trousseau.")
        return 0
    key = read_secret(f"Clé d'API du serveur « {server.name} » : ").strip()
    if not key:
        raise UsageError("Clé d'API vide : rien n'a été enregistré.")
    store_server_api_key(server.id, key)
    print(f"Clé d'API du serveur « {server.name} » enregistrée dans le trousseau du système.")
    return 0


def check(args: argparse.Namespace) -> int:
    ws = Workspace.open()
    server = server_entry(ws, args.id)
    offered, missing = check_server(ws, server)
    print(f"Serveur « {server.name} » joignable ; modèles proposés : {', '.join(offered)}.")
    if missing:
        raise UsageError(f"Modèles de la politique absents du serveur : {', '.join(missing)}.")
    return 0
