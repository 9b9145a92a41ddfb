"""The typed shape of a pack: manifest, tasks, fields. Validated from TOML with pydantic."""

from __future__ import annotations

import re
from collections.abc import Mapping
from datetime import date
from enum import StrEnum
from typing import Annotated

from pydantic import BaseModel, ConfigDict, Field, model_validator

IDENT_PATTERN = r"^[a-z0-9][a-z0-9-]{0,62}$"
IDENT_RE = re.compile(IDENT_PATTERN)
Ident = Annotated[str, Field(pattern=IDENT_PATTERN)]
VERSION_PATTERN = r"^\d+\.\d+\.\d+$"
Version = Annotated[str, Field(pattern=VERSION_PATTERN)]
RelPath = Annotated[str, Field(pattern=r"^[A-Za-z0-9_-][A-Za-z0-9_./-]*$", max_length=200)]
PLACEHOLDER = re.compile(r"\{([a-z][a-z0-9_]{0,40})\}")
"""``{name}`` in a task's instructions or request: the field of that name, shown to the
model by its label, never its value (the instructions stay the same for every draft, and the
prompt's cached prefix with them)."""


class FieldType(StrEnum):
    TEXT = "text"
    LONG_TEXT = "long_text"
    DATE = "date"
    TIME = "time"
    CHOICE = "choice"
    NUMBER = "number"


class SourceMode(StrEnum):
    NONE = "none"
    OPTIONAL = "optional"
    REQUIRED = "required"


class Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class TaskField(Strict):
    name: Annotated[str, Field(pattern=r"^[a-z][a-z0-9_]{0,40}$")]
    label: str = Field(min_length=1)
    type: FieldType = FieldType.TEXT
    required: bool = False
    help: str = ""
    default: str = ""
    choices: tuple[str, ...] = ()
    max_length: int = Field(default=500, gt=0, le=20_000)
    minimum: float | None = None
    maximum: float | None = None
    extract: str = ""
    """When set, what to look for in the source text to fill this field (shown to the model)."""
    identity: bool = False
    """The field holds a patient's name: the privacy guard looks for it in all the texts."""

    def waits_for_extraction(self, value: str, source_given: bool) -> bool:
        """An empty field the model will read from the source: checked after extraction."""
        return bool(self.extract) and source_given and not value.strip()

    @model_validator(mode="after")
    def _choices_match_type(self) -> TaskField:
        if self.type is FieldType.CHOICE and not self.choices:
            raise ValueError("un champ de type « choice » doit lister ses choix (choices)")
        if self.type is FieldType.CHOICE and self.default and self.default not in self.choices:
            raise ValueError("la valeur par défaut doit être l'un des choix")
        return self


LONG_SOURCE_MAX_CHARS = 400_000
"""About 120 pages: the longest source any task reads, part by part."""
REFUSED_ABOVE = 200_000
"""No model's context takes more in one prompt on a workstation (about 60 pages)."""


class LongSource(StrEnum):
    REFUSE = "refuse"
    SUMMARISE = "summarise"


class SourceSpec(Strict):
    mode: SourceMode = SourceMode.NONE
    label: str = "Texte source"
    help: str = ""
    types: tuple[str, ...] = ("txt", "eml", "msg", "html", "htm", "docx", "odt", "pdf")
    max_chars: int | None = Field(default=None, gt=0, le=LONG_SOURCE_MAX_CHARS)
    """A ceiling the pack sets for this task; without it the model's context decides (and,
    for a task that summarises long texts, LONG_SOURCE_MAX_CHARS)."""
    long: LongSource = LongSource.REFUSE
    """What a source too long for the model's context becomes: refused with its length, or
    (a task that summarises or extracts) read part by part, each part summarised with the
    task's instructions, then the parts' summaries merged by the task."""

    @property
    def ceiling(self) -> int:
        """The most characters this task accepts whatever the model."""
        if self.max_chars is not None:
            return self.max_chars
        return LONG_SOURCE_MAX_CHARS if self.long is LongSource.SUMMARISE else REFUSED_ABOVE


class OutputKind(StrEnum):
    TEXT = "text"
    STRUCTURED = "structured"


class SectionKind(StrEnum):
    TEXT = "text"
    LIST = "list"
    ACTIONS = "actions"


class OutputSection(Strict):
    name: Annotated[str, Field(pattern=r"^[a-z][a-z0-9_]{0,40}$")]
    label: str = Field(min_length=1)
    kind: SectionKind = SectionKind.LIST


