"""The document reader's child process: every source format but plain text is read here, so
that a crafted file (an Outlook stream bomb, nested tables, a deep HTML, a PDF bomb, a
picture of a billion pixels) costs this process, never the window's.

stdin: one JSON line ``{"name": …, "suffix": …}`` (with ``"attachment": n`` to read an
e-mail's n-th attachment instead), then the file's bytes. stdout: JSON lines:
``{"page": [n, total]}`` before each page read by OCR, then one of ``{"document": {…}}``,
``{"error": "<French line>"}`` for a refusal the reader worded, or ``{"error": "unreadable" |
"memory" | "too_long"}``. The caller bounds the time (documents/sources.py); here the memory
is capped (Tesseract, started from here, inherits the cap), and the text must stay in
proportion to the file's size (a reader that repeats text is stopped, not believed).
"""

from __future__ import annotations

import json
import sys
from typing import Any

MEMORY_BYTES = 768 * 1024 * 1024
PDF_MEMORY_BYTES = 1536 * 1024 * 1024
"""The address space of the child: a PDF's pages and a scan's pictures need more than a mail
or a document; a file that needs more is a bomb (an Outlook directory pointing a thousand
times at one stream asks for a gigabyte)."""
TEXT_PER_BYTE = 8
TEXT_FLOOR = 1024 * 1024
"""The most characters of text a file of n bytes may give: 8 n, at least 1 Mi characters (a
compressed .docx holds at most its unpacked XML's text)."""


def _cap_memory(suffix: str, attachment: bool) -> None:
    from hospidesk.documents.formats import PAGED

    try:
        import resource
    except ImportError:  # Windows: the caller's timeout still bounds the time
        return
    limit = PDF_MEMORY_BYTES if suffix in PAGED or attachment else MEMORY_BYTES
    resource.setrlimit(resource.RLIMIT_AS, (limit, limit))


def _say(message: dict[str, Any]) -> None:
    # Bytes in UTF-8 whatever the console's code page (Windows pipes default to cp1252).
    sys.stdout.buffer.write(json.dumps(message, ensure_ascii=False).encode("utf-8") + b"\n")
    sys.stdout.buffer.flush()


def _page(number: int, total: int) -> None:
    _say({"page": [number, total]})


def read(raw: bytes, name: str, suffix: str, attachment: int | None = None) -> dict[str, Any]:
    from hospidesk.documents.attachments import read_attachment
    from hospidesk.documents.formats import read as read_format
    from hospidesk.documents.ocr import environment
    from hospidesk.errors import UsageError

    environment()
    try:
        if attachment is None:
            document = read_format(raw, name, suffix, _page)
        else:
            document = read_attachment(raw, name, suffix, attachment, _page)
    except UsageError as exc:
        return {"error": exc.message}
    except MemoryError:
        return {"error": "memory"}
    except Exception:  # a crafted file can make any parser fail in any way
        return {"error": "unreadable"}
    if len(document.text) > max(TEXT_FLOOR, TEXT_PER_BYTE * len(raw)):
        return {"error": "too_long"}
    return {"document": document.as_dict()}


def main() -> int:
    try:
        meta = json.loads(sys.stdin.buffer.readline())
        attachment = meta.get("attachment")
        _cap_memory(str(meta["suffix"]), attachment is not None)
        raw = sys.stdin.buffer.read()
        number = int(attachment) if attachment is not None else None
        answer = read(raw, str(meta["name"]), str(meta["suffix"]), number)
    except MemoryError:
        answer = {"error": "memory"}
    _say(answer)
    return 0


if __name__ == "__main__":
    sys.exit(main())
