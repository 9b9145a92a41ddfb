"""``hospidesk history ...``: list, show, export, delete, passphrase, recover, it-keygen."""

from __future__ import annotations

import argparse
import getpass
import sys
from pathlib import Path

from hospidesk.errors import UsageError
from hospidesk.fsutil import atomic_write_bytes, check_writable_target
from hospidesk.service import DraftRequest, Workspace
from hospidesk.storage import recovery_key
from hospidesk.storage.history import Draft, DraftInfo, History


def err(message: str) -> None:
    print(message, file=sys.stderr)


def read_secret(prompt: str) -> str:
    """From the terminal without echo, or one line of standard input (scripts, tests)."""
    text = getpass.getpass(prompt) if sys.stdin.isatty() else sys.stdin.readline()
    return text.rstrip("\n")


def find(history: History, prefix: str) -> DraftInfo:
    """The one record whose id starts with ``prefix`` (as shown by ``history list``)."""
    prefix = prefix.strip().lower()
    if len(prefix) < 4:
        raise UsageError("Donnez au moins les 4 premiers caractères de l'identifiant du brouillon.")
    found = [info for info in history.list() if info.id.startswith(prefix)]
    if not found:
        raise UsageError(
            f"Aucun brouillon « {prefix} » dans l'historique (hospidesk history list)."
        )
    if len(found) > 1:
        raise UsageError(f"Plusieurs brouillons commencent par « {prefix} » : donnez-en plus.")
    return found[0]


def _list(ws: Workspace, history: History, search: str | None) -> None:
    titles = {t.ref: t.task.title for t in ws.tasks()}
    needle = (search or "").casefold()
    for info in history.list():
        title = titles.get(info.task_ref, info.task_ref)
        line = (
            f"{info.id[:8]}  {info.updated_at[:16].replace('T', ' ')}  {info.status:<14} "
            f"{info.task_ref}  {title}"
        )
        if needle in line.casefold():
            print(line)


def _export(ws: Workspace, draft: Draft, out: Path) -> None:
    check_writable_target(out)
    content = draft.content
    request = DraftRequest(draft.info.task_ref, dict(content.values), source_text=content.source)
    prepared = ws.prepare(request)
    ws.export(prepared, content.text, out)
    err(f"Document enregistré : {out}")


def _keygen(folder: Path) -> None:
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


def run(args: argparse.Namespace) -> int:
    if args.action == "it-keygen":
        _keygen(Path(args.folder).expanduser())
        return 0
    ws = Workspace.open()
    if args.action == "passphrase":
        ws.key_store().set_recovery(
            read_secret("Nouvelle phrase de secours (10 caractères au moins) : ")
        )
        err("Phrase de secours enregistrée : gardez-la en lieu sûr.")
        return 0
    if args.action == "recover":
        if args.it_key:
            phrase = read_secret("Phrase de la clé de secours de l'établissement : ")
            ws.recover_history_key(phrase, Path(args.it_key).expanduser())
        else:
            ws.recover_history_key(read_secret("Phrase de secours : "))
        err("Clé de l'historique récupérée et remise dans le trousseau du système.")
        return 0
    history = ws.history()
    try:
        if args.action == "list":
            _list(ws, history, args.search)
        elif args.action == "show":
            print(history.open(find(history, args.id).id).content.text)
        elif args.action == "export":
            _export(ws, history.open(find(history, args.id).id), Path(args.out).expanduser())
        elif args.action == "delete":
            info = find(history, args.id)
            ws.delete_draft(history, info)
            err(f"Brouillon {info.id[:8]} supprimé de l'historique.")
    finally:
        history.close()
    return 0
