#!/usr/bin/env python3
"""The benchmarks of issue 7: each figure as a ratio to a baseline measured in the same run.

    python3 dev.py bench            # or: .venv/bin/python bench/run.py [--quick] [--only NAME …]

Prints one table: the client's figure, the baseline's, their ratio, the goal, OK or MISS. Method
and the figures measured on the reference machine: docs/benchmarks.md.

- Both sides of a ratio are measured in alternating rounds (A B A B …) and the ratio is the
  median of the per-round ratios, so a slow patch of a noisy machine hits both sides alike.
- The HTTP server is bench/server.py, in its own process (off the client's GIL): canned, sealed
  replies, keep-alive; its cost is in both sides of each ratio.
- Baselines are the cheapest honest way to do the same exchange by hand with the same libraries:
  a ``requests.Session`` with ``trust_env = False`` (no proxy or netrc look-ups on every call, as
  the client's own session) and the same timeouts, posting bytes built beforehand.
"""

from __future__ import annotations

import argparse
import hmac
import os
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
for entry in (str(ROOT), str(ROOT / "generated")):
    if entry not in sys.path:
        sys.path.insert(0, entry)

from bench import samples  # noqa: E402
from bench.server import Server  # noqa: E402

TIMEOUT = (10.0, 30.0)  # what the client is given (connect, read); the baselines use the same


@dataclass
class Row:
    name: str
    client: str
    baseline: str
    ratio: float
    goal: str
    ok: bool | None  # None: a figure for information, with no goal
    note: str = ""


# --------------------------------------------------------------------------- measuring


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
    """(median client s/call, median baseline s/call, median of per-round ratios)."""
    for _ in range(warmup):
        client()
        baseline()
    c_times: list[float] = []
    b_times: list[float] = []
    ratios: list[float] = []
    for i in range(rounds):
        # Alternate which side goes first, so neither always follows the other.
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


def interleaved(
    client: Callable[[], Any], baseline: Callable[[], Any], calls: int, warmup: int
) -> tuple[float, float, float]:
    """(median client s/call, median baseline s/call, their ratio), each call timed on its own,
    client and baseline alternating call by call (in both orders), so that a slow moment of a
    shared machine falls on both sides and the medians ignore it."""
    clock = time.perf_counter
    for _ in range(warmup):
        client()
        baseline()
    c_times: list[float] = []
    b_times: list[float] = []
    for i in range(calls):
        if i & 1:
            t0 = clock()
            client()
            t1 = clock()
            baseline()
            t2 = clock()
            c_times.append(t1 - t0)
            b_times.append(t2 - t1)
        else:
            t0 = clock()
            baseline()
            t1 = clock()
            client()
            t2 = clock()
            b_times.append(t1 - t0)
            c_times.append(t2 - t1)
    c, b = statistics.median(c_times), statistics.median(b_times)
    return c, b, c / b


def us(seconds: float) -> str:
    return f"{seconds * 1e6:,.1f} µs"


def ms(seconds: float) -> str:
    return f"{seconds * 1e3:,.1f} ms"


def new_baseline_session(pool: int = 16) -> Any:
    import requests
    from requests.adapters import HTTPAdapter

    session = requests.Session()
    session.trust_env = False
    adapter = HTTPAdapter(pool_connections=4, pool_maxsize=pool, max_retries=0)
    session.mount("http://", adapter)
    return session


def new_client(base_url: str, protocol: str) -> Any:
    import sogenactif

    return sogenactif.Client(
        merchant_id=samples.MERCHANT_ID,
        secret_key=samples.SECRET_KEY,
        key_version=samples.KEY_VERSION,
        environment=base_url,
        protocol=protocol,  # type: ignore[arg-type]
        timeout=TIMEOUT,
    )


