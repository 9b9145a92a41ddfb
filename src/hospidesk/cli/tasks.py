"""``hospidesk tasks``: the tasks this user may use, by job, with their worked examples (to
try one: ``hospidesk draft --task REF --example N``)."""

from __future__ import annotations

import argparse
import json
from typing import Any

from hospidesk.cli.output import Commands, err
from hospidesk.packs.loader import PackTask
from hospidesk.service.workspace import Workspace


def register(sub: Commands) -> None:
    tasks = sub.add_parser("tasks", help="lister les tâches disponibles")
    tasks.add_argument("--role", metavar="MÉTIER")
    tasks.add_argument("--json", action="store_true")
    tasks.set_defaults(handler=list_tasks)


def describe(t: PackTask) -> dict[str, Any]:
    """A task as ``--json`` gives it: what a DPI, a script or the studio needs to call it."""
    return {
        "ref": t.ref,
        "pack": t.pack.id,
        "pack_version": t.pack.manifest.version,
        "job": t.pack.manifest.job,
        "title": t.task.title,
        "description": t.task.description,
        "source": t.task.source.mode.value,
        "fields": [
            {
                "name": f.name,
                "label": f.label,
                "type": f.type.value,
                "required": f.required,
                "default": f.default,
                "choices": list(f.choices),
            }
            for f in t.task.fields
        ],
        "examples": [
            {
                "number": number,
                "description": example.description,
                "fields": dict(example.fields),
                "has_source": bool(example.source.strip()),
                "facts": list(example.facts),
            }
            for number, example in enumerate(t.task.examples, start=1)
        ],
    }


def list_tasks(args: argparse.Namespace) -> int:
    ws = Workspace.open()
    tasks = ws.tasks()
    if args.role:
        tasks = [t for t in tasks if args.role in (t.pack.manifest.job, t.pack.id)]
    for problem in ws.pack_problems:
        err(problem)
    if args.json:
        print(json.dumps([describe(t) for t in tasks], ensure_ascii=False, indent=2))
        return 0
    current = None
    for t in tasks:
        if t.pack.id != current:
            current = t.pack.id
            print(f"\n{t.pack.manifest.title} ({t.pack.id} {t.pack.manifest.version})")
        examples = len(t.task.examples)
        suffix = f"  ({examples} exemple{'s' if examples > 1 else ''})" if examples else ""
        print(f"  {t.ref:<48} {t.task.title}{suffix}")
    if not tasks:
        err("Aucune tâche disponible.")
    return 0
