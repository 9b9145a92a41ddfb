"""What every command uses to talk to the user: messages on stderr, secrets typed once."""

from __future__ import annotations

import argparse
import getpass
import sys
from typing import NoReturn, TypeAlias

PROG = "hospidesk"


def err(message: str) -> None:
    """A message for the user (stdout holds the command's own output)."""
    print(message, file=sys.stderr, flush=True)


def read_secret(prompt: str) -> str:
    """From the terminal without echo, or one line of standard input (scripts, tests)."""
    text = getpass.getpass(prompt) if sys.stdin.isatty() else sys.stdin.readline()
    return text.rstrip("\n")


class Parser(argparse.ArgumentParser):
    """argparse, with the way to get help in the error line."""

    def error(self, message: str) -> NoReturn:
        self.exit(2, f"{self.prog}: {message} (aide : {PROG} --help)\n")


Commands: TypeAlias = "argparse._SubParsersAction[Parser]"  # what add_subparsers returns


def actions(parser: argparse.ArgumentParser) -> Commands:
    """A group's required sub-commands (``hospidesk models list``…)."""
    return parser.add_subparsers(
        dest="action", metavar="ACTION", required=True, parser_class=Parser
    )
