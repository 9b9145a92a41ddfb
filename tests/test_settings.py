from pathlib import Path

import pytest

from hospidesk.errors import UsageError
from hospidesk.settings import Lock, Settings
from tests.conftest import Env, assert_clean_failure, run_cli

LOCKED_POLICY = """
[[locked]]
key = "moteur.threads"
value = "1"
reason = "Poste partagé : un seul cœur pour HospiDesk"
"""


def test_values_round_trip_through_the_file(tmp_path: Path) -> None:
    file = tmp_path / "settings.toml"
    settings = Settings.load(file)
    settings.set("etablissement.nom", 'CHU "Sainte-Exemple"\\Nord')
    settings.set("moteur.threads", "4")
    again = Settings.load(file)
    assert again.get("etablissement.nom") == 'CHU "Sainte-Exemple"\\Nord'
    assert again.get_int("moteur.threads") == 4


def test_a_locked_setting_wins_and_cannot_be_changed(tmp_path: Path) -> None:
    file = tmp_path / "settings.toml"
    file.write_text("[moteur]\nthreads = 8\n")
    settings = Settings.load(file, {"moteur.threads": Lock("1", "poste partagé")})
    assert settings.get_int("moteur.threads") == 1
    with pytest.raises(UsageError, match=r"verrouillé par la DSI.*poste partagé"):
        settings.set("moteur.threads", "2")
    assert file.read_text() == "[moteur]\nthreads = 8\n"


def test_cli_shows_and_refuses_a_locked_setting(hd_env: Env) -> None:
    hd_env.write_policy(LOCKED_POLICY)
    shown = run_cli(hd_env, "settings", "show")
    assert "verrouillé par la DSI : Poste partagé" in shown.stdout
    line = assert_clean_failure(run_cli(hd_env, "settings", "set", "moteur.threads", "2"))
    assert "verrouillé" in line


@pytest.mark.parametrize(
    ("policy", "key"),
    [
        ('[[locked]]\nkey = "moteur.inconnu"\nvalue = "1"\nreason = "x"\n', "locked.0"),
        ('[[locked]]\nkey = "moteur.threads"\nvalue = "beaucoup"\nreason = "x"\n', "locked.0"),
        ('[[locked]]\nkey = "moteur.threads"\nvalue = "1"\n', "locked.0.reason"),
    ],
)
def test_an_invalid_lock_stops_the_app_with_the_key(hd_env: Env, policy: str, key: str) -> None:
    hd_env.write_policy(policy)
    line = assert_clean_failure(run_cli(hd_env, "tasks"))
    assert "Politique de la DSI invalide" in line and f"clé « {key} »" in line
