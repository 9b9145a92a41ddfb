from pathlib import Path

import pytest

from hospidesk.engine.catalog import load_catalog, locate
from hospidesk.errors import ModelError
from hospidesk.paths import get_paths
from tests.conftest import DEMO_SHA256, Env

SITE_ENTRY = """
[[model]]
id = "{id}"
name = "Modèle du site"
file = "site.gguf"
sha256 = "{sha}"
size = 1234
licence = "MIT"
context_length = 4096
ram_mb = 2000
default = true
"""


def test_shipped_catalog_has_the_embedded_default_model(hd_env: Env, demo_model: Path) -> None:
    catalog = load_catalog(get_paths())
    entry = catalog.default()
    assert entry.sha256 == DEMO_SHA256
    assert locate(entry, get_paths()) == demo_model


def test_site_catalog_adds_models_and_may_set_the_default(hd_env: Env) -> None:
    (hd_env.site / "catalog.toml").write_text(SITE_ENTRY.format(id="site-7b", sha="a" * 64))
    catalog = load_catalog(get_paths())
    assert {e.entry.id for e in catalog.entries} >= {"site-7b", "smollm2-135m-instruct-q4_1"}
    assert catalog.default().id == "site-7b"
    assert locate(catalog.by_id("site-7b"), get_paths()) is None


@pytest.mark.parametrize(
    ("text", "key"),
    [
        (SITE_ENTRY.format(id="x", sha="not-a-hash"), "model.0.sha256"),
        (SITE_ENTRY.format(id="x", sha="a" * 64) + "surprise = 1\n", "model.0.surprise"),
        ("[[model]]\nid = 'x'\n", "model.0.name"),
    ],
)
def test_invalid_site_catalog_names_the_key(hd_env: Env, text: str, key: str) -> None:
    (hd_env.site / "catalog.toml").write_text(text)
    with pytest.raises(ModelError, match=f"clé « {key} »"):
        load_catalog(get_paths())


def test_unknown_model_id_lists_the_approved_ones(hd_env: Env) -> None:
    with pytest.raises(ModelError, match="smollm2-135m-instruct-q4_1"):
        load_catalog(get_paths()).by_id("gpt-4")
