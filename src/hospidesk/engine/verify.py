"""Check a model file against the approved catalogs before llama.cpp may open it.

Hashing gigabytes at every start is slow, so a verified hash is remembered, keyed on the
file's path, size and modification time; any change to those makes it hash again.
"""

from __future__ import annotations

import hashlib
import json
import os
from dataclasses import dataclass
from pathlib import Path

from hospidesk.engine.catalog import Catalog, ModelEntry
from hospidesk.errors import ModelError
from hospidesk.fsutil import atomic_write_text

CHUNK = 4 * 1024 * 1024
GGUF_MAGIC = b"GGUF"


@dataclass(frozen=True)
class VerifiedModel:
    path: Path
    entry: ModelEntry


def sha256_file(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        while chunk := handle.read(CHUNK):
            digest.update(chunk)
    return digest.hexdigest()


class HashCache:
    """Remembered hashes of model files, keyed on (path, size, mtime_ns)."""

    def __init__(self, file: Path) -> None:
        self.file = file
        self._data: dict[str, dict[str, object]] = {}
        try:
            loaded = json.loads(file.read_text(encoding="utf-8"))
            if isinstance(loaded, dict):
                self._data = loaded
        except (OSError, ValueError):
            self._data = {}

    @staticmethod
    def _key(path: Path) -> str:
        return str(path.resolve())

    def get(self, path: Path, stat: os.stat_result) -> str | None:
        item = self._data.get(self._key(path))
        if (
            isinstance(item, dict)
            and item.get("size") == stat.st_size
            and item.get("mtime_ns") == stat.st_mtime_ns
            and isinstance(item.get("sha256"), str)
        ):
            return str(item["sha256"])
        return None

    def put(self, path: Path, stat: os.stat_result, sha256: str) -> None:
        self._data[self._key(path)] = {
            "size": stat.st_size,
            "mtime_ns": stat.st_mtime_ns,
            "sha256": sha256,
        }
        try:
            self.file.parent.mkdir(parents=True, exist_ok=True)
            atomic_write_text(self.file, json.dumps(self._data, indent=1, sort_keys=True))
        except Exception:  # noqa: S110 - a cache that cannot be written only costs a rehash
            pass


def _stat(path: Path) -> os.stat_result:
    """The file's metadata, or why it cannot be a model file."""
    try:
        stat = path.stat()
    except FileNotFoundError:
        raise ModelError(f"Fichier de modèle introuvable : {path}") from None
    except OSError as exc:
        raise ModelError(f"Fichier de modèle illisible : {path} ({exc.strerror})") from None
    if not path.is_file():
        raise ModelError(f"Ce n'est pas un fichier de modèle : {path}")
    return stat


def _hash(path: Path) -> str:
    """The SHA-256 of a GGUF file (anything else is refused before it is read in full)."""
    try:
        with path.open("rb") as handle:
            if handle.read(4) != GGUF_MAGIC:
                raise ModelError(f"Modèle refusé : {path.name} n'est pas un fichier GGUF.")
        return sha256_file(path)
    except OSError as exc:
        raise ModelError(f"Fichier de modèle illisible : {path} ({exc.strerror})") from None


def verify_file(
    path: Path, catalog: Catalog, cache: HashCache | None = None, expected: ModelEntry | None = None
) -> VerifiedModel:
    """Return the approved entry for ``path`` or raise ModelError naming the file and reason.

    With ``expected``, the file must be that very model. Without a cache the file is always
    hashed in full.
    """
    name = path.name
    stat = _stat(path)
    candidates = [expected] if expected else [e.entry for e in catalog.entries]
    sizes = {e.size for e in candidates}
    if stat.st_size not in sizes:
        if expected:
            raise ModelError(
                f"Modèle refusé : {name} n'a pas la taille approuvée pour « {expected.id} » "
                f"({stat.st_size} octets au lieu de {expected.size}). Fichier modifié ou "
                "incomplet."
            )
        raise ModelError(
            f"Modèle refusé : {name} ne figure dans aucun catalogue de modèles approuvés."
        )
    sha = cache.get(path, stat) if cache else None
    if sha is None:
        sha = _hash(path)
        if cache:
            cache.put(path, stat, sha)

    if expected:
        if sha != expected.sha256:
            raise ModelError(
                f"Modèle refusé : l'empreinte SHA-256 de {name} ne correspond pas à celle "
                f"approuvée pour « {expected.id} » (fichier modifié ou corrompu)."
            )
        return VerifiedModel(path, expected)
    entry = catalog.by_sha256(sha)
    if entry is None:
        raise ModelError(
            f"Modèle refusé : l'empreinte SHA-256 de {name} ne figure dans aucun catalogue "
            "de modèles approuvés (fichier modifié ou non approuvé)."
        )
    return VerifiedModel(path, entry)
