"""Approved models: the shipped catalog, plus the site catalog IT may provide.

A model is usable only when a catalog approves its exact sha256. The file is looked up in the
site's ``models/`` folder, then, for the embedded default model, inside the installation or the
Python package that carries it (no download, no copy by the user), and last in the user's
``models/`` folder.
"""

from __future__ import annotations

import importlib.util
import re
import tomllib
from dataclasses import dataclass
from pathlib import Path

from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator

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


class SpeechModelEntry(BaseModel):
    """One approved speech-to-text model: a folder of files in CTranslate2's Whisper format,
    every file's sha256 given (the folder is checked file by file, nothing else is read)."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    id: str = Field(pattern=r"^[a-z0-9][a-z0-9._-]*$")
    name: str
    folder: str = Field(pattern=r"^[^/\\]+$", description="Folder name in models/")
    files: dict[str, str] = Field(min_length=1, description="File name → sha256")
    licence: str
    languages: list[str] = Field(min_length=1, description="ISO 639-1 codes, e.g. fr, en")
    ram_mb: int = Field(gt=0, description="Memory needed to run it, in MiB")
    package: str | None = Field(default=None, description="Python package that embeds it")
    default: bool = False

    @field_validator("files")
    @classmethod
    def _plain_names_and_hashes(cls, files: dict[str, str]) -> dict[str, str]:
        for name, digest in files.items():
            if not re.fullmatch(r"[A-Za-z0-9._-]+", name) or name.startswith("."):
                raise ValueError(f"nom de fichier invalide : {name}")
            if not re.fullmatch(r"[0-9a-f]{64}", digest):
                raise ValueError(f"sha256 invalide pour {name}")
        return files


class _CatalogFile(BaseModel):
    model_config = ConfigDict(extra="forbid")
    model: list[ModelEntry] = []
    speech_model: list[SpeechModelEntry] = []


@dataclass(frozen=True)
class CatalogEntry:
    entry: ModelEntry
    source: Path


@dataclass(frozen=True)
class Catalog:
    entries: tuple[CatalogEntry, ...]
    speech: tuple[SpeechModelEntry, ...] = ()

    def speech_by_id(self, model_id: str | None) -> SpeechModelEntry:
        """The speech model asked for, or the default one (the last flagged, else the first)."""
        if model_id is None:
            if not self.speech:
                raise ModelError(
                    "Aucun modèle de dictée approuvé : la DSI en ajoute un au catalogue "
                    "(voir docs/dictation.md)."
                )
            flagged = [e for e in self.speech if e.default]
            return flagged[-1] if flagged else self.speech[0]
        for entry in self.speech:
            if entry.id == model_id:
                return entry
        known = ", ".join(e.id for e in self.speech) or "aucun"
        raise ModelError(f"Modèle de dictée inconnu : « {model_id} ». Modèles approuvés : {known}.")

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


def _read(path: Path) -> _CatalogFile:
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except OSError as exc:
        raise ModelError(f"Catalogue de modèles illisible : {path} ({exc.strerror})") from None
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:
        raise ModelError(f"Catalogue de modèles invalide : {path} ({exc})") from None
    try:
        return _CatalogFile.model_validate(data) if data else _CatalogFile()
    except ValidationError as exc:
        first = exc.errors()[0]
        where = ".".join(str(p) for p in first["loc"])
        raise ModelError(
            f"Catalogue de modèles invalide : {path}, clé « {where} » : {first['msg']}"
        ) from None


def load_catalog(paths: Paths) -> Catalog:
    """The shipped catalog, then the site catalog (a site entry with the same id wins)."""
    entries: dict[str, CatalogEntry] = {}
    speech: dict[str, SpeechModelEntry] = {}
    for source in (shipped_catalog(), paths.site_catalog):
        if source.exists():
            read = _read(source)
            for entry in read.model:
                entries.pop(entry.id, None)
                entries[entry.id] = CatalogEntry(entry, source)
            for item in read.speech_model:
                speech.pop(item.id, None)
                speech[item.id] = item
    return Catalog(tuple(entries.values()), tuple(speech.values()))


def package_dir(package: str) -> Path | None:
    """The folder of an installed package, found without importing (running) it."""
    try:
        spec = importlib.util.find_spec(package)
    except (ImportError, ValueError):
        return None
    if spec is None or not spec.submodule_search_locations:
        return None
    return Path(next(iter(spec.submodule_search_locations)))


def candidate_paths(entry: ModelEntry | SpeechModelEntry, paths: Paths) -> list[Path]:
    """Where the entry's file (GGUF) or folder (speech) may be, IT's and the installation's
    places first: what the user put in their own folder never hides an installed model."""
    name = entry.file if isinstance(entry, ModelEntry) else entry.folder
    found = [paths.site_models_dir / name]
    # A self-contained build ships the embedded model beside the catalog (packaging/).
    found.append(shipped_catalog().parent / name)
    if entry.package:
        folder = package_dir(entry.package)
        if folder is not None:
            found.append(folder / name)
    found.append(paths.user_models_dir / name)
    return found


def locate(entry: ModelEntry, paths: Paths) -> Path | None:
    return next((c for c in candidate_paths(entry, paths) if c.is_file()), None)


def locate_speech(entry: SpeechModelEntry, paths: Paths) -> Path | None:
    return next((c for c in candidate_paths(entry, paths) if c.is_dir()), None)
