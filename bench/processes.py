"""Whole-process figures: cold start, memory, import, generation.

Cold start and memory: the scripts in ``bench/cold/`` run in fresh interpreters against the
canned server, the client's side (``client.py``) and the floor's (``floor.py``) alternating,
every module from bytecode (``measure.Interpreters``). A figure is the median of the runs:

- time: the wall time of the whole process, from spawning the interpreter to its exit, measured
  by this process (interpreter start-up and exit included on both sides: that is what a cold
  process costs; the note gives the part from the first import to the last response); the ratio
  is the median of the per-round ratios (a round runs every side once, one after the other);
- memory: the resident set size after the calls (both clients and their responses alive)
  minus the resident set size at the script's first line. It counts
  everything the calls brought in: Python objects, C extensions' code and their allocations
  (libxml2's trees for zeep, which ``tracemalloc`` would not see), on both sides alike.
"""

from __future__ import annotations

import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

from bench import calls, samples
from bench.measure import ROOT, Interpreters, Row, median_of, mib, ms

COLD = Path(__file__).resolve().parent / "cold"


def _data_file(base_url: str, folder: str) -> str:
    """What the cold scripts send: the keywords for the client; for the floors, the very body
    and headers the client sends (REST) and its sealed fields in zeep's shape (SOAP)."""
    from sogenactif._dictionary import DICTIONARY

    client = calls.new_client(base_url, "rest")
    call = calls.wire_call(client)
    data = {
        "merchant_id": samples.MERCHANT_ID,
        "secret_key": samples.SECRET_KEY,
        "key_version": samples.KEY_VERSION,
        "keywords": samples.CARD_ORDER_KEYWORDS,
        "rest_path": samples.REST_PATH,
        "rest_body": client.transport.codec.encode(call).decode("utf-8"),
        "rest_headers": dict(client.transport.headers),
        "response_fields": sorted(samples.sealed(samples.CARD_ORDER_RESPONSE)),
        "wsdl": str(samples.WSDL_DIR / "checkout.wsdl"),
        "binding": calls.SOAP_BINDING,
        "soap_path": samples.SOAP_PATH,
        "soap_input": samples.zeep_shape(call.fields, dict(DICTIONARY.list_items)),
    }
    client.close()
    path = os.path.join(folder, "cold-data.json")
    Path(path).write_text(json.dumps(data), "utf-8")
    return path


def _wall_of(run: Any) -> float:
    return float(run.wall)


def _wall(runs: list[Any]) -> float:
    return median_of(runs, _wall_of)


def _ratio(client: list[Any], floor: list[Any], key: Any) -> float:
    """The median of the per-round ratios: each round ran both sides one after the other, so a
    busy moment of the machine weighs on both sides of a round's ratio."""
    return statistics.median(key(c) / key(f) for c, f in zip(client, floor, strict=True))


def _inside(runs: list[Any]) -> float:
    return median_of(runs, lambda r: r.report["seconds"])


def _memory(runs: list[Any]) -> float:
    return median_of(runs, lambda r: r.report["rss_end"] - r.report["rss_start"])


def _marks(runs: list[Any]) -> str:
    names = runs[0].report["marks"]
    return ", ".join(
        f"{name} at {ms(statistics.median(r.report['marks'][name] for r in runs))}"
        for name in names
    )


