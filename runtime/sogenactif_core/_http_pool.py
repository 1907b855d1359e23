"""The client's own way of sending: its own pool of connections, as requests would send.

What requests users rely on holds here too, read the way requests reads it (``_http_settings``):
proxies from the options or the environment, certificates always verified unless
``verify=False``, a CA bundle or client certificate; no automatic resend of a POST, no redirect
followed, no cookie kept.

Whether anything was sent is measured, not guessed: the sender records, for the call running on
its thread, the moment the first byte of the request is handed to the socket. A failure before
it (refused, DNS, connect timeout, proxy, TLS handshake) is a :class:`~sogenactif.ConnectError`
with ``may_have_reached_server=False``.

The call's deadline holds whatever the server does: the watchdog (``_watchdog``) shuts the
connection's socket down when it passes, and every wait is bounded by what is left of it.

A server reached directly (no proxy) is spoken to over the sender's own connections
(``_http_connection``: TCP, TLS with the sender's context), kept by the sender itself
(:class:`_Connections`): the request's head and body go out in one write (``_http_request``),
the reply is read by ``http.client``'s response (``_http_response``), which undoes gzip and
deflate within the size limit. Through a proxy, urllib3's ``ProxyManager`` does it all: the
tunnel, the forwarding, its pools (``_http_proxy``, imported only then).
"""

from __future__ import annotations

import errno
import os
import socket
import ssl
import threading
import warnings
import weakref
from collections.abc import Iterator, Mapping
from functools import partial
from http.client import HTTPConnection, HTTPException
from typing import TYPE_CHECKING
from urllib.parse import quote, urlsplit

from ._errors import (
    ConfigurationError,
    ConnectError,
    RemoteProtocolError,
    TransportError,
)
from ._http import (
    CHUNK,
    DEFAULT_MAX_RESPONSE_BYTES,
    DEFAULT_POOL_SIZE,
    DeadlinePassed,
    HttpReply,
    Timeouts,
    collect,
    deadline_error,
    expired_error,
    origin,
    past,
    read_fault,
    reason,
    remaining,
    send_fault,
    timed_out,
    too_large_announced,
)
from ._http_connection import Connection
from ._http_request import HeadWriter, host_line, request_line
from ._http_response import ContentCodingError, Response, decoded
from ._http_settings import proxy_for, tls_context
from ._masked import Masked
from ._watchdog import WATCHDOG

if TYPE_CHECKING:
    from ._http_proxy import ProxiedSender


class _CallState:
    """What the connections of one thread record about the call in progress."""

    __slots__ = ("connecting", "sent", "sock")

    def __init__(self) -> None:
        self.sent = False  # a byte of the request was handed to a socket
        self.connecting = False  # inside connect(): a proxy's CONNECT is not the request
        self.sock: socket.socket | None = None  # the socket the call uses (for the watchdog)


_calls = threading.local()


def _state() -> _CallState:
    state: _CallState | None = getattr(_calls, "state", None)
    if state is None:
        state = _calls.state = _CallState()
    return state


# What sending to a server reached directly can raise before a reply's head is read, made a
# typed error (send_failure): the system's and http.client's errors, and a ValueError alone (a
# header that cannot be written; ssl's certificate error is both).
_NETWORK_FAILURES = (HTTPException, OSError)
_FAILURES = (*_NETWORK_FAILURES, ValueError)
SERVERS_KEPT = 8  # servers (and proxies) whose connections a sender keeps, as urllib3's default


class _Connections:
    """The kept-alive connections to one server reached directly (no proxy).

    Performance (issue 16): urllib3's pool does, for every request, what a client of one
    server, one method and no retries never needs (a ``Retry`` and a ``Timeout`` made, the URL
    parsed and encoded, the host compared, the proxy headers merged, a ``LifoQueue`` behind a
    condition): about 55 µs of a 350 µs exchange on the benchmark's machine. The sender takes
    a connection here (``_http_connection``), writes the request on it in one piece
    (``_http_request``) and reads the reply with ``http.client``'s response
    (``_http_response``).

    The connection given back last is taken first (the likeliest still open, as in urllib3's
    LIFO queue); one the server closed while it was idle is reconnected before use. At most
    ``keep`` are kept idle, the others closed. After :meth:`close` (the sender's ``close()``,
    or more servers than the sender keeps), what is given back is closed: a call in progress
    finishes on its connection."""

    __slots__ = ("_idle", "_lock", "address", "closed", "context", "host", "keep")

    def __init__(
        self, address: tuple[str, int], context: ssl.SSLContext | None, keep: int, host: bytes
    ) -> None:
        self.address = address  # (host as the socket takes it, port)
        self.context = context  # TLS: the sender's context; plain HTTP: None
        self._idle: list[Connection] = []
        self._lock = threading.Lock()
        self.keep = keep
        self.host = host  # the Host header line of a request to this server
        self.closed = False

    def take(self) -> Connection:
        """An idle connection (the one given back last), or a new one not yet connected."""
        with self._lock:
            conn = self._idle.pop() if self._idle else None
        if conn is None:
            return Connection(*self.address, self.context)
        if not conn.is_connected:  # closed by the server while idle (or readable): drop it
            conn.close()  # PoolSender._request connects it again, as urllib3's pool does
        return conn

    def give_back(self, conn: Connection) -> None:
        with self._lock:
            if not self.closed and len(self._idle) < self.keep:
                self._idle.append(conn)
                return
        conn.close()

    def close(self) -> None:
        with self._lock:
            self.closed = True
            idle, self._idle = self._idle, []
        for conn in idle:
            conn.close()


