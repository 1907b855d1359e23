#!/usr/bin/env python3
"""The simulator's throughput with 100,000 stored transactions against a fresh one (issue 12).

    python bench/simulator_scale.py [--stored 100000] [--calls 400] [--rounds 9]

Two simulators run in this process (in memory, the default test shop): a fresh one, and one
holding ``--stored`` transactions inserted straight through its store (what a long test session
or a long-lived ``--db`` file accumulates; most of them waiting for capture, the rest to
validate, captured or refused, with their operation). Against each, one keep-alive
``requests.Session`` (``trust_env = False``) posts sealed REST requests and times them:

- ``getTransactionData`` of one transaction: the same prebuilt body each call (a read);
- ``cardOrder``: a new transactionReference each call, sealed per call (a write).

Both simulators are measured in alternating rounds (fresh then stored, stored then fresh …)
and each figure is the median over the rounds; the ratio is the median of the per-round ratios
stored/fresh (1.0: the stored transactions cost nothing). The goal is a ratio of at least 0.85 per function; the exit status is 1 when a
line misses it. Timings are never asserted by the test suite: tests/simulator checks the
behaviour that makes a call's cost independent of the stored transactions.
"""

from __future__ import annotations

import argparse
import json
import statistics
import sys
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import requests

ROOT = Path(__file__).resolve().parent.parent
try:
    import sogenactif  # noqa: F401 - on the path already (dev.py, PYTHONPATH)
except ImportError:  # run from a checkout: the committed package and the core
    sys.path[:0] = [str(ROOT / "generated"), str(ROOT / "runtime")]

from sogenactif._dictionary import DICTIONARY  # noqa: E402 - after the path set-up above
from sogenactif.seal import compute_seal  # noqa: E402
from sogenactif.testing import Card, Simulator, Transaction  # noqa: E402

GOAL = 0.85
EXPIRY = "203012"


def fill(sim: Simulator, count: int) -> None:
    """``count`` transactions of the default shop, inserted in one SQLite transaction."""
    today = datetime.now(UTC).date()
    stamp = datetime.now(UTC).replace(microsecond=0).isoformat(timespec="seconds")
    with sim.store.atomic():
        for n in range(count):
            kind = n % 10
            capture_date = limit = None
            if kind < 7:  # waiting for capture, 1 to 5 days from now
                status, code = "TO_CAPTURE", "00"
                capture_date = (today + timedelta(days=1 + n % 5)).isoformat()
            elif kind == 7:
                status, code = "TO_VALIDATE", "00"
                limit = (today + timedelta(days=3)).isoformat()
            elif kind == 8:
                status, code = "CAPTURED", "00"
                capture_date = today.isoformat()
            else:
                status, code = "REFUSED", "05"
            inserted = sim.store.insert_transaction(
                Transaction(
                    merchant_id=sim.merchant_id,
                    reference=f"STORED{n:08d}",
                    origin="cardOrder",
                    status=status,
                    response_code=code,
                    currency_code="978",
                    origin_amount=1000 + n % 5000,
                    current_amount=(1000 + n % 5000) if code == "00" else 0,
                    capture_mode="VALIDATION" if status == "TO_VALIDATE" else "AUTHOR_CAPTURE",
                    capture_day=1 + n % 5,
                    created_at=stamp,
                    card=Card(
                        "4100000000000000" if code == "00" else "4100000000000005", EXPIRY, "VISA"
                    ),
                    capture_date=capture_date,
                    capture_limit_date=limit,
                    details={"acquirerResponseCode": code},
                )
            )
            assert inserted


