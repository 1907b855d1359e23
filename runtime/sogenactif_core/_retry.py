"""Opt-in retries that cannot charge twice: ``Client(retry=sogenactif.RetryPolicy(...))``.

By default (``retry=None``) a client never sends a request twice. With a :class:`RetryPolicy`, a
call is sent again when, and only when:

1. **Nothing was sent.** The attempt failed before the first byte of the request left the client
   (connection refused, DNS failure, connect timeout, TLS handshake failure: a
   :class:`~sogenactif.TransportError` with ``may_have_reached_server=False``). Safe for every
   function: the platform never saw the request.
2. **The platform answered responseCode (or walletResponseCode) 90 or 99**, which the Office
   Server guide defines as "temporary technical problem … try to execute the function again
   later", and a resend is known to be harmless:

   a. the function is read-only (``FunctionSpec.read_only``: the diagnostic look-ups, the
      wallet reads and tokenToPan); or
   b. the function creates a new transaction under the ``transactionReference`` the request
      carries (``FunctionSpec.duplicate_protected``: ``checkout.cardOrder``,
      ``checkout.walletOrder``, ``cashManagement.duplicate``). The platform refuses a second
      transaction with the same reference (responseCode 94, "duplicated transactionReference"),
      so a resend cannot create a second payment. When the request carries no
      ``transactionReference`` (shops where the platform generates it) nothing protects a
      resend and it is not retried.

   Both come from the spec (``resend: read-only`` / ``resend: duplicate-protected`` on the
   function, see ``spec/README.md``).

   If such a resend is refused as a duplicate (94, or 24 "operation already done with the same
   data"), the platform did record the earlier attempt: the earlier 90/99 answer is returned, not
   the duplicate refusal, and a warning is logged.

Never retried, whatever the function: a :class:`~sogenactif.SealMismatchError` (the guide: the
status is unknown and the transaction must not be re-executed automatically), a read timeout, a
connection broken after the request was sent, an HTTP error status, a SOAP fault, an unreadable
response, or any error with ``may_have_reached_server=True``; any response code other than 90/99.
Operations on an existing transaction (refund, cancel, validate, creditHolder …) are not resent
after 90/99: they carry the reference of the transaction they act on, and two identical partial
refunds are two legitimate operations, so no duplicate check is known to stop the second one.

Delays: exponential (``backoff``, ``2 × backoff``, ``4 × backoff`` …) capped at ``max_backoff``,
with "equal jitter" (a random delay between half and all of it) so that many clients do not
retry in step. At most ``max_attempts`` sends in all (no more than 10), so one call is bounded by
``max_attempts`` exchanges plus ``(max_attempts - 1) × max_backoff`` seconds of waiting.
"""

from __future__ import annotations

import random
import time
from collections.abc import Awaitable, Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

from ._errors import ConfigurationError, SogenactifError, TransportError
from ._metadata import FunctionSpec
from ._public import public
from ._transport import WireCall

#: "90 service unavailable", "99 temporary server problem": the guide says to try again later.
TEMPORARY_CODES: frozenset[str] = frozenset({"90", "99"})
#: The answers to a resend that say the earlier attempt was recorded.
DUPLICATE_CODES: frozenset[str] = frozenset({"94", "24"})
MAX_ATTEMPTS_LIMIT = 10


def _codes(raw: Mapping[str, Any]) -> set[str]:
    return {str(raw[k]) for k in ("responseCode", "walletResponseCode") if raw.get(k) is not None}


@public
@dataclass(frozen=True)
class RetryPolicy:
    """Which calls may be sent again, and how long to wait in between (see the module doc).

    ``RetryPolicy(max_attempts=3, backoff=0.2, max_backoff=2.0, jitter=True)``: at most 3 sends,
    waiting about 0.2 s then 0.4 s. ``sleep`` is for tests.

    ``duplicate_protected``: ``None`` (the default) takes the functions the spec marks
    ``resend: duplicate-protected``; a set of qualified names (``"checkout.cardOrder"``) replaces
    them, e.g. ``frozenset()`` to resend no payment at all. Add a function only when its
    duplicate refusal is confirmed for your shop.
    """

    max_attempts: int = 3
    backoff: float = 0.2
    max_backoff: float = 2.0
    jitter: bool = True
    duplicate_protected: frozenset[str] | None = None
    sleep: Callable[[float], None] = field(default=time.sleep, repr=False, compare=False)
    # The async client's wait (asyncio.sleep when None).
    async_sleep: Callable[[float], Awaitable[None]] | None = field(
        default=None, repr=False, compare=False
    )

    def __post_init__(self) -> None:
        if (
            isinstance(self.max_attempts, bool)
            or not isinstance(self.max_attempts, int)
            or not 1 <= self.max_attempts <= MAX_ATTEMPTS_LIMIT
        ):
            raise ConfigurationError(
                f"max_attempts must be a whole number from 1 to {MAX_ATTEMPTS_LIMIT}"
            )
        for name in ("backoff", "max_backoff"):
            value = getattr(self, name)
            if isinstance(value, bool) or not isinstance(value, (int, float)) or not value >= 0:
                raise ConfigurationError(f"{name} must be a number of seconds, 0 or more")
        if self.max_backoff < self.backoff or self.max_backoff > 60:
            raise ConfigurationError("max_backoff must be between backoff and 60 seconds")

    async def sleep_async(self, seconds: float) -> None:
        if self.async_sleep is not None:
            await self.async_sleep(seconds)
            return
        import asyncio  # only the async client waits this way

        await asyncio.sleep(seconds)

    def delay(self, attempt: int) -> float:
        """Seconds to wait after failed attempt number ``attempt`` (1 for the first)."""
        base: float = min(self.max_backoff, self.backoff * 2 ** (attempt - 1))
        if self.jitter:
            # Not for secrets: spreading retries needs no cryptographic randomness.
            return random.uniform(base / 2, base)  # noqa: S311
        return base

    def retry_after_error(
        self, fn: FunctionSpec[Any, Any], call: WireCall, error: SogenactifError
    ) -> str | None:
        """Why the call may be sent again after ``error``, or None."""
        if isinstance(error, TransportError) and not error.may_have_reached_server:
            return f"{type(error).__name__}, nothing was sent"
        return None

    def retry_after_response(
        self, fn: FunctionSpec[Any, Any], call: WireCall, raw: Mapping[str, Any]
    ) -> str | None:
        """Why the call may be sent again after this (seal-checked) answer, or None."""
        codes = _codes(raw) & TEMPORARY_CODES
        if not codes:
            return None
        code = min(codes)
        if fn.read_only:
            return f"responseCode {code} on a read-only function"
        if self.protects(fn, call):
            return (
                f"responseCode {code}; a resend with the same transactionReference is refused (94)"
            )
        return None

    def protects(self, fn: FunctionSpec[Any, Any], call: WireCall) -> bool:
        """True when the platform refuses a resend of ``call`` as a duplicate."""
        return self._protected(fn) and bool(call.fields.get("transactionReference"))

    def is_duplicate_refusal(self, fn: FunctionSpec[Any, Any], raw: Mapping[str, Any]) -> bool:
        """True when a resend's answer says the earlier attempt was recorded (94, 24)."""
        return self._protected(fn) and bool(_codes(raw) & DUPLICATE_CODES)

    def _protected(self, fn: FunctionSpec[Any, Any]) -> bool:
        if self.duplicate_protected is None:
            return fn.duplicate_protected
        return fn.qualified_name in self.duplicate_protected


__all__ = ["TEMPORARY_CODES", "RetryPolicy"]
