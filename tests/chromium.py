"""Headless Chromium (Debian's ``chromium``) on a local page: a screenshot of what it rendered,
and the network requests the page itself made, read from Chromium's own net log.

Chromium's background services (update checks, time, accounts) make requests of their own
whatever the page; they carry no page origin (``initiator: not an origin``) while a request a
page makes carries its origin and, for a page opened from a file, a ``file://`` isolation key.
Only the page's requests are returned. tests/service/test_evaluation_report.py shows on a
control page that a request the page makes is seen.
"""

from __future__ import annotations

import json
import shutil
import subprocess
import tempfile
from pathlib import Path

BINARY = shutil.which("chromium") or shutil.which("chromium-browser")
FLAGS = [
    "--headless",
    "--no-sandbox",  # root in CI containers; the page is our own file
    "--disable-gpu",
    "--hide-scrollbars",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--disable-extensions",
]


def render(page: Path, screenshot: Path, width: int = 900, height: int = 1400) -> list[str]:
    """Open ``page``, write its screenshot, return the URLs the page requested."""
    if BINARY is None:
        raise FileNotFoundError("chromium")
    with tempfile.TemporaryDirectory(prefix="hospidesk-chromium-") as folder:
        netlog = Path(folder) / "netlog.json"
        subprocess.run(
            [
                BINARY,
                *FLAGS,
                f"--user-data-dir={folder}/profile",
                f"--window-size={width},{height}",
                f"--screenshot={screenshot}",
                f"--log-net-log={netlog}",
                page.resolve().as_uri(),
            ],
            check=True,
            capture_output=True,
            timeout=120,
        )
        return page_requests(json.loads(netlog.read_text(encoding="utf-8")))


def page_requests(log: dict[str, object]) -> list[str]:
    constants = log["constants"]
    assert isinstance(constants, dict)
    start = constants["logEventTypes"]["URL_REQUEST_START_JOB"]
    urls = []
    for event in log["events"]:  # type: ignore[attr-defined]
        params = event.get("params", {})
        if event["type"] != start or "url" not in params:
            continue
        if params.get("initiator") != "not an origin" or "file://" in params.get(
            "network_isolation_key", ""
        ):
            urls.append(params["url"])
    return urls
