"""The sync sender's exchanges through a proxy: urllib3's ``ProxyManager`` does it all (the
tunnel for ``https``, the forwarding for ``http``, its pools), its connections recording what
the sender measures (``_Tracked``: the socket the call uses, the first byte of the request sent).

Imported by :class:`~sogenactif_core._http_pool.PoolSender` on its first call through a proxy
only: a process that reaches its servers directly never imports urllib3 (issue 16's cold start).
"""

from __future__ import annotations

import socket
import ssl
import threading
from collections.abc import Callable, Mapping
from typing import Any
from urllib.parse import unquote, urlsplit

import urllib3
from urllib3.connection import HTTPConnection, HTTPSConnection
from urllib3.connectionpool import HTTPConnectionPool, HTTPSConnectionPool

from ._errors import ConfigurationError, TransportError
from ._http import (
    CHUNK,
    DeadlinePassed,
    HttpReply,
    Timeouts,
    collect,
    deadline_error,
    read_fault,
    reason,
    remaining,
    too_large_announced,
)
from ._http_pool import _NETWORK_FAILURES as _DIRECT_FAILURES
from ._http_pool import SERVERS_KEPT, _CallState, _state, send_failure
from ._http_response import Response
from ._masked import Masked

# What sending through a proxy can raise before a reply's head is read (send_failure): urllib3's
# errors besides those of a server reached directly (the system's and http.client's).
_NETWORK_FAILURES = (urllib3.exceptions.HTTPError, *_DIRECT_FAILURES)
_FAILURES = (*_NETWORK_FAILURES, ValueError)


class ProxiedSender:
    """The exchanges through proxies of one :class:`~sogenactif_core._http_pool.PoolSender`:
    one urllib3 manager per proxy and whether TLS is spoken (to the server or to the proxy);
    a client that speaks plain HTTP makes no TLS context at all."""

    def __init__(
        self,
        timeouts: Timeouts,
        max_response_bytes: int,
        pool_size: int,
        tls_context: Callable[[], ssl.SSLContext],
    ) -> None:
        self.timeouts = timeouts
        self.max_response_bytes = max_response_bytes
        self._tls_context = tls_context
        self._settings: dict[str, Any] = {
            "num_pools": SERVERS_KEPT,
            "maxsize": pool_size,
            "block": False,
            "retries": False,
        }
        self._lock = threading.Lock()
        self._managers: dict[tuple[str, bool], urllib3.PoolManager] = {}

    def _manager(self, url: str, proxy: str) -> urllib3.PoolManager:
        """The manager of the connections through ``proxy``."""
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
        settings = self._settings
        if tls:  # the whole TLS setting in one context: urllib3 loads nothing per connection
            context = self._tls_context()
            cert_reqs = "CERT_NONE" if context.verify_mode == ssl.CERT_NONE else "CERT_REQUIRED"
            settings = {**settings, "cert_reqs": cert_reqs, "ssl_context": context}
        parts = urlsplit(proxy)  # http:// or https:// (_client_core._proxies, proxy_for)
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
        self,
        url: str,
        proxy: str,
        body: Masked,
        headers: Mapping[str, str],
        deadline: float | None,
        state: _CallState,
        where: str,
    ) -> HttpReply:
        """The exchange with ``url`` through ``proxy``; every fault is a typed error, raised
        outside ``except`` blocks (urllib3's exceptions, which may hold the request, are neither
        chained nor kept as context)."""
        timeouts = self.timeouts
        fault: TransportError | ConfigurationError | None = None
        response: urllib3.BaseHTTPResponse | None = None
        try:
            # The body is revealed only as urlopen's argument: no frame here holds it in clear.
            response = self._manager(url, proxy).urlopen(
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
            fault = send_failure(exc, where, timeouts, state.sent, _NETWORK_FAILURES)
        if fault is not None:
            raise fault
        assert isinstance(response, urllib3.HTTPResponse)
        content_type = response.headers.get("Content-Type", "")
        # urllib3's reading of Content-Length (None: absent, not a number, or a chunked body).
        length = response.length_remaining
        try:
            if length is not None and length > self.max_response_bytes:
                raise too_large_announced(where, str(length), self.max_response_bytes)
            content = self._read(response, where, deadline)
        except BaseException:
            response.close()  # an unread body: the connection cannot be reused
            raise
        finally:
            response.release_conn()  # back to urllib3's pool (closed if it was not read)
        return HttpReply(status_code=response.status, content_type=content_type, body=content)

    def _read(self, response: urllib3.HTTPResponse, where: str, deadline: float | None) -> Masked:
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

    def close(self) -> None:
        with self._lock:
            managers, self._managers = list(self._managers.values()), {}
        for manager in managers:
            manager.clear()


class _Tracked:
    """Mixed into urllib3's connections: records the socket the call uses and the first byte
    of the request sent (a proxy's ``CONNECT`` is not the request)."""

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
