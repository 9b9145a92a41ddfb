"""Pack files (the distributed form): a zip holding the pack, its statement and signature.

Reading is defensive: every name, size and hash is checked in memory, with bounded reads,
before anything is written to disk. Refused: path traversal (``..``, absolute paths, drive
letters, backslashes), links, duplicate or case-colliding names, encrypted or exotic entries,
overlapping entries, oversized or over-compressed entries, files missing from or not listed in
the statement, and file types a pack has no use for.
"""

from __future__ import annotations

import io
import itertools
import stat
import unicodedata
import zipfile
import zlib
from dataclasses import dataclass
from pathlib import Path

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from hospidesk.errors import UsageError
from hospidesk.fsutil import atomic_write_bytes
from hospidesk.packs.signing import (
    SIGNATURE,
    STATEMENT,
    FileEntry,
    Statement,
    key_id,
    sha256_hex,
    sign_statement,
)

MAX_PACK_BYTES = 32 * 1024 * 1024
MAX_ENTRIES = 400
MAX_ENTRY_BYTES = 16 * 1024 * 1024
MAX_TOTAL_BYTES = 64 * 1024 * 1024
MAX_RATIO = 100
RATIO_FLOOR = 256 * 1024  # small entries may compress well; bombs are big
MAX_NAME = 200
ALLOWED_SUFFIXES = frozenset({".toml", ".docx", ".md", ".txt"})
FIXED_DATE = (1980, 1, 1, 0, 0, 0)
_LOCAL_HEADER = 30


class PackFileError(UsageError):
    """A pack file refused; the message says why, in French."""


@dataclass(frozen=True)
class PackContents:
    statement: Statement
    signature: bytes | None
    files: dict[str, bytes]


def name_problem(name: str) -> str | None:
    """Why ``name`` is not acceptable as a path inside a pack (None when it is)."""
    if not name or len(name) > MAX_NAME:
        return "nom de fichier vide ou trop long"
    if "\\" in name or ":" in name:
        return f"chemin interdit (« \\ » ou « : ») : {name}"
    if name.startswith("/"):
        return f"chemin absolu interdit : {name}"
    if any(ord(c) < 32 or c == "\x7f" for c in name):
        return "caractère de contrôle dans un nom de fichier"
    parts = name.rstrip("/").split("/")
    if any(part in ("", ".", "..") for part in parts):
        return f"chemin interdit (« .. » ou vide) : {name}"
    return None


def _is_link(info: zipfile.ZipInfo) -> bool:
    return stat.S_ISLNK(info.external_attr >> 16)


def _check_entry(info: zipfile.ZipInfo) -> None:
    """One entry: no link, no encryption, a known compression, a sane size and ratio."""
    if _is_link(info):
        raise PackFileError(f"Pack refusé : lien symbolique interdit : {info.filename}.")
    if info.flag_bits & 0x1:
        raise PackFileError(f"Pack refusé : fichier chiffré : {info.filename}.")
    if info.compress_type not in (zipfile.ZIP_STORED, zipfile.ZIP_DEFLATED):
        raise PackFileError(f"Pack refusé : compression non prise en charge : {info.filename}.")
    if info.file_size > MAX_ENTRY_BYTES:
        raise PackFileError(f"Pack refusé : fichier trop volumineux : {info.filename}.")
    if info.file_size > RATIO_FLOOR and info.file_size > MAX_RATIO * max(info.compress_size, 1):
        raise PackFileError(
            f"Pack refusé : fichier anormalement compressé (bombe zip ?) : {info.filename}."
        )


def _check_layout(infos: list[zipfile.ZipInfo]) -> None:
    if len(infos) > MAX_ENTRIES:
        raise PackFileError("Pack refusé : trop de fichiers.")
    seen: set[str] = set()
    for info in infos:
        problem = name_problem(info.filename)
        if problem:
            raise PackFileError(f"Pack refusé : {problem}.")
        folded = unicodedata.normalize("NFC", info.filename).casefold()
        if folded in seen:
            raise PackFileError(f"Pack refusé : nom de fichier en double : {info.filename}.")
        seen.add(folded)
        _check_entry(info)
    if sum(info.file_size for info in infos) > MAX_TOTAL_BYTES:
        raise PackFileError("Pack refusé : contenu trop volumineux une fois décompressé.")
    # Overlapping entries (several names over the same compressed data) are a bomb technique.
    spans = sorted(
        (
            i.header_offset,
            i.header_offset + _LOCAL_HEADER + len(i.orig_filename.encode()) + i.compress_size,
            i.filename,
        )
        for i in infos
    )
    for (_, end, name), (start, _, _) in itertools.pairwise(spans):
        if start < end:
            raise PackFileError(f"Pack refusé : fichiers superposés dans l'archive ({name}).")


def _read_bounded(
    archive: zipfile.ZipFile,
    info: zipfile.ZipInfo,
    limit: int,
    reason: str = "fichier plus grand que déclaré",
) -> bytes:
    """Read at most ``limit`` bytes: memory stays bounded whatever the headers claim."""
    with archive.open(info) as handle:
        data = handle.read(limit + 1)
    if len(data) > limit:
        raise PackFileError(f"Pack refusé : {reason} : {info.filename}.")
    return data