class Caller:
    """Sealed REST requests to one simulator over one keep-alive session."""

    def __init__(self, sim: Simulator) -> None:
        self.sim = sim
        self.session = requests.Session()
        self.session.trust_env = False
        self.counter = 0
        self.read_body = self._body("diagnostic", {"transactionReference": "BENCHREAD"})
        assert self.post("checkout", "cardOrder", self._order("BENCHREAD")) == "00"
        assert self.post("diagnostic", "getTransactionData", self.read_body) == "00"

    def _body(self, service: str, fields: dict[str, Any]) -> bytes:
        prefix = DICTIONARY.services[service].interface_prefix
        request = {
            "interfaceVersion": prefix + DICTIONARY.interface_version,
            "keyVersion": str(self.sim.key_version),
            "merchantId": self.sim.merchant_id,
            **fields,
        }
        request["seal"] = compute_seal(request, self.sim.secret_key)
        return json.dumps(request).encode("utf-8")

    def _order(self, reference: str) -> bytes:
        return self._body(
            "checkout",
            {
                "amount": "2500",
                "currencyCode": "978",
                "cardNumber": "4100000000000000",
                "cardExpiryDate": EXPIRY,
                "transactionReference": reference,
            },
        )

    def post(self, service: str, function: str, body: bytes) -> str:
        reply = self.session.post(
            f"{self.sim.base_url}/rs-services/v2/{service}/{function}",
            data=body,
            headers={"Content-Type": "application/json"},
            timeout=30,
        )
        reply.raise_for_status()
        return str(reply.json()["responseCode"])

    def read(self) -> None:
        assert self.post("diagnostic", "getTransactionData", self.read_body) == "00"

    def write(self) -> None:
        self.counter += 1
        body = self._order(f"BENCHW{self.counter:09d}")
        assert self.post("checkout", "cardOrder", body) == "00"


def rate(call: Any, calls: int) -> float:
    """Calls per second of ``call`` over ``calls`` calls."""
    start = time.perf_counter()
    for _ in range(calls):
        call()
    return calls / (time.perf_counter() - start)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--stored", type=int, default=100_000, help="transactions (100000)")
    parser.add_argument("--calls", type=int, default=400, help="calls per round (400)")
    parser.add_argument("--rounds", type=int, default=9, help="alternating rounds (9)")
    args = parser.parse_args(argv)

    with Simulator() as fresh, Simulator() as stored:
        started = time.perf_counter()
        fill(stored, args.stored)
        print(
            f"{args.stored} transactions stored in {time.perf_counter() - started:.1f} s; "
            f"{args.rounds} rounds of {args.calls} calls per function and simulator",
            flush=True,
        )
        callers = {"fresh": Caller(fresh), "stored": Caller(stored)}
        for caller in callers.values():  # warm up both servers and sessions
            rate(caller.read, 100)
        results: dict[str, dict[str, list[float]]] = {
            name: {"fresh": [], "stored": []} for name in ("getTransactionData", "cardOrder")
        }
        for round_number in range(args.rounds):
            order = list(callers.items())
            if round_number % 2:  # each simulator goes first in every other round
                order.reverse()
            for which, caller in order:
                results["getTransactionData"][which].append(rate(caller.read, args.calls))
                results["cardOrder"][which].append(rate(caller.write, args.calls))
        missed = False
        print(f"{'function':<20} {'fresh calls/s':>14} {'stored calls/s':>15} {'ratio':>7}  goal")
        for name, figures in results.items():
            fresh_rate = statistics.median(figures["fresh"])
            stored_rate = statistics.median(figures["stored"])
            # The median of the per-round ratios: a slow patch of the machine hits one round.
            ratio = statistics.median(
                s / f for s, f in zip(figures["stored"], figures["fresh"], strict=True)
            )
            ok = ratio >= GOAL
            missed |= not ok
            print(
                f"{name:<20} {fresh_rate:>14.0f} {stored_rate:>15.0f} {ratio:>6.2f}x  "
                f">= {GOAL}x {'OK' if ok else 'MISS'}"
            )
        for caller in callers.values():
            caller.session.close()
    return 1 if missed else 0


if __name__ == "__main__":
    sys.exit(main())
