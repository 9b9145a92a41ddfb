"""The only door to the OS keyring: the history's data key, the servers' API keys, and the
pack signing key an AI referent creates in the studio.

The history's data key is random, kept in the OS keyring, with two recovery wraps.

The key file beside the history holds no key in clear: a check value sealed with the key (to
tell a wrong key from damaged data), the key sealed with a key derived from the user's
recovery passphrase (once they set one) and the key sealed to the establishment's recovery
public key (when IT put one in the site directory, see ``recovery_key``). When the keyring is
missing, locked or holds another key, nothing falls back to plaintext and nothing is deleted:
the user is told, and recovers.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import json
import os
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from hospidesk.errors import HospiDeskError
from hospidesk.fsutil import atomic_write_text
from hospidesk.storage import recovery_key
from hospidesk.storage.crypto import (
    KEY_BYTES,
    CorruptData,
    new_key,
    open_sealed,
    open_sealed_to,
    passphrase_key,
    public_fingerprint,
    seal,
    seal_to,
)

SERVICE = "hospidesk"
SERVER_SERVICE = "hospidesk-server"
SIGNING_SERVICE = "hospidesk-pack-signing"
"""The studio's signing key (Ed25519, PEM), one per OS user."""
CHECK = b"hospidesk-history-key-check"
IT_INFO = b"hospidesk-history-it-recovery-v1"
RECOVER_HINT = (
    "Récupérez-la avec votre phrase de secours : « hospidesk history recover » (ou "
    "Outils › Historique dans la fenêtre), ou demandez à la DSI sa clé de secours. Vos "
    "brouillons restent intacts."
)


class KeyUnavailable(HospiDeskError):
    """The history cannot be opened now; the message says why and how to recover."""

    exit_code = 8


def _b64(data: bytes) -> str:
    return base64.b64encode(data).decode()


def _unb64(text: str) -> bytes:
    return base64.b64decode(text, validate=True)


class KeyStore:
    def __init__(self, folder: Path, backend: Any = None, it_public: Path | None = None) -> None:
        """``it_public``: where IT's recovery public key would be (the site directory)."""
        self.folder = folder
        self.it_public = it_public
        self.file = folder / "history-key.json"
        # One keyring entry per data folder (HOSPIDESK_HOME gives each its own).
        self.entry = (
            "history-data-key:" + hashlib.sha256(str(folder.resolve()).encode()).hexdigest()[:16]
        )
        self._backend = backend

    @property
    def backend(self) -> Any:
        if self._backend is None:
            self._backend = _keyring()
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
        try:
            return self.backend.get_password(SERVICE, self.entry)  # type: ignore[no-any-return]
        except _keyring_errors():
            raise KeyUnavailable(
                "Aucun trousseau système utilisable (absent ou verrouillé) : l'historique "
                f"chiffré ne peut pas être ouvert. {RECOVER_HINT}"
            ) from None

    def _keyring_set(self, key: bytes) -> None:
        try:
            self.backend.set_password(SERVICE, self.entry, _b64(key))
        except _keyring_errors():
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
            meta = {"version": 1, "check": _b64(seal(key, CHECK, b"check")), "recovery": None}
            self._wrap_for_it(key, meta, always_write=True)
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
        self._wrap_for_it(key, meta)
        return key

    def _wrap_for_it(self, key: bytes, meta: dict[str, Any], always_write: bool = False) -> None:
        """Seal the key to IT's current public key, once per public key.

        A missing or unusable public key never stops the user's work: ``hospidesk doctor``
        reports it to IT. A new public key replaces the wrap made for the previous one.
        """
        public = None
        if self.it_public is not None and self.it_public.exists():
            try:
                public = recovery_key.load_public(self.it_public)
            except HospiDeskError:
                public = None
        if public is not None:
            fingerprint = public_fingerprint(public)
            current = meta.get("it_recovery") or {}
            if current.get("fingerprint") != fingerprint:
                meta["it_recovery"] = {
                    "fingerprint": fingerprint,
                    "key": _b64(seal_to(public, key, IT_INFO)),
                }
                always_write = True
        if always_write:
            self._write(meta)

    def it_fingerprint(self) -> str | None:
        """The fingerprint of the IT key this history can be recovered with, if any."""
        meta = self._meta()
        wrap = meta.get("it_recovery") if meta else None
        return str(wrap["fingerprint"]) if isinstance(wrap, dict) else None

    def recover_with_it_key(self, private_key_file: Path, passphrase: str) -> bytes:
        """Unwrap the key with IT's private key, check it, put it back in the keyring."""
        private = recovery_key.load_private(private_key_file, passphrase)
        meta = self._meta()
        wrap = meta.get("it_recovery") if meta else None
        if not meta or not isinstance(wrap, dict):
            raise KeyUnavailable(
                "Cet historique n'a pas été protégé par une clé de secours de l'établissement "
                "(aucune n'était installée quand il a été ouvert pour la dernière fois)."
            )
        if wrap.get("fingerprint") != public_fingerprint(private.public_key()):
            raise KeyUnavailable(
                "Cette clé de secours n'est pas celle qui protège cet historique (empreinte "
                f"attendue : {wrap.get('fingerprint')})."
            )
        try:
            key = open_sealed_to(private, _unb64(wrap["key"]), IT_INFO)
        except (CorruptData, KeyError, ValueError, binascii.Error):
            raise KeyUnavailable("La copie de secours de la clé est endommagée.") from None
        if len(key) != KEY_BYTES or not self._check(key, meta):
            raise KeyUnavailable("La clé récupérée ne correspond pas à cet historique.")
        self._keyring_set(key)
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


