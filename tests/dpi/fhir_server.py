"""A real FHIR R4 server for the tests: sekmet-fhir (Apache-2.0) in its own process, bound to
127.0.0.1 on a free port, its store in memory, its simulator off; nothing leaves the machine."""

from __future__ import annotations

import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import httpx


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@contextmanager
def running_fhir(folder: Path, port: int = 0) -> Iterator[str]:
    """The server's base URL while it runs (on ``port``, to come back where it was)."""
    port = port or free_port()
    base = f"http://127.0.0.1:{port}/fhir"
    settings = folder / "sekmet.yaml"
    settings.write_text(
        f'base_url: "{base}"\nhost: "127.0.0.1"\nport: {port}\ndb_path: ":memory:"\n'
        "simulator: {enabled: false}\nlog_inbound: false\n",
        encoding="utf-8",
    )
    proc = subprocess.Popen(
        [sys.executable, "-m", "uvicorn", "sekmet.main:app_factory", "--factory",
         "--host", "127.0.0.1", "--port", str(port), "--log-level", "warning"],
        env={"SEKMET_CONFIG": str(settings), "PATH": "/usr/bin:/bin"},
        cwd=folder,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )  # fmt: skip
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                if httpx.get(f"{base}/metadata", timeout=2, trust_env=False).status_code == 200:
                    break
            except httpx.HTTPError:
                pass
            if proc.poll() is not None or time.monotonic() > deadline:
                raise RuntimeError(f"the FHIR server did not start: {proc.stderr.read()!r}")
            time.sleep(0.1)
        yield base
    finally:
        proc.terminate()
        proc.wait(10)


def add_patient(base: str, ipp_oid: str, ipp: str, qualified_ins: str = "") -> str:
    """A patient the hospital's server knows: its id."""
    patient: dict[str, object] = {
        "resourceType": "Patient",
        "identifier": [{"system": f"urn:oid:{ipp_oid}", "value": ipp}],
        "name": [{"use": "official", "family": "EXEMPLE", "given": ["Jeanne", "Marie"]}],
        "gender": "female",
        "birthDate": "1948-03-02",
    }
    if qualified_ins:
        patient["identifier"].append(  # type: ignore[attr-defined]
            {"system": "urn:oid:1.2.250.1.213.1.4.8", "value": qualified_ins}
        )
        patient["extension"] = [
            {
                "url": "https://hl7.fr/ig/fhir/core/StructureDefinition/fr-core-identity-reliability",
                "extension": [{"url": "identityReliability", "valueCoding": {"code": "VALI"}}],
            }
        ]
    answer = httpx.post(f"{base}/Patient", json=patient, timeout=10, trust_env=False)
    answer.raise_for_status()
    return str(answer.json()["id"])
