"""Every error the client raises, all under :class:`SogenactifError`.

Each error says whether the request may have reached the server (``may_have_reached_server``):
when it is ``False`` nothing happened on the platform and the call can be made again; when it is
``True`` the operation may have been performed and must be checked (for instance with
``diagnostic.get_transaction_data``) before anything is sent again.

Messages never contain secret keys, card numbers, CSC values or tokens: they name fields, never
their values.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from ._masked import reveal_all
from ._public import public
from ._redact import mask_fields, scrub_text


@public
class SogenactifError(Exception):
    """Base class of every error raised by this package."""

    #: False when the request certainly did not reach the server.
    may_have_reached_server: bool = False
    #: How many times the request was sent (or tried) before this error; > 1 only with a
    #: :class:`~sogenactif.RetryPolicy`.
    attempts: int = 1


@public
class ConfigurationError(SogenactifError, ValueError):
    """The client was built with an invalid setting (merchant id, environment, algorithm …)."""


@public
class RequestValidationError(SogenactifError, ValueError):
    """The request breaks the data dictionary; it was refused before anything was sent.

    ``problems`` lists ``(field path, what is wrong)`` pairs, e.g.
    ``("shoppingCartDetail.shoppingCartItemList[0].productCode", "is required")``.
    """

    may_have_reached_server = False

    def __init__(self, function: str, problems: Sequence[tuple[str, str]]) -> None:
        self.function = function
        self.problems = list(problems)
        self.fields = [path for path, _ in self.problems]
        details = "; ".join(f"{path}: {message}" for path, message in self.problems)
        super().__init__(f"{function} request refused before sending: {details}")


# ------------------------------------------------------------------ transport faults


@public
class TransportError(SogenactifError):
    """The exchange with the server failed at the network or HTTP level."""

    def __init__(self, message: str, *, may_have_reached_server: bool) -> None:
        self.may_have_reached_server = may_have_reached_server
        if may_have_reached_server:
            message += (
                " The request may have reached the server: check the transaction's status"
                " before sending it again."
            )
        else:
            message += " The request did not reach the server; it is safe to send it again."
        super().__init__(message)


@public
class ConnectError(TransportError):
    """No connection could be opened (refused, DNS, TLS handshake): nothing was sent."""

    def __init__(self, message: str) -> None:
        super().__init__(message, may_have_reached_server=False)


@public
class ConnectTimeoutError(ConnectError):
    """The connection could not be opened in time: nothing was sent."""


@public
class ReadTimeoutError(TransportError):
    """The request was sent but the response did not arrive in time."""

    def __init__(self, message: str) -> None:
        super().__init__(message, may_have_reached_server=True)


@public
class RemoteProtocolError(TransportError):
    """The connection broke while the request or the response was in flight."""

    def __init__(self, message: str) -> None:
        super().__init__(message, may_have_reached_server=True)


@public
class HTTPStatusError(TransportError):
    """The server answered with an HTTP error status (415, 500 …) instead of a response."""

    def __init__(self, message: str, *, status_code: int, content_type: str = "") -> None:
        self.status_code = status_code
        self.content_type = content_type
        super().__init__(message, may_have_reached_server=True)


@public
class ResponseTooLargeError(TransportError):
    """The response was larger than the client accepts (``max_response_bytes``)."""

    def __init__(self, message: str) -> None:
        super().__init__(message, may_have_reached_server=True)


# ------------------------------------------------------------------ response problems


@public
class ResponseError(SogenactifError):
    """A response arrived but cannot be trusted or understood.

    The operation may have been performed: the transaction status is unknown.
    """

    may_have_reached_server = True

    def __init__(self, message: str, *, raw: Mapping[str, Any] | None = None) -> None:
        # Kept for investigation, card data masked (see ``raw``); never part of the message.
        self._raw = mask_fields(dict(raw)) if raw is not None else None
        super().__init__(message)

    @property
    def raw(self) -> dict[str, Any] | None:
        """The decoded response as received (a fresh copy; it may hold tokens)."""
        return reveal_all(self._raw) if self._raw is not None else None


@public
class ResponseDecodeError(ResponseError):
    """The response body is not the JSON object or SOAP envelope expected."""


@public
class UnsafeXMLError(ResponseDecodeError):
    """The SOAP response carries a DTD or entities; it was refused unparsed (no XXE)."""


@public
class SoapFaultError(ResponseError):
    """The server answered with a SOAP fault.

    The fault text comes from the server and may echo what was sent: card-number-like digits are
    masked in the message and in ``detail``.
    """

    def __init__(
        self, message: str, *, code: str = "", detail: str = "", known: Sequence[str] = ()
    ) -> None:
        # ``known``: the request's card data, masked wherever the server echoes it.
        self.code = scrub_text(code, known)
        self.detail = scrub_text(detail, known)
        super().__init__(
            scrub_text(message, known) + " The request reached the server: the transaction "
            "status is unknown until checked."
        )


@public
class SealMismatchError(ResponseError):
    """The response seal does not match the one recomputed with the secret key.

    As the Sogenactif guide says: the transaction status is unknown; leave the transaction as it
    is, contact the support, and do not send it again automatically. Never retried.
    """

    def __init__(
        self, function: str, *, raw: Mapping[str, Any] | None = None, reason: str = ""
    ) -> None:
        what = reason or "the response seal does not match the seal recomputed with the secret key"
        super().__init__(
            f"{function}: {what}. The transaction status is unknown: it must not be retried "
            "automatically; leave the transaction as it is, check it (e.g. with "
            "diagnostic.get_transaction_data) and contact the support.",
            raw=raw,
        )


@public
class UnsignedResponseError(ResponseError):
    """The response carries no seal, and reports what only a sealed answer may report (a
    success: money moved or data returned), or the client requires sealed responses
    (``require_response_seal=True``). Whoever can alter a response in transit could have
    written it: the transaction status is unknown until looked up."""


@public
class EchoMismatchError(ResponseError):
    """The response (sealed or not) names another transaction, shop or amount than the request:
    it is not the answer to this call (a replayed or misrouted response). The transaction status
    of this call is unknown until looked up."""

    def __init__(
        self, message: str, *, fields: Sequence[str], raw: Mapping[str, Any] | None = None
    ) -> None:
        self.fields = list(fields)
        super().__init__(message, raw=raw)


@public
class SealRefusedError(ResponseError):
    """The platform answered responseCode 34: it refused the request's seal (a wrong
    ``secret_key`` or ``key_version``, the first mistake of every integration). A 34 is a
    refusal: the request was not executed. Its own seal did not verify with this key either,
    which is what a wrong key gives."""


@public
class DuplicateResendError(ResponseError):
    """A call answered 90/99 ("try again later") was sent again by the retry policy, and the
    platform refused the resend as a duplicate (94, or 24): it had recorded the first attempt.
    The first attempt's outcome stands: look the transaction up (its reference is
    ``transaction_reference``) and never pay again under a new reference.

    ``first_response`` is the first attempt's answer, ``duplicate_response`` the refusal."""

    def __init__(
        self,
        message: str,
        *,
        first_response: Any,
        duplicate_response: Any,
        transaction_reference: str | None,
    ) -> None:
        self.first_response = first_response
        self.duplicate_response = duplicate_response
        self.transaction_reference = transaction_reference
        super().__init__(message, raw=getattr(duplicate_response, "raw", None))


@public
class ResponseValidationError(ResponseError):
    """A sealed response did not fit its model (a field of an unexpected type)."""


__all__ = [
    "ConfigurationError",
    "ConnectError",
    "ConnectTimeoutError",
    "DuplicateResendError",
    "EchoMismatchError",
    "HTTPStatusError",
    "ReadTimeoutError",
    "RemoteProtocolError",
    "RequestValidationError",
    "ResponseDecodeError",
    "ResponseError",
    "ResponseTooLargeError",
    "ResponseValidationError",
    "SealMismatchError",
    "SealRefusedError",
    "SoapFaultError",
    "SogenactifError",
    "TransportError",
    "UnsafeXMLError",
    "UnsignedResponseError",
]
