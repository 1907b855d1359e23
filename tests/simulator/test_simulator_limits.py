"""sogenactif.testing under stress (issue 12): every request gets an answer, connections are
bounded, and a call costs the same whatever the number of stored transactions.

Nothing here asserts a timing: the cost of a request is counted in SQLite virtual-machine steps
(``set_progress_handler``), which grow with the rows a query reads and not with the machine's
load; deadlines are asserted with generous margins.
"""

from __future__ import annotations

import http.client
import json
import logging
import socket
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import timedelta
from typing import Any

import pytest
import requests

from sogenactif.testing import Card, Simulator, Transaction
from sogenactif_core.simulator import _store
from tests.support import CARD_ORDER, SOAP11, envelope, order, sealed, send, soap_body

# --------------------------------------------------------------------------- the cost of a call


def _stored(sim: Simulator, count: int, *, due: int = 0, prefix: str = "S") -> None:
    """``count`` transactions waiting for capture in 3 days, plus ``due`` captured tonight."""
    today = sim.platform.now().date()
    with sim.store.atomic():
        for n in range(count + due):
            capture = today if n >= count else today + timedelta(days=3)
            assert sim.store.insert_transaction(
                Transaction(
                    merchant_id=sim.merchant_id,
                    reference=f"{prefix}{n:07d}",
                    origin="cardOrder",
                    status="TO_CAPTURE",
                    response_code="00",
                    currency_code="978",
                    origin_amount=100,
                    current_amount=100,
                    capture_mode="AUTHOR_CAPTURE",
                    capture_day=3,
                    created_at=sim.platform.now().isoformat(),
                    card=Card("4100000000000000", "203012", "VISA"),
                    capture_date=capture.isoformat(),
                )
            )


@contextmanager
def _vm_steps(sim: Simulator) -> Iterator[list[int]]:
    """Counts the SQLite virtual-machine steps run on the simulator's database meanwhile."""
    steps = [0]

    def count() -> int:
        steps[0] += 1
        return 0

    connection = sim.store._conn
    connection.set_progress_handler(count, 1)
    try:
        yield steps
    finally:
        connection.set_progress_handler(None, 1)


def _request_steps(sim: Simulator, call: Callable[[], Any]) -> int:
    call()  # a first call settles what the stored transactions made due, if anything
    with _vm_steps(sim) as steps:
        call()
    return steps[0]


def _costs(stored: int) -> tuple[int, int]:
    """SQLite steps of a getTransactionData and of a cardOrder, ``stored`` transactions kept."""
    with Simulator() as sim:
        _stored(sim, stored)
        c = sim.client("rest", timeout=10)
        assert c.checkout.card_order(**order("READ")).response_code == "00"
        references = iter(range(10))

        def read() -> None:
            resp = c.diagnostic.get_transaction_data(transaction_reference="READ")  # type: ignore[attr-defined]
            assert resp.response_code == "00"

        def write() -> None:
            assert c.checkout.card_order(**order(f"W{next(references)}")).response_code == "00"

        costs = (_request_steps(sim, read), _request_steps(sim, write))
        c.close()
        return costs


def test_a_call_costs_the_same_with_thousands_of_stored_transactions() -> None:
    few, many = _costs(20), _costs(4000)
    # The same work, whatever is stored: index look-ups only (reading 4000 rows is 4000+ steps).
    assert many[0] <= few[0] + 20, (few, many)
    assert many[1] <= few[1] + 20, (few, many)


def test_settle_runs_no_sql_until_a_day_when_something_is_due(sim: Simulator) -> None:
    _stored(sim, 50)
    now = sim.platform.now()
    sim.store.settle(now.date(), now.isoformat())  # finds the earliest due date once
    statements: list[str] = []
    sim.store._conn.set_trace_callback(statements.append)
    try:
        assert sim.store.settle(now.date(), now.isoformat()) == 0
        assert sim.store.settle(now.date() + timedelta(days=3), now.isoformat()) == 0
        assert statements == []  # the capture day (in 3 days) is not over: nothing to read
    finally:
        sim.store._conn.set_trace_callback(None)
    assert sim.store.earliest_due == (now.date() + timedelta(days=3)).isoformat()


def test_the_remittance_reads_only_what_is_due() -> None:
    costs = {}
    for count in (20, 4000):
        with Simulator() as sim:
            _stored(sim, count, due=3)
            with _vm_steps(sim) as steps:
                assert sim.advance_days(1) == 3
            costs[count] = steps[0]
            states = {t.status for t in sim.transactions()}
            assert states == {"TO_CAPTURE", "CAPTURED"}
            assert len([t for t in sim.transactions() if t.status == "CAPTURED"]) == 3
    assert costs[4000] <= costs[20] + 20, costs


