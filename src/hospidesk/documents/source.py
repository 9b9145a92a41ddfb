"""What a reader makes of a source file: the text a task receives, and what it knows besides."""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from typing import Any


@dataclass(frozen=True)
class SourceDocument:
    name: str
    """The file's name (or « entrée standard »)."""
    text: str
    """Exactly what a task receives from this file."""
    kind: str
    """« texte », « courriel », « word », « pdf », « opendocument »."""
    sender: str | None = None
    date: str | None = None
    subject: str | None = None
    attachments: tuple[str, ...] = field(default=())
    """Names only: an attachment's content is read only if the user opens it as a source."""
    pages: int | None = None

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
        )

    def as_dict(self) -> dict[str, Any]:
        data = asdict(self)
        data["attachments"] = list(self.attachments)
        return data


def combine(documents: list[SourceDocument]) -> str:
    """One source text from several files, each labelled, in the order given."""
    if len(documents) == 1:
        return documents[0].text
    return "\n\n".join(
        f"=== Document {n} : {doc.name} ===\n{doc.text.strip()}"
        for n, doc in enumerate(documents, start=1)
    )
