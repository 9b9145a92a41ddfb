"""French, plain-words explanations of validation errors (packs, policy): file, task, field, key."""

from __future__ import annotations

from typing import Any

from pydantic import ValidationError
from pydantic_core import ErrorDetails

_MESSAGES = {
    "missing": "clé obligatoire absente",
    "extra_forbidden": "clé inconnue (faute de frappe ?)",
    "string_type": "du texte est attendu",
    "string_too_short": "ne doit pas être vide",
    "string_too_long": "texte trop long",
    "string_pattern_mismatch": "format non valide",
    "int_type": "un nombre entier est attendu",
    "int_parsing": "un nombre entier est attendu",
    "float_type": "un nombre est attendu",
    "float_parsing": "un nombre est attendu",
    "bool_type": "true ou false est attendu",
    "bool_parsing": "true ou false est attendu",
    "greater_than": "valeur trop petite",
    "greater_than_equal": "valeur trop petite",
    "less_than": "valeur trop grande",
    "less_than_equal": "valeur trop grande",
    "too_short": "la liste ne doit pas être vide",
    "tuple_type": "une liste est attendue",
    "list_type": "une liste est attendue",
    "model_type": "une table TOML est attendue",
    "dict_type": "une table TOML est attendue",
}


def reason_of(error: ErrorDetails) -> str:
    kind = error["type"]
    if kind == "value_error":
        return str(error["msg"]).removeprefix("Value error, ")
    if kind == "enum":
        expected = (error.get("ctx") or {}).get("expected", "")
        return f"valeur non reconnue (attendu : {str(expected).replace(' or ', ' ou ')})"
    return _MESSAGES.get(kind, str(error["msg"]))


def _field_name(data: Any, index: int) -> str:
    try:
        name = data["fields"][index]["name"]
        return f"« {name} »" if isinstance(name, str) else f"n° {index + 1}"
    except (KeyError, IndexError, TypeError):
        return f"n° {index + 1}"


def describe(exc: ValidationError, data: Any, where: str) -> str:
    """One sentence for the first error, prefixed by ``where`` (pack, file, task)."""
    error = exc.errors()[0]
    loc = list(error["loc"])
    parts = [where]
    if len(loc) >= 2 and loc[0] == "fields" and isinstance(loc[1], int):
        parts.append(f"champ {_field_name(data, loc[1])}")
        loc = loc[2:]
    key = ".".join(str(x) for x in loc)
    if key:
        parts.append(f"clé « {key} »")
    return ", ".join(parts) + " : " + reason_of(error) + "."
