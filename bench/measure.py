"""How the benchmarks measure and print: rows, interleaved timings, fresh interpreters.

- Both sides of a ratio are measured in the same run, interleaved (call by call, or round by
  round), so that a slow moment of the shared machine falls on both sides; the figure is a
  median, which ignores the outliers (GC, other processes).
- Cold-process figures run each side in a fresh interpreter, many times, alternating sides; every
  module runs from bytecode (see :class:`Interpreters`).
"""

from __future__ import annotations

import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent


@dataclass
class Row:
    """One line of the table: the client's figure, its baseline's, their ratio and the goal.

    ``ok`` is None for a line printed for information (a floor, or a figure without a goal)."""

    name: str
    client: str
    baseline: str
    ratio: float
    goal: str
    ok: bool | None
    note: str = ""


def us(seconds: float) -> str:
    return f"{seconds * 1e6:,.1f} µs"


def ms(seconds: float) -> str:
    return f"{seconds * 1e3:,.1f} ms"


def mib(size: float) -> str:
    return f"{size / 2**20:,.1f} MiB"


def per_call(fn: Callable[[], Any], number: int) -> float:
    """Seconds per call of ``fn`` over ``number`` calls."""
    start = time.perf_counter()
    for _ in range(number):
        fn()
    return (time.perf_counter() - start) / number


def paired(
    client: Callable[[], Any],
    baseline: Callable[[], Any],
    number: int,
    rounds: int,
    warmup: int,
) -> tuple[float, float, float]:
    """(median client s/call, median baseline s/call, median of per-round ratios): batches of
    ``number`` calls, the two sides alternating round by round (and which goes first)."""
    for _ in range(warmup):
        client()
        baseline()
    c_times: list[float] = []
    b_times: list[float] = []
    ratios: list[float] = []
    for i in range(rounds):
        if i % 2:
            c = per_call(client, number)
            b = per_call(baseline, number)
        else:
            b = per_call(baseline, number)
            c = per_call(client, number)
        c_times.append(c)
        b_times.append(b)
        ratios.append(c / b)
    return statistics.median(c_times), statistics.median(b_times), statistics.median(ratios)


def round_robin(sides: dict[str, Callable[[], Any]], calls: int, warmup: int) -> dict[str, float]:
    """Median seconds per call of each side. Every side makes one call per turn, each call timed
    on its own, and the order of the sides rotates from turn to turn, so that none always
    follows another and a slow moment of the machine falls on every side alike."""
    clock = time.perf_counter
    names = list(sides)
    fns = [sides[n] for n in names]
    for _ in range(warmup):
        for fn in fns:
            fn()
    times: list[list[float]] = [[] for _ in names]
    count = len(fns)
    for turn in range(calls):
        for k in range(count):
            i = (turn + k) % count
            fn = fns[i]
            t0 = clock()
            fn()
            times[i].append(clock() - t0)
    return {name: statistics.median(t) for name, t in zip(names, times, strict=True)}


# --------------------------------------------------------------------------- fresh interpreters


@dataclass
class Run:
    """One run of a script in a fresh interpreter."""

    wall: float  # seconds from spawning the interpreter to its exit, seen by the parent
    report: dict[str, Any]  # what the script printed (a JSON object on its last line)


class Interpreters:
    """Runs scripts in fresh interpreters, every module from bytecode.

    An installed package has its bytecode, and so do the libraries of the baselines (pip writes
    it); this environment may set ``PYTHONDONTWRITEBYTECODE`` and ``generated/`` carries no
    ``__pycache__``. So every run uses one temporary ``PYTHONPYCACHEPREFIX``, for every module
    (ours, the libraries', the standard library's) on both sides, and :meth:`warm` runs each
    script once first to write it: then every timed run reads bytecode, as an installed client
    would."""

    def __init__(self, extra_path: Sequence[str] = ()) -> None:
        self.tmp = tempfile.mkdtemp(prefix="sogenactif-bench-")
        path = [str(ROOT / "generated"), str(ROOT / "runtime"), str(ROOT), *extra_path]
        self.env = {
            **{k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"},
            "PYTHONPATH": os.pathsep.join(path),
            "PYTHONPYCACHEPREFIX": os.path.join(self.tmp, "pycache"),
        }

    def run(self, args: Sequence[str]) -> Run:
        start = time.perf_counter()
        result = subprocess.run(
            [sys.executable, *args],
            capture_output=True,
            text=True,
            env=self.env,
            cwd=ROOT,
            check=False,
        )
        wall = time.perf_counter() - start
        if result.returncode != 0:
            raise RuntimeError(
                f"{' '.join(args)} failed ({result.returncode}):\n{result.stderr[-3000:]}"
            )
        lines = result.stdout.strip().splitlines()
        report = json.loads(lines[-1]) if lines else {}
        return Run(wall, report)

    def warm(self, *scripts: Sequence[str]) -> None:
        for args in scripts:
            self.run(args)

    def alternate(self, sides: dict[str, Sequence[str]], rounds: int) -> dict[str, list[Run]]:
        """``rounds`` runs of every side, the order of the sides rotating from round to round."""
        names = list(sides)
        runs: dict[str, list[Run]] = {name: [] for name in names}
        for r in range(rounds):
            for k in range(len(names)):
                name = names[(r + k) % len(names)]
                runs[name].append(self.run(sides[name]))
        return runs

    def close(self) -> None:
        shutil.rmtree(self.tmp, ignore_errors=True)

    def __enter__(self) -> Interpreters:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


def median_of(runs: list[Run], key: Callable[[Run], float]) -> float:
    return statistics.median(key(run) for run in runs)


# --------------------------------------------------------------------------- printing


def verdict(ok: bool | None) -> str:
    return "" if ok is None else "OK" if ok else "MISS"


def print_table(rows: list[Row]) -> None:
    header = ("figure", "client", "baseline", "ratio", "goal", "")
    table = [header] + [
        (r.name, r.client, r.baseline, f"{r.ratio:.2f}×", r.goal, verdict(r.ok)) for r in rows
    ]
    widths = [max(len(line[i]) for line in table) for i in range(len(header))]
    print()
    for i, line in enumerate(table):
        print("  ".join(cell.ljust(w) for cell, w in zip(line, widths, strict=True)).rstrip())
        if i == 0:
            print("  ".join("-" * w for w in widths))
    notes = [f"  {r.name}: {r.note}" for r in rows if r.note]
    if notes:
        print("\nnotes:")
        print("\n".join(notes))
