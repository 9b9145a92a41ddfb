"""The Jinja environment that fills Word templates and letterheads: Jinja's immutable sandbox
(no file, no attribute of Python's internals), and bounds on what a tag can cost.

A template is a file of the pack's author or of IT's letterhead, rendered on the user's
workstation: ``{{ 9**(9**9) }}`` would compute for hours, ``{{ "x" * 10**10 }}`` fill the
memory, two nested loops over ``range(100000)`` run ten billion times. So numbers stay small
(powers, products), strings and repeated lists stay under MAX_TEXT, widths in formats and
filters under MAX_WIDTH, what a template writes under MAX_OUTPUT, and the whole rendering
under DEADLINE_SECONDS (a trace on the thread that renders stops a loop that goes on).
"""

from __future__ import annotations

import math
import re
import sys
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from types import FrameType
from typing import Any

from jinja2.exceptions import SecurityError
from jinja2.runtime import Context
from jinja2.sandbox import ImmutableSandboxedEnvironment

MAX_DIGITS = 100
MAX_TEXT = 1_000_000
MAX_WIDTH = 1000
MAX_OUTPUT = 5_000_000
DEADLINE_SECONDS = 3.0
_WIDTH = re.compile(r"%[-+ #0]*(\d+)|\{[^{}]*?:[^{}]*?(\d{4,})")
_SIZED = (str, bytes, list, tuple)


class TemplateLimit(SecurityError):
    """A tag asked for more than a document needs (a number, a text, a loop too long)."""


def _digits(value: Any) -> float:
    if isinstance(value, bool) or not isinstance(value, int | float):
        return 0.0
    return math.log10(abs(value)) + 1 if value else 1.0


class BoundedSandbox(ImmutableSandboxedEnvironment):
    intercepted_binops = frozenset({"**", "*", "%", "//", "+"})

    def __init__(self) -> None:
        super().__init__(autoescape=True, finalize=self._counted)
        self.written = 0
        for name in ("center", "indent", "wordwrap", "format", "truncate"):
            self.filters[name] = _wide(self.filters[name], name)

    def _counted(self, value: Any) -> Any:
        """Every value a tag writes, added up."""
        self.written += len(str(value)) if value is not None else 0
        if self.written > MAX_OUTPUT:
            raise TemplateLimit("le modèle écrit un texte démesuré")
        return value

    def call_binop(self, context: Context, operator: str, left: Any, right: Any) -> Any:
        if operator == "**" and _digits(left) * max(float(right) if _digits(right) else 0, 1) > (
            MAX_DIGITS
        ):
            raise TemplateLimit("un calcul produit un nombre démesuré")
        if operator == "*":
            for sized, count in ((left, right), (right, left)):
                if _repeats(sized, count) > MAX_TEXT:
                    raise TemplateLimit("une répétition produit un texte démesuré")
            if _digits(left) + _digits(right) > MAX_DIGITS:
                raise TemplateLimit("un calcul produit un nombre démesuré")
        if operator == "%" and isinstance(left, str) and _too_wide(left):
            raise TemplateLimit("un format demande une largeur démesurée")
        if operator == "+" and _repeats(left, 1) + _repeats(right, 1) > MAX_TEXT:
            raise TemplateLimit("un assemblage produit un texte démesuré")
        return super().call_binop(context, operator, left, right)

    def call(__self, __context: Context, __obj: Any, *args: Any, **kwargs: Any) -> Any:
        """A text's widening methods (``"a".center(10**9)``) with bounded widths."""
        owner = getattr(__obj, "__self__", None)
        widening = isinstance(owner, str) and getattr(__obj, "__name__", "") in _WIDENING
        if widening and _wider(str(owner), args):
            raise TemplateLimit("un format demande une largeur démesurée")
        return super().call(__context, __obj, *args, **kwargs)

    def wrap_str_format(self, value: Any) -> Callable[..., str] | None:
        """``"{:99999999}".format(…)``: Jinja's sandbox wraps it when it is read."""
        owner = getattr(value, "__self__", None)
        if isinstance(owner, str) and _too_wide(owner):
            raise TemplateLimit("un format demande une largeur démesurée")
        wrapped: Callable[..., str] | None = super().wrap_str_format(value)
        return wrapped


_WIDENING = frozenset({"format", "format_map", "center", "ljust", "rjust", "zfill", "expandtabs"})


def _repeats(sized: Any, count: Any) -> int:
    """The length of ``sized`` repeated ``count`` times (0 when it is not a text or a list)."""
    if isinstance(sized, _SIZED) and isinstance(count, int) and not isinstance(count, bool):
        return len(sized) * count
    return 0


def _wider(text: str, args: tuple[Any, ...]) -> bool:
    return any(isinstance(a, int) and a > MAX_WIDTH for a in args) or _too_wide(text)


def _too_wide(text: str) -> bool:
    return any(int(a or b) > MAX_WIDTH for a, b in _WIDTH.findall(text))


def _wide(filter_: Callable[..., Any], name: str) -> Callable[..., Any]:
    """A filter whose width arguments are bounded (``center(10**9)``)."""

    def bounded(*args: Any, **kwargs: Any) -> Any:
        numbers = [a for a in (*args[1:], *kwargs.values()) if isinstance(a, int)]
        if any(n > MAX_WIDTH for n in numbers) or (
            name == "format" and args and isinstance(args[0], str) and _too_wide(args[0])
        ):
            raise TemplateLimit("un filtre demande une largeur démesurée")
        return filter_(*args, **kwargs)

    for attribute in ("jinja_pass_arg",):  # keep how Jinja calls the filter
        if hasattr(filter_, attribute):
            setattr(bounded, attribute, getattr(filter_, attribute))
    return bounded


@contextmanager
def deadline(seconds: float = DEADLINE_SECONDS) -> Iterator[None]:
    """Stop the rendering done in this block on this thread after ``seconds`` (a trace on
    every line of Jinja's compiled template raises TemplateLimit past the deadline)."""
    end = time.monotonic() + seconds
    previous = sys.gettrace()

    def trace(frame: FrameType, event: str, arg: Any) -> Any:
        if time.monotonic() > end:
            raise TemplateLimit(f"le modèle met plus de {seconds:.0f} secondes à se remplir")
        return trace if frame.f_code.co_filename == "<template>" else None

    sys.settrace(trace)
    try:
        yield
    finally:
        sys.settrace(previous)
