"""``hospidesk read``: the text a task would receive from source files, before drafting."""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

from hospidesk.cli.output import Commands
from hospidesk.documents.source import combine
from hospidesk.documents.sources import read_document


def register(sub: Commands) -> None:
    read = sub.add_parser(
        "read",
        help="afficher le texte qu'une tâche recevrait d'un ou plusieurs fichiers source",
    )
    read.add_argument("files", nargs="+", metavar="FICHIER")
    read.add_argument(
        "--json",
        action="store_true",
        help="avec ce que la lecture sait (expéditeur, date, objet, pièces jointes, pages)",
    )
    read.set_defaults(handler=read_files)


def read_files(args: argparse.Namespace) -> int:
    documents = [read_document(Path(name).expanduser()) for name in args.files]
    if args.json:
        print(
            json.dumps(
                {"text": combine(documents), "documents": [d.as_dict() for d in documents]},
                ensure_ascii=False,
                indent=2,
            )
        )
    else:
        sys.stdout.write(combine(documents).rstrip() + "\n")
    return 0
