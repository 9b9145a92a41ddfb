"""Check a model file against the approved catalogs, and hand llama.cpp the bytes that were checked.

The file is opened once (``open_model_file``): its hash is computed from that descriptor, and
the engine loads that same open file (``EngineClient.load``), so renaming another file over the
path between the check and the load changes nothing.

Who can change the file decides how much is trusted:

- a file the user cannot modify (not owned by the user, in a folder they cannot write) that
  lies in IT's site folder or the installation (``HashCache.trusted``): its hash may be
  remembered in a cache, keyed on device,
  inode, size, mtime and ctime (any change to the file or a replacement changes one of them, and
  no user can set a ctime); llama.cpp maps it.
- any other file (the user's own models folder, a developer's virtual environment, everything
  when running as root): hashed in full at every load; on Linux it is copied into sealed memory
  as it is hashed, and the engine maps that copy (``_snapshot``), so a write after the check
  cannot reach the loaded model.

On Windows the file is opened with a share mode that denies writing, renaming and deleting while
it is loaded (``_open_deny_write``), and it is always hashed.
"""

from __future__ import annotations

import hashlib
import json
import os
import sys
from dataclasses import dataclass, field
from enum import StrEnum
from pathlib import Path
from stat import S_ISREG

from hospidesk.engine.catalog import Catalog, ModelEntry
from hospidesk.errors import ModelError
from hospidesk.fsutil import atomic_write_text

CHUNK = 4 * 1024 * 1024
GGUF_MAGIC = b"GGUF"


class Rule(StrEnum):
    """Which rule let a model file through (recorded in the audit trail's ``model_loaded``)."""

    PROTECTED_CACHED = "protected-cached"
    """A file the user cannot modify, its hash remembered from an earlier check."""
    PROTECTED_HASHED = "protected-hashed"
    """A file the user cannot modify, hashed now."""
    USER_HASHED = "user-hashed"
    """A file the user can modify: hashed at every load."""


@dataclass(frozen=True)
class FileIdentity:
    """What changes when a file is written or replaced (ctime cannot be set by a user)."""

    device: int
    inode: int
    size: int
    mtime_ns: int
    ctime_ns: int

    @classmethod
    def of(cls, stat: os.stat_result) -> FileIdentity:
        return cls(stat.st_dev, stat.st_ino, stat.st_size, stat.st_mtime_ns, stat.st_ctime_ns)


@dataclass(frozen=True)
class VerifiedModel:
    """A model file found to be an approved model, and how that was established."""

    path: Path
    entry: ModelEntry
    rule: Rule = Rule.USER_HASHED
    identity: FileIdentity | None = None


@dataclass
class OpenModel:
    """A model file opened once: checked from this descriptor, loaded from it."""

    path: Path
    fd: int
    identity: FileIdentity
    protected: bool
    """Whether the user cannot modify the file (see the module's docstring)."""
    real: Path = Path()
    """Where the opened file is, as the system says of the descriptor (not of ``path``,
    which a link or a rename may point elsewhere by now)."""
    model: VerifiedModel | None = None
    """Set once the descriptor's content was checked against a catalog."""
    sha256: str = ""
    """The hash the check relied on (computed now, or remembered for a protected file)."""
    _closed: bool = field(default=False, repr=False)

    def close(self) -> None:
        if not self._closed:
            self._closed = True
            os.close(self.fd)

    def __enter__(self) -> OpenModel:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


