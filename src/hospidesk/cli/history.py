"""``hospidesk history ...``: list, show, export, delete, passphrase, recover, it-keygen."""

from __future__ import annotations

import argparse
from collections.abc import Callable
from pathlib import Path

from hospidesk.cli.output import Commands, actions, err, read_secret
from hospidesk.errors import UsageError
from hospidesk.fsutil import atomic_write_bytes
from hospidesk.service.records import (
    delete_draft,
    export_kept,
    find_draft,
    open_history,
    recover_history_key,
)
from hospidesk.service.workspace import Workspace
from hospidesk.storage import recovery_key
from hospidesk.storage.history import History


def register(sub: Commands) -> None:
    history = sub.add_parser("history", help="historique chiffré des brouillons")
    history_sub = actions(history)
    listing = history_sub.add_parser("list", help="lister les brouillons conservés")
    listing.add_argument("--search", metavar="TEXTE", help="tâche, date ou statut")
    listing.set_defaults(handler=_with_history(_list))
    show = history_sub.add_parser("show", help="afficher le texte d'un brouillon")
    show.add_argument("id", metavar="ID")
    show.set_defaults(handler=_with_history(_show))
    export = history_sub.add_parser("export", help="exporter à nouveau en Word")
    export.add_argument("id", metavar="ID")
    export.add_argument("--out", required=True, metavar="FICHIER.docx")
    export.set_defaults(handler=_with_history(_export))
    delete = history_sub.add_parser("delete", help="supprimer un brouillon")
    delete.add_argument("id", metavar="ID")
    delete.set_defaults(handler=_with_history(_delete))
    passphrase = history_sub.add_parser("passphrase", help="définir la phrase de secours")
    passphrase.set_defaults(handler=set_passphrase)
    recover = history_sub.add_parser(
        "recover", help="récupérer la clé (phrase de secours, ou clé de la DSI)"
    )
    recover.add_argument(
        "--it-key", metavar="FICHIER", help="clé privée de secours de l'établissement (DSI)"
    )
    recover.set_defaults(handler=recover_key)
    keygen = history_sub.add_parser(
        "it-keygen", help="DSI : créer la clé de secours de l'établissement"
    )
    keygen.add_argument("folder", metavar="DOSSIER")
    keygen.set_defaults(handler=it_keygen)


Action = Callable[[Workspace, History, argparse.Namespace], None]


def _with_history(action: Action) -> Callable[[argparse.Namespace], int]:
    """The handler of a command that reads the history: opened, then closed whatever happens."""

    def handler(args: argparse.Namespace) -> int:
        ws = Workspace.open()
        history = open_history(ws)
        try:
            action(ws, history, args)
        finally:
            history.close()
        return 0

    return handler


def _list(ws: Workspace, history: History, args: argparse.Namespace) -> None:
    titles = {t.ref: t.task.title for t in ws.tasks()}
    needle = (args.search or "").casefold()
    for info in history.list():
        title = titles.get(info.task_ref, info.task_ref)
        line = (
            f"{info.id[:8]}  {info.updated_at[:16].replace('T', ' ')}  {info.status:<14} "
            f"{info.task_ref}  {title}"
        )
        if needle in line.casefold():
            print(line)


def _show(ws: Workspace, history: History, args: argparse.Namespace) -> None:
    print(history.open(find_draft(history, args.id).id).content.text)


def _export(ws: Workspace, history: History, args: argparse.Namespace) -> None:
    out = Path(args.out).expanduser()
    export_kept(ws, history.open(find_draft(history, args.id).id), out)
    err(f"Document enregistré : {out}")


def _delete(ws: Workspace, history: History, args: argparse.Namespace) -> None:
    info = find_draft(history, args.id)
    delete_draft(ws, history, info)
    err(f"Brouillon {info.id[:8]} supprimé de l'historique.")


def set_passphrase(args: argparse.Namespace) -> int:
    ws = Workspace.open()
    ws.key_store().set_recovery(
        read_secret("Nouvelle phrase de secours (10 caractères au moins) : ")
    )
    err("Phrase de secours enregistrée : gardez-la en lieu sûr.")
    return 0


def recover_key(args: argparse.Namespace) -> int:
    ws = Workspace.open()
    if args.it_key:
        phrase = read_secret("Phrase de la clé de secours de l'établissement : ")
        recover_history_key(ws, phrase, Path(args.it_key).expanduser())
    else:
        recover_history_key(ws, read_secret("Phrase de secours : "))
    err("Clé de l'historique récupérée et remise dans le trousseau du système.")
    return 0


def it_keygen(args: argparse.Namespace) -> int:
    folder = Path(args.folder).expanduser()
    if not folder.is_dir():
        raise UsageError(f"Le dossier n'existe pas : {folder}")
    private_file = folder / recovery_key.PRIVATE_FILE
    public_file = folder / recovery_key.PUBLIC_FILE
    for path in (private_file, public_file):
        if path.exists():
            raise UsageError(f"{path} existe déjà : rien n'a été remplacé.")
    phrase = read_secret(
        f"Phrase protégeant la clé privée ({recovery_key.MIN_PASSPHRASE} caractères au moins) : "
    )
    private_pem, public_pem = recovery_key.generate(phrase)
    atomic_write_bytes(private_file, private_pem, mode=0o600)
    atomic_write_bytes(public_file, public_pem, mode=0o644)
    err(
        f"Clé privée : {private_file} (à garder hors ligne, au coffre).\n"
        f"Clé publique : {public_file} (à copier dans le dossier du poste, "
        "voir « hospidesk paths »)."
    )
    return 0
