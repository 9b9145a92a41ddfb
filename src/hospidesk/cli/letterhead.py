"""``hospidesk letterhead check``: a sample letter with the hospital's letterhead, for IT."""

from __future__ import annotations

import argparse
from pathlib import Path

from hospidesk.cli.output import Commands, actions
from hospidesk.documents.letterhead import Letterhead, read_letterhead
from hospidesk.errors import UsageError
from hospidesk.service.export import sample_task, write_sample
from hospidesk.service.workspace import Workspace

SAMPLE_NAME = "exemple-en-tete.docx"


def register(sub: Commands) -> None:
    parser = sub.add_parser("letterhead", help="en-tête de l'établissement (DSI)")
    commands = actions(parser)
    check = commands.add_parser(
        "check",
        help="écrire une lettre d'exemple avec l'en-tête (celui du poste par défaut)",
    )
    check.add_argument(
        "file", nargs="?", metavar="FICHIER.docx", help="un en-tête à essayer avant de le déployer"
    )
    check.add_argument("--job", metavar="MÉTIER", help="l'en-tête de ce métier (letterheads/)")
    check.add_argument("--task", metavar="PACK/TÂCHE", help="la tâche de la lettre d'exemple")
    check.add_argument(
        "--out", metavar="FICHIER.docx", default=SAMPLE_NAME, help=f"par défaut : {SAMPLE_NAME}"
    )
    check.set_defaults(handler=check_letterhead)


def installed(ws: Workspace, job: str | None) -> Letterhead:
    """The letterhead in force on this workstation (for ``job``), or why there is none."""
    state = ws.letterheads
    refused = {refusal.label: refusal for refusal in state.refused}
    if job and f"letterheads/{job}.docx" in refused:
        raise refused[f"letterheads/{job}.docx"]
    letterhead = state.for_job(job) if job else state.site
    if letterhead is None and "letterhead.docx" in refused:
        raise refused["letterhead.docx"]
    if letterhead is None:
        looked = [str(ws.paths.site_letterhead)]
        if job:
            looked.insert(0, str(ws.paths.site_letterheads_dir / f"{job}.docx"))
        raise UsageError(
            f"Aucun en-tête installé (cherché : {', '.join(looked)}). Pour essayer un fichier : "
            "hospidesk letterhead check FICHIER.docx"
        )
    return letterhead


def check_letterhead(args: argparse.Namespace) -> int:
    ws = Workspace.open()
    if args.file:
        letterhead = read_letterhead(Path(args.file).expanduser())
    else:
        letterhead = installed(ws, args.job)
    task = ws.task(args.task) if args.task else sample_task(ws, args.job)
    out = Path(args.out).expanduser()
    write_sample(ws, letterhead, task, out)
    print(f"Lettre d'exemple écrite : {out}")
    print(f"  en-tête : {letterhead.label} (sha256 {letterhead.sha256})")
    print(f"  tâche   : {task.ref} — {task.task.title}")
    for note in letterhead.notes:
        print(f"  attention : {note}")
    return 0
