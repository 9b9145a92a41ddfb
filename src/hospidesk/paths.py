"""Every path HospiDesk uses: the user's folders from platformdirs, IT's machine folder fixed.

- The machine (site) folder is a fixed path per system (``default_site_dir``), never taken
  from the user's environment: platformdirs would read ``XDG_CONFIG_DIRS`` (Linux) or
  ``WIN_PD_OVERRIDE_COMMON_APPDATA`` (Windows), which any user can set, and with them replace
  IT's whole policy.
- ``HOSPIDESK_HOME=DIR`` puts all per-user folders under DIR (tests, portable use).
- ``HOSPIDESK_SITE_DIR=DIR`` replaces the machine folder, but only on an unmanaged machine:
  where the fixed folder already has a ``policy.toml`` it is ignored (and that is audited).
"""

from __future__ import annotations

import os
import sys
from dataclasses import dataclass
from pathlib import Path

import platformdirs

APP = "hospidesk"
POLICY_FILE = "policy.toml"


@dataclass(frozen=True)
class SiteDir:
    """The machine directory in force, and whether an override was refused to get it."""

    path: Path
    override_ignored: str | None = None


@dataclass(frozen=True)
class Paths:
    data: Path
    config: Path
    cache: Path
    log: Path
    site: SiteDir

    @property
    def settings_file(self) -> Path:
        return self.config / "settings.toml"

    @property
    def rules_file(self) -> Path:
        return self.config / "charte-acceptee.json"

    @property
    def ui_state_file(self) -> Path:
        return self.config / "interface.json"

    @property
    def prefix_cache_dir(self) -> Path:
        """States after task instructions (never user text: see engine.prefix_cache)."""
        return self.cache / "prefixes"

    @property
    def verified_models_file(self) -> Path:
        return self.cache / "verified-models.json"

    @property
    def user_models_dir(self) -> Path:
        return self.data / "models"

    @property
    def user_packs_dir(self) -> Path:
        return self.data / "packs"

    @property
    def studio_dir(self) -> Path:
        """The packs an AI referent edits in the studio, one folder each (and its journal)."""
        return self.data / "studio"

    @property
    def history_db(self) -> Path:
        return self.data / "history.sqlite3"

    @property
    def context_dir(self) -> Path:
        """Where the DPI drops the patient's context (contexte.json), read then deleted."""
        return self.data / "contexte-dpi"

    @property
    def outbox_dir(self) -> Path:
        """Documents for the patient record waiting to be sent again, sealed."""
        return self.data / "dpi-outbox"

    @property
    def metrics_db(self) -> Path:
        return self.data / "metrics.sqlite3"

    @property
    def audit_file(self) -> Path:
        return self.data / "audit.jsonl"

    @property
    def site_catalog(self) -> Path:
        return self.site.path / "catalog.toml"

    @property
    def site_models_dir(self) -> Path:
        return self.site.path / "models"

    @property
    def site_packs_dir(self) -> Path:
        return self.site.path / "packs"

    @property
    def site_letterhead(self) -> Path:
        """The hospital's letterhead around every task's document (docs/letterhead.md)."""
        return self.site.path / "letterhead.docx"

    @property
    def site_letterheads_dir(self) -> Path:
        """One letterhead per job (``<job>.docx``), over the site's one for that job's tasks."""
        return self.site.path / "letterheads"

    @property
    def trusted_keys_dir(self) -> Path:
        return self.site.path / "trusted-keys"

    @property
    def site_recovery_key(self) -> Path:
        """IT's public key that every history's data key is also sealed to."""
        return self.site.path / "history-recovery-public.pem"


LINUX_SITE_DIR = Path("/etc/xdg") / APP
MACOS_SITE_DIR = Path("/Library/Application Support") / APP


def default_site_dir() -> Path:
    """IT's machine folder: ``/etc/xdg/hospidesk`` on Linux, ``/Library/Application
    Support/hospidesk`` on macOS, ``hospidesk`` in the ProgramData known folder on Windows
    (``C:\\ProgramData\\hospidesk``). No environment variable moves it."""
    if sys.platform == "win32":  # pragma: no cover - Windows
        return _program_data() / APP
    if sys.platform == "darwin":  # pragma: no cover - macOS
        return MACOS_SITE_DIR
    return LINUX_SITE_DIR


def _program_data() -> Path:  # pragma: no cover - Windows
    """The ProgramData known folder as Windows records it (the registry, not the user's
    environment: %ProgramData% can be set by anyone)."""
    import ctypes
    import uuid

    folder_id = uuid.UUID("{62AB5D82-FDC1-4DC3-A9DD-070D1D495D97}")  # FOLDERID_ProgramData
    buffer = ctypes.c_wchar_p()
    guid = (ctypes.c_byte * 16).from_buffer_copy(folder_id.bytes_le)
    shell = ctypes.windll.shell32  # type: ignore[attr-defined]
    if shell.SHGetKnownFolderPath(ctypes.byref(guid), 0, None, ctypes.byref(buffer)) != 0:
        return Path("C:/ProgramData")
    try:
        return Path(buffer.value or "C:/ProgramData")
    finally:
        ctypes.windll.ole32.CoTaskMemFree(buffer)  # type: ignore[attr-defined]


def resolve_site_dir(env: dict[str, str] | None = None, default: Path | None = None) -> SiteDir:
    env = dict(os.environ) if env is None else env
    default = default_site_dir() if default is None else default
    override = env.get("HOSPIDESK_SITE_DIR")
    if not override:
        return SiteDir(default)
    if (default / POLICY_FILE).exists():
        return SiteDir(default, override_ignored=override)
    return SiteDir(Path(override).expanduser().resolve())


def get_paths(env: dict[str, str] | None = None) -> Paths:
    env = dict(os.environ) if env is None else env
    site = resolve_site_dir(env)
    home = env.get("HOSPIDESK_HOME")
    if home:
        root = Path(home).expanduser().resolve()
        return Paths(
            data=root / "data",
            config=root / "config",
            cache=root / "cache",
            log=root / "log",
            site=site,
        )
    return Paths(
        data=Path(platformdirs.user_data_dir(APP, appauthor=False)),
        config=Path(platformdirs.user_config_dir(APP, appauthor=False)),
        cache=Path(platformdirs.user_cache_dir(APP, appauthor=False)),
        log=Path(platformdirs.user_log_dir(APP, appauthor=False)),
        site=site,
    )


def shipped_dir() -> Path:
    """Where the shipped packs and catalog are: inside the wheel, or the source checkout."""
    bundled = Path(__file__).resolve().parent / "_shipped"
    if bundled.is_dir():
        return bundled
    frozen = getattr(sys, "_MEIPASS", None)
    if frozen:
        return Path(frozen) / "hospidesk" / "_shipped"
    return Path(__file__).resolve().parents[2]


def shipped_packs_dir() -> Path:
    return shipped_dir() / "prompt_packs"


def shipped_catalog() -> Path:
    return shipped_dir() / "models" / "catalog.toml"
