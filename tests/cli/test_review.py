"""``hospidesk review``: the review's checks on any pair of texts."""

from __future__ import annotations

import json
from pathlib import Path

from tests.conftest import SAMPLES, Env, run_cli
from tests.documents.test_review import DROPPED, FAITHFUL


def test_review_lists_what_the_draft_left_out(hd_env: Env, tmp_path: Path) -> None:
    (tmp_path / "brouillon.txt").write_text(DROPPED, encoding="utf-8")
    result = run_cli(
        hd_env,
        *("review", "--source", str(SAMPLES / "relance-paiement.txt")),
        *("--draft", str(tmp_path / "brouillon.txt")),
    )
    assert result.returncode == 0, result.stderr
    assert "Informations du brouillon absentes de la source : aucune" in result.stdout
    assert "Informations de la source absentes du brouillon : 4" in result.stdout
    assert "  - date : 15 décembre (« cette somme avant le 15 décembre, par chèque à »)" in (
        result.stdout
    )


def test_review_json_on_a_faithful_reformulation_is_empty(hd_env: Env, tmp_path: Path) -> None:
    (tmp_path / "brouillon.txt").write_text(FAITHFUL, encoding="utf-8")
    result = run_cli(
        hd_env,
        *("review", "--json", "--source", str(SAMPLES / "relance-paiement.txt")),
        *("--draft", str(tmp_path / "brouillon.txt")),
    )
    assert result.returncode == 0, result.stderr
    assert json.loads(result.stdout) == {"invented": [], "omitted": []}


def test_review_of_a_missing_file_is_a_clear_error(hd_env: Env, tmp_path: Path) -> None:
    result = run_cli(
        hd_env, "review", "--source", str(tmp_path / "absent.txt"), "--draft", str(tmp_path)
    )
    assert result.returncode != 0 and "introuvable" in result.stderr
