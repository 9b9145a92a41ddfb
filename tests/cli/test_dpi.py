"""``hospidesk file`` and ``hospidesk outbox`` as a user runs them, against an interface
engine on 127.0.0.1: 0 when filed, 3 when the document waits, 2 when refused; the patient's
names only in a file, never on the command line."""

from __future__ import annotations

import datetime as dt
import json
import shutil
import socket
from pathlib import Path

import pytest

from hospidesk.service.export import ExportRequest, export_draft
from hospidesk.service.workspace import Workspace
from tests.conftest import Env, assert_clean_failure, run_cli
from tests.dpi.eai import Behaviour, running_eai
from tests.dpi.messages import HOSPITAL_OID

pytestmark = [
    pytest.mark.libreoffice,
    pytest.mark.usefixtures("secret_service"),
    pytest.mark.skipif(shutil.which("soffice") is None, reason="LibreOffice is not installed"),
]
BODY = "Nous vous confirmons votre rendez-vous du 12 mars 2027 à 14h30, au bâtiment C."


def set_up(hd_env: Env, tmp_path: Path, port: int) -> list[str]:
    hd_env.write_policy(
        f'[dpi]\nmode = "mllp"\nhost = "127.0.0.1"\nport = {port}\ntimeout_seconds = 5\n'
        f'ipp_oid = "{HOSPITAL_OID}"\nfiness = "990000011"\n'
    )
    ws = Workspace.open()
    ws.settings.set("signataire.nom", "Claire Martin")
    ws.settings.set("signataire.rpps", "10001234567")
    letter = tmp_path / "convocation.docx"
    request = ExportRequest("secretariat/reformuler-courrier", {}, BODY)
    export_draft(ws, request, letter, dt.date.today())
    identity = tmp_path / "identite.json"
    identity.write_text(
        json.dumps({"nom_naissance": "EXEMPLE", "prenom": "Jeanne", "date_naissance": "1948-03-02",
                    "sexe": "F"}),
        encoding="utf-8",
    )  # fmt: skip
    return [
        "file", str(letter), "--ipp", "123456", "--sejour", "789",
        "--identite", str(identity), "--type", "11488-4",
        "--libelle", "Compte rendu de consultation", "--titre", "Convocation",
    ]  # fmt: skip


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def test_a_document_is_filed_and_the_command_says_so(hd_env: Env, tmp_path: Path) -> None:
    with running_eai() as eai:
        result = run_cli(hd_env, *set_up(hd_env, tmp_path, eai.port))
    assert result.returncode == 0, result.stderr
    assert "Classé dans le dossier patient à " in result.stderr
    assert len(eai.received) == 1 and "EXEMPLE^Jeanne" in eai.received[0]


def test_an_engine_down_leaves_it_waiting_until_outbox_retry(hd_env: Env, tmp_path: Path) -> None:
    port = free_port()
    args = set_up(hd_env, tmp_path, port)
    result = run_cli(hd_env, *args)
    assert result.returncode == 3, result.stderr
    assert "en attente d'envoi" in result.stderr
    listed = run_cli(hd_env, "outbox", "list")
    assert "Convocation" in listed.stdout and "essais : 1" in listed.stdout
    with running_eai(port=port) as eai:
        retried = run_cli(hd_env, "outbox", "retry")
    assert retried.returncode == 0, retried.stderr
    assert len(eai.documents()) == 1
    assert "Aucun document en attente" in run_cli(hd_env, "outbox", "list").stdout


def test_a_refused_document_exits_2_with_the_reason(hd_env: Env, tmp_path: Path) -> None:
    error = "207^Application error^HL70357|E|902^Patient inconnu^applicationErrorCode"
    with running_eai(Behaviour(code="AE", error=error)) as eai:
        result = run_cli(hd_env, *set_up(hd_env, tmp_path, eai.port))
    assert result.returncode == 2
    assert "Patient inconnu du dossier patient (IPP) (code 902)" in result.stderr


def test_filing_off_and_a_bad_identity_file_are_said_in_one_line(
    hd_env: Env, tmp_path: Path
) -> None:
    args = set_up(hd_env, tmp_path, free_port())
    (tmp_path / "identite.json").write_text('{"nom": "X"}', encoding="utf-8")
    assert "clé inconnue « nom »" in assert_clean_failure(run_cli(hd_env, *args))
    hd_env.write_policy("")
    line = assert_clean_failure(run_cli(hd_env, *args))
    assert "n'est pas activé sur ce poste" in line


def test_dpi_test_sends_a_test_message_with_the_test_identity(hd_env: Env, tmp_path: Path) -> None:
    import hl7

    with running_eai() as eai:
        set_up(hd_env, tmp_path, eai.port)
        result = run_cli(hd_env, "dpi", "test")
    assert result.returncode == 0, result.stderr
    assert "a accepté le message de test (AA)" in result.stdout
    (message,) = (hl7.parse(m) for m in eai.received)
    assert str(message.segment("MSH")[11]) == "T"
    assert "1.2.250.1.213.1.4.10" in str(message.segment("PID")[3])
    assert "Aucun document en attente" in run_cli(hd_env, "outbox", "list").stdout


