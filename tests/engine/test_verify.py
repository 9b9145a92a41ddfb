import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from hospidesk.engine import verify
from hospidesk.engine.catalog import load_catalog
from hospidesk.engine.verify import (
    FileIdentity,
    HashCache,
    Rule,
    open_model_file,
    verify_file,
)
from hospidesk.errors import ModelError
from hospidesk.paths import get_paths
from tests.conftest import DEMO_SHA256, REPO, Env


def flip_byte(path: Path, offset: int = 1_000_000) -> None:
    with path.open("r+b") as handle:
        handle.seek(offset)
        byte = handle.read(1)
        handle.seek(offset)
        handle.write(bytes([byte[0] ^ 0x01]))


def test_demo_model_is_approved(hd_env: Env, demo_model: Path) -> None:
    verified = verify_file(demo_model, load_catalog(get_paths()))
    assert verified.entry.sha256 == DEMO_SHA256
    assert verified.entry.id == "smollm2-135m-instruct-q4_1"


def test_one_changed_byte_is_refused(hd_env: Env, demo_model: Path, tmp_path: Path) -> None:
    copy = tmp_path / demo_model.name
    shutil.copyfile(demo_model, copy)
    flip_byte(copy)
    with pytest.raises(ModelError, match=r"empreinte SHA-256 de SmolLM2.*ne figure"):
        verify_file(copy, load_catalog(get_paths()))


