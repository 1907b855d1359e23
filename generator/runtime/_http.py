"""HTTP plumbing shared by the REST and SOAP transports: one pooled ``requests.Session``,
explicit timeouts, a bounded response size, and faults mapped to typed errors that say whether
the request may have reached the server.

Whether anything was sent is not guessed from exception types: the session's connections record,
per thread, the moment the first byte of a request is handed to the socket. A failure before that
moment (refused, DNS, connect timeout, TLS handshake) is a :class:`ConnectError` with
``may_have_reached_server=False``; any failure after it may have reached the server. Sessions
supplied by the caller are not instrumented: for them only errors that can only happen while
connecting count as "nothing sent".
"""

from __future__ import annotations

import http.cookiejar
import socket
import threading
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from typing import Any, cast

import requests
import urllib3
from requests.adapters import HTTPAdapter
from urllib3.connection import HTTPConnection, HTTPSConnection
from urllib3.connectionpool import HTTPConnectionPool, HTTPSConnectionPool
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
DEFAULT_POOL_SIZE = 16

# Per thread: has the current request's first byte been handed to a socket?
_progress = threading.local()


@dataclass(frozen=True)
class Timeouts:
    """Seconds to open a connection, and to wait for each read of the response."""

    connect: float
    read: float


@dataclass(frozen=True)
class HttpReply:
    status_code: int
    content_type: str
    body: bytes


def _mark_sent() -> None:
    _progress.sent = True


class _TrackedHTTPConnection(HTTPConnection):
    def send(self, data: Any) -> None:
        if self.sock is None:
            self.connect()  # a failure here: nothing was sent
        _mark_sent()
        super().send(data)


class _TrackedHTTPSConnection(HTTPSConnection):
    def send(self, data: Any) -> None:
        if self.sock is None:
            self.connect()
        _mark_sent()
        super().send(data)


class _TrackedHTTPPool(HTTPConnectionPool):
    ConnectionCls = _TrackedHTTPConnection


class _TrackedHTTPSPool(HTTPSConnectionPool):
    ConnectionCls = _TrackedHTTPSConnection


class _TrackingAdapter(HTTPAdapter):
    """A pooled adapter whose connections record when a request starts leaving the client."""

    def init_poolmanager(self, *args: Any, **kwargs: Any) -> None:
        super().init_poolmanager(*args, **kwargs)
        self.poolmanager.pool_classes_by_scheme = {
            "http": _TrackedHTTPPool,
            "https": _TrackedHTTPSPool,
        }


def new_session(pool_size: int = DEFAULT_POOL_SIZE) -> requests.Session:
    """A session with a thread-safe connection pool and no automatic retries (the client decides
    what is retried), no cookies kept between calls (Office calls are stateless, and a shared
    cookie jar is shared state between threads), and no proxy or netrc from the environment."""
    session = requests.Session()
    adapter = _TrackingAdapter(pool_connections=4, pool_maxsize=pool_size, max_retries=0)
    session.mount("http://", adapter)
    session.mount("https://", adapter)
    session.trust_env = False
    session.cookies.set_policy(http.cookiejar.DefaultCookiePolicy(allowed_domains=[]))
    session.__dict__[_DIRECT] = (adapter, {})  # see _direct_send
    return session


def post(
    session: requests.Session,
    url: str,
    body: bytes,
    headers: dict[str, str],
    timeouts: Timeouts,
    max_bytes: int,
) -> HttpReply:
    """POST ``body`` and read the whole reply, mapping every fault to a typed error.

    Typed errors are raised outside ``except`` blocks: the library exceptions, which hold the
    prepared request and so its body (card data), are neither chained nor kept as context.
    """
    tracked = isinstance(session.get_adapter(url), _TrackingAdapter)
    _progress.sent = False
    fault: TransportError | None = None
    response: requests.Response | None = None
    pooled: urllib3.BaseHTTPResponse | None = None
    try:
        pooled = _direct_send(session, url, body, headers, timeouts)
        if pooled is None:
            response = session.post(
                url,
                data=body,
                headers=headers,
                timeout=(timeouts.connect, timeouts.read),
                stream=True,
                allow_redirects=False,
            )
    except requests.exceptions.RequestException as exc:
        fault = _send_fault(exc, url, timeouts, sent=_sent(exc, tracked))
    if fault is not None:
        raise fault
    reply_headers: Mapping[str, str]
    if pooled is not None:
        status, reply_headers = pooled.status, pooled.headers
        chunks: Iterator[bytes] = _pooled_chunks(pooled)
    else:
        assert response is not None
        status, reply_headers = response.status_code, response.headers
        chunks = response.iter_content(chunk_size=_CHUNK)
    read_to_the_end = False
    try:
        content = _read_body(reply_headers, chunks, url, timeouts, max_bytes)
        read_to_the_end = True
    finally:
        if pooled is not None:
            _close_pooled(pooled, read_to_the_end)
        else:
            assert response is not None
            response.close()
    return HttpReply(
        status_code=status,
        content_type=reply_headers.get("Content-Type", ""),
        body=content,
    )


