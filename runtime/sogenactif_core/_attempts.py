"""One call's attempts: after each one, return, raise, or send the call again after a delay.

The decisions of :class:`~sogenactif.RetryPolicy` applied to one call, shared by the sync and the
async client (each only sends and sleeps in its own way):

- an error ends the call, unless the policy allows a resend (nothing was sent);
- an answer ends the call, unless it is a 90/99 the policy may resend;
- a resend refused as a duplicate (94/24) after a 90/99 is a :class:`DuplicateResendError`;
- no resend whose wait would end past the call's deadline.
"""

from __future__ import annotations

import logging
import time
from typing import TYPE_CHECKING, Any, Generic, TypeVar

from ._base import ResponseModel
from ._errors import DuplicateResendError, SogenactifError

if TYPE_CHECKING:
    from ._metadata import FunctionSpec
    from ._retry import RetryPolicy
    from ._transport import WireCall

logger = logging.getLogger("sogenactif")

ResponseT = TypeVar("ResponseT", bound=ResponseModel)


class Done(Generic[ResponseT]):
    """The call is over: return this answer."""

    __slots__ = ("response",)

    def __init__(self, response: ResponseT) -> None:
        self.response = response


class Attempts(Generic[ResponseT]):
    def __init__(
        self,
        fn: FunctionSpec[Any, ResponseT],
        call: WireCall,
        policy: RetryPolicy | None,
        deadline: float | None,
        protocol: str,
    ) -> None:
        self.fn = fn
        self.call = call
        self.policy = policy
        self.deadline = deadline
        self.protocol = protocol
        self.number = 1
        self.earlier: ResponseT | None = None  # a 90/99 answer to an earlier attempt

    def after_error(self, exc: SogenactifError) -> float | Done[ResponseT]:
        """The delay before sending again, or the earlier answer; raises ``exc`` otherwise."""
        exc.attempts = self.number
        # Library exceptions behind a typed error hold the request or the response (card data,
        # tokens): never chained, never kept as context, whatever the transport.
        exc.__cause__ = exc.__context__ = None
        if logger.isEnabledFor(logging.DEBUG):
            logger.debug(
                "%s %s attempt %d: %s", self.protocol, self.fn.qualified_name, self.number, exc
            )
        policy = self.policy
        reason = None
        if policy is not None and self.number < policy.max_attempts:
            reason = policy.retry_after_error(self.fn, self.call, exc)
        delay = self._delay(reason)
        if delay is not None:
            return delay
        earlier = self.earlier
        if earlier is not None and not exc.may_have_reached_server:
            return Done(earlier)  # the platform's own answer; this attempt sent nothing
        if earlier is not None:
            exc.add_note(
                f"An earlier attempt of this call was answered responseCode "
                f"{code_of(earlier.raw)}; this attempt's outcome is unknown."
            )
        raise exc

    def after_answer(self, raw: dict[str, Any], response: ResponseT) -> float | Done[ResponseT]:
        """The delay before sending again, or the answer to return."""
        policy = self.policy
        if self.earlier is not None and policy is not None:
            if policy.is_duplicate_refusal(self.fn, raw):
                raise self._duplicate_resend(response)
        reason = None
        if policy is not None and self.number < policy.max_attempts:
            reason = policy.retry_after_response(self.fn, self.call, raw)
        delay = self._delay(reason)
        if delay is None:
            return Done(response)
        self.earlier = response
        return delay

    def _delay(self, reason: str | None) -> float | None:
        """How long to wait before the next attempt, or None: no resend allowed, or the call's
        deadline would pass before that attempt could even start (the deadline bounds the
        waits and the resends too)."""
        if reason is None:
            return None
        policy = self.policy
        assert policy is not None
        delay = policy.delay(self.number)
        if self.deadline is not None and time.monotonic() + delay >= self.deadline:
            logger.warning(
                "%s: %s, but no time is left for another attempt within the call's timeout",
                self.fn.qualified_name,
                reason,
            )
            return None
        logger.warning(
            "%s: attempt %d of %d: %s; sending it again in %.2f s",
            self.fn.qualified_name,
            self.number,
            policy.max_attempts,
            reason,
            delay,
        )
        self.number += 1
        return delay

    def _duplicate_resend(self, refusal: Any) -> DuplicateResendError:
        earlier = self.earlier
        assert earlier is not None
        name = self.fn.qualified_name
        reference = self.call.wire_fields.get("transactionReference")
        logger.warning(
            "%s: the resend was refused as a duplicate (responseCode %s): the platform "
            "recorded attempt 1 (answered %s)",
            name,
            code_of(refusal.raw),
            code_of(earlier.raw),
        )
        error = DuplicateResendError(
            f"{name}: attempt 1 was answered responseCode {code_of(earlier.raw)} (temporary "
            f"problem); the resend (attempt {self.number}) was refused as a duplicate "
            f"(responseCode {code_of(refusal.raw)}): the platform recorded attempt 1, whose "
            f"outcome stands. Look it up (diagnostic.get_transaction_data, transactionReference "
            f"{reference!s}) and never pay again under a new reference.",
            first_response=earlier,
            duplicate_response=refusal,
            transaction_reference=None if reference is None else str(reference),
        )
        error.attempts = self.number
        return error


def code_of(raw: Any) -> str:
    """The answer's responseCode (or walletResponseCode), for messages."""
    return str(raw.get("responseCode", raw.get("walletResponseCode", "?")))[:4]