def bench_cold(base_url: str, quick: bool) -> list[Row]:
    with Interpreters() as py:
        data = _data_file(base_url, py.tmp)
        client, floor = str(COLD / "client.py"), str(COLD / "floor.py")
        sides = {
            "client rest": [client, base_url, data, "rest"],
            "floor rest": [floor, base_url, data, "rest+model"],
            "client both": [client, base_url, data, "rest", "soap"],
            "floor both": [floor, base_url, data, "rest", "soap"],
            "client soap": [client, base_url, data, "soap"],
            "floor soap": [floor, base_url, data, "soap"],
        }
        py.warm(*sides.values())  # writes every module's bytecode, both sides
        runs = py.alternate(sides, 5 if quick else 11)
    heavy = {name: set(r[0].report["heavy"]) for name, r in runs.items()}
    client_heavy = heavy["client both"] | heavy["client rest"] | heavy["client soap"]
    lean = not client_heavy & {"zeep", "lxml", "requests", "urllib3"}
    loaded = (
        "the client's processes load no zeep, lxml, requests or urllib3"
        if lean
        else f"the client's processes LOAD {', '.join(sorted(client_heavy))}"
    )
    rows = []
    c, f = runs["client rest"], runs["floor rest"]
    ratio = _ratio(c, f, _wall_of)
    rows.append(
        Row(
            "cold process, first REST call, vs requests + one Pydantic model",
            ms(_wall(c)),
            ms(_wall(f)),
            ratio,
            "≤ 1.0×",
            ratio <= 1.0 and lean,
            f"whole process; from the first import to the response: client {ms(_inside(c))} "
            f"({_marks(c)}), floor {ms(_inside(f))}; {loaded}",
        )
    )
    c, f = runs["client both"], runs["floor both"]
    ratio = _ratio(c, f, _wall_of)
    rows.append(
        Row(
            "cold process, first REST and SOAP calls, vs requests + zeep",
            ms(_wall(c)),
            ms(_wall(f)),
            ratio,
            "≤ 1.2×",
            ratio <= 1.2,
            f"from the first import to the last response: client {ms(_inside(c))} "
            f"({_marks(c)}), floor {ms(_inside(f))} ({_marks(f)})",
        )
    )
    m_c, m_f = _memory(c), _memory(f)
    m_ratio = _ratio(c, f, lambda r: r.report["rss_end"] - r.report["rss_start"])
    rows.append(
        Row(
            "memory after one call per protocol, vs requests + zeep",
            mib(m_c),
            mib(m_f),
            m_ratio,
            "≤ 1.1×",
            m_ratio <= 1.1,
            "resident set size after the calls (clients and responses alive) minus at the script's "
            f"first line, median of {len(c)} processes; peak RSS client "
            f"{mib(median_of(c, lambda r: r.report['peak']))}, floor "
            f"{mib(median_of(f, lambda r: r.report['peak']))} (interpreter included)",
        )
    )
    c, f = runs["client soap"], runs["floor soap"]
    rows.append(
        Row(
            "cold process, first SOAP call, vs plain zeep",
            ms(_wall(c)),
            ms(_wall(f)),
            _ratio(c, f, _wall_of),
            "(floor)",
            None,
            f"from the first import to the response: client {ms(_inside(c))}, zeep "
            f"{ms(_inside(f))} (WSDL parsed in the process, as plain zeep does)",
        )
    )
    return rows


_IMPORT = "import time; t = time.perf_counter(); {code}; print('{{\"t\": %r}}' % (time.perf_counter() - t))"


def bench_import(quick: bool) -> Row:
    """``import sogenactif`` against ``import requests, pydantic`` (issue 7), in fresh
    interpreters, and what it loads."""
    with Interpreters() as py:
        ours = ["-c", _IMPORT.format(code="import sogenactif, sys")]
        theirs = ["-c", _IMPORT.format(code="import requests, pydantic")]
        probe = [
            "-c",
            "import sogenactif, sys, json; print(json.dumps({'m': sorted(sys.modules)}))",
        ]
        py.warm(ours, theirs)
        runs = py.alternate({"ours": ours, "theirs": theirs}, 7 if quick else 15)
        modules = set(py.run(probe).report["m"])
    p = median_of(runs["ours"], lambda r: r.report["t"])
    b = median_of(runs["theirs"], lambda r: r.report["t"])
    lazy = not any(
        m.split(".")[0] in ("zeep", "lxml", "pydantic", "requests", "urllib3") for m in modules
    )
    return Row(
        "import sogenactif, vs import requests, pydantic",
        ms(p),
        ms(b),
        p / b,
        "≤ 1.3×",
        p / b <= 1.3 and lazy,
        "issue 7's goal; "
        + ("lazy: loads no zeep, lxml, pydantic, requests or urllib3" if lazy else "NOT LAZY"),
    )


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
