"""The package, built once for the packaging tests (make package into a temporary folder)."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pytest

from tests.conftest import REPO


@pytest.fixture(scope="session")
def dist(tmp_path_factory: pytest.TempPathFactory) -> Path:
    if shutil.which("dpkg-deb") is None:
        pytest.skip("dpkg-deb is not installed: the .deb cannot be built here")
    out = tmp_path_factory.mktemp("dist")
    result = subprocess.run(
        ["packaging/build-deb.sh", str(out)], cwd=REPO, capture_output=True, text=True
    )
    assert result.returncode == 0, result.stdout[-3000:] + result.stderr[-3000:]
    return out


@pytest.fixture(scope="session")
def deb(dist: Path) -> Path:
    (package,) = dist.glob("hospidesk_*.deb")
    return package
