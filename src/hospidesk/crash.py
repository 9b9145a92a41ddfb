"""Unexpected errors: the traceback goes to a file in the user's log folder, not the screen."""

from __future__ import annotations

import datetime as dt
import traceback

from hospidesk.paths import get_paths


def report_crash(exc: BaseException) -> str:
    """Write the traceback (code locations only, no local variables) and return where."""
    try:
        folder = get_paths().log
        folder.mkdir(parents=True, exist_ok=True)
        stamp = dt.datetime.now().strftime("%Y%m%d-%H%M%S")
        path = folder / f"crash-{stamp}.txt"
        frames = traceback.format_tb(exc.__traceback__)
        path.write_text(f"{type(exc).__name__}\n" + "".join(frames), encoding="utf-8")
        path.chmod(0o600)
        return str(path)
    except OSError:
        return "(journal impossible à écrire)"