# Characters a request target keeps as they are (RFC 3986 path and query, and "%" of an
# escape already made); anything else is percent-encoded, as urllib3's pool does.
_TARGET_SAFE = "!#$%&'()*+,/:;=?@[]~"


class PoolSender:
    """Sends through the client's own pool of connections (one per host and proxy)."""

    def __init__(
        self,
        timeouts: Timeouts,
        *,
        max_response_bytes: int = DEFAULT_MAX_RESPONSE_BYTES,
        pool_size: int = DEFAULT_POOL_SIZE,
        proxies: Mapping[str, str] | None = None,
        verify: bool | str = True,
        cert: str | tuple[str, str] | None = None,
        trust_env: bool = True,
    ) -> None:
        self.timeouts = timeouts
        self.max_response_bytes = max_response_bytes
        self.proxies = dict(proxies) if proxies is not None else None
        self.trust_env = trust_env
        self._pool_size = pool_size
        self._tls = (verify, cert, trust_env)
        self._lock = threading.Lock()
        self._routes: dict[str, str | None] = {}  # origin -> proxy URL (or None: direct)
        # Servers reached directly: origin -> their connections (at most SERVERS_KEPT), and
        # URL -> (those connections, the request line), worked out once per URL.
        self._direct: dict[str, _Connections] = {}
        self._targets: dict[str, tuple[_Connections, bytes]] = {}
        self._heads = HeadWriter()
        # Through a proxy: urllib3's managers, made on the first call through one.
        self._proxied: ProxiedSender | None = None
        _SENDERS.add(self)

    def _forget_connections(self) -> None:
        """In a forked child: the connections are the parent's, whose sockets both processes
        now share. Writing on them from both would cross the answers (one process reads the
        other's), so the child drops them unused: their sockets are closed in the child alone
        as they are collected, and the parent's connections stay open. The lock is new too
        (another thread of the parent may have held it at the fork)."""
        self._lock = threading.Lock()
        self._direct = {}
        self._targets = {}
        self._proxied = None

    def __repr__(self) -> str:
        return f"<PoolSender proxies={'set' if self.proxies else 'environment' if self.trust_env else 'none'}>"

    def _proxy(self, url: str) -> str | None:
        """The proxy for ``url``'s origin, or None; the environment is read once per origin,
        as the client starts using it."""
        key = _origin_key(url)
        if key in self._routes:
            return self._routes[key]
        proxy = self._routes[key] = proxy_for(url, self.proxies, self.trust_env)
        return proxy

    def _direct_route(self, url: str) -> tuple[_Connections, bytes] | None:
        """(the connections to ``url``'s server, the request line), or None when a proxy is
        used."""
        route = self._targets.get(url)
        if route is not None and not route[0].closed:
            return route
        if self._proxy(url) is not None:
            return None
        key = _origin_key(url)
        with self._lock:
            connections = self._direct.get(key)
            if connections is None or connections.closed:
                if len(self._direct) >= SERVERS_KEPT:  # the one used first goes
                    self._direct.pop(next(iter(self._direct))).close()
                connections = self._direct[key] = self._new_connections(url)
        route = (connections, request_line(quote(_path(url), safe=_TARGET_SAFE)))
        if len(self._targets) < 1024:
            self._targets[url] = route
        return route

    def _new_connections(self, url: str) -> _Connections:
        parts = urlsplit(url)
        tls = parts.scheme == "https"
        host = parts.hostname or ""  # lowercase, an IPv6 address without its brackets
        if ":" in host:  # an IPv6 address's zone: "%25" in a URL, "%" to the socket
            host = host.replace("%25", "%", 1)
        default_port = 443 if tls else 80
        port = parts.port or default_port
        context = self._tls_context() if tls else None  # plain HTTP makes no TLS context
        line = host_line(host, port, default_port)
        return _Connections((host, port), context, self._pool_size, line)

    def _tls_context(self) -> ssl.SSLContext:
        """The whole TLS setting, the client certificate included, in one context (see
        ``tls_context``), for a server reached directly and through a proxy alike."""
        verify, cert, trust_env = self._tls
        return tls_context(verify, cert, trust_env)

    def _proxied_sender(self) -> ProxiedSender:
        proxied = self._proxied
        if proxied is None:
            from ._http_proxy import ProxiedSender

            with self._lock:
                proxied = self._proxied
                if proxied is None:
                    proxied = self._proxied = ProxiedSender(
                        self.timeouts, self.max_response_bytes, self._pool_size, self._tls_context
                    )
        return proxied

    def post(
        self, url: str, body: Masked, headers: Mapping[str, str], deadline: float | None
    ) -> HttpReply:
        """POST ``body`` and read the whole reply; every fault is a typed error.

        Typed errors are raised outside ``except`` blocks: the libraries' exceptions, which may
        hold the request, are neither chained nor kept as context."""
        state = _calls.state = _CallState()
        ticket = WATCHDOG.watch(deadline, lambda: _shut(state)) if deadline is not None else None
        where = origin(url)
        try:
            return self._exchange(url, body, headers, deadline, state, where)
        finally:
            expired = ticket is not None and not WATCHDOG.cancel(ticket)
            _calls.state = None
            if expired:
                # The watchdog shut the socket: whatever happened meanwhile, the deadline passed.
                raise expired_error(where, self.timeouts, state.sent)

    def _exchange(
        self,
        url: str,
        body: Masked,
        headers: Mapping[str, str],
        deadline: float | None,
        state: _CallState,
        where: str,
    ) -> HttpReply:
        fault: TransportError | ConfigurationError | None = None
        route = None
        try:
            route = self._direct_route(url)
        except _FAILURES as exc:
            fault = send_failure(exc, where, self.timeouts, False, _NETWORK_FAILURES)
        if fault is not None:
            raise fault
        if route is None:
            proxy = self._proxy(url)
            assert proxy is not None  # _direct_route said so
            return self._proxied_sender().post(url, proxy, body, headers, deadline, state, where)
        connections, line = route
        conn: Connection | None = None
        response: Response | None = None
        try:
            conn = connections.take()
            response = self._request(conn, connections, line, body, headers, deadline, state)
        except _FAILURES as exc:
            fault = send_failure(exc, where, self.timeouts, state.sent, _NETWORK_FAILURES)
        finally:
            if response is None and conn is not None:
                conn.close()  # in an unknown state: never used again
        if fault is not None:
            raise fault
        assert conn is not None and response is not None
        read_to_the_end = False
        try:
            content = self._read(response, where, deadline)
            read_to_the_end = True
        finally:
            response.close()  # its file on the socket; the socket is the connection's
            if read_to_the_end and not response.will_close:
                connections.give_back(conn)
            else:
                conn.close()  # an unread body, or the server ends the connection
        content_type: str = response.msg.get("Content-Type", "")
        return HttpReply(status_code=response.status, content_type=content_type, body=content)

    def _request(
        self,
        conn: Connection,
        connections: _Connections,
        line: bytes,
        body: Masked,
        headers: Mapping[str, str],
        deadline: float | None,
        state: _CallState,
    ) -> Response:
        """Send the request on ``conn`` (connected first if it is not) and read the response's
        head."""
        timeouts = self.timeouts
        if conn.is_closed:
            # A failure here: nothing was sent. The socket is the watchdog's as it connects.
            conn.connect(remaining(deadline, timeouts.connect), partial(setattr, state, "sock"))
            if conn.context is not None and not conn.is_verified:  # verify=False
                from urllib3.exceptions import InsecureRequestWarning  # what requests users filter

                warnings.warn(
                    f"Unverified HTTPS request is being made to host '{conn.host}'. Adding "
                    "certificate verification is strongly advised. See: https://urllib3."
                    "readthedocs.io/en/latest/advanced-usage.html#tls-warnings",
                    InsecureRequestWarning,
                    stacklevel=2,
                )
        sock = conn.sock
        assert sock is not None
        state.sock = sock  # for the watchdog
        sock.settimeout(remaining(deadline, timeouts.read))
        head = self._heads.head(line, connections.host, headers, len(body.reveal()))
        state.sent = True
        try:
            # The head and the body in one write (one segment for a small body; TCP_NODELAY is
            # on). The body is revealed only inside the expression: no frame holds it in clear.
            sock.sendall(head + body.reveal())
        except OSError as exc:
            # The server may close the connection as it answers a request it refuses before
            # reading all of it: its answer is still read (as urllib3's pool does).
            if not isinstance(exc, BrokenPipeError) and exc.errno not in (
                errno.EPROTOTYPE,
                errno.ECONNRESET,
            ):
                raise
        # http.client's debugging switch, as urllib3's connections inherited it: the reply's
        # status and headers printed (never the request, whose body holds card data).
        response = Response(sock, HTTPConnection.debuglevel, method="POST")
        try:
            response.begin()
        except BaseException:
            response.close()
            raise
        return response

    def _read(self, response: Response, where: str, deadline: float | None) -> Masked:
        """The body of ``response``, its content coding undone, within the limit and the
        deadline; every fault a typed error."""
        fault: TransportError | None = None
        try:
            length = _announced_length(response, where)
            if length is not None and length > self.max_response_bytes:
                raise too_large_announced(where, str(length), self.max_response_bytes)
            coding = response.msg.get("Content-Encoding")
            if length is not None and coding is None:
                # A body of announced length, as it is sent: read in one go (http.client
                # refuses a shorter one); the watchdog bounds the wait.
                read = Masked(response.read(), "body")
                if past(deadline):
                    raise DeadlinePassed
                return read
            chunks: Iterator[bytes]
            if length is not None:  # announced (within the limit), then inflated in pieces
                chunks = iter((response.read(),))
            else:  # chunked (http.client refuses a cut chunk), or until the server closes
                chunks = iter(partial(response.read1, CHUNK), b"")
            if coding is not None:
                chunks = decoded(chunks, coding)
            content = collect(chunks, where, self.max_response_bytes, deadline)
            if isinstance(content, Masked):
                return content
            fault = content
        except DeadlinePassed:
            fault = deadline_error(where, self.timeouts)
        except TimeoutError:  # socket.timeout
            fault = read_fault(where, self.timeouts, timed_out=True)
        except ContentCodingError as exc:
            fault = RemoteProtocolError(f"the response of {where} {exc}.")
        except (HTTPException, ConnectionError) as exc:  # IncompleteRead: a body cut short
            fault = read_fault(where, self.timeouts, broken=True, cause=reason(exc))
        except (OSError, ValueError) as exc:  # TLS errors, a chunk size that is not a number
            fault = read_fault(where, self.timeouts, cause=reason(exc))
        raise fault

    def close(self) -> None:
        """Close the idle connections; a call in progress finishes on its own, which is then
        closed. The sender stays usable: a later call connects again."""
        with self._lock:
            direct, self._direct, self._targets = list(self._direct.values()), {}, {}
            proxied, self._proxied = self._proxied, None
        for connections in direct:
            connections.close()
        if proxied is not None:
            proxied.close()