class HashCache:
    """Remembered hashes of protected model files, keyed on path and FileIdentity.

    The cache is a plain file of the user's: it is only consulted for files the user cannot
    modify, so an entry written by hand cannot make an altered file pass.
    """

    def __init__(self, file: Path, trusted: tuple[Path, ...] = ()) -> None:
        self.file = file
        self.trusted = tuple(Path(os.path.realpath(folder)) for folder in trusted)
        """The only folders whose files the cache may vouch for (IT's site folder, the
        installation): a root-owned file elsewhere (a USB stick, another account) is hashed."""
        self._data: dict[str, dict[str, object]] = {}
        try:
            loaded = json.loads(file.read_text(encoding="utf-8"))
            if isinstance(loaded, dict):
                self._data = loaded
        except (OSError, ValueError):
            self._data = {}

    @staticmethod
    def _key(real: Path) -> str:
        return str(real)

    @staticmethod
    def _value(identity: FileIdentity) -> dict[str, object]:
        return {
            "device": identity.device,
            "inode": identity.inode,
            "size": identity.size,
            "mtime_ns": identity.mtime_ns,
            "ctime_ns": identity.ctime_ns,
        }

    def vouches_for(self, real: Path) -> bool:
        """``real``: where the opened file is (``OpenModel.real``)."""
        return any(real.is_relative_to(folder) for folder in self.trusted)

    def get(self, real: Path, identity: FileIdentity) -> str | None:
        if not self.vouches_for(real):
            return None
        item = self._data.get(self._key(real))
        if not isinstance(item, dict) or not isinstance(item.get("sha256"), str):
            return None
        if {k: item.get(k) for k in self._value(identity)} != self._value(identity):
            return None
        return str(item["sha256"])

    def put(self, real: Path, identity: FileIdentity, sha256: str) -> None:
        if not self.vouches_for(real):
            return
        self._data[self._key(real)] = {**self._value(identity), "sha256": sha256}
        try:
            self.file.parent.mkdir(parents=True, exist_ok=True)
            atomic_write_text(self.file, json.dumps(self._data, indent=1, sort_keys=True))
        except Exception:  # noqa: S110 - a cache that cannot be written only costs a rehash
            pass


def user_can_modify(real: Path, stat: os.stat_result) -> bool:
    """Whether the user running HospiDesk could change or replace the opened file, which is
    at ``real`` (``opened_path``) and has ``stat``.

    The owner of a file can always make it writable again, and whoever can write its folder can
    replace it; root can do anything. On Windows, where ownership and ACLs are not read here,
    every file counts as modifiable (always hashed; the open handle denies writes meanwhile).
    """
    if os.name != "posix":
        return True
    uid = os.geteuid()
    if uid == 0:
        return True
    try:
        folder = real.parent.stat()
    except OSError:
        return True
    return any(
        info.st_uid == uid or os.access(target, os.W_OK)
        for target, info in ((real, stat), (real.parent, folder))
    )


def _open_deny_write(path: Path) -> int:  # pragma: no cover - Windows only
    """A read-only descriptor on Windows that denies writing, renaming and deleting the file
    for as long as it stays open (share mode FILE_SHARE_READ alone)."""
    import ctypes
    import msvcrt
    from ctypes import wintypes

    generic_read, file_share_read, open_existing = 0x80000000, 0x00000001, 3
    create_file = ctypes.windll.kernel32.CreateFileW  # type: ignore[attr-defined]
    create_file.restype = wintypes.HANDLE
    handle = create_file(str(path), generic_read, file_share_read, None, open_existing, 0, None)
    if handle in (None, wintypes.HANDLE(-1).value):
        raise ctypes.WinError()  # type: ignore[attr-defined]
    fd: int = msvcrt.open_osfhandle(handle, os.O_RDONLY | os.O_BINARY)  # type: ignore[attr-defined]
    return fd


def opened_path(fd: int, path: Path) -> Path:
    """Where the file open on ``fd`` is: what Linux says of the descriptor itself
    (/proc/self/fd), or macOS (F_GETPATH); elsewhere ``path`` resolved."""
    link = Path(f"/proc/self/fd/{fd}")
    if sys.platform == "linux" and link.exists():
        target = str(link.readlink())
        if target.startswith("/") and not target.endswith(" (deleted)"):
            return Path(target)
    if sys.platform == "darwin":  # pragma: no cover - macOS
        import fcntl

        buffer = fcntl.fcntl(fd, 50, b"\0" * 1024)  # F_GETPATH
        return Path(buffer.split(b"\0", 1)[0].decode())
    return Path(os.path.realpath(path))


