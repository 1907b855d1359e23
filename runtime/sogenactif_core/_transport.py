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

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Protocol

from ._public import public

if TYPE_CHECKING:
    from ._metadata import FunctionSpec


@public
@dataclass(frozen=True)
class WireCall:
    """One call as it goes on the wire."""

    service: str  # REST path segment, e.g. "token"
    function: str  # e.g. "paymentTokenGenerate"
    fields: dict[str, Any]  # sealed, keys in seal order
    # The function's metadata, for transports that need its layout (the SOAP element order).
    spec: FunctionSpec[Any, Any] | None = field(default=None, repr=False, compare=False)
    # When the whole call must be over (time.monotonic()), or None for no deadline.
    deadline: float | None = field(default=None, repr=False, compare=False)

    def __repr__(self) -> str:
        from ._redact import redact

        return f"WireCall(service={self.service!r}, function={self.function!r}, fields={redact(self.fields)!r})"


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
    calls sent, each with ``.fields``, the sealed wire fields.
    """

    protocol = "mock"

    def __init__(self, handler: Callable[[WireCall], dict[str, Any]]) -> None:
        self.handler = handler
        self.calls: list[WireCall] = []

    def send(self, call: WireCall) -> dict[str, Any]:
        self.calls.append(call)
        return self.handler(call)

    def close(self) -> None:
        pass

    def __repr__(self) -> str:
        return f"<MockTransport calls={len(self.calls)}>"
