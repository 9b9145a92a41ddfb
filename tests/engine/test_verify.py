import shutil
from pathlib import Path

import pytest

from hospidesk.engine import verify
from hospidesk.engine.catalog import load_catalog
from hospidesk.engine.verify import HashCache, verify_file
from hospidesk.errors import ModelError
from hospidesk.paths import get_paths
from tests.conftest import DEMO_SHA256, Env


def test_demo_model_is_approved(hd_env: Env, demo_model: Path) -> None:
    verified = verify_file(demo_model, load_catalog(get_paths()))
    assert verified.entry.sha256 == DEMO_SHA256
    assert verified.entry.id == "smollm2-135m-instruct-q4_1"


def test_one_changed_byte_is_refused(hd_env: Env, demo_model: Path, tmp_path: Path) -> None:
    copy = tmp_path / demo_model.name
    shutil.copyfile(demo_model, copy)
    with copy.open("r+b") as handle:
        handle.seek(1_000_000)
        byte = handle.read(1)
        handle.seek(1_000_000)
        handle.write(bytes([byte[0] ^ 0x01]))
    with pytest.raises(ModelError, match=r"empreinte SHA-256 de SmolLM2.*ne figure"):
        verify_file(copy, load_catalog(get_paths()))


def test_unlisted_gguf_is_refused_by_size_without_hashing(
    hd_env: Env, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    other = tmp_path / "autre.gguf"
    other.write_bytes(b"GGUF" + b"\0" * 1000)

    def must_not_hash(path: Path) -> str:
        raise AssertionError("an unlisted size must be refused before hashing")

    monkeypatch.setattr(verify, "sha256_file", must_not_hash)
    with pytest.raises(ModelError, match=r"autre\.gguf ne figure dans aucun catalogue"):
        verify_file(other, load_catalog(get_paths()))


def test_missing_file_names_the_file(hd_env: Env, tmp_path: Path) -> None:
    with pytest.raises(ModelError, match="introuvable"):
        verify_file(tmp_path / "absent.gguf", load_catalog(get_paths()))


def test_hash_is_remembered_and_redone_when_the_file_changes(
    hd_env: Env, demo_model: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    copy = tmp_path / demo_model.name
    shutil.copyfile(demo_model, copy)
    calls: list[Path] = []
    real = verify.sha256_file

    def counting(path: Path) -> str:
        calls.append(path)
        return real(path)

    monkeypatch.setattr(verify, "sha256_file", counting)
    catalog = load_catalog(get_paths())
    cache_file = tmp_path / "cache.json"
    verify_file(copy, catalog, HashCache(cache_file))
    verify_file(copy, catalog, HashCache(cache_file))  # a fresh cache object reads the file
    assert len(calls) == 1

    with copy.open("r+b") as handle:  # same size, new content and mtime
        handle.seek(2_000_000)
        handle.write(b"\xff")
    with pytest.raises(ModelError):
        verify_file(copy, catalog, HashCache(cache_file))
    assert len(calls) == 2
