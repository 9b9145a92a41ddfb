"""The ``hospidesk`` command: one face of the use cases in ``service/``, printing only.

``parser.py`` puts the command groups together; each group's module declares its arguments
and its handler (``set_defaults(handler=...)``).
"""

from __future__ import annotations

import sys
from collections.abc import Sequence

from hospidesk import __version__
from hospidesk.errors import HospiDeskError

PROG = "hospidesk"


def _link_options(link: str) -> list[str]:
    """A ``hospidesk://ouvrir?ipp=…`` link as the window's options (no name ever in it)."""
    from hospidesk.dpi.context import from_link

    context = from_link(link)
    return ["--ipp", context.ipp, "--sejour", context.stay.number, "--uf", context.stay.unit]


def _child(args_list: list[str]) -> int | None:
    """The self-contained build's child processes and ``--version``, before anything loads."""
    if args_list == ["--engine-worker"]:  # self-contained builds run the worker this way
        from hospidesk.engine.worker import main as worker_main

        return worker_main()
    if args_list == ["--speech-worker"]:  # and the speech worker this way
        from hospidesk.engine.speech_worker import main as speech_main

        return speech_main()
    if args_list == ["--read-document"]:  # and the document reader's child process this way
        from hospidesk.documents.reader_child import main as reader_main

        return reader_main()
    if args_list == ["--version"]:  # answered before the commands (and the service) load
        print(f"HospiDesk {__version__}")
        return 0
    return None


def main(argv: Sequence[str] | None = None) -> int:
    args_list = list(sys.argv[1:] if argv is None else argv)
    child = _child(args_list)
    if child is not None:
        return child
    for stream in (sys.stdout, sys.stderr):
        if hasattr(stream, "reconfigure"):
            stream.reconfigure(errors="replace")
    if args_list[:1] and args_list[0].startswith("hospidesk:"):  # the DPI's link (.desktop %u)
        try:
            args_list = _link_options(args_list[0]) + args_list[1:]
        except HospiDeskError as exc:
            print(f"{PROG}: {exc.message}", file=sys.stderr)
            return exc.exit_code
    # Imported here for start-up time: the commands import the service layer (~0.4 s).
    from hospidesk.cli.parser import build_parser

    args = build_parser().parse_args(args_list)
    try:
        result: int = args.handler(args)
        return result
    except HospiDeskError as exc:
        print(f"{PROG}: {exc.message}", file=sys.stderr)
        return exc.exit_code
    except KeyboardInterrupt:
        print(f"{PROG}: interrompu.", file=sys.stderr)
        return 130
    except BrokenPipeError:
        return 141
    except Exception as exc:
        from hospidesk.crash import report_crash

        where = report_crash(exc)
        print(
            f"{PROG}: erreur interne inattendue ({type(exc).__name__}). Détails : {where}",
            file=sys.stderr,
        )
        return 70
