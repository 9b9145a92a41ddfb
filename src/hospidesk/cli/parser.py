"""The ``hospidesk`` command line: each group of commands registers its own arguments and
handler; no command means the window."""

from __future__ import annotations

import argparse

from hospidesk import __version__
from hospidesk.cli import (
    dictation,
    dpi,
    draft,
    governance,
    history,
    letterhead,
    models,
    packs,
    read,
    review,
    servers,
    tasks,
    workstation,
)
from hospidesk.cli.output import PROG, Parser


def open_window(args: argparse.Namespace) -> int:
    from hospidesk.ui.app import run  # Qt loads only for the window

    return run()


def build_parser() -> argparse.ArgumentParser:
    parser = Parser(prog=PROG, description="HospiDesk — copilote de rédaction 100 % local.")
    parser.add_argument("--version", action="version", version=f"HospiDesk {__version__}")
    parser.set_defaults(handler=open_window)
    sub = parser.add_subparsers(dest="command", metavar="COMMANDE", parser_class=Parser)
    for group in (
        draft,
        tasks,
        dictation,
        read,
        dpi,
        review,
        governance,
        models,
        packs,
        history,
        servers,
        letterhead,
        workstation,
    ):
        group.register(sub)
    return parser