def wire_call(client: Any) -> Any:
    """The sealed call the client sends for the benchmark's cardOrder (to prebuild the baseline's
    bytes: exactly the same request)."""
    from sogenactif.services.checkout import CARD_ORDER

    return client._build(CARD_ORDER, None, samples.CARD_ORDER_KEYWORDS, {})


def card_order(client: Any) -> Any:
    return client.checkout.card_order(**samples.CARD_ORDER_KEYWORDS)


# --------------------------------------------------------------------------- the figures


def _overhead(client: float, baseline: float) -> str:
    if client >= baseline:
        return f"client overhead {us(client - baseline)} per call"
    return (
        f"the client is {us(baseline - client)} per call faster than the baseline: its own work "
        "(checks, seal, models) costs less than what its exchange saves over Session.post "
        "(docs/benchmarks.md)"
    )


def bench_seal(quick: bool) -> Row:
    from sogenactif.seal import compute_seal, seal_string

    fields = samples.GUIDE_SAMPLE
    key = samples.SECRET_KEY
    key_bytes = key.encode("utf-8")
    joined = seal_string(fields)

    def client() -> str:
        return compute_seal(fields, key, "HMAC-SHA-256")

    def baseline() -> str:
        return hmac.digest(key_bytes, joined.encode("utf-8"), "sha256").hex()

    assert client() == baseline()
    number = 2000 if quick else 10000
    c, b, ratio = paired(client, baseline, number, rounds=9, warmup=2000)
    return Row(
        "seal: compute_seal(guide cardOrder + cart)",
        us(c),
        us(b) + " hmac.digest of joined str",
        ratio,
        "≤ 3×",
        ratio <= 3.0,
        f"{len(joined)}-character seal string",
    )


def bench_rest(base_url: str, quick: bool) -> Row:
    client = new_client(base_url, "rest")
    call = wire_call(client)
    body = samples.json_body(call.fields)
    headers = {"Content-Type": "application/json", "Accept": "application/json"}
    url = base_url + samples.REST_PATH
    session = new_baseline_session()

    def baseline() -> bytes:
        return session.post(url, data=body, headers=headers, timeout=TIMEOUT).content

    resp = card_order(client)
    assert resp.response_code == "00" and resp.sealed
    calls = 600 if quick else 3000
    c, b, ratio = interleaved(lambda: card_order(client), baseline, calls, warmup=200)
    # For reference: a default requests.Session() (trust_env=True) reads the environment for
    # proxies and netrc on every call; against it the client looks better than it is.
    import requests

    default = requests.Session()

    def default_post() -> bytes:
        return default.post(url, data=body, headers=headers, timeout=TIMEOUT).content

    d, b2, _ = interleaved(default_post, baseline, 400 if quick else 1000, warmup=100)
    # And the other way: urllib3's pool driven by hand (what the client's own exchange uses, see
    # _http.py), the body read as the client reads it.
    import urllib3

    pool = urllib3.HTTPConnectionPool(*base_url.removeprefix("http://").split(":"), maxsize=1)
    pool_headers = {**headers, "Content-Length": str(len(body))}
    pool_timeout = urllib3.Timeout(connect=TIMEOUT[0], read=TIMEOUT[1])

    def pool_post() -> bytes:
        reply = pool.urlopen(
            "POST",
            samples.REST_PATH,
            body=body,
            headers=pool_headers,
            redirect=False,
            retries=False,
            timeout=pool_timeout,
            preload_content=False,
        )
        data = b"".join(reply.stream(65536))
        reply.release_conn()
        return data

    u, b3, _ = interleaved(pool_post, baseline, 400 if quick else 1000, warmup=100)
    client.close()
    session.close()
    default.close()
    pool.close()
    return Row(
        "REST call: checkout.card_order",
        us(c),
        us(b) + " Session.post",
        ratio,
        "≤ 1.15×",
        ratio <= 1.15,
        f"{_overhead(c, b)}. For reference: a default requests.Session() (trust_env=True) "
        f"takes {d / b2:.2f}× the baseline's time (against it the client's ratio would be about "
        f"{ratio * b2 / d:.2f}×); urllib3's pool driven by hand takes {u / b3:.2f}× (against it, "
        f"about {ratio * b3 / u:.2f}×)",
    )