def test_the_remittance_queries_go_through_the_due_indexes(sim: Simulator) -> None:
    for status, (_new, column, _operation) in _store.DUE.items():
        plan = sim.store._conn.execute(
            f"EXPLAIN QUERY PLAN SELECT merchant_id FROM transactions WHERE status = ? AND {column} < ?",
            (status, "2030-01-01"),
        ).fetchall()
        detail = " ".join(str(row[3]) for row in plan)
        assert "USING INDEX" in detail and f"{column}<" in detail.replace(" ", ""), detail
    for sql, args in (
        ("SELECT * FROM operations WHERE merchant_id = ? AND reference = ?", ("1", "R")),
        ("SELECT token FROM tokens WHERE kind = 'pan' AND merchant_id = ? AND pan = ?", ("1", "4")),
        ("DELETE FROM pending WHERE merchant_id = ? AND reference = ?", ("1", "R")),
    ):
        plan = sim.store._conn.execute("EXPLAIN QUERY PLAN " + sql, args).fetchall()
        assert all("USING" in str(row[3]) for row in plan), (sql, plan)


def test_a_transaction_due_in_the_past_is_still_remitted(sim: Simulator) -> None:
    c = sim.client("rest", timeout=10)
    c.checkout.card_order(**order("FIRST"))  # settles today: nothing due
    yesterday = sim.platform.now().date() - timedelta(days=1)
    with sim.store.atomic():
        late = sim.store.transaction(sim.merchant_id, "FIRST")
        assert late is not None
        late.capture_date = yesterday.isoformat()
        sim.store.update_transaction(late)  # lowers the earliest due date
    # The next request's remittance captures it, even though the day has not changed.
    c.diagnostic.get_transaction_data(transaction_reference="FIRST")
    assert sim.transaction("FIRST").status == "CAPTURED"  # type: ignore[union-attr]


def test_a_rolled_back_remittance_is_run_again(sim: Simulator) -> None:
    c = sim.client("rest", timeout=10)
    c.checkout.card_order(**order("LATE"))
    yesterday = sim.platform.now().date() - timedelta(days=1)
    with sim.store.atomic():
        late = sim.store.transaction(sim.merchant_id, "LATE")
        assert late is not None
        late.capture_date = yesterday.isoformat()
        sim.store.update_transaction(late)
    # A refusal raised inside the request rolls back its SQLite transaction, remittance included.
    refused = c.cash_management.cancel(  # type: ignore[attr-defined]
        operation_amount=1, currency_code="978", transaction_reference="NOSUCH"
    )
    assert refused.response_code == "25"
    assert sim.store.earliest_due is None  # unknown again after the rollback
    c.diagnostic.get_transaction_data(transaction_reference="LATE")
    assert sim.transaction("LATE").status == "CAPTURED"  # type: ignore[union-attr]


# --------------------------------------------------------------------------- every request answered


def _post_json(
    sim: Simulator, body: bytes, path: str = "/rs-services/v2/checkout/cardOrder"
) -> Any:
    return requests.post(
        sim.base_url + path, data=body, headers={"Content-Type": "application/json"}, timeout=10
    )


@pytest.mark.parametrize(
    "body",
    [
        b"[" * 100_000,  # the JSON decoder itself gives up (RecursionError)
        b'{"a":' * 5_000 + b"1" + b"}" * 5_000,
        json.dumps({**CARD_ORDER, "orderId": json.loads("[" * 200 + "]" * 200)}).encode(),
    ],
    ids=["unclosed-lists", "objects-5000-deep", "a-field-200-deep"],
)
def test_deeply_nested_json_gets_a_400(sim: Simulator, body: bytes) -> None:
    reply = _post_json(sim, body)
    assert reply.status_code == 400
    assert "deep" in reply.text
    control = _post_json(sim, body, "/_simulator/advance-days")
    assert control.status_code == 400 and "deep" in control.json()["error"]
    # The simulator still works, and says what it refused.
    assert send(sim, "rest", "checkout", "cardOrder", CARD_ORDER)["responseCode"] == "00"
    notes = [e.note for e in sim.exchanges() if e.http_status == 400]
    assert notes and "deep" in notes[0]


