#!/usr/bin/env python3
"""The project's one entry point: sets up .venv from requirements-dev.txt, then runs a task.

    python3 dev.py demo      # the demo: a payment's whole life on the built-in simulator
    python3 dev.py test      # the whole test suite (what CI runs)
    python3 dev.py check     # generated/ is exactly what spec/ and generator/ produce
    python3 dev.py generate  # regenerate generated/ (pass --interface-version 2.53 …)
    python3 dev.py lint | type | bench | docs

Only Python 3.11+ is needed on the machine: everything else is installed into .venv, once, and
again whenever requirements-dev.txt changes.
"""

from __future__ import annotations

import hashlib
import os
import subprocess
import sys
import venv
from pathlib import Path

ROOT = Path(__file__).resolve().parent
VENV = ROOT / ".venv"
REQUIREMENTS = ROOT / "requirements-dev.txt"
STAMP = VENV / ".requirements.sha256"
PY = VENV / ("Scripts/python.exe" if os.name == "nt" else "bin/python")

TASKS: dict[str, list[list[str]]] = {
    "demo": [["-m", "generator", "check"], ["examples/demo.py"]],
    "test": [["-m", "pytest", "-q"]],
    "check": [["-m", "generator", "check"]],
    "generate": [["-m", "generator", "docs"], ["-m", "generator", "generate"]],
    "docs": [["-m", "generator", "docs"]],
    "lint": [
        ["-m", "ruff", "check", "runtime", "generator", "tests", "bench", "examples", "dev.py"],
        ["-m", "ruff", "format", "--check", "runtime"],
    ],
    "type": [["-m", "mypy", "--strict", "runtime/sogenactif_core", "generated/sogenactif"]],
    "bench": [["bench/run.py"]],
}


def ensure_venv() -> None:
    if sys.version_info < (3, 11):  # noqa: UP036 - dev.py may be run by an older python3
        sys.exit(f"Python 3.11 or newer is needed (this is {sys.version.split()[0]}).")
    digest = hashlib.sha256(REQUIREMENTS.read_bytes()).hexdigest()
    if PY.exists() and STAMP.exists() and STAMP.read_text().strip() == digest:
        return
    print(f"setting up {VENV.name}/ from {REQUIREMENTS.name} (once) …", flush=True)
    if not PY.exists():
        venv.EnvBuilder(with_pip=True, clear=True).create(VENV)
    pip = [str(PY), "-m", "pip", "install", "--disable-pip-version-check", "-q"]
    subprocess.run([*pip, "-r", str(REQUIREMENTS)], check=True, cwd=ROOT)
    STAMP.write_text(digest + "\n")


def main(argv: list[str]) -> int:
    if not argv or argv[0] not in TASKS:
        print(__doc__)
        return 2
    ensure_venv()
    task, extra = argv[0], argv[1:]
    path = [str(ROOT / "generated"), str(ROOT / "runtime"), str(ROOT)]
    env = {**os.environ, "PYTHONPATH": os.pathsep.join(path)}
    steps = TASKS[task]
    for i, step in enumerate(steps):
        args = [str(PY), *step, *(extra if i == len(steps) - 1 else [])]
        code = subprocess.run(args, cwd=ROOT, env=env, check=False).returncode
        if code != 0:
            return code  # pytest's 5 ("no tests ran") is a failure too
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
