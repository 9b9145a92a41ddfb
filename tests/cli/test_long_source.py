"""A thread too long for the model's context, through the CLI with the real model: read part
by part (each part said on stderr), merged into the task's structure; a task that does not
summarise refuses it in words and pages, writing nothing."""

from __future__ import annotations

from pathlib import Path

import docx
import pytest

from tests.conftest import Env, Result, assert_clean_failure, draft_cli, run_cli

ROOT = Path(__file__).resolve().parents[2]
THREAD = ROOT / "examples" / "fil-long.txt"
FIELDS = ["--field", "expediteur=Karim Haddad", "--field", "objet=Bloc opératoire cet été"]
FIELDS += ["--field", "date_message=06/06/2026"]


@pytest.fixture
def small_context(hd_env: Env, tmp_path: Path) -> Path:
    """A 2,048-token context and a third of the thread: the same parts, in less time."""
    assert run_cli(hd_env, "settings", "set", "moteur.contexte", "2048").returncode == 0
    source = tmp_path / "fil.txt"
    text = THREAD.read_text(encoding="utf-8")
    source.write_text(text[: text.index("\nDe : ", 13_000)], encoding="utf-8")
    return source


def draft(env: Env, task: str, source: Path, out: Path, *fields: str) -> Result:
    return draft_cli(env, task, *fields, source=source, max_tokens=160, out=out, timeout=900)


@pytest.mark.model
def test_a_long_thread_is_summarised_by_parts(
    hd_env: Env, small_context: Path, tmp_path: Path
) -> None:
    out = tmp_path / "synthese.docx"
    result = draft(hd_env, "medecins-cadres/synthese-fil", small_context, out, *FIELDS)
    assert result.returncode == 0, result.stderr
    said = [line for line in result.stderr.splitlines() if line.startswith("Texte long")]
    assert len(said) >= 3 and said[0].endswith("partie 1 sur " + said[0].split()[-1])
    total = int(said[0].rstrip("…").split()[-1])
    assert said == [
        f"Texte long, lu par parties : partie {n} sur {total}…" for n in range(1, total + 1)
    ]
    # the task's structure: its sections as headings in the exported document
    text = "\n".join(p.text for p in docx.Document(str(out)).paragraphs)
    assert all(label in text for label in ("En bref", "Décisions", "Actions", "Questions ouvertes"))


@pytest.mark.model
def test_a_task_that_does_not_summarise_refuses_in_words_and_pages(
    hd_env: Env, small_context: Path, tmp_path: Path
) -> None:
    out = tmp_path / "courrier.docx"
    result = draft(hd_env, "secretariat/reformuler-courrier", small_context, out)
    message = assert_clean_failure(result)
    assert "Texte source trop long : environ" in message and "pages)" in message
    assert "caractères" not in message and not out.exists()
