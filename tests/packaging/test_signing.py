"""packaging/sign and packaging/verify with a throw-away OpenPGP key, on the real .deb."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
from pathlib import Path

import pytest

from tests.conftest import DEMO_SHA256, REPO

pytestmark = pytest.mark.package


def make_key(home: Path, name: str) -> tuple[str, Path]:
    """A key pair in its own GnuPG home; returns the fingerprint and the public key file."""
    home.mkdir(mode=0o700)
    env = {**os.environ, "GNUPGHOME": str(home)}
    subprocess.run(
        [
            "gpg",
            "--batch",
            "--passphrase",
            "",
            "--quick-gen-key",
            f"{name} <{name}@example.invalid>",
            "ed25519",
            "sign",
            "never",
        ],
        env=env,
        check=True,
        capture_output=True,
    )
    listing = subprocess.run(
        ["gpg", "--batch", "--with-colons", "--list-keys"],
        env=env,
        check=True,
        capture_output=True,
        text=True,
    ).stdout
    fingerprint = next(
        line.split(":")[9] for line in listing.splitlines() if line.startswith("fpr")
    )
    public = home.parent / f"{name}.asc"
    public.write_bytes(
        subprocess.run(
            ["gpg", "--batch", "--armor", "--export", fingerprint],
            env=env,
            check=True,
            capture_output=True,
        ).stdout
    )
    return fingerprint, public


def sign(folder: Path, home: Path, fingerprint: str) -> None:
    env = {**os.environ, "GNUPGHOME": str(home)}
    result = subprocess.run(
        [str(REPO / "packaging" / "sign"), str(folder), fingerprint],
        env=env,
        capture_output=True,
        text=True,
    )
    assert result.returncode == 0, result.stderr


def verify(deb: Path, key: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [str(REPO / "packaging" / "verify"), str(deb), str(key)], capture_output=True, text=True
    )


@pytest.fixture(scope="module")
def signed(dist: Path, tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path, Path]:
    if shutil.which("gpg") is None:
        pytest.skip("gpg is not installed")
    base = tmp_path_factory.mktemp("signing")
    fingerprint, public = make_key(base / "it", "dsi")
    folder = base / "dist"
    shutil.copytree(dist, folder)
    sign(folder, base / "it", fingerprint)
    (deb,) = folder.glob("*.deb")
    return deb, public, base


def test_a_signed_package_is_accepted(signed: tuple[Path, Path, Path]) -> None:
    deb, key, _ = signed
    result = verify(deb, key)
    assert result.returncode == 0, result.stderr
    assert result.stdout.startswith(f"ACCEPTÉ : {deb.name} signé par la clé ")
    if shutil.which("debsigs"):
        assert "signature intégrée valide" in result.stdout
        members = subprocess.run(["ar", "t", str(deb)], capture_output=True, text=True).stdout
        assert "_gpgorigin" in members.split()


def test_one_changed_byte_is_refused(signed: tuple[Path, Path, Path], tmp_path: Path) -> None:
    deb, key, _ = signed
    changed = tmp_path / deb.name
    data = bytearray(deb.read_bytes())
    data[len(data) // 2] ^= 0x01
    changed.write_bytes(bytes(data))
    shutil.copy(f"{deb}.asc", f"{changed}.asc")
    result = verify(changed, key)
    assert result.returncode == 1
    assert "REFUSÉ : signature invalide" in result.stderr
    assert "ACCEPTÉ" not in result.stdout


def test_an_unsigned_package_is_refused(signed: tuple[Path, Path, Path], tmp_path: Path) -> None:
    deb, key, _ = signed
    shutil.copy(deb, tmp_path / deb.name)
    result = verify(tmp_path / deb.name, key)
    assert result.returncode == 1
    assert "REFUSÉ : signature absente" in result.stderr


def test_a_package_signed_by_another_key_is_refused(signed: tuple[Path, Path, Path]) -> None:
    deb, _, base = signed
    _, stranger = make_key(base / "other", "autre")
    result = verify(deb, stranger)
    assert result.returncode == 1
    assert "REFUSÉ : signature invalide" in result.stderr


def test_the_bill_of_materials_lists_what_went_in(dist: Path) -> None:
    (sbom_file,) = dist.glob("*.sbom.cdx.json")
    sbom = json.loads(sbom_file.read_text())
    components = {c["name"].lower().replace("_", "-"): c for c in sbom["components"]}
    llama = components["llama-cpp-python"]
    assert llama["version"]
    hashes = [h["content"] for ref in llama["externalReferences"] for h in ref.get("hashes", [])]
    lock = (REPO / "requirements" / "lock.txt").read_text()
    assert hashes and all(f"sha256:{h}" in lock for h in hashes)  # the artifact that went in
    assert "pyside6-essentials" in components and "cpython" in components and "qt" in components
    (model,) = [c for c in sbom["components"] if c["type"] == "machine-learning-model"]
    assert model["hashes"] == [{"alg": "SHA-256", "content": DEMO_SHA256}]
    sums = (dist / "SHA256SUMS").read_text()
    assert sbom_file.name in sums


def test_llama_cpp_runs_on_cpus_without_avx512(deb: Path, tmp_path: Path) -> None:
    """The build machine has AVX-512; the workstations mostly do not: no 512-bit registers."""
    if shutil.which("objdump") is None:
        pytest.skip("objdump (binutils) is not installed: the instruction set cannot be read")
    subprocess.run(["dpkg-deb", "-x", str(deb), str(tmp_path)], check=True)
    libraries = sorted((tmp_path / "opt/hospidesk/_internal/llama_cpp/lib").glob("libggml*.so*"))
    assert libraries
    for library in libraries:
        if library.is_symlink():
            continue
        code = subprocess.run(
            ["objdump", "-d", "--no-show-raw-insn", str(library)],
            capture_output=True,
            text=True,
            check=True,
        ).stdout
        assert "%zmm" not in code, f"{library.name} uses AVX-512 instructions"
