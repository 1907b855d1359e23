"""Per-call figures against the canned server: a REST call, a SOAP call, 8 threads.

The client makes the benchmark's cardOrder (the guide's sample with its two-product cart) from
keyword arguments: checks, envelope, seal, the exchange, the response seal verified, the response
model built. Each floor (``floors.py``) posts the very bytes the client sends and reads the reply
(``json.loads`` or an lxml tree). For each floor, the client and that floor take turns call by
call (``measure.round_robin`` of the two); each figure is the median time of one call, the ratio
the ratio of the two medians.
"""

from __future__ import annotations

import statistics
import threading
import time
from collections.abc import Callable
from typing import Any

from bench import floors, samples
from bench.measure import Row, round_robin, us

SOAP_BINDING = "{urn:sips:cn:contract:office:checkout:v2}CheckoutServiceSoapBinding"


def new_client(base_url: str, protocol: str, kind: str = "sync") -> Any:
    """The benchmark's client (``kind="async"``: a ``sogenactif.AsyncClient``)."""
    import sogenactif

    client_class = sogenactif.AsyncClient if kind == "async" else sogenactif.Client
    return client_class(
        merchant_id=samples.MERCHANT_ID,
        secret_key=samples.SECRET_KEY,
        key_version=samples.KEY_VERSION,
        environment=base_url,
        protocol=protocol,  # type: ignore[arg-type]
        timeout=floors.TIMEOUT,
    )


def wire_call(client: Any, keywords: dict[str, Any] | None = None) -> Any:
    """The sealed call the client sends for the benchmark's cardOrder (to give the floors
    exactly the same request)."""
    from sogenactif.services.checkout import CARD_ORDER

    return client._build(CARD_ORDER, None, keywords or samples.CARD_ORDER_KEYWORDS, {})


def card_order(client: Any) -> Any:
    return client.checkout.card_order(**samples.CARD_ORDER_KEYWORDS)


def _rows(
    what: str,
    pairs: dict[str, dict[str, float]],
    labels: dict[str, str],
    goals: dict[str, tuple[str, Callable[[float], bool]]],
    notes: dict[str, str],
) -> list[Row]:
    rows = []
    for key, label in labels.items():
        c, b = pairs[key]["client"], pairs[key][key]
        ratio = c / b
        goal, test = goals.get(key, ("(floor)", lambda _r: True))
        rows.append(
            Row(
                f"{what} vs {label}",
                us(c),
                us(b),
                ratio,
                goal,
                test(ratio) if key in goals else None,
                notes.get(key, "").format(extra=us(c - b)),
            )
        )
    return rows


def _paired(
    client: Callable[[], Any], floors_: dict[str, Callable[[], Any]], calls: int, warmup: int
) -> dict[str, dict[str, float]]:
    """For each floor, the client and that floor side by side: call by call, alternating
    (``round_robin`` of the two), so that neither's figure depends on what the other floors do
    to the caches."""
    return {
        key: round_robin({"client": client, key: floor}, calls, warmup)
        for key, floor in floors_.items()
    }


def bench_rest(base_url: str, quick: bool) -> list[Row]:
    client = new_client(base_url, "rest")
    resp = card_order(client)
    assert resp.response_code == "00" and resp.sealed
    transport = client.transport
    call = wire_call(client)
    body = transport.codec.encode(call)
    headers = dict(transport.headers)  # the client's own headers: the same request head
    path = samples.REST_PATH
    sides: dict[str, Callable[[], Any]] = {}
    labels: dict[str, str] = {}
    closers = [client.close]
    for make in floors.REST_FLOORS:
        side = make(base_url, path, body, headers, floors.json_reader)
        if side is None:
            continue
        reply = side.call()
        assert reply["responseCode"] == "00", side.label
        key = make.__name__
        sides[key] = side.call
        labels[key] = side.label + " + json.loads"
        closers.append(side.close)
    pairs = _paired(lambda: card_order(client), sides, 1000 if quick else 3000, warmup=200)
    for close in closers:
        close()
    goals: dict[str, tuple[str, Callable[[float], bool]]] = {
        "urllib3_pool": ("≤ 1.5×", lambda r: r <= 1.5),
        "httpx_client": ("≤ 1.0×", lambda r: r <= 1.0),
    }
    notes = {
        "urllib3_pool": "the client's checks, seal, codec, response seal and model, and its "
        "exchange cost {extra} more per call than the bare pool's exchange",
        "requests_session": "the previous bench's baseline (trust_env off), for reference only: "
        "the client no longer uses requests",
    }
    rows = _rows("REST call", pairs, labels, goals, notes)
    if "httpx_client" not in labels:
        rows.insert(
            1,
            Row(
                "REST call vs httpx.Client post + json.loads",
                us(pairs["urllib3_pool"]["client"]),
                "httpx not installed",
                float("nan"),
                "≤ 1.0×",
                False,
                "install httpx (pinned in requirements-dev.txt) to measure this line",
            ),
        )
    return rows


