"""``hospidesk tasks``: each task with its worked examples, as a DPI's script or the studio
would read them, and the example tried by its number."""

from __future__ import annotations

import json

from hospidesk.service.workspace import Workspace
from tests.conftest import Env, run_cli


def test_the_json_listing_gives_each_task_s_examples_with_their_facts(hd_env: Env) -> None:
    tasks = {t["ref"]: t for t in json.loads(run_cli(hd_env, "tasks", "--json").stdout)}
    shipped = {t.ref: t.task for t in Workspace.open().tasks()}
    assert tasks.keys() == shipped.keys()
    for ref, task in shipped.items():
        listed = tasks[ref]["examples"]
        assert [e["number"] for e in listed] == list(range(1, len(task.examples) + 1))
        for item, example in zip(listed, task.examples, strict=True):
            assert item["description"] == example.description
            assert item["fields"] == dict(example.fields)
            assert item["facts"] == list(example.facts) and item["facts"]
            assert item["has_source"] == bool(example.source.strip())
    assert any(tasks[ref]["examples"] for ref in tasks)


def test_the_text_listing_counts_the_examples(hd_env: Env) -> None:
    listing = run_cli(hd_env, "tasks", "--role", "secretariat").stdout
    line = next(ln for ln in listing.splitlines() if "secretariat/reformuler-courrier" in ln)
    count = len(Workspace.open().task("secretariat/reformuler-courrier").task.examples)
    assert line.endswith(f"({count} exemples)")
