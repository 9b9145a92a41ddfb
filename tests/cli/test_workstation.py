"""``hospidesk tasks``, ``paths``, ``doctor`` and ``settings``."""

from __future__ import annotations

import json

from tests.conftest import Env, assert_clean_failure, run_cli


def test_tasks_paths_and_doctor(hd_env: Env) -> None:
    tasks = json.loads(run_cli(hd_env, "tasks", "--json").stdout)
    refs = {t["ref"] for t in tasks}
    assert {"secretariat/reformuler-courrier", "secretariat/convocation"} <= refs
    paths = json.loads(run_cli(hd_env, "paths", "--json").stdout)
    assert paths["data"].startswith(str(hd_env.home))
    assert paths["site"] == str(hd_env.site)
    doctor = run_cli(hd_env, "doctor")
    assert doctor.returncode == 0, doctor.stdout + doctor.stderr
    assert "OK  Modèle smollm2-135m-instruct-q4_1 : vérifié" in doctor.stdout
    assert "Réseau" in doctor.stdout


def test_unknown_setting_and_bad_number(hd_env: Env) -> None:
    assert "Paramètre inconnu" in assert_clean_failure(run_cli(hd_env, "settings", "set", "x", "1"))
    line = assert_clean_failure(run_cli(hd_env, "settings", "set", "moteur.threads", "beaucoup"))
    assert "nombre entier" in line


def test_a_job_must_be_one_the_user_may_use(hd_env: Env) -> None:
    hd_env.write_policy('[roles]\ndefault = ["secretariat", "qualite"]\n')
    for job in ("plombier", "achats"):  # unknown; known but hidden by the policy
        line = assert_clean_failure(run_cli(hd_env, "settings", "set", "profil.metier", job))
        assert line.endswith(f"Métier inconnu : « {job} ». Métiers : qualite, secretariat.")

    def job_line() -> str:
        shown = run_cli(hd_env, "settings", "show").stdout.splitlines()
        return next(line for line in shown if line.startswith("profil.metier"))

    assert run_cli(hd_env, "settings", "set", "profil.metier", "qualite").returncode == 0
    assert "qualite" in job_line()
    assert run_cli(hd_env, "settings", "set", "profil.metier", "").returncode == 0  # none
    assert "qualite" not in job_line()
