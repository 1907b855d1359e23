# Copied by `python -m generator` from generator/runtime/_transport.py. Do not edit here: edit the original and regenerate.
"""The pluggable transport interface (as in httpx): the client seals, a transport carries.

A transport takes a :class:`WireCall` (the sealed fields of one function call) and returns the
decoded response fields exactly as received, in the JSON shape (lists as lists), or raises a
:class:`~sogenactif.TransportError` / :class:`~sogenactif.ResponseError`. It never looks at seals.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, Protocol


@dataclass(frozen=True)
class WireCall:
    service: str  # REST path segment, e.g. "token"
    function: str  # e.g. "paymentTokenGenerate"
    fields: dict[str, Any]  # sealed, keys in seal order


class Transport(Protocol):
    """What the client needs from a transport."""

    protocol: str

    def send(self, call: WireCall) -> dict[str, Any]: ...

    def close(self) -> None: ...


class MockTransport:
    """A transport that answers with a function instead of a server (for unit tests).

    ``handler(call)`` returns the response fields (seal them with :func:`sogenactif.seal.compute_seal`
    to get past verification) or raises a :class:`~sogenactif.SogenactifError`.
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
