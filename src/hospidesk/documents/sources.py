"""Read a source text from a file (.txt, .eml, .docx) or from standard input."""

from __future__ import annotations

import email
import email.policy
import io
from email.message import EmailMessage
from pathlib import Path

from hospidesk.documents.checks import inspect_docx
from hospidesk.errors import UsageError

MAX_SOURCE_BYTES = 10 * 1024 * 1024


def decode_text(raw: bytes) -> str:
    """UTF-8 (with or without BOM), else Windows-1252, which is what French Windows writes."""
    if raw.startswith(b"\xef\xbb\xbf"):
        raw = raw[3:]
    try:
        return raw.decode("utf-8")
    except UnicodeDecodeError:
        return raw.decode("cp1252", errors="replace")


def read_eml(raw: bytes) -> str:
    message = email.message_from_bytes(raw, policy=email.policy.default)
    assert isinstance(message, EmailMessage)
    lines = []
    for header, label in (("From", "De"), ("To", "À"), ("Date", "Date"), ("Subject", "Objet")):
        if message[header]:
            lines.append(f"{label} : {message[header]}")
    body = message.get_body(preferencelist=("plain", "html"))
    text = ""
    if body is not None:
        content = body.get_content()
        text = content if isinstance(content, str) else decode_text(content)
        if body.get_content_type() == "text/html":
            text = _html_to_text(text)
    return "\n".join(lines) + "\n\n" + text.strip()


def _html_to_text(html: str) -> str:
    from html.parser import HTMLParser

    class _Text(HTMLParser):
        def __init__(self) -> None:
            super().__init__()
            self.parts: list[str] = []

        def handle_data(self, data: str) -> None:
            self.parts.append(data)

        def handle_starttag(self, tag: str, attrs: object) -> None:
            if tag in {"br", "p", "div", "li", "tr"}:
                self.parts.append("\n")

    parser = _Text()
    parser.feed(html)
    return "".join(parser.parts)


def read_docx(raw: bytes, name: str) -> str:
    problems = inspect_docx(raw)
    if problems:
        raise UsageError(f"Document refusé : {name} — {problems[0].reason}.")
    import docx

    try:
        document = docx.Document(io.BytesIO(raw))
    except Exception:  # python-docx raises many types on damaged files
        raise UsageError(f"Document Word endommagé ou illisible : {name}.") from None
    paragraphs = [p.text for p in document.paragraphs]
    for table in document.tables:
        for row in table.rows:
            paragraphs.append(" | ".join(cell.text for cell in row.cells))
    return "\n".join(paragraphs)


def read_source_bytes(raw: bytes, name: str) -> str:
    suffix = Path(name).suffix.lower()
    if len(raw) > MAX_SOURCE_BYTES:
        raise UsageError(f"Fichier source trop volumineux : {name} (10 Mo au maximum).")
    if suffix == ".eml":
        text = read_eml(raw)
    elif suffix == ".docx":
        text = read_docx(raw, name)
    elif suffix in {".doc", ".msg", ".pdf", ".odt", ".rtf"}:
        raise UsageError(
            f"Format non pris en charge : {name}. Formats acceptés : .txt, .eml, .docx."
        )
    else:
        if b"\x00" in raw[:4096]:
            raise UsageError(f"Ce fichier n'est pas un texte lisible : {name}.")
        text = decode_text(raw)
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    if not text.strip():
        raise UsageError(f"Le texte source est vide : {name}.")
    return text


def read_source(path: Path) -> str:
    """Read a source file; every failure is a UsageError in French."""
    try:
        raw = path.read_bytes()
    except FileNotFoundError:
        raise UsageError(f"Fichier source introuvable : {path}") from None
    except IsADirectoryError:
        raise UsageError(f"La source est un dossier, pas un fichier : {path}") from None
    except PermissionError:
        raise UsageError(f"Fichier source illisible (droits insuffisants) : {path}") from None
    except OSError as exc:
        raise UsageError(f"Fichier source illisible : {path} ({exc.strerror})") from None
    return read_source_bytes(raw, path.name)
