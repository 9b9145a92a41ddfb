"""The frozen application's entry point: the same `hospidesk` command as the Python one.

The frozen executable is also the engine worker (`hospidesk --engine-worker`), so the
installed application needs no Python interpreter.
"""

import sys

from hospidesk.cli import main

if __name__ == "__main__":
    sys.exit(main())
