"""Read a source from a file or from standard input, as a task receives it.

Plain text is decoded here; every other format (.eml, .msg, .html, .docx, .odt, .pdf) is read
in a child process (documents/reader_child.py) under a time limit here and a memory limit
there, so that no file can hold the window. A file's size is checked before it is read, and
only that much is ever read; what is not a regular file (a FIFO, a device) is refused.
"""

from __future__ import annotations

import json
import os
import stat
import subprocess
from pathlib import Path
from typing import Any

from hospidesk.children import child_env, python_child
from hospidesk.documents.source import SourceDocument, combine
from hospidesk.errors import UsageError

MAX_SOURCE_BYTES = 10 * 1024 * 1024
TIMEOUT_SECONDS = 4.0
CHILD_FLAG = "--read-document"
CHILD_SUFFIXES = frozenset({".eml", ".msg", ".html", ".htm", ".docx", ".odt", ".pdf"})
READABLE = ("txt", "eml", "msg", "html", "htm", "docx", "odt", "pdf")
"""The formats a task accepts unless its pack says otherwise."""
_SAVE_AS = {
    ".doc": "enregistrez-le en .docx (Fichier > Enregistrer sous) puis ouvrez ce fichier",
    ".rtf": "enregistrez-le en .docx (Fichier > Enregistrer sous) puis ouvrez ce fichier",
    ".odp": "copiez-en le texte",
    ".xlsx": "copiez-en le texte",
}
_KINDS = {".pdf": "PDF", ".msg": "Message Outlook", ".eml": "Message", ".docx": "Document Word",
          ".odt": "Document OpenDocument", ".html": "Page HTML", ".htm": "Page HTML"}  # fmt: skip


_ADVICE = {
    ".pdf": "Enregistrez-le à nouveau (« Imprimer en PDF ») ou copiez-en le texte.",
    ".msg": "Dans Outlook, enregistrez-le à nouveau (Fichier > Enregistrer sous) ou copiez-en "
    "le texte.",
    ".docx": "Enregistrez-le à nouveau depuis Word ou copiez-en le texte.",
    ".odt": "Enregistrez-le à nouveau depuis LibreOffice ou copiez-en le texte.",
}


def child_command() -> list[str]:
    return python_child("hospidesk.documents.reader_child", CHILD_FLAG)


def read_in_child(raw: bytes, name: str, suffix: str) -> SourceDocument:
    """The document read by the reader's child process, within TIMEOUT_SECONDS."""
    kind = _KINDS.get(suffix, "Fichier")
    header = json.dumps({"name": name, "suffix": suffix}).encode() + b"\n"
    try:
        proc = subprocess.run(
            child_command(),
            input=header + raw,
            capture_output=True,
            timeout=TIMEOUT_SECONDS,
            env=child_env(),
            check=False,
        )
    except subprocess.TimeoutExpired:
        raise UsageError(
            f"{kind} trop complexe pour être lu en {TIMEOUT_SECONDS:.0f} secondes : {name}. "
            f"{_ADVICE.get(suffix, 'Copiez-en le texte.')}"
        ) from None
    try:
        answer: dict[str, Any] = json.loads(proc.stdout)
    except ValueError:
        answer = {"error": "unreadable"}
    error = answer.get("error")
    if error in ("unreadable", "memory", "too_long") or (
        error is None and "document" not in answer
    ):
        raise UsageError(
            f"{kind} endommagé ou trop complexe, illisible : {name}. "
            f"{_ADVICE.get(suffix, 'Copiez-en le texte.')}"
        )
    if error is not None:
        raise UsageError(str(error))
    return SourceDocument.from_dict(answer["document"])


def decode_plain(raw: bytes, name: str) -> SourceDocument:
    from hospidesk.documents.formats import read_plain

    return read_plain(raw, name)


def read_document_bytes(raw: bytes, name: str) -> SourceDocument:
    suffix = Path(name).suffix.lower()
    if len(raw) > MAX_SOURCE_BYTES:
        raise UsageError(f"Fichier source trop volumineux : {name} (10 Mo au maximum).")
    if suffix in _SAVE_AS:
        raise UsageError(
            f"Format non pris en charge : {name}. Pour l'utiliser, {_SAVE_AS[suffix]}."
        )
    if suffix in CHILD_SUFFIXES:
        document = read_in_child(raw, name, suffix)
    else:
        document = decode_plain(raw, name)
    text = document.text.replace("\r\n", "\n").replace("\r", "\n").replace("\x00", "")
    if not text.strip():
        if raw.strip():  # markup, but no text a reader reaches (or nested past any limit)
            raise UsageError(
                f"Aucun texte lisible dans {name} : le fichier ne contient pas de texte, ou il "
                "est endommagé ou trop complexe. Copiez-en le texte."
            )
        raise UsageError(f"Le texte source est vide : {name}.")
    return SourceDocument(
        document.name,
        text,
        document.kind,
        document.sender,
        document.date,
        document.subject,
        document.attachments,
        document.pages,
    )


def read_source_bytes(raw: bytes, name: str) -> str:
    return read_document_bytes(raw, name).text


def read_document(path: Path) -> SourceDocument:
    """Read a source file; every failure is a UsageError in French. Its size is checked on the
    open file before any byte is read, and no more than the limit is read."""
    try:
        raw = _read_bounded(path)
    except FileNotFoundError:
        raise UsageError(f"Fichier source introuvable : {path}") from None
    except IsADirectoryError:
        raise UsageError(f"La source est un dossier, pas un fichier : {path}") from None
    except PermissionError:
        raise UsageError(f"Fichier source illisible (droits insuffisants) : {path}") from None
    except OSError as exc:
        raise UsageError(f"Fichier source illisible : {path} ({exc.strerror})") from None
    return read_document_bytes(raw, path.name)


def read_source(path: Path) -> str:
    return read_document(path).text


def read_sources(paths: list[Path]) -> str:
    """Several files as one source text, each labelled, in the order given."""
    return combine([read_document(path) for path in paths])


def _read_bounded(path: Path) -> bytes:
    """Opened without waiting (a named pipe would block until someone writes to it), checked
    on the descriptor, then read up to the limit."""
    fd = os.open(path, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_BINARY", 0))
    with os.fdopen(fd, "rb") as handle:
        info = os.fstat(fd)
        if not stat.S_ISREG(info.st_mode):
            raise UsageError(f"Ce n'est pas un fichier ordinaire : {path}")
        if info.st_size > MAX_SOURCE_BYTES:
            raise UsageError(f"Fichier source trop volumineux : {path.name} (10 Mo au maximum).")
        if hasattr(os, "set_blocking"):
            os.set_blocking(fd, True)
        return handle.read(MAX_SOURCE_BYTES + 1)
