"""``hospidesk read``: the text a task would receive from source files, before drafting."""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

from hospidesk.cli.output import Commands, err
from hospidesk.documents.ocr import reading_page
from hospidesk.documents.source import combined
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
        help="avec ce que la lecture sait (expéditeur, date, objet, pièces jointes, pages, "
        "passages d'un scan à vérifier sur l'original)",
    )
    read.set_defaults(handler=read_files)


def read_files(args: argparse.Namespace) -> int:
    documents = [
        read_document(Path(name).expanduser(), lambda n, total: err(reading_page(n, total)))
        for name in args.files
    ]
    text, doubtful = combined(documents)
    if args.json:
        print(
            json.dumps(
                {"text": text, "documents": [d.as_dict() for d in documents]},
                ensure_ascii=False,
                indent=2,
            )
        )
        return 0
    sys.stdout.write(text.rstrip() + "\n")
    if doubtful:
        err(
            f"À vérifier sur l'original : {len(doubtful)} passage(s) lu(s) par reconnaissance "
            "de caractères sans certitude :"
        )
        for span in doubtful:
            err(f"  - page {span.page} : « {span.text} »")
    return 0
