"""E-mails as a person reads them: French headers, the new message first, the quoted history
kept but marked, lists with their bullets, never a style sheet or a script.

Shared by the .eml reader (standard library) and the .msg reader (``msg.py``); HTML bodies go
through ``html_text``.
"""

from __future__ import annotations

import email
import email.policy
import email.utils
import re
from collections.abc import Sequence
from email.message import EmailMessage

from hospidesk.documents.html_text import html_to_text
from hospidesk.documents.source import SourceDocument
from hospidesk.errors import UsageError

PREVIOUS = "--- Message précédent ---"

_QUOTE_STARTS = (
    re.compile(
        r"^-{2,}\s*(message d'origine|original message|message transféré|forwarded message)", re.I
    ),
    re.compile(r"^\s*(le|on)\b.{4,200}\b(a écrit|wrote)\s*:\s*$", re.I),
    re.compile(r"^\s*>"),
)
_HEADER = re.compile(r"^\s*\*?(de|from)\s*:\s*\S", re.I)
_HEADER_NEXT = re.compile(r"^\s*\*?(envoyé|sent|date|à|to|objet|subject)\s*:", re.I)
_BULLET = re.compile(r"^(\s*)[*·\uf0b7\uf0a7§]\s+")


def quote_start(lines: Sequence[str]) -> int | None:
    """The index of the line where the quoted history begins, if any (never line 0)."""
    for index, line in enumerate(lines):
        if index == 0:
            continue
        if any(pattern.match(line) for pattern in _QUOTE_STARTS):
            return index
        following = lines[index + 1 : index + 4]
        if _HEADER.match(line) and any(_HEADER_NEXT.match(x) for x in following):
            return index
    return None


def mark_quoted(text: str) -> str:
    """The new message, then the quoted history under « --- Message précédent --- », its
    ``>`` marks removed; bullets as « • »."""
    lines = [_BULLET.sub(r"\1• ", line.rstrip()) for line in text.splitlines()]
    start = quote_start(lines)
    if start is None:
        return "\n".join(lines).strip()
    new = "\n".join(lines[:start]).strip()
    quoted = [re.sub(r"^\s*>+ ?", "", line) for line in lines[start:]]
    history = "\n".join(quoted).strip()
    return f"{new}\n\n{PREVIOUS}\n{history}" if new else f"{PREVIOUS}\n{history}"


def mail_text(
    sender: str | None,
    to: str | None,
    date: str | None,
    subject: str | None,
    body: str,
    attachments: Sequence[str] = (),
) -> str:
    lines = [
        f"{label} : {' '.join(value.split())}"  # one line, no-break spaces as spaces
        for label, value in (("De", sender), ("À", to), ("Date", date), ("Objet", subject))
        if value
    ]
    if attachments:
        lines.append("Pièces jointes : " + ", ".join(attachments))
    head = "\n".join(lines)
    return f"{head}\n\n{mark_quoted(body)}".strip() if head else mark_quoted(body)


def body_text(plain: str | None, html: str | None) -> str:
    """The plain body when there is one with text, else the HTML body as text."""
    if plain and plain.strip():
        return plain
    return html_to_text(html) if html else ""


def read_eml(raw: bytes, name: str) -> SourceDocument:
    try:
        return _read_eml(raw, name)
    except UsageError:
        raise
    except Exception:  # the standard library's parser has known failures on broken headers
        raise UsageError(
            f"E-mail endommagé ou illisible : {name}. Enregistrez-le à nouveau depuis la "
            "messagerie ou copiez-en le texte."
        ) from None


def _read_eml(raw: bytes, name: str) -> SourceDocument:
    message = email.message_from_bytes(raw, policy=email.policy.default)
    assert isinstance(message, EmailMessage)
    plain = _part_text(message.get_body(preferencelist=("plain",)))
    html = _part_text(message.get_body(preferencelist=("html",)))
    attachments = tuple(
        part.get_filename() or "pièce jointe sans nom" for part in message.iter_attachments()
    )
    headers = {h: _header(message, h) for h in ("From", "To", "Date", "Subject")}
    headers["Date"] = french_date(headers["Date"])
    text = mail_text(
        headers["From"],
        headers["To"],
        headers["Date"],
        headers["Subject"],
        body_text(plain, html),
        attachments,
    )
    return SourceDocument(
        name,
        text,
        "courriel",
        sender=headers["From"],
        date=headers["Date"],
        subject=headers["Subject"],
        attachments=attachments,
    )


def french_date(value: str | None) -> str | None:
    """« 30/11/2026 10:00 » from an e-mail's Date header (as it is when it cannot be read)."""
    if not value:
        return None
    try:
        return email.utils.parsedate_to_datetime(value).strftime("%d/%m/%Y %H:%M")
    except (TypeError, ValueError, IndexError, OverflowError):
        return value


def _header(message: EmailMessage, name: str) -> str | None:
    try:
        value = message[name]
    except (ValueError, TypeError, IndexError):  # a malformed header: left out
        return None
    return " ".join(str(value).split()) or None if value is not None else None


def _part_text(part: object) -> str | None:
    if not isinstance(part, EmailMessage):
        return None
    try:
        content = part.get_content()
    except (LookupError, ValueError, AssertionError):  # unknown charset, broken encoding
        payload = part.get_payload(decode=True)
        content = payload.decode("utf-8", "replace") if isinstance(payload, bytes) else ""
    if isinstance(content, bytes):
        return content.decode("utf-8", "replace")
    return content if isinstance(content, str) else None