def bench_soap(base_url: str, quick: bool) -> Row:
    from lxml import etree

    client = new_client(base_url, "soap")
    resp = card_order(client)  # loads the WSDL (once per process), outside the timings
    assert resp.response_code == "00" and resp.sealed
    body = client.transport.codec.encode(wire_call(client))
    headers = {"Content-Type": "text/xml; charset=utf-8", "SOAPAction": '""'}
    url = base_url + samples.SOAP_PATH
    session = new_baseline_session()
    parser = etree.XMLParser(resolve_entities=False, no_network=True)

    def baseline() -> Any:
        reply = session.post(url, data=body, headers=headers, timeout=TIMEOUT)
        return etree.fromstring(reply.content, parser)

    calls = 600 if quick else 3000
    c, b, ratio = interleaved(lambda: card_order(client), baseline, calls, warmup=200)
    client.close()
    session.close()
    return Row(
        "SOAP call: checkout.card_order",
        us(c),
        us(b) + " Session.post + lxml parse",
        ratio,
        "≤ 1.5×",
        ratio <= 1.5,
        _overhead(c, b),
    )


def bench_concurrency(base_url: str, quick: bool, threads: int = 8) -> Row:
    client = new_client(base_url, "rest")
    call = wire_call(client)
    body = samples.json_body(call.fields)
    headers = {"Content-Type": "application/json", "Accept": "application/json"}
    url = base_url + samples.REST_PATH
    session = new_baseline_session()
    per_thread = 40 if quick else 100

    def baseline() -> Any:
        return session.post(url, data=body, headers=headers, timeout=TIMEOUT).content

    def client_call() -> Any:
        return card_order(client)

    def throughput(fn: Callable[[], Any]) -> float:
        barrier = threading.Barrier(threads + 1)
        errors: list[BaseException] = []

        def work() -> None:
            barrier.wait()
            try:
                for _ in range(per_thread):
                    fn()
            except BaseException as exc:  # re-raised below, in the main thread
                errors.append(exc)

        workers = [threading.Thread(target=work) for _ in range(threads)]
        for w in workers:
            w.start()
        barrier.wait()
        start = time.perf_counter()
        for w in workers:
            w.join()
        elapsed = time.perf_counter() - start
        if errors:
            raise errors[0]
        return threads * per_thread / elapsed

    throughput(client_call)
    throughput(baseline)  # warm-up: every thread's connection opened
    c_tp: list[float] = []
    b_tp: list[float] = []
    ratios: list[float] = []
    for i in range(3 if quick else 7):
        if i % 2:
            c, b = throughput(client_call), throughput(baseline)
        else:
            b, c = throughput(baseline), throughput(client_call)
        c_tp.append(c)
        b_tp.append(b)
        ratios.append(c / b)
    ratio = statistics.median(ratios)
    client.close()
    session.close()
    return Row(
        f"{threads} threads, one shared client (REST)",
        f"{statistics.median(c_tp):,.0f} calls/s",
        f"{statistics.median(b_tp):,.0f} calls/s shared Session",
        ratio,
        "≥ 0.9× throughput",
        ratio >= 0.9,
    )


_IMPORTTIME = re.compile(r"^import time:\s+(\d+)\s+\|\s+(\d+)\s+\|(\s*)(\S+)")


