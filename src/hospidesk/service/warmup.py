"""Which tasks the engine reads ahead while the user is idle, in the order that helps them
most: their job's tasks first, favourites first, then the most used (see engine.warmup).

Only the task's fixed part is read ahead: its instructions and, for a task that reads
fields from its source, the extraction's instructions. No field value, no source text.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from collections.abc import Collection

from hospidesk.engine.protocol import Message
from hospidesk.packs.loader import PackTask
from hospidesk.packs.prompt import system_prompt
from hospidesk.packs.structured import extraction_prompt
from hospidesk.service.onboarding import current_job, tasks_by_job
from hospidesk.service.usage import all_uses
from hospidesk.service.workspace import Workspace

RECENT_DAYS = 90
"""Uses counted to order the tasks (the most used first)."""


def warm_order(
    ws: Workspace, favourites: Collection[str] = (), today: dt.date | None = None
) -> list[PackTask]:
    """The tasks to read ahead, in order; none when the policy turns the warm-up off."""
    mode = ws.policy.models.warm_up
    if mode == "off":
        return []
    job = current_job(ws)
    tasks = tasks_by_job(ws, job)
    if mode == "favourites":
        tasks = [t for t in tasks if t.ref in favourites]
    since = (today or dt.date.today()) - dt.timedelta(days=RECENT_DAYS)
    try:
        used = Counter(use.task for use in all_uses(ws) if use.day >= since and not use.example)
    except Exception:  # an unreadable measure only changes the order
        used = Counter()
    position = {t.ref: n for n, t in enumerate(tasks)}

    def rank(item: PackTask) -> tuple[bool, bool, int, int]:
        mine = item.pack.manifest.job == job
        return (not mine, item.ref not in favourites, -used[item.ref], position[item.ref])

    return sorted(tasks, key=rank)


def warm_prompts(tasks: list[PackTask]) -> list[tuple[Message, ...]]:
    """The fixed part of each task's prompts: its instructions (the user message is left
    empty, the engine finds where the fixed part ends), then its extraction's."""
    prompts: list[tuple[Message, ...]] = [
        (Message("system", system_prompt(t.task)), Message("user", "")) for t in tasks
    ]
    for item in tasks:
        fields = item.task.extractable
        if fields:
            prompts.append((Message("system", extraction_prompt(fields)), Message("user", "")))
    return list(dict.fromkeys(prompts))  # tasks reading the same fields share one
