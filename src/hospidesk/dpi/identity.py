"""Who and what a filed document is about: the patient as the hospital knows them, the stay,
the author and the hospital; and the identifiers that make one document one document."""

from __future__ import annotations

import datetime as dt
import uuid
from dataclasses import dataclass
from typing import Literal

INS_NIR_OID = "1.2.250.1.213.1.4.8"
"""The national health identifier (INS-NIR), qualified identities only."""
INS_NIR_TEST_OID = "1.2.250.1.213.1.4.10"
RPPS_OID = "1.2.250.1.71.4.2.1"
"""Health professionals (RPPS, prefixed 8 in CDA identifiers)."""
FINESS_OID = "1.2.250.1.71.4.2.2"
"""Healthcare organisations (FINESS, prefixed 1 in CDA identifiers)."""
UUID_OID = "2.25"
"""ITU-T X.667: an OID made of a UUID, unique with no registry."""

Sex = Literal["F", "M", "U"]


@dataclass(frozen=True)
class Patient:
    ipp: str
    """The hospital's patient number, in the namespace of ``ipp_oid``."""
    ipp_oid: str
    birth_name: str = ""
    first_name: str = ""
    birth_date: dt.date | None = None
    sex: Sex = "U"
    ins: str = ""
    """The INS-NIR, only when the identity is qualified; empty otherwise."""
    ins_oid: str = INS_NIR_OID
    """Its namespace: the test one (``INS_NIR_TEST_OID``) only in test messages."""


@dataclass(frozen=True)
class Stay:
    number: str = ""
    """The stay (NDA), in the namespace of the patient's ``ipp_oid``."""
    unit: str = ""
    """The functional unit (UF)."""


@dataclass(frozen=True)
class Author:
    rpps: str
    family_name: str
    given_name: str


@dataclass(frozen=True)
class DocumentVersion:
    """One version of one document: ``set_id`` is the document's for all its versions, ``id``
    this version's (the CDA's id, TXA-12), ``replaces`` the previous version's id."""

    set_id: str
    id: str
    number: int = 1
    replaces: str = ""

    @classmethod
    def first(cls) -> DocumentVersion:
        return cls(set_id=new_oid(), id=new_oid())

    def next(self) -> DocumentVersion:
        return DocumentVersion(self.set_id, new_oid(), self.number + 1, replaces=self.id)


def new_oid() -> str:
    return f"{UUID_OID}.{uuid.uuid4().int}"
