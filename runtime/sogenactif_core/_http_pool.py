"""The client's own way of sending: its own pool of urllib3 connections (what requests uses
underneath).

What requests users rely on holds here too, read the way requests reads it:

- proxies: the ``proxies`` option (``{"https": "http://proxy:3128"}``), else ``HTTPS_PROXY`` /
  ``HTTP_PROXY`` / ``ALL_PROXY`` and ``NO_PROXY`` from the environment (``trust_env=True``);
  credentials in a proxy URL are sent as ``Proxy-Authorization``;
- certificates: always verified unless ``verify=False``; the CA bundle is ``verify`` when it is a
  path, else ``REQUESTS_CA_BUNDLE`` or ``CURL_CA_BUNDLE``, else the system's store when
  ``SSL_CERT_FILE`` or ``SSL_CERT_DIR`` is set, else certifi's bundle (requests' default);
  ``cert`` is a client certificate (a path, or ``(cert, key)``);
- no automatic resend of a POST, no redirect followed, no cookie kept.

Whether anything was sent is measured, not guessed: the pool's connections record, for the call
running on their thread, the moment the first byte of the request is handed to the socket. A
failure before it (refused, DNS, connect timeout, proxy, TLS handshake) is a
:class:`~sogenactif.ConnectError` with ``may_have_reached_server=False``.

The call's deadline holds whatever the server does: the watchdog (``_watchdog``) shuts the
connection's socket down when it passes, and every wait is bounded by what is left of it.

A server reached directly (no proxy) is spoken to over urllib3's connections (its socket options,
TLS and certificate checks), kept by the sender itself (:class:`_Connections`): the request's
head and body go out in one write (``_http_request``), the reply is read by ``http.client``'s
response (``_http_response``), which undoes gzip and deflate within the size limit. Through a
proxy, urllib3's ``ProxyManager`` does it all: the tunnel, the forwarding, its pools.
"""

from __future__ import annotations

import errno
import os
import socket
import ssl
import sys
import threading
import warnings
import weakref
from collections.abc import Callable, Iterator, Mapping
from functools import partial
from http.client import HTTPException
from typing import Any
from urllib.parse import quote, unquote, urlsplit

import urllib3
from urllib3.connection import HTTPConnection, HTTPSConnection
from urllib3.connectionpool import HTTPConnectionPool, HTTPSConnectionPool
from urllib3.exceptions import ConnectTimeoutError as _U3ConnectTimeout
from urllib3.exceptions import InsecureRequestWarning, NewConnectionError
from urllib3.util.ssl_ import create_urllib3_context

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
    is_http_url,
    origin,
    past,
    read_fault,
    reason,
    remaining,
    send_fault,
    timed_out,
    too_large_announced,
)
from ._http_request import HeadWriter, host_line, request_line
from ._http_response import ContentCodingError, Response, decoded
from ._masked import Masked
from ._watchdog import WATCHDOG


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


class _Tracked:
    """Mixed into urllib3's connections: records the socket the call uses and, through a
    proxy, the first byte sent (a server reached directly is written to by
    :meth:`PoolSender._request`, which records it)."""

    sock: socket.socket | None
    response_class = Response  # its head read without the email parser (_http_response)

    def _new_conn(self) -> socket.socket:
        sock: socket.socket = super()._new_conn()  # type: ignore[misc]
        _state().sock = sock
        return sock

    def connect(self) -> None:
        state = _state()
        state.connecting = True
        try:
            super().connect()  # type: ignore[misc]
        finally:
            state.connecting = False

    def request(self, *args: Any, **kwargs: Any) -> None:
        if self.sock is not None:  # a pooled connection: this call now uses its socket
            _state().sock = self.sock
        super().request(*args, **kwargs)  # type: ignore[misc]

    def send(self, data: Any) -> None:
        if self.sock is None:
            self.connect()  # a failure here: nothing was sent
        state = _state()
        if not state.connecting:  # a proxy's CONNECT is not the request
            state.sent = True
        super().send(data)  # type: ignore[misc]


# urllib3's connections declare request() with another signature than http.client's.
class _TrackedHTTPConnection(_Tracked, HTTPConnection):  # type: ignore[misc]
    pass


class _TrackedHTTPSConnection(_Tracked, HTTPSConnection):  # type: ignore[misc]
    pass


class _TrackedHTTPPool(HTTPConnectionPool):
    ConnectionCls = _TrackedHTTPConnection


class _TrackedHTTPSPool(HTTPSConnectionPool):
    ConnectionCls = _TrackedHTTPSConnection


