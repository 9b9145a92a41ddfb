"""Installed packs: safe import, the highest version seen, and a check of each at start.

A pack file is verified entirely in memory (signature, every hash, the manifest, the version)
before one byte is written; then it is extracted into a staging folder, validated as a folder,
and moved into place with a rename. User-installed packs keep their statement and signature,
so each start checks them again: a pack whose signer IT no longer trusts, or whose files were
changed, is disabled with its reason.
"""

from __future__ import annotations

import contextlib
import json
import shutil
import time
import uuid
from dataclasses import dataclass
from pathlib import Path

from hospidesk.documents.checks import inspect_docx
from hospidesk.errors import UsageError
from hospidesk.fsutil import STALE_TEMP_SECONDS, atomic_write_text, fsync_dir, write_durable
from hospidesk.packs.archive import PackContents, collect_folder, read_pack_file
from hospidesk.packs.loader import MANIFEST, Pack, PackError, load_pack, parse_manifest, parse_task
from hospidesk.packs.model import Manifest, version_tuple
from hospidesk.packs.signing import (
    SIGNATURE,
    STATEMENT,
    SignatureError,
    Statement,
    TrustedKeys,
    sha256_hex,
)
from hospidesk.policy import Policy, current_user

VERSIONS = ".versions.json"


class ImportRefused(UsageError):
    """An import refused; nothing was installed or changed."""


@dataclass(frozen=True)
class Installed:
    """A user-installed pack folder and whether it may be used."""

    folder: Path
    pack: Pack | None
    signer: str | None
    problem: str | None

    @property
    def active(self) -> bool:
        return self.pack is not None and self.problem is None


@dataclass(frozen=True)
class ImportResult:
    pack: Pack
    signer: str | None
    previous_version: str | None


def check_signature(
    statement: Statement, signature: bytes | None, trusted: TrustedKeys, policy: Policy
) -> str | None:
    """The signer's key id; None for an unsigned pack the policy allows; else SignatureError."""
    if signature is None and statement.key_id is None:
        if policy.packs.unsigned_allowed_for(*current_user()):
            return None
        raise SignatureError(
            "Pack refusé : il n'est pas signé, et la politique de la DSI n'autorise que les packs "
            "signés."
        )
    if signature is None:
        raise SignatureError("Pack refusé : la signature est absente.")
    return trusted.verify(statement, signature)


