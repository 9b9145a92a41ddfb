"""``hospidesk read``: the text a task would receive from source files, before drafting."""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

from hospidesk.cli.output import Commands, err
from hospidesk.documents.attachments import listed
from hospidesk.documents.ocr import reading_page
from hospidesk.documents.source import SourceDocument, combined
from hospidesk.documents.sources import read_document


def register(sub: Commands) -> None:
    read = sub.add_parser(
        "read",
        help="afficher le texte qu'une tâche recevrait d'un ou plusieurs fichiers source",
    )
    read.add_argument(
        "files",
        nargs="+",
        metavar="FICHIER",
        help="fichier source ; mail.msg#2 : la 2e pièce jointe du message",
    )
    read.add_argument(
        "--attachments",
        action="store_true",
        help="lister les pièces jointes des e-mails, numérotées (à lire avec mail.msg#N)",
    )
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
    if args.attachments:
        return _list_attachments(args, documents)
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


def _list_attachments(args: argparse.Namespace, documents: list[SourceDocument]) -> int:
    lists = {(name, d.name): listed(d) for name, d in zip(args.files, documents, strict=True)}
    if args.json:
        print(
            json.dumps(
                [
                    {
                        "file": name,
                        "attachments": [
                            {
                                "number": a.number,
                                "name": a.name,
                                "readable": a.readable,
                                "source": f"{name}#{a.number}",
                            }
                            for a in attached
                        ],
                    }
                    for (name, _), attached in lists.items()
                ],
                ensure_ascii=False,
                indent=2,
            )
        )
        return 0
    for (name, shown), attached in lists.items():
        if not attached:
            print(f"{shown} : aucune pièce jointe")
            continue
        print(f"Pièces jointes de {shown} :")
        for a in attached:
            how = f"lire avec {name}#{a.number}" if a.readable else "format non lisible"
            print(f"  {a.number}. {a.name} ({how})")
    return 0
