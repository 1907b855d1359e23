"""Issue 15's figure: 100 concurrent calls through one ``sogenactif.AsyncClient``, REST and SOAP,
against a bare ``httpx.AsyncClient`` posting the very bytes the client sends.

The sides run in one event loop, round after round, taking turns (the order rotating from round
to round): a round starts 100 calls at once with ``asyncio.gather`` and ends when the last answer
is read. Each floor has the client's pool size (``DEFAULT_POOL_SIZE`` connections), its
timeouts and headers, and reads each reply as the client must (``json.loads``; an lxml tree for
SOAP); it checks, seals and models nothing. Each figure is the median throughput of the rounds
(calls per second), the ratio client / floor.

- ``bare``: one ``httpx.AsyncClient`` of 16 connections, used as its documentation shows: the
  issue's baseline (the goal's line).
- ``pooled``: the client's own way of pooling, written by hand over bare httpx: 16
  ``httpx.AsyncClient`` of one connection each, handed out by a semaphore and a free list
  (``_http_async._LoopPool``). httpcore's pool goes over every connection and every waiting
  request when a request starts or ends; one connection per httpx client leaves it one to look
  at. This line shows the client's own cost on the same design (printed for information).
"""

from __future__ import annotations

import asyncio
import statistics
import time
from collections.abc import Awaitable, Callable
from typing import Any

from bench import floors, samples
from bench.calls import new_client, wire_call
from bench.measure import Row

CONCURRENT = 100


def bench_async(base_url: str, quick: bool) -> list[Row]:
    try:
        import httpx  # noqa: F401 - the async extra
    except ImportError:
        return [
            Row(
                f"{CONCURRENT} concurrent calls ({p}), AsyncClient vs bare httpx.AsyncClient",
                "httpx not installed",
                "",
                float("nan"),
                "≥ 0.9×",
                False,
                "install the async extra (httpx, pinned in requirements-dev.txt)",
            )
            for p in ("REST", "SOAP")
        ]
    return [
        row
        for protocol in ("rest", "soap")
        for row in asyncio.run(_bench(base_url, protocol, quick))
    ]


async def _bench(base_url: str, protocol: str, quick: bool) -> list[Row]:
    import httpx

    from sogenactif_core._http import DEFAULT_POOL_SIZE

    # The bytes and head the client sends, from the sync client's own sealed call (the async
    # client shares its codecs and headers).
    sync = new_client(base_url, protocol)
    body = sync.transport.codec.encode(wire_call(sync))
    headers = dict(sync.transport.headers)
    sync.close()
    path = samples.REST_PATH if protocol == "rest" else samples.SOAP_PATH
    read: Callable[[bytes], Any] = (
        floors.json_reader if protocol == "rest" else floors.lxml_reader()
    )
    client = new_client(base_url, protocol, kind="async")
    bare = httpx.AsyncClient(
        timeout=httpx.Timeout(floors.TIMEOUT[1], connect=floors.TIMEOUT[0]),
        limits=httpx.Limits(
            max_connections=DEFAULT_POOL_SIZE, max_keepalive_connections=DEFAULT_POOL_SIZE
        ),
        follow_redirects=False,
    )
    url = base_url + path
    pooled_clients = [
        httpx.AsyncClient(
            timeout=httpx.Timeout(floors.TIMEOUT[1], connect=floors.TIMEOUT[0]),
            limits=httpx.Limits(max_connections=1, max_keepalive_connections=1),
            follow_redirects=False,
        )
        for _ in range(DEFAULT_POOL_SIZE)
    ]
    free = list(pooled_clients)
    slots = asyncio.Semaphore(DEFAULT_POOL_SIZE)

    async def client_call() -> Any:
        response = await client.checkout.card_order(**samples.CARD_ORDER_KEYWORDS)
        assert response.response_code == "00" and response.sealed
        return response

    async def bare_call() -> Any:
        reply = await bare.post(url, content=body, headers=headers)
        return read(reply.content)

    async def pooled_call() -> Any:
        async with slots:
            one = free.pop()
            try:
                reply = await one.post(url, content=body, headers=headers)
            finally:
                free.append(one)
        return read(reply.content)

    async def round_of(call: Callable[[], Awaitable[Any]]) -> float:
        start = time.perf_counter()
        await asyncio.gather(*(call() for _ in range(CONCURRENT)))
        return CONCURRENT / (time.perf_counter() - start)

    sides = {"client": client_call, "bare": bare_call, "pooled": pooled_call}
    names = list(sides)
    results: dict[str, list[float]] = {name: [] for name in names}
    try:
        for _ in range(2):  # warm-up: every connection of every pool opened
            for call in sides.values():
                await round_of(call)
        for r in range(6 if quick else 20):
            for k in range(len(names)):
                name = names[(r + k) % len(names)]
                results[name].append(await round_of(sides[name]))
    finally:
        await client.aclose()
        await bare.aclose()
        for one in pooled_clients:
            await one.aclose()
    c = statistics.median(results["client"])
    b, p = statistics.median(results["bare"]), statistics.median(results["pooled"])
    reader = "json.loads" if protocol == "rest" else "lxml parse"
    label = f"{CONCURRENT} concurrent calls ({protocol.upper()}), AsyncClient vs"
    rounds = (
        f"throughput, median of {len(results['client'])} rounds of {CONCURRENT} calls started "
        f"at once in one event loop; every pool {DEFAULT_POOL_SIZE} connections; the client's "
        "checks, seal, codec, response seal and model included"
    )
    return [
        Row(
            f"{label} bare httpx.AsyncClient + {reader}",
            f"{c:,.0f} calls/s",
            f"{b:,.0f} calls/s",
            c / b,
            "≥ 0.9×",
            c / b >= 0.9,
            rounds,
        ),
        Row(
            f"{label} {DEFAULT_POOL_SIZE} one-connection httpx.AsyncClient + {reader}",
            f"{c:,.0f} calls/s",
            f"{p:,.0f} calls/s",
            c / p,
            "(floor)",
            None,
            "the client's own pooling written by hand over bare httpx (see bench/async_calls.py): "
            "what the client costs on top of the same design",
        ),
    ]
