"""The Windows recipe cannot be built here (no Windows, WiX or certificate); what can be
checked on Linux is: the recipe is well-formed, names files that exist, installs the
executable the PyInstaller recipe makes, puts the site files where the app reads them, and
the documented commands are the ones the build script runs."""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET

from hospidesk.paths import APP
from tests.conftest import REPO

WINDOWS = REPO / "packaging" / "windows"
NS = {"wix": "http://wixtoolset.org/schemas/v4/wxs"}


def recipe() -> ET.Element:
    return ET.parse(WINDOWS / "hospidesk.wxs").getroot()  # noqa: S314 - our own file


def test_the_wix_recipe_is_well_formed_and_names_existing_files() -> None:
    root = recipe()
    package = root.find("wix:Package", NS)
    assert package is not None
    assert re.fullmatch(
        r"[0-9A-F]{8}(-[0-9A-F]{4}){3}-[0-9A-F]{12}", package.get("UpgradeCode", "")
    )
    assert package.get("Scope") == "perMachine"
    sources = [f.get("Source", "") for f in root.iter(f"{{{NS['wix']}}}File")]
    for source in sources:
        name = source.replace("!(bindpath.Site)\\", "")
        assert (REPO / "packaging" / "linux" / name).is_file(), source
    files = root.find(".//wix:Files", NS)
    assert files is not None and files.get("Include") == "!(bindpath.App)\\**"


def test_the_site_folder_is_the_one_the_app_reads_on_windows() -> None:
    root = recipe()
    site = root.find(".//wix:StandardDirectory[@Id='CommonAppDataFolder']/wix:Directory", NS)
    assert site is not None
    # paths.py: the ProgramData known folder (FOLDERID_ProgramData)\APP, that is
    # C:\ProgramData\hospidesk: WiX's CommonAppDataFolder.
    assert site.get("Name") == APP
    for component in site.iter(f"{{{NS['wix']}}}Component"):
        assert component.get("Permanent") == "yes" and component.get("NeverOverwrite") == "yes"


def test_the_shortcut_starts_the_executable_pyinstaller_makes() -> None:
    spec = (REPO / "packaging" / "hospidesk.spec").read_text()
    assert 'name="hospidesk"' in spec
    root = recipe()
    (shortcut,) = root.iter(f"{{{NS['wix']}}}Shortcut")
    assert shortcut.get("Target") == "[INSTALLFOLDER]hospidesk.exe"


def test_documented_commands_match_the_build_script() -> None:
    readme = (WINDOWS / "README.md").read_text()
    script = (WINDOWS / "build.ps1").read_text()
    assert "msiexec /i hospidesk-0.1.0-x64.msi /qn /norestart" in readme
    assert "msiexec /x hospidesk-0.1.0-x64.msi /qn /norestart" in readme
    assert "-o dist\\hospidesk-$Version-x64.msi" in script
    for needle in ("/tr $TimestampUrl /td SHA256", "--require-hashes", "packaging\\hospidesk.spec"):
        assert needle in script
    assert script.count("signtool sign") == 2  # the executable and the MSI
    version = re.search(r'__version__ = "(.*)"', (REPO / "src/hospidesk/__init__.py").read_text())
    assert version and f"hospidesk-{version.group(1)}-x64.msi" in readme
