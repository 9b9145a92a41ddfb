"""The ``stats merge`` report in headless Chromium (Debian's package): its charts are drawn
(their colours are on the screenshot) and the page makes no request; a control page shows that
a request a page makes would be seen."""

from __future__ import annotations

import random
from pathlib import Path

import pytest
from PIL import Image

from hospidesk.governance.metrics import aggregate, to_csv
from hospidesk.service.charts import BLUE, GREEN, ORANGE
from hospidesk.service.evaluation import merge_exports
from tests.chromium import BINARY, render
from tests.service.test_evaluation import TASKS, THRESHOLD, station_uses

pytestmark = [
    pytest.mark.chromium,
    pytest.mark.skipif(
        BINARY is None, reason="Chromium is not installed (.ci/run installs Debian's chromium)"
    ),
]


def colour_pixels(png: Path, colour: str) -> int:
    target = tuple(int(colour[i : i + 2], 16) for i in (1, 3, 5))
    image = Image.open(png).convert("RGB")
    return sum(
        count
        for count, rgb in image.getcolors(maxcolors=1 << 20) or []
        if max(abs(a - b) for a, b in zip(rgb, target, strict=True)) <= 6
    )


def test_the_report_renders_its_charts_and_requests_nothing(tmp_path: Path) -> None:
    rng = random.Random(7)
    for station in range(30):
        rows = aggregate(station_uses(rng), THRESHOLD)
        (tmp_path / f"poste-{station:02d}.csv").write_text(to_csv(rows, THRESHOLD), "utf-8")
    page = tmp_path / "rapport.html"
    merge_exports([tmp_path], page, TASKS)
    shot = tmp_path / "rapport.png"
    assert render(page, shot) == []
    # bars, the share who said it helped, the minutes per workstation: each drawn
    assert colour_pixels(shot, BLUE) > 2000
    assert colour_pixels(shot, GREEN) > 50
    assert colour_pixels(shot, ORANGE) > 50


def test_a_request_a_page_makes_is_seen(tmp_path: Path) -> None:
    page = tmp_path / "controle.html"
    page.write_text(
        '<!DOCTYPE html><p>contrôle</p><img src="http://127.0.0.1:9/fuite.png">', "utf-8"
    )
    assert render(page, tmp_path / "controle.png") == ["http://127.0.0.1:9/fuite.png"]
