"""A client of the simulator's control interface, for a simulator running in another process.

    from sogenactif.testing import SimulatorControl

    control = SimulatorControl("http://127.0.0.1:8080")   # python -m sogenactif.testing --port 8080
    control.advance_days(1)        # the remittances of the day: captured, credited, expired
    control.transactions()         # every transaction, oldest first (card numbers masked)
    control.reset()                # back to a fresh simulator (shops stay)

It speaks the JSON endpoints under ``/_simulator/`` (``docs/simulator.md``) with the standard
library only, never through a proxy (the simulator is local). A simulator in this process is
driven directly: ``Simulator.advance_days``, ``reset``, ``transactions``.
"""

from __future__ import annotations

import json
import urllib.error
import urllib.request
from typing import Any
from urllib.parse import quote, urlencode

__all__ = ["SimulatorControl", "SimulatorControlError"]


class SimulatorControlError(Exception):
    """The simulator could not be reached, or refused the request (``status`` > 0 then)."""

    def __init__(self, message: str, status: int = 0) -> None:
        super().__init__(message)
        self.status = status


class SimulatorControl:
    """The control interface of the simulator at ``base_url`` (e.g. ``http://127.0.0.1:8080``)."""

    def __init__(self, base_url: str, *, timeout: float = 10.0) -> None:
        self.base_url = base_url.rstrip("/")
        self.timeout = timeout
        self._opener = urllib.request.build_opener(urllib.request.ProxyHandler({}))

    def __repr__(self) -> str:
        return f"SimulatorControl({self.base_url!r})"

    def _call(self, method: str, path: str, body: dict[str, Any] | None = None) -> Any:
        url = f"{self.base_url}/_simulator/{path}"
        if not url.startswith(("http://", "https://")):
            raise SimulatorControlError(f"not an http(s) URL: {self.base_url}")
        data = None if body is None else json.dumps(body).encode("utf-8")
        request = urllib.request.Request(url, data=data, method=method)  # noqa: S310 - http(s) only
        if data is not None:
            request.add_header("Content-Type", "application/json")
        try:
            with self._opener.open(request, timeout=self.timeout) as reply:
                return json.loads(reply.read())
        except urllib.error.HTTPError as error:
            try:
                message = str(json.loads(error.read()).get("error", error.reason))
            except (ValueError, AttributeError):
                message = str(error.reason)
            raise SimulatorControlError(
                f"{method} {url}: HTTP {error.code}: {message}", error.code
            ) from None
        except (urllib.error.URLError, OSError, ValueError) as error:
            reason = getattr(error, "reason", error)
            raise SimulatorControlError(
                f"no simulator answering at {self.base_url}: {reason}"
            ) from None

    def health(self) -> dict[str, Any]:
        """``{"status": "ok", "requests": …, "transactions": …, "today": …, "dayOffset": …}``."""
        result: dict[str, Any] = self._call("GET", "health")
        return result

    def advance_days(self, days: int = 1) -> int:
        """Move the simulated clock ``days`` days on and run the remittances of the days passed;
        returns how many transactions changed status."""
        return int(self._call("POST", "advance-days", {"days": days})["changed"])

    def reset(self) -> None:
        """Forget every transaction, wallet, token and exchange; the clock back to the real day."""
        self._call("POST", "reset", {})

    def transactions(
        self, merchant_id: str | None = None, *, limit: int | None = None
    ) -> list[dict[str, Any]]:
        """Every transaction (of one shop, or of all; the ``limit`` most recent), oldest first,
        as JSON objects: the fields of ``Transaction``, the card number masked."""
        query = {k: v for k, v in (("merchantId", merchant_id), ("limit", limit)) if v is not None}
        path = "transactions" + (f"?{urlencode(query)}" if query else "")
        result: list[dict[str, Any]] = self._call("GET", path)
        return result

    def transaction(self, reference: str, merchant_id: str | None = None) -> dict[str, Any] | None:
        """One transaction with its ``operations``, or None when there is none."""
        path = "transactions/" + quote(reference, safe="")
        if merchant_id is not None:
            path += "?" + urlencode({"merchantId": merchant_id})
        try:
            result: dict[str, Any] = self._call("GET", path)
        except SimulatorControlError as error:
            if error.status == 404:
                return None
            raise
        return result

    def exchanges(self) -> list[dict[str, Any]]:
        """The recent requests and answers, newest first, card data masked."""
        result: list[dict[str, Any]] = self._call("GET", "exchanges")
        return result