_POOL_CLASSES = {"http": _TrackedHTTPPool, "https": _TrackedHTTPSPool}
# What sending can raise before a reply's head is read, made a typed error (_send_fault): the
# libraries' and the system's errors, and a ValueError alone (an URL that cannot be parsed, a
# header that cannot be written; ssl's certificate error and urllib3's URL error are both).
_NETWORK_FAILURES = (urllib3.exceptions.HTTPError, HTTPException, OSError)
_FAILURES = (*_NETWORK_FAILURES, ValueError)
SERVERS_KEPT = 8  # servers (and proxies) whose connections a sender keeps, as urllib3's default


class _Connections:
    """The kept-alive connections to one server reached directly (no proxy).

    Performance (issue 16): urllib3's pool does, for every request, what a client of one
    server, one method and no retries never needs (a ``Retry`` and a ``Timeout`` made, the URL
    parsed and encoded, the host compared, the proxy headers merged, a ``LifoQueue`` behind a
    condition): about 55 µs of a 350 µs exchange on the benchmark's machine. The sender takes
    a connection here (urllib3's: its socket options, TLS and certificate checks), writes the
    request on it in one piece (``_http_request``) and reads the reply with ``http.client``'s
    response (``_http_response``). Through a proxy, urllib3's ``ProxyManager`` still does it
    all (the tunnel, the forwarding, its own pools).

    The connection given back last is taken first (the likeliest still open, as in urllib3's
    LIFO queue); one the server closed while it was idle is reconnected before use. At most
    ``keep`` are kept idle, the others closed. After :meth:`close` (the sender's ``close()``,
    or more servers than the sender keeps), what is given back is closed: a call in progress
    finishes on its connection."""

    __slots__ = ("_idle", "_lock", "_make", "closed", "host", "keep", "tls")

    def __init__(
        self, make: Callable[[float], HTTPConnection], keep: int, tls: bool, host: bytes
    ) -> None:
        self._make = make
        self._idle: list[HTTPConnection] = []
        self._lock = threading.Lock()
        self.keep = keep
        self.tls = tls
        self.host = host  # the Host header line of a request to this server
        self.closed = False

    def take(self, connect_timeout: float) -> HTTPConnection:
        with self._lock:
            conn = self._idle.pop() if self._idle else None
        if conn is None:
            return self._make(connect_timeout)
        if not conn.is_connected:  # closed by the server while idle (or readable): drop it
            conn.close()  # PoolSender._request connects it again, as urllib3's pool does
        return conn

    def give_back(self, conn: HTTPConnection) -> None:
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


def tls_context(
    verify: bool | str, cert: str | tuple[str, str] | None, trust_env: bool
) -> ssl.SSLContext:
    """The TLS settings ``verify`` and ``cert`` stand for, read as requests reads them, as one
    context (made as urllib3 makes its own: certificates and host names verified unless
    ``verify=False``): what both senders connect with.

    Performance: a context that trusts certificates loads them first (certifi's bundle: 15–20 ms
    of CPU), and urllib3, given only the bundle's path, does so again for every connection it
    opens (requests 2.32 stopped doing that, with one preloaded context). So one context is made
    per source of trusted certificates, and of the modification times of its files, and shared
    by every client that trusts the same ones. A client certificate is loaded into a context of
    the client's own, never into a shared one.

    A bundle or certificate that cannot be loaded is a :class:`ConfigurationError` naming where
    it came from (the ``verify`` or ``cert`` option, ``REQUESTS_CA_BUNDLE`` …): no connection can
    be made with it, and sending again would not help."""
    problem = ""
    if verify is False:
        context = create_urllib3_context(cert_reqs=ssl.CERT_NONE)  # nothing to load
    else:
        cafile, capath, source = _trust_source(verify, trust_env)
        try:
            if cert is None:
                return _shared_trust(cafile, capath)
            context = _new_trust(cafile, capath)
        except OSError as exc:  # ssl.SSLError included
            problem = f"{source} could not be loaded ({type(exc).__name__})"
    if not problem and cert is not None:
        cert_file, key_file = cert if isinstance(cert, tuple) else (cert, None)
        try:
            context.load_cert_chain(cert_file, key_file)
        except OSError as exc:
            problem = f"cert: the client certificate could not be loaded ({type(exc).__name__})"
    if problem:
        raise ConfigurationError(problem)
    return context


