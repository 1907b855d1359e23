"""The simulator's recent exchanges: the last requests and answers, card data masked.

A bounded ring buffer (the last :data:`KEEP` exchanges by default): what an integrator looks at
when a test fails, on the simulator's page (``/``), at ``GET /_simulator/exchanges`` and with
``Simulator.exchanges()``. Fields are masked with the core's redaction (``_redact.redact``: card
numbers to their last four digits, CSCs and secrets removed, tokens to their length) **when they
are recorded**: nothing sensitive is ever kept here.
"""

from __future__ import annotations

import threading
from collections import deque
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from .._redact import redact, scrub_text

KEEP = 50


@dataclass(frozen=True)
class Exchange:
    """One request the simulator answered, as it may be shown."""

    at: str  # when it was answered, on the simulated clock (UTC, ISO 8601)
    protocol: str  # "REST" or "SOAP"
    service: str
    function: str
    http_status: int
    request: Mapping[str, Any] | None  # the request's fields, masked; None when unreadable
    response: Mapping[str, Any] | None  # the response's fields, masked; None for an HTTP error
    note: str = ""  # why there are no fields (415, 400, SOAP fault …)

    @property
    def response_code(self) -> str | None:
        """The response's responseCode (or walletResponseCode), if it has one."""
        if self.response is None:
            return None
        code = self.response.get("responseCode", self.response.get("walletResponseCode"))
        return None if code is None else str(code)

    def as_dict(self) -> dict[str, Any]:
        return {
            "at": self.at,
            "protocol": self.protocol,
            "service": self.service,
            "function": self.function,
            "httpStatus": self.http_status,
            "responseCode": self.response_code,
            "request": self.request,
            "response": self.response,
            "note": self.note,
        }


class Exchanges:
    """The last ``keep`` exchanges, oldest dropped first; safe to share between threads."""

    def __init__(self, keep: int = KEEP, clock: Callable[[], datetime] | None = None) -> None:
        self.keep = keep
        self._clock = clock or (lambda: datetime.now(UTC))
        self._items: deque[Exchange] = deque(maxlen=keep)
        self._lock = threading.Lock()

    def record(
        self,
        protocol: str,
        service: str,
        function: str,
        http_status: int,
        request: Mapping[str, Any] | None,
        response: Mapping[str, Any] | None,
        note: str = "",
    ) -> None:
        exchange = Exchange(
            at=self._clock().isoformat(timespec="milliseconds"),
            protocol=protocol,
            service=service,
            function=function,
            http_status=http_status,
            request=None if request is None else redact(request),
            response=None if response is None else redact(response),
            note=scrub_text(note),
        )
        with self._lock:
            self._items.append(exchange)

    def recent(self) -> list[Exchange]:
        """The kept exchanges, newest first."""
        with self._lock:
            return list(reversed(self._items))

    def clear(self) -> None:
        with self._lock:
            self._items.clear()
