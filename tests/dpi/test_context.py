"""The DPI's « appel contextuel »: a link that carries only the IPP, the stay and the unit (a
name in it is refused whole), and a context file read once then deleted."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import pytest

from hospidesk.dpi.context import CONTEXT_FILE, from_link, take_context_file
from hospidesk.errors import UsageError
from tests.conftest import Env, assert_clean_failure, run_cli


def test_a_link_gives_the_ipp_the_stay_and_the_unit() -> None:
    context = from_link("hospidesk://ouvrir?ipp=123456&sejour=789&uf=UF-CARDIO")
    assert (context.ipp, context.stay.number, context.stay.unit) == ("123456", "789", "UF-CARDIO")
    assert context.identity is None and context.patient("1.2.3") is None


@pytest.mark.parametrize(
    ("link", "said"),
    [
        ("hospidesk://ouvrir?ipp=123456&nom=DUPONT", "« nom » n'a pas sa place dans un lien"),
        ("hospidesk://ouvrir?ipp=123456&ins=1800175123456", "« ins » n'a pas sa place"),
        ("hospidesk://ouvrir?sejour=789", "l'IPP manque"),
        ("hospidesk://ouvrir?ipp=12%2034", "IPP invalide"),
        ("hospidesk://ouvrir?ipp=1&ipp=2", "chaque valeur une seule fois"),
        ("hospidesk://supprimer?ipp=1", "Lien non reconnu"),
    ],
)
def test_a_link_with_anything_else_is_refused(link: str, said: str) -> None:
    with pytest.raises(UsageError, match=said):
        from_link(link)


def test_the_command_line_refuses_a_link_with_a_name_before_anything_opens(hd_env: Env) -> None:
    line = assert_clean_failure(run_cli(hd_env, "hospidesk://ouvrir?ipp=123456&nom=DUPONT"))
    assert "« nom » n'a pas sa place dans un lien" in line


def test_a_context_file_is_read_once_then_deleted(tmp_path: Path) -> None:
    file = tmp_path / CONTEXT_FILE
    file.write_text(
        json.dumps({"ipp": "123456", "sejour": "789", "nom_naissance": "EXEMPLE",
                    "prenom": "Jeanne", "date_naissance": "1948-03-02", "sexe": "F"}),
        encoding="utf-8",
    )  # fmt: skip
    context = take_context_file(tmp_path)
    assert context is not None and not file.exists()
    patient = context.patient("1.2.250.1.999.1")
    assert patient is not None
    assert (patient.ipp, patient.birth_name, patient.birth_date) == (
        "123456",
        "EXEMPLE",
        dt.date(1948, 3, 2),
    )
    assert take_context_file(tmp_path) is None


@pytest.mark.parametrize(
    ("content", "said"),
    [
        (b"\xff\xfe", "illisible"),
        (b'{"ipp": "1", "adresse": "x"}', "clé inconnue « adresse »"),
        (b'{"sejour": "1"}', "l'IPP manque"),
        (b'{"ipp": "1", "nom_naissance": "X", "prenom": "Y", "sexe": "Z"}', "sexe vaut F, M ou U"),
    ],
)
def test_a_bad_context_file_is_said_and_deleted(tmp_path: Path, content: bytes, said: str) -> None:
    (tmp_path / CONTEXT_FILE).write_bytes(content)
    with pytest.raises(UsageError, match=said):
        take_context_file(tmp_path)
    assert not (tmp_path / CONTEXT_FILE).exists()
