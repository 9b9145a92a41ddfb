"""``hospidesk packs new|check|bump``: what the studio does to a pack folder, for scripts."""

from __future__ import annotations

import argparse
import getpass
import json
from pathlib import Path
from typing import Any

from hospidesk.cli.output import err


def register(packs_sub: Any) -> None:
    created = packs_sub.add_parser("new", help="créer un pack valide avec une première tâche")
    created.add_argument("folder", metavar="DOSSIER")
    created.add_argument("--id", required=True, metavar="ID", help="identifiant du pack")
    created.add_argument("--job", required=True, metavar="MÉTIER", help="identifiant du métier")
    created.add_argument("--title", required=True, metavar="TITRE")
    created.add_argument("--author", metavar="AUTEUR", help="par défaut : l'utilisateur")
    created.set_defaults(handler=new_folder)
    checked = packs_sub.add_parser(
        "check", help="vérifier un dossier de pack : toutes les erreurs, chacune à sa place"
    )
    checked.add_argument("folder", metavar="DOSSIER")
    checked.add_argument("--json", action="store_true")
    checked.set_defaults(handler=check)
    bumped = packs_sub.add_parser("bump", help="augmenter la version d'un dossier de pack")
    bumped.add_argument("folder", metavar="DOSSIER")
    part = bumped.add_mutually_exclusive_group()
    for name, what in (("major", "majeure"), ("minor", "mineure"), ("patch", "corrective")):
        part.add_argument(
            f"--{name}", dest="part", action="store_const", const=name, help=f"version {what}"
        )
    bumped.set_defaults(handler=bump_folder, part="minor")


# The handlers import what they use: every command builds this parser, and TOML writing
# (tomlkit) is for these three only.


def new_folder(args: argparse.Namespace) -> int:
    from hospidesk.packs.authoring import new_pack

    folder = Path(args.folder).expanduser()
    task = new_pack(folder, args.id, args.job, args.title, args.author or getpass.getuser())
    print(f"Pack « {args.id} » créé dans {folder}, avec une première tâche : {task.name}.")
    print(f"Vérifiez-le avec « hospidesk packs check {folder} ».")
    return 0


def check(args: argparse.Namespace) -> int:
    from hospidesk.packs.check import check_folder

    folder = Path(args.folder).expanduser()
    if not folder.is_dir():
        err(f"Dossier de pack introuvable : {folder}")
        return 2
    problems = check_folder(folder)
    if args.json:
        print(json.dumps([p.to_json() for p in problems], ensure_ascii=False, indent=2))
    elif problems:
        for problem in problems:
            print(problem)
        err(f"{len(problems)} problème(s) : le pack ne peut être ni signé ni publié.")
    else:
        print(f"Pack valide : {folder}")
    return 2 if problems else 0


def bump_folder(args: argparse.Namespace) -> int:
    from hospidesk.packs.authoring import bump

    old, new = bump(Path(args.folder).expanduser(), args.part)
    print(f"Version {old} → {new}.")
    return 0
