"""``hospidesk draft``: one task headless, the text streamed to stdout; ``hospidesk tasks``."""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

from hospidesk.cli.dictation import transcribe_audio
from hospidesk.cli.dpi import patient_for
from hospidesk.cli.draft_report import write_report
from hospidesk.cli.output import Commands, err
from hospidesk.documents.ocr import reading_page
from hospidesk.documents.sources import read_source_bytes
from hospidesk.dpi.identity import Patient, Stay
from hospidesk.engine.client import EngineClient
from hospidesk.errors import Cancelled, HospiDeskError, UsageError
from hospidesk.fsutil import check_writable_target
from hospidesk.packs.model import identifiers_in
from hospidesk.service.draft_events import (
    CheckingFacts,
    DraftEvent,
    Extracted,
    Loaded,
    PromptRead,
    Step,
    Text,
    Writing,
)
from hospidesk.service.drafting import DraftResult, DraftRun, RunLimits
from hospidesk.service.export import ExportRequest, export_draft
from hospidesk.service.extraction import Extraction
from hospidesk.service.faithfulness import describe_repair
from hospidesk.service.filing import (
    EXIT_CODES,
    document_type,
    dpi_policy,
    draft_filing,
    file_document,
)
from hospidesk.service.onboarding import example
from hospidesk.service.records import EXPORTED, INTERRUPTED, KEPT, remember
from hospidesk.service.request import DraftRequest, PreparedDraft, prepare
from hospidesk.service.review import describe, review
from hospidesk.service.session import open_session, require_rules
from hospidesk.service.usage import record_use
from hospidesk.service.workspace import Workspace
from hospidesk.storage.history import DraftContent


def register(sub: Commands) -> None:
    draft = sub.add_parser("draft", help="rédiger un document sans fenêtre")
    draft.add_argument("--task", required=True, metavar="PACK/TÂCHE")
    draft.add_argument("--field", action="append", default=[], metavar="NOM=VALEUR")
    draft.add_argument(
        "--source",
        action="append",
        default=[],
        metavar="FICHIER|-",
        help=".txt, .eml, .msg, .html, .docx, .odt ou .pdf ; plusieurs fois pour plusieurs "
        "fichiers (dans l'ordre) ; - pour l'entrée standard",
    )
    draft.add_argument(
        "--audio",
        metavar="AUDIO",
        help="une dictée (.wav, .mp3, .m4a, .ogg, .opus, .flac) transcrite sur ce poste, comme "
        "texte source",
    )
    draft.add_argument(
        "--example",
        type=int,
        metavar="N",
        help="essayer la tâche sur son exemple n° N (texte et champs inventés, compté à part)",
    )
    draft.add_argument("--out", metavar="FICHIER.docx")
    draft.add_argument(
        "--with-revisions",
        action="store_true",
        help="le document montre le texte source et les modifications en suivi de Word",
    )
    draft.add_argument("--model", metavar="ID")
    draft.add_argument(
        "--server",
        metavar="ID",
        help="serveur d'inférence autorisé par la politique (« local » : ce poste)",
    )
    draft.add_argument("--max-tokens", type=int, metavar="N", help="longueur maximale du texte")
    draft.add_argument("--seed", type=int, metavar="N", help="graine (résultat reproductible)")
    # Tests and benchmarks: write --max-tokens tokens whatever the model would say.
    draft.add_argument("--keep-writing", action="store_true", help=argparse.SUPPRESS)
    # Benchmarks and scripts: the draft, its timings and its review as JSON (cli/draft_report).
    draft.add_argument("--report", metavar="FICHIER.json", help=argparse.SUPPRESS)
    draft.add_argument(
        "--helped", choices=("oui", "un-peu", "non"), help="votre avis : la tâche a-t-elle aidé ?"
    )
    draft.add_argument(
        "--minutes-saved", type=_minutes, metavar="N", help="minutes gagnées (environ)"
    )
    draft.add_argument(
        "--file-to-dpi",
        action="store_true",
        help="classer le document dans le dossier patient (avec --ipp et --identite)",
    )
    draft.add_argument("--ipp", help="l'IPP du patient (dossier patient)")
    draft.add_argument("--sejour", default="", help="le séjour (NDA)")
    draft.add_argument("--uf", default="", help="l'unité fonctionnelle")
    draft.add_argument("--identite", metavar="FICHIER.json", help="l'identité du patient")
    draft.set_defaults(handler=run_draft_command)


def _minutes(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"nombre entier attendu, reçu « {text} »") from None
    if not 0 <= value <= 480:
        raise argparse.ArgumentTypeError("entre 0 et 480 minutes")
    return value


def _parse_fields(raw: list[str]) -> dict[str, str]:
    fields: dict[str, str] = {}
    for item in raw:
        name, sep, value = item.partition("=")
        if not sep or not name.strip():
            raise UsageError(f"--field attend NOM=VALEUR, reçu : « {item} ».")
        fields[name.strip()] = value.replace("\\n", "\n")
    return fields


