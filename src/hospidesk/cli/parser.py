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
    from hospidesk.dpi.context import valid_ipp
    from hospidesk.dpi.identity import Stay
    from hospidesk.ui.app import run  # Qt loads only for the window

    if args.ipp is None:
        return run()
    return run(context=(valid_ipp(args.ipp), Stay(args.sejour, args.uf)))


def build_parser() -> argparse.ArgumentParser:
    parser = Parser(prog=PROG, description="HospiDesk — copilote de rédaction 100 % local.")
    parser.add_argument("--version", action="version", version=f"HospiDesk {__version__}")
    parser.add_argument("--ipp", help="ouvrir la fenêtre sur ce patient (appel contextuel du DPI)")
    parser.add_argument("--sejour", default="", help="avec ce séjour (NDA)")
    parser.add_argument("--uf", default="", help="et cette unité fonctionnelle")
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
