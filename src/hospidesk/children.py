"""How HospiDesk starts its own child processes (the engine, the speech worker, the document
reader): its own Python in isolated mode, and an environment without the variables that load
code into a process.

The parent already checked the model file and holds it open; the child maps what it is given.
A variable such as ``PYTHONPATH`` or ``LD_PRELOAD`` set in the user's environment would run the
user's code inside the child instead, and with it decide what is mapped: so the child gets
neither (docs/security.md, « The environment »).
"""

from __future__ import annotations

import os
import sys
from collections.abc import Mapping

CODE_LOADING = (
    "PYTHONPATH",
    "PYTHONHOME",
    "PYTHONSTARTUP",
    "PYTHONUSERBASE",
    "PYTHONEXECUTABLE",
    "PYTHONINSPECT",
    "PYTHONBREAKPOINT",
    "PYTHONPLATLIBDIR",
    "LD_PRELOAD",
    "LD_LIBRARY_PATH",
    "LD_AUDIT",
    "GCONV_PATH",
    "DYLD_INSERT_LIBRARIES",
    "DYLD_LIBRARY_PATH",
    "DYLD_FRAMEWORK_PATH",
    "DYLD_FALLBACK_LIBRARY_PATH",
)
"""Variables that make a process load code from elsewhere (Python's and the dynamic loader's)."""


def child_env(extra: Mapping[str, str] | None = None) -> dict[str, str]:
    """The environment for a child of HospiDesk: the parent's, less ``CODE_LOADING`` (and any
    other ``LD_*`` or ``DYLD_*`` variable), plus ``extra``."""
    env = {
        key: value
        for key, value in os.environ.items()
        if key not in CODE_LOADING and not key.startswith(("LD_", "DYLD_"))
    }
    env["PYTHONUNBUFFERED"] = "1"
    env.update(extra or {})
    return env


def python_child(module: str, frozen_flag: str) -> list[str]:
    """The command that runs ``module`` in a child: this Python in isolated mode (``-I``: no
    ``PYTHON*`` variable, no user site folder, not the current folder on its path), or the
    self-contained build itself with ``frozen_flag``."""
    if getattr(sys, "frozen", False):
        return [sys.executable, frozen_flag]
    return [sys.executable, "-I", "-m", module]
