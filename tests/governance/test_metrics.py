"""Metrics: the edit ratio, the aggregates per job, task and ISO week, and the suppression."""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
from pathlib import Path

import pytest

from hospidesk.governance.metrics import (
    MetricsError,
    MetricsStore,
    Use,
    aggregate,
    edit_ratio,
    to_csv,
    to_json,
    weekly,
)

MONDAY = dt.date(2026, 11, 23)  # ISO week 2026-W48


def use(
    task: str = "secretariat/convocation",
    day: dt.date = MONDAY,
    helped: str | None = None,
    minutes: int | None = None,
    outcome: str = "exporté",
    ratio: float | None = 0.0,
    omissions: int | None = None,
    repair: bool | None = None,
) -> Use:
    job = task.split("/")[0]
    return Use(
        job, task, "1.0.0", "smollm2", outcome, day, 60, ratio, helped, minutes, omissions,
        repair=repair,
    )  # fmt: skip


def test_edit_ratio_counts_rewritten_words() -> None:
    assert edit_ratio("un deux trois quatre", "un deux trois quatre") == 0.0
    assert edit_ratio("un deux trois quatre", "cinq six sept huit") == 1.0
    assert edit_ratio("un deux trois quatre", "un deux trois cinq") == 0.25
    assert edit_ratio("", "") == 0.0


def test_store_records_answers_once_and_reads_back(tmp_path: Path) -> None:
    store = MetricsStore(tmp_path / "metrics.sqlite3")
    first = store.record(use())
    store.answer(first, "oui", 10)
    store.answer(first, "non", 0)  # only the first answer counts
    store.record(use(repair=False))
    store.record(use(repair=True))
    assert store.uses() == [
        use(helped="oui", minutes=10),
        use(repair=False),
        use(repair=True),
    ]
    with pytest.raises(MetricsError, match="oui, un-peu ou non"):
        store.answer(first, "peut-être", None)
    with pytest.raises(MetricsError, match="entre 0 et 480"):
        store.record(use(minutes=600))
    store.close()


def test_aggregates_are_exact_and_small_groups_are_suppressed() -> None:
    uses = [
        use(helped="oui", minutes=10, repair=True),
        use(helped="un-peu", minutes=5, day=MONDAY + dt.timedelta(days=2), repair=False),
        use(helped="non", minutes=0, ratio=0.5, omissions=2, repair=True),
        use(helped="oui", minutes=30, outcome="copié", ratio=0.9),
        use(ratio=None, outcome="fermé"),
        use(task="secretariat/reformuler-courrier", helped="oui", minutes=20),
        use(day=MONDAY + dt.timedelta(days=7), helped="oui", minutes=15),
    ]
    rows = aggregate(uses, min_group=3)
    assert [(r.task, r.week, r.suppressed) for r in rows] == [
        ("secretariat/convocation", "2026-W48", False),
        ("secretariat/convocation", "2026-W49", True),
        ("secretariat/reformuler-courrier", "2026-W48", True),
    ]
    big = rows[0]
    assert (big.uses, big.answered, big.helped_yes, big.helped_some, big.helped_no) == (
        5,
        4,
        2,
        1,
        1,
    )
    assert big.share_helped == 0.75
    assert big.minutes_saved_sum == 45 and big.minutes_saved_median == 7.5
    assert big.exported == 3 and big.share_few_edits == round(2 / 3, 4)
    assert big.exported_with_omissions == 1
    assert (big.repairs_tried, big.repairs_succeeded) == (3, 2)
    for small in rows[1:]:
        figures = [v for k, v in vars(small).items() if k not in ("job", "task", "week")]
        assert figures == [True] + [None] * 13

    table = list(csv.DictReader(io.StringIO(to_csv(rows))))
    assert table[0]["minutes_saved_median"] == "7.5" and table[0]["uses"] == "5"
    assert table[1]["suppressed"] == "True" and table[1]["uses"] == ""
    data = json.loads(to_json(rows, 3))
    assert data["min_group_size"] == 3 and data["groups"][2]["helped_yes"] is None


def test_weekly_figures_for_the_dashboard() -> None:
    weeks = weekly(
        [
            use(minutes=10),
            use(minutes=5, ratio=0.5),
            use(day=MONDAY + dt.timedelta(days=7), outcome="copié", minutes=None),
        ]
    )
    assert [(w.week, w.uses, w.minutes_saved, w.exported, w.few_edits) for w in weeks] == [
        ("2026-W48", 2, 15, 2, 1),
        ("2026-W49", 1, 0, 0, 0),
    ]


def test_the_omission_count_is_kept_and_a_database_of_the_previous_version_is_migrated(
    tmp_path: Path,
) -> None:
    import sqlite3

    path = tmp_path / "metrics.sqlite3"
    old = sqlite3.connect(path)  # a store written before the omission count existed
    old.execute(
        "CREATE TABLE uses (id INTEGER PRIMARY KEY, day TEXT NOT NULL, job TEXT NOT NULL,"
        " task TEXT NOT NULL, pack_version TEXT NOT NULL, model TEXT NOT NULL,"
        " outcome TEXT NOT NULL, seconds INTEGER, edit_ratio REAL, helped TEXT,"
        " minutes_saved INTEGER)"
    )
    old.execute("PRAGMA user_version = 1")
    old.execute(
        "INSERT INTO uses (day, job, task, pack_version, model, outcome)"
        " VALUES ('2026-11-30', 'secretariat', 'secretariat/convocation', '1.0.0', 'm', 'exporté')"
    )
    old.commit()
    old.close()
    store = MetricsStore(path)
    store.record(use(omissions=3))
    assert sorted(store.uses(), key=lambda u: u.omissions or 0)[-1].omissions == 3
    assert [u.omissions for u in store.uses()].count(None) == 1  # the old row, migrated
    store.close()
