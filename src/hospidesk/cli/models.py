"""``hospidesk models list|verify``: the approved models and the state of their files."""

from __future__ import annotations

import argparse
import json
from pathlib import Path

from hospidesk.cli.output import Commands, actions
from hospidesk.errors import ModelError
from hospidesk.service.backends import VERIFIED, model_state, verify_path
from hospidesk.service.dictation import speech_state
from hospidesk.service.workspace import Workspace


def register(sub: Commands) -> None:
    models = sub.add_parser("models", help="modèles approuvés")
    models_sub = actions(models)
    listing = models_sub.add_parser("list", help="modèles approuvés et leur état")
    listing.add_argument("--json", action="store_true")
    listing.set_defaults(handler=list_models)
    verify = models_sub.add_parser("verify", help="vérifier un fichier de modèle")
    verify.add_argument("path", nargs="?", metavar="CHEMIN")
    verify.set_defaults(handler=verify_models)


def list_models(args: argparse.Namespace) -> int:
    ws = Workspace.open()
    default = ws.catalog.default().id if ws.catalog.entries else None
    rows = []
    for item in ws.catalog.entries:
        state, path = model_state(ws, item.entry)
        rows.append((item.entry, state, path, str(item.source)))
    speech = [(entry, *speech_state(ws, entry)) for entry in ws.catalog.speech]
    if args.json:
        print(
            json.dumps(
                [
                    {
                        "kind": "texte",
                        **entry.model_dump(),
                        "state": state,
                        "path": str(path) if path else None,
                        "catalog": source,
                        "is_default": entry.id == default,
                    }
                    for entry, state, path, source in rows
                ]
                + [
                    {
                        "kind": "dictée",
                        **entry.model_dump(),
                        "state": state,
                        "path": str(path) if path else None,
                    }
                    for entry, state, path in speech
                ],
                ensure_ascii=False,
                indent=2,
            )
        )
        return 0
    for entry, state, path, _ in rows:
        mark = "*" if entry.id == default else " "
        print(f"{mark} {entry.id}  —  {entry.name}")
        print(
            f"    licence {entry.licence}, {entry.size / 1024**2:.0f} Mo, contexte "
            f"{entry.context_length}, mémoire ~{entry.ram_mb} Mo : {state}"
        )
        if path:
            print(f"    {path}")
    if speech:
        print("Modèles de dictée :")
    for voice, state, path in speech:
        print(f"  {voice.id}  —  {voice.name}")
        print(
            f"    licence {voice.licence}, langues {', '.join(voice.languages)}, "
            f"mémoire ~{voice.ram_mb} Mo : {state}"
        )
        if path:
            print(f"    {path}")
    return 0


def verify_models(args: argparse.Namespace) -> int:
    ws = Workspace.open()
    if args.path:
        path = Path(args.path).expanduser()
        verified = verify_path(ws, path)
        print(
            f"OK : {path} est le modèle approuvé « {verified.entry.id} » "
            f"(sha256 {verified.entry.sha256})."
        )
        return 0
    failures = found = 0
    for item in ws.catalog.entries:
        state, located = model_state(ws, item.entry)
        if located is None:
            print(f"  {item.entry.id} : absent")
            continue
        found += 1
        if state != VERIFIED:
            failures += 1
        print(f"  {item.entry.id} : {state} ({located})")
    if not found:
        raise ModelError("Aucun modèle approuvé n'est présent sur ce poste.")
    if failures:
        raise ModelError(f"{failures} modèle(s) refusé(s).")
    return 0
