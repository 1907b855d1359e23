"""``python -m generator.diff [OLD [NEW]] [options]``: the same as ``python -m generator diff``."""

import sys

from .cli import main

raise SystemExit(main(sys.argv[1:]))