def _trust_source(verify: bool | str, trust_env: bool) -> tuple[str | None, str | None, str]:
    """(CA bundle file, CA directory, where they come from as an error names it) for ``verify``;
    no file and no directory: the system's store (which OpenSSL finds with ``SSL_CERT_FILE`` and
    ``SSL_CERT_DIR``)."""
    if isinstance(verify, str):
        return (*_bundle(verify), "verify: the CA bundle")
    if trust_env:
        for name in ("REQUESTS_CA_BUNDLE", "CURL_CA_BUNDLE"):
            bundle = os.environ.get(name)
            if bundle:
                return (*_bundle(bundle), f"{name}: the CA bundle at {bundle!r}")
        if os.environ.get("SSL_CERT_FILE") or os.environ.get("SSL_CERT_DIR"):
            return None, None, "SSL_CERT_FILE / SSL_CERT_DIR: the system's certificates"
    try:
        import certifi
    except ImportError:  # pragma: no cover - certifi is a dependency
        return None, None, "the system's certificates"
    return certifi.where(), None, "certifi's CA bundle"


def _bundle(path: str) -> tuple[str | None, str | None]:
    """(file, None) or (None, directory)."""
    return (None, path) if os.path.isdir(path) else (path, None)


def _new_trust(cafile: str | None, capath: str | None) -> ssl.SSLContext:
    context = create_urllib3_context()  # CERT_REQUIRED, host names checked
    if cafile is None and capath is None:
        context.load_default_certs()
    else:
        context.load_verify_locations(cafile=cafile, capath=capath)
    return context


# (bundle, directory, their modification times, the environment's store): a context trusting
# exactly those certificates. Never given a client certificate (see tls_context); bounded.
_TRUST: dict[tuple[Any, ...], ssl.SSLContext] = {}


def _shared_trust(cafile: str | None, capath: str | None) -> ssl.SSLContext:
    files = [cafile, capath]
    if cafile is None and capath is None:
        files = [os.environ.get("SSL_CERT_FILE"), os.environ.get("SSL_CERT_DIR")]
    key = (cafile, capath, *files, *(_modified(f) for f in files))
    context = _TRUST.get(key)
    if context is None:
        context = _new_trust(cafile, capath)
        if len(_TRUST) < 16:
            _TRUST[key] = context
    return context


def _modified(path: str | None) -> float | None:
    try:
        return os.stat(path).st_mtime if path else None
    except OSError:
        return None


def _environment_proxies() -> dict[str, str]:
    """The proxies of the environment, as requests reads them (``urllib.request.getproxies``).

    Performance (issue 16's cold start): importing ``urllib.request`` costs a cold process 2–3 ms.
    Outside macOS and Windows (whose system settings it reads too), ``getproxies`` reads only
    the variables whose name ends in ``_proxy``, in any case: without one it finds nothing, and
    is not imported."""
    if sys.platform not in ("darwin", "win32") and not any(
        name[-6:].lower() == "_proxy" for name in os.environ
    ):
        return {}
    import urllib.request

    return urllib.request.getproxies()


