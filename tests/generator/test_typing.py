"""Static types as strict as the run-time checks: mypy --strict and pyright accept every call of
tests/typing/good.py and report every line of tests/typing/bad.py marked ``# error`` (required
keywords missing, values outside a list, misspelt keywords, wrong types, another function's
model, an async call not awaited), and nothing else."""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from tests.support import PACKAGE_PATH, ROOT

TYPING = ROOT / "tests" / "typing"
ENV = {**os.environ, "PYTHONPATH": PACKAGE_PATH, "MYPYPATH": PACKAGE_PATH}


def marked_lines(path: Path) -> set[int]:
    return {
        number
        for number, line in enumerate(path.read_text().splitlines(), start=1)
        if re.search(r"#\s*error\b", line)
    }


def mypy_error_lines(path: Path) -> set[int]:
    result = subprocess.run(
        [sys.executable, "-m", "mypy", "--strict", "--no-incremental", str(path)],
        cwd=ROOT,
        env=ENV,
        capture_output=True,
        text=True,
    )
    name = re.escape(path.name)
    return {int(m.group(1)) for m in re.finditer(rf"{name}:(\d+): error:", result.stdout)}


def pyright_error_lines(path: Path) -> set[int]:
    pyright = shutil.which("pyright", path=str(Path(sys.executable).parent))
    assert pyright is not None, "pyright is in requirements-dev.txt"
    config = {"pythonVersion": "3.11", "extraPaths": PACKAGE_PATH.split(os.pathsep)}
    config_file = path.parent / "pyrightconfig.json"
    config_file.write_text(json.dumps(config))
    try:
        result = subprocess.run(
            [pyright, "--outputjson", "-p", str(config_file), str(path)],
            cwd=ROOT,
            env=ENV,
            capture_output=True,
            text=True,
        )
    finally:
        config_file.unlink()
    report = json.loads(result.stdout)
    return {
        d["range"]["start"]["line"] + 1
        for d in report["generalDiagnostics"]
        if d["severity"] == "error"
    }


@pytest.mark.slow
@pytest.mark.parametrize(
    "checker", [mypy_error_lines, pyright_error_lines], ids=["mypy", "pyright"]
)
def test_correct_calls_type_check(checker: object) -> None:
    assert checker(TYPING / "good.py") == set()  # type: ignore[operator]


@pytest.mark.slow
@pytest.mark.parametrize(
    "checker", [mypy_error_lines, pyright_error_lines], ids=["mypy", "pyright"]
)
def test_every_deliberate_mistake_is_reported(checker: object) -> None:
    bad = TYPING / "bad.py"
    expected = marked_lines(bad)
    assert len(expected) >= 12
    assert checker(bad) == expected  # type: ignore[operator]
