"""A source's length as a person says it, in the refusals of a source too long."""

from __future__ import annotations

from hospidesk.service.source_length import amount


def test_amounts_read_as_a_person_says_them() -> None:
    assert amount(12345) == "environ 12\u202f300 mots (35 pages)"
    assert amount(180) == "environ 180 mots (1 page)"
    assert amount(0) == "environ 10 mots (1 page)"