def _proxy_for(url: str, proxies: Mapping[str, str] | None, trust_env: bool) -> str | None:
    """The proxy URL for ``url``: the ``proxies`` option (by scheme, or ``all``), else the
    environment's, unless ``NO_PROXY`` covers the host."""
    scheme = urlsplit(url).scheme
    if proxies is not None:
        return proxies.get(scheme) or proxies.get("all") or None
    if not trust_env:
        return None
    found = _environment_proxies()
    proxy = found.get(scheme) or found.get("all")
    if not proxy:
        return None
    import urllib.request

    host = urlsplit(url).hostname or ""
    if urllib.request.proxy_bypass(host):
        return None
    proxy = proxy if "://" in proxy else f"http://{proxy}"
    if not is_http_url(proxy):
        # Both clients refuse it alike, before anything is sent (a proxy without a host or with
        # a bad port used to fail as a connection error naming no proxy; httpx would need
        # socksio for SOCKS, urllib3 PySocks). The URL is not shown: it may hold a password.
        raise ConfigurationError(
            f"the environment's proxy for {scheme} URLs ({scheme.upper()}_PROXY or ALL_PROXY) "
            "is not an http:// or https:// proxy URL with a host (SOCKS is not supported). "
            "Pass proxies={...}, or trust_env=False, or list the host in NO_PROXY. Nothing was "
            "sent."
        )
    return proxy


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
        self._settings: dict[str, Any] = {
            "num_pools": SERVERS_KEPT,
            "maxsize": pool_size,
            "block": False,
            "retries": False,
        }
        self._pool_size = pool_size
        self._tls = (verify, cert, trust_env)
        self._lock = threading.Lock()
        self._routes: dict[str, str | None] = {}  # origin -> proxy URL (or None: direct)
        # Servers reached directly: origin -> their connections (at most SERVERS_KEPT), and
        # URL -> (those connections, the request line), worked out once per URL.
        self._direct: dict[str, _Connections] = {}
        self._targets: dict[str, tuple[_Connections, bytes]] = {}
        self._heads = HeadWriter()
        # Through a proxy: (proxy, whether TLS is spoken: to the server or to the proxy) -> its
        # manager. A client that speaks plain HTTP makes no TLS context at all.
        self._managers: dict[tuple[str, bool], urllib3.PoolManager] = {}
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
        self._managers = {}

    def __repr__(self) -> str:
        return f"<PoolSender proxies={'set' if self.proxies else 'environment' if self.trust_env else 'none'}>"

    def _proxy(self, url: str) -> str | None:
        """The proxy for ``url``'s origin, or None; the environment is read once per origin,
        as the client starts using it."""
        key = _origin_key(url)
        if key in self._routes:
            return self._routes[key]
        proxy = self._routes[key] = _proxy_for(url, self.proxies, self.trust_env)
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
        parsed = urllib3.util.parse_url(url)
        tls = parsed.scheme == "https"
        host = parsed.host or ""
        if host.startswith("[") and host.endswith("]"):  # an IPv6 address, as the socket takes it
            host = host[1:-1]
        default_port = 443 if tls else 80
        port = parsed.port or default_port
        make: Callable[[float], HTTPConnection]
        if tls:
            settings = self._tls_settings()

            def make(timeout: float) -> HTTPConnection:
                return _TrackedHTTPSConnection(host, port, timeout=timeout, **settings)

        else:

            def make(timeout: float) -> HTTPConnection:
                return _TrackedHTTPConnection(host, port, timeout=timeout)

        return _Connections(make, self._pool_size, tls, host_line(host, port, default_port))

    def _tls_settings(self) -> dict[str, Any]:
        """What urllib3's TLS connections are given: the whole TLS setting, the client
        certificate included, in one context (urllib3 then loads nothing per connection; see
        tls_context), for a server reached directly and through a proxy alike."""
        verify, cert, trust_env = self._tls
        return {
            "cert_reqs": "CERT_NONE" if verify is False else "CERT_REQUIRED",
            "ssl_context": tls_context(verify, cert, trust_env),
        }

    def _manager(self, url: str) -> urllib3.PoolManager:
        """The manager of the connections through ``url``'s proxy."""
        proxy = self._proxy(url)
        assert proxy is not None  # _direct_route said so
        tls = url.startswith("https:") or proxy.startswith("https:")
        manager = self._managers.get((proxy, tls))
        if manager is None:
            with self._lock:
                manager = self._managers.get((proxy, tls))
                if manager is None:
                    manager = self._new_manager(proxy, tls)
                    self._managers[proxy, tls] = manager
        return manager

    def _new_manager(self, proxy: str, tls: bool) -> urllib3.PoolManager:
        settings = {**self._settings, **self._tls_settings()} if tls else self._settings
        parts = urlsplit(proxy)  # http:// or https:// (_client_core._proxies, _proxy_for)
        headers = None
        if parts.username is not None:
            credentials = f"{unquote(parts.username)}:{unquote(parts.password or '')}"
            headers = urllib3.util.make_headers(proxy_basic_auth=credentials)
            port = f":{parts.port}" if parts.port else ""
            proxy = f"{parts.scheme}://{parts.hostname}{port}"
        manager = urllib3.ProxyManager(proxy, proxy_headers=headers, **settings)
        manager.pool_classes_by_scheme = _POOL_CLASSES
        return manager

    def post(
        self, url: str, body: Masked, headers: Mapping[str, str], deadline: float | None
    ) -> HttpReply:
        """POST ``body`` and read the whole reply; every fault is a typed error.

        Typed errors are raised outside ``except`` blocks: urllib3's exceptions, which may hold
        the request, are neither chained nor kept as context."""
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
            fault = self._send_fault(exc, where, sent=False)
        if fault is not None:
            raise fault
        if route is None:
            return self._through_proxy(url, body, headers, deadline, state, where)
        connections, line = route
        conn: HTTPConnection | None = None
        response: Response | None = None
        try:
            conn = connections.take(remaining(deadline, self.timeouts.connect))
            response = self._request(conn, connections, line, body, headers, deadline, state)
        except _FAILURES as exc:
            fault = self._send_fault(exc, where, state.sent)
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
        conn: HTTPConnection,
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
            conn.timeout = remaining(deadline, timeouts.connect)
            conn.connect()  # a failure here: nothing was sent
            if connections.tls and not conn.is_verified:  # verify=False: urllib3's warning
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
        response = Response(sock, conn.debuglevel, method="POST")
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

    def _through_proxy(
        self,
        url: str,
        body: Masked,
        headers: Mapping[str, str],
        deadline: float | None,
        state: _CallState,
        where: str,
    ) -> HttpReply:
        """The exchange through ``url``'s proxy: urllib3's ``ProxyManager`` does it all."""
        timeouts = self.timeouts
        fault: TransportError | ConfigurationError | None = None
        response: urllib3.BaseHTTPResponse | None = None
        try:
            # The body is revealed only as urlopen's argument: no frame here holds it in clear.
            response = self._manager(url).urlopen(
                "POST",
                url,
                body=body.reveal(),
                headers=dict(headers),
                redirect=False,
                preload_content=False,
                decode_content=False,
                retries=False,
                timeout=urllib3.Timeout(
                    connect=remaining(deadline, timeouts.connect),
                    read=remaining(deadline, timeouts.read),
                ),
            )
        except _FAILURES as exc:
            fault = self._send_fault(exc, where, state.sent)
        if fault is not None:
            raise fault
        assert isinstance(response, urllib3.HTTPResponse)
        content_type = response.headers.get("Content-Type", "")
        # urllib3's reading of Content-Length (None: absent, not a number, or a chunked body).
        length = response.length_remaining
        try:
            if length is not None and length > self.max_response_bytes:
                raise too_large_announced(where, str(length), self.max_response_bytes)
            content = self._read_proxied(response, where, deadline)
        except BaseException:
            response.close()  # an unread body: the connection cannot be reused
            raise
        finally:
            response.release_conn()  # back to urllib3's pool (closed if it was not read)
        return HttpReply(status_code=response.status, content_type=content_type, body=content)

    def _read_proxied(
        self, response: urllib3.HTTPResponse, where: str, deadline: float | None
    ) -> Masked:
        u3 = urllib3.exceptions
        fault: TransportError | None = None
        try:
            content = collect(
                response.stream(CHUNK, decode_content=True),
                where,
                self.max_response_bytes,
                deadline,
            )
            if isinstance(content, Masked):
                return content
            fault = content
        except DeadlinePassed:
            fault = deadline_error(where, self.timeouts)
        except u3.ReadTimeoutError:
            fault = read_fault(where, self.timeouts, timed_out=True)
        except u3.ProtocolError as exc:
            fault = read_fault(where, self.timeouts, broken=True, cause=reason(exc))
        except (u3.HTTPError, OSError) as exc:
            fault = read_fault(where, self.timeouts, cause=reason(exc))
        raise fault

    def _send_fault(
        self, exc: BaseException, where: str, sent: bool
    ) -> TransportError | ConfigurationError:
        """The typed error of a failure before the response headers arrived."""
        if isinstance(exc, ConfigurationError):  # the environment's proxy, certificates: as is
            return exc
        if not sent and not isinstance(exc, _NETWORK_FAILURES):  # a ValueError alone
            return ConnectError(f"could not send to {where} ({type(exc).__name__})")
        if not sent:
            timed = (
                isinstance(exc, _U3ConnectTimeout) and not isinstance(exc, NewConnectionError)
            ) or timed_out(exc)
        else:
            timed = isinstance(exc, urllib3.exceptions.ReadTimeoutError) or timed_out(exc)
        return send_fault(where, self.timeouts, sent=sent, timed_out=timed, cause=reason(exc))

    def close(self) -> None:
        """Close the idle connections; a call in progress finishes on its own, which is then
        closed. The sender stays usable: a later call connects again."""
        with self._lock:
            direct, self._direct, self._targets = list(self._direct.values()), {}, {}
            managers, self._managers = list(self._managers.values()), {}
        for connections in direct:
            connections.close()
        for manager in managers:
            manager.clear()


# The process's PoolSenders, whose connections a forked child must not use (gunicorn --preload,
# Celery's prefork pool, multiprocessing's fork: a client made before the fork).
_SENDERS: weakref.WeakSet[PoolSender] = weakref.WeakSet()


def _after_fork_in_child() -> None:
    for sender in list(_SENDERS):
        sender._forget_connections()


if hasattr(os, "register_at_fork"):
    os.register_at_fork(after_in_child=_after_fork_in_child)


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