def test_nesting_within_the_limit_is_checked_as_usual(sim: Simulator) -> None:
    nested: Any = "x"
    for _ in range(40):
        nested = {"a": nested}
    response = send(sim, "rest", "checkout", "cardOrder", {**CARD_ORDER, "customerContact": nested})
    assert (response["responseCode"], response["errorFieldName"]) == ("12", "customerContact.a")


def _soap_post(sim: Simulator, body: bytes) -> requests.Response:
    return requests.post(
        f"{sim.base_url}/services/v2/checkout",
        data=body,
        headers={"Content-Type": "text/xml"},
        timeout=10,
    )


@pytest.mark.parametrize("encoding", ["utf-16", "utf-16-le", "utf-16-be"])
def test_a_utf16_body_with_a_doctype_is_refused(sim: Simulator, encoding: str) -> None:
    document = (
        '<?xml version="1.0" encoding="UTF-16"?>'
        '<!DOCTYPE x [<!ENTITY e SYSTEM "file:///etc/passwd">]>'
        f'<soapenv:Envelope xmlns:soapenv="{SOAP11}"><soapenv:Body>&e;</soapenv:Body>'
        "</soapenv:Envelope>"
    )
    reply = _soap_post(sim, document.encode(encoding))
    assert reply.status_code == 500
    assert b"<faultcode>soap:Client</faultcode>" in reply.content
    assert b"DTDs and entity declarations are not allowed" in reply.content
    assert b"root:" not in reply.content
    assert sim.transactions() == []


def test_a_utf16_envelope_without_doctype_is_served(sim: Simulator) -> None:
    fields = sealed({**envelope(sim, "checkout"), **CARD_ORDER}, sim.secret_key)
    utf8 = soap_body("checkout", "cardOrder", fields).decode("utf-8")
    document = utf8.replace("encoding='UTF-8'", "encoding='UTF-16'")
    assert "UTF-16" in document
    reply = _soap_post(sim, document.encode("utf-16"))
    assert reply.status_code == 200, reply.text
    assert b"<responseCode>00</responseCode>" in reply.content


def test_a_failure_inside_the_simulator_is_answered_500_without_card_data(
    sim: Simulator, caplog: pytest.LogCaptureFixture
) -> None:
    def broken(call: Any) -> dict[str, Any]:
        raise RuntimeError(f"cannot handle card {call.fields['cardNumber']}")

    working = sim.platform.behaviours[("checkout", "cardOrder")]
    sim.platform.behaviours[("checkout", "cardOrder")] = broken
    fields = {**CARD_ORDER, "cardNumber": "4973019999912764"}
    request = sealed({**envelope(sim, "checkout"), **fields}, sim.secret_key)
    with caplog.at_level(logging.ERROR, logger="sogenactif.testing"):
        reply = _post_json(sim, json.dumps(request).encode())
    assert reply.status_code == 500
    assert "4973019999912764" not in reply.text
    logged = "\n".join(r.getMessage() for r in caplog.records)
    assert "RuntimeError" in logged and "4973019999912764" not in logged
    assert "****2764" in logged
    sim.platform.behaviours[("checkout", "cardOrder")] = working
    assert (
        send(sim, "rest", "checkout", "cardOrder", {**CARD_ORDER, "transactionReference": "OK"})[
            "responseCode"
        ]
        == "00"
    )


# --------------------------------------------------------------------------- bounded connections


def _connect(sim: Simulator) -> socket.socket:
    sock = socket.create_connection((sim.host, sim.port), timeout=10)
    sock.settimeout(10)
    return sock


def _read_all(sock: socket.socket) -> bytes:
    """Everything the simulator sends until it closes the connection."""
    data = b""
    while True:
        try:
            chunk = sock.recv(65536)
        except ConnectionResetError:
            return data
        if not chunk:
            return data
        data += chunk


def _connection_threads(sim: Simulator) -> int:
    name = f"sogenactif-simulator-connection-{sim.port}"
    return sum(1 for t in threading.enumerate() if t.name == name)


HALF_HEAD = b"POST /rs-services/v2/checkout/cardOrder HTTP/1.1\r\nHost: x\r\nContent-Type: applic"
HALF_BODY = (
    b"POST /rs-services/v2/checkout/cardOrder HTTP/1.1\r\nHost: x\r\n"
    b'Content-Type: application/json\r\nContent-Length: 400\r\n\r\n{"amount": "25'
)