def bench_soap(base_url: str, quick: bool) -> list[Row]:
    from sogenactif._dictionary import DICTIONARY

    client = new_client(base_url, "soap")
    resp = card_order(client)
    assert resp.response_code == "00" and resp.sealed
    transport = client.transport
    call = wire_call(client)
    body = transport.codec.encode(call)
    headers = dict(transport.headers)
    floor = floors.urllib3_pool(base_url, samples.SOAP_PATH, body, headers, floors.lxml_reader())
    tree = floor.call()
    assert tree.find(".//{*}responseCode").text == "00"
    list_items = dict(DICTIONARY.list_items)
    zeep = floors.zeep_client(
        str(samples.WSDL_DIR / "checkout.wsdl"),
        SOAP_BINDING,
        base_url + samples.SOAP_PATH,
        "cardOrder",
        {"input": samples.zeep_shape(call.fields, list_items)},
    )
    answer = zeep.call()
    assert answer.responseCode == "00" and answer.seal == resp.raw["seal"], "zeep misread"
    pairs = _paired(
        lambda: card_order(client),
        {"lxml": floor.call, "zeep": zeep.call},
        600 if quick else 2000,
        warmup=100,
    )
    for close in (client.close, floor.close, zeep.close):
        close()
    goals: dict[str, tuple[str, Callable[[float], bool]]] = {
        "lxml": ("≤ 1.5×", lambda r: r <= 1.5),
        "zeep": ("≤ 0.33×", lambda r: r <= 0.33),
    }
    labels = {"lxml": "urllib3 pool post + lxml parse", "zeep": "plain zeep (generated WSDL)"}
    notes = {
        "lxml": "the client's checks, seal, codec, response seal and model, and its exchange "
        "cost {extra} more per call than the bare post and parse",
        "zeep": "zeep writes the request and reads the reply (in the XSD's order, which zeep "
        "needs) from the schema; its WSDL is parsed before timing",
    }
    return _rows("SOAP call", pairs, labels, goals, notes)


def bench_concurrency(base_url: str, quick: bool, threads: int = 8) -> Row:
    client = new_client(base_url, "rest")
    body = client.transport.codec.encode(wire_call(client))
    headers = dict(client.transport.headers)
    floor = floors.urllib3_manager(base_url, samples.REST_PATH, body, headers, floors.json_reader)
    session = floors.requests_session(
        base_url, samples.REST_PATH, body, headers, floors.json_reader
    )
    per_thread = 40 if quick else 100

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

    sides: list[Callable[[], Any]] = [lambda: card_order(client), floor.call, session.call]
    for fn in sides:
        throughput(fn)  # warm-up: every thread's connection opened
    results: list[list[float]] = [[], [], []]
    for r in range(3 if quick else 7):
        for k in range(3):
            i = (r + k) % 3
            results[i].append(throughput(sides[i]))
    for close in (client.close, floor.close, session.close):
        close()
    c, b, s = (statistics.median(x) for x in results)
    return Row(
        f"{threads} threads sharing one client (REST), throughput",
        f"{c:,.0f} calls/s",
        f"{b:,.0f} calls/s",
        c / b,
        "(none)",
        None,
        f"baseline: {threads} threads sharing one urllib3 PoolManager posting the same bytes + "
        f"json.loads; against {threads} threads sharing a requests.Session ({s:,.0f} calls/s) "
        f"the client's throughput is {c / s:.2f}× (issue 7's goal was ≥ 0.9× of that). Bound by "
        "the GIL: it follows the single-thread REST ratio",
    )
