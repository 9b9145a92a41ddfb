"""Read a source from a file or from standard input, as a task receives it.

Plain text is decoded here; every other format (.eml, .msg, .html, .docx, .odt, .pdf, and the
scans: .tif, .tiff, .png, .jpg, .jpeg) is read in a child process (documents/reader_child.py)
under a time limit here and a memory limit there, so that no file can hold the window. A
file's size is checked before it is read, and only that much is ever read; what is not a
regular file (a FIFO, a device) is refused.
"""

from __future__ import annotations

import dataclasses
import json
import os
import queue
import signal
import stat
import subprocess
import tempfile
import threading
import time
from pathlib import Path
from typing import Any

from hospidesk.children import child_env, python_child
from hospidesk.documents.attachments import reference
from hospidesk.documents.formats import read_plain
from hospidesk.documents.source import Doubtful, Progress, SourceDocument, combine, combined
from hospidesk.errors import UsageError

MAX_SOURCE_BYTES = 10 * 1024 * 1024
TIMEOUT_SECONDS = 4.0
PAGE_SECONDS = 100.0
"""Each page read by OCR may take this long (Tesseract's own limit is 30 s a run, and a page
turned the wrong way is read twice)."""
CHILD_FLAG = "--read-document"
SCANS = (".tif", ".tiff", ".png", ".jpg", ".jpeg")
CHILD_SUFFIXES = frozenset({".eml", ".msg", ".html", ".htm", ".docx", ".odt", ".pdf", *SCANS})
_SAVE_AS = {
    ".doc": "enregistrez-le en .docx (Fichier > Enregistrer sous) puis ouvrez ce fichier",
    ".rtf": "enregistrez-le en .docx (Fichier > Enregistrer sous) puis ouvrez ce fichier",
    ".odp": "copiez-en le texte",
    ".xlsx": "copiez-en le texte",
}
_KINDS = {".pdf": "PDF", ".tif": "Image", ".tiff": "Image", ".png": "Image", ".jpg": "Image",
          ".jpeg": "Image", ".msg": "Message Outlook", ".eml": "Message", ".docx": "Document Word",
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


class ReadCancelled(UsageError):
    """The user stopped the reading (a long scan)."""

    def __init__(self) -> None:
        super().__init__("Lecture annulée.")


def read_in_child(
    raw: bytes,
    name: str,
    suffix: str,
    progress: Progress | None = None,
    cancel: threading.Event | None = None,
    attachment: int | None = None,
) -> SourceDocument:
    """The document read by the reader's child process: within TIMEOUT_SECONDS, and then
    PAGE_SECONDS for each page it reads by OCR (``progress(n, total)`` before page n). Setting
    ``cancel`` stops it. The child's temporary files (the pictures Tesseract reads) are in a
    private folder removed here, whatever happens to the child."""
    kind = _KINDS.get(suffix, "Fichier")
    meta: dict[str, Any] = {"name": name, "suffix": suffix}
    if attachment is not None:
        meta["attachment"] = attachment
    header = json.dumps(meta).encode() + b"\n"
    pages: list[int] = []

    def told(number: int, total: int) -> None:
        pages.append(number)
        if progress is not None:
            progress(number, total)

    with tempfile.TemporaryDirectory(prefix="hospidesk-lecture-") as private:
        answer = _child_answer(header + raw, private, told, cancel)
    if answer is None and pages:
        raise UsageError(
            f"La page {pages[-1]} de {name} n'a pas pu être lue en {PAGE_SECONDS:.0f} "
            "secondes. Numérisez-la à nouveau, à l'endroit, en noir et blanc à 300 dpi."
        )
    if answer is None:
        raise UsageError(
            f"{kind} trop complexe pour être lu en {TIMEOUT_SECONDS:.0f} secondes : {name}. "
            f"{_ADVICE.get(suffix, 'Copiez-en le texte.')}"
        )
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


def _child_answer(
    data: bytes, private: str, progress: Progress, cancel: threading.Event | None
) -> dict[str, Any] | None:
    """The child's last word, ``{"error": "unreadable"}`` when it died without one, None when
    it ran out of time."""
    temp = {"TMPDIR": private, "TEMP": private, "TMP": private}
    proc = subprocess.Popen(
        child_command(),
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        stderr=subprocess.DEVNULL,
        env=child_env(temp),
        start_new_session=os.name == "posix",  # Tesseract is stopped with it
    )
    lines: queue.Queue[bytes | None] = queue.Queue()
    threading.Thread(target=_lines, args=(proc, data, lines), daemon=True).start()
    deadline = time.monotonic() + TIMEOUT_SECONDS
    answer: dict[str, Any] = {"error": "unreadable"}
    try:
        while True:
            if cancel is not None and cancel.is_set():
                raise ReadCancelled()
            left = deadline - time.monotonic()
            if left <= 0:
                return None
            try:
                line = lines.get(timeout=min(left, 0.1))
            except queue.Empty:
                continue
            if line is None:
                return answer
            try:
                message = json.loads(line)
            except ValueError:
                continue
            if isinstance(message, dict) and isinstance(message.get("page"), list):
                number, total = (int(v) for v in message["page"][:2])
                deadline = time.monotonic() + PAGE_SECONDS
                progress(number, total)
            elif isinstance(message, dict):
                answer = message
    finally:
        _stop(proc)


def _lines(proc: subprocess.Popen[bytes], data: bytes, lines: queue.Queue[bytes | None]) -> None:
    """Feed the child its file, then pass on what it says, line by line, then None."""
    assert proc.stdin is not None and proc.stdout is not None
    try:
        proc.stdin.write(data)
        proc.stdin.close()
    except OSError:  # the child died before reading it all
        pass
    try:
        for line in proc.stdout:
            lines.put(line)
    except (OSError, ValueError):  # a cancelled read closed the pipe under this thread
        pass
    lines.put(None)


def _stop(proc: subprocess.Popen[bytes]) -> None:
    if proc.poll() is None:
        try:
            if os.name == "posix":
                os.killpg(proc.pid, signal.SIGKILL)
            else:
                proc.kill()
        except OSError:
            pass
    proc.wait()
    if proc.stdout is not None:
        proc.stdout.close()


def decode_plain(raw: bytes, name: str) -> SourceDocument:
    return read_plain(raw, name)


def read_document_bytes(
    raw: bytes,
    name: str,
    progress: Progress | None = None,
    cancel: threading.Event | None = None,
    attachment: int | None = None,
) -> SourceDocument:
    """The file ``name`` (or its ``attachment``-th attachment, for an e-mail) as a source."""
    suffix = Path(name).suffix.lower()
    if len(raw) > MAX_SOURCE_BYTES:
        raise UsageError(f"Fichier source trop volumineux : {name} (10 Mo au maximum).")
    if suffix in _SAVE_AS:
        raise UsageError(
            f"Format non pris en charge : {name}. Pour l'utiliser, {_SAVE_AS[suffix]}."
        )
    if not raw and suffix in CHILD_SUFFIXES:  # an empty .txt is an empty source, below
        raise UsageError(f"Le fichier {name} est vide.")
    if attachment is not None and suffix not in (".eml", ".msg"):
        raise UsageError(f"Seul un e-mail (.eml, .msg) a des pièces jointes : {name}.")
    if suffix in CHILD_SUFFIXES:
        document = read_in_child(raw, name, suffix, progress, cancel, attachment)
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
    return dataclasses.replace(document, text=text)


def read_source_bytes(raw: bytes, name: str) -> str:
    return read_document_bytes(raw, name).text


def read_document(
    path: Path, progress: Progress | None = None, cancel: threading.Event | None = None
) -> SourceDocument:
    """Read a source file (``mail.msg#2``: the message's second attachment); every failure is
    a UsageError in French. Its size is checked on the open file before any byte is read, and
    no more than the limit is read."""
    referred = reference(path)
    attachment = None
    if referred is not None:
        path, attachment = referred
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
    return read_document_bytes(raw, path.name, progress, cancel, attachment)


def read_source(path: Path) -> str:
    return read_document(path).text


def read_sources(paths: list[Path]) -> str:
    """Several files as one source text, each labelled, in the order given."""
    return combine(read_documents(paths))


def read_checked_sources(
    paths: list[Path], progress: Progress | None = None, cancel: threading.Event | None = None
) -> tuple[str, tuple[Doubtful, ...]]:
    """Several files as one source text, each labelled, in the order given, and what OCR
    read in them that must be checked on the originals, placed in that text."""
    return combined(read_documents(paths, progress, cancel))


def read_documents(
    paths: list[Path], progress: Progress | None = None, cancel: threading.Event | None = None
) -> list[SourceDocument]:
    return [read_document(path, progress, cancel) for path in paths]


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
