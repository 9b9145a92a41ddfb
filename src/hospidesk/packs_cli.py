"""``hospidesk packs ...``: list, import, export, verify, sign, keygen."""

from __future__ import annotations

import argparse
import json
from pathlib import Path

from hospidesk.errors import UsageError
from hospidesk.fsutil import atomic_write_bytes, check_writable_target
from hospidesk.governance.audit import AuditEvent
from hospidesk.packs.archive import collect_folder, pack_bytes, write_pack_file
from hospidesk.packs.loader import Pack, load_pack
from hospidesk.packs.signing import (
    SIGNATURE,
    STATEMENT,
    Statement,
    generate_keypair,
    load_private_key,
)
from hospidesk.service import Workspace


def _signer_label(signer: str | None) -> str:
    return f"signé par la clé {signer}" if signer else "non signé"


def _row(
    pack_id: str,
    pack: Pack | None,
    origin: str,
    signer: str | None,
    active: bool,
    problem: str | None,
) -> dict[str, object]:
    reason = problem or (None if active else "une version plus récente est installée")
    return {
        "id": pack.id if pack else pack_id,
        "title": pack.manifest.title if pack else "",
        "job": pack.manifest.job if pack else "",
        "version": pack.manifest.version if pack else "",
        "tasks": len(pack.tasks) if pack else 0,
        "origin": origin,
        "signer": signer,
        "active": active,
        "reason": reason,
    }


def packs_list(ws: Workspace, as_json: bool) -> int:
    in_use = {p.root for p in ws.packs}
    rows = []
    for pack in ws.managed_packs():
        origin = "DSI" if pack.root.is_relative_to(ws.paths.site_packs_dir) else "livré"
        rows.append(_row(pack.id, pack, origin, None, pack.root in in_use, None))
    for item in ws.pack_store().installed():
        active = item.pack is not None and item.pack.root in in_use
        rows.append(_row(item.folder.name, item.pack, "importé", item.signer, active, item.problem))
    if as_json:
        print(json.dumps(rows, ensure_ascii=False, indent=2))
        return 0
    for row in rows:
        state = "actif" if row["active"] else f"inactif — {row['reason']}"
        signer = f", clé {row['signer']}" if row["signer"] else ""
        print(
            f"{row['id']:<20} {row['version']:<8} {row['origin']:<8} {row['tasks']:>2} tâches  "
            f"{row['title']}{signer} : {state}"
        )
    return 0


def packs_import(ws: Workspace, file: Path) -> int:
    ws.open_session("cli")
    result = ws.pack_store().import_file(file, ws.managed_packs())
    manifest = result.pack.manifest
    ws.audit.append(
        AuditEvent(
            "pack_imported",
            details={
                "pack": manifest.id,
                "version": manifest.version,
                "signer": result.signer,
                "previous_version": result.previous_version,
            },
        )
    )
    replaced = (
        f" (remplace la version {result.previous_version})" if result.previous_version else ""
    )
    print(
        f"Pack « {manifest.title} » {manifest.version} installé{replaced}, "
        f"{_signer_label(result.signer)} : {len(result.pack.tasks)} tâche(s)."
    )
    return 0


def packs_verify(ws: Workspace, file: Path) -> int:
    contents, manifest, signer = ws.pack_store().inspect(file)
    print(
        f"OK : pack « {manifest.title} » ({manifest.id} {manifest.version}), "
        f"{len(contents.files)} fichiers vérifiés, {_signer_label(signer)}."
    )
    return 0


def packs_export(ws: Workspace, pack_id: str, out: Path) -> int:
    pack = next((p for p in ws.packs if p.id == pack_id), None)
    if pack is None:
        raise UsageError(f"Pack inconnu ou inactif : « {pack_id} » (voir hospidesk packs list).")
    check_writable_target(out)
    statement_file = pack.root / STATEMENT
    if statement_file.exists():  # an imported pack: hand it on with its original signature
        files = collect_folder(pack.root)
        signature_file = pack.root / SIGNATURE
        signature = signature_file.read_bytes() if signature_file.exists() else None
        data = pack_bytes(files, Statement.parse(statement_file.read_bytes()), signature)
        atomic_write_bytes(out, data, mode=0o644)
        print(f"Pack exporté avec sa signature d'origine : {out}")
    else:
        write_pack_file(collect_folder(pack.root), pack.id, pack.manifest.version, out, None)
        print(f"Pack exporté sans signature : {out} (à signer avec « hospidesk packs sign »)")
    return 0


def packs_sign(folder: Path, key: Path, out: Path) -> int:
    if not folder.is_dir():
        raise UsageError(f"Dossier de pack introuvable : {folder}")
    check_writable_target(out)
    pack = load_pack(folder)  # never sign a pack that would not load
    private = load_private_key(key)
    statement = write_pack_file(
        collect_folder(folder), pack.id, pack.manifest.version, out, private
    )
    print(
        f"Pack « {pack.id} » {pack.manifest.version} signé avec la clé {statement.key_id} : "
        f"{out} ({len(statement.files)} fichiers)"
    )
    return 0


def packs_keygen(prefix: Path) -> int:
    check_writable_target(prefix)
    kid = generate_keypair(prefix)
    print(f"Clé créée : {prefix}.key (privée, à garder secrète) et {prefix}.pub (publique).")
    print(
        f"Identifiant de la clé : {kid}. La DSI place {prefix.name}.pub dans le dossier "
        "trusted-keys/ du répertoire de la DSI pour approuver les packs signés avec elle."
    )
    return 0


def run(args: argparse.Namespace) -> int:
    if args.action == "sign":
        return packs_sign(Path(args.folder), Path(args.key), Path(args.out))
    if args.action == "keygen":
        return packs_keygen(Path(args.out))
    ws = Workspace.open()
    if args.action == "list":
        return packs_list(ws, args.json)
    if args.action == "import":
        return packs_import(ws, Path(args.file))
    if args.action == "verify":
        return packs_verify(ws, Path(args.file))
    return packs_export(ws, args.pack, Path(args.out))
