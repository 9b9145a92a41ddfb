"""``hospidesk review``: the same checks as « Vérifier », on any pair of texts."""

from __future__ import annotations

import argparse
import json
from pathlib import Path

from hospidesk.cli.output import Commands
from hospidesk.documents.facts import Fact
from hospidesk.documents.review import omitted_facts, unsupported_facts
from hospidesk.documents.sources import read_document
from hospidesk.service.review import snippet


def register(sub: Commands) -> None:
    parser = sub.add_parser(
        "review",
        help="comparer un brouillon à sa source : informations inventées et oubliées",
    )
    parser.add_argument("--source", required=True, metavar="FICHIER", help="le texte d'origine")
    parser.add_argument("--draft", required=True, metavar="FICHIER", help="le brouillon")
    parser.add_argument("--json", action="store_true", help="pour les scripts")
    parser.set_defaults(handler=review_files)


def _item(fact: Fact, text: str) -> dict[str, str]:
    return {"kind": fact.kind.value, "text": fact.text, "context": snippet(text, fact)}


def review_files(args: argparse.Namespace) -> int:
    source = read_document(Path(args.source).expanduser()).text
    draft = read_document(Path(args.draft).expanduser()).text
    invented = unsupported_facts(draft, [source])
    omitted = omitted_facts(source, draft)
    if args.json:
        payload = {
            "invented": [_item(f, draft) for f in invented],
            "omitted": [_item(f, source) for f in omitted],
        }
        print(json.dumps(payload, ensure_ascii=False, indent=2))
        return 0
    print(f"Informations du brouillon absentes de la source : {len(invented) or 'aucune'}")
    for fact in invented:
        print(f"  - {fact.kind.value} : {fact.text} (« {snippet(draft, fact)} »)")
    print(f"Informations de la source absentes du brouillon : {len(omitted) or 'aucune'}")
    for fact in omitted:
        print(f"  - {fact.kind.value} : {fact.text} (« {snippet(source, fact)} »)")
    return 0
