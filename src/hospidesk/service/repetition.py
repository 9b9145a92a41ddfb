"""A model that writes the same line or sentence again and again (small models do): noticed
as the text streams in, so the draft can be stopped and the repeats removed."""

from __future__ import annotations

import re

REPETITION = "repetition"
"""``finish_reason`` of a draft stopped because the model repeated the same line."""


class LoopGuard:
    """Notices a model that writes the same line or sentence again and again (small models do):
    the third identical unit in a row stops the generation."""

    REPEATS = 3
    MIN_CHARS = 8
    _UNIT = re.compile(r"[^\n.!?]*[.!?]+|[^\n]+\n|\n")

    @classmethod
    def _units(cls, text: str) -> list[tuple[str, int]]:
        """Complete sentences and lines, normalised, with where each ends."""
        units = []
        for match in cls._UNIT.finditer(text):
            value = " ".join(match.group().split()).lower()
            if value:
                units.append((value, match.end()))
        return units

    def looping(self, text: str) -> bool:
        units = [u for u, _ in self._units(text)][-self.REPEATS :]
        if not units or not re.search(r"[^\W\d_]{3}", units[0]):
            return False  # dotted lines, identical table rows of figures: not a loop
        return (
            len(units) == self.REPEATS and len(set(units)) == 1 and len(units[0]) >= self.MIN_CHARS
        )

    @classmethod
    def cut(cls, text: str) -> str:
        """``text`` up to the end of the first of the repeated units."""
        units = cls._units(text)
        last = units[-1][0] if units else ""
        index = len(units) - 1
        while index > 0 and units[index - 1][0] == last:
            index -= 1
        return text[: units[index][1]].rstrip() if units else text
