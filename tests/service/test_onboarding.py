"""A user's first days: their job (chosen, or given by the policy), the examples, the rules'
key points once a day, what changed after a pack update, and example tries counted apart."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import pytest

from hospidesk.errors import UsageError
from hospidesk.service import onboarding
from hospidesk.service.onboarding import (
    Welcome,
    assigned_job,
    choose_job,
    current_job,
    example,
    first_task,
    is_example,
    needs_job_choice,
    tasks_by_job,
    visible_jobs,
)
from hospidesk.service.usage import record_use
from hospidesk.service.workspace import Workspace
from tests.conftest import Env, run_cli

ONLY_RH = '[roles]\ndefault = ["ressources-humaines"]\n'
LETTER = "secretariat/reformuler-courrier"


def test_every_job_is_offered_with_one_line_and_the_choice_orders_the_tasks(hd_env: Env) -> None:
    ws = Workspace.open()
    jobs = visible_jobs(ws)
    assert [j.id for j in jobs] == [
        "achats",
        "medecins-cadres",
        "qualite",
        "ressources-humaines",
        "secretariat",
    ]
    assert all(j.summary and "\n" not in j.summary and len(j.summary) <= 140 for j in jobs)
    assert needs_job_choice(ws) and current_job(ws) is None
    choose_job(ws, "secretariat")
    ws = Workspace.open()
    assert current_job(ws) == "secretariat" and not needs_job_choice(ws)
    ordered = tasks_by_job(ws, "secretariat")
    assert [t.pack.manifest.job for t in ordered[:7]] == ["secretariat"] * 7
    assert first_task(ws, "secretariat").ref == LETTER  # type: ignore[union-attr]
    with pytest.raises(UsageError, match="Métier inconnu : « pharmacie »"):
        choose_job(ws, "pharmacie")


def test_a_policy_giving_one_job_asks_nothing_and_shows_only_its_tasks(hd_env: Env) -> None:
    hd_env.write_policy(ONLY_RH)
    ws = Workspace.open()
    assert assigned_job(ws) == "ressources-humaines"
    assert not needs_job_choice(ws)
    assert {t.pack.manifest.job for t in ws.tasks()} == {"ressources-humaines"}
    assert [j.id for j in visible_jobs(ws)] == ["ressources-humaines"]


def test_a_locked_job_is_the_users_whatever_they_chose(hd_env: Env) -> None:
    hd_env.write_policy(
        '[[locked]]\nkey = "profil.metier"\nvalue = "qualite"\nreason = "Poste de la qualité"\n'
    )
    ws = Workspace.open()
    assert current_job(ws) == "qualite" and not needs_job_choice(ws)
    with pytest.raises(UsageError, match="verrouillé"):
        choose_job(ws, "secretariat")


def test_a_job_no_longer_visible_is_asked_again(hd_env: Env) -> None:
    choose_job(Workspace.open(), "achats")
    hd_env.write_policy('[roles]\ndefault = ["secretariat", "qualite"]\n')
    ws = Workspace.open()
    assert current_job(ws) is None and needs_job_choice(ws)


def test_examples_are_numbered_from_one_and_recognised_until_changed(hd_env: Env) -> None:
    item = Workspace.open().task(LETTER)
    first = example(item, 1)
    assert first is item.task.examples[0]
    with pytest.raises(UsageError, match=r"Exemple n° 9 inconnu .*1 : .*2 : "):
        example(item, 9)
    fields = {**{f.name: f.default for f in item.task.fields}, **first.fields}
    assert is_example(item, first.source, fields)
    assert not is_example(item, first.source + " Merci.", fields)
    assert not is_example(item, first.source, {**fields, "objet": "Autre objet"})


def test_the_rules_key_points_come_once_a_day_during_the_first_days(
    hd_env: Env, tmp_path: Path
) -> None:
    ws = Workspace.open()
    welcome = Welcome(tmp_path / "accueil.json")
    day = dt.date(2026, 12, 1)
    shown = []
    for offset in range(10):
        today = day + dt.timedelta(days=offset)
        shown.append(welcome.key_point(ws, today))
        assert Welcome(tmp_path / "accueil.json").key_point(ws, today) is None  # once a day
    assert all(shown[: onboarding.FIRST_DAYS]) and not any(shown[onboarding.FIRST_DAYS :])
    assert "Relisez chaque brouillon" in str(shown[0])


def test_the_policy_gives_its_own_key_points(hd_env: Env, tmp_path: Path) -> None:
    hd_env.write_policy(
        '[rules]\nversion = "2026-12"\ntext = "# Charte du CHU"\n'
        'key_points = ["Jamais de nom de patient dans l\'objet."]\n'
    )
    point = Welcome(tmp_path / "a.json").key_point(Workspace.open(), dt.date(2026, 12, 1))
    assert point == "Jamais de nom de patient dans l'objet."


def test_whats_new_names_the_jobs_added_and_changed_tasks_once(hd_env: Env, tmp_path: Path) -> None:
    ws = Workspace.open()
    tasks = ws.tasks()
    file = tmp_path / "accueil.json"
    assert not Welcome(file).whats_new("secretariat", tasks)  # a new user: everything is new
    data = json.loads(file.read_text(encoding="utf-8"))
    seen = data["taches"]["secretariat"]
    del seen["secretariat/convocation"]  # as before a pack update that added it
    seen[LETTER] = "0" * 16  # and changed this one
    file.write_text(json.dumps(data), encoding="utf-8")
    news = Welcome(file).whats_new("secretariat", tasks)
    assert [t.ref for t in news.added] == ["secretariat/convocation"]
    assert [t.ref for t in news.changed] == [LETTER]
    assert not Welcome(file).whats_new("secretariat", tasks)  # said once
    assert not Welcome(file).whats_new("qualite", tasks)  # another job: first time, nothing


def test_example_tries_are_not_counted_as_real_uses_in_stats(hd_env: Env) -> None:
    hd_env.write_policy("[metrics]\nmin_group_size = 2\n")
    ws = Workspace.open()
    item = ws.task(LETTER)
    for example_try in (False, True, False, True, True):
        record_use(ws, item, "m", "exporté", 30, "a b c", "a b c", example=example_try)
    result = run_cli(hd_env, "stats", "--format", "json")
    assert result.returncode == 0, result.stderr
    export = json.loads(result.stdout)
    (group,) = export["groups"]
    assert (group["task"], group["uses"], group["exported"]) == (LETTER, 2, 2)
    assert export["example_uses"] == 3
    assert "3 essai(s) d'exemples, comptés à part" in result.stderr
    header, row = run_cli(hd_env, "stats", "--format", "csv").stdout.splitlines()
    assert dict(zip(header.split(","), row.split(","), strict=True))["uses"] == "2"


def test_a_job_locked_to_none_is_never_asked(hd_env: Env) -> None:
    hd_env.write_policy('[[locked]]\nkey = "profil.metier"\nvalue = ""\nreason = "Poste partagé"\n')
    ws = Workspace.open()
    assert current_job(ws) is None and not needs_job_choice(ws)
