"""Grammar-constrained JSON: values extracted from a source, and structured drafts.

llama.cpp turns a JSON schema into a grammar, so the model can only write JSON of that shape;
bounds (maxLength, maxItems) keep the output finite. Two uses:

- **extraction**: fields marked ``extract`` (the sender, a date, an amount) are read from the
  source into typed values the user checks, never parsed out of free text afterwards;
- **structured output**: summaries and minutes always have the same sections (decisions,
  actions with owner and deadline, open questions), turned into an editable text.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from hospidesk.packs.model import FieldType, OutputSection, SectionKind, TaskField

TEXT_LIMIT = 600
ITEM_LIMIT = 200
MAX_ITEMS = 8
_PATTERNS = {
    FieldType.DATE: r"^([0-9]{2}/[0-9]{2}/[0-9]{4})?$",
    FieldType.TIME: r"^([0-9]{2}[h:][0-9]{2})?$",
    FieldType.NUMBER: r"^(-?[0-9]{1,9}([,.][0-9]{1,2})?)?$",
}


def _field_schema(field: TaskField) -> dict[str, Any]:
    if field.type is FieldType.CHOICE:
        return {"enum": [*field.choices, ""]}
    schema: dict[str, Any] = {"type": "string", "maxLength": min(field.max_length, ITEM_LIMIT)}
    if field.type in _PATTERNS:
        schema = {"type": "string", "pattern": _PATTERNS[field.type]}
    return schema


def extraction_schema(fields: list[TaskField]) -> dict[str, Any]:
    """An object with one string per field; an empty string means 'not in the text'."""
    return {
        "type": "object",
        "properties": {f.name: _field_schema(f) for f in fields},
        "required": [f.name for f in fields],
        "additionalProperties": False,
    }


def extraction_prompt(fields: list[TaskField]) -> str:
    lines = [
        "Tu extrais des informations d'un texte administratif. Réponds uniquement avec un "
        "objet JSON. Recopie les valeurs telles qu'elles apparaissent dans le texte ; si une "
        "information n'y figure pas, mets une chaîne vide. N'invente rien.",
        "",
        "Informations à extraire :",
    ]
    for f in fields:
        fmt = {FieldType.DATE: " (format JJ/MM/AAAA)", FieldType.TIME: " (format HHhMM)"}
        lines.append(f"- {f.name} : {f.extract}{fmt.get(f.type, '')}")
    return "\n".join(lines)


def _section_schema(section: OutputSection) -> dict[str, Any]:
    item = {"type": "string", "maxLength": ITEM_LIMIT}
    if section.kind is SectionKind.TEXT:
        return {"type": "string", "maxLength": TEXT_LIMIT}
    if section.kind is SectionKind.LIST:
        return {"type": "array", "items": item, "maxItems": MAX_ITEMS}
    action = {
        "type": "object",
        "properties": {"action": item, "responsable": item, "echeance": item},
        "required": ["action", "responsable", "echeance"],
        "additionalProperties": False,
    }
    return {"type": "array", "items": action, "maxItems": MAX_ITEMS}


def output_schema(sections: tuple[OutputSection, ...]) -> dict[str, Any]:
    return {
        "type": "object",
        "properties": {s.name: _section_schema(s) for s in sections},
        "required": [s.name for s in sections],
        "additionalProperties": False,
    }


def parse_json_object(text: str) -> dict[str, Any]:
    """Parse the model's JSON; a text cut by the length limit is closed where it stopped."""
    try:
        value = json.loads(text, strict=False)
    except json.JSONDecodeError:
        value = json.loads(close_truncated_json(text), strict=False)
    if not isinstance(value, dict):
        raise ValueError("not a JSON object")
    return value


@dataclass
class _Scan:
    """Where a JSON prefix stands at its end: open containers, and an unfinished string."""

    stack: list[str] = field(default_factory=list)
    in_string: bool = False
    escaped: bool = False
    escape_start: int = -1  # where an escape sequence still incomplete at the end began
    hex_left: int = 0

    def string_char(self, index: int, char: str) -> None:
        if self.hex_left:
            self.hex_left -= 1
        elif self.escaped:
            self.escaped = False
            self.hex_left = 4 if char == "u" else 0
        elif char == "\\":
            self.escaped = True
            self.escape_start = index
        elif char == '"':
            self.in_string = False

    def char(self, index: int, char: str) -> None:
        if self.in_string:
            self.string_char(index, char)
        elif char == '"':
            self.in_string = True
        elif char in "[{":
            self.stack.append("]" if char == "[" else "}")
        elif char in "]}" and self.stack:
            self.stack.pop()


def _drop_dangling(out: str, in_object: bool) -> str | None:
    """One dangling piece at the end (``,``, ``"key":``, a lone ``"key"``) removed, or None."""
    stripped = out.rstrip()
    if stripped.endswith(","):
        return stripped[:-1]
    if stripped.endswith(":") and in_object:
        return stripped[: stripped.rfind('"', 0, stripped.rfind('"'))].rstrip().rstrip(",")
    if in_object and stripped.endswith('"'):
        # a lone key string in an object (after '{' or ',') has no value: drop it
        start = stripped.rfind('"', 0, len(stripped) - 1)
        before = stripped[:start].rstrip()
        if before.endswith(("{", ",")):
            return before.rstrip(",")
    return None


def close_truncated_json(text: str) -> str:
    """Close the strings, arrays and objects left open by a generation cut short.

    The grammar guarantees ``text`` is a prefix of valid JSON. A dangling key (``"k":`` or a
    key string awaiting its colon) or a trailing comma is dropped before closing.
    """
    scan = _Scan()
    for index, char in enumerate(text):
        scan.char(index, char)
    out = text
    if scan.in_string:
        if scan.escaped or scan.hex_left:
            out = out[: scan.escape_start]
        out += '"'
    out = out.rstrip()
    in_object = bool(scan.stack) and scan.stack[-1] == "}"
    for _ in range(4):  # a few rounds: ', "key":', ', "key"', ','
        dropped = _drop_dangling(out, in_object)
        if dropped is None:
            break
        out = dropped
    return out + "".join(reversed(scan.stack))


def _one_line(value: object) -> str:
    return " ".join(str(value).split())


def structured_to_text(data: Mapping[str, Any], sections: tuple[OutputSection, ...]) -> str:
    """The fixed structure as an editable text: '## Title' headings and '- ' items."""
    lines: list[str] = []
    for section in sections:
        value = data.get(section.name)
        lines.append(f"## {section.label}")
        if section.kind is SectionKind.TEXT:
            lines.append(str(value or "").strip() or "Non renseigné.")
        elif section.kind is SectionKind.LIST:
            items = [_one_line(v) for v in value or [] if _one_line(v)]
            lines += [f"- {item}" for item in items] or ["- Aucune."]
        else:
            actions = [a for a in value or [] if isinstance(a, dict)]
            for action in actions:
                what = _one_line(action.get("action", "")) or "Action à préciser"
                who = _one_line(action.get("responsable", "")) or "à désigner"
                when = _one_line(action.get("echeance", "")) or "à fixer"
                lines.append(f"- {what} — responsable : {who} — échéance : {when}")
            if not actions:
                lines.append("- Aucune.")
        lines.append("")
    return "\n".join(lines).strip() + "\n"