def test_unlisted_gguf_is_refused_by_size_without_hashing(
    hd_env: Env, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    other = tmp_path / "autre.gguf"
    other.write_bytes(b"GGUF" + b"\0" * 1000)

    def must_not_hash(fd: int) -> str:
        raise AssertionError("an unlisted size must be refused before hashing")

    monkeypatch.setattr(verify, "sha256_fd", must_not_hash)
    with pytest.raises(ModelError, match=r"autre\.gguf ne figure dans aucun catalogue"):
        verify_file(other, load_catalog(get_paths()))


def test_missing_file_names_the_file(hd_env: Env, tmp_path: Path) -> None:
    with pytest.raises(ModelError, match="introuvable"):
        verify_file(tmp_path / "absent.gguf", load_catalog(get_paths()))


def test_a_folder_is_not_a_model(hd_env: Env, tmp_path: Path) -> None:
    (tmp_path / "dossier.gguf").mkdir()
    with pytest.raises(ModelError, match="Ce n'est pas un fichier de modèle"):
        verify_file(tmp_path / "dossier.gguf", load_catalog(get_paths()))


def altered_copy(demo_model: Path, name: str) -> Path:
    """A user's altered copy of the demo model in their own models folder, vouched for in the
    hash cache with the file's exact identity and the approved hash (what the cache is not
    allowed to trust)."""
    paths = get_paths()
    paths.user_models_dir.mkdir(parents=True, exist_ok=True)
    copy = paths.user_models_dir / name
    shutil.copyfile(demo_model, copy)
    flip_byte(copy)
    stat = copy.stat()
    paths.verified_models_file.parent.mkdir(parents=True, exist_ok=True)
    entry = {
        "device": stat.st_dev,
        "inode": stat.st_ino,
        "size": stat.st_size,
        "mtime_ns": stat.st_mtime_ns,
        "ctime_ns": stat.st_ctime_ns,
        "sha256": DEMO_SHA256,
    }
    paths.verified_models_file.write_text(json.dumps({str(copy.resolve()): entry}))
    return copy


def counting_hashes(monkeypatch: pytest.MonkeyPatch) -> list[int]:
    calls: list[int] = []
    real = verify.sha256_fd

    def counting(fd: int) -> str:
        calls.append(fd)
        return real(fd)

    monkeypatch.setattr(verify, "sha256_fd", counting)
    return calls


def test_a_protected_file_s_hash_is_remembered_and_redone_when_it_changes(
    hd_env: Env, demo_model: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The cache's rule, with protection assumed (the real permissions: the test below)."""
    copy = tmp_path / demo_model.name
    shutil.copyfile(demo_model, copy)
    monkeypatch.setattr(verify, "user_can_modify", lambda path, stat: False)
    calls = counting_hashes(monkeypatch)
    catalog = load_catalog(get_paths())
    cache_file = tmp_path / "cache.json"
    trusted = (tmp_path,)
    first = verify_file(copy, catalog, HashCache(cache_file, trusted))
    assert first.rule is Rule.PROTECTED_HASHED
    again = verify_file(copy, catalog, HashCache(cache_file, trusted))  # a fresh cache reads it
    assert again.rule is Rule.PROTECTED_CACHED
    assert len(calls) == 1

    flip_byte(copy, 2_000_000)  # same size, new content, mtime and ctime
    with pytest.raises(ModelError):
        verify_file(copy, catalog, HashCache(cache_file, trusted))
    assert len(calls) == 2


def test_a_protected_file_outside_the_trusted_folders_is_always_hashed(
    hd_env: Env, demo_model: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A root-owned file on a USB stick or in another account: not IT's, never cached."""
    copy = tmp_path / "ailleurs" / demo_model.name
    copy.parent.mkdir()
    shutil.copyfile(demo_model, copy)
    monkeypatch.setattr(verify, "user_can_modify", lambda path, stat: False)
    calls = counting_hashes(monkeypatch)
    cache = HashCache(tmp_path / "cache.json", (tmp_path / "site",))
    for _ in range(2):
        assert verify_file(copy, load_catalog(get_paths()), cache).rule is Rule.PROTECTED_HASHED
    assert len(calls) == 2 and not (tmp_path / "cache.json").exists()


def test_a_forged_cache_entry_does_not_make_a_user_file_pass(
    hd_env: Env, demo_model: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The user's own steps: an altered copy in their models folder, and an entry written by
    hand in the cache with the file's exact identity and the approved hash."""
    paths = get_paths()
    copy = altered_copy(demo_model, demo_model.name)
    calls = counting_hashes(monkeypatch)
    with pytest.raises(ModelError, match="ne figure dans aucun catalogue"):
        verify_file(copy, load_catalog(paths), HashCache(paths.verified_models_file))
    assert len(calls) == 1  # hashed, the cache not consulted


def test_the_cache_keys_on_the_whole_identity(tmp_path: Path) -> None:
    cache = HashCache(tmp_path / "cache.json", (tmp_path,))
    identity = FileIdentity(1, 2, 3, 4, 5)
    cache.put(tmp_path / "m.gguf", identity, "a" * 64)
    again = HashCache(tmp_path / "cache.json", (tmp_path,))
    assert again.get(tmp_path / "m.gguf", identity) == "a" * 64
    for changed in (
        FileIdentity(9, 2, 3, 4, 5),
        FileIdentity(1, 9, 3, 4, 5),
        FileIdentity(1, 2, 9, 4, 5),
        FileIdentity(1, 2, 3, 9, 5),
        FileIdentity(1, 2, 3, 4, 9),
    ):
        assert cache.get(tmp_path / "m.gguf", changed) is None


PROBE = """
import json, sys
from pathlib import Path
from hospidesk.engine.catalog import load_catalog
from hospidesk.engine.verify import HashCache, verify_file
from hospidesk.paths import get_paths
cache = HashCache(Path(sys.argv[2]), (Path(sys.argv[1]).parent,))
rules = [str(verify_file(Path(sys.argv[1]), load_catalog(get_paths()), cache).rule)
         for _ in range(2)]
print(json.dumps(rules))
"""


@pytest.mark.skipif(
    sys.platform != "linux" or os.geteuid() != 0 or shutil.which("setpriv") is None,
    reason="needs root (to own files another user reads) and setpriv: CI runs as root",
)
def test_protection_follows_the_real_permissions(demo_model: Path, tmp_path: Path) -> None:
    """As an ordinary user (nobody): a root-owned file in a root-owned folder may be cached;
    the user's own file is hashed every time, whatever the cache says."""
    base = Path("/tmp") / f"hospidesk-perm-{os.getpid()}"
    base.mkdir(mode=0o755)
    try:
        site = base / "site"
        site.mkdir(mode=0o755)
        shutil.copyfile(demo_model, site / demo_model.name)
        (site / demo_model.name).chmod(0o644)
        own = base / "own"
        own.mkdir(mode=0o755)
        shutil.copyfile(demo_model, own / demo_model.name)
        os.chown(own, 65534, 65534)
        os.chown(own / demo_model.name, 65534, 65534)
        home = base / "home"
        home.mkdir()
        os.chown(home, 65534, 65534)

        def probe(model: Path) -> list[str]:
            proc = subprocess.run(
                [
                    *("setpriv", "--reuid=65534", "--regid=65534", "--clear-groups"),
                    *(sys.executable, "-c", PROBE, str(model), str(home / "cache.json")),
                ],
                capture_output=True,
                text=True,
                env={
                    **os.environ,
                    "HOSPIDESK_HOME": str(home),
                    "HOSPIDESK_SITE_DIR": str(base / "no-site"),
                    "PYTHONPATH": str(REPO / "src"),
                },
                timeout=120,
            )
            assert proc.returncode == 0, proc.stderr
            rules: list[str] = json.loads(proc.stdout)
            return rules

        assert probe(site / demo_model.name) == ["protected-hashed", "protected-cached"]
        assert probe(own / demo_model.name) == ["user-hashed", "user-hashed"]
    finally:
        shutil.rmtree(base)


def test_an_open_model_file_is_read_from_its_descriptor(
    hd_env: Env, demo_model: Path, tmp_path: Path
) -> None:
    """A file renamed over the path after opening does not change what is checked."""
    copy = tmp_path / demo_model.name
    shutil.copyfile(demo_model, copy)
    with open_model_file(copy) as opened:
        other = tmp_path / "other.gguf"
        other.write_bytes(b"GGUF" + b"\0" * (opened.identity.size - 4))
        other.replace(copy)
        model = verify.check(opened, load_catalog(get_paths()))
    assert model.entry.sha256 == DEMO_SHA256
    assert opened.sha256 == DEMO_SHA256


@pytest.mark.skipif(sys.platform != "linux", reason="Linux names an open file by /proc")
def test_the_trust_in_a_file_follows_its_descriptor_not_its_path(
    tmp_path: Path, demo_model: Path
) -> None:
    """A link retargeted after the file was opened does not move where the cache looks."""
    first, second = tmp_path / "a" / "m.gguf", tmp_path / "b" / "m.gguf"
    for target in (first, second):
        target.parent.mkdir()
        shutil.copyfile(demo_model, target)
    link = tmp_path / "model.gguf"
    link.symlink_to(first)
    with open_model_file(link) as opened:
        link.unlink()
        link.symlink_to(second)
        assert opened.real == first.resolve()
        cache = HashCache(tmp_path / "cache.json", (second.parent,))
        assert not cache.vouches_for(opened.real)