@pytest.mark.parametrize("sent", [HALF_HEAD, HALF_BODY], ids=["headers", "body"])
def test_a_half_sent_request_is_cut_off_with_a_408(sent: bytes) -> None:
    with Simulator(request_timeout=0.5) as sim:
        sock = _connect(sim)
        started = time.monotonic()
        sock.sendall(sent)
        answer = _read_all(sock)
        elapsed = time.monotonic() - started
        sock.close()
        assert answer.startswith(b"HTTP/1.1 408 Request Timeout\r\n"), answer
        assert b"Connection: close" in answer
        assert 0.4 < elapsed < 5, elapsed
        assert _post_json(sim, b"{}").status_code == 200  # others are served meanwhile


def test_a_request_sent_a_byte_at_a_time_does_not_stretch_the_deadline() -> None:
    with Simulator(request_timeout=1.0) as sim:
        sock = _connect(sim)
        started = time.monotonic()
        cut_off = False
        for byte in HALF_BODY:
            try:
                sock.sendall(bytes([byte]))
            except OSError:
                cut_off = True
                break
            time.sleep(0.05)
            if time.monotonic() - started > 8:
                break
        answer = b"" if cut_off else _read_all(sock)
        elapsed = time.monotonic() - started
        sock.close()
        # The whole request had 1 s; it would have taken len(HALF_BODY) * 0.05 s = 7 s.
        assert cut_off or answer.startswith(b"HTTP/1.1 408"), answer
        assert elapsed < 6, elapsed


def test_a_silent_connection_is_closed_after_the_timeout() -> None:
    with Simulator(request_timeout=0.5) as sim:
        sock = _connect(sim)
        started = time.monotonic()
        assert _read_all(sock) == b""  # no request, so no answer: just closed
        assert time.monotonic() - started < 5
        sock.close()


def test_half_sent_requests_pin_at_most_max_connections_threads() -> None:
    with Simulator(request_timeout=1.5, max_connections=3) as sim:
        before = threading.active_count()
        stalled = [_connect(sim) for _ in range(10)]
        for sock in stalled:
            sock.sendall(HALF_BODY)
        time.sleep(0.5)
        assert _connection_threads(sim) <= 3
        assert threading.active_count() <= before + 3
        answers = []
        for sock in stalled:
            answers.append(_read_all(sock)[:12])
            sock.close()
        # Those served were cut off (408); the others were told to come back (503).
        assert set(answers) <= {b"HTTP/1.1 408", b"HTTP/1.1 503"}, answers
        assert b"HTTP/1.1 408" in answers
        # Once they are cut off, requests are served again.
        assert send(sim, "rest", "checkout", "cardOrder", CARD_ORDER)["responseCode"] == "00"
        deadline = time.monotonic() + 5
        while _connection_threads(sim) > 1 and time.monotonic() < deadline:
            time.sleep(0.05)
        assert _connection_threads(sim) <= 1


def test_idle_keep_alive_connections_make_room_for_new_ones() -> None:
    with Simulator(max_connections=2, idle_timeout=60) as sim:
        kept = []
        for _ in range(2):
            connection = http.client.HTTPConnection(sim.host, sim.port, timeout=10)
            connection.request("GET", "/_simulator/health")
            reply = connection.getresponse()
            assert reply.status == 200
            reply.read()
            kept.append(connection)  # open and idle, in a keep-alive pool
        assert _connection_threads(sim) == 2
        started = time.monotonic()
        reply = requests.get(f"{sim.base_url}/_simulator/health", timeout=10)
        assert reply.status_code == 200
        assert time.monotonic() - started < 5
        for connection in kept:
            connection.close()


def test_an_idle_keep_alive_connection_is_closed_after_the_idle_timeout() -> None:
    with Simulator(idle_timeout=0.5) as sim:
        sock = _connect(sim)
        sock.sendall(b"GET /_simulator/health HTTP/1.1\r\nHost: x\r\n\r\n")
        started = time.monotonic()
        answer = _read_all(sock)  # the answer, then the close once idle for 0.5 s
        assert answer.startswith(b"HTTP/1.1 200") and b'"status":"ok"' in answer
        assert time.monotonic() - started < 5
        sock.close()


def test_stop_closes_open_connections() -> None:
    sim = Simulator().start()
    connection = http.client.HTTPConnection(sim.host, sim.port, timeout=10)
    connection.request("GET", "/_simulator/health")
    connection.getresponse().read()
    port = sim.port
    sim.stop()
    name = f"sogenactif-simulator-connection-{port}"
    assert not [t for t in threading.enumerate() if t.name == name]
    connection.close()


def test_bad_settings_are_refused() -> None:
    for options in ({"request_timeout": 0}, {"idle_timeout": -1}, {"max_connections": 0}):
        with pytest.raises(ValueError):
            Simulator(**options)  # type: ignore[arg-type]
