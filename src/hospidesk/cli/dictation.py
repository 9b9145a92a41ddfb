"""``hospidesk transcribe``: an audio file to text on this workstation, printed as it comes;
the transcription behind ``hospidesk draft --audio``."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from hospidesk.cli.output import Commands, err
from hospidesk.engine.audio_files import check_audio_file
from hospidesk.engine.speech_client import Heard, Position
from hospidesk.errors import UsageError
from hospidesk.fsutil import atomic_write_text, check_writable_target
from hospidesk.packs.loader import Pack
from hospidesk.service.dictation import Dictation, Transcript, clock, speech_model
from hospidesk.service.workspace import Workspace


def register(sub: Commands) -> None:
    command = sub.add_parser(
        "transcribe", help="transcrire une dictée (fichier audio) sur ce poste"
    )
    command.add_argument("audio", metavar="AUDIO", help=".wav, .mp3, .m4a, .ogg, .opus ou .flac")
    command.add_argument("--model", metavar="ID", help="modèle de dictée du catalogue")
    command.add_argument(
        "--language", metavar="CODE", help="langue (fr par défaut, réglage dictee.langue)"
    )
    command.add_argument("--out", metavar="FICHIER.txt")
    command.set_defaults(handler=transcribe_command)


def transcribe_audio(
    ws: Workspace,
    audio: Path,
    model: str | None = None,
    pack: Pack | None = None,
    language: str | None = None,
    echo: bool = True,
) -> Transcript:
    """Each segment on stdout as it is heard (``echo``); the position on stderr in a
    terminal; Ctrl+C stops and keeps what was heard."""
    dictation = Dictation(ws)
    shows = sys.stderr.isatty()

    def heard(segment: Heard) -> None:
        if echo:
            print(segment.text, flush=True)

    def position(at: Position) -> None:
        if shows:
            total = f" / {clock(at.duration)}" if at.duration else ""
            sys.stderr.write(f"\rTranscription : {clock(at.seconds)}{total}")
            sys.stderr.flush()

    speech_model(ws, model)  # allowed on this workstation, and there
    check_audio_file(audio)
    err(f"Transcription de « {audio.name} » sur ce poste (l'audio ne quitte pas la machine).")
    # Ctrl+C stops the worker; the transcript so far comes back marked as stopped
    transcript = dictation.transcribe(audio, model, pack, language, heard, position)
    if shows:
        sys.stderr.write("\n")
    if transcript.cancelled:
        err("Transcription arrêtée : le texte entendu jusque-là est gardé.")
    speed = transcript.seconds / transcript.duration if transcript.duration else 0.0
    err(
        f"Transcrit : {clock(transcript.duration)} d'audio en {transcript.seconds:.1f} s "
        f"({speed:.2f} × la durée), modèle {transcript.model.id}."
    )
    if not transcript.text.strip():
        raise UsageError(f"Aucune parole reconnue dans « {audio.name} ».")
    return transcript


def transcribe_command(args: argparse.Namespace) -> int:
    out = Path(args.out).expanduser() if args.out else None
    if out is not None:
        check_writable_target(out)
    ws = Workspace.open()
    transcript = transcribe_audio(
        ws, Path(args.audio).expanduser(), args.model, None, args.language
    )
    if out is not None:
        atomic_write_text(out, transcript.text + "\n", mode=0o600)
        err(f"Transcription écrite : {out}")
    return 130 if transcript.cancelled else 0
