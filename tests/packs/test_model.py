import pytest

from hospidesk.packs.model import FieldType, TaskField, validate_value


def field(kind: FieldType, **extra: object) -> TaskField:
    return TaskField.model_validate({"name": "f", "label": "F", "type": kind, **extra})


@pytest.mark.parametrize(
    ("kind", "value", "error"),
    [
        (FieldType.DATE, "17/03/2026", None),
        (FieldType.DATE, "29/02/2028", None),
        (FieldType.DATE, "29/02/2026", "n'existe pas"),
        (FieldType.DATE, "2026-03-17", "JJ/MM/AAAA"),
        (FieldType.TIME, "09h30", None),
        (FieldType.TIME, "9:30", None),
        (FieldType.TIME, "25h00", "HH:MM"),
        (FieldType.NUMBER, "12,5", None),
        (FieldType.NUMBER, "douze", "Nombre attendu"),
        (FieldType.TEXT, "une\nautre ligne", "Une seule ligne"),
        (FieldType.LONG_TEXT, "une\nautre ligne", None),
    ],
)
def test_values_are_checked_by_type(kind: FieldType, value: str, error: str | None) -> None:
    result = validate_value(field(kind), value)
    if error is None:
        assert result is None
    else:
        assert result is not None and error in result


def test_required_and_length() -> None:
    assert validate_value(field(FieldType.TEXT, required=True), "  ") == "Ce champ est obligatoire."
    assert validate_value(field(FieldType.TEXT), "") is None
    too_long = validate_value(field(FieldType.TEXT, max_length=5), "abcdef")
    assert too_long is not None and "maximum 5" in too_long


def test_choices_and_number_bounds() -> None:
    choice = field(FieldType.CHOICE, choices=("Madame", "Monsieur"))
    assert validate_value(choice, "Madame") is None
    message = validate_value(choice, "Mme")
    assert message is not None and "Madame, Monsieur" in message
    bounded = field(FieldType.NUMBER, minimum=1, maximum=10)
    assert validate_value(bounded, "0") == "Le nombre doit être au moins 1."
    assert validate_value(bounded, "11") == "Le nombre doit être au plus 10."


def test_a_choice_field_without_choices_is_invalid() -> None:
    with pytest.raises(ValueError, match="doit lister ses choix"):
        field(FieldType.CHOICE)


def test_a_document_type_is_a_loinc_code_with_its_label() -> None:
    from pydantic import ValidationError

    from hospidesk.packs.model import DocumentType

    kind = DocumentType.model_validate({"code": "11490-0", "label": "Lettre de sortie"})
    assert (kind.code, kind.label) == ("11490-0", "Lettre de sortie")
    for bad in ({"code": "lettre", "label": "L"}, {"code": "11490-0", "label": ""}):
        with pytest.raises(ValidationError):
            DocumentType.model_validate(bad)
