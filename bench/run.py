#!/usr/bin/env python3
"""The benchmarks of issue 16: each figure a ratio to an honest floor measured in the same run.

    python3 dev.py bench            # or: .venv/bin/python bench/run.py [--quick] [--only NAME …]

Prints one table: the client's figure, the baseline's, their ratio, the goal, OK or MISS (a line
marked "(floor)" or without a goal is printed for information). Exit status 1 when a goal is
missed. Method and the figures measured: docs/benchmarks.md.

The modules, by concern:

- ``measure.py``: rows, interleaved timings, fresh interpreters with bytecode, the table;
- ``server.py``: the canned keep-alive server, in its own process;
- ``samples.py``: what is sent and answered;
- ``floors.py``: the same exchange by hand with the bare libraries (urllib3, ``http.client``, a
  raw socket, httpx, requests; urllib3 + lxml and plain zeep for SOAP);
- ``calls.py``: a REST call, a SOAP call, 8 threads;
- ``async_calls.py``: 100 concurrent calls through one AsyncClient, REST and SOAP, vs a bare
  ``httpx.AsyncClient``;
- ``processes.py`` and ``cold/``: cold processes, memory, import, generation;
- ``cpu.py``: the seal, the request checks of a 1,000-item cart.
"""

from __future__ import annotations

import argparse
import os
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
for entry in (str(ROOT), str(ROOT / "runtime"), str(ROOT / "generated")):
    if entry not in sys.path:
        sys.path.insert(0, entry)

from bench import async_calls, calls, cpu, processes, samples  # noqa: E402
from bench.measure import Row, print_table  # noqa: E402
from bench.server import Server  # noqa: E402

FIGURES = ("rest", "soap", "cold", "cart", "seal", "concurrency", "async", "import", "generate")


def routes() -> dict[str, tuple[str, bytes]]:
    """The canned replies: a sealed cardOrder answer as JSON, and as a SOAP envelope with the
    fields in the XSD's order (what zeep needs to read it; the client reads any order)."""
    from sogenactif._dictionary import DICTIONARY

    reply = samples.sealed(samples.CARD_ORDER_RESPONSE)
    soap_reply = samples.in_xsd_order(reply, samples.xsd_order("checkout", "cardOrderOutput"))
    return {
        samples.REST_PATH: ("application/json;charset=UTF-8", samples.json_body(reply)),
        samples.SOAP_PATH: (
            "text/xml;charset=UTF-8",
            samples.soap_envelope(
                "cardOrderResponse", "output", soap_reply, dict(DICTIONARY.list_items)
            ),
        ),
    }


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="fewer repetitions (a smoke run)")
    parser.add_argument("--only", nargs="+", choices=FIGURES, default=list(FIGURES))
    args = parser.parse_args(argv)
    started = time.perf_counter()
    load_before = os.getloadavg()[0]
    rows: list[Row] = []
    only, quick = set(args.only), args.quick

    def progress(name: str) -> None:
        print(f"  … {name}", file=sys.stderr, flush=True)

    if only & {"rest", "soap", "cold", "concurrency", "async"}:
        with Server(routes()) as server:
            url = server.base_url
            if "cold" in only:
                progress("cold processes and memory")
                rows += processes.bench_cold(url, quick)
            if "rest" in only:
                progress("REST")
                rows += calls.bench_rest(url, quick)
            if "soap" in only:
                progress("SOAP")
                rows += calls.bench_soap(url, quick)
            if "concurrency" in only:
                progress("8 threads")
                rows.append(calls.bench_concurrency(url, quick))
            if "async" in only:
                progress("100 concurrent async calls")
                rows += async_calls.bench_async(url, quick)
    if "cart" in only:
        progress("1,000-item cart")
        rows += cpu.bench_cart(quick)
    if "seal" in only:
        progress("seal")
        rows.append(cpu.bench_seal(quick))
    if "import" in only:
        progress("import")
        rows.append(processes.bench_import(quick))
    if "generate" in only:
        progress("generate")
        rows.append(processes.bench_generate(quick))
    print_table(rows)
    print(
        f"\n{len(rows)} figures in {time.perf_counter() - started:.0f} s on {os.cpu_count()} "
        f"CPUs, Python {sys.version.split()[0]}. Ratios: client / baseline (throughput: client "
        "/ baseline calls per second); medians of interleaved measurements. Load average (1 min) "
        f"{load_before:.1f} before, {os.getloadavg()[0]:.1f} after: above the number of CPUs, "
        "other processes share the machine and the figures are noisier."
    )
    return 0 if all(r.ok is not False for r in rows) else 1


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
