"""The establishment's recovery key pair for encrypted histories (held by IT).

IT makes the pair once (``hospidesk history it-keygen``), keeps the private key offline,
protected by a passphrase, and puts the public key in the site directory
(``history-recovery-public.pem``). Each history's data key is then also sealed to that public
key, so that IT can give a user their drafts back when the keyring and the user's own
passphrase are both lost (``hospidesk history recover --it-key FILE``).
"""

from __future__ import annotations

from pathlib import Path

from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.x25519 import X25519PrivateKey, X25519PublicKey

from hospidesk.errors import HospiDeskError

PUBLIC_FILE = "history-recovery-public.pem"
PRIVATE_FILE = "history-recovery-private.pem"
MIN_PASSPHRASE = 12


class RecoveryKeyError(HospiDeskError):
    exit_code = 8


def generate(passphrase: str) -> tuple[bytes, bytes]:
    """A new pair: (private key PEM encrypted with ``passphrase``, public key PEM)."""
    if len(passphrase) < MIN_PASSPHRASE:
        raise RecoveryKeyError(
            f"La phrase qui protège la clé de secours doit compter au moins {MIN_PASSPHRASE} "
            "caractères."
        )
    private = X25519PrivateKey.generate()
    private_pem = private.private_bytes(
        serialization.Encoding.PEM,
        serialization.PrivateFormat.PKCS8,
        serialization.BestAvailableEncryption(passphrase.encode()),
    )
    public_pem = private.public_key().public_bytes(
        serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo
    )
    return private_pem, public_pem


def load_public(path: Path) -> X25519PublicKey:
    try:
        key = serialization.load_pem_public_key(path.read_bytes())
    except OSError as exc:
        raise RecoveryKeyError(
            f"Clé de secours de l'établissement illisible ({path}) : {exc.strerror}."
        ) from None
    except ValueError:
        raise RecoveryKeyError(
            f"Clé de secours de l'établissement invalide ({path}) : ce n'est pas une clé "
            "publique PEM produite par « hospidesk history it-keygen »."
        ) from None
    if not isinstance(key, X25519PublicKey):
        raise RecoveryKeyError(
            f"Clé de secours de l'établissement d'un autre type ({path}) : une clé X25519 "
            "est attendue (« hospidesk history it-keygen »)."
        )
    return key


def load_private(path: Path, passphrase: str) -> X25519PrivateKey:
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise RecoveryKeyError(f"Clé de secours illisible ({path}) : {exc.strerror}.") from None
    try:
        key = serialization.load_pem_private_key(data, passphrase.encode() or None)
    except (ValueError, TypeError):
        raise RecoveryKeyError(
            "Clé de secours de l'établissement : phrase incorrecte ou fichier qui n'est pas "
            "une clé privée PEM."
        ) from None
    if not isinstance(key, X25519PrivateKey):
        raise RecoveryKeyError(
            "Clé de secours de l'établissement d'un autre type (X25519 attendu)."
        )
    return key
