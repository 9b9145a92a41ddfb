"""The ``hospidesk`` command: argument parsing and printing only; the work is in service.py.

Heavy modules are imported inside the commands so that ``hospidesk --version`` stays instant.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence
from typing import NoReturn

from hospidesk import __version__
from hospidesk.errors import HospiDeskError

PROG = "hospidesk"


class _Parser(argparse.ArgumentParser):
    def error(self, message: str) -> NoReturn:
        self.exit(2, f"{self.prog}: {message} (aide : {PROG} --help)\n")


def build_parser() -> argparse.ArgumentParser:
    parser = _Parser(prog=PROG, description="HospiDesk — copilote de rédaction 100 % local.")
    parser.add_argument("--version", action="version", version=f"HospiDesk {__version__}")
    sub = parser.add_subparsers(dest="command", metavar="COMMANDE", parser_class=_Parser)

    draft = sub.add_parser("draft", help="rédiger un document sans fenêtre")
    draft.add_argument("--task", required=True, metavar="PACK/TÂCHE")
    draft.add_argument("--field", action="append", default=[], metavar="NOM=VALEUR")
    draft.add_argument("--source", metavar="FICHIER|-", help=".txt, .eml ou .docx ; - pour stdin")
    draft.add_argument("--out", metavar="FICHIER.docx")
    draft.add_argument("--model", metavar="ID")
    draft.add_argument(
        "--server",
        metavar="ID",
        help="serveur d'inférence autorisé par la politique (« local » : ce poste)",
    )
    draft.add_argument("--max-tokens", type=int, metavar="N", help="longueur maximale du texte")
    draft.add_argument("--seed", type=int, metavar="N", help="graine (résultat reproductible)")
    draft.add_argument(
        "--helped", choices=("oui", "un-peu", "non"), help="votre avis : la tâche a-t-elle aidé ?"
    )
    draft.add_argument(
        "--minutes-saved", type=_minutes, metavar="N", help="minutes gagnées (environ)"
    )

    stats = sub.add_parser("stats", help="mesure des gains (agrégats sans contenu)")
    stats.add_argument("--format", choices=("csv", "json"), default="csv")
    stats.add_argument("--out", metavar="FICHIER", help="sinon, sur la sortie standard")

    tasks = sub.add_parser("tasks", help="lister les tâches disponibles")
    tasks.add_argument("--role", metavar="MÉTIER")
    tasks.add_argument("--json", action="store_true")

    models = sub.add_parser("models", help="modèles approuvés")
    models_sub = models.add_subparsers(
        dest="action", metavar="ACTION", required=True, parser_class=_Parser
    )
    models_list = models_sub.add_parser("list", help="modèles approuvés et leur état")
    models_list.add_argument("--json", action="store_true")
    models_verify = models_sub.add_parser("verify", help="vérifier un fichier de modèle")
    models_verify.add_argument("path", nargs="?", metavar="CHEMIN")

    packs = sub.add_parser("packs", help="packs de tâches : lister, importer, signer…")
    packs_sub = packs.add_subparsers(
        dest="action", metavar="ACTION", required=True, parser_class=_Parser
    )
    packs_list = packs_sub.add_parser("list", help="packs installés et leur état")
    packs_list.add_argument("--json", action="store_true")
    packs_import = packs_sub.add_parser("import", help="importer un fichier de pack")
    packs_import.add_argument("file", metavar="FICHIER")
    packs_export = packs_sub.add_parser("export", help="exporter un pack dans un fichier")
    packs_export.add_argument("pack", metavar="PACK")
    packs_export.add_argument("--out", required=True, metavar="FICHIER")
    packs_verify = packs_sub.add_parser("verify", help="vérifier un fichier de pack")
    packs_verify.add_argument("file", metavar="FICHIER")
    packs_sign = packs_sub.add_parser("sign", help="signer un dossier de pack")
    packs_sign.add_argument("folder", metavar="DOSSIER")
    packs_sign.add_argument("--key", required=True, metavar="CLÉ.key")
    packs_sign.add_argument("--out", required=True, metavar="FICHIER")
    packs_keygen = packs_sub.add_parser("keygen", help="créer une paire de clés de signature")
    packs_keygen.add_argument("--out", required=True, metavar="PRÉFIXE")

    rules = sub.add_parser("rules", help="charte d'utilisation : lire, accepter")
    rules_sub = rules.add_subparsers(
        dest="action", metavar="ACTION", required=True, parser_class=_Parser
    )
    rules_sub.add_parser("show", help="afficher la charte")
    rules_sub.add_parser("accept", help="accepter la charte")

    audit = sub.add_parser("audit", help="journal d'audit : vérifier, exporter")
    audit_sub = audit.add_subparsers(
        dest="action", metavar="ACTION", required=True, parser_class=_Parser
    )
    audit_sub.add_parser("verify", help="vérifier l'intégrité du journal")
    audit_export = audit_sub.add_parser("export", help="exporter le journal (JSON lines)")
    audit_export.add_argument("--out", required=True, metavar="FICHIER")

    history = sub.add_parser("history", help="historique chiffré des brouillons")
    history_sub = history.add_subparsers(
        dest="action", metavar="ACTION", required=True, parser_class=_Parser
    )
    history_list = history_sub.add_parser("list", help="lister les brouillons conservés")
    history_list.add_argument("--search", metavar="TEXTE", help="tâche, date ou statut")
    history_show = history_sub.add_parser("show", help="afficher le texte d'un brouillon")
    history_show.add_argument("id", metavar="ID")
    history_export = history_sub.add_parser("export", help="exporter à nouveau en Word")
    history_export.add_argument("id", metavar="ID")
    history_export.add_argument("--out", required=True, metavar="FICHIER.docx")
    history_delete = history_sub.add_parser("delete", help="supprimer un brouillon")
    history_delete.add_argument("id", metavar="ID")
    history_sub.add_parser("passphrase", help="définir la phrase de secours")
    history_recover = history_sub.add_parser(
        "recover", help="récupérer la clé (phrase de secours, ou clé de la DSI)"
    )
    history_recover.add_argument(
        "--it-key", metavar="FICHIER", help="clé privée de secours de l'établissement (DSI)"
    )
    history_keygen = history_sub.add_parser(
        "it-keygen", help="DSI : créer la clé de secours de l'établissement"
    )
    history_keygen.add_argument("folder", metavar="DOSSIER")

    servers = sub.add_parser("servers", help="serveurs d'inférence autorisés par la DSI")
    servers_sub = servers.add_subparsers(
        dest="action", metavar="ACTION", required=True, parser_class=_Parser
    )
    servers_sub.add_parser("list", help="serveurs autorisés, modèles, clés d'API")
    servers_check = servers_sub.add_parser("check", help="vérifier qu'un serveur répond")
    servers_check.add_argument("id", metavar="ID")
    servers_key = servers_sub.add_parser(
        "key", help="enregistrer la clé d'API d'un serveur dans le trousseau du système"
    )
    servers_key.add_argument("id", metavar="ID")
    servers_key.add_argument("--delete", action="store_true", help="retirer la clé")

    paths = sub.add_parser("paths", help="emplacement des fichiers")
    paths.add_argument("--json", action="store_true")

    sub.add_parser("doctor", help="vérifier l'installation")

    settings = sub.add_parser("settings", help="paramètres (établissement, signataire, moteur)")
    settings_sub = settings.add_subparsers(
        dest="action", metavar="ACTION", required=True, parser_class=_Parser
    )
    settings_sub.add_parser("show", help="afficher les paramètres")
    settings_set = settings_sub.add_parser("set", help="modifier un paramètre")
    settings_set.add_argument("key", metavar="CLÉ")
    settings_set.add_argument("value", metavar="VALEUR")
    return parser


def _minutes(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"nombre entier attendu, reçu « {text} »") from None
    if not 0 <= value <= 480:
        raise argparse.ArgumentTypeError("entre 0 et 480 minutes")
    return value


def main(argv: Sequence[str] | None = None) -> int:
    args_list = list(sys.argv[1:] if argv is None else argv)
    if args_list == ["--engine-worker"]:  # self-contained builds run the worker this way
        from hospidesk.engine.worker import main as worker_main

        return worker_main()
    for stream in (sys.stdout, sys.stderr):
        if hasattr(stream, "reconfigure"):
            stream.reconfigure(errors="replace")
    args = build_parser().parse_args(args_list)
    try:
        return _dispatch(args)
    except HospiDeskError as exc:
        print(f"{PROG}: {exc.message}", file=sys.stderr)
        return exc.exit_code
    except KeyboardInterrupt:
        print(f"{PROG}: interrompu.", file=sys.stderr)
        return 130
    except BrokenPipeError:
        return 141
    except Exception as exc:
        from hospidesk.crash import report_crash

        where = report_crash(exc)
        print(
            f"{PROG}: erreur interne inattendue ({type(exc).__name__}). Détails : {where}",
            file=sys.stderr,
        )
        return 70


def _dispatch(args: argparse.Namespace) -> int:
    from hospidesk import commands

    if args.command is None:
        return commands.open_window()
    handler = getattr(commands, f"cmd_{args.command}")
    result: int = handler(args)
    return result