class OutputSpec(Strict):
    kind: OutputKind = OutputKind.TEXT
    sections: tuple[OutputSection, ...] = ()

    @model_validator(mode="after")
    def _sections_match_kind(self) -> OutputSpec:
        if self.kind is OutputKind.STRUCTURED and not self.sections:
            raise ValueError("une sortie « structured » doit déclarer ses sections")
        if self.kind is OutputKind.TEXT and self.sections:
            raise ValueError("des sections ne s'emploient qu'avec kind = \"structured\"")
        names = [s.name for s in self.sections]
        if len(set(names)) != len(names):
            raise ValueError("section en double")
        return self


class Generation(Strict):
    max_tokens: int = Field(default=600, gt=0, le=8192)
    temperature: float = Field(default=0.3, ge=0, le=2)


def normalised(text: str) -> str:
    """Text compared for a fact: case, apostrophes, non-breaking and repeated spaces ignored."""
    text = text.replace("\u2019", "'").replace("\u02bc", "'").replace("\u00a0", " ")
    return " ".join(text.replace("\u202f", " ").casefold().split())


class Example(Strict):
    """A worked example of a task: invented inputs, and the facts a good draft keeps."""

    description: str = Field(min_length=1, max_length=120)
    """One line, shown to the user (« Brouillon dicté au téléphone »)."""
    source: str = Field(default="", max_length=200_000)
    fields: Mapping[str, str] = Field(default_factory=dict)
    facts: tuple[str, ...] = Field(min_length=1)
    """What the draft must keep (dates, amounts, names, references): each is in the inputs."""

    def inputs(self) -> str:
        return "\n".join([self.source, *self.fields.values()])

    def matches(self, source: str, values: Mapping[str, str]) -> bool:
        """Whether these inputs are still this example (the user changed nothing it set)."""
        if self.source.strip() != source.strip():
            return False
        return all(values.get(k, "").strip() == v.strip() for k, v in self.fields.items())


class DocumentType(Strict):
    """What the patient record files a task's document as: a LOINC code of the CI-SIS's
    document types (JDV_J07-XdsTypeCode-CISIS) and its label."""

    code: str = Field(pattern=r"^[0-9]{1,7}-[0-9]$")
    label: str = Field(min_length=1, max_length=120)


class Task(Strict):
    id: Ident
    title: str = Field(min_length=1)
    description: str = ""
    template: RelPath
    subject: str = ""
    instructions: str = Field(min_length=1)
    request: str = Field(default="Rédige le texte demandé.", min_length=1)
    fields: tuple[TaskField, ...] = ()
    source: SourceSpec = SourceSpec()
    generation: Generation = Generation()
    output: OutputSpec = OutputSpec()
    review_omissions: bool | None = None
    """Whether a fact of the source left out of the draft is flagged (the task transforms the
    source: reformulate, reply, summarise); None: yes when the source is required."""
    lock_facts: bool | None = None
    """Whether the source's facts (dates, amounts, references, names…) are listed for the
    model to keep, and those a draft still misses repaired after writing; None: as
    ``review_omissions`` (the tasks that reformulate, answer or summarise a source)."""
    tips: tuple[Annotated[str, Field(min_length=1, max_length=200)], ...] = Field(
        default=(), max_length=4
    )
    """Short advice shown under the description: what to paste, what to check."""
    examples: tuple[Example, ...] = Field(default=(), max_length=10)
    document_type: DocumentType | None = None
    """How the finished document is filed in the patient record; None: it is not filed
    there (a note, a procedure, an e-mail)."""

    @model_validator(mode="after")
    def _unique_fields(self) -> Task:
        names = [f.name for f in self.fields]
        dupes = {n for n in names if names.count(n) > 1}
        if dupes:
            raise ValueError(f"champ en double : {', '.join(sorted(dupes))}")
        if any(f.extract for f in self.fields) and self.source.mode is SourceMode.NONE:
            raise ValueError("des champs à extraire (extract) demandent un texte source")
        for number, example in enumerate(self.examples, 1):
            problem = self.example_problem(example)
            if problem:
                raise ValueError(f"exemple n° {number} (« {example.description} ») : {problem}")
        return self

    def example_problem(self, example: Example) -> str | None:
        """Why ``example`` cannot be tried as it is (None when it can)."""
        return example_problem(self.fields, self.source, example)

    def with_labels(self, text: str) -> str:
        """``text`` with each ``{name}`` of a field replaced by the field's label, in « »."""
        labels = {f.name: f.label for f in self.fields}
        return PLACEHOLDER.sub(lambda m: f"« {labels[m[1]]} »" if m[1] in labels else m[0], text)

    @property
    def extractable(self) -> list[TaskField]:
        return [f for f in self.fields if f.extract]

    @property
    def structured(self) -> bool:
        """The model writes JSON sections (constrained by a grammar), shown as text after."""
        return self.output.kind is OutputKind.STRUCTURED


