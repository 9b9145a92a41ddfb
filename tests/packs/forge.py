"""Build pack files for tests, honest or hostile, signed with throw-away keys."""

from __future__ import annotations

import io
import re
import struct
import zipfile
from pathlib import Path

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from hospidesk.packs.archive import build_statement, collect_folder
from hospidesk.packs.signing import SIGNATURE, STATEMENT, Statement, key_id, sign_statement
from hospidesk.paths import shipped_packs_dir

SECRETARIAT = shipped_packs_dir() / "secretariat"
SHIPPED = re.search(
    r'^version = "(\d+)\.(\d+)\.(\d+)"$',
    (SECRETARIAT / "pack.toml").read_text(encoding="utf-8"),
    re.MULTILINE,
)
assert SHIPPED is not None
SHIPPED_VERSION = ".".join(SHIPPED.groups())
"""The version of the secretariat pack shipped with the app; forged packs are numbered from it."""


def newer(step: int = 1) -> str:
    """A version ``step`` minor versions after the shipped one."""
    major, minor, _ = (int(n) for n in SHIPPED.groups())  # type: ignore[union-attr]
    return f"{major}.{minor + step}.0"


NEXT = newer()
OLDER = "0.9.0"  # before any shipped version


def pack_files(version: str = NEXT, folder: Path = SECRETARIAT) -> dict[str, bytes]:
    files = collect_folder(folder)
    manifest = files["pack.toml"].decode()
    shipped = re.search(r'^version = "[^"]+"$', manifest, re.MULTILINE)
    assert shipped is not None
    files["pack.toml"] = manifest.replace(shipped.group(0), f'version = "{version}"').encode()
    return files


def forge(
    files: dict[str, bytes] | list[tuple[str, bytes]],
    key: Ed25519PrivateKey | None,
    version: str | None = None,
    pack_id: str = "secretariat",
    listed: list[tuple[str, bytes]] | None = None,
    link: str | None = None,
) -> bytes:
    """A zip whose statement lists ``listed`` (default: the files) and is signed by ``key``."""
    members = list(files.items()) if isinstance(files, dict) else list(files)
    statement_files = dict(listed if listed is not None else members)
    if version is None:  # the manifest's own version, as an honest signer would use
        manifest = dict(members).get("pack.toml", b"").decode()
        found = re.search(r'^version = "([^"]+)"', manifest, re.MULTILINE)
        version = found.group(1) if found else NEXT
    statement = build_statement(
        pack_id, version, statement_files, key_id(key.public_key()) if key else None
    )
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr(STATEMENT, statement.canonical())
        if key is not None:
            archive.writestr(SIGNATURE, sign_statement(statement, key))
        for name, data in members:
            info = zipfile.ZipInfo(name)
            info.compress_type = zipfile.ZIP_DEFLATED
            if name == link:
                info.external_attr = 0o120777 << 16
            archive.writestr(info, data)
    return out.getvalue()


def replace_member(raw: bytes, name: str, data: bytes) -> bytes:
    """Rewrite one member's bytes, keeping the statement and signature as they were."""
    src = zipfile.ZipFile(io.BytesIO(raw))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst:
        for info in src.infolist():
            dst.writestr(info.filename, data if info.filename == name else src.read(info))
    return out.getvalue()


def add_member(raw: bytes, name: str, data: bytes) -> bytes:
    src = zipfile.ZipFile(io.BytesIO(raw))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst:
        for info in src.infolist():
            dst.writestr(info.filename, src.read(info))
        dst.writestr(name, data)
    return out.getvalue()


def drop_member(raw: bytes, name: str) -> bytes:
    src = zipfile.ZipFile(io.BytesIO(raw))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst:
        for info in src.infolist():
            if info.filename != name:
                dst.writestr(info.filename, src.read(info))
    return out.getvalue()


def overlap_entries(raw: bytes, second: str) -> bytes:
    """Point the central directory entry of ``second`` at the first entry's data."""
    data = bytearray(raw)
    pos = data.find(b"PK\x01\x02")
    first_offset = None
    while pos != -1:
        name_len, extra_len, comment_len = struct.unpack_from("<HHH", data, pos + 28)
        name = bytes(data[pos + 46 : pos + 46 + name_len]).decode()
        if first_offset is None:
            first_offset = struct.unpack_from("<I", data, pos + 42)[0]
        elif name == second:
            struct.pack_into("<I", data, pos + 42, first_offset)
        pos = data.find(b"PK\x01\x02", pos + 46 + name_len + extra_len + comment_len)
    return bytes(data)


def statement_of(raw: bytes) -> Statement:
    return Statement.parse(zipfile.ZipFile(io.BytesIO(raw)).read(STATEMENT))