# keyring is imported where it is used: importing it looks for backends, which costs start-up
# time that commands without secrets (``--version``, ``tasks``) should not pay.


def _keyring() -> Any:
    import keyring

    return keyring


def _keyring_errors() -> tuple[type[BaseException], ...]:
    from keyring.errors import KeyringError

    return (KeyringError, RuntimeError, OSError)


def _server_key(server_id: str) -> str | None:
    """The stored API key of a server, None when absent; KeyringError (and kin) when the
    keyring cannot be read."""
    key = _keyring().get_password(SERVER_SERVICE, server_id)
    return str(key) if key else None


def server_api_key(server_id: str) -> str | None:
    """The API key stored for an on-premises server; None when absent or unreadable."""
    try:
        return _server_key(server_id)
    except _keyring_errors():
        return None


def server_key_state(server_id: str) -> str:
    """What ``servers list`` says of a server's API key (French)."""
    try:
        stored = _server_key(server_id)
    except _keyring_errors():
        return "clé demandée, trousseau indisponible"
    return "clé enregistrée" if stored else "clé demandée, absente du trousseau"


def store_server_api_key(server_id: str, key: str | None) -> None:
    """Keep (or, with None, remove) a server's API key in the OS keyring."""
    backend = _keyring()
    try:
        if key is None:
            backend.delete_password(SERVER_SERVICE, server_id)
        else:
            backend.set_password(SERVER_SERVICE, server_id, key)
    except _keyring_errors():
        what = "retirée du" if key is None else "enregistrée dans le"
        raise KeyUnavailable(
            f"Aucun trousseau système utilisable (absent, verrouillé, ou clé absente) : la clé "
            f"d'API n'a pas pu être {what} trousseau. Ouvrez votre session graphique ou "
            "contactez la DSI."
        ) from None


def stored_signing_key(user: str) -> str | None:
    """The user's pack signing key (PEM), None when they have none yet; KeyUnavailable when
    the keyring cannot be read (never taken for « none »: a second key would be made)."""
    try:
        key = _keyring().get_password(SIGNING_SERVICE, user)
    except _keyring_errors():
        raise KeyUnavailable(
            "Le trousseau système est indisponible : la clé de signature ne peut pas être lue. "
            "Ouvrez votre session graphique ou contactez la DSI."
        ) from None
    return str(key) if key else None


def store_signing_key(user: str, pem: str) -> None:
    try:
        _keyring().set_password(SIGNING_SERVICE, user, pem)
    except _keyring_errors():
        raise KeyUnavailable(
            "Aucun trousseau système utilisable : la clé de signature n'a pas été créée. "
            "Ouvrez votre session graphique ou contactez la DSI."
        ) from None


@dataclass(frozen=True)
class KeyringState:
    usable: bool
    backend: str
    """The backend's name, or why none could be had."""


def keyring_state() -> KeyringState:
    """Which OS keyring this session would use (``hospidesk doctor``); opens no secret."""
    try:
        keyring = _keyring()
        from keyring.backends import fail

        backend = keyring.get_keyring()
    except Exception as exc:
        return KeyringState(False, f"indisponible ({type(exc).__name__})")
    name = f"{type(backend).__module__}.{type(backend).__name__}"
    if isinstance(backend, fail.Keyring):
        return KeyringState(False, f"aucun trousseau utilisable ({name})")
    return KeyringState(True, name)
