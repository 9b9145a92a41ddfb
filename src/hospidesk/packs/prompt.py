"""Turn a task, its field values and its source text into chat messages for the model.

The task's instructions come first and never contain field values or source text, so the
same prefix is shared by every use of a task (prompt caching relies on it). The user message
ends with the task's short request: small models follow a closing imperative far better than
instructions alone.
"""

from __future__ import annotations

from collections.abc import Mapping

from hospidesk.engine.protocol import Message
from hospidesk.packs.model import Task

PREAMBLE = (
    "Tu es un assistant de rédaction administrative pour un établissement de santé français. "
    "Tu écris en français correct, clair et courtois, selon les usages administratifs. "
    "Tu n'inventes aucun fait, aucune date, aucun nombre, aucun nom : tu utilises seulement les "
    "informations fournies. Tu écris uniquement le corps du texte demandé, sans en-tête, sans "
    "objet, sans formule d'appel et sans signature : le modèle de document les ajoute."
)


def system_prompt(task: Task) -> str:
    return f"{PREAMBLE}\n\n{task.instructions.strip()}"


def user_prompt(task: Task, values: Mapping[str, str], source: str | None) -> str:
    lines: list[str] = []
    filled = [(f, values.get(f.name, "").strip()) for f in task.fields]
    filled = [(f, v) for f, v in filled if v]
    if filled:
        lines.append("Informations :")
        lines.extend(f"- {f.label} : {v}" for f, v in filled)
    if source and source.strip():
        if lines:
            lines.append("")
        lines.append(f"{task.source.label} :")
        lines.append('"""')
        lines.append(source.strip())
        lines.append('"""')
    if lines:
        lines.append("")
    lines.append(task.request.strip())
    return "\n".join(lines)


def build_messages(
    task: Task, values: Mapping[str, str], source: str | None
) -> tuple[Message, ...]:
    return (
        Message("system", system_prompt(task)),
        Message("user", user_prompt(task, values, source)),
    )
