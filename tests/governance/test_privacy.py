from hospidesk.governance.privacy import (
    IdentifierKind,
    find_identifiers,
    nir_key_valid,
    redact,
    summary,
)

VALID_NIR = "1 84 12 75 108 123 47"


def kinds(text: str, names: tuple[str, ...] = ()) -> list[tuple[IdentifierKind, str]]:
    return [(f.kind, text[f.start : f.end]) for f in find_identifiers(text, names)]


def test_nir_key() -> None:
    assert nir_key_valid("1841275108123", "47")
    assert not nir_key_valid("1841275108123", "48")
    assert nir_key_valid("269052A123456", "88")  # Corsica: 2A counts as 19


def test_identifiers_in_a_doctors_note() -> None:
    text = (
        "Pt Mme Josiane MARCHAND née le 14/03/1951, NIR 2 51 03 75 112 045 67, IPP 40012345. "
        "Tél 01 45 67 89 10, mail j.marchand@example.fr"
    )
    found = kinds(text, ("Josiane MARCHAND",))
    assert (IdentifierKind.NAME, "Josiane MARCHAND") in found
    assert (IdentifierKind.BIRTH_DATE, "née le 14/03/1951") in found
    assert (IdentifierKind.NIR, "2 51 03 75 112 045 67") in found
    assert (IdentifierKind.IPP, "IPP 40012345") in found
    assert (IdentifierKind.PHONE, "01 45 67 89 10") in found
    assert (IdentifierKind.EMAIL, "j.marchand@example.fr") in found


def test_a_valid_key_is_reported() -> None:
    (finding,) = find_identifiers(f"numéro {VALID_NIR}.")
    assert finding.kind is IdentifierKind.NIR and finding.detail == "clé valide"


def test_ordinary_numbers_are_not_identifiers() -> None:
    assert kinds("Budget 6 000 euros HT, 40 pieds à perfusion, livraison le 30/09/2026.") == []


def test_redact_and_summary_never_show_values() -> None:
    text = f"Patient Jean Dupont, NIR {VALID_NIR}, tel 0612345678"
    cleaned = redact(text, ("Jean Dupont",))
    assert "Dupont" not in cleaned and "108" not in cleaned and "0612345678" not in cleaned
    assert summary(find_identifiers(text, ("Jean Dupont",))) == (
        "nom du patient (1), NIR (1), téléphone (1)"
    )
