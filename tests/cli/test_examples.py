"""``hospidesk draft --example N``: a task tried on its worked example, counted apart."""

from __future__ import annotations

import json
from pathlib import Path

import docx
import pytest

from tests.conftest import SAMPLES, Env, assert_clean_failure, draft_cli, run_cli

LETTER = "secretariat/reformuler-courrier"


def test_an_unknown_example_lists_the_tasks_examples(hd_env: Env) -> None:
    line = assert_clean_failure(draft_cli(hd_env, LETTER, "--example", "9"))
    assert "Exemple n° 9 inconnu pour secretariat/reformuler-courrier" in line
    assert "1 : Brouillon rapide" in line


def test_an_example_brings_its_own_source(hd_env: Env) -> None:
    source = str(SAMPLES / "courrier-brut.txt")
    line = assert_clean_failure(draft_cli(hd_env, LETTER, "--example", "1", source=source))
    assert "--example apporte son propre texte source" in line


@pytest.mark.model
def test_a_task_tried_on_its_example_writes_the_letter_and_is_counted_apart(
    hd_env: Env, tmp_path: Path
) -> None:
    out = tmp_path / "exemple.docx"
    result = draft_cli(hd_env, LETTER, "--example", "2", max_tokens=24, out=out)
    assert result.returncode == 0, result.stderr
    assert "Exemple n° 2 : Message dicté au téléphone" in result.stderr
    assert "(informations inventées)" in result.stderr
    text = "\n".join(p.text for p in docx.Document(str(out)).paragraphs)
    assert "Transfert du dossier de M. Roger Dumas" in text  # the example's objet field
    stats = json.loads(run_cli(hd_env, "stats", "--format", "json").stdout)
    assert stats["groups"] == [] and stats["example_uses"] == 1
