import sys

from hospidesk.cli import main

sys.exit(main())