def _request(args: argparse.Namespace, ws: Workspace) -> DraftRequest:
    if args.example is not None:
        return _example_request(args, ws)
    source_text = None
    if args.audio:
        if args.source:
            raise UsageError("--audio est le texte source : retirez --source.")
        audio = Path(args.audio).expanduser()
        pack = ws.task(args.task).pack
        transcript = transcribe_audio(ws, audio, pack=pack, echo=False)
        if transcript.cancelled:  # Ctrl+C: what was heard is printed, nothing is drafted
            print(transcript.text)
            raise Cancelled("Transcription arrêtée : rien n'a été rédigé.")
        source_text = transcript.text
    if "-" in args.source:
        if len(args.source) > 1:
            raise UsageError("--source - (l'entrée standard) ne se combine pas avec des fichiers.")
        source_text = read_source_bytes(sys.stdin.buffer.read(), "entrée standard")
    files = tuple(Path(s).expanduser() for s in args.source if s != "-")
    return DraftRequest(
        args.task, _parse_fields(args.field), source_text, files, args.model, args.server
    )


def _example_request(args: argparse.Namespace, ws: Workspace) -> DraftRequest:
    """The task's worked example as the request; --field still changes a value."""
    if args.source:
        raise UsageError("--example apporte son propre texte source : retirez --source.")
    chosen = example(ws.task(args.task), args.example)
    err(f"Exemple n° {args.example} : {chosen.description} (informations inventées).")
    fields = {**chosen.fields, **_parse_fields(args.field)}
    return DraftRequest(args.task, fields, chosen.source or None, (), args.model, args.server)


class Terminal:
    """The draft's text on stdout as it comes; what happens on stderr. A draft whose facts may
    be completed after writing is streamed to a terminal only: a pipe or a file gets the
    completed draft, once."""

    def __init__(self, prepared: PreparedDraft) -> None:
        self.labels = {f.name: f.label for f in prepared.task.task.fields}
        self.shows_reading = sys.stderr.isatty()
        self.streams = not prepared.task.task.structured and (
            sys.stdout.isatty() or not prepared.lock
        )
        self.load_seconds: float | None = None

    def __call__(self, event: DraftEvent) -> None:
        match event:
            case Loaded(seconds=seconds):
                self.load_seconds = seconds
            case PromptRead(done=done, total=total) if self.shows_reading:
                # « Lecture du texte : 40 % » on one line that updates, in a terminal only
                percent = 100 * done // total if total else 100
                end = "\n" if done >= total else ""
                sys.stderr.write(f"\rLecture du texte : {percent} %{end}")
                sys.stderr.flush()
            case Extracted(extraction=extraction):
                self.extracted(extraction)
            case Writing(structured=True):
                err("Rédaction de la synthèse structurée…")
            case CheckingFacts() if self.streams:
                sys.stdout.write("\n")  # the streamed draft ends before the step's line
                sys.stdout.flush()
                err(event.says())
            case Text(piece=piece) if self.streams:
                sys.stdout.write(piece)
                sys.stdout.flush()
            case Step() if event.says():
                err(event.says())

    def extracted(self, extraction: Extraction) -> None:
        if extraction.values:
            err("Valeurs lues dans le texte source (à vérifier) :")
            for name, value in extraction.values.items():
                err(f"  {self.labels[name]} : {value}")
        for name, reason in extraction.rejected.items():
            err(f"  {self.labels[name]} : valeur lue écartée ({reason.rstrip('.')}).")

    def show(self, result: DraftResult) -> None:
        """The draft whole at the end, unless it was streamed as it is."""
        if not self.streams:
            sys.stdout.write(result.body + "\n")
        elif result.repair is not None:
            sys.stdout.write("\n——— Brouillon complété ———\n" + result.body + "\n")
        else:
            sys.stdout.write("\n")
        sys.stdout.flush()
        for line in describe_repair(result.repair) if result.repair else ():
            err(line)


def _notices(ws: Workspace, prepared: PreparedDraft, out: Path | None) -> None:
    """Where the text goes, the patient identifiers it holds, missing letterhead details."""
    found = identifiers_in(prepared.task.task, prepared.values, prepared.source)
    remote = prepared.remote
    if remote is not None:
        err(f"Rédaction par le serveur « {remote.server.name} » (modèle {remote.model}).")
    if found and remote is not None and ws.policy.servers.pseudonymise:
        err(
            f"Le texte contient des identifiants de patient : {found}. Ils sont remplacés par "
            "des pseudonymes avant l'envoi au serveur et remis dans le brouillon sur ce poste."
        )
    elif found:
        where = "sont envoyés au serveur de l'hôpital" if remote else "restent sur ce poste"
        err(
            f"Le texte contient des identifiants de patient : {found}. Ils {where} et ne sont "
            "écrits dans aucun journal."
        )
    missing = ws.settings.missing_details()
    if out is not None and missing:
        err(
            "Attention : coordonnées non renseignées (" + ", ".join(missing) + ") ; "
            "voir « hospidesk settings »."
        )


