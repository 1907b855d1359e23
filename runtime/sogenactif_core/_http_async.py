"""The async client's way of sending: httpx (zeep's async transport uses it).

The same guarantees as the sync pool (``_http_pool``):

- proxies and certificates read as requests reads them (the same rules, ``_http_settings``);
  no redirect followed, no automatic resend, no cookie kept;
- "nothing was sent" measured, not guessed: httpcore's trace events say when the request's
  headers start leaving the client;
- the call's deadline holds whatever the server does: the whole exchange runs under an
  ``asyncio`` timeout;
- a cancelled call leaks no connection (the response is closed as the task unwinds) and the
  ``CancelledError`` carries ``may_have_reached_server``;
- connections pooled by the sender itself, one ``httpx.AsyncClient`` of one connection each;
  calls beyond them wait for one before entering httpx, as long as httpx would have let them
  wait (the connect timeout), sending nothing meanwhile (see ``HttpxSender``);
- one pool per event loop: connections belong to the loop that opened them, so a client used
  from another loop (``asyncio.run`` twice, a test framework's loop per test) opens connections
  of its own there instead of failing on the previous loop's ("Event loop is closed").
"""

from __future__ import annotations

import asyncio
import weakref
from collections.abc import Callable, Mapping
from typing import Any

import httpx

from ._errors import (
    ConfigurationError,
    ReadTimeoutError,
    ResponseTooLargeError,
    TransportError,
)
from ._http import (
    CHUNK,
    DEFAULT_MAX_RESPONSE_BYTES,
    DEFAULT_POOL_SIZE,
    HttpReply,
    Timeouts,
    expired_error,
    origin,
    reason,
    remaining,
    send_fault,
    timed_out,
    too_large_announced,
)
from ._http_settings import proxy_for, tls_context
from ._masked import Masked

_SENDING = ("http11.send_request_headers.started", "http2.send_request_headers.started")


class HttpxSender:
    """Sends through the running loop's pool of ``httpx.AsyncClient`` objects, one connection
    each."""

    def __init__(
        self,
        timeouts: Timeouts,
        base_url: str,
        *,
        max_response_bytes: int = DEFAULT_MAX_RESPONSE_BYTES,
        pool_size: int = DEFAULT_POOL_SIZE,
        proxies: Mapping[str, str] | None = None,
        verify: bool | str = True,
        cert: str | tuple[str, str] | None = None,
        trust_env: bool = True,
    ) -> None:
        self.timeouts = timeouts
        self.max_response_bytes = max_response_bytes
        # Performance (issue 15): the pool is the sender's own. httpcore's pool goes over every
        # waiting request and every connection (and asks each idle connection's socket whether
        # it is readable, a system call) whenever a request starts or ends: with 100 calls at
        # once on 16 connections, over a thousand checks a request (a known cost:
        # encode/httpcore#1035, open; a freed connection is offered to every waiting request,
        # the losers retry and trigger another pass), and still about 800 with at most 16 calls
        # inside httpx. So each connection is an httpx client of its own, whose pool has that one
        # connection to look at, and the calls beyond them wait here, in a queue that costs
        # nothing to wait in. The wait is bounded as httpx bounds a wait for a connection (the
        # connect timeout), and by the call's deadline. All of them send to one origin, the
        # client's base URL: one connection per httpx client loses no reuse.
        self._pool_size = pool_size
        verify_context = tls_context(verify, cert, trust_env)  # errors named now, not per loop
        proxy = proxy_for(base_url, proxies, trust_env)

        def new_client() -> httpx.AsyncClient:
            return httpx.AsyncClient(
                verify=verify_context,
                proxy=proxy,
                trust_env=False,  # read by the rules above, as the sync client reads it
                follow_redirects=False,
                limits=httpx.Limits(max_connections=1, max_keepalive_connections=1),
                timeout=httpx.Timeout(
                    timeouts.read, connect=timeouts.connect, pool=timeouts.connect
                ),
            )

        self._new_client: Callable[[], httpx.AsyncClient] = new_client
        # Event loop -> its pool (its httpx clients and their slots); the last one used at hand.
        self._pools: weakref.WeakKeyDictionary[asyncio.AbstractEventLoop, _LoopPool] = (
            weakref.WeakKeyDictionary()
        )
        self._last: tuple[weakref.ref[asyncio.AbstractEventLoop], _LoopPool] | None = None

    def __repr__(self) -> str:
        return "<HttpxSender>"

    def _pool(self) -> _LoopPool:
        """The running loop's pool, made on its first call there."""
        loop = _running_loop()
        last = self._last
        if last is not None and last[0]() is loop:
            return last[1]
        pool = self._pools.get(loop)
        if pool is None:
            pool = self._pools[loop] = _LoopPool(self._new_client, self._pool_size)
        self._last = (weakref.ref(loop), pool)
        return pool

    async def post(
        self, url: str, body: Masked, headers: Mapping[str, str], deadline: float | None
    ) -> HttpReply:
        where = origin(url)
        sent = False

        async def trace(event: str, info: Mapping[str, Any]) -> None:
            nonlocal sent
            if event in _SENDING:
                sent = True

        fault: TransportError | None = None
        slot_wait: asyncio.Timeout | None = None
        pool = self._pool()
        try:
            async with asyncio.timeout(remaining(deadline, 1e9) if deadline else None):
                slots = pool.slots
                if slots.locked():  # every connection busy: wait for one, as httpx's pool would
                    slot_wait = asyncio.timeout(self.timeouts.connect)
                    async with slot_wait:
                        await slots.acquire()
                else:
                    await slots.acquire()  # at once
                client = pool.take()
                try:
                    return await self._exchange(client, url, body, headers, trace, where)
                finally:
                    pool.give_back(client)
        except TimeoutError:  # the call's deadline (asyncio's timeout), or no connection in time
            if slot_wait is not None and slot_wait.expired():
                fault = send_fault(where, self.timeouts, sent=False, timed_out=True, cause="")
            else:
                fault = expired_error(where, self.timeouts, sent)
        except httpx.TimeoutException as exc:
            if sent:  # httpx's read timeout also covers the body: said so
                fault = ReadTimeoutError(
                    f"the request was sent to {where} but the response did not arrive in time "
                    f"(no data for {self.timeouts.read} s; {type(exc).__name__})."
                )
            else:
                fault = send_fault(where, self.timeouts, sent=False, timed_out=True, cause="")
        except httpx.HTTPError as exc:
            fault = send_fault(
                where,
                self.timeouts,
                sent=sent,
                timed_out=False,
                cause=reason(exc, (httpx.HTTPError,)),
            )
        except OSError as exc:
            # What httpcore lets through unwrapped: a TLS 1.3 server's refusal of the client's
            # certificate arrives as an ssl.SSLError when the answer is read, the request sent.
            fault = send_fault(
                where, self.timeouts, sent=sent, timed_out=timed_out(exc), cause=reason(exc)
            )
        except asyncio.CancelledError as exc:
            # Cancelled by the caller: the connection was closed as the response unwound.
            exc.may_have_reached_server = sent  # type: ignore[attr-defined]
            exc.add_note(
                "sogenactif: the call was cancelled "
                + (
                    "after the request was sent: it may have reached the server."
                    if sent
                    else "before anything was sent."
                )
            )
            raise
        raise fault

    async def _exchange(
        self,
        client: httpx.AsyncClient,
        url: str,
        body: Masked,
        headers: Mapping[str, str],
        trace: Any,
        where: str,
    ) -> HttpReply:
        request = client.build_request(
            "POST",
            url,
            content=body.reveal(),  # revealed only as the argument
            headers=dict(headers),
            extensions={"trace": trace},
        )
        response = await client.send(request, stream=True)
        try:
            declared = response.headers.get("Content-Length")
            if (
                declared is not None
                and declared.isdigit()
                and int(declared) > self.max_response_bytes
            ):
                raise too_large_announced(where, declared, self.max_response_bytes)
            parts: list[bytes] = []
            size = 0
            async for chunk in response.aiter_bytes(CHUNK):  # decoded: gzip bombs stop here
                size += len(chunk)
                if size > self.max_response_bytes:
                    parts.clear()
                    break
                parts.append(chunk)
            if size > self.max_response_bytes:
                raise _too_large(where, self.max_response_bytes)
            content = Masked(b"".join(parts), "body")
            del parts
        finally:
            await response.aclose()
        return HttpReply(
            status_code=response.status_code,
            content_type=response.headers.get("Content-Type", ""),
            body=content,
        )

    async def aclose(self) -> None:
        """Close the running loop's connections; the pools of other loops are dropped (their
        connections can only be closed from their own loops, and are when collected)."""
        loop = _running_loop()
        pool = self._pools.pop(loop, None)
        self._pools.clear()
        self._last = None
        if pool is not None:
            for client in pool.clients:
                await client.aclose()