class PackStore:
    def __init__(self, folder: Path, trusted: TrustedKeys, policy: Policy) -> None:
        self.folder = folder
        self.trusted = trusted
        self.policy = policy

    # the highest version ever installed, per pack id (refuses replays of older versions)

    def _versions(self) -> dict[str, str]:
        try:
            data = json.loads((self.folder / VERSIONS).read_text(encoding="utf-8"))
        except (OSError, ValueError):
            return {}
        return {str(k): str(v) for k, v in data.items()} if isinstance(data, dict) else {}

    def _remember(self, pack_id: str, version: str) -> None:
        versions = self._versions()
        versions[pack_id] = version
        atomic_write_text(self.folder / VERSIONS, json.dumps(versions, indent=1, sort_keys=True))

    # installed packs

    def verify_folder(self, folder: Path) -> str | None:
        """Check an installed folder against its statement and the current trusted keys."""
        try:
            raw = (folder / STATEMENT).read_bytes()
        except OSError:
            raw = None
        if raw is None:
            if self.policy.packs.unsigned_allowed_for(*current_user()):
                return None
            raise SignatureError("pack non signé, refusé par la politique de la DSI")
        statement = Statement.parse(raw)
        signature_file = folder / SIGNATURE
        signature = signature_file.read_bytes() if signature_file.exists() else None
        signer = check_signature(statement, signature, self.trusted, self.policy)
        files = collect_folder(folder)
        listed = {f.path: f for f in statement.files}
        if set(files) != set(listed):
            raise SignatureError("des fichiers du pack ont été ajoutés ou supprimés")
        for path, data in files.items():
            entry = listed[path]
            if len(data) != entry.size or sha256_hex(data) != entry.sha256:
                raise SignatureError(f"le fichier {path} a été modifié")
        return signer

    def installed(self) -> list[Installed]:
        result: list[Installed] = []
        if not self.folder.is_dir():
            return result
        for folder in sorted(p for p in self.folder.iterdir() if p.is_dir()):
            if folder.name.startswith("."):
                continue
            try:
                signer = self.verify_folder(folder)
                pack = load_pack(folder)
            except (SignatureError, PackError, UsageError) as exc:
                reason = exc.message.removeprefix("Pack refusé : ")
                result.append(
                    Installed(folder, None, None, f"Pack « {folder.name} » désactivé : {reason}")
                )
                continue
            result.append(Installed(folder, pack, signer, None))
        return result

    # import

    def inspect(self, file: Path) -> tuple[PackContents, Manifest, str | None]:
        """Every check of an import that writes nothing: archive, hashes, signature, manifest."""
        contents = read_pack_file(file)
        signer = check_signature(contents.statement, contents.signature, self.trusted, self.policy)
        return contents, self._check_manifest(contents), signer

    def import_file(self, file: Path, other_packs: list[Pack]) -> ImportResult:
        """Verify ``file`` fully, then install it. ``other_packs``: shipped and site packs."""
        contents, manifest, signer = self.inspect(file)
        previous = self._check_version(contents, other_packs)
        pack = self._install(contents, manifest.id)
        self._remember(manifest.id, manifest.version)
        return ImportResult(pack, signer, previous)

    def _check_manifest(self, contents: PackContents) -> Manifest:
        raw = contents.files.get(MANIFEST)
        if raw is None:
            raise ImportRefused(f"Pack refusé : fichier {MANIFEST} absent.")
        manifest = parse_manifest(raw, f"Pack, fichier {MANIFEST}")
        statement = contents.statement
        if (manifest.id, manifest.version) != (statement.pack_id, statement.version):
            raise ImportRefused(
                "Pack refusé : l'identifiant ou la version du manifeste ne correspond pas à "
                "l'inventaire signé."
            )
        for path, data in contents.files.items():
            if path.lower().endswith(".docx"):
                problems = inspect_docx(data)
                if problems:
                    raise ImportRefused(f"Pack refusé : modèle Word {path} — {problems[0].reason}.")
        for path, data in sorted(contents.files.items()):
            if path.startswith("tasks/") and path.endswith(".toml"):
                try:  # tasks, tips and worked examples, as loading will check them
                    parse_task(data, path, manifest.id)
                except PackError as exc:
                    raise ImportRefused(f"Pack refusé : {exc.message}") from None
        return manifest

    def _check_version(self, contents: PackContents, other_packs: list[Pack]) -> str | None:
        statement = contents.statement
        pack_id, version = statement.pack_id, statement.version
        seen = [self._versions().get(pack_id)]
        seen += [p.manifest.version for p in other_packs if p.id == pack_id]
        current_folder = self.folder / pack_id
        current_statement: bytes | None = None
        if (current_folder / STATEMENT).exists():
            current_statement = (current_folder / STATEMENT).read_bytes()
            seen.append(Statement.parse(current_statement).version)
        known = [v for v in seen if v]
        if not known:
            return None
        highest = max(known, key=version_tuple)
        if version_tuple(version) < version_tuple(highest):
            raise ImportRefused(
                f"Pack refusé : la version {version} de « {pack_id} » est plus ancienne que la "
                f"version {highest} déjà installée."
            )
        if version_tuple(version) == version_tuple(highest):
            if current_statement == statement.canonical():
                raise ImportRefused(f"Le pack « {pack_id} » {version} est déjà installé.")
            raise ImportRefused(
                f"Pack refusé : une version {version} de « {pack_id} » au contenu différent est "
                "déjà installée ; l'auteur doit augmenter le numéro de version."
            )
        return highest

    def _install(self, contents: PackContents, pack_id: str) -> Pack:
        staging_root = self.folder / ".staging"
        # What an interrupted import left (staging copies, replaced versions) is never used;
        # an import running now in another process has younger folders.
        stale = time.time() - STALE_TEMP_SECONDS
        for parent in (staging_root, self.folder / ".trash"):
            for leftover in parent.glob("*") if parent.is_dir() else ():
                with contextlib.suppress(OSError):
                    if leftover.lstat().st_mtime < stale:
                        shutil.rmtree(leftover, ignore_errors=True)
        staging = staging_root / uuid.uuid4().hex
        try:
            staging.mkdir(parents=True)
            folders = {staging}
            files = dict(contents.files)
            files[STATEMENT] = contents.statement.canonical()
            if contents.signature is not None:
                files[SIGNATURE] = contents.signature
            for path, data in files.items():
                target = staging / path
                target.parent.mkdir(parents=True, exist_ok=True)
                folders.add(target.parent)
                write_durable(target, data)
            for folder in folders:
                fsync_dir(folder)
            load_pack(staging)  # the whole pack, as it will be used
            target = self.folder / pack_id
            trash = self.folder / ".trash" / uuid.uuid4().hex
            if target.exists():
                trash.parent.mkdir(parents=True, exist_ok=True)
                target.rename(trash)
            staging.rename(target)
            fsync_dir(self.folder)
            shutil.rmtree(trash, ignore_errors=True)
        except PackError as exc:
            raise ImportRefused(f"Pack refusé : {exc.message}") from None
        except OSError as exc:
            raise ImportRefused(f"Installation du pack impossible : {exc.strerror}.") from None
        finally:
            shutil.rmtree(staging, ignore_errors=True)
        return load_pack(self.folder / pack_id)
