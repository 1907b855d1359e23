"""What the HTTP senders share: timeouts, the reply, the bounded body, and fault messages.

A sender posts bytes and returns the whole reply, or raises a typed error that says whether the
request may have reached the server. Two senders exist, one per way of sending:

- :class:`~sogenactif_core._http_pool.PoolSender`: the client's own pool of connections (the
  default; urllib3's through a proxy): proxies and CA bundles from the options or the
  environment as requests reads them, "nothing was sent" measured per connection, the call's
  deadline enforced by the watchdog;
- :class:`~sogenactif_core._http_session.SessionSender`: a ``requests.Session`` the caller
  supplies (its adapters, proxies, certificates and hooks are used as they are).
"""

from __future__ import annotations

import socket
import time
from collections.abc import Iterator, Mapping
from typing import Protocol
from urllib.parse import urlsplit

from ._errors import (
    ConnectError,
    ConnectTimeoutError,
    ReadTimeoutError,
    RemoteProtocolError,
    ResponseTooLargeError,
    TransportError,
)
from ._masked import Masked

DEFAULT_MAX_RESPONSE_BYTES = 4 * 1024 * 1024  # Office responses are a few KiB
DEFAULT_POOL_SIZE = 16
CHUNK = 65536


# Plain slotted classes, not dataclasses: each dataclass costs about half a millisecond to
# create at import (issue 16's cold start), and these are never changed once made.


class Timeouts:
    """Seconds to open a connection, to wait for each read, and for the whole call.

    ``total`` bounds the call whatever the server does (a server that trickles its answer a byte
    at a time included); connecting and each read never wait longer than what is left of it.
    """

    __slots__ = ("connect", "read", "total")

    def __init__(self, connect: float, read: float, total: float | None = None) -> None:
        self.connect = connect
        self.read = read
        self.total = total

    def __repr__(self) -> str:
        return f"Timeouts(connect={self.connect}, read={self.read}, total={self.total})"


class HttpReply:
    """A whole reply: its status, its content type and its body."""

    __slots__ = ("body", "content_type", "status_code")

    def __init__(self, status_code: int, content_type: str, body: Masked) -> None:
        self.status_code = status_code
        self.content_type = content_type
        self.body = body  # the bytes received (they may echo card data): reveal() where read

    def __repr__(self) -> str:
        return f"<HttpReply {self.status_code} {self.content_type!r} {self.body!r}>"


def reply(status_code: int, content_type: str, body: bytes) -> HttpReply:
    return HttpReply(status_code, content_type, Masked(body, "body"))


class HttpSender(Protocol):
    """One way of sending HTTP requests."""

    timeouts: Timeouts
    max_response_bytes: int

    def post(
        self, url: str, body: Masked, headers: Mapping[str, str], deadline: float | None
    ) -> HttpReply: ...

    def close(self) -> None: ...


def remaining(deadline: float | None, limit: float) -> float:
    """``limit`` seconds, or less when the deadline comes first (never below a millisecond, so
    that a socket timeout of 0 does not turn into a non-blocking socket)."""
    if deadline is None:
        return limit
    return max(0.001, min(limit, deadline - time.monotonic()))


def past(deadline: float | None) -> bool:
    return deadline is not None and time.monotonic() >= deadline


def deadline_error(where: str, timeouts: Timeouts) -> ReadTimeoutError:
    return ReadTimeoutError(
        f"the call to {where} did not complete within its timeout of {timeouts.total} s "
        "(the server was still sending, or not answering)."
    )


def expired_error(where: str, timeouts: Timeouts, sent: bool) -> TransportError:
    """The call's deadline passed: before anything was sent (safe to send again), or after."""
    if not sent:
        return ConnectTimeoutError(
            f"could not connect to {where} within the call's timeout of {timeouts.total} s; "
            "nothing was sent."
        )
    return deadline_error(where, timeouts)


def send_fault(
    where: str, timeouts: Timeouts, *, sent: bool, timed_out: bool, cause: str
) -> TransportError:
    """The typed error of a failure before the response headers arrived, whichever library
    sent: each sender says whether the request went out, whether it was a timeout, and the
    cause's name (``reason``)."""
    if not sent:
        if timed_out:
            return ConnectTimeoutError(
                f"could not connect to {where} within {timeouts.connect} s; nothing was sent."
            )
        return ConnectError(f"could not connect to {where} ({cause}); nothing was sent.")
    if timed_out:
        return ReadTimeoutError(
            f"the request was sent to {where} but no response came within {timeouts.read} s."
        )
    return RemoteProtocolError(
        f"the connection to {where} broke after the request was sent ({cause})."
    )


