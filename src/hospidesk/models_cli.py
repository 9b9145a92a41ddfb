"""``hospidesk models list|verify``: the approved models and the state of their files."""

from __future__ import annotations

import json
from pathlib import Path

from hospidesk.engine.catalog import ModelEntry, locate
from hospidesk.engine.verify import HashCache, verify_file
from hospidesk.errors import ModelError
from hospidesk.service import Workspace


def model_state(ws: Workspace, entry: ModelEntry) -> tuple[str, Path | None]:
    path = locate(entry, ws.paths)
    if path is None:
        return "absent", None
    try:
        verify_file(path, ws.catalog, HashCache(ws.paths.verified_models_file), entry)
    except ModelError as exc:
        return f"refusé — {exc.message}", path
    return "vérifié", path


def models_list(ws: Workspace, as_json: bool) -> int:
    rows = []
    default = ws.catalog.default().id if ws.catalog.entries else None
    for item in ws.catalog.entries:
        entry = item.entry
        state, path = model_state(ws, entry)
        rows.append((entry, state, path, str(item.source)))
    if as_json:
        print(
            json.dumps(
                [
                    {
                        **entry.model_dump(),
                        "state": state,
                        "path": str(path) if path else None,
                        "catalog": source,
                        "is_default": entry.id == default,
                    }
                    for entry, state, path, source in rows
                ],
                ensure_ascii=False,
                indent=2,
            )
        )
        return 0
    for entry, state, path, _ in rows:
        mark = "*" if entry.id == default else " "
        print(f"{mark} {entry.id}  —  {entry.name}")
        print(
            f"    licence {entry.licence}, {entry.size / 1024**2:.0f} Mo, contexte "
            f"{entry.context_length}, mémoire ~{entry.ram_mb} Mo : {state}"
        )
        if path:
            print(f"    {path}")
    return 0


def models_verify(ws: Workspace, path: Path | None) -> int:
    if path is not None:
        verified = verify_file(path, ws.catalog)  # explicit check: always hash in full
        print(
            f"OK : {path} est le modèle approuvé « {verified.entry.id} » "
            f"(sha256 {verified.entry.sha256})."
        )
        return 0
    failures = found = 0
    for item in ws.catalog.entries:
        state, located = model_state(ws, item.entry)
        if located is None:
            print(f"  {item.entry.id} : absent")
            continue
        found += 1
        if state != "vérifié":
            failures += 1
        print(f"  {item.entry.id} : {state} ({located})")
    if not found:
        raise ModelError("Aucun modèle approuvé n'est présent sur ce poste.")
    if failures:
        raise ModelError(f"{failures} modèle(s) refusé(s).")
    return 0
