"""Real policy files: the documented example, hidden jobs, models, overrides."""

from __future__ import annotations

import getpass
import json
import re
from pathlib import Path

import pytest

from hospidesk import paths as paths_module
from hospidesk.cli import main as cli_main
from hospidesk.paths import get_paths
from hospidesk.policy import load_policy
from tests.conftest import SAMPLES, Env, assert_clean_failure, draft_cli, run_cli

DOC = Path(__file__).resolve().parents[1] / "docs" / "policy.md"


def documented_example() -> str:
    match = re.search(r"## Complete example.*?```toml\n(.*?)```", DOC.read_text(), re.DOTALL)
    assert match, "docs/policy.md has no complete example"
    return match.group(1)


def test_the_documented_example_loads(hd_env: Env) -> None:
    hd_env.write_policy(documented_example())
    (hd_env.site / "ca-chu.pem").write_text("(the hospital's CA)\n", encoding="utf-8")
    policy = load_policy(get_paths())
    assert policy.roles.default == ("secretariat",)
    assert policy.models.allowed == ("smollm2-135m-instruct-q4_1",)
    assert {lock.key for lock in policy.locked} == {"etablissement.nom", "moteur.threads"}
    assert policy.history.retention_days == 30
    assert policy.metrics.min_group_size == 5 and not policy.metrics.require_feedback
    assert policy.rules is not None and policy.rules.version == "CHSE-2026-03"
    (server,) = policy.servers.allowed
    assert (server.id, server.url, server.api_key) == ("chu", "https://ia.chu.local:8443/v1", True)
    assert policy.servers.fallback_local and policy.servers.pseudonymise


def test_a_hidden_job_is_neither_listed_nor_runnable(hd_env: Env) -> None:
    hd_env.write_policy('[roles]\ndefault = ["secretariat"]\n')
    tasks = json.loads(run_cli(hd_env, "tasks", "--json").stdout)
    assert {t["job"] for t in tasks} == {"secretariat"}
    line = assert_clean_failure(
        draft_cli(hd_env, "medecins-cadres/synthese-email", source=SAMPLES / "fil-emails.eml")
    )
    assert "n'est pas ouverte à votre profil" in line


def test_assignments_open_jobs_to_users(hd_env: Env) -> None:
    me = getpass.getuser()
    hd_env.write_policy(
        f'[roles]\ndefault = []\n[[roles.assign]]\njobs = ["achats"]\nusers = ["{me}"]\n'
    )
    tasks = json.loads(run_cli(hd_env, "tasks", "--json").stdout)
    assert {t["job"] for t in tasks} == {"achats"}


def test_a_model_the_policy_does_not_allow_is_refused(hd_env: Env) -> None:
    hd_env.write_policy('[models]\nallowed = ["un-autre-modele"]\n')
    line = assert_clean_failure(
        draft_cli(hd_env, "secretariat/reformuler-courrier", source=SAMPLES / "courrier-brut.txt")
    )
    assert "non autorisé" in line or "Aucun modèle du catalogue n'est autorisé" in line


@pytest.mark.parametrize(
    ("text", "key"),
    [
        ('[roles]\ndefault = "secretariat"\n', "roles.default"),
        ('[[roles.assign]]\njobs = ["qualite"]\n', "roles.assign.0"),
        ("[history]\nretention_days = 0\n", "history.retention_days"),
        ('[rules]\nversion = "1"\n', "rules"),
        ('[servers]\nurl = "https://ia.chu.example"\n', "servers.url"),
        (
            '[[servers.allowed]]\nid = "chu"\nname = "IA"\nurl = "http://10.0.0.5/v1"\n'
            'models = ["m"]\n',
            "servers.allowed.0.url",
        ),
        ('[dpi]\nmode = "mllp"\nipp_oid = "1.2.250.1.999.1"\nfiness = "990000011"\n', "dpi"),
        ('[dpi]\nmode = "mllp"\nhost = "eai.chu.local"\nport = 6661\n', "dpi"),
        ('[dpi]\nipp_oid = "1.2.250.1.213.1.4.10"\n', "dpi"),
        ('[dpi]\nfiness = "12345"\n', "dpi.finess"),
        ('[dpi]\nipp_oid = "1.2.250.01"\n', "dpi.ipp_oid"),
        ('[dpi]\ncharset = "8859/1"\n', "dpi.charset"),
    ],
)
def test_an_invalid_policy_stops_the_app(hd_env: Env, text: str, key: str) -> None:
    hd_env.write_policy(text)
    line = assert_clean_failure(run_cli(hd_env, "tasks"))
    assert f"clé « {key} »" in line


def test_the_patient_record_section_is_off_by_default_and_loads_when_complete(
    hd_env: Env,
) -> None:
    assert load_policy(get_paths()).dpi.mode == "off"
    hd_env.write_policy(
        '[dpi]\nmode = "mllp"\nhost = "eai.chu.local"\nport = 6661\n'
        'ipp_oid = "1.2.250.1.999.1.1.2"\nfiness = "2A0000011"\ncharset = "8859/15"\n'
    )
    dpi = load_policy(get_paths()).dpi
    assert (dpi.mode, dpi.host, dpi.port, dpi.charset) == ("mllp", "eai.chu.local", 6661, "8859/15")
    assert dpi.production and not dpi.tls


def test_site_override_is_ignored_and_audited_on_a_managed_machine(
    hd_env: Env, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """The machine folder is fixed (no variable moves it: the installed package's test shows
    it with /etc/xdg/hospidesk itself); here the command runs in this process with that fixed
    folder moved to a temporary one that holds IT's policy."""
    managed = tmp_path / "etc-xdg" / "hospidesk"
    managed.mkdir(parents=True)
    (managed / "policy.toml").write_text('[roles]\ndefault = ["achats"]\n')
    monkeypatch.setattr(paths_module, "LINUX_SITE_DIR", managed)
    hd_env.write_policy('[roles]\ndefault = ["*"]\n')

    def here(*args: str) -> tuple[int, str]:
        code = cli_main(list(args))
        return code, capsys.readouterr().out

    where = json.loads(here("paths", "--json")[1])
    assert where["site"] == str(managed)
    assert where["site_override_ignored"] == str(hd_env.site)
    tasks = json.loads(here("tasks", "--json")[1])
    assert {t["job"] for t in tasks} == {"achats"}  # the managed policy, not the override
    assert here("packs", "import", str(tmp_path / "absent.hdpack"))[0] != 0
    events = [
        json.loads(line) for line in (hd_env.home / "data" / "audit.jsonl").read_text().splitlines()
    ]
    ignored = [e for e in events if e["event"] == "override_ignored"]
    assert ignored and ignored[0]["details"]["ignored"] == str(hd_env.site)


def test_drafting_waits_for_the_rules_and_a_new_version_asks_again(hd_env: Env) -> None:
    hd_env.write_policy('[rules]\nversion = "v2"\ntext = "Relire tout."\n')
    line = assert_clean_failure(
        draft_cli(hd_env, "secretariat/reformuler-courrier", source=SAMPLES / "courrier-brut.txt")
    )
    assert "Acceptez d'abord la charte" in line and "v2" in line
    shown = run_cli(hd_env, "rules", "show")
    assert "Relire tout." in shown.stdout and "pas encore acceptée" in shown.stderr
    assert run_cli(hd_env, "rules", "accept").returncode == 0
    assert "acceptée" in run_cli(hd_env, "rules", "show").stderr
    events = [
        json.loads(line)["event"]
        for line in (hd_env.home / "data" / "audit.jsonl").read_text().splitlines()
    ]
    assert "rules_accepted" in events
