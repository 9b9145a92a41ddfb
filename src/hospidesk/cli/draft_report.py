"""``hospidesk draft --report FILE.json``: what one draft was, for benchmarks (bench/quality.py)
and scripts: the text, who wrote it and how fast, what the check of facts did, the review."""

from __future__ import annotations

import json
from dataclasses import asdict
from pathlib import Path

from hospidesk.fsutil import atomic_write_text
from hospidesk.service.drafting import DraftResult
from hospidesk.service.review import Findings


def write_report(
    path: Path, result: DraftResult, findings: Findings, load_seconds: float | None
) -> None:
    prepared = result.prepared
    repair = result.repair
    data = {
        "task": prepared.task.ref,
        "pack_version": prepared.task.pack.manifest.version,
        "model": result.served.model,
        "lock": prepared.lock,
        "source": prepared.source,
        "values": dict(prepared.values),
        "raw": result.raw,
        "body": result.body,
        "finish_reason": result.finish_reason,
        "tokens": result.tokens,
        "seconds": result.seconds,
        "first_token_seconds": result.first_token_seconds,
        "load_seconds": load_seconds,
        "repair": None if repair is None else {**asdict(repair), "succeeded": repair.succeeded},
        "findings": {
            "invented": [[f.kind.value, f.text] for f in findings.invented],
            "omitted": [[f.kind.value, f.text] for f in findings.omitted],
            "cut_off": findings.cut_off,
            "echo": findings.echo,
            "looped": findings.looped,
            "repeated": findings.repeated,
        },
    }
    atomic_write_text(path, json.dumps(data, ensure_ascii=False, indent=1) + "\n")
