#!/usr/bin/env python3
"""Load run of the Office Server simulator: several threads, two shared clients, both protocols.

    python bench/load_simulator.py [--threads 8] [--operations 2000] [--seconds 25]

The simulator runs in its own process (``python -m sogenactif.testing`` on a free port, state in a
temporary SQLite file), so the clients and the server do not share a GIL. The threads share one
REST and one SOAP client (with ``require_response_seal``: an unsigned or badly sealed response is
an error) and play payment lives, alternating protocols:

- IMMEDIATE payment, partial refund, refund of more than is left (24), look (CAPTURED);
- VALIDATION payment, partial validation, cancel of a part of it, look (TO_CAPTURE);
- AUTHOR_CAPTURE payment (captureDay 1), cancel of all of it, look (CANCELLED);
- refused test card (05), then the same reference again (94).

It stops by itself after ``--operations`` calls or ``--seconds`` seconds, whichever comes first,
then checks: no error and no unexpected responseCode; every transaction it created is stored
exactly once with the status and amounts it expects (nothing lost, nothing duplicated, nothing
extra); every response was sealed and its seal verified by the client. Exit status 1 otherwise.
Without the cashManagement/diagnostic services in the generated client, only the payments run.
"""

from __future__ import annotations

import argparse
import itertools
import os
import signal
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import requests

ROOT = Path(__file__).resolve().parent.parent
try:
    import sogenactif
except ImportError:  # run without dev.py: the committed package
    sys.path.insert(0, str(ROOT / "generated"))
    import sogenactif

from sogenactif.seal import verify_seal  # noqa: E402 - after the path set-up above
from sogenactif.testing import (  # noqa: E402
    DEFAULT_KEY_VERSION,
    DEFAULT_MERCHANT_ID,
    DEFAULT_SECRET_KEY,
)

EXPIRY = "203012"
ACCEPTED, REFUSED = "4100000000000000", "4100000000000005"


@dataclass
class Expected:
    status: str
    current: int
    remaining: int | None = None


@dataclass
class Tally:
    lock: threading.Lock = field(default_factory=threading.Lock)
    calls: Counter[str] = field(default_factory=Counter)  # "rest cardOrder" -> n
    codes: Counter[str] = field(default_factory=Counter)
    latencies: dict[str, list[float]] = field(default_factory=lambda: {"rest": [], "soap": []})
    sealed: int = 0
    errors: list[str] = field(default_factory=list)
    expected: dict[str, Expected] = field(default_factory=dict)


class Budget:
    """At most ``operations`` calls and ``seconds`` seconds, shared by every thread."""

    def __init__(self, operations: int, seconds: float) -> None:
        self.left = operations
        self.deadline = time.monotonic() + seconds
        self.lock = threading.Lock()

    def take(self, n: int) -> bool:
        with self.lock:
            if self.left < n or time.monotonic() > self.deadline:
                return False
            self.left -= n
            return True


def start_simulator(db: Path) -> tuple[subprocess.Popen[str], str]:
    # The simulator of the very package this run imported.
    import sogenactif_core

    package_root = Path(sogenactif.__file__).resolve().parent.parent
    core_root = Path(sogenactif_core.__file__).resolve().parent.parent
    env = {**os.environ, "PYTHONPATH": os.pathsep.join([str(package_root), str(core_root)])}
    process = subprocess.Popen(
        [sys.executable, "-m", "sogenactif.testing", "--port", "0", "--db", str(db)],
        stdout=subprocess.PIPE,
        text=True,
        env=env,
    )
    assert process.stdout is not None
    line = process.stdout.readline()
    if "listening on " not in line:
        process.kill()
        raise SystemExit(f"the simulator did not start: {line!r}")
    return process, line.split("listening on ", 1)[1].split()[0]


