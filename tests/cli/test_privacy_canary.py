"""Guarantee 8: patient identifiers reach no file but the document the user exported.

Tasks run with a fictitious patient name and a valid-looking NIR in the fields and the source;
afterwards every file under the user's folders and the temporary folder is searched.
"""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pytest

from tests.canary import NAME, NIR, SOURCE, files_containing_canaries
from tests.conftest import HOSPIDESK, Env, draft_cli, run_cli
from tests.documents.helpers import all_text

pytestmark = pytest.mark.model


def test_cli_tasks_leave_no_canary_behind(hd_env: Env, tmp_path: Path) -> None:
    tmp = tmp_path / "tmpdir"
    tmp.mkdir()
    source = tmp_path / "note.txt"
    source.write_text(SOURCE, encoding="utf-8")
    out = tmp_path / "convocation.docx"
    fields = {
        "civilite": "Madame",
        "patient": NAME,
        "date_rdv": "17/03/2026",
        "heure_rdv": "09h30",
        "lieu": "Bâtiment B",
        "medecin": "Dr Lefèvre",
        "contact": "le secrétariat",
        "adresse": f"{NAME}\nNIR {NIR}",
    }
    args = [
        "draft",
        "--task",
        "secretariat/convocation",
        "--source",
        str(source),
        "--out",
        str(out),
        "--max-tokens",
        "24",
    ]
    for name, value in fields.items():
        args += ["--field", f"{name}={value}"]
    env = Env(hd_env.home, hd_env.site)
    proc = subprocess.run(
        [*HOSPIDESK, *args],
        capture_output=True,
        text=True,
        env=env.vars() | {"TMPDIR": str(tmp)},
        timeout=300,
        check=False,
    )
    assert proc.returncode == 0, proc.stderr
    assert "identifiants de patient" in proc.stderr and "NIR (" in proc.stderr
    assert NIR not in proc.stderr and "CANARIVORE" not in proc.stderr
    assert NAME in all_text(out)  # the user's own document holds them, as asked
    # a failing run too (an error message must not echo the values)
    bad = draft_cli(env, "secretariat/convocation", fields={"patient": NAME, "date_rdv": NIR})
    assert bad.returncode != 0 and NIR not in bad.stderr
    assert run_cli(env, "audit", "verify").returncode == 0
    leaks = files_containing_canaries([hd_env.home, tmp], allowed={out.resolve()})
    assert leaks == []
    assert (hd_env.home / "data" / "audit.jsonl").stat().st_size > 0


def test_the_job_makes_no_network_connection(hd_env: Env, tmp_path: Path) -> None:
    strace = shutil.which("strace")
    if strace is None:
        pytest.skip("strace is not installed")
    probe = subprocess.run(
        [strace, "-f", "-e", "trace=connect", "true"], capture_output=True, check=False
    )
    if probe.returncode != 0:
        pytest.skip(f"strace cannot trace here: {probe.stderr.decode().strip()[:200]}")
    log = tmp_path / "strace.log"
    source = tmp_path / "note.txt"
    source.write_text(SOURCE, encoding="utf-8")
    proc = subprocess.run(
        [
            strace,
            "-f",
            "-e",
            "trace=connect",
            "-o",
            str(log),
            *HOSPIDESK,
            "draft",
            "--task",
            "secretariat/reformuler-courrier",
            "--source",
            str(source),
            "--out",
            str(tmp_path / "o.docx"),
            "--max-tokens",
            "12",
        ],
        capture_output=True,
        text=True,
        env=hd_env.vars(),
        timeout=300,
        check=False,
    )
    assert proc.returncode == 0, proc.stderr
    connects = [line for line in log.read_text().splitlines() if "connect(" in line]
    outside = [
        line
        for line in connects
        if ("AF_INET" in line and "127.0.0.1" not in line)
        or ("AF_INET6" in line and '"::1"' not in line)
    ]
    assert outside == [], outside
    print(f"\n{len(connects)} connect() calls traced, none outside the machine")
