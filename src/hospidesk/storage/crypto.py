"""Authenticated encryption (AES-256-GCM), passphrase keys (scrypt) and sealing to a public
key (X25519 + HKDF + AES-GCM, for the IT recovery key), all from `cryptography`."""

from __future__ import annotations

import os

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric.x25519 import X25519PrivateKey, X25519PublicKey
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from cryptography.hazmat.primitives.kdf.hkdf import HKDF
from cryptography.hazmat.primitives.kdf.scrypt import Scrypt

NONCE_BYTES = 12
KEY_BYTES = 32


class CorruptData(Exception):
    """Ciphertext that does not authenticate: changed, truncated, or another key."""


def new_key() -> bytes:
    return AESGCM.generate_key(bit_length=256)


def seal(key: bytes, plaintext: bytes, aad: bytes) -> bytes:
    """nonce || ciphertext+tag; ``aad`` binds the blob to where it is stored."""
    nonce = os.urandom(NONCE_BYTES)
    return nonce + AESGCM(key).encrypt(nonce, plaintext, aad)


def open_sealed(key: bytes, blob: bytes, aad: bytes) -> bytes:
    if len(blob) < NONCE_BYTES + 16:
        raise CorruptData("too short")
    try:
        return AESGCM(key).decrypt(blob[:NONCE_BYTES], blob[NONCE_BYTES:], aad)
    except InvalidTag:
        raise CorruptData("authentication failed") from None


def passphrase_key(passphrase: str, salt: bytes) -> bytes:
    """A key from a passphrase; scrypt makes each guess cost memory and time."""
    return Scrypt(salt=salt, length=KEY_BYTES, n=2**15, r=8, p=1).derive(passphrase.encode())


# Sealing to a public key: only the holder of the private key (IT) can open.

_RAW = serialization.PublicFormat.Raw
_RAW_ENCODING = serialization.Encoding.Raw


def _shared_key(shared: bytes, ephemeral: bytes, recipient: bytes, info: bytes) -> bytes:
    return HKDF(
        algorithm=hashes.SHA256(), length=KEY_BYTES, salt=ephemeral + recipient, info=info
    ).derive(shared)


def public_fingerprint(public: X25519PublicKey) -> str:
    import hashlib

    return hashlib.sha256(public.public_bytes(_RAW_ENCODING, _RAW)).hexdigest()[:32]


def seal_to(public: X25519PublicKey, plaintext: bytes, info: bytes) -> bytes:
    """ephemeral public key (32 bytes) || seal(HKDF(X25519(ephemeral, public)), plaintext)."""
    ephemeral = X25519PrivateKey.generate()
    ephemeral_raw = ephemeral.public_key().public_bytes(_RAW_ENCODING, _RAW)
    recipient_raw = public.public_bytes(_RAW_ENCODING, _RAW)
    key = _shared_key(ephemeral.exchange(public), ephemeral_raw, recipient_raw, info)
    return ephemeral_raw + seal(key, plaintext, info)


def open_sealed_to(private: X25519PrivateKey, blob: bytes, info: bytes) -> bytes:
    if len(blob) < 32:
        raise CorruptData("too short")
    ephemeral_raw, sealed = blob[:32], blob[32:]
    recipient_raw = private.public_key().public_bytes(_RAW_ENCODING, _RAW)
    try:
        shared = private.exchange(X25519PublicKey.from_public_bytes(ephemeral_raw))
    except ValueError:
        raise CorruptData("bad ephemeral key") from None
    return open_sealed(_shared_key(shared, ephemeral_raw, recipient_raw, info), sealed, info)
