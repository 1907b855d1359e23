"""The transport interface (as in httpx): the client seals, a transport carries.

A transport takes a :class:`WireCall` (the sealed fields of one function call) and returns the
decoded response fields exactly as received, in the JSON shape (lists as lists), or raises a
:class:`~sogenactif.TransportError` / :class:`~sogenactif.ResponseError`. It never looks at seals.

One small class per way of sending:

- :class:`~sogenactif_core._http_transport.HttpTransport`: the Office Server over HTTP, REST/JSON
  or SOAP (a codec), through the client's own connection pool or a ``requests.Session`` (a sender);
- :class:`MockTransport`: a function answers, for unit tests.
"""

from __future__ import annotations

import inspect
from collections.abc import Awaitable, Callable
from typing import TYPE_CHECKING, Any, Protocol

from ._masked import reveal_all
from ._public import public

if TYPE_CHECKING:
    from ._metadata import FunctionSpec


@public
class WireCall:
    """One call as it goes on the wire: the service, the function and its sealed fields.

    ``fields`` gives the fields as sent (a fresh dict, card data in clear: for the caller's
    eyes, e.g. a :class:`MockTransport` handler); inside the library they stay in
    ``wire_fields``, card data masked (``sogenactif_core._masked``).
    """

    __slots__ = ("deadline", "function", "service", "spec", "wire_fields")

    def __init__(
        self,
        service: str,
        function: str,
        fields: dict[str, Any],
        spec: FunctionSpec[Any, Any] | None = None,
        deadline: float | None = None,
    ) -> None:
        self.service = service  # REST path segment, e.g. "token"
        self.function = function  # e.g. "paymentTokenGenerate"
        self.wire_fields = fields  # sealed, keys in seal order, card data masked
        # The function's metadata, for transports that need its layout (SOAP element order).
        self.spec = spec
        # When the whole call must be over (time.monotonic()), or None for no deadline.
        self.deadline = deadline

    @property
    def fields(self) -> dict[str, Any]:
        fields: dict[str, Any] = reveal_all(self.wire_fields)
        return fields

    def __repr__(self) -> str:
        from ._redact import redact

        return (
            f"WireCall(service={self.service!r}, function={self.function!r}, "
            f"fields={redact(self.wire_fields)!r})"
        )


@public
class Transport(Protocol):
    """What the client needs from a transport."""

    protocol: str

    def send(self, call: WireCall) -> dict[str, Any]: ...

    def close(self) -> None: ...


@public
class MockTransport:
    """A transport that answers with a function instead of a server (for unit tests).

    ``handler(call)`` returns the response fields (seal them with :func:`sogenactif.seal.compute_seal`
    to get past verification) or raises a :class:`~sogenactif.SogenactifError`. ``calls`` lists the
    calls sent, each with ``.fields``, the sealed wire fields. It serves the sync client and the
    async one alike (an async client awaits the handler when it is a coroutine function).
    """

    protocol = "mock"

    def __init__(
        self, handler: Callable[[WireCall], dict[str, Any] | Awaitable[dict[str, Any]]]
    ) -> None:
        self.handler = handler
        self.calls: list[WireCall] = []

    def send(self, call: WireCall) -> dict[str, Any]:
        self.calls.append(call)
        answer = self.handler(call)
        if inspect.isawaitable(answer):
            raise TypeError("an async handler serves sogenactif.AsyncClient, not Client")
        return answer

    async def send_async(self, call: WireCall) -> dict[str, Any]:
        self.calls.append(call)
        answer: Any = self.handler(call)
        if inspect.isawaitable(answer):
            answer = await answer
        result: dict[str, Any] = answer
        return result

    def close(self) -> None:
        pass

    async def aclose(self) -> None:
        pass

    def __repr__(self) -> str:
        return f"<MockTransport calls={len(self.calls)}>"
