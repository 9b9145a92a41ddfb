"""The hostile .docx corpus (tests/documents/hostile_docx.py) is refused wherever a .docx
becomes a document: a pack's template at import and at start, a letterhead at start, a
template at export; each time one French line that names the file and the reason."""

from __future__ import annotations

import datetime as dt
import shutil
from pathlib import Path

import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from hospidesk.documents.checks import inspect_docx
from hospidesk.documents.render import LetterContext, RenderError, render_bytes
from hospidesk.errors import UsageError
from hospidesk.paths import shipped_packs_dir
from hospidesk.service.workspace import Workspace
from tests.conftest import Env
from tests.documents.hostile_docx import Hostile, corpus
from tests.packs.forge import forge, pack_files
from tests.packs.test_import import do_import, key  # noqa: F401 - the fixture

CORPUS = corpus()
TEMPLATE = "templates/convocation.docx"


def ids(item: Hostile) -> str:
    return item.name


@pytest.mark.parametrize("item", CORPUS, ids=ids)
def test_each_hostile_document_is_refused_with_its_reason(item: Hostile) -> None:
    problems = inspect_docx(item.data)
    assert problems and item.expected in problems[0].reason


@pytest.mark.parametrize("item", CORPUS, ids=ids)
def test_a_pack_whose_template_is_hostile_is_refused_at_import(
    hd_env: Env,
    key: Ed25519PrivateKey,  # noqa: F811 - the fixture imported above
    tmp_path: Path,
    item: Hostile,
) -> None:
    files = pack_files()
    files[TEMPLATE] = item.data
    with pytest.raises(UsageError) as refused:
        do_import(tmp_path, forge(files, key))
    message = refused.value.message
    assert message.startswith(f"Pack refusé : modèle Word {TEMPLATE} — ")
    assert item.expected in message and "\n" not in message


def test_a_hostile_template_in_an_installed_pack_is_refused_at_start(hd_env: Env) -> None:
    for item in CORPUS[:6]:  # fields, ole, externals: the same check as above, on disk
        folder = hd_env.site / "packs" / "secretariat"
        shutil.rmtree(folder, ignore_errors=True)
        shutil.copytree(shipped_packs_dir() / "secretariat", folder)
        (folder / TEMPLATE).write_bytes(item.data)
        ws = Workspace.open()
        assert "secretariat" in {pack.id for pack in ws.packs}  # the shipped one, left alone
        (line,) = [p for p in ws.pack_problems if TEMPLATE in p]
        assert f"modèle Word {TEMPLATE} refusé — " in line and item.expected in line


@pytest.mark.parametrize("item", CORPUS, ids=ids)
def test_a_hostile_letterhead_is_refused_at_start(hd_env: Env, item: Hostile) -> None:
    (hd_env.site / "letterhead.docx").write_bytes(item.data)
    ws = Workspace.open()
    (line,) = ws.letterheads.problems
    assert "letterhead.docx" in line and item.expected in line and "\n" not in line
    assert ws.letterheads.for_job("secretariat") is None  # plain templates, not the hostile one


@pytest.mark.parametrize("item", CORPUS, ids=ids)
def test_a_hostile_template_is_refused_at_export(tmp_path: Path, item: Hostile) -> None:
    template = tmp_path / "modele.docx"
    template.write_bytes(item.data)
    context = LetterContext({}, {}, {}, frozenset(), "Objet", "Corps.", dt.date(2026, 12, 6))
    with pytest.raises(RenderError) as refused:
        render_bytes(template, context)
    assert refused.value.message.startswith("Modèle Word modele.docx refusé — ")
    assert item.expected in refused.value.message
