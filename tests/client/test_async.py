"""sogenactif.AsyncClient: the sync client's surface, awaited, on both protocols.

An async shop against the simulator (pay, look up, refund); the same answers and the same
typed errors as the sync client on every fault; deadlines; cancellation that leaks no
connection and says whether the request may have reached the server; no card data in the
frames of its errors; retries that wait with asyncio.sleep; the simulator's async fixture.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Callable
from typing import Any

import pytest

import sogenactif
from sogenactif.testing import Simulator
from tests.support import (
    CSC,
    MERCHANT_ID,
    PACKAGE_PATH,
    PAN,
    SECRET_KEY,
    Connection,
    RawServer,
    assert_no_card_data_in_frames,
    run_pytest_project,
    sealed,
    soap_reply,
)

pytestmark = pytest.mark.anyio


@pytest.fixture()
def anyio_backend() -> str:
    return "asyncio"


def order(reference: str, **extra: Any) -> dict[str, Any]:
    return {
        "amount": 2500,
        "currency_code": "978",
        "card_number": "4100000000000000",
        "card_expiry_date": "203012",
        "card_csc_value": "123",
        "transaction_reference": reference,
        **extra,
    }


# --------------------------------------------------------------------------- an async shop


@pytest.mark.parametrize("protocol", ["rest", "soap"])
async def test_an_async_shop_pays_looks_up_and_refunds(protocol: str) -> None:
    with Simulator() as sim:
        async with sim.async_client(protocol, timeout=10) as client:  # type: ignore[arg-type]
            paid = await client.checkout.card_order(**order("ASHOP1"))
            assert paid.response_code == "00" and paid.sealed
            looked = await client.diagnostic.get_transaction_data(transaction_reference="ASHOP1")
            assert looked.transaction_status == "TO_CAPTURE"
            sim.advance_days(1)
            refunded = await client.cash_management.refund(
                transaction_reference="ASHOP1", operation_amount=1000, currency_code="978"
            )
            assert refunded.response_code == "00"
            again = await client.diagnostic.get_transaction_data(transaction_reference="ASHOP1")
            assert again.transaction_status == "CAPTURED" and again.sealed


async def test_the_same_answers_as_the_sync_client() -> None:
    with Simulator() as sim:
        sync = sim.client("soap", timeout=10)
        async with sim.async_client("soap", timeout=10) as aclient:
            a = await aclient.token.payment_token_generate(card_number="4100000000000000")
            s = sync.token.payment_token_generate(card_number="4100000000000000")
            assert type(a) is type(s) and a.response_code == s.response_code == "00"
            assert set(a.raw) == set(s.raw)


async def test_many_concurrent_calls_share_one_pool() -> None:
    with Simulator() as sim:
        async with sim.async_client("rest", timeout=20) as client:
            await client.checkout.card_order(**order("CONC1"))
            results = await asyncio.gather(
                *(
                    client.diagnostic.get_transaction_data(transaction_reference="CONC1")
                    for _ in range(50)
                )
            )
            assert all(r.response_code == "00" and r.sealed for r in results)
            # The sender's own pool: at most DEFAULT_POOL_SIZE httpx clients of one connection
            # each, every one given back, with its connection kept alive for the next call.
            from sogenactif_core._http import DEFAULT_POOL_SIZE

            pool = client.transport.sender._pool()  # type: ignore[attr-defined]
            assert 1 < len(pool.clients) <= DEFAULT_POOL_SIZE
            assert sorted(map(id, pool.free)) == sorted(map(id, pool.clients))
            assert pool.slots._value == DEFAULT_POOL_SIZE
            held = [len(c._transport._pool.connections) for c in pool.clients]
            assert set(held) == {1}  # kept alive, one each
            before = {id(c._transport._pool.connections[0]) for c in pool.clients}
            await asyncio.gather(
                *(
                    client.diagnostic.get_transaction_data(transaction_reference="CONC1")
                    for _ in range(len(pool.clients))
                )
            )
            after = {id(c._transport._pool.connections[0]) for c in pool.clients}
            assert after == before  # the same connections served the next calls


async def test_the_simulator_fixture_for_async_tests(tmp_path: Any) -> None:
    """A user's async test suite with the plugin's fixture (anyio's pytest plugin)."""
    out = run_pytest_project(
        tmp_path,
        """
        import pytest

        @pytest.fixture
        def anyio_backend():
            return "asyncio"

        @pytest.mark.anyio
        async def test_pay(sogenactif_async_client):
            resp = await sogenactif_async_client.checkout.card_order(
                amount=100, currency_code="978", card_number="4100000000000000",
                card_expiry_date="203012", transaction_reference="FIXTURE1")
            assert resp.response_code == "00" and resp.sealed
        """,
        env={"PYTHONPATH": PACKAGE_PATH, "PATH": "/usr/bin:/bin"},
    )
    assert "1 passed" in out


# --------------------------------------------------------------------------- faults


def _hang(conn: Connection) -> None:
    conn.stop.wait(5)


def _reset(conn: Connection) -> None:
    conn.reset()


def _status(conn: Connection) -> None:
    conn.reply(500, b"<html>no</html>", "text/html")


def _garbage(conn: Connection) -> None:
    conn.reply(200, b"<<<", "application/json")


def _answer(fields: dict[str, Any]) -> Callable[[Connection], None]:
    def script(conn: Connection) -> None:
        if b"<soap" in conn.request or b"Envelope" in conn.request:
            reply = soap_reply("checkout", "cardOrder", fields)
            conn.reply(200, reply.body, reply.content_type)
        else:
            import json

            conn.reply(200, json.dumps(fields).encode(), "application/json")

    return script


APPROVAL = {"responseCode": "00", "transactionReference": "F1", "amount": "2500"}
FAULTS: dict[str, tuple[Callable[[Connection], None], type[Exception]]] = {
    "read timeout": (_hang, sogenactif.ReadTimeoutError),
    "connection reset": (_reset, sogenactif.RemoteProtocolError),
    "HTTP 500": (_status, sogenactif.HTTPStatusError),
    "unreadable": (_garbage, sogenactif.ResponseDecodeError),
    "unsigned approval": (_answer(APPROVAL), sogenactif.UnsignedResponseError),
    "seal mismatch": (
        _answer({**sealed(APPROVAL, SECRET_KEY), "responseCode": "05"}),
        sogenactif.SealMismatchError,
    ),
    "replayed approval": (
        _answer(sealed({**APPROVAL, "transactionReference": "OTHER"}, SECRET_KEY)),
        sogenactif.EchoMismatchError,
    ),
}


def _clients(url: str, protocol: str) -> tuple[sogenactif.Client, sogenactif.AsyncClient]:
    options: dict[str, Any] = {
        "merchant_id": MERCHANT_ID,
        "secret_key": SECRET_KEY,
        "environment": url,
        "protocol": protocol,
        "timeout": (1.0, 0.5),
    }
    return sogenactif.Client(**options), sogenactif.AsyncClient(**options)


@pytest.mark.parametrize("protocol", ["rest", "soap"])
@pytest.mark.parametrize("fault", list(FAULTS))
async def test_the_same_typed_errors_as_the_sync_client(protocol: str, fault: str) -> None:
    script, error = FAULTS[fault]
    keywords = order("F1", card_number=PAN, card_csc_value=CSC)
    with RawServer(script) as server:
        sync, aclient = _clients(server.base_url, protocol)
        with pytest.raises(sogenactif.SogenactifError) as sync_info:
            await asyncio.to_thread(lambda: sync.checkout.card_order(**keywords))
        async with aclient:
            with pytest.raises(sogenactif.SogenactifError) as async_info:
                await aclient.checkout.card_order(**keywords)
    for info in (sync_info, async_info):
        assert type(info.value) is error, repr(info.value)
    assert async_info.value.may_have_reached_server == sync_info.value.may_have_reached_server
    assert PAN not in str(async_info.value) and PAN not in repr(async_info.value)
    assert_no_card_data_in_frames(async_info.value)


async def test_nothing_sent_when_nothing_can_connect() -> None:
    import socket

    with socket.create_server(("127.0.0.1", 0)) as probe:
        port = probe.getsockname()[1]
    _, aclient = _clients(f"http://127.0.0.1:{port}", "rest")
    async with aclient:
        with pytest.raises(sogenactif.ConnectError) as info:
            await aclient.checkout.card_order(**order("NC1"))
    assert info.value.may_have_reached_server is False


async def test_bad_input_is_refused_before_sending_by_name() -> None:
    mock = sogenactif.MockTransport(lambda call: pytest.fail("sent"))
    async with sogenactif.AsyncClient(
        merchant_id=MERCHANT_ID, secret_key=SECRET_KEY, transport=mock
    ) as client:
        with pytest.raises(sogenactif.RequestValidationError) as info:
            await client.checkout.card_order(**order("BAD1", amount="12a"))
    assert info.value.fields == ["amount"]


# --------------------------------------------------------------------------- time


async def test_the_timeout_is_a_deadline_whatever_the_server_does() -> None:
    def trickle(conn: Connection) -> None:
        conn.send(
            b"HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: 400\r\n\r\n"
        )
        for _ in range(400):
            if conn.stop.is_set():
                return
            conn.send(b" ")
            time.sleep(0.2)

    with RawServer(trickle) as server:
        async with sogenactif.AsyncClient(
            merchant_id=MERCHANT_ID, secret_key=SECRET_KEY, environment=server.base_url, timeout=1.5
        ) as client:
            started = time.monotonic()
            with pytest.raises(sogenactif.ReadTimeoutError) as info:
                await client.checkout.card_order(**order("SLOW1"))
    assert 1.4 < time.monotonic() - started < 2.0
    assert info.value.may_have_reached_server is True


async def test_a_cancelled_call_leaks_no_connection_and_says_it_may_have_arrived() -> None:
    with RawServer(_hang) as server:
        async with sogenactif.AsyncClient(
            merchant_id=MERCHANT_ID, secret_key=SECRET_KEY, environment=server.base_url, timeout=10
        ) as client:
            task = asyncio.create_task(client.checkout.card_order(**order("CANCEL1")))
            for _ in range(100):  # until the request has reached the server
                await asyncio.sleep(0.01)
                if server.requests:
                    break
            task.cancel()
            with pytest.raises(asyncio.CancelledError) as info:
                await task
            assert getattr(info.value, "may_have_reached_server", None) is True
            pool = client.transport.sender._pool()  # type: ignore[attr-defined]
            assert len(pool.clients) == 1 and pool.free == pool.clients  # given back
            assert pool.clients[0]._transport._pool.connections == []  # closed, not checked out


async def test_calls_beyond_the_pool_wait_their_turn_within_the_connect_timeout() -> None:
    """Calls beyond the pool's connections wait for one before entering httpx (issue 15's
    throughput): bounded by the connect timeout as httpx bounds that wait, sending nothing
    meanwhile; a call cancelled while it waits gives its place back."""
    from sogenactif_core._http import DEFAULT_POOL_SIZE

    with RawServer(_hang) as server:
        async with sogenactif.AsyncClient(
            merchant_id=MERCHANT_ID,
            secret_key=SECRET_KEY,
            environment=server.base_url,
            timeout=(0.5, 1.5),
        ) as client:
            busy = [
                asyncio.create_task(client.checkout.card_order(**order(f"BUSY{i}")))
                for i in range(DEFAULT_POOL_SIZE)
            ]
            await asyncio.sleep(0.1)
            waiting = asyncio.create_task(client.checkout.card_order(**order("WAIT1")))
            cancelled = asyncio.create_task(client.checkout.card_order(**order("WAIT2")))
            await asyncio.sleep(0.2)
            cancelled.cancel()
            with pytest.raises(asyncio.CancelledError) as info:
                await cancelled
            assert getattr(info.value, "may_have_reached_server", None) is False
            with pytest.raises(sogenactif.ConnectTimeoutError) as timed_out:
                await waiting
            assert timed_out.value.may_have_reached_server is False
            assert "nothing was sent" in str(timed_out.value)
            results = await asyncio.gather(*busy, return_exceptions=True)
            assert [type(r) for r in results] == [sogenactif.ReadTimeoutError] * DEFAULT_POOL_SIZE
            assert len(server.requests) == DEFAULT_POOL_SIZE  # the waiting calls sent nothing
            slots = client.transport.sender._pool().slots  # type: ignore[attr-defined]
            assert slots._value == DEFAULT_POOL_SIZE  # every place given back


async def test_retries_wait_with_asyncio() -> None:
    answers = [
        sealed({"responseCode": "90"}, SECRET_KEY),
        sealed({"responseCode": "00"}, SECRET_KEY),
    ]
    waits: list[float] = []

    async def wait(seconds: float) -> None:
        waits.append(seconds)

    async def handler(call: sogenactif.WireCall) -> dict[str, Any]:
        return answers.pop(0)

    retry = sogenactif.RetryPolicy(max_attempts=3, backoff=0.1, jitter=False, async_sleep=wait)
    async with sogenactif.AsyncClient(
        merchant_id=MERCHANT_ID,
        secret_key=SECRET_KEY,
        transport=sogenactif.MockTransport(handler),
        retry=retry,
    ) as client:
        response = await client.diagnostic.get_transaction_data(transaction_reference="R1")
    assert response.response_code == "00" and waits == [0.1]


async def test_interface_version_pin_and_settings_are_the_sync_clients() -> None:
    sent: list[dict[str, Any]] = []

    def handler(call: sogenactif.WireCall) -> dict[str, Any]:
        sent.append(call.fields)
        return sealed({"responseCode": "00"}, SECRET_KEY)

    oldest = sogenactif.INTERFACE_VERSIONS[0]
    async with sogenactif.AsyncClient(
        merchant_id=MERCHANT_ID,
        secret_key=SECRET_KEY,
        transport=sogenactif.MockTransport(handler),
        interface_version=oldest,
    ) as client:
        await client.diagnostic.get_transaction_data(transaction_reference="V1")
    assert sent[0]["interfaceVersion"] == "DR_WS_" + oldest


@pytest.mark.parametrize("protocol", ["rest", "soap"])
def test_one_client_serves_one_event_loop_after_another(protocol: str) -> None:
    """``asyncio.run`` twice, or a test framework's loop per test: connections belong to the
    loop that opened them, so each loop gets a pool of its own (the second loop's first call used
    to fail with "Event loop is closed"). After ``aclose`` the next loop opens one again, as the
    sync client does after ``close``."""
    with Simulator() as sim:
        client = sim.async_client(protocol, timeout=10)  # type: ignore[arg-type]

        async def pay(reference: str) -> str:
            answer = await client.checkout.card_order(**order(reference))
            return f"{answer.response_code} {answer.transaction_reference}"

        async def pay_and_close(reference: str) -> str:
            try:
                return await pay(reference)
            finally:
                await client.aclose()

        assert asyncio.run(pay(f"LOOPA{protocol}")) == f"00 LOOPA{protocol}"
        assert asyncio.run(pay(f"LOOPB{protocol}")) == f"00 LOOPB{protocol}"
        assert asyncio.run(pay_and_close(f"LOOPC{protocol}")) == f"00 LOOPC{protocol}"
        assert asyncio.run(pay_and_close(f"LOOPD{protocol}")) == f"00 LOOPD{protocol}"


def test_outside_an_asyncio_loop_the_error_says_where_the_client_runs() -> None:
    """Driven by another event loop (trio: simulated here by stepping the coroutine by hand,
    which is what trio does with it), a call used to fail deep inside with asyncio's "no running
    event loop". It is a ConfigurationError naming asyncio and the way out, raised before
    anything is sent; so is ``aclose``."""
    with Simulator() as sim:
        client = sim.async_client("rest", timeout=10)
        call = client.checkout.card_order(**order("NOLOOP1"))
        with pytest.raises(sogenactif.ConfigurationError, match="asyncio event loop") as caught:
            call.send(None)
        assert "trio.to_thread.run_sync" in str(caught.value)
        assert "nothing was sent" in str(caught.value)
        assert sim.exchanges() == []
        closing = client.aclose()
        with pytest.raises(sogenactif.ConfigurationError, match="asyncio event loop"):
            closing.send(None)


async def test_a_connection_that_cannot_be_made_gives_its_slot_back() -> None:
    """The sender makes its httpx clients as calls first need them, holding a slot: if one
    cannot be made, the slot goes back with the error, so later calls are not left waiting for
    places nobody holds."""
    from sogenactif_core._http import DEFAULT_POOL_SIZE, Timeouts
    from sogenactif_core._http_async import HttpxSender
    from sogenactif_core._masked import Masked

    sender = HttpxSender(Timeouts(connect=0.5, read=1.0, total=1.0), "http://127.0.0.1:9")

    def cannot() -> Any:
        raise RuntimeError("no client")

    sender._new_client = cannot
    for _ in range(DEFAULT_POOL_SIZE + 4):
        with pytest.raises(RuntimeError, match="no client"):
            await sender.post("http://127.0.0.1:9/x", Masked(b"{}", "body"), {}, None)
    assert sender._pool().slots._value == DEFAULT_POOL_SIZE
    await sender.aclose()
