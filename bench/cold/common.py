"""What both cold-process scripts share; imported by them before anything else is timed.

Only ``os``, ``sys`` and ``time`` (loaded at interpreter start-up anyway): the scripts must not
load anything one side would not need."""

import os
import sys
import time

PAGE = os.sysconf("SC_PAGE_SIZE")
HEAVY = ("zeep", "lxml", "requests", "pydantic", "urllib3", "httpx")


def rss() -> int:
    """The process's resident set size now, in bytes (Linux: /proc/self/statm)."""
    with open("/proc/self/statm", "rb") as f:
        return int(f.read().split()[1]) * PAGE


def peak() -> int:
    """The largest resident set size so far, in bytes (VmHWM)."""
    with open("/proc/self/status", "rb") as f:
        for line in f:
            if line.startswith(b"VmHWM:"):
                return int(line.split()[1]) * 1024
    return 0


def heavy_modules() -> list[str]:
    return sorted({m.split(".")[0] for m in sys.modules if m.split(".")[0] in HEAVY})


def report(start_rss: int, start: float, marks: dict[str, float]) -> None:
    """Print the run's figures as one JSON line (no garbage collection first: the memory figure
    is what the process holds as it goes on, and the wall time is not made longer)."""
    import json

    end = time.perf_counter()
    figures = {
        "rss_start": start_rss,
        "rss_end": rss(),
        "peak": peak(),
        "seconds": end - start,
        "marks": {k: v - start for k, v in marks.items()},
        "heavy": heavy_modules(),
    }
    sys.stdout.write(json.dumps(figures) + "\n")
