"""The attachments of an e-mail (.eml, .msg) read as further sources: « mail.msg#2 » is the
message's second attachment, numbered in the order the message lists them.

The message is opened and the attachment read in the reader's child process
(documents/reader_child.py), with the attachment's own format reader (a PDF, a Word or
OpenDocument letter, a scan or a fax by OCR, another e-mail), and labelled as coming from
that attachment of that message.
"""

from __future__ import annotations

import dataclasses
import email
import email.policy
import re
from dataclasses import dataclass
from pathlib import Path, PurePath

from hospidesk.documents.formats import READABLE as FORMATS
from hospidesk.documents.formats import read
from hospidesk.documents.source import Progress, SourceDocument
from hospidesk.errors import UsageError

READABLE = frozenset(f".{suffix}" for suffix in FORMATS)
"""The attachments that can be read as a source (a .gif logo or a .xlsx table cannot)."""
_REFERENCE = re.compile(r"^(?P<mail>.+\.(?:eml|msg))#(?P<number>\d{1,4})$", re.IGNORECASE)


@dataclass(frozen=True)
class Attached:
    """An attachment as a list shows it."""

    number: int
    name: str

    @property
    def readable(self) -> bool:
        return PurePath(self.name).suffix.lower() in READABLE


def listed(document: SourceDocument) -> list[Attached]:
    """A read message's attachments, numbered as ``mail.msg#N`` names them."""
    return [Attached(n, name) for n, name in enumerate(document.attachments, start=1)]


def reference(path: Path) -> tuple[Path, int] | None:
    """``mail.msg#2`` as (mail.msg, 2), when no file has that very name; else None."""
    found = _REFERENCE.match(str(path))
    if found is None or path.exists():
        return None
    return Path(found.group("mail")), int(found.group("number"))


def source_suffix(path: Path) -> str:
    """The format a task is asked to accept for ``path``: the message's for an attachment."""
    referred = reference(path)
    return (referred[0] if referred else path).suffix.lower().lstrip(".") or "txt"


def attached_files(raw: bytes, suffix: str) -> list[tuple[str, bytes]]:
    """Each attachment's name and content, in the message's order."""
    if suffix == ".msg":
        from oxmsg import Message

        return [
            (a.file_name or "pièce jointe sans nom", bytes(a.file_bytes or b""))
            for a in Message.load(raw).attachments
        ]
    message = email.message_from_bytes(raw, policy=email.policy.default)
    files = []
    for part in message.iter_attachments():  # type: ignore[attr-defined,unused-ignore]
        data = part.get_payload(decode=True)
        content = data if isinstance(data, bytes) else b""
        files.append((part.get_filename() or "pièce jointe sans nom", content))
    return files


def read_attachment(
    raw: bytes, name: str, suffix: str, number: int, progress: Progress | None = None
) -> SourceDocument:
    """Attachment ``number`` of the message ``name``, read with its own format's reader."""
    try:
        files = attached_files(raw, suffix)
    except Exception:  # olefile, oxmsg and email raise many kinds on damaged files
        raise UsageError(f"Message endommagé ou illisible : {name}.") from None
    if not 1 <= number <= len(files):
        count = f"il en a {len(files)}" if files else "il n'en a aucune"
        raise UsageError(f"Le message {name} n'a pas de pièce jointe n° {number} ({count}).")
    attached, data = files[number - 1]
    kind = PurePath(attached).suffix.lower()
    if kind not in READABLE:
        raise UsageError(
            f"La pièce jointe {number} de {name} ({attached}) n'est pas d'un format lisible : "
            "PDF, Word, OpenDocument, texte, e-mail, scan ou fax."
        )
    document = read(data, attached, kind, progress)
    return dataclasses.replace(document, name=f"{attached} (pièce jointe {number} de {name})")
