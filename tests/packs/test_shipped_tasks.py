"""Every shipped task runs through ``hospidesk draft`` with the real model into its own template."""

from __future__ import annotations

import re
from pathlib import Path

import docx
import pytest

from hospidesk.packs.loader import PackTask, all_tasks, discover, newest
from hospidesk.packs.model import FieldType, SourceMode, TaskField
from hospidesk.paths import shipped_packs_dir
from tests.conftest import SAMPLES, Env, draft_cli
from tests.documents.helpers import all_text

LEFTOVER_TAG = re.compile(r"\{\{ ?(champs|etab|signataire|objet|date_du_jour|para)\b|\{%")
TASKS = all_tasks(newest(discover([shipped_packs_dir()])[0]))
SOURCES = {
    "secretariat/reformuler-courrier": "courrier-brut.txt",
    "secretariat/demande-pieces-manquantes": "courrier-brut.txt",
    "secretariat/convocation": "notes-convocation.txt",
    "secretariat/report-rendez-vous": "notes-convocation.txt",
    "secretariat/courrier-medecin-traitant": "notes-convocation.txt",
    "secretariat/reponse-demande-patient": "reclamation.txt",
    "qualite/reponse-reclamation": "reclamation.txt",
    "medecins-cadres/synthese-email": "fil-emails.eml",
    "medecins-cadres/synthese-fil": "fil-emails.eml",
    "medecins-cadres/reponse-email": "fil-emails.eml",
    "medecins-cadres/compte-rendu": "notes-reunion.txt",
    "medecins-cadres/compte-rendu-dicte": "dictee-consultation.txt",  # a transcript
    "secretariat/courrier-dictee": "dictee-courrier.txt",
    "medecins-cadres/ordre-du-jour": "notes-reunion.txt",
    "qualite/rapport-qualite": "notes-reunion.txt",
    "qualite/synthese-evenement-indesirable": "declaration-ei.txt",
    "qualite/harmoniser-document": "procedure-brute.txt",
    "qualite/squelette-procedure": "procedure-brute.txt",
    "achats/demande-devis": "demande-devis.txt",
    "achats/cahier-des-charges": "demande-devis.txt",
    "achats/courrier-fournisseur": "demande-devis.txt",
    "achats/synthese-achats": "donnees-achats.txt",
    "ressources-humaines/reponse-demande-agent": "demande-agent.txt",
    "ressources-humaines/synthese-reporting-rh": "donnees-rh.txt",
}
TYPED = {
    FieldType.TEXT: "Valeur saisie",
    FieldType.LONG_TEXT: "Première ligne\nDeuxième ligne",
    FieldType.DATE: "17/03/2026",
    FieldType.TIME: "09h30",
    FieldType.NUMBER: "12",
}


def value_for(field: TaskField) -> str:
    return field.choices[-1] if field.type is FieldType.CHOICE else TYPED[field.type]


def test_the_library_covers_five_jobs_and_27_tasks() -> None:
    assert len(TASKS) >= 27
    assert len({t.pack.manifest.job for t in TASKS}) >= 5
    templates = [t.template_path.resolve() for t in TASKS]
    assert len(set(templates)) == len(templates), "each task has its own template"
    titles = [docx.Document(str(p)).core_properties.title for p in templates]
    assert len(set(titles)) == len(titles)


def test_a_dictated_consultation_report_is_filed_in_the_patient_record() -> None:
    """The shipped library has a task whose document goes to the DPI (« Classer dans le
    dossier patient »), typed with the CI-SIS's code for a consultation report."""
    (task,) = [t for t in TASKS if t.ref == "medecins-cadres/compte-rendu-dicte"]
    assert task.task.document_type is not None
    assert (task.task.document_type.code, task.task.document_type.label) == (
        "11488-4",
        "Compte rendu de consultation",
    )


def test_every_task_that_needs_a_source_has_a_sample() -> None:
    for task in TASKS:
        if task.task.source.mode is SourceMode.REQUIRED:
            assert task.ref in SOURCES, task.ref


@pytest.mark.model
@pytest.mark.parametrize("item", TASKS, ids=lambda t: t.ref)
def test_task_runs_into_its_own_template(hd_env: Env, tmp_path: Path, item: PackTask) -> None:
    typed = {f.name: value_for(f) for f in item.task.fields if f.required}
    source = SAMPLES / SOURCES[item.ref] if item.ref in SOURCES else None
    out = tmp_path / "out.docx"
    result = draft_cli(
        hd_env, item.ref, source=source, fields=typed, max_tokens=48, seed=1, out=out
    )
    assert result.returncode == 0, result.stderr
    document = docx.Document(str(out))
    template = docx.Document(str(item.template_path))
    assert document.core_properties.title == template.core_properties.title
    text = all_text(out)
    assert not LEFTOVER_TAG.search(text), "a template tag was not rendered"
    for name, value in typed.items():
        placed = f"{{{{ champs.{name} }}}}" in all_text(item.template_path)
        if placed:
            assert value in text, f"{name} not placed as typed"