def _running_loop() -> asyncio.AbstractEventLoop:
    """The running asyncio loop, or a :class:`ConfigurationError` saying where the client runs
    (under trio, or called without awaiting in a loop, asyncio's own error says only "no running
    event loop", from deep inside a call)."""
    try:
        return asyncio.get_running_loop()
    except RuntimeError:
        pass
    raise ConfigurationError(
        "sogenactif.AsyncClient runs in an asyncio event loop (asyncio.run, FastAPI, Starlette, "
        "aiohttp, Django's async views; anyio on its asyncio backend), and none is running "
        "here. Under trio, use sogenactif.Client in a worker thread "
        "(trio.to_thread.run_sync); nothing was sent."
    )


class _LoopPool:
    """One event loop's connections: an ``httpx.AsyncClient`` of one connection each, made as
    calls first need them (at most ``size``), and the slots that let as many calls in at once.

    A call takes a slot (``slots``), then a client (:meth:`take`: the one given back last, whose
    connection is the likeliest still open), and gives both back (:meth:`give_back`), whatever
    happened: a client whose exchange failed or was cancelled has closed that connection and
    opens another for its next call."""

    __slots__ = ("clients", "free", "new_client", "slots")

    def __init__(self, new_client: Callable[[], httpx.AsyncClient], size: int) -> None:
        self.new_client = new_client
        self.clients: list[httpx.AsyncClient] = []  # every one made, to be closed
        self.free: list[httpx.AsyncClient] = []  # those not in a call, the last given back last
        self.slots = asyncio.Semaphore(size)

    def take(self) -> httpx.AsyncClient:
        """A client for a call that holds a slot (there are never more clients than slots); if
        none can be made, the slot is given back before the error goes on."""
        if self.free:
            return self.free.pop()
        try:
            client = self.new_client()
        except BaseException:
            self.slots.release()
            raise
        self.clients.append(client)
        return client

    def give_back(self, client: httpx.AsyncClient) -> None:
        self.free.append(client)
        self.slots.release()


def _too_large(where: str, max_bytes: int) -> TransportError:
    return ResponseTooLargeError(
        f"the response of {where} is larger than the {max_bytes} bytes accepted; reading "
        "stopped there."
    )