def test_a_task_that_is_not_filed_is_said_before_any_drafting(hd_env: Env, tmp_path: Path) -> None:
    args = set_up(hd_env, tmp_path, free_port())
    identity = args[args.index("--identite") + 1]
    result = run_cli(
        hd_env, "draft", "--task", "secretariat/reformuler-courrier", "--example", "1",
        "--file-to-dpi", "--ipp", "123456", "--identite", identity,
    )  # fmt: skip
    assert "ne se classe pas dans le dossier patient" in assert_clean_failure(result)
    line = assert_clean_failure(
        run_cli(hd_env, "draft", "--task", "secretariat/reformuler-courrier", "--ipp", "1")
    )
    assert "--ipp et --identite vont avec --file-to-dpi" in line


@pytest.mark.model
def test_a_draft_is_written_then_filed_as_its_pack_declares(hd_env: Env, tmp_path: Path) -> None:
    """A referent's pack (unsigned, allowed by the policy) declares the letter's type."""
    from tests.packs.forge import NEXT, forge, pack_files

    files = pack_files(NEXT)
    task = "tasks/reformuler-courrier.toml"
    files[task] += b'\n[document_type]\ncode = "11490-0"\nlabel = "Lettre de sortie"\n'
    (tmp_path / "essai.hdpack").write_bytes(forge(files, None))
    with running_eai() as eai:
        args = set_up(hd_env, tmp_path, eai.port)
        policy = (hd_env.site / "policy.toml").read_text(encoding="utf-8")
        hd_env.write_policy(policy + "\n[packs]\nallow_unsigned = true\n")
        imported = run_cli(hd_env, "packs", "import", str(tmp_path / "essai.hdpack"))
        assert imported.returncode == 0, imported.stderr
        identity = args[args.index("--identite") + 1]
        result = run_cli(
            hd_env, "draft", "--task", "secretariat/reformuler-courrier", "--example", "1",
            "--max-tokens", "48", "--file-to-dpi", "--ipp", "123456", "--sejour", "789",
            "--identite", identity,
        )  # fmt: skip
    assert result.returncode == 0, result.stderr
    assert "Classé dans le dossier patient à " in result.stderr
    assert len(eai.received) == 1 and "11490-0^Lettre de sortie^LN" in eai.received[0]


def test_a_kill_during_the_send_loses_nothing_and_files_once(hd_env: Env, tmp_path: Path) -> None:
    """kill -9 while the engine holds the message and has not answered: the message is in the
    outbox, sealed; sent again it is the same message, which the engine files once."""
    import os
    import signal
    import subprocess
    import time

    from tests.conftest import HOSPIDESK

    with running_eai(Behaviour(delay=60)) as eai:
        args = set_up(hd_env, tmp_path, eai.port)
        proc = subprocess.Popen(
            [*HOSPIDESK, *args],
            env=hd_env.vars(),
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        deadline = time.monotonic() + 120
        while not eai.received and time.monotonic() < deadline and proc.poll() is None:
            time.sleep(0.05)
        assert eai.received, "the message never reached the engine"
        os.kill(proc.pid, signal.SIGKILL)
        proc.wait()
        eai.behaviour = Behaviour()
        listed = run_cli(hd_env, "outbox", "list")
        assert "Convocation" in listed.stdout and "essais : 0" in listed.stdout
        retried = run_cli(hd_env, "outbox", "retry")
    assert retried.returncode == 0, retried.stderr
    assert len(eai.received) == 2 and len(eai.documents()) == 1  # the same MSH-10 twice
    assert eai.received[0] == eai.received[1]
    assert "Aucun document en attente" in run_cli(hd_env, "outbox", "list").stdout


@pytest.mark.server
def test_without_an_identity_file_the_fhir_server_names_the_patient(
    hd_env: Env, tmp_path: Path
) -> None:
    from tests.dpi.fhir_server import add_patient, running_fhir

    with running_fhir(tmp_path) as base, running_eai() as eai:
        add_patient(base, HOSPITAL_OID, "123456")
        args = set_up(hd_env, tmp_path, eai.port)
        policy = (hd_env.site / "policy.toml").read_text(encoding="utf-8")
        hd_env.write_policy(policy.replace("[dpi]\n", f'[dpi]\nfhir_url = "{base}"\n'))
        at = args.index("--identite")
        without = args[:at] + args[at + 2 :]
        result = run_cli(hd_env, *without)
        unknown = run_cli(hd_env, *[a if a != "123456" else "999999" for a in without])
    assert result.returncode == 0, result.stderr
    assert "EXEMPLE^Jeanne" in eai.received[0]
    assert "ne connaît pas l'IPP 999999" in assert_clean_failure(unknown)
