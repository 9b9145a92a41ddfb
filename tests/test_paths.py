from pathlib import Path

from hospidesk.paths import get_paths, resolve_site_dir


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