# The process's PoolSenders, whose connections a forked child must not use (gunicorn --preload,
# Celery's prefork pool, multiprocessing's fork: a client made before the fork).
_SENDERS: weakref.WeakSet[PoolSender] = weakref.WeakSet()


def _after_fork_in_child() -> None:
    for sender in list(_SENDERS):
        sender._forget_connections()


if hasattr(os, "register_at_fork"):
    os.register_at_fork(after_in_child=_after_fork_in_child)


def send_failure(
    exc: BaseException,
    where: str,
    timeouts: Timeouts,
    sent: bool,
    network: tuple[type[BaseException], ...],
) -> TransportError | ConfigurationError:
    """The typed error of a failure before the response headers arrived: ``network`` are the
    errors of the network and of the library that sent (anything else raised before sending, a
    ``ValueError`` alone, is a header or URL that could not be written)."""
    if isinstance(exc, ConfigurationError):  # the environment's proxy, certificates: as is
        return exc
    if not sent and not isinstance(exc, network):  # a ValueError alone
        return ConnectError(f"could not send to {where} ({type(exc).__name__})")
    return send_fault(where, timeouts, sent=sent, timed_out=timed_out(exc), cause=reason(exc))


def _announced_length(response: Response, where: str) -> int | None:
    """The length of ``response``'s body as ``http.client`` reads it (None: chunked, or until
    the connection closes), once a ``Content-Length`` it would not have read as one number of
    bytes is refused: two headers or values (urllib3 refuses two that differ), a sign, a
    negative length. Read as absent, it would leave the body to end with the connection."""
    if not response.chunked and response.length != 0:
        values = response.msg.get_all("Content-Length")
        if values is not None and not (
            len(values) == 1 and values[0].strip().isascii() and values[0].strip().isdigit()
        ):
            raise RemoteProtocolError(
                f"the response of {where} announces a Content-Length that is not one number "
                "of bytes; it was not read."
            )
    return response.length


def _origin_key(url: str) -> str:
    """``scheme://host:port`` as the URL writes it: what the sender keeps things by."""
    return "/".join(url.split("/", 3)[:3])


def _path(url: str) -> str:
    """The path and query of an absolute URL (what goes on the request line without a proxy)."""
    parts = url.split("/", 3)
    return "/" + parts[3] if len(parts) > 3 else "/"


def _shut(state: _CallState) -> None:
    """The watchdog's action: end every read or write blocked on the call's socket."""
    sock = state.sock
    if sock is not None:
        try:
            sock.shutdown(socket.SHUT_RDWR)
        except OSError:
            pass
