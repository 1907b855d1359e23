"""One client shared by many threads: answers never cross, and connections come from one bounded
pool and are reused."""

from __future__ import annotations

import json
import os
import threading
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from typing import Any

import pytest
from lxml import etree

import sogenactif
from sogenactif_core._http import DEFAULT_POOL_SIZE
from tests.support import (
    SECRET_KEY,
    LocalServer,
    Recorded,
    Reply,
    json_reply,
    make_client,
    sealed,
    soap_reply,
)

THREADS = DEFAULT_POOL_SIZE
CALLS_PER_THREAD = 8


class CountingServer(LocalServer):
    """The local server, counting TCP connections, polling for shutdown every 20 ms."""

    def __init__(self) -> None:
        super().__init__()
        # socketserver listens with a backlog of 5: 16 threads connecting at once would overflow
        # it and see resets that have nothing to do with the client.
        self.httpd.socket.listen(128)
        self.connections = 0
        self._lock = threading.Lock()
        process = self.httpd.process_request

        def counting(request: Any, address: Any) -> None:
            with self._lock:
                self.connections += 1
            process(request, address)

        self.httpd.process_request = counting  # type: ignore[method-assign]
        self.thread = threading.Thread(
            target=lambda: self.httpd.serve_forever(poll_interval=0.02), daemon=True
        )


@pytest.fixture()
def server() -> Iterator[CountingServer]:
    with CountingServer() as srv:
        yield srv  # type: ignore[misc]


def reference_of(protocol: str, request: Recorded) -> str:
    if protocol == "rest":
        return str(request.json()["transactionReference"])
    root = etree.fromstring(request.body)
    found = root.find(".//{*}transactionReference")
    assert found is not None and found.text
    return found.text


def echo(protocol: str) -> Any:
    """Answers each cardOrder with its own transactionReference, sealed."""

    def reply(req: Recorded) -> Reply:
        fields = sealed(
            {"responseCode": "00", "transactionReference": reference_of(protocol, req)},
            SECRET_KEY,
        )
        if protocol == "rest":
            return json_reply(fields)
        return soap_reply("checkout", "cardOrder", fields)

    return reply


def test_one_client_many_threads(server: CountingServer, protocol: str) -> None:
    server.reply = echo(protocol)
    client = make_client(server, protocol, timeout=10)
    start = threading.Barrier(THREADS)

    def work(thread: int) -> list[tuple[str, str]]:
        start.wait()
        seen = []
        for call in range(CALLS_PER_THREAD):
            reference = f"T{thread}C{call}"
            resp = client.checkout.card_order(
                amount=100 + call,
                currency_code="978",
                card_number="4100000000000000",
                transaction_reference=reference,
            )
            assert resp.sealed
            seen.append((reference, str(resp.transaction_reference)))
        return seen

    with ThreadPoolExecutor(THREADS) as pool:
        results = [pair for batch in pool.map(work, range(THREADS)) for pair in batch]
    assert len(results) == THREADS * CALLS_PER_THREAD
    assert all(sent == answered for sent, answered in results)  # no answer crossed threads
    assert len(server.requests) == THREADS * CALLS_PER_THREAD
    # One bounded pool, connections reused (keep-alive), never one per call.
    assert 1 <= server.connections <= DEFAULT_POOL_SIZE, server.connections


def test_errors_in_some_threads_do_not_leak_into_others(server: CountingServer) -> None:
    """Half the answers have a bad seal: exactly those calls fail, the others succeed."""

    def reply(req: Recorded) -> Reply:
        reference = req.json()["transactionReference"]
        fields = sealed({"responseCode": "00", "transactionReference": reference}, SECRET_KEY)
        if reference.endswith("bad"):
            fields["responseCode"] = "05"
        return Reply(200, json.dumps(fields).encode(), "application/json")

    server.reply = reply
    client = make_client(server, "rest")

    def work(n: int) -> str:
        reference = f"R{n}" + ("bad" if n % 2 else "ok")
        try:
            client.checkout.card_order(
                amount=1, currency_code="978", transaction_reference=reference
            )
        except sogenactif.SealMismatchError:
            return f"{reference}:mismatch"
        return f"{reference}:ok"

    with ThreadPoolExecutor(THREADS) as pool:
        outcomes = list(pool.map(work, range(64)))
    assert all(o.endswith("bad:mismatch") or o.endswith("ok:ok") for o in outcomes), outcomes


# --------------------------------------------------------------------------- processes


@pytest.mark.skipif(not hasattr(os, "fork"), reason="no fork() on this platform")
@pytest.mark.filterwarnings("ignore:This process .* is multi-threaded:DeprecationWarning")
@pytest.mark.parametrize("protocol", ["rest", "soap"])
def test_a_client_made_before_a_fork_shares_no_connection_with_the_child(protocol: str) -> None:
    """gunicorn --preload, Celery's prefork pool, multiprocessing's fork: a client made before
    the fork. The pooled connection's socket is in both processes; calls from both on it used to
    cross the answers (EchoMismatchError, a broken connection, a read timeout). The child now
    opens connections of its own, and the parent keeps its own."""
    from sogenactif.testing import Simulator
    from tests.support import order

    calls = 15
    with Simulator() as sim:
        client = sim.client(protocol, timeout=10)  # type: ignore[arg-type]
        client.checkout.card_order(**order(f"FORK0{protocol}"))  # a pooled connection now
        read_end, write_end = os.pipe()
        pid = os.fork()
        if pid == 0:  # the child: its verdict through the pipe, then out at once
            verdict = b"ok"
            try:
                for i in range(calls):
                    reference = f"FORKC{i}{protocol}"
                    answer = client.checkout.card_order(**order(reference))
                    if answer.transaction_reference != reference:
                        verdict = b"crossed"
            except BaseException as exc:  # reported to the parent
                verdict = type(exc).__name__.encode()
            os.write(write_end, verdict)
            os._exit(0)
        os.close(write_end)
        problems = []
        for i in range(calls):
            reference = f"FORKP{i}{protocol}"
            try:
                answer = client.checkout.card_order(**order(reference))
                if answer.transaction_reference != reference:
                    problems.append("crossed")
            except sogenactif.SogenactifError as exc:
                problems.append(type(exc).__name__)
        os.waitpid(pid, 0)
        with os.fdopen(read_end, "rb") as pipe:
            child = pipe.read()
        client.close()
    assert (problems, child) == ([], b"ok")
