"""The studio's try, test, sign and publish, without Qt.

« Essayer » writes one example's draft with the pack being edited and, beside it, with the
version it came from. « Tester » is ``packs test`` on the pack as it is in the forms. A test
is remembered with a hash of what it tested: publishing is refused until the pack as it is
now passed it, unless the referent overrides, which the audit trail records. The signing key
is the referent's, made once and kept in the OS keyring; its public half goes to IT, who
trusts it (``trusted-keys/``). « Publier » raises the version where it must, saves, signs and
writes ``ID-VERSION.hdpack`` into the policy's folder (``[packs] publish_dir``) or the one the
referent chose; the trail records who signed what, by hash.
"""

from __future__ import annotations

import hashlib
import json
import shutil
import tempfile
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from hospidesk.engine.client import EngineClient
from hospidesk.errors import UsageError
from hospidesk.fsutil import atomic_write_bytes, check_writable_target
from hospidesk.governance.audit import AuditEvent, AuditKind
from hospidesk.packs.archive import collect_folder, write_pack_file
from hospidesk.packs.authoring import bumped, write_manifest, write_task
from hospidesk.packs.loader import PackTask, load_pack
from hospidesk.packs.model import Example, version_tuple
from hospidesk.packs.signing import key_id, new_private_pem, private_from_pem, public_pem
from hospidesk.service.backends import usable_model
from hospidesk.service.pack_test import Outcome, PackReport, Writer, run_example, run_pack_test
from hospidesk.service.studio import (
    StudioPack,
    require_allowed,
    require_valid,
    save,
    update_meta,
)
from hospidesk.service.workspace import Workspace
from hospidesk.storage.keys import store_signing_key, stored_signing_key

SEED = 7
"""The seed of every try and test: two runs of the same pack on the same model compare."""


@dataclass(frozen=True)
class Tried:
    current: Outcome
    previous: Outcome | None
    """The same example's inputs through the version the pack came from (None: a new pack,
    or a task that version did not have)."""


@dataclass(frozen=True)
class Published:
    file: Path
    version: str
    signer: str
    sha256: str


def content_hash(pack: StudioPack) -> str:
    """What a test vouches for: the tasks, the manifest but its version, and the templates."""
    manifest = {k: v for k, v in pack.manifest.items() if k != "version"}
    digest = hashlib.sha256(
        json.dumps([manifest, pack.tasks], sort_keys=True, ensure_ascii=False).encode()
    )
    folder = pack.folder / "templates"
    for path in sorted(folder.glob("*.docx")) if folder.is_dir() else []:
        digest.update(path.name.encode() + b"\0" + path.read_bytes())
    return digest.hexdigest()


def _materialise(pack: StudioPack, into: Path) -> Path:
    """The pack as the forms hold it, written as a pack folder in ``into``."""
    templates = pack.folder / "templates"
    if templates.is_dir():
        shutil.copytree(templates, into / "templates", dirs_exist_ok=True)
    write_manifest(into, pack.manifest)
    for task in pack.tasks:
        write_task(into, task)
    return into


def try_example(
    ws: Workspace, pack: StudioPack, task_id: str, number: int, model_id: str | None = None
) -> Tried:
    """Example ``number`` (from 1) of a task, drafted by the current version and the previous."""
    require_allowed(ws)
    require_valid(pack, "essayé")
    writer = Writer((model := usable_model(ws, model_id)).entry.id, model)
    engine = EngineClient()
    try:
        with tempfile.TemporaryDirectory(prefix="hospidesk-studio-") as folder:
            current = load_pack(_materialise(pack, Path(folder)))
            item = next(PackTask(current, t) for t in current.tasks if t.id == task_id)
            if not 1 <= number <= len(item.task.examples):
                raise UsageError("Cet exemple n'existe pas : ajoutez-en un à la tâche.")
            mine = run_example(ws, engine, item, number, writer, SEED, None)
            theirs = _previous(ws, pack, item, number, writer, engine)
    finally:
        engine.close()
    return Tried(mine, theirs)


def _previous(
    ws: Workspace,
    pack: StudioPack,
    item: PackTask,
    number: int,
    writer: Writer,
    engine: EngineClient,
) -> Outcome | None:
    root = pack.meta.get("previous")
    if not root or not Path(root).is_dir():
        return None
    old = load_pack(Path(root))
    task = next((t for t in old.tasks if t.id == item.task.id), None)
    if task is None:
        return None
    example = item.task.examples[number - 1]
    known = {f.name for f in task.fields}
    same_inputs = Example(
        description=example.description,
        source=example.source,
        fields={k: v for k, v in example.fields.items() if k in known},
        facts=example.facts,
    )
    retold = task.model_copy(update={"examples": (same_inputs,)})
    return run_example(ws, engine, PackTask(old, retold), 1, writer, SEED, None)