_CHUNK = 65536


# --------------------------------------------------------------------------- performance
#
# ``Session.post`` spends about as long preparing each request (merging the session's settings,
# cookies, environment and hooks, parsing the URL again) as the exchange takes on the loopback,
# and ``HTTPAdapter.send`` as long again building a ``Response`` (headers copied, cookies
# extracted) around urllib3's. For a session made by ``new_session`` and left as it was (no
# proxies, auth, params, hooks, cookies, custom certificates or adapters), every call of a
# function merges the same things the same way: the request is prepared by the session once per
# (URL, headers, session headers) and reused with each new body, and sent through the connection
# pool of the session's own adapter with the arguments ``HTTPAdapter.send`` gives urllib3 (so the
# same bytes on the wire, through the same pooled connections). urllib3's exceptions are turned
# into the ones ``HTTPAdapter.send`` and ``Response.iter_content`` raise (``_as_requests_error``),
# so one fault mapping serves both paths. Redirects are not followed either way, and the session
# keeps no cookies. Anything else goes through ``Session.post``.

_DIRECT = "_sogenactif_direct"
_MAX_TEMPLATES = 256


@dataclass(frozen=True)
class _Template:
    request: requests.PreparedRequest  # for the adapter's pool and certificate settings
    path: str  # what HTTPAdapter.request_url gives for it (no proxy: the path and query)
    headers: dict[str, str]  # in the prepared order, Content-Length included


def _direct_send(
    session: requests.Session, url: str, body: bytes, headers: dict[str, str], timeouts: Timeouts
) -> urllib3.BaseHTTPResponse | None:
    direct = session.__dict__.get(_DIRECT)
    if direct is None or not body:
        return None
    adapter: _TrackingAdapter = direct[0]
    templates: dict[tuple[Any, ...], _Template] = direct[1]
    if (
        session.trust_env
        or session.verify is not True
        or session.cert is not None
        or session.proxies
        or session.auth is not None
        or session.params
        or any(session.hooks.values())
        or len(session.cookies)
        or session.get_adapter(url) is not adapter
    ):
        return None
    key = (url, tuple(headers.items()), tuple(session.headers.items()))
    template = templates.get(key)
    if template is None:
        prepared = session.prepare_request(
            requests.Request("POST", url, data=body, headers=headers)
        )
        template = _Template(prepared, adapter.request_url(prepared, {}), dict(prepared.headers))
        if len(templates) < _MAX_TEMPLATES:
            templates[key] = template
    request_headers = template.headers.copy()
    request_headers["Content-Length"] = str(len(body))  # the key is there: its place is kept
    try:
        # HTTPAdapter.send, for this request: same pool, same urlopen arguments.
        pool = cast(
            HTTPConnectionPool,
            adapter.get_connection_with_tls_context(template.request, True, proxies={}, cert=None),
        )
        adapter.cert_verify(pool, url, True, None)  # type: ignore[no-untyped-call]  # (stubs)
        response: urllib3.BaseHTTPResponse = pool.urlopen(
            method="POST",
            url=template.path,
            body=body,
            headers=request_headers,
            redirect=False,
            assert_same_host=False,
            preload_content=False,
            decode_content=False,
            retries=adapter.max_retries,
            timeout=urllib3.Timeout(connect=timeouts.connect, read=timeouts.read),
            chunked=False,
        )
        return response
    except (urllib3.exceptions.HTTPError, OSError) as exc:
        error = _as_requests_error(exc)
    raise error  # outside the except block: urllib3's exception is not kept as context


def _as_requests_error(exc: Exception) -> Exception:
    """The exception ``HTTPAdapter.send`` raises for urllib3's ``exc`` (requests 2.x)."""
    u3 = urllib3.exceptions
    rex = requests.exceptions
    if isinstance(exc, u3.LocationValueError):
        return rex.InvalidURL(exc)
    if isinstance(exc, (ProtocolError, OSError)):
        return rex.ConnectionError(exc)
    if isinstance(exc, u3.MaxRetryError):
        reason = exc.reason
        if isinstance(reason, _U3ConnectTimeout) and not isinstance(reason, NewConnectionError):
            return rex.ConnectTimeout(exc)
        if isinstance(reason, u3.ResponseError):
            return rex.RetryError(exc)
        if isinstance(reason, u3.ProxyError):
            return rex.ProxyError(exc)
        if isinstance(reason, u3.SSLError):
            return rex.SSLError(exc)
        return rex.ConnectionError(exc)
    if isinstance(exc, u3.ClosedPoolError):
        return rex.ConnectionError(exc)
    if isinstance(exc, u3.ProxyError):
        return rex.ProxyError(exc)
    if isinstance(exc, u3.SSLError):
        return rex.SSLError(exc)
    if isinstance(exc, u3.ReadTimeoutError):
        return rex.ReadTimeout(exc)
    if isinstance(exc, u3.InvalidHeader):
        return rex.InvalidHeader(exc)
    return rex.RequestException(exc)  # requests lets it through; here it is a send fault too