def _generate(
    ws: Workspace, prepared: PreparedDraft, limits: RunLimits
) -> tuple[DraftResult, Terminal]:
    """run_draft with this command's engine; Ctrl-C stops it and writes nothing."""
    engine = EngineClient()
    terminal = Terminal(prepared)
    run = DraftRun(ws, engine, terminal)
    try:
        result = run.run(prepared, limits)
        terminal.show(result)
        return result, terminal
    except KeyboardInterrupt:
        run.cancel()
        engine.close(grace=0.3)
        sys.stdout.write("\n")
        raise Cancelled("Génération interrompue : aucun fichier n'a été écrit.") from None
    except HospiDeskError:
        if run.received:  # a server that failed mid-stream: what came is kept in the history
            sys.stdout.write("\n")
            partial = run.received
            content = DraftContent(dict(prepared.values), prepared.source, partial, partial)
            try:
                remember(ws, prepared.task, content, INTERRUPTED)
                err("Texte partiel conservé dans l'historique (hospidesk history list).")
            except HospiDeskError:
                pass
        raise
    finally:
        engine.close()
        ws.close()


def _output(args: argparse.Namespace) -> Path | None:
    """The document asked for (checked writable), after the options that go with it."""
    out = Path(args.out).expanduser() if args.out else None
    if out is not None:
        if out.suffix.lower() != ".docx":
            raise UsageError(f"Le fichier de sortie doit se terminer par .docx : {out}")
        check_writable_target(out)
    if args.with_revisions and out is None:
        raise UsageError("--with-revisions demande un document : ajoutez --out FICHIER.docx.")
    if args.max_tokens is not None and not 0 < args.max_tokens <= 8192:
        raise UsageError("--max-tokens doit être compris entre 1 et 8192.")
    return out


def _patient(ws: Workspace, args: argparse.Namespace) -> Patient | None:
    """The patient to file the document for (--file-to-dpi), checked before any drafting."""
    if not args.file_to_dpi:
        if args.ipp or args.identite:
            raise UsageError("--ipp et --identite vont avec --file-to-dpi.")
        return None
    if not args.ipp:
        raise UsageError(
            "--file-to-dpi demande --ipp IPP (et --identite FICHIER.json sans serveur d'identités)."
        )
    policy = dpi_policy(ws)
    document_type(ws, args.task)  # a task that is not filed is said before drafting
    return patient_for(ws, args.ipp, args.identite, policy.ipp_oid)


def run_draft_command(args: argparse.Namespace) -> int:
    started = time.monotonic()
    ws = Workspace.open()
    require_rules(ws)
    open_session(ws, "cli")
    out = _output(args)
    patient = _patient(ws, args)
    prepared = prepare(
        ws, _request(args, ws), progress=lambda n, total: err(reading_page(n, total))
    )
    _notices(ws, prepared, out)
    limits = RunLimits(args.max_tokens, args.seed, args.keep_writing)
    result, terminal = _generate(ws, prepared, limits)
    if result.served.notice:
        err(result.served.notice)
    final = result.prepared
    expected = example(final.task, args.example).facts if args.example is not None else ()
    findings = review(
        final.task,
        final.source,
        result.body,
        final.values,
        result.finish_reason,
        expected,
        by_parts=result.parts > 0,
        context=ws.settings.hospital_details(),
        doubtful=final.to_check,
    )
    for line in describe(findings, result.body):
        err(line)
    if args.report:
        write_report(Path(args.report).expanduser(), result, findings, terminal.load_seconds)
    if out is not None:
        revisions = final.source if args.with_revisions else None
        export_draft(
            ws,
            ExportRequest(final.task.ref, final.values, result.body, result.served, revisions),
            out,
        )
        err(f"Document enregistré : {out}")
    status = 0
    if patient is not None:
        request = ExportRequest(final.task.ref, final.values, result.body, result.served)
        filed = file_document(ws, draft_filing(ws, request, patient, Stay(args.sejour, args.uf)))
        err(filed.message)
        status = EXIT_CODES[filed.status]
    content = DraftContent(dict(final.values), final.source, result.raw, result.body)
    try:
        remember(ws, final.task, content, EXPORTED if out else KEPT)
    except HospiDeskError as exc:
        err(f"Brouillon non conservé dans l'historique : {exc.message}")
    try:
        record_use(
            ws,
            final.task,
            result.served.model,
            "exporté" if out else "affiché",
            time.monotonic() - started,
            result.body,
            result.body,
            args.helped,
            args.minutes_saved,
            len(findings.omitted) if out else None,
            example=args.example is not None,
            repair=None if result.repair is None else result.repair.succeeded,
        )
    except HospiDeskError as exc:
        err(f"Mesure d'usage non enregistrée : {exc.message}")
    return status