def read_pack_bytes(raw: bytes) -> PackContents:
    """Check a pack file entirely in memory and return its verified files."""
    if len(raw) > MAX_PACK_BYTES:
        raise PackFileError("Pack refusé : fichier trop volumineux (32 Mo au maximum).")
    try:
        archive = zipfile.ZipFile(io.BytesIO(raw))
    except (zipfile.BadZipFile, ValueError, OSError):
        raise PackFileError("Ce fichier n'est pas un pack HospiDesk (archive illisible).") from None
    try:
        with archive:
            infos = archive.infolist()
            _check_layout(infos)
            by_name = {i.filename: i for i in infos if not i.is_dir()}
            if STATEMENT not in by_name:
                raise PackFileError("Ce fichier n'est pas un pack HospiDesk (inventaire absent).")
            statement = Statement.parse(_read_bounded(archive, by_name[STATEMENT], 1024 * 1024))
            signature = (
                _read_bounded(archive, by_name[SIGNATURE], 4096) if SIGNATURE in by_name else None
            )
            listed = {f.path: f for f in statement.files}
            present = set(by_name) - {STATEMENT, SIGNATURE}
            for path in sorted(set(listed) - present):
                raise PackFileError(f"Pack refusé : fichier manquant : {path}.")
            for path in sorted(present - set(listed)):
                raise PackFileError(
                    f"Pack refusé : fichier non déclaré dans l'inventaire : {path}."
                )
            files: dict[str, bytes] = {}
            for path, entry in sorted(listed.items()):
                if name_problem(path) or Path(path).suffix.lower() not in ALLOWED_SUFFIXES:
                    raise PackFileError(f"Pack refusé : type de fichier non autorisé : {path}.")
                data = _read_bounded(
                    archive, by_name[path], min(entry.size, MAX_ENTRY_BYTES), "fichier modifié"
                )
                if len(data) != entry.size or sha256_hex(data) != entry.sha256:
                    raise PackFileError(f"Pack refusé : fichier modifié : {path}.")
                files[path] = data
    except (
        zipfile.BadZipFile,
        zipfile.LargeZipFile,
        zlib.error,
        EOFError,
        OSError,
        ValueError,
    ) as exc:
        if isinstance(exc, UsageError):
            raise
        raise PackFileError("Pack refusé : archive endommagée.") from None
    return PackContents(statement, signature, files)


def read_pack_file(path: Path) -> PackContents:
    try:
        size = path.stat().st_size
        if size > MAX_PACK_BYTES:
            raise PackFileError("Pack refusé : fichier trop volumineux (32 Mo au maximum).")
        raw = path.read_bytes()
    except FileNotFoundError:
        raise PackFileError(f"Fichier de pack introuvable : {path}") from None
    except IsADirectoryError:
        raise PackFileError(f"Un fichier de pack est attendu, pas un dossier : {path}") from None
    except OSError as exc:
        raise PackFileError(f"Fichier de pack illisible : {path} ({exc.strerror})") from None
    return read_pack_bytes(raw)


def collect_folder(folder: Path) -> dict[str, bytes]:
    """The files of a pack folder, checked like an archive's (for signing and exporting)."""
    files: dict[str, bytes] = {}
    for path in sorted(folder.rglob("*")):
        rel = path.relative_to(folder).as_posix()
        if rel in (STATEMENT, SIGNATURE) or any(p.startswith(".") for p in rel.split("/")):
            continue
        if path.is_symlink():
            raise PackFileError(f"Lien symbolique interdit dans un pack : {rel}")
        if path.is_dir():
            continue
        if name_problem(rel) or path.suffix.lower() not in ALLOWED_SUFFIXES:
            raise PackFileError(f"Fichier non autorisé dans un pack : {rel}")
        files[rel] = path.read_bytes()
    return files


def build_statement(
    pack_id: str, version: str, files: dict[str, bytes], signer: str | None
) -> Statement:
    entries = tuple(FileEntry(p, len(d), sha256_hex(d)) for p, d in sorted(files.items()))
    return Statement(pack_id, version, signer, entries)


def pack_bytes(files: dict[str, bytes], statement: Statement, signature: bytes | None) -> bytes:
    """A deterministic zip: sorted names, fixed dates and permissions."""
    out = io.BytesIO()
    members = [(STATEMENT, statement.canonical())]
    if signature is not None:
        members.append((SIGNATURE, signature))
    members += sorted(files.items())
    with zipfile.ZipFile(out, "w") as archive:
        for name, data in members:
            info = zipfile.ZipInfo(name, FIXED_DATE)
            info.external_attr = 0o644 << 16
            info.compress_type = zipfile.ZIP_DEFLATED
            archive.writestr(info, data)
    return out.getvalue()


def write_pack_file(
    files: dict[str, bytes],
    pack_id: str,
    version: str,
    out: Path,
    private: Ed25519PrivateKey | None,
) -> Statement:
    signer = key_id(private.public_key()) if private else None
    statement = build_statement(pack_id, version, files, signer)
    signature = sign_statement(statement, private) if private else None
    atomic_write_bytes(out, pack_bytes(files, statement, signature), mode=0o644)
    return statement
