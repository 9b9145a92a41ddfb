"""A long text cut into parts that each fit the model, where a reader would cut it.

Cuts go, by preference: where a message of a thread starts (« De : », « Le … a écrit : »,
a forwarded or previous message, a new document of several), between paragraphs, between
lines, after a sentence, and only for a single overlong sentence at a space. Nothing is lost
or repeated: the parts, joined, are the text (but the blanks around the cuts).
"""

from __future__ import annotations

import itertools
import re
from collections.abc import Callable

from hospidesk.documents.mail import PREVIOUS

_MESSAGE_START = re.compile(
    r"^(?=[ \t>*]*(?:"
    r"(?:de|from)\s*:\s*\S"  # a header block
    r"|-{2,}\s*(?:message d'origine|original message|message transféré|forwarded message)"
    r"|(?:le|on)\b.{4,200}\b(?:a écrit|wrote)\s*:\s*$"
    r"|" + re.escape(PREVIOUS) + r"|=== Document \d+ :"
    r"))",
    re.I | re.M,
)
_PARAGRAPH = re.compile(r"(?<=\n)(?=[ \t]*\n)")
_LINE = re.compile(r"(?<=\n)")
_SENTENCE = re.compile(r"(?<=[.!?…])(?=\s)")


def _cutter(pattern: re.Pattern[str]) -> Callable[[str], list[str]]:
    def cut(text: str) -> list[str]:
        starts = sorted({0, *(m.start() for m in pattern.finditer(text)), len(text)})
        return [text[a:b] for a, b in itertools.pairwise(starts) if b > a]

    return cut


_CUTTERS = [_cutter(p) for p in (_MESSAGE_START, _PARAGRAPH, _LINE, _SENTENCE)]


def split_text(text: str, max_chars: int) -> list[str]:
    """Parts of at most ``max_chars`` characters, each stripped, none empty."""
    if max_chars < 1:
        raise ValueError("max_chars must be positive")
    parts = [part.strip() for part in _pieces(text, max_chars, 0)]
    return [part for part in parts if part]


def _pieces(text: str, max_chars: int, level: int) -> list[str]:
    if len(text) <= max_chars:
        return [text]
    if level == len(_CUTTERS):
        return _hard_cut(text, max_chars)
    pieces: list[str] = []
    for chunk in _CUTTERS[level](text):
        pieces.extend(_pieces(chunk, max_chars, level + 1))
    return _pack(pieces, max_chars)


def _pack(pieces: list[str], max_chars: int) -> list[str]:
    """Consecutive pieces joined as long as they fit: as few parts as the cuts allow."""
    parts: list[str] = []
    current = ""
    for piece in pieces:
        if current and len(current) + len(piece) > max_chars:
            parts.append(current)
            current = ""
        current += piece
    if current:
        parts.append(current)
    return parts


def _hard_cut(text: str, max_chars: int) -> list[str]:
    """A single overlong sentence: cut at the last space that fits, else anywhere."""
    parts = []
    while len(text) > max_chars:
        cut = text.rfind(" ", 1, max_chars + 1)
        cut = cut if cut > 0 else max_chars
        parts.append(text[:cut])
        text = text[cut:]
    parts.append(text)
    return parts