def _pooled_chunks(response: urllib3.BaseHTTPResponse) -> Iterator[bytes]:
    """``Response.iter_content`` of a urllib3 response, with its exception translation."""
    u3 = urllib3.exceptions
    rex = requests.exceptions
    error: Exception
    try:
        yield from response.stream(_CHUNK, decode_content=True)
        return
    except ProtocolError as exc:
        error = rex.ChunkedEncodingError(exc)
    except u3.DecodeError as exc:
        error = rex.ContentDecodingError(exc)
    except u3.ReadTimeoutError as exc:
        error = rex.ConnectionError(exc)
    except u3.SSLError as exc:
        error = rex.SSLError(exc)
    raise error


def _close_pooled(response: urllib3.BaseHTTPResponse, read_to_the_end: bool) -> None:
    """``Response.close``: a body not read to its end closes the connection; then the connection
    goes back to the pool."""
    if not read_to_the_end:
        response.close()
    response.release_conn()


def _read_body(
    headers: Mapping[str, str],
    body: Iterator[bytes],
    url: str,
    timeouts: Timeouts,
    max_bytes: int,
) -> bytes:
    """The whole body, at most ``max_bytes``; every fault while it arrives is a typed error."""
    where = _origin(url)
    declared = headers.get("Content-Length")
    if declared is not None and declared.isdigit() and int(declared) > max_bytes:
        raise ResponseTooLargeError(
            f"the response of {where} announces {declared} bytes, more than the {max_bytes} "
            "accepted; it was not read."
        )
    chunks: list[bytes] = []
    size = 0
    fault: TransportError | None = None
    try:
        for chunk in body:
            size += len(chunk)
            if size > max_bytes:
                fault = ResponseTooLargeError(
                    f"the response of {where} is larger than the {max_bytes} bytes accepted; "
                    "reading stopped there."
                )
                break
            chunks.append(chunk)
    except requests.exceptions.ConnectionError as exc:
        if _timed_out(exc):
            fault = ReadTimeoutError(
                f"the response from {where} stopped arriving (no data for {timeouts.read} s)."
            )
        else:
            fault = RemoteProtocolError(
                f"the connection to {where} broke while the response arrived ({_reason(exc)})."
            )
    except (requests.exceptions.ChunkedEncodingError, ProtocolError) as exc:
        fault = RemoteProtocolError(f"the response from {where} was cut off ({_reason(exc)}).")
    except requests.exceptions.RequestException as exc:
        fault = RemoteProtocolError(
            f"the response from {where} could not be read ({_reason(exc)})."
        )
    if fault is not None:
        raise fault
    return b"".join(chunks)


def _sent(exc: BaseException, tracked: bool) -> bool:
    """Whether any byte of the request may have left the client when ``exc`` happened."""
    if tracked:
        return bool(getattr(_progress, "sent", True))
    return not _never_connected(exc)


def _send_fault(
    exc: requests.exceptions.RequestException, url: str, timeouts: Timeouts, *, sent: bool
) -> TransportError:
    """The typed error of a failure before the response headers arrived."""
    where = _origin(url)
    if not sent:
        if isinstance(exc, requests.exceptions.ConnectTimeout) or _timed_out(exc):
            return ConnectTimeoutError(
                f"could not connect to {where} within {timeouts.connect} s; nothing was sent."
            )
        return ConnectError(f"could not connect to {where} ({_reason(exc)}); nothing was sent.")
    if isinstance(exc, requests.exceptions.ReadTimeout) or _timed_out(exc):
        return ReadTimeoutError(
            f"the request was sent to {where} but no response came within {timeouts.read} s."
        )
    if isinstance(exc, requests.exceptions.ConnectionError):
        return RemoteProtocolError(
            f"the connection to {where} broke after the request was sent ({_reason(exc)})."
        )
    return TransportError(
        f"the request to {where} failed ({_reason(exc)}).", may_have_reached_server=True
    )


def _walk(exc: BaseException) -> list[BaseException]:
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


def _never_connected(exc: BaseException) -> bool:
    """True when the fault can only have happened before a connection existed."""
    connecting = (NewConnectionError, _U3ConnectTimeout, ConnectionRefusedError, socket.gaierror)
    return any(isinstance(e, connecting) for e in _walk(exc))


def _timed_out(exc: BaseException) -> bool:
    return any(isinstance(e, (socket.timeout, TimeoutError)) for e in _walk(exc)) or (
        "timed out" in str(exc)
    )


def _reason(exc: BaseException) -> str:
    """The most telling cause's type name (``ConnectionRefusedError``, ``RemoteDisconnected`` …):
    short, and never a URL's query string or a body."""
    causes = _walk(exc)
    for cause in causes:
        if type(cause).__module__ in ("builtins", "http.client", "socket", "ssl"):
            return type(cause).__name__
    for cause in reversed(causes):
        if not isinstance(cause, requests.exceptions.RequestException):
            return type(cause).__name__
    return type(exc).__name__


def _origin(url: str) -> str:
    scheme, _, rest = url.partition("://")
    host, _, path = rest.partition("/")
    return f"{scheme}://{host}/{path.split('?')[0]}"
