"""The PDF reader's child process: PDF bytes on stdin, one JSON object on stdout.

``{"pages": [text, ...]}`` or ``{"error": "encrypted" | "too_many_pages" | "unreadable"}``.
Run by ``pdf.read_pdf`` under a wall-clock timeout; here memory is capped too, so a crafted
file ends this process, not the caller.
"""

from __future__ import annotations

import io
import json
import logging
import re
import sys
from typing import Any

from hospidesk.documents.pdf import MAX_PAGES, MEMORY_BYTES

_COLUMN_GAP = re.compile(r"(?<=\S) {3,}")


def _cap_memory() -> None:
    try:
        import resource
    except ImportError:  # Windows: the caller's timeout still bounds the time
        return
    resource.setrlimit(resource.RLIMIT_AS, (MEMORY_BYTES, MEMORY_BYTES))


class _Problems(logging.Handler):
    """Counts what pypdf complains about while it recovers from a damaged file."""

    def __init__(self) -> None:
        super().__init__(logging.WARNING)
        self.count = 0

    def emit(self, record: logging.LogRecord) -> None:
        self.count += 1


def extract(raw: bytes) -> dict[str, Any]:
    problems = _Problems()
    logging.getLogger("pypdf").addHandler(problems)
    result = _extract(raw)
    pages = result.get("pages") if "error" not in result else None
    if pages is not None and not any(p.strip() for p in pages) and problems.count:
        return {"error": "unreadable"}  # no text because the file is damaged, not a scan
    return result


def _extract(raw: bytes) -> dict[str, Any]:
    from pypdf import PdfReader
    from pypdf.errors import FileNotDecryptedError, PdfReadError

    try:
        reader = PdfReader(io.BytesIO(raw), strict=False)
        if reader.is_encrypted:
            try:
                if not reader.decrypt(""):  # many PDFs are "encrypted" with no password
                    return {"error": "encrypted"}
            except (FileNotDecryptedError, NotImplementedError, ValueError):
                return {"error": "encrypted"}
        count = len(reader.pages)
        if count > MAX_PAGES:
            return {"error": "too_many_pages", "pages": count}
        pages = [page.extract_text(extraction_mode="layout") for page in reader.pages]
    except FileNotDecryptedError:
        return {"error": "encrypted"}
    except (PdfReadError, MemoryError, RecursionError, ValueError, KeyError, TypeError):
        return {"error": "unreadable"}
    except Exception:  # pypdf raises many kinds on crafted files: all mean « illisible »
        return {"error": "unreadable"}
    return {"pages": [_tidy(page) for page in pages]}


def _tidy(page: str) -> str:
    """Layout mode pads columns with spaces: keep the rows (columns three spaces apart), drop
    the blank margins."""
    lines = [_COLUMN_GAP.sub("   ", line.rstrip()) for line in page.splitlines()]
    while lines and not lines[-1]:
        lines.pop()
    while lines and not lines[0]:
        lines.pop(0)
    return "\n".join(lines)


def main() -> int:
    _cap_memory()
    raw = sys.stdin.buffer.read()
    # Bytes in UTF-8 whatever the console's code page (Windows pipes default to cp1252).
    sys.stdout.buffer.write(json.dumps(extract(raw), ensure_ascii=False).encode("utf-8"))
    sys.stdout.buffer.flush()
    return 0


if __name__ == "__main__":
    sys.exit(main())
