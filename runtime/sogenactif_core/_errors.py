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

from ._public import public
from ._redact import scrub_text


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
        # Kept for investigation; deliberately not part of the message (it may hold tokens).
        self.raw = raw
        super().__init__(message)


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

    def __init__(self, message: str, *, code: str = "", detail: str = "") -> None:
        self.code = code
        self.detail = scrub_text(detail)
        super().__init__(
            scrub_text(message) + " The request reached the server: the transaction status is"
            " unknown until checked."
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
    """The response carries no seal and the client was built with ``require_response_seal``."""


@public
class ResponseValidationError(ResponseError):
    """A sealed response did not fit its model (a field of an unexpected type)."""


__all__ = [
    "ConfigurationError",
    "ConnectError",
    "ConnectTimeoutError",
    "HTTPStatusError",
    "ReadTimeoutError",
    "RemoteProtocolError",
    "RequestValidationError",
    "ResponseDecodeError",
    "ResponseError",
    "ResponseTooLargeError",
    "ResponseValidationError",
    "SealMismatchError",
    "SoapFaultError",
    "SogenactifError",
    "TransportError",
    "UnsafeXMLError",
    "UnsignedResponseError",
]
