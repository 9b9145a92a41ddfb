"""An AI referent builds a job's pack in the studio with the keyboard alone, on a real X server:
real key presses (xdotool) reach ``python -m hospidesk``. Then another workstation, whose IT
trusts the referent's key, imports the pack and drafts with its task on the command line. And
a studio killed while its referent types loses nothing."""

from __future__ import annotations

import contextlib
import getpass
import json
import os
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from hospidesk.service import studio
from hospidesk.service.workspace import Workspace
from hospidesk.storage import keys as keystore
from tests.conftest import Env, draft_cli, run_cli
from tests.ui.test_keyboard_xvfb import display, keys, wait_window, xdo

pytestmark = [pytest.mark.model, pytest.mark.xvfb]
__all__ = ["display"]  # the fixture, shared

SOURCE = (
    "Intervention de M. Girard deplacee au 14/03/2027 en salle 3 a cause d'une panne "
    "du bras de la colonne."
)


KEYSYMS = {
    "é": "eacute",
    "è": "egrave",
    "ê": "ecircumflex",
    "à": "agrave",
    "ù": "ugrave",
    "ç": "ccedilla",
    "ô": "ocircumflex",
    "î": "icircumflex",
    "É": "Eacute",
}


def type_text(display_name: str, text: str) -> None:
    """Type ``text``; a French letter by its key's name (``xdotool type`` loses some under
    load: it maps them to a spare key for the time of the press)."""
    env = {"DISPLAY": display_name, "LC_ALL": "C.UTF-8"}
    run = ""
    for char in text + "\n":
        if char in KEYSYMS or char == "\n":
            if run:
                subprocess.run(["xdotool", "type", "--delay", "5", run], env=env, check=False)
                run = ""
            if char in KEYSYMS:
                subprocess.run(["xdotool", "key", KEYSYMS[char]], env=env, check=False)
        else:
            run += char
    time.sleep(0.3)


@pytest.fixture
def french(display: str) -> str:
    """A French keyboard on the X server, as on the hospital's workstations: « é » is a key of
    its own. On a US keyboard xdotool maps it to a spare key for the time of the press, and an
    application busy at that moment reads the key once the mapping is gone: the letter is lost."""
    if shutil.which("setxkbmap") is None:
        pytest.skip("needs setxkbmap (Debian package x11-xkb-utils) for a French keyboard")
    subprocess.run(["setxkbmap", "-display", display, "fr"], check=True)
    return display


def _policy(hd_env: Env, share: Path) -> None:
    hd_env.write_policy(
        f'[studio]\nallowed_roles = ["{getpass.getuser()}"]\n\n[packs]\npublish_dir = "{share}"\n'
    )


def _start(hd_env: Env, display_name: str) -> subprocess.Popen[bytes]:
    env = hd_env.vars() | {
        "DISPLAY": display_name,
        "QT_QPA_PLATFORM": "xcb",
        "HOSPIDESK_LANG": "fr",
    }
    return subprocess.Popen(
        [sys.executable, "-m", "hospidesk"],
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
    )


def _open_studio(display_name: str) -> str:
    """From the first start to the studio's start dialog: the job, then Outils › Studio."""
    job = wait_window(display_name, "Votre métier")
    keys(display_name, job, "End", "Return")
    main = wait_window(display_name, "HospiDesk — ")
    keys(display_name, main, "alt+o", "s")
    return _ready(display_name, "Studio de tâches")


def _ready(display_name: str, title: str) -> str:
    """A window once it is there and has the keyboard (keys sent sooner go astray)."""
    window = wait_window(display_name, title)
    xdo(display_name, "windowfocus", "--sync", window)
    time.sleep(1)
    return window


def _forget_key() -> None:
    import keyring

    with contextlib.suppress(keyring.errors.PasswordDeleteError):
        keyring.delete_password(keystore.SIGNING_SERVICE, getpass.getuser())