def import_us(code: str, env: dict[str, str]) -> tuple[float, set[str]]:
    """µs spent importing what ``code`` imports (``-X importtime``: the cumulative times of the
    top-level imports made after start-up), and the modules loaded by the end."""
    probe = code + "\nimport sys; print(' '.join(sorted(sys.modules)))"
    result = subprocess.run(
        [sys.executable, "-X", "importtime", "-c", probe],
        capture_output=True,
        text=True,
        env=env,
        cwd=ROOT,
        check=True,
    )
    startup = _startup_modules(env)
    total = 0
    for line in result.stderr.splitlines():
        match = _IMPORTTIME.match(line)
        if match and match.group(3) == " ":  # a top-level import (nested ones are indented)
            name = match.group(4)
            if name not in startup:
                total += int(match.group(2))
    return float(total), set(result.stdout.split())


_STARTUP: set[str] = set()


def _startup_modules(env: dict[str, str]) -> set[str]:
    if not _STARTUP:
        result = subprocess.run(
            [sys.executable, "-X", "importtime", "-c", "pass"],
            capture_output=True,
            text=True,
            env=env,
            check=True,
        )
        for line in result.stderr.splitlines():
            match = _IMPORTTIME.match(line)
            if match:
                _STARTUP.add(match.group(4))
    return _STARTUP


# The least any client built on requests and Pydantic models pays before its first call: both
# imported, and one model class built (what loads Pydantic's model machinery). A module, so that
# -X importtime counts the class building as ``sogenactif.models.*`` is counted.
_FLOOR_MODULE = """import pydantic


class Floor(pydantic.BaseModel):
    amount: int | None = None
"""