def test_pack(
    ws: Workspace,
    pack: StudioPack,
    on_outcome: Callable[[Outcome, int, int], None] | None = None,
    model_id: str | None = None,
) -> PackReport:
    """Every example of the pack through the model; the result is remembered for publishing."""
    require_allowed(ws)
    require_valid(pack, "testé")
    tested = content_hash(pack)
    with tempfile.TemporaryDirectory(prefix="hospidesk-studio-") as folder:
        report = run_pack_test(
            ws, _materialise(pack, Path(folder)), [model_id], SEED, on_outcome=on_outcome
        )
    failed = sum(not o.passed for o in report.outcomes)
    update_meta(pack, tested=tested, failed=failed, examples=len(report.outcomes))
    return report


def signing_key_id(ws: Workspace) -> str | None:
    pem = stored_signing_key(ws.user)
    return key_id(private_from_pem(pem).public_key()) if pem else None


def create_signing_key(ws: Workspace) -> str:
    """The referent's signing key, made once and kept in the OS keyring; its id."""
    require_allowed(ws)
    if stored_signing_key(ws.user):
        raise UsageError("Vous avez déjà une clé de signature : elle est gardée, pas remplacée.")
    pem = new_private_pem()
    store_signing_key(ws.user, pem)
    return key_id(private_from_pem(pem).public_key())


def export_public_key(ws: Workspace, out: Path) -> str:
    """Write the public half of the referent's key, for IT to trust; its id."""
    pem = stored_signing_key(ws.user)
    if not pem:
        raise UsageError("Créez d'abord votre clé de signature.")
    check_writable_target(out)
    private = private_from_pem(pem)
    atomic_write_bytes(out, public_pem(private), mode=0o644)
    return key_id(private.public_key())


def test_state(pack: StudioPack) -> str | None:
    """Why the pack cannot be published as tested (None: its last test passed, on it as it
    is now)."""
    if pack.meta.get("tested") != content_hash(pack):
        return "le pack n'a pas été testé depuis sa dernière modification"
    failed = int(pack.meta.get("failed", 0))
    if failed:
        return f"{failed} exemple(s) échoue(nt) au dernier test"
    return None


def publish(
    ws: Workspace, pack: StudioPack, folder: Path | None = None, override: bool = False
) -> Published:
    """Save, sign with the referent's key and write the pack file; see the module's doc."""
    require_allowed(ws)
    require_valid(pack, "publié")
    untested = test_state(pack)
    if untested and not override:
        raise UsageError(f"Publication refusée : {untested}. Testez le pack, ou passez outre.")
    pem = stored_signing_key(ws.user)
    if not pem:
        raise UsageError("Créez d'abord votre clé de signature (Studio › Clé de signature).")
    target = Path(ws.policy.packs.publish_dir) if ws.policy.packs.publish_dir else folder
    if target is None:
        raise UsageError("Choisissez le dossier où publier le pack.")
    if not target.is_dir():
        raise UsageError(f"Dossier de publication introuvable : {target}")
    version = _next_version(pack)
    pack.manifest["version"] = version
    save(pack)
    private = private_from_pem(pem)
    out = target / f"{pack.id}-{version}.hdpack"
    check_writable_target(out)
    write_pack_file(collect_folder(pack.folder), pack.id, version, out, private)
    digest = hashlib.sha256(out.read_bytes()).hexdigest()
    signer = key_id(private.public_key())
    ws.audit.append(
        AuditEvent(
            AuditKind.PACK_PUBLISHED,
            details={
                "pack": pack.id,
                "version": version,
                "signer": signer,
                "sha256": digest,
                "tests": "passés" if not untested else "outrepassés",
            },
        )
    )
    published = [*pack.meta.get("published", []), version]
    update_meta(pack, published=published)
    return Published(out, version, signer, digest)


def _next_version(pack: StudioPack) -> str:
    """The version as it is when it is above every one published or installed before; else
    the next minor one above them all."""
    current = str(pack.manifest.get("version", "1.0.0"))
    before = [*pack.meta.get("published", []), pack.meta.get("previous_version")]
    known = [v for v in before if isinstance(v, str)]
    if not known:
        return current
    highest = max(known, key=version_tuple)
    if version_tuple(current) > version_tuple(highest):
        return current
    return bumped(highest, "minor")
