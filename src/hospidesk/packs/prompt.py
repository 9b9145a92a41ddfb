"""Turn a task, its field values and its source text into chat messages for the model.

The task's instructions come first and never contain field values or source text, so the
same prefix is shared by every use of a task (prompt caching relies on it). The user message
carries the task's short request: small models follow an imperative next to the facts far
better than instructions alone. After a source it closes the message (a long text must not
push it out of sight); with only a form it opens it, so that the form's last words end the
prompt: the form is read while the user types (ui/read_ahead.py), and whatever follows the
user's words must be read again after each key, the request included.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from hospidesk.engine.protocol import Message
from hospidesk.packs.model import Task

LOCK_HEADING = "Faits à reprendre exactement"

PREAMBLE = (
    "Tu es un assistant de rédaction administrative pour un établissement de santé français. "
    "Tu écris en français correct, clair et courtois, selon les usages administratifs. "
    "Tu n'inventes aucun fait, aucune date, aucun nombre, aucun nom : tu utilises seulement les "
    "informations fournies. Tu écris uniquement le corps du texte demandé, sans en-tête, sans "
    "objet, sans formule d'appel et sans signature : le modèle de document les ajoute."
)


def system_prompt(task: Task) -> str:
    return f"{PREAMBLE}\n\n{task.with_labels(task.instructions.strip())}"


def facts_block(facts: Sequence[str]) -> list[str]:
    """One line, not a list: a list of bare values makes a small model write lists of them
    (seen in structured minutes, where it copied the block as items)."""
    return [f"{LOCK_HEADING} : " + " ; ".join(facts) + "."]


def user_prompt(
    task: Task, values: Mapping[str, str], source: str | None, locked: Sequence[str] = ()
) -> str:
    """``locked``: facts the body must carry, listed after the source (after the form when
    there is none) for the model to keep (service.review.facts_to_keep)."""
    filled = [(f, values.get(f.name, "").strip()) for f in task.fields]
    form = [f"- {f.label} : {v}" for f, v in filled if v]
    blocks = [["Informations :", *form]] if form else []
    request = [task.with_labels(task.request.strip())]
    if source and source.strip():
        blocks.append([f"{task.source.label} :", '"""', source.strip(), '"""'])
        if locked:
            blocks.append(facts_block(locked))
        blocks.append(request)
    else:
        blocks.insert(0, request)
        if locked:
            blocks.append(facts_block(locked))
    return "\n\n".join("\n".join(block) for block in blocks)


def build_messages(
    task: Task, values: Mapping[str, str], source: str | None, locked: Sequence[str] = ()
) -> tuple[Message, ...]:
    return (
        Message("system", system_prompt(task)),
        Message("user", user_prompt(task, values, source, locked)),
    )