def open_model_file(path: Path) -> OpenModel:
    """Open a model file once, for checking and loading; or say why it cannot be a model."""
    try:
        fd = _open_deny_write(path) if sys.platform == "win32" else os.open(path, os.O_RDONLY)
    except FileNotFoundError:
        raise ModelError(f"Fichier de modèle introuvable : {path}") from None
    except OSError as exc:
        raise ModelError(f"Fichier de modèle illisible : {path} ({exc.strerror})") from None
    try:
        stat = os.fstat(fd)
        if not _is_regular(stat):
            raise ModelError(f"Ce n'est pas un fichier de modèle : {path}")
        real = opened_path(fd, path)
        protected = not user_can_modify(real, stat)
        return OpenModel(path, fd, FileIdentity.of(stat), protected, real)
    except BaseException:
        os.close(fd)
        raise


def _is_regular(stat: os.stat_result) -> bool:
    return S_ISREG(stat.st_mode)


def _read_at(fd: int, size: int, offset: int) -> bytes:
    if hasattr(os, "pread"):
        return os.pread(fd, size, offset)
    os.lseek(fd, offset, os.SEEK_SET)  # pragma: no cover - Windows
    return os.read(fd, size)  # pragma: no cover - Windows


def sha256_fd(fd: int) -> str:
    """The SHA-256 of an open file's whole content, read from its descriptor."""
    digest = hashlib.sha256()
    offset = 0
    while chunk := _read_at(fd, CHUNK, offset):
        digest.update(chunk)
        offset += len(chunk)
    return digest.hexdigest()


def _hash(opened: OpenModel) -> str:
    """The SHA-256 of a GGUF file (anything else is refused before it is read in full)."""
    try:
        if _read_at(opened.fd, 4, 0) != GGUF_MAGIC:
            raise ModelError(f"Modèle refusé : {opened.path.name} n'est pas un fichier GGUF.")
        return sha256_fd(opened.fd)
    except OSError as exc:
        raise ModelError(f"Fichier de modèle illisible : {opened.path} ({exc.strerror})") from None


def check(
    opened: OpenModel,
    catalog: Catalog | None,
    cache: HashCache | None = None,
    expected: ModelEntry | None = None,
) -> VerifiedModel:
    """The one verification of a model file, from its open descriptor: the approved entry, or
    ModelError naming the file and the reason. With ``expected``, it must be that very model.

    Every path to a model goes through here: ``models list``, ``models verify``, the window,
    ``draft``, and the engine's load (see the module's docstring for the rules).
    """
    name = opened.path.name
    size = opened.identity.size
    candidates = [expected] if expected else [e.entry for e in catalog.entries] if catalog else []
    if size not in {e.size for e in candidates}:
        if expected:
            raise ModelError(
                f"Modèle refusé : {name} n'a pas la taille approuvée pour « {expected.id} » "
                f"({size} octets au lieu de {expected.size}). Fichier modifié ou incomplet."
            )
        raise ModelError(
            f"Modèle refusé : {name} ne figure dans aucun catalogue de modèles approuvés."
        )
    usable_cache = cache if opened.protected and cache and cache.vouches_for(opened.real) else None
    sha = usable_cache.get(opened.real, opened.identity) if usable_cache else None
    rule = Rule.PROTECTED_CACHED
    if sha is None:
        sha = _hash(opened)
        rule = Rule.PROTECTED_HASHED if opened.protected else Rule.USER_HASHED
        if usable_cache:
            usable_cache.put(opened.real, opened.identity, sha)
    entry = _approved(name, sha, catalog, expected)
    opened.sha256 = sha
    opened.model = VerifiedModel(opened.path, entry, rule, opened.identity)
    return opened.model


