"""A stand-in for the app under kill -9: it generates with the real engine, autosaves the
draft after each piece, and exports the document, printing an acknowledgement after each
save is committed and each export is in place. Run: python -m tests.storage.crash_harness OUT
"""

from __future__ import annotations

import sys
from pathlib import Path

from hospidesk.engine.client import EngineClient
from hospidesk.service.drafting import RunLimits, run_draft
from hospidesk.service.export import ExportRequest, export_draft
from hospidesk.service.records import open_history
from hospidesk.service.request import DraftRequest, prepare
from hospidesk.service.workspace import Workspace
from hospidesk.storage.history import AUTOSAVE, DraftContent

SOURCE = "bonjour, il manque la copie de votre piece d'identite. delai 8 jours."


def main() -> int:
    out = Path(sys.argv[1])
    ws = Workspace.open()
    history = open_history(ws)
    prepared = prepare(ws, DraftRequest("secretariat/reformuler-courrier", {}, source_text=SOURCE))
    engine = EngineClient()
    # Load the model and process the task's prompt once, so that the kills fall in
    # generation, autosaves and exports rather than in the first prompt's processing.
    run_draft(ws, engine, prepared, limits=RunLimits(max_tokens=1, seed=0))
    draft_id = None
    text = ""
    print("READY", flush=True)
    for round_ in range(1000):
        text += run_draft(ws, engine, prepared, limits=RunLimits(max_tokens=4, seed=round_)).raw
        text += f" [{round_}]"
        draft_id = history.save(
            prepared.task.ref, "1.0.0", DraftContent({}, SOURCE, text, text), AUTOSAVE, draft_id
        )
        print(f"ACK {draft_id} {len(text)}", flush=True)
        if round_ % 3 == 2:
            export_draft(ws, ExportRequest(prepared.task.ref, prepared.values, text), out)
            print(f"EXPORTED {len(text)}", flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
