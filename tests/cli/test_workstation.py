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