def bench_import(quick: bool) -> list[Row]:
    floor_dir = tempfile.mkdtemp(prefix="sogenactif-bench-")
    Path(floor_dir, "bench_floor_model.py").write_text(_FLOOR_MODULE, "utf-8")
    # Bytecode for every module, ours included, written under a temporary prefix by the warm-up
    # runs: an installed package has its bytecode, and the libraries of the baseline have theirs
    # (this environment may set PYTHONDONTWRITEBYTECODE, and generated/ carries no __pycache__).
    env = {
        **{k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"},
        "PYTHONPATH": os.pathsep.join(
            [str(ROOT / "generated"), str(ROOT / "runtime"), str(ROOT), floor_dir]
        ),
        "PYTHONPYCACHEPREFIX": os.path.join(floor_dir, "pycache"),
    }
    ready = (
        "import sogenactif\n"
        f"c = sogenactif.Client(merchant_id={samples.MERCHANT_ID!r}, secret_key='k', "
        "environment='http://127.0.0.1:9')\n"
        "c.checkout\n"
        "from sogenactif.models.checkout import CardOrderRequest, CardOrderResponse"
    )
    soap = ready.replace("environment=", "protocol='soap', environment=") + "\nc.transport"
    base_code = "import requests, pydantic"
    floor_code = "import requests, bench_floor_model"
    # Warm the bytecode caches first: a fresh clone compiles once, then every run is like these.
    for code in (ready, base_code, floor_code):
        import_us(code, env)
    plain: list[float] = []
    full: list[float] = []
    base: list[float] = []
    floor: list[float] = []
    modules_plain: set[str] = set()
    modules_ready: set[str] = set()
    for _ in range(5 if quick else 9):
        t, modules_plain = import_us("import sogenactif", env)
        plain.append(t)
        t, modules_ready = import_us(ready, env)
        full.append(t)
        base.append(import_us(base_code, env)[0])
        floor.append(import_us(floor_code, env)[0])
    _, modules_soap = import_us(soap, env)
    shutil.rmtree(floor_dir, ignore_errors=True)
    b, fl = statistics.median(base), statistics.median(floor)
    lazy_ok = not any(
        m.startswith(("zeep", "lxml", "pydantic", "requests")) for m in modules_plain
    ) and not any(m.startswith(("zeep", "lxml")) for m in modules_ready | modules_soap)
    p, f = statistics.median(plain), statistics.median(full)
    return [
        Row(
            "import sogenactif",
            ms(p / 1e6),
            ms(b / 1e6) + " import requests, pydantic",
            p / b,
            "≤ 1.3×",
            p / b <= 1.3 and lazy_ok,
            "lazy: no zeep/pydantic/requests yet" if lazy_ok else "NOT LAZY",
        ),
        Row(
            "import … until a REST call can be made",
            ms(f / 1e6),
            ms(fl / 1e6) + " requests + one Pydantic model",
            f / fl,
            "(no goal)",
            None if lazy_ok else False,
            "Client + checkout service + its models (every checkout model class is built); "
            "the baseline is the least a client on requests and Pydantic models pays "
            f"({ms(fl / 1e6)}, {fl / b:.2f}× import requests, pydantic); "
            + ("no zeep or lxml, SOAP included" if lazy_ok else "zeep or lxml IMPORTED"),
        ),
    ]


def bench_generate(quick: bool) -> Row:
    times: list[float] = []
    with tempfile.TemporaryDirectory(prefix="sogenactif-bench-gen-") as tmp:
        for _ in range(2 if quick else 3):
            start = time.perf_counter()
            subprocess.run(
                [sys.executable, "-m", "generator", "generate", "--output", tmp],
                cwd=ROOT,
                check=True,
                capture_output=True,
            )
            times.append(time.perf_counter() - start)
    t = statistics.median(times)
    return Row(
        "python -m generator generate (whole spec)",
        f"{t:.2f} s",
        "budget 5 s",
        t / 5.0,
        "< 5 s",
        t < 5.0,
        f"{os.cpu_count()} CPUs; min {min(times):.2f} s",
    )


# --------------------------------------------------------------------------- main

FIGURES = ("seal", "rest", "soap", "import", "generate", "concurrency")


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="fewer repetitions (a smoke run)")
    parser.add_argument("--only", nargs="+", choices=FIGURES, default=list(FIGURES))
    args = parser.parse_args(argv)
    started = time.perf_counter()
    rows: list[Row] = []

    def progress(name: str) -> None:
        print(f"  … {name}", file=sys.stderr, flush=True)

    if "seal" in args.only:
        progress("seal")
        rows.append(bench_seal(args.quick))
    needs_server = {"rest", "soap", "concurrency"} & set(args.only)
    if needs_server:
        from sogenactif._dictionary import DICTIONARY

        LIST_ITEMS = DICTIONARY.list_items

        reply = samples.sealed(samples.CARD_ORDER_RESPONSE)
        routes = {
            samples.REST_PATH: ("application/json;charset=UTF-8", samples.json_body(reply)),
            samples.SOAP_PATH: (
                "text/xml;charset=UTF-8",
                samples.soap_envelope("cardOrderResponse", "output", reply, dict(LIST_ITEMS)),
            ),
        }
        with Server(routes) as server:
            if "rest" in args.only:
                progress("REST")
                rows.append(bench_rest(server.base_url, args.quick))
            if "soap" in args.only:
                progress("SOAP")
                rows.append(bench_soap(server.base_url, args.quick))
            if "concurrency" in args.only:
                progress("concurrency")
                rows.append(bench_concurrency(server.base_url, args.quick))
    if "import" in args.only:
        progress("import")
        rows.extend(bench_import(args.quick))
    if "generate" in args.only:
        progress("generate")
        rows.append(bench_generate(args.quick))
    print_table(rows)
    print(
        f"\n{len(rows)} figures in {time.perf_counter() - started:.0f} s on {os.cpu_count()} CPUs, "
        f"Python {sys.version.split()[0]}. Ratios: median of per-round ratios (client/baseline; "
        "concurrency: client/baseline throughput)."
    )
    return 0 if all(r.ok is not False for r in rows) else 1


def _verdict(ok: bool | None) -> str:
    return "" if ok is None else "OK" if ok else "MISS"


def print_table(rows: list[Row]) -> None:
    header = ("figure", "client", "baseline", "ratio", "goal", "")
    table = [header] + [
        (r.name, r.client, r.baseline, f"{r.ratio:.2f}×", r.goal, _verdict(r.ok)) for r in rows
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


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
