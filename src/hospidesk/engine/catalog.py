"""Approved models: the shipped catalog, plus the site catalog IT may provide.

A model is usable only when a catalog approves its exact sha256. The file is looked up in the
site's ``models/`` folder, then, for the embedded default model, inside the installation or the
Python package that carries it (no download, no copy by the user), and last in the user's
``models/`` folder.
"""

from __future__ import annotations

import importlib.util
import tomllib
from dataclasses import dataclass
from pathlib import Path

from pydantic import BaseModel, ConfigDict, Field, ValidationError

from hospidesk.errors import ModelError
from hospidesk.paths import Paths, shipped_catalog

MIB = 1024 * 1024


class ModelEntry(BaseModel):
    """One approved model, as written in a catalog."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    id: str = Field(pattern=r"^[a-z0-9][a-z0-9._-]*$")
    name: str
    file: str = Field(pattern=r"^[^/\\]+\.gguf$")
    sha256: str = Field(pattern=r"^[0-9a-f]{64}$")
    size: int = Field(gt=0)
    licence: str
    context_length: int = Field(gt=0)
    ram_mb: int = Field(gt=0, description="Memory needed to run it, in MiB")
    package: str | None = Field(default=None, description="Python package that embeds the file")
    default: bool = False


class _CatalogFile(BaseModel):
    model_config = ConfigDict(extra="forbid")
    model: list[ModelEntry] = []


@dataclass(frozen=True)
class CatalogEntry:
    entry: ModelEntry
    source: Path


@dataclass(frozen=True)
class Catalog:
    entries: tuple[CatalogEntry, ...]

    def by_id(self, model_id: str) -> ModelEntry:
        for item in self.entries:
            if item.entry.id == model_id:
                return item.entry
        known = ", ".join(e.entry.id for e in self.entries) or "aucun"
        raise ModelError(f"Modèle inconnu : « {model_id} ». Modèles approuvés : {known}.")

    def by_sha256(self, sha256: str) -> ModelEntry | None:
        for item in self.entries:
            if item.entry.sha256 == sha256:
                return item.entry
        return None

    def default(self) -> ModelEntry:
        if not self.entries:
            raise ModelError("Aucun modèle approuvé : le catalogue est vide.")
        flagged = [e.entry for e in self.entries if e.entry.default]
        return flagged[-1] if flagged else self.entries[0].entry


def read_catalog_file(path: Path) -> list[ModelEntry]:
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except OSError as exc:
        raise ModelError(f"Catalogue de modèles illisible : {path} ({exc.strerror})") from None
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:
        raise ModelError(f"Catalogue de modèles invalide : {path} ({exc})") from None
    try:
        return _CatalogFile.model_validate(data).model if data else []
    except ValidationError as exc:
        first = exc.errors()[0]
        where = ".".join(str(p) for p in first["loc"])
        raise ModelError(
            f"Catalogue de modèles invalide : {path}, clé « {where} » : {first['msg']}"
        ) from None


def load_catalog(paths: Paths) -> Catalog:
    """The shipped catalog, then the site catalog (a site entry with the same id wins)."""
    entries: dict[str, CatalogEntry] = {}
    for source in (shipped_catalog(), paths.site_catalog):
        if source.exists():
            for entry in read_catalog_file(source):
                entries.pop(entry.id, None)
                entries[entry.id] = CatalogEntry(entry, source)
    return Catalog(tuple(entries.values()))


def package_dir(package: str) -> Path | None:
    """The folder of an installed package, found without importing (running) it."""
    try:
        spec = importlib.util.find_spec(package)
    except (ImportError, ValueError):
        return None
    if spec is None or not spec.submodule_search_locations:
        return None
    return Path(next(iter(spec.submodule_search_locations)))


def candidate_paths(entry: ModelEntry, paths: Paths) -> list[Path]:
    """Where the entry's file may be, IT's and the installation's places first: a file the
    user put in their own folder never hides an installed one."""
    found = [paths.site_models_dir / entry.file]
    # A self-contained build ships the embedded model beside the catalog (packaging/).
    found.append(shipped_catalog().parent / entry.file)
    if entry.package:
        folder = package_dir(entry.package)
        if folder is not None:
            found.append(folder / entry.file)
    found.append(paths.user_models_dir / entry.file)
    return found


def locate(entry: ModelEntry, paths: Paths) -> Path | None:
    for candidate in candidate_paths(entry, paths):
        if candidate.is_file():
            return candidate
    return None