class Player:
    """One thread's payment lives."""

    def __init__(
        self,
        number: int,
        clients: dict[str, sogenactif.Client],
        tally: Tally,
        budget: Budget,
        full: bool,
    ) -> None:
        self.number = number
        self.clients = clients
        self.tally = tally
        self.budget = budget
        self.full = full

    def call(self, protocol: str, function: str, expect: str, fn: Callable[[], Any]) -> Any:
        started = time.perf_counter()
        try:
            resp = fn()
        except sogenactif.SogenactifError as exc:
            with self.tally.lock:
                self.tally.errors.append(f"{protocol} {function}: {type(exc).__name__}: {exc}")
            return None
        elapsed = time.perf_counter() - started
        code = resp.response_code
        with self.tally.lock:
            self.tally.calls[f"{protocol} {function}"] += 1
            self.tally.codes[code or "-"] += 1
            self.tally.latencies[protocol].append(elapsed)
            # The client verified the seal; checked once more here, independently.
            self.tally.sealed += bool(resp.sealed and verify_seal(resp.raw, DEFAULT_SECRET_KEY))
            if code != expect:
                self.tally.errors.append(
                    f"{protocol} {function}: responseCode {code}, expected {expect}"
                )
        return resp

    def expect(self, reference: str, expected: Expected) -> None:
        with self.tally.lock:
            if reference in self.tally.expected:
                self.tally.errors.append(f"reference {reference} planned twice")
            self.tally.expected[reference] = expected

    def run(self) -> None:
        kinds = (
            ("immediate", "validation", "cancel", "refused")
            if self.full
            else ("immediate", "refused")
        )
        for i in itertools.count():
            turn = self.number + i
            kind = kinds[turn % len(kinds)]
            protocol = ("rest", "soap")[(turn // len(kinds)) % 2]  # each life on both
            if not self.budget.take(4):
                return
            getattr(self, kind)(
                self.clients[protocol], protocol, f"L{self.number}X{i}{kind[:3].upper()}"
            )

    def pay(
        self,
        c: sogenactif.Client,
        protocol: str,
        ref: str,
        expect: str,
        card: str = ACCEPTED,
        **extra: Any,
    ) -> Any:
        return self.call(
            protocol,
            "cardOrder",
            expect,
            lambda: c.checkout.card_order(
                amount=2500,
                currency_code="978",
                card_number=card,
                card_expiry_date=EXPIRY,
                transaction_reference=ref,
                **extra,
            ),
        )

    def operate(
        self, c: sogenactif.Client, protocol: str, name: str, ref: str, amount: int, expect: str
    ) -> Any:
        method = getattr(c.cash_management, name)
        return self.call(
            protocol,
            name,
            expect,
            lambda: method(operation_amount=amount, currency_code="978", transaction_reference=ref),
        )

    def look(self, c: sogenactif.Client, protocol: str, ref: str, status: str) -> None:
        resp = self.call(
            protocol,
            "getTransactionData",
            "00",
            lambda: c.diagnostic.get_transaction_data(transaction_reference=ref),
        )
        if resp is not None and resp.transaction_status != status:
            with self.tally.lock:
                self.tally.errors.append(
                    f"{ref}: status {resp.transaction_status}, expected {status}"
                )

    def immediate(self, c: sogenactif.Client, protocol: str, ref: str) -> None:
        if not self.full:
            self.pay(c, protocol, ref, "00", capture_mode="IMMEDIATE")
            self.expect(ref, Expected("CAPTURED", 2500, 2500))
            return
        self.pay(c, protocol, ref, "00", capture_mode="IMMEDIATE")
        self.operate(c, protocol, "refund", ref, 1000, "00")
        self.operate(c, protocol, "refund", ref, 1600, "24")
        self.look(c, protocol, ref, "CAPTURED")
        self.expect(ref, Expected("CAPTURED", 2500, 1500))

    def validation(self, c: sogenactif.Client, protocol: str, ref: str) -> None:
        self.pay(c, protocol, ref, "00", capture_mode="VALIDATION", capture_day=3)
        self.operate(c, protocol, "validate", ref, 2000, "00")
        self.operate(c, protocol, "cancel", ref, 500, "00")
        self.look(c, protocol, ref, "TO_CAPTURE")
        self.expect(ref, Expected("TO_CAPTURE", 1500, 1500))

    def cancel(self, c: sogenactif.Client, protocol: str, ref: str) -> None:
        self.pay(c, protocol, ref, "00", capture_day=1)
        self.operate(c, protocol, "cancel", ref, 2500, "00")
        self.operate(c, protocol, "cancel", ref, 1, "24")
        self.look(c, protocol, ref, "CANCELLED")
        self.expect(ref, Expected("CANCELLED", 0, 0))

    def refused(self, c: sogenactif.Client, protocol: str, ref: str) -> None:
        self.pay(c, protocol, ref, "05", card=REFUSED)
        self.pay(c, protocol, ref, "94")  # the reference is taken, even by a refusal
        self.expect(ref, Expected("REFUSED", 0))


def check_store(url: str, tally: Tally) -> int:
    stored = requests.get(f"{url}/_simulator/transactions", timeout=30).json()
    references = [t["reference"] for t in stored]
    duplicated = [r for r, n in Counter(references).items() if n > 1]
    lost = sorted(set(tally.expected) - set(references))
    extra = sorted(set(references) - set(tally.expected))
    for problem, refs in (("duplicated", duplicated), ("lost", lost), ("unexpected", extra)):
        if refs:
            tally.errors.append(f"{len(refs)} {problem} transaction(s): {refs[:5]}")
    for t in stored:
        want = tally.expected.get(t["reference"])
        if want is None:
            continue
        remaining = (
            t["current_amount"] - t["refunded_amount"] if t["status"] == "CAPTURED" else None
        )
        got = (t["status"], t["current_amount"])
        if got != (want.status, want.current) or (
            want.remaining is not None and remaining is not None and remaining != want.remaining
        ):
            tally.errors.append(f"{t['reference']}: stored {got}, expected {want}")
    return len(stored)


def percentile(values: list[float], q: float) -> float:
    if not values:
        return 0.0
    return (
        statistics.quantiles(values, n=100, method="inclusive")[int(q) - 1]
        if len(values) > 1
        else values[0]
    )


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--threads", type=int, default=8)
    parser.add_argument("--operations", type=int, default=2000, help="calls, at most")
    parser.add_argument("--seconds", type=float, default=25.0, help="duration, at most")
    args = parser.parse_args(argv)
    full = all(hasattr(sogenactif.Client, s) for s in ("cash_management", "diagnostic"))
    with tempfile.TemporaryDirectory(prefix="sogenactif-load-") as tmp:
        process, url = start_simulator(Path(tmp) / "load.sqlite")
        try:
            clients = {
                p: sogenactif.Client(
                    merchant_id=DEFAULT_MERCHANT_ID,
                    secret_key=DEFAULT_SECRET_KEY,
                    key_version=DEFAULT_KEY_VERSION,
                    environment=url,
                    protocol=p,  # type: ignore[arg-type]
                    timeout=30,
                    require_response_seal=True,
                )
                for p in ("rest", "soap")
            }
            tally, budget = Tally(), Budget(args.operations, args.seconds)
            players = [Player(n, clients, tally, budget, full) for n in range(args.threads)]
            threads = [threading.Thread(target=p.run, name=f"player-{p.number}") for p in players]
            started = time.perf_counter()
            for t in threads:
                t.start()
            for t in threads:
                t.join()
            elapsed = time.perf_counter() - started
            stored = check_store(url, tally)
            for c in clients.values():
                c.close()
        finally:
            process.send_signal(signal.SIGTERM)
            process.communicate(timeout=30)
    calls = sum(tally.calls.values())
    print(
        f"load run: {args.threads} threads, 2 shared clients, simulator in its own process "
        f"(SQLite file){'' if full else ' [payments only: no cashManagement/diagnostic yet]'}"
    )
    print(f"  {calls} calls in {elapsed:.1f} s ({calls / elapsed:.0f} calls/s)")
    for protocol in ("rest", "soap"):
        lat = tally.latencies[protocol]
        n = sum(v for k, v in tally.calls.items() if k.startswith(protocol))
        print(
            f"  {protocol.upper():4} {n:5} calls, latency p50 {percentile(lat, 50) * 1000:.1f} ms, "
            f"p95 {percentile(lat, 95) * 1000:.1f} ms"
        )
    print(f"  by function: {', '.join(f'{k} {v}' for k, v in sorted(tally.calls.items()))}")
    print(f"  responseCodes: {', '.join(f'{k} x{v}' for k, v in sorted(tally.codes.items()))}")
    print(
        f"  transactions: {len(tally.expected)} created, {stored} stored; "
        f"responses sealed and verified: {tally.sealed}/{calls}"
    )
    if tally.sealed != calls:
        tally.errors.append(f"{calls - tally.sealed} response(s) without a seal")
    if tally.errors:
        print(f"FAILED: {len(tally.errors)} problem(s)")
        for problem in tally.errors[:20]:
            print(f"  - {problem}")
        return 1
    print("OK: no error, no lost or duplicated transaction, every response seal valid")
    return 0


if __name__ == "__main__":
    sys.exit(main())
