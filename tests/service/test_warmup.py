"""Which tasks the engine reads ahead, in which order, and the policy that limits it."""

from __future__ import annotations

from hospidesk.service.usage import record_use
from hospidesk.service.warmup import warm_order, warm_prompts
from hospidesk.service.workspace import Workspace
from tests.conftest import Env

FAVOURITE = "secretariat/convocation"


def quality_workspace(env: Env) -> Workspace:
    env.write_policy('[models]\nwarm_up = "all"\n')  # the policy's default (tests: off)
    ws = Workspace.open()
    ws.settings.set("profil.metier", "qualite")
    ws.settings.save()
    return Workspace.open()


def test_the_job_first_then_favourites_then_the_most_used(hd_env: Env) -> None:
    ws = quality_workspace(hd_env)
    used = ws.task("achats/demande-devis")
    for _ in range(3):
        record_use(ws, used, "m", "exported", 10.0, "a", "a")
    record_use(ws, ws.task("achats/synthese-achats"), "m", "exported", 10.0, "a", "a", example=True)
    order = [t.ref for t in warm_order(ws, {FAVOURITE})]
    mine = [t.ref for t in ws.tasks() if t.pack.manifest.job == "qualite"]
    assert order[: len(mine)] == mine  # the job's tasks first, in their packs' order
    assert order[len(mine)] == FAVOURITE
    assert order[len(mine) + 1] == "achats/demande-devis"  # then the most used (examples aside)
    assert sorted(order) == sorted(t.ref for t in ws.tasks())  # every task, once


def test_only_the_fixed_part_is_read_ahead(hd_env: Env) -> None:
    ws = quality_workspace(hd_env)
    tasks = warm_order(ws, set())
    prompts = warm_prompts(tasks)
    assert len(prompts) > len(tasks)  # the extraction's instructions of tasks that extract
    assert all(user.content == "" for _, user in prompts)  # no field value, no source text
    assert prompts[0][0].content.endswith(tasks[0].task.instructions.strip())


def test_the_policy_limits_it_to_favourites_or_turns_it_off(hd_env: Env) -> None:
    hd_env.write_policy('[models]\nwarm_up = "favourites"\n')
    assert [t.ref for t in warm_order(Workspace.open(), {FAVOURITE})] == [FAVOURITE]
    hd_env.write_policy('[models]\nwarm_up = "off"\n')
    assert warm_order(Workspace.open(), {FAVOURITE}) == []
