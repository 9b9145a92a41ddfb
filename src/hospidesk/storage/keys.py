"""The history's data key: random, kept in the OS keyring, with a passphrase recovery wrap.

The key file beside the history holds no key in clear: a check value sealed with the key (to
tell a wrong key from damaged data) and, once the user set one, the key sealed with a key
derived from their recovery passphrase. When the keyring is missing, locked or holds another
key, nothing falls back to plaintext and nothing is deleted: the user is told, and recovers.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import json
import os
from pathlib import Path
from typing import Any

from hospidesk.errors import HospiDeskError
from hospidesk.fsutil import atomic_write_text
from hospidesk.storage.crypto import (
    KEY_BYTES,
    CorruptData,
    new_key,
    open_sealed,
    passphrase_key,
    seal,
)

SERVICE = "hospidesk"
CHECK = b"hospidesk-history-key-check"
RECOVER_HINT = (
    "Récupérez-la avec votre phrase de secours : « hospidesk history recover » (ou "
    "Paramètres › Historique dans la fenêtre). Vos brouillons restent intacts."
)


class KeyUnavailable(HospiDeskError):
    """The history cannot be opened now; the message says why and how to recover."""

    exit_code = 8


def _b64(data: bytes) -> str:
    return base64.b64encode(data).decode()


def _unb64(text: str) -> bytes:
    return base64.b64decode(text, validate=True)


class KeyStore:
    def __init__(self, folder: Path, backend: Any = None) -> None:
        self.folder = folder
        self.file = folder / "history-key.json"
        # One keyring entry per data folder (HOSPIDESK_HOME gives each its own).
        self.entry = (
            "history-data-key:" + hashlib.sha256(str(folder.resolve()).encode()).hexdigest()[:16]
        )
        self._backend = backend

    @property
    def backend(self) -> Any:
        if self._backend is None:
            import keyring

            self._backend = keyring
        return self._backend

    def _meta(self) -> dict[str, Any] | None:
        try:
            data = json.loads(self.file.read_text(encoding="utf-8"))
        except FileNotFoundError:
            return None
        except (OSError, ValueError):
            raise KeyUnavailable(
                f"Le fichier de clé de l'historique est illisible ({self.file}). {RECOVER_HINT}"
            ) from None
        return data if isinstance(data, dict) else None

    def _keyring_get(self) -> str | None:
        from keyring.errors import KeyringError

        try:
            return self.backend.get_password(SERVICE, self.entry)  # type: ignore[no-any-return]
        except (KeyringError, RuntimeError, OSError):
            raise KeyUnavailable(
                "Aucun trousseau système utilisable (absent ou verrouillé) : l'historique "
                f"chiffré ne peut pas être ouvert. {RECOVER_HINT}"
            ) from None

    def _keyring_set(self, key: bytes) -> None:
        from keyring.errors import KeyringError

        try:
            self.backend.set_password(SERVICE, self.entry, _b64(key))
        except (KeyringError, RuntimeError, OSError):
            raise KeyUnavailable(
                "Aucun trousseau système utilisable (absent ou verrouillé) : la clé de "
                "l'historique ne peut pas y être enregistrée. L'historique n'est jamais écrit "
                "en clair ; ouvrez votre session graphique ou contactez la DSI."
            ) from None

    def _check(self, key: bytes, meta: dict[str, Any]) -> bool:
        try:
            return open_sealed(key, _unb64(meta["check"]), b"check") == CHECK
        except (CorruptData, KeyError, ValueError, binascii.Error):
            return False

    def load(self) -> bytes:
        """The data key: created on first use, else read from the keyring and checked."""
        meta = self._meta()
        if meta is None:
            key = new_key()
            self._keyring_set(key)
            self._write({"version": 1, "check": _b64(seal(key, CHECK, b"check")), "recovery": None})
            return key
        stored = self._keyring_get()
        if stored is None:
            raise KeyUnavailable(
                "La clé de l'historique est absente du trousseau système (trousseau changé "
                f"ou réinitialisé). {RECOVER_HINT}"
            )
        try:
            key = _unb64(stored)
        except (ValueError, binascii.Error):
            key = b""
        if len(key) != KEY_BYTES or not self._check(key, meta):
            raise KeyUnavailable(
                "La clé de l'historique trouvée dans le trousseau est altérée ou ne correspond "
                f"pas à cet historique. {RECOVER_HINT}"
            )
        return key

    def has_recovery(self) -> bool:
        meta = self._meta()
        return bool(meta and meta.get("recovery"))

    def set_recovery(self, passphrase: str) -> None:
        """Wrap the current key with a passphrase the user will need if the keyring is lost."""
        if len(passphrase) < 10:
            raise KeyUnavailable("La phrase de secours doit compter au moins 10 caractères.")
        key = self.load()
        meta = self._meta() or {}
        salt = os.urandom(16)
        meta["recovery"] = {
            "kdf": "scrypt",
            "n": 2**15,
            "r": 8,
            "p": 1,
            "salt": _b64(salt),
            "key": _b64(seal(passphrase_key(passphrase, salt), key, b"recovery")),
        }
        self._write(meta)

    def recover(self, passphrase: str) -> bytes:
        """Unwrap the key with the passphrase, check it, and put it back in the keyring."""
        meta = self._meta()
        recovery = meta.get("recovery") if meta else None
        if not meta or not recovery:
            raise KeyUnavailable(
                "Aucune phrase de secours n'a été définie pour cet historique : la DSI seule "
                "peut aider (clé de secours de l'établissement)."
            )
        try:
            wrapping = passphrase_key(passphrase, _unb64(recovery["salt"]))
            key = open_sealed(wrapping, _unb64(recovery["key"]), b"recovery")
        except (CorruptData, KeyError, ValueError, binascii.Error):
            raise KeyUnavailable("Phrase de secours incorrecte.") from None
        if not self._check(key, meta):
            raise KeyUnavailable("La clé récupérée ne correspond pas à cet historique.")
        self._keyring_set(key)
        return key

    def _write(self, meta: dict[str, Any]) -> None:
        self.folder.mkdir(parents=True, exist_ok=True)
        atomic_write_text(self.file, json.dumps(meta, indent=1))
