"""The prompt's layout: the task's fixed text first, the user's words last where they can be."""

from __future__ import annotations

from hospidesk.packs.loader import PackTask, all_tasks, discover
from hospidesk.packs.prompt import build_messages, system_prompt, user_prompt
from hospidesk.paths import shipped_packs_dir


def shipped(ref: str) -> PackTask:
    (task,) = [t for t in all_tasks(discover([shipped_packs_dir()])[0]) if t.ref == ref]
    return task


def test_a_form_alone_ends_the_prompt_after_the_request() -> None:
    task = shipped("secretariat/attestation-presence").task
    values = dict(task.examples[0].fields)
    text = user_prompt(task, values, None)
    assert text.startswith(task.request.strip() + "\n\nInformations :\n")
    last = [f for f in task.fields if values.get(f.name)][-1]
    assert text.endswith(f"- {last.label} : {values[last.name]}")
    # every filled field is given once, in the form's order
    lines = text.splitlines()
    given = [f"- {f.label} : {values[f.name]}" for f in task.fields if values.get(f.name)]
    assert [line for line in lines if line.startswith("- ")] == given


def test_after_a_source_the_request_closes_the_message() -> None:
    task = shipped("secretariat/convocation").task
    values = {"patient": "Odile Perrin", "motif": "Consultation"}
    text = user_prompt(task, values, "  Note : rappeler le bilan.\n")
    blocks = text.split("\n\n")
    assert blocks[0].startswith("Informations :\n")
    assert blocks[1] == f'{task.source.label} :\n"""\nNote : rappeler le bilan.\n"""'
    assert blocks[2] == task.request.strip()
    assert len(blocks) == 3
    # a source alone: the same, without the form
    assert user_prompt(task, {}, "Note.") == (
        f'{task.source.label} :\n"""\nNote.\n"""\n\n{task.request.strip()}'
    )


def test_nothing_given_leaves_the_request_alone() -> None:
    task = shipped("secretariat/convocation").task
    assert user_prompt(task, {"patient": "   "}, "  \n ") == task.request.strip()


def test_the_instructions_never_carry_what_the_user_gave() -> None:
    task = shipped("secretariat/attestation-presence").task
    values = dict(task.examples[0].fields)
    system, user = build_messages(task, values, None)
    assert system.content == system_prompt(task) == build_messages(task, {}, None)[0].content
    for given in ("Julien Moreau", "21/12/2026", "08h15", "11h40"):
        assert given not in system.content and given in user.content


def test_the_facts_to_keep_are_one_line_before_the_request() -> None:
    task = shipped("secretariat/reformuler-courrier").task
    text = user_prompt(
        task, {}, "Rappel : 312,40 € avant le 15 décembre.", ["312,40 €", "15 décembre"]
    )
    blocks = text.split("\n\n")
    assert blocks[-2] == "Faits à reprendre exactement : 312,40 € ; 15 décembre."
    assert blocks[-1] == task.request.strip()
    assert user_prompt(task, {}, "Rappel.", []) == user_prompt(task, {}, "Rappel.")
    form_only = user_prompt(shipped("secretariat/attestation-presence").task, {}, None, ["8h15"])
    assert form_only.endswith("Faits à reprendre exactement : 8h15.")
    locked = build_messages(task, {}, "Rappel.", ["15 décembre"])
    assert locked[0] == build_messages(task, {}, "Rappel.")[0]  # the cached prefix is the same
