"""A filed document's parts for the tests: an invented patient, stay, author and hospital."""

from __future__ import annotations

import datetime as dt

from hospidesk.dpi.identity import Author, DocumentVersion, Patient, Stay

HOSPITAL_OID = "1.2.250.1.999.1.1.2"  # an invented hospital's IPP namespace
PATIENT = Patient(
    ipp="123456",
    ipp_oid=HOSPITAL_OID,
    birth_name="EXEMPLE",
    first_name="Jeanne",
    birth_date=dt.date(1948, 3, 2),
    sex="F",
    ins="248032A99900012",
)
STAY = Stay(number="789", unit="UF-CARDIO")
AUTHOR = Author(rpps="10001234567", family_name="Martin", given_name="Claire")
FINESS = "990000011"
CREATED = dt.datetime(2026, 12, 6, 10, 30, tzinfo=dt.timezone(dt.timedelta(hours=1)))
FIRST = DocumentVersion(set_id="2.25.1001", id="2.25.1002")