def example_problem(
    fields: tuple[TaskField, ...], source_spec: SourceSpec, example: Example
) -> str | None:
    """Why ``example`` cannot be tried with these fields and this source (None when it can)."""
    by_name = {f.name: f for f in fields}
    for name, value in example.fields.items():
        spec = by_name.get(name)
        if spec is None:
            return f"champ inconnu « {name} »"
        problem = validate_value(spec, value)
        if problem:
            return f"champ « {name} » : {problem}"
    source = example.source.strip()
    for spec in fields:
        empty = not example.fields.get(spec.name, spec.default).strip()
        if spec.required and empty and not spec.waits_for_extraction("", bool(source)):
            return f"le champ obligatoire « {spec.name} » n'est pas rempli"
    if source_spec.mode is SourceMode.REQUIRED and not source:
        return "la tâche demande un texte source (source)"
    if source_spec.mode is SourceMode.NONE and source:
        return "la tâche ne prend pas de texte source"
    if len(example.source) > source_spec.ceiling:
        return f"texte source trop long (maximum {source_spec.ceiling} caractères)"
    inputs = normalised(example.inputs())
    for fact in example.facts:
        if not normalised(fact) or normalised(fact) not in inputs:
            return f"le fait « {fact} » ne figure ni dans la source ni dans les champs"
    return None


class Manifest(Strict):
    id: Ident
    title: str = Field(min_length=1)
    job: Ident
    version: Version
    authors: tuple[str, ...] = Field(min_length=1)
    min_app_version: Version = "0.1.0"
    licence: str = Field(min_length=1)
    description: str = ""
    summary: str = Field(default="", max_length=140)
    """One line on what the job's tasks cover, shown when a user picks their job."""
    task_order: tuple[Ident, ...] = ()
    """The tasks shown first, in this order (the others follow by file name)."""
    glossary: tuple[Annotated[str, Field(min_length=1, max_length=80)], ...] = Field(
        default=(), max_length=300
    )
    """Words a dictation must spell as the hospital does (drugs, services, doctors' names):
    given to the speech model as its prompt when a task of the pack is dictated."""


def version_tuple(version: str) -> tuple[int, ...]:
    return tuple(int(part) for part in version.split("."))


DATE_RE = re.compile(r"^(\d{2})/(\d{2})/(\d{4})$")
TIME_RE = re.compile(r"^([01]?\d|2[0-3])[:h]([0-5]\d)$")
NUMBER_RE = re.compile(r"^-?\d+(?:[.,]\d+)?$")


def _date_problem(value: str) -> str | None:
    match = DATE_RE.match(value)
    if not match:
        return "Date attendue au format JJ/MM/AAAA, par exemple 17/03/2026."
    day, month, year = (int(g) for g in match.groups())
    try:
        date(year, month, day)
    except ValueError:
        return f"Cette date n'existe pas : {value}."
    return None


def _number_problem(spec: TaskField, value: str) -> str | None:
    if not NUMBER_RE.match(value):
        return "Nombre attendu, par exemple 12 ou 12,5."
    number = float(value.replace(",", "."))
    if spec.minimum is not None and number < spec.minimum:
        return f"Le nombre doit être au moins {spec.minimum:g}."
    if spec.maximum is not None and number > spec.maximum:
        return f"Le nombre doit être au plus {spec.maximum:g}."
    return None


def validate_value(spec: TaskField, raw: str) -> str | None:
    """Return a French error for ``raw`` in field ``spec``, or None when it is valid.

    Values are kept exactly as typed: validation never rewrites them.
    """
    value = raw.strip()
    if not value:
        return "Ce champ est obligatoire." if spec.required else None
    if len(raw) > spec.max_length:
        return f"Trop long : {len(raw)} caractères (maximum {spec.max_length})."
    if spec.type is FieldType.TEXT and "\n" in value:
        return "Une seule ligne est attendue ici."
    if spec.type is FieldType.DATE:
        return _date_problem(value)
    if spec.type is FieldType.TIME and not TIME_RE.match(value):
        return "Heure attendue au format HH:MM ou HHhMM, par exemple 09h30."
    if spec.type is FieldType.CHOICE and value not in spec.choices:
        return "Choix attendu parmi : " + ", ".join(spec.choices) + "."
    if spec.type is FieldType.NUMBER:
        return _number_problem(spec, value)
    return None


def identifiers_in(task: Task, values: Mapping[str, str], source: str | None) -> str:
    """Patient identifiers in a task's inputs (kinds and counts, never the values)."""
    from hospidesk.governance.privacy import inputs_summary

    return inputs_summary(((values.get(f.name, ""), f.identity) for f in task.fields), source)
