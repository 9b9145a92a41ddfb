"""What a reader makes of a source file: the text a task receives, and what it knows besides."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import asdict, dataclass, field, replace
from typing import Any

Progress = Callable[[int, int], None]
"""Told ``(n, total)`` before page n of a scan is read by OCR."""


@dataclass(frozen=True)
class Doubtful:
    """A span of text read by OCR that must be checked on the original: a figure (date, time,
    amount, phone, reference) that two independent readings did not read alike, or a word
    read with low confidence."""

    text: str
    confidence: float
    """Tesseract's word confidence, 0–100 (the lowest of the span's words)."""
    page: int
    start: int
    """Where the span is in the document's text (``text[start:end]``)."""
    end: int

    def shifted(self, offset: int) -> Doubtful:
        return replace(self, start=self.start + offset, end=self.end + offset)


@dataclass(frozen=True)
class SourceDocument:
    name: str
    """The file's name (or « entrée standard »)."""
    text: str
    """Exactly what a task receives from this file."""
    kind: str
    """« texte », « courriel », « word », « pdf », « opendocument », « image »."""
    sender: str | None = None
    date: str | None = None
    subject: str | None = None
    attachments: tuple[str, ...] = field(default=())
    """Names only: an attachment's content is read only if the user opens it as a source."""
    pages: int | None = None
    ocr: bool = False
    """Some of the text was read by OCR from a picture of the page."""
    doubtful: tuple[Doubtful, ...] = field(default=())
    """What OCR read that must be checked on the original, in the order of the text."""

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> SourceDocument:
        """Back from ``as_dict`` (the reader's child sends it as JSON)."""

        def text(key: str) -> str | None:
            value = data.get(key)
            return None if value is None else str(value)

        pages = data.get("pages")
        return cls(
            str(data["name"]),
            str(data["text"]),
            str(data["kind"]),
            text("sender"),
            text("date"),
            text("subject"),
            tuple(str(a) for a in data.get("attachments") or ()),
            int(pages) if isinstance(pages, int) else None,
            bool(data.get("ocr", False)),
            tuple(
                Doubtful(
                    str(d["text"]),
                    float(d["confidence"]),
                    int(d["page"]),
                    int(d["start"]),
                    int(d["end"]),
                )
                for d in data.get("doubtful") or ()
            ),
        )

    def as_dict(self) -> dict[str, Any]:
        data = asdict(self)
        data["attachments"] = list(self.attachments)
        data["doubtful"] = [asdict(d) for d in self.doubtful]
        return data


def combine(documents: list[SourceDocument]) -> str:
    """One source text from several files, each labelled, in the order given."""
    return combined(documents)[0]


def combined(documents: list[SourceDocument]) -> tuple[str, tuple[Doubtful, ...]]:
    """One source text from several files, each labelled, in the order given, and the spans
    to check on the originals, placed in that text."""
    if len(documents) == 1:
        return documents[0].text, documents[0].doubtful
    return _joined(
        [
            (f"=== Document {n} : {d.name} ===\n", d.text, d.doubtful)
            for n, d in enumerate(documents, 1)
        ]
    )


def join_pages(pages: list[tuple[str, tuple[Doubtful, ...]]]) -> tuple[str, tuple[Doubtful, ...]]:
    """A document's pages as one text, « [Page n] » before each when there are several, and
    the spans to check placed in that text."""
    if len(pages) == 1:
        return _joined([("", *pages[0])])
    return _joined([(f"[Page {n}]\n", text, spans) for n, (text, spans) in enumerate(pages, 1)])


def _joined(
    parts: list[tuple[str, str, tuple[Doubtful, ...]]],
) -> tuple[str, tuple[Doubtful, ...]]:
    """Texts a blank line apart, each stripped and under its heading, and their spans placed
    in the whole."""
    texts: list[str] = []
    placed: list[Doubtful] = []
    at = 0
    for head, text, doubtful in parts:
        body = text.strip()
        lead = len(text) - len(text.lstrip())
        start = at + len(head) - lead
        placed.extend(d.shifted(start) for d in doubtful if d.end - lead <= len(body))
        texts.append(head + body)
        at += len(head) + len(body) + 2
    return "\n\n".join(texts), tuple(placed)
