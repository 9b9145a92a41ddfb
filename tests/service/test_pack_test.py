"""The pack test's report: pass rates per model, the side-by-side table, failed checks said."""

from __future__ import annotations

import json

from hospidesk.service.pack_test import Outcome, PackReport, markdown, to_json


def test_the_report_says_every_failure_and_compares_the_models() -> None:
    outcomes = (
        Outcome("p/a", 1, "m1", first_token_seconds=0.5, tokens_per_second=12.0),
        Outcome("p/a", 1, "m2", ["faits", "coupure"], ["absents : 3 mars"], 0.7, 9.0),
        Outcome("p/b", 1, "m1", ["structure"], ["pas de synthèse exploitable"]),
        Outcome("p/b", 1, "m2"),
    )
    report = PackReport("p", "1.2.0", ("m1", "m2"), outcomes)
    assert report.pass_rate("m1") == 0.5 and report.pass_rate() == 0.5
    text = markdown(report)
    assert "| m1 | 2 | 1 | 50% |" in text and "## Côte à côte" in text
    assert "| p/a n° 1 | réussi | échec : faits, coupure (absents : 3 mars) |" in text
    data = json.loads(to_json(report))
    assert data["pass_rate"] == {"m1": 0.5, "m2": 0.5}
    assert [o["passed"] for o in data["outcomes"]] == [True, False, False, True]
    single = markdown(PackReport("p", "1.2.0", ("m1",), outcomes[::2]))
    assert "Côte à côte" not in single
