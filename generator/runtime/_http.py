"""HTTP plumbing shared by the REST and SOAP transports: one pooled ``requests.Session``,
explicit timeouts, a bounded response size, and faults mapped to typed errors that say whether
the request may have reached the server.
"""

from __future__ import annotations

import socket
from dataclasses import dataclass

import requests
from requests.adapters import HTTPAdapter
from urllib3.exceptions import ConnectTimeoutError as _U3ConnectTimeout
from urllib3.exceptions import NewConnectionError, ProtocolError

from ._errors import (
    ConnectError,
    ConnectTimeoutError,
    ReadTimeoutError,
    RemoteProtocolError,
    ResponseTooLargeError,
    TransportError,
)

DEFAULT_MAX_RESPONSE_BYTES = 4 * 1024 * 1024  # Office responses are a few KiB


@dataclass(frozen=True)
class Timeouts:
    connect: float
    read: float


@dataclass(frozen=True)
class HttpReply:
    status_code: int
    content_type: str
    body: bytes


def new_session(pool_size: int = 16) -> requests.Session:
    """A session with a connection pool and no automatic retries (we decide what is retried)."""
    session = requests.Session()
    adapter = HTTPAdapter(pool_connections=4, pool_maxsize=pool_size, max_retries=0)
    session.mount("http://", adapter)
    session.mount("https://", adapter)
    session.trust_env = False  # no proxy or netrc surprises for payment traffic
    return session


def post(
    session: requests.Session,
    url: str,
    body: bytes,
    headers: dict[str, str],
    timeouts: Timeouts,
    max_bytes: int,
) -> HttpReply:
    """POST ``body`` and read the whole reply, mapping every fault to a typed error."""
    try:
        response = session.post(
            url,
            data=body,
            headers=headers,
            timeout=(timeouts.connect, timeouts.read),
            stream=True,
            allow_redirects=False,
        )
    except requests.exceptions.ConnectTimeout:
        raise ConnectTimeoutError(
            f"could not connect to {_origin(url)} within {timeouts.connect} s."
        ) from None
    except requests.exceptions.ReadTimeout:
        raise ReadTimeoutError(
            f"no response from {_origin(url)} within {timeouts.read} s."
        ) from None
    except requests.exceptions.ConnectionError as exc:
        if _never_connected(exc):
            raise ConnectError(f"could not connect to {_origin(url)} ({_reason(exc)}).") from None
        raise RemoteProtocolError(
            f"the connection to {_origin(url)} broke during the exchange ({_reason(exc)})."
        ) from None
    except requests.exceptions.RequestException as exc:
        raise TransportError(
            f"the request to {_origin(url)} failed ({type(exc).__name__}).",
            may_have_reached_server=True,
        ) from None
    try:
        declared = response.headers.get("Content-Length")
        if declared is not None and declared.isdigit() and int(declared) > max_bytes:
            raise ResponseTooLargeError(
                f"the response of {_origin(url)} announces {declared} bytes, more than the "
                f"{max_bytes} accepted."
            )
        chunks: list[bytes] = []
        size = 0
        for chunk in response.iter_content(chunk_size=65536):
            size += len(chunk)
            if size > max_bytes:
                raise ResponseTooLargeError(
                    f"the response of {_origin(url)} is larger than the {max_bytes} bytes accepted."
                )
            chunks.append(chunk)
    except requests.exceptions.ConnectionError as exc:
        if isinstance(exc.__context__, socket.timeout) or "timed out" in str(exc):
            raise ReadTimeoutError(
                f"the response from {_origin(url)} stopped arriving within {timeouts.read} s."
            ) from None
        raise RemoteProtocolError(
            f"the connection to {_origin(url)} broke while the response arrived ({_reason(exc)})."
        ) from None
    except (requests.exceptions.ChunkedEncodingError, ProtocolError) as exc:
        raise RemoteProtocolError(
            f"the response from {_origin(url)} was cut off ({_reason(exc)})."
        ) from None
    finally:
        response.close()
    return HttpReply(
        status_code=response.status_code,
        content_type=response.headers.get("Content-Type", ""),
        body=b"".join(chunks),
    )


def _never_connected(exc: BaseException) -> bool:
    """True when the fault happened before a connection existed (nothing was sent)."""
    seen: set[int] = set()
    stack: list[BaseException | None] = [exc]
    while stack:
        current = stack.pop()
        if current is None or id(current) in seen:
            continue
        seen.add(id(current))
        if isinstance(current, (NewConnectionError, _U3ConnectTimeout, ConnectionRefusedError)):
            return True
        if isinstance(current, socket.gaierror):
            return True
        stack.extend([current.__cause__, current.__context__])
        stack.extend(a for a in getattr(current, "args", ()) if isinstance(a, BaseException))
        reason = getattr(current, "reason", None)
        if isinstance(reason, BaseException):
            stack.append(reason)
    return False


def _reason(exc: BaseException) -> str:
    """A short cause without URLs' query strings or bodies."""
    current: BaseException = exc
    for _ in range(5):
        reason = getattr(current, "reason", None) or (current.args[0] if current.args else None)
        if isinstance(reason, BaseException):
            current = reason
        else:
            break
    return type(current).__name__


def _origin(url: str) -> str:
    scheme, _, rest = url.partition("://")
    host, _, path = rest.partition("/")
    return f"{scheme}://{host}/{path.split('?')[0]}"
