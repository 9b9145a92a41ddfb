"""The packs of tasks: which are installed and in use, import (audited), export, check, sign."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from hospidesk.errors import UsageError
from hospidesk.fsutil import atomic_write_bytes, check_writable_target
from hospidesk.governance.audit import AuditEvent, AuditKind
from hospidesk.packs.archive import PackContents, collect_folder, pack_bytes, write_pack_file
from hospidesk.packs.check import check_folder
from hospidesk.packs.loader import Pack, PackError, load_pack
from hospidesk.packs.model import Manifest
from hospidesk.packs.signing import SIGNATURE, STATEMENT, Statement, load_private_key
from hospidesk.packs.store import ImportResult
from hospidesk.service.workspace import Workspace


@dataclass(frozen=True)
class PackRow:
    """One installed pack as ``packs list`` shows it."""

    id: str
    title: str
    job: str
    version: str
    tasks: int
    origin: str
    """« livré » (ships with the app), « DSI » (site directory) or « importé »."""
    signer: str | None
    active: bool
    reason: str | None
    """Why it is not in use, if so."""


def _row(
    pack_id: str,
    pack: Pack | None,
    origin: str,
    signer: str | None,
    active: bool,
    problem: str | None,
) -> PackRow:
    return PackRow(
        id=pack.id if pack else pack_id,
        title=pack.manifest.title if pack else "",
        job=pack.manifest.job if pack else "",
        version=pack.manifest.version if pack else "",
        tasks=len(pack.tasks) if pack else 0,
        origin=origin,
        signer=signer,
        active=active,
        reason=problem or (None if active else "une version plus récente est installée"),
    )


def installed_packs(ws: Workspace) -> list[PackRow]:
    """Every pack on this workstation, in use or not, and why not."""
    in_use = {p.root for p in ws.packs}
    rows = []
    for pack in ws.managed_packs():
        origin = "DSI" if pack.root.is_relative_to(ws.paths.site_packs_dir) else "livré"
        rows.append(_row(pack.id, pack, origin, None, pack.root in in_use, None))
    for item in ws.pack_store().installed():
        active = item.pack is not None and item.pack.root in in_use
        rows.append(_row(item.folder.name, item.pack, "importé", item.signer, active, item.problem))
    return rows


def import_pack(ws: Workspace, file: Path) -> ImportResult:
    """Verify and install a pack file (signature and hashes before anything is written)."""
    result = ws.pack_store().import_file(file, ws.managed_packs())
    manifest = result.pack.manifest
    ws.audit.append(
        AuditEvent(
            AuditKind.PACK_IMPORTED,
            details={
                "pack": manifest.id,
                "version": manifest.version,
                "signer": result.signer,
                "previous_version": result.previous_version,
            },
        )
    )
    return result


def inspect_pack(ws: Workspace, file: Path) -> tuple[PackContents, Manifest, str | None]:
    """Check a pack file as an import would, installing nothing: contents, manifest, signer."""
    return ws.pack_store().inspect(file)


def export_pack(ws: Workspace, pack_id: str, out: Path) -> bool:
    """Write an installed pack to a file; True when it keeps its original signature."""
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
        return True
    write_pack_file(collect_folder(pack.root), pack.id, pack.manifest.version, out, None)
    return False


def refuse_problems(folder: Path) -> None:
    """Raise when ``packs check`` finds anything in the pack: nothing invalid is signed."""
    problems = check_folder(folder)
    if problems:
        raise PackError(
            f"Pack non signé : {len(problems)} problème(s), dont {problems[0]}. La liste : "
            f"hospidesk packs check {folder}"
        )


def sign_pack(folder: Path, key: Path, out: Path) -> tuple[Pack, Statement]:
    """Sign a pack folder into a pack file (a pack with any problem ``packs check`` finds is
    never signed)."""
    if not folder.is_dir():
        raise UsageError(f"Dossier de pack introuvable : {folder}")
    check_writable_target(out)
    pack = load_pack(folder)
    refuse_problems(folder)
    private = load_private_key(key)
    statement = write_pack_file(
        collect_folder(folder), pack.id, pack.manifest.version, out, private
    )
    return pack, statement
