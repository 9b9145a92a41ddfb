"""``hospidesk packs ...``: list, import, export, verify, sign, keygen, test (and, in
cli/pack_authoring.py, new, check, bump)."""

from __future__ import annotations

import argparse
import json
from dataclasses import asdict
from pathlib import Path

from hospidesk.cli import pack_authoring
from hospidesk.cli.output import Commands, actions, err
from hospidesk.errors import UsageError
from hospidesk.fsutil import atomic_write_text, check_writable_target
from hospidesk.packs.signing import generate_keypair
from hospidesk.service.library import (
    export_pack,
    import_pack,
    inspect_pack,
    installed_packs,
    sign_pack,
)
from hospidesk.service.pack_test import markdown, run_pack_test, to_json
from hospidesk.service.session import open_session
from hospidesk.service.workspace import Workspace


def register(sub: Commands) -> None:
    packs = sub.add_parser("packs", help="packs de tâches : lister, importer, signer…")
    packs_sub = actions(packs)
    listing = packs_sub.add_parser("list", help="packs installés et leur état")
    listing.add_argument("--json", action="store_true")
    listing.set_defaults(handler=list_packs)
    imported = packs_sub.add_parser("import", help="importer un fichier de pack")
    imported.add_argument("file", metavar="FICHIER")
    imported.set_defaults(handler=import_file)
    exported = packs_sub.add_parser("export", help="exporter un pack dans un fichier")
    exported.add_argument("pack", metavar="PACK")
    exported.add_argument("--out", required=True, metavar="FICHIER")
    exported.set_defaults(handler=export_file)
    verify = packs_sub.add_parser("verify", help="vérifier un fichier de pack")
    verify.add_argument("file", metavar="FICHIER")
    verify.set_defaults(handler=verify_file)
    sign = packs_sub.add_parser("sign", help="signer un dossier de pack")
    sign.add_argument("folder", metavar="DOSSIER")
    sign.add_argument("--key", required=True, metavar="CLÉ.key")
    sign.add_argument("--out", required=True, metavar="FICHIER")
    sign.set_defaults(handler=sign_folder)
    keygen = packs_sub.add_parser("keygen", help="créer une paire de clés de signature")
    keygen.add_argument("--out", required=True, metavar="PRÉFIXE")
    keygen.set_defaults(handler=make_keys)
    tested = packs_sub.add_parser(
        "test", help="passer les exemples d'un pack dans un ou plusieurs modèles, et les vérifier"
    )
    tested.add_argument("pack", metavar="DOSSIER|FICHIER")
    tested.add_argument(
        "--model", action="append", metavar="ID", help="modèle du catalogue (répétable)"
    )
    tested.add_argument(
        "--server",
        action="append",
        metavar="ID[:MODELE]",
        help="serveur de la politique de la DSI, seul, sans repli local (répétable)",
    )
    tested.add_argument("--out", metavar="RAPPORT.md", help="aussi RAPPORT.json à côté")
    tested.add_argument("--min-pass", type=float, default=0.0, metavar="TAUX",
                        help="code de sortie 1 sous ce taux de réussite (0 à 1)")  # fmt: skip
    tested.add_argument("--seed", type=int, default=7, metavar="N")
    tested.add_argument("--max-tokens", type=int, metavar="N", help=argparse.SUPPRESS)
    tested.set_defaults(handler=test_folder)
    pack_authoring.register(packs_sub)


def _signer_label(signer: str | None) -> str:
    return f"signé par la clé {signer}" if signer else "non signé"


def list_packs(args: argparse.Namespace) -> int:
    rows = installed_packs(Workspace.open())
    if args.json:
        print(json.dumps([asdict(row) for row in rows], ensure_ascii=False, indent=2))
        return 0
    for row in rows:
        state = "actif" if row.active else f"inactif — {row.reason}"
        signer = f", clé {row.signer}" if row.signer else ""
        print(
            f"{row.id:<20} {row.version:<8} {row.origin:<8} {row.tasks:>2} tâches  "
            f"{row.title}{signer} : {state}"
        )
    return 0


def import_file(args: argparse.Namespace) -> int:
    ws = Workspace.open()
    open_session(ws, "cli")
    result = import_pack(ws, Path(args.file))
    manifest = result.pack.manifest
    replaced = (
        f" (remplace la version {result.previous_version})" if result.previous_version else ""
    )
    print(
        f"Pack « {manifest.title} » {manifest.version} installé{replaced}, "
        f"{_signer_label(result.signer)} : {len(result.pack.tasks)} tâche(s)."
    )
    return 0


def verify_file(args: argparse.Namespace) -> int:
    contents, manifest, signer = inspect_pack(Workspace.open(), Path(args.file))
    print(
        f"OK : pack « {manifest.title} » ({manifest.id} {manifest.version}), "
        f"{len(contents.files)} fichiers vérifiés, {_signer_label(signer)}."
    )
    return 0


def export_file(args: argparse.Namespace) -> int:
    out = Path(args.out)
    if export_pack(Workspace.open(), args.pack, out):
        print(f"Pack exporté avec sa signature d'origine : {out}")
    else:
        print(f"Pack exporté sans signature : {out} (à signer avec « hospidesk packs sign »)")
    return 0


def sign_folder(args: argparse.Namespace) -> int:
    out = Path(args.out)
    pack, statement = sign_pack(Path(args.folder), Path(args.key), out)
    print(
        f"Pack « {pack.id} » {pack.manifest.version} signé avec la clé {statement.key_id} : "
        f"{out} ({len(statement.files)} fichiers)"
    )
    return 0


def test_folder(args: argparse.Namespace) -> int:
    if not 0.0 <= args.min_pass <= 1.0:
        raise UsageError("--min-pass : un taux entre 0 et 1 (0.8 pour 80 %).")
    out = Path(args.out).expanduser() if args.out else None
    if out is not None:
        check_writable_target(out)
    ws = Workspace.open()
    servers: list[str] = list(args.server or [])
    if any(spec.partition(":")[0].strip() in ("", "local") for spec in servers):
        raise UsageError("--server : l'identifiant d'un serveur de la politique de la DSI.")
    models: list[str | None] = list(args.model) if args.model else ([] if servers else [None])
    report = run_pack_test(
        ws, Path(args.pack).expanduser(), models, args.seed, args.max_tokens, servers
    )
    text = markdown(report)
    print(text)
    if out is not None:
        atomic_write_text(out, text, mode=0o644)
        atomic_write_text(out.with_suffix(".json"), to_json(report), mode=0o644)
        err(f"Rapport : {out} et {out.with_suffix('.json')}")
    rate = report.pass_rate()
    if rate < args.min_pass:
        err(f"Taux de réussite {rate:.0%}, sous le minimum demandé ({args.min_pass:.0%}).")
        return 1
    return 0


def make_keys(args: argparse.Namespace) -> int:
    prefix = Path(args.out)
    check_writable_target(prefix)
    kid = generate_keypair(prefix)
    print(f"Clé créée : {prefix}.key (privée, à garder secrète) et {prefix}.pub (publique).")
    print(
        f"Identifiant de la clé : {kid}. La DSI place {prefix.name}.pub dans le dossier "
        "trusted-keys/ du répertoire de la DSI pour approuver les packs signés avec elle."
    )
    return 0
