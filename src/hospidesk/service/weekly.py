"""The weekly export a workstation drops in the evaluation team's folder by itself.

With ``[metrics] export_dir`` in the policy, the window's first start of each ISO week writes
the figures of the complete weeks not exported yet (job × task × week, small groups
suppressed, the format of ``hospidesk stats``) to ``POSTE-PROFIL-SEMAINE.csv``: the
workstation's name, a random id of the user's profile (two users of one workstation do not
overwrite each other; it names no one) and the week it was written. A folder that cannot be
written changes nothing for the user: the failure is recorded in the audit trail and the
next start tries again.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import json
import re
import secrets
import socket
from dataclasses import dataclass
from pathlib import Path

from hospidesk.errors import HospiDeskError
from hospidesk.fsutil import atomic_write_text
from hospidesk.governance.audit import AuditEvent, AuditKind
from hospidesk.governance.metrics import Origin, aggregate, station_id, to_csv
from hospidesk.service.usage import all_uses
from hospidesk.service.workspace import Workspace

STATE_FILE = "export-hebdomadaire.json"


def iso_week(day: dt.date) -> str:
    year, week, _ = day.isocalendar()
    return f"{year}-W{week:02d}"


def workstation() -> str:
    """The workstation's name as a file name part (letters, digits, dashes)."""
    name = socket.gethostname().split(".")[0]
    return re.sub(r"[^A-Za-z0-9-]+", "-", name).strip("-")[:40] or "poste"


@dataclass(frozen=True)
class Written:
    path: Path
    weeks: tuple[str, ...]
    groups: int


def weekly_export(ws: Workspace, today: dt.date | None = None) -> Written | None:
    """Write this week's export if the policy asks for one and it is not written yet;
    never raises (a failure is audited and tried again at the next start)."""
    folder = ws.policy.metrics.export_dir
    if not folder:
        return None
    today = today or dt.date.today()
    week = iso_week(today)
    state_path = ws.paths.data / STATE_FILE
    state = _read(state_path)
    if state.get("written") == week:
        return None
    profile = str(state.get("profile") or secrets.token_hex(4))
    done = str(state.get("through") or "")
    try:
        uses = [u for u in all_uses(ws) if done < u.week < week]
        threshold = ws.policy.metrics.min_group_size
        rows = aggregate(uses, threshold)
        path = Path(folder) / f"{workstation()}-{profile}-{week}.csv"
        if not path.parent.is_dir():
            raise OSError(f"dossier introuvable : {path.parent}")
        origin = Origin(station_id(ws.paths.data), today.isoformat())
        atomic_write_text(path, to_csv(rows, threshold, origin), mode=0o644)
    except (OSError, HospiDeskError) as exc:
        reason = exc.message if isinstance(exc, HospiDeskError) else str(exc)
        ws.audit.append(
            AuditEvent(AuditKind.METRICS_EXPORT_FAILED, details={"folder": folder, "why": reason})
        )
        _write(state_path, {**state, "profile": profile})
        return None
    weeks = tuple(sorted({u.week for u in uses}))
    ws.audit.append(
        AuditEvent(
            AuditKind.METRICS_EXPORTED,
            details={"file": str(path), "groups": len(rows), "weeks": ",".join(weeks)},
        )
    )
    previous = iso_week(today - dt.timedelta(days=7))
    _write(state_path, {"profile": profile, "written": week, "through": previous})
    return Written(path, weeks, len(rows))


def _read(path: Path) -> dict[str, object]:
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    return data if isinstance(data, dict) else {}


def _write(path: Path, state: dict[str, object]) -> None:
    with contextlib.suppress(OSError, HospiDeskError):
        path.parent.mkdir(parents=True, exist_ok=True)
        atomic_write_text(path, json.dumps(state))
