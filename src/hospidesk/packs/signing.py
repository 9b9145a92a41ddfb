"""Ed25519 keys and pack signatures.

A pack file carries a *statement*: the pack id, its version, the signer's key id and every file
with its size and sha256, serialised canonically (sorted keys, no spaces, UTF-8). The signature
covers a fixed prefix plus those bytes, so it cannot be moved to another pack (other id,
version or hashes) nor to another kind of signed object.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey

from hospidesk.errors import UsageError
from hospidesk.fsutil import atomic_write_bytes

FORMAT = 1
STATEMENT = "hospidesk-pack.json"
SIGNATURE = "hospidesk-pack.sig"
DOMAIN = b"hospidesk-pack-v1\n"


class SignatureError(UsageError):
    """A signature or key that cannot be trusted; the message says why, in French."""


@dataclass(frozen=True)
class FileEntry:
    path: str
    size: int
    sha256: str


@dataclass(frozen=True)
class Statement:
    pack_id: str
    version: str
    key_id: str | None
    files: tuple[FileEntry, ...]

    def canonical(self) -> bytes:
        payload = {
            "format": FORMAT,
            "pack_id": self.pack_id,
            "version": self.version,
            "key_id": self.key_id,
            "files": [
                {"path": f.path, "size": f.size, "sha256": f.sha256}
                for f in sorted(self.files, key=lambda f: f.path)
            ],
        }
        return json.dumps(
            payload, sort_keys=True, separators=(",", ":"), ensure_ascii=False
        ).encode()

    @classmethod
    def parse(cls, raw: bytes) -> Statement:
        """Parse a statement; anything unexpected is a SignatureError."""
        try:
            data: Any = json.loads(raw.decode("utf-8"))
            if not isinstance(data, dict) or data.get("format") != FORMAT:
                raise ValueError("format")
            if set(data) != {"format", "pack_id", "version", "key_id", "files"}:
                raise ValueError("keys")
            files = tuple(
                FileEntry(str(f["path"]), int(f["size"]), str(f["sha256"])) for f in data["files"]
            )
            key_id = data["key_id"]
            statement = cls(
                str(data["pack_id"]),
                str(data["version"]),
                None if key_id is None else str(key_id),
                files,
            )
        except (ValueError, KeyError, TypeError, UnicodeDecodeError):
            raise SignatureError(
                "Pack refusé : son inventaire (hospidesk-pack.json) est invalide."
            ) from None
        if statement.canonical() != raw:
            raise SignatureError("Pack refusé : son inventaire n'est pas sous forme canonique.")
        return statement


def sha256_hex(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def key_id(public: Ed25519PublicKey) -> str:
    raw = public.public_bytes(serialization.Encoding.Raw, serialization.PublicFormat.Raw)
    return sha256_hex(raw)[:16]


def generate_keypair(prefix: Path) -> str:
    """Write PREFIX.key (private, 0600) and PREFIX.pub; refuse to overwrite. Return the key id."""
    key_path, pub_path = (
        prefix.with_name(prefix.name + ".key"),
        prefix.with_name(prefix.name + ".pub"),
    )
    for path in (key_path, pub_path):
        if path.exists():
            raise UsageError(f"Le fichier existe déjà, il n'est pas remplacé : {path}")
    pem = new_private_pem()
    private = private_from_pem(pem)
    atomic_write_bytes(key_path, pem.encode("ascii"), mode=0o600)
    atomic_write_bytes(pub_path, public_pem(private), mode=0o644)
    return key_id(private.public_key())


def new_private_pem() -> str:
    """A new Ed25519 private key as PEM text (for the keyring)."""
    private = Ed25519PrivateKey.generate()
    return private.private_bytes(
        serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
    ).decode("ascii")


def private_from_pem(pem: str) -> Ed25519PrivateKey:
    key = serialization.load_pem_private_key(pem.encode("ascii"), password=None)
    if not isinstance(key, Ed25519PrivateKey):
        raise UsageError("La clé de signature enregistrée n'est pas une clé Ed25519.")
    return key


def public_pem(private: Ed25519PrivateKey) -> bytes:
    return private.public_key().public_bytes(
        serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo
    )


def load_private_key(path: Path) -> Ed25519PrivateKey:
    try:
        key = serialization.load_pem_private_key(path.read_bytes(), password=None)
    except OSError as exc:
        raise UsageError(f"Clé privée illisible : {path} ({exc.strerror}).") from None
    except (ValueError, TypeError):
        raise UsageError(
            f"Ce fichier n'est pas une clé privée HospiDesk (Ed25519) : {path}"
        ) from None
    if not isinstance(key, Ed25519PrivateKey):
        raise UsageError(f"La clé doit être de type Ed25519 : {path}")
    return key


def load_public_key(raw: bytes) -> Ed25519PublicKey:
    key = serialization.load_pem_public_key(raw)
    if not isinstance(key, Ed25519PublicKey):
        raise ValueError("not an Ed25519 key")
    return key


def sign_statement(statement: Statement, private: Ed25519PrivateKey) -> bytes:
    return base64.b64encode(private.sign(DOMAIN + statement.canonical())) + b"\n"


@dataclass(frozen=True)
class TrustedKeys:
    """The public keys IT allows to sign packs (site directory's ``trusted-keys/*.pub``)."""

    keys: dict[str, Ed25519PublicKey]
    problems: tuple[str, ...] = ()

    @classmethod
    def load(cls, folder: Path) -> TrustedKeys:
        keys: dict[str, Ed25519PublicKey] = {}
        problems: list[str] = []
        if folder.is_dir():
            for path in sorted(folder.glob("*.pub")):
                try:
                    public = load_public_key(path.read_bytes())
                except (OSError, ValueError, TypeError):
                    problems.append(f"clé de confiance illisible ignorée : {path.name}")
                    continue
                keys[key_id(public)] = public
        return cls(keys, tuple(problems))

    def verify(self, statement: Statement, signature: bytes) -> str:
        """Return the signer's key id, or raise SignatureError saying why not."""
        if statement.key_id is None:
            raise SignatureError("Pack refusé : il n'est pas signé.")
        public = self.keys.get(statement.key_id)
        if public is None:
            raise SignatureError(
                f"Pack refusé : il est signé par une clé inconnue ou retirée ({statement.key_id}). "
                "Seules les clés approuvées par la DSI sont acceptées."
            )
        try:
            public.verify(
                base64.b64decode(signature.strip(), validate=True), DOMAIN + statement.canonical()
            )
        except (InvalidSignature, binascii.Error, ValueError):
            raise SignatureError(
                "Pack refusé : la signature ne correspond pas au contenu."
            ) from None
        return statement.key_id
