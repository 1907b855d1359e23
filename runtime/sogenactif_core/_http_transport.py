"""The Office Server over HTTP: a codec (REST/JSON or SOAP) and a sender, behind one transport."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, Protocol

from ._http import HttpReply, HttpSender, Timeouts
from ._masked import Masked
from ._transport import WireCall


class Codec(Protocol):
    """How one protocol writes a call and reads its reply (no I/O)."""

    protocol: str
    headers: Mapping[str, str]

    def path(self, call: WireCall) -> str: ...

    def encode(self, call: WireCall) -> bytes: ...

    def decode(self, call: WireCall, reply: HttpReply) -> dict[str, Any]: ...


class _OverHttp:
    """What both HTTP transports hold: the base URL, the codec, the sender and the headers."""

    sender: Any

    def __init__(
        self,
        base_url: str,
        codec: Codec,
        sender: Any,
        *,
        headers: Mapping[str, str] | None = None,
    ) -> None:
        self.base_url = base_url.rstrip("/")
        self.codec = codec
        self.sender = sender
        self.protocol = codec.protocol
        self.headers = {**(headers or {}), **codec.headers}

    @property
    def timeouts(self) -> Timeouts:
        timeouts: Timeouts = self.sender.timeouts
        return timeouts

    def url(self, call: WireCall) -> str:
        return self.base_url + self.codec.path(call)

    def __repr__(self) -> str:
        return f"<{type(self).__name__} {self.protocol} {self.base_url} via {self.sender!r}>"


class HttpTransport(_OverHttp):
    """Sends each call to ``base_url`` with ``codec``'s message, through ``sender``."""

    sender: HttpSender

    def send(self, call: WireCall) -> dict[str, Any]:
        body = Masked(self.codec.encode(call), "body")  # it holds card data
        reply = self.sender.post(self.url(call), body, self.headers, call.deadline)
        return self.codec.decode(call, reply)

    def close(self) -> None:
        self.sender.close()


class AsyncHttpSender(Protocol):
    """One way of sending HTTP requests, awaited."""

    timeouts: Timeouts

    async def post(
        self, url: str, body: Masked, headers: Mapping[str, str], deadline: float | None
    ) -> HttpReply: ...

    async def aclose(self) -> None: ...


class AsyncHttpTransport(_OverHttp):
    """:class:`HttpTransport`, awaited: the same codecs, an async sender."""

    sender: AsyncHttpSender

    async def send_async(self, call: WireCall) -> dict[str, Any]:
        body = Masked(self.codec.encode(call), "body")  # it holds card data
        reply = await self.sender.post(self.url(call), body, self.headers, call.deadline)
        return self.codec.decode(call, reply)

    async def aclose(self) -> None:
        await self.sender.aclose()