def _approved(
    name: str, sha: str, catalog: Catalog | None, expected: ModelEntry | None
) -> ModelEntry:
    if expected:
        if sha != expected.sha256:
            raise ModelError(
                f"Modèle refusé : l'empreinte SHA-256 de {name} ne correspond pas à celle "
                f"approuvée pour « {expected.id} » (fichier modifié ou corrompu)."
            )
        return expected
    entry = catalog.by_sha256(sha) if catalog else None
    if entry is None:
        raise ModelError(
            f"Modèle refusé : l'empreinte SHA-256 de {name} ne figure dans aucun catalogue "
            "de modèles approuvés (fichier modifié ou non approuvé)."
        )
    return entry


def verify_file(
    path: Path, catalog: Catalog, cache: HashCache | None = None, expected: ModelEntry | None = None
) -> VerifiedModel:
    """Check ``path`` (see ``check``) and close it."""
    with open_model_file(path) as opened:
        return check(opened, catalog, cache, expected)


def open_verified(model: VerifiedModel, cache: HashCache | None = None) -> OpenModel:
    """Open a model verified earlier and check it again from the descriptor the engine will
    load (it may have changed since); the caller owns the returned file.

    A file the user can modify is, on Linux, copied into sealed memory while it is hashed:
    the engine maps those very bytes, which nobody can change any more (``_snapshot``).
    """
    opened = open_model_file(model.path)
    try:
        if opened.protected or not hasattr(os, "memfd_create"):
            check(opened, None, cache, model.entry)
            return opened
        return _snapshot(opened, model.entry)
    except BaseException:
        opened.close()
        raise


def _snapshot(opened: OpenModel, expected: ModelEntry) -> OpenModel:
    """The file's bytes copied into a memory file, sealed, then hashed; closes ``opened``.

    Hashing a file the user may write and then letting llama.cpp read it again leaves a window
    in which it can be rewritten (and a rename or an unlink moves its ctime too, so ctime cannot
    tell a write from a replacement). The sealed copy closes that window: what is hashed is
    what is mapped. The copy is hashed only once sealed: during the copy another process of the
    user can open it through /proc and write to it, but no write passes the seal, so the bytes
    hashed are the bytes llama.cpp maps. It costs one memory copy of the file and one more
    read of it (the mapping then shares its pages).
    """
    import fcntl

    name = opened.path.name
    if opened.identity.size != expected.size:
        check(opened, None, None, expected)  # raises the size refusal, worded as everywhere
    if _read_at(opened.fd, 4, 0) != GGUF_MAGIC:
        raise ModelError(f"Modèle refusé : {name} n'est pas un fichier GGUF.")
    memory = os.memfd_create(f"hospidesk-{expected.id}", os.MFD_CLOEXEC | os.MFD_ALLOW_SEALING)
    try:
        offset = 0
        with open(memory, "wb", closefd=False) as copy:
            while chunk := _read_at(opened.fd, CHUNK, offset):
                copy.write(chunk)
                offset += len(chunk)
        seals = fcntl.F_SEAL_SEAL | fcntl.F_SEAL_SHRINK | fcntl.F_SEAL_GROW | fcntl.F_SEAL_WRITE
        fcntl.fcntl(memory, fcntl.F_ADD_SEALS, seals)  # EBUSY while someone maps it writable
        if fcntl.fcntl(memory, fcntl.F_GET_SEALS) & seals != seals:
            raise ModelError(
                f"Modèle refusé : la copie protégée de {name} n'a pas pu être scellée."
            )
        sha = sha256_fd(memory)  # the sealed bytes, those llama.cpp will map
        _approved(name, sha, None, expected)
        snapshot = OpenModel(opened.path, memory, FileIdentity.of(os.fstat(memory)), False)
    except OSError as exc:
        os.close(memory)
        raise ModelError(f"Fichier de modèle illisible : {opened.path} ({exc.strerror})") from None
    except BaseException:
        os.close(memory)
        raise
    snapshot.sha256 = sha
    snapshot.model = VerifiedModel(opened.path, expected, Rule.USER_HASHED, opened.identity)
    opened.close()
    return snapshot