def read_fault(
    where: str,
    timeouts: Timeouts,
    *,
    timed_out: bool = False,
    broken: bool = False,
    cause: str = "",
) -> TransportError:
    """The typed error of a failure while the body arrived, whichever library read it: no data
    for the read timeout, the connection broken (a body cut short), or a body that could not be
    read (``cause``: ``reason``'s name of what failed)."""
    if timed_out:
        return ReadTimeoutError(
            f"the response from {where} stopped arriving (no data for {timeouts.read} s)."
        )
    if broken:
        return RemoteProtocolError(
            f"the connection to {where} broke while the response arrived ({cause})."
        )
    return RemoteProtocolError(f"the response from {where} could not be read ({cause}).")


def too_large_announced(where: str, declared: str, max_bytes: int) -> ResponseTooLargeError:
    return ResponseTooLargeError(
        f"the response of {where} announces {declared} bytes, more than the {max_bytes} "
        "accepted; it was not read."
    )


def announced_too_large(headers: Mapping[str, str], max_bytes: int) -> str | None:
    """The announced Content-Length when it is over ``max_bytes``."""
    declared = headers.get("Content-Length")
    if declared is not None and declared.isdigit() and int(declared) > max_bytes:
        return declared
    return None


def collect(
    chunks: Iterator[bytes], where: str, max_bytes: int, deadline: float | None
) -> Masked | ResponseTooLargeError:
    """Join ``chunks`` (held masked: they may echo card data), or the error to raise when they
    run past ``max_bytes``; the sender's read errors pass through. ``deadline`` is checked
    between chunks (the watchdog ends a read blocked on a silent server)."""
    parts: list[bytes] = []
    size = 0
    for chunk in chunks:
        size += len(chunk)
        if size > max_bytes:
            return ResponseTooLargeError(
                f"the response of {where} is larger than the {max_bytes} bytes accepted; "
                "reading stopped there."
            )
        parts.append(chunk)
        if deadline is not None and time.monotonic() >= deadline:
            raise DeadlinePassed
    return Masked(b"".join(parts), "body")


class DeadlinePassed(Exception):
    """The call's deadline passed while the body arrived (the sender says it in its terms)."""


def walk(exc: BaseException) -> list[BaseException]:
    """``exc`` and everything it wraps (causes, contexts, reasons, arguments)."""
    seen: set[int] = set()
    found: list[BaseException] = []
    stack: list[BaseException | None] = [exc]
    while stack:
        current = stack.pop()
        if current is None or id(current) in seen:
            continue
        seen.add(id(current))
        found.append(current)
        stack.extend([current.__cause__, current.__context__])
        stack.extend(a for a in getattr(current, "args", ()) if isinstance(a, BaseException))
        reason = getattr(current, "reason", None)
        if isinstance(reason, BaseException):
            stack.append(reason)
    return found


def timed_out(exc: BaseException) -> bool:
    return any(isinstance(e, (socket.timeout, TimeoutError)) for e in walk(exc)) or (
        "timed out" in str(exc)
    )


def reason(exc: BaseException, library: tuple[type[BaseException], ...] = ()) -> str:
    """The most telling cause's type name (``ConnectionRefusedError``, ``RemoteDisconnected`` …):
    short, and never a URL's query string or a body."""
    causes = walk(exc)
    system = [
        c for c in causes if type(c).__module__ in ("builtins", "http.client", "socket", "ssl")
    ]
    # anyio wraps the refusal in a bare OSError("All connection attempts failed"): prefer the
    # specific error it wraps.
    specific = [c for c in system if type(c) not in (OSError, Exception)]
    if specific or system:
        return type((specific or system)[0]).__name__
    for cause in reversed(causes):
        if not isinstance(cause, library):
            return type(cause).__name__
    return type(exc).__name__


def is_http_url(url: object) -> bool:
    """True for what both senders can connect to (a base URL, a proxy): an ``http://`` or
    ``https://`` URL whose host is a name or an address (no space, at most 63 characters a
    label) and whose port, if any, is a port number. Anything else would fail at the first call,
    as if the network had, or as a raw ``ValueError`` of the library underneath."""
    if not isinstance(url, str):
        return False
    try:
        parts = urlsplit(url)
        parts.port  # noqa: B018 - raises ValueError outside 0-65535 or when not a number
        host = parts.hostname
        if parts.scheme not in ("http", "https") or not host or not host.isprintable():
            return False
        if " " in host:
            return False
        host.encode("idna")  # UnicodeError (a ValueError) for an empty or over-long label
    except ValueError:
        return False
    return True


def origin(url: str) -> str:
    """``scheme://host/path`` of ``url``, without its query string."""
    scheme, _, rest = url.partition("://")
    host, _, path = rest.partition("/")
    return f"{scheme}://{host}/{path.split('?')[0]}"
