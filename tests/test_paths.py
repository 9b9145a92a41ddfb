import sys
from pathlib import Path

import pytest

from hospidesk.paths import LINUX_SITE_DIR, default_site_dir, get_paths, resolve_site_dir


def test_home_override_puts_every_user_folder_under_it(tmp_path: Path) -> None:
    paths = get_paths({"HOSPIDESK_HOME": str(tmp_path)})
    for folder in (paths.data, paths.config, paths.cache, paths.log):
        assert folder.is_relative_to(tmp_path)
    assert paths.settings_file.is_relative_to(tmp_path)


def test_site_override_applies_on_an_unmanaged_machine(tmp_path: Path) -> None:
    default = tmp_path / "etc"
    default.mkdir()
    site = resolve_site_dir({"HOSPIDESK_SITE_DIR": str(tmp_path / "mine")}, default)
    assert site.path == tmp_path / "mine"
    assert site.override_ignored is None


def test_site_override_is_ignored_on_a_managed_machine(tmp_path: Path) -> None:
    default = tmp_path / "etc"
    default.mkdir()
    (default / "policy.toml").write_text("")
    site = resolve_site_dir({"HOSPIDESK_SITE_DIR": str(tmp_path / "mine")}, default)
    assert site.path == default
    assert site.override_ignored == str(tmp_path / "mine")


def test_without_override_the_default_site_dir_is_used(tmp_path: Path) -> None:
    assert resolve_site_dir({}, tmp_path).path == tmp_path


@pytest.mark.skipif(sys.platform != "linux", reason="the Linux machine folder")
def test_it_s_folder_does_not_follow_the_user_s_environment(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """platformdirs would take the site folder from XDG_CONFIG_DIRS, which any user sets."""
    for name, value in {
        "XDG_CONFIG_DIRS": str(tmp_path / "mine"),
        "XDG_CONFIG_HOME": str(tmp_path / "home"),
        "WIN_PD_OVERRIDE_COMMON_APPDATA": str(tmp_path / "win"),
    }.items():
        monkeypatch.setenv(name, value)
    assert default_site_dir() == LINUX_SITE_DIR == Path("/etc/xdg/hospidesk")
    assert get_paths({"XDG_CONFIG_DIRS": str(tmp_path)}).site.path == LINUX_SITE_DIR