@pytest.mark.usefixtures("secret_service")
def test_a_referent_builds_tries_tests_signs_and_publishes_with_the_keyboard(
    french: str, hd_env: Env, tmp_path: Path
) -> None:
    display = french
    share = tmp_path / "partage"
    share.mkdir()
    _policy(hd_env, share)
    _forget_key()
    app = _start(hd_env, display)
    output = ""
    try:
        start = _open_studio(display)
        type_text(display, "Bloc opératoire")
        keys(display, start, "alt+p")
        type_text(display, "Programme opératoire modifié")
        keys(display, start, "Return")
        window = _ready(display, "Studio de tâches — bloc-operatoire")
        # the task: a shipped template that prints the recipient and the subject
        keys(display, window, "ctrl+1", "alt+m")
        type_text(display, "medecins-cadres/templates/reponse-email")
        # its fields: keep the recipient, drop the two others, add the date
        keys(display, window, "ctrl+3", "Down", "alt+u", "alt+u", "alt+a", "ctrl+a")
        type_text(display, "date_intervention")
        keys(display, window, "alt+b", "ctrl+a")
        type_text(display, "Date de l'intervention")
        keys(display, window, "alt+t")
        type_text(display, "Date")
        keys(display, window, "alt+o")  # required
        # one example
        keys(display, window, "ctrl+4", "alt+a", "ctrl+a")
        type_text(display, "Panne en salle 2")
        keys(display, window, "alt+t")
        type_text(display, SOURCE)
        keys(display, window, "alt+c")
        type_text(display, "destinataire = Dr Martin")
        keys(display, window, "Return")
        type_text(display, "date_intervention = 14/03/2027")
        keys(display, window, "alt+f")
        type_text(display, "14/03/2027")
        keys(display, window, "Return")
        type_text(display, "salle 3")
        time.sleep(1)
        keys(display, window, "ctrl+s")
        saved = Path(hd_env.home) / "data" / "studio" / "bloc-operatoire"
        task_file = saved / "tasks" / "programme-operatoire-modifie.toml"
        for _ in range(20):
            if task_file.exists():
                break
            time.sleep(0.5)
        assert task_file.exists(), "the pack was not saved (a problem left?)"

        keys(display, window, "ctrl+r")  # Essayer: the example's draft
        tried = wait_window(display, "Essai : bloc-operatoire/programme-operatoire-modifie")
        keys(display, tried, "Escape")
        keys(display, window, "ctrl+t")  # the whole pack's test
        report = wait_window(display, "Test du pack bloc-operatoire")
        keys(display, report, "Escape")

        keys(display, window, "alt+g")  # the signing key: made, then its public half exported
        key_dialog = wait_window(display, "Clé de signature")
        keys(display, key_dialog, "alt+c", "alt+x")
        export = wait_window(display, "Exporter la clé publique")
        public = tmp_path / "referente.pub"
        keys(display, export, "ctrl+a")
        type_text(display, str(public))
        keys(display, export, "Return")
        for _ in range(20):
            if public.exists():
                break
            time.sleep(0.3)
        keys(display, key_dialog, "Escape")
        assert public.exists(), "the public key was not exported"

        keys(display, window, "ctrl+p")
        published = share / "bloc-operatoire-1.0.0.hdpack"
        for _ in range(40):  # a failed test asks to override (what the model writes varies)
            question = xdo(display, "search", "--name", "Publier le pack")
            if question:
                keys(display, question.splitlines()[0], "alt+o")  # « Oui »
            if published.exists():
                break
            time.sleep(0.5)
        assert published.exists(), "the pack was not published"
        keys(display, window, "ctrl+w")
    finally:
        app.terminate()
        try:
            output = app.communicate(timeout=20)[0].decode(errors="replace")
        except subprocess.TimeoutExpired:
            app.kill()
        _forget_key()
    assert "Traceback" not in output, output
    records = [json.loads(line) for line in (hd_env.home / "data" / "audit.jsonl").open()]
    (record,) = [r for r in records if r["event"] == "pack_published"]
    assert record["details"]["version"] == "1.0.0"

    other = Env(tmp_path / "poste-2", tmp_path / "site-2")
    (other.site / "trusted-keys").mkdir(parents=True)
    (other.site / "trusted-keys" / "referente.pub").write_bytes(public.read_bytes())
    other.write_policy("")
    assert run_cli(other, "rules", "accept").returncode == 0
    imported = run_cli(other, "packs", "import", str(published))
    assert imported.returncode == 0, imported.stderr
    drafted = draft_cli(
        other, "bloc-operatoire/programme-operatoire-modifie", "--example", "1", max_tokens=48
    )
    assert drafted.returncode == 0, drafted.stderr


def test_a_studio_killed_while_its_referent_types_loses_nothing(
    french: str, hd_env: Env, tmp_path: Path
) -> None:
    display = french
    _policy(hd_env, tmp_path)
    app = _start(hd_env, display)
    try:
        start = _open_studio(display)
        type_text(display, "Bloc opératoire")
        keys(display, start, "Return")
        window = _ready(display, "Studio de tâches — bloc-operatoire")
        keys(display, window, "ctrl+1", "alt+t", "ctrl+a")
        type_text(display, "Titre tapé juste avant l'arrêt")
        time.sleep(2)
    finally:
        os.kill(app.pid, signal.SIGKILL)
        app.wait()
    ws = Workspace.open()
    pack = studio.open_working(ws, "bloc-operatoire")
    assert pack.recovered
    assert pack.tasks[0]["title"] == "Titre tapé juste avant l'arrêt"
