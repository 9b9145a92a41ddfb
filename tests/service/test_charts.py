"""The evaluation report's charts: inline SVG with its text as text, the pilot's references,
the same bytes for the same figures, ids that never collide between two jobs of one page."""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET

from hospidesk.service.charts import WeekPoint, job_chart

POINTS = [
    WeekPoint("2026-W46", 120, 0.7, 55.0),
    WeekPoint("2026-W47", 95, None, None),  # no answer that week: a gap, not a zero
    WeekPoint("2026-W48", 140, 0.8, 70.5),
]
SVG = "{http://www.w3.org/2000/svg}"


def chart(job: str = "secretariat") -> str:
    return job_chart(job, POINTS, 0.83, (60, 120))


def test_an_svg_element_with_its_french_text_as_text() -> None:
    svg = chart()
    assert svg.startswith("<svg") and "<?xml" not in svg and "DOCTYPE" not in svg
    root = ET.fromstring(svg)  # noqa: S314 - our own output
    assert root.get("role") == "img"
    assert root.findtext(f"{SVG}title", "").startswith("secretariat : usages")
    texts = {"".join(t.itertext()).strip() for t in root.iter(f"{SVG}text")}
    assert {
        "Usages par semaine",
        "Ont dit que cela aidait",
        "Minutes gagnées par poste actif",
    } <= texts
    assert {"S46", "S47", "S48", "pilote 83 %", "pilote 1 à 2 h"} <= texts
    assert "80 %" in texts  # shares as percentages, French spacing


def test_no_date_and_the_same_bytes_for_the_same_figures() -> None:
    assert chart() == chart()
    assert "<metadata" not in chart() and "dc:date" not in chart()


def test_two_jobs_in_one_page_never_share_an_id() -> None:
    ids = [set(re.findall(r'id="([^"]+)"', chart(job))) for job in ("secretariat", "qualite")]
    generated = [{i for i in s if re.fullmatch(r"[pm][0-9a-f]{8,}", i)} for s in ids]
    assert generated[0] and generated[1]  # clip paths and markers are hashed ids
    assert not generated[0] & generated[1]


def test_a_job_name_is_escaped_in_the_title() -> None:
    svg = chart("achats <b>&</b>")
    assert "<b>" not in svg and "achats &lt;b&gt;&amp;&lt;/b&gt;" in svg
    ET.fromstring(svg)  # noqa: S314 - well-formed: our own output
