import json

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from hospidesk.packs.model import FieldType, OutputSection, SectionKind, TaskField
from hospidesk.packs.structured import (
    close_truncated_json,
    extraction_schema,
    output_schema,
    parse_json_object,
    structured_to_text,
)

SECTIONS = (
    OutputSection(name="resume", label="En bref", kind=SectionKind.TEXT),
    OutputSection(name="decisions", label="Décisions", kind=SectionKind.LIST),
    OutputSection(name="actions", label="Actions", kind=SectionKind.ACTIONS),
    OutputSection(name="questions", label="Questions ouvertes", kind=SectionKind.LIST),
)


def test_structured_text_has_the_fixed_sections_in_order() -> None:
    data = {
        "resume": "Fermeture de 8 lits confirmée.",
        "decisions": ["8 lits fermés du 13/07 au 23/08", "2 lits restent\nouverts"],
        "actions": [
            {"action": "Valider les plannings", "responsable": "Marc", "echeance": "15 juin"},
            {"action": "Prévenir les urgences", "responsable": "", "echeance": ""},
        ],
        "questions": [],
    }
    assert structured_to_text(data, SECTIONS) == (
        "## En bref\nFermeture de 8 lits confirmée.\n\n"
        "## Décisions\n- 8 lits fermés du 13/07 au 23/08\n- 2 lits restent ouverts\n\n"
        "## Actions\n- Valider les plannings — responsable : Marc — échéance : 15 juin\n"
        "- Prévenir les urgences — responsable : à désigner — échéance : à fixer\n\n"
        "## Questions ouvertes\n- Aucune.\n"
    )


@pytest.mark.parametrize(
    ("cut", "expected"),
    [
        ('{"resume": "Ferme', {"resume": "Ferme"}),
        ('{"resume": "x", "decisions": ["a", "b', {"resume": "x", "decisions": ["a", "b"]}),
        ('{"resume": "x", "decisions": [', {"resume": "x", "decisions": []}),
        ('{"resume": "x", "decis', {"resume": "x"}),
        ('{"resume": "x", "decisions":', {"resume": "x"}),
        ('{"resume": "x",', {"resume": "x"}),
        ('{"a": [{"action": "v", "resp', {"a": [{"action": "v"}]}),
        ('{"resume": "fin\\', {"resume": "fin"}),
    ],
)
def test_a_cut_generation_is_closed_where_it_stopped(cut: str, expected: dict[str, object]) -> None:
    assert parse_json_object(cut) == expected


@settings(max_examples=300, deadline=None)
@given(
    st.fixed_dictionaries(
        {
            "resume": st.text(max_size=40),
            "decisions": st.lists(st.text(max_size=15), max_size=4),
            "actions": st.lists(
                st.fixed_dictionaries(
                    {
                        "action": st.text(max_size=10),
                        "responsable": st.text(max_size=10),
                        "echeance": st.text(max_size=10),
                    }
                ),
                max_size=3,
            ),
        }
    ),
    st.data(),
)
def test_every_prefix_of_valid_json_can_be_closed(
    data: dict[str, object], draw: st.DataObject
) -> None:
    text = json.dumps(data, ensure_ascii=False)
    cut = draw.draw(st.integers(1, len(text)))
    closed = close_truncated_json(text[:cut])
    value = json.loads(closed, strict=False)
    assert isinstance(value, dict)


def test_schemas_bound_the_output() -> None:
    schema = output_schema(SECTIONS)
    assert schema["required"] == ["resume", "decisions", "actions", "questions"]
    assert schema["properties"]["decisions"]["maxItems"] > 0
    assert schema["properties"]["actions"]["items"]["required"] == [
        "action",
        "responsable",
        "echeance",
    ]
    fields = [
        TaskField(name="expediteur", label="Expéditeur", extract="qui écrit"),
        TaskField(name="date_message", label="Date", type=FieldType.DATE, extract="date"),
        TaskField(
            name="civilite",
            label="Civilité",
            type=FieldType.CHOICE,
            choices=("Madame", "Monsieur"),
            extract="civilité",
        ),
    ]
    extraction = extraction_schema(fields)
    assert extraction["properties"]["date_message"]["pattern"].startswith("^(")
    assert extraction["properties"]["civilite"] == {"enum": ["Madame", "Monsieur", ""]}
    assert extraction["additionalProperties"] is False
