"""The code generator: spec/ -> generated/sogenactif/, the reference docs and the spec diff.

A repository tool, never shipped. It reads the dictionary's formats and the exported errors from
the hand-written core (``runtime/sogenactif_core``), which it therefore imports: from a checkout
where the core is not installed, ``runtime/`` is put on the import path.
"""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path

if importlib.util.find_spec("sogenactif_core") is None:  # pragma: no cover - set by dev.py / pytest
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "runtime"))
