"""A connection to one server reached directly: what the sync sender writes its requests on.

It does for such a server what urllib3's connection did, with the standard library alone: the
server's addresses tried in turn (``getaddrinfo``'s order), ``TCP_NODELAY`` on, TLS on top for
``https`` with the sender's context (certificates and host names checked there, the host name
sent by SNI unless it is an address), and a look at an idle connection before it is used again.

Performance (issue 16's cold start): importing urllib3 costs a cold process 15–25 ms, more than
the rest of the client's own modules together, and the sender used nothing else of it for a
server reached directly. It is imported only for a proxy (``_http_proxy``).
"""

from __future__ import annotations

import select
import socket
import ssl
from collections.abc import Callable


class Connection:
    """A TCP connection to ``host``:``port``, TLS on top when ``context`` is given; opened by
    :meth:`connect`, its socket then ``sock``."""

    __slots__ = ("context", "host", "port", "sock")

    def __init__(self, host: str, port: int, context: ssl.SSLContext | None) -> None:
        self.host = host  # as the socket takes it: no brackets around an IPv6 address
        self.port = port
        self.context = context
        self.sock: socket.socket | None = None

    def __repr__(self) -> str:
        state = "closed" if self.sock is None else "open"
        return f"<Connection {self.host}:{self.port} {'tls' if self.context else 'tcp'} {state}>"

    @property
    def is_closed(self) -> bool:
        return self.sock is None

    @property
    def is_connected(self) -> bool:
        """Open, and nothing to read: a server that closed an idle connection (or wrote on it
        unasked) makes it readable, and it is not used again (as urllib3's ``is_connected``)."""
        sock = self.sock
        if sock is None:
            return False
        if _poll is not None:
            poller = _poll()
            poller.register(sock, select.POLLIN)
            return not poller.poll(0)
        return not select.select([sock], [], [], 0)[0]  # Windows: no poll

    @property
    def is_verified(self) -> bool:
        """The server's certificate was checked (a TLS connection whose context requires it)."""
        return self.context is not None and self.context.verify_mode == ssl.CERT_REQUIRED

    def connect(self, timeout: float, opened: Callable[[socket.socket], None]) -> None:
        """Connect within ``timeout`` seconds (for each address tried, then for the TLS
        handshake). ``opened`` is given each socket before it connects (whoever must be able
        to shut it down meanwhile). A failure is the system's error (``OSError``,
        ``ssl.SSLError``, ``TimeoutError``), the connection left closed."""
        sock = _open(self.host, self.port, timeout, opened)
        if self.context is not None:
            try:
                sock = self.context.wrap_socket(sock, server_hostname=_server_name(self.host))
            except BaseException:
                sock.close()
                raise
        self.sock = sock

    def close(self) -> None:
        sock, self.sock = self.sock, None
        if sock is not None:
            sock.close()


_poll = getattr(select, "poll", None)


def _open(
    host: str, port: int, timeout: float, opened: Callable[[socket.socket], None]
) -> socket.socket:
    """A socket connected to the first of ``host``'s addresses that accepts, as
    ``socket.create_connection`` and urllib3 connect; the last address's error otherwise."""
    error: OSError | None = None
    for family, kind, proto, _, address in socket.getaddrinfo(host, port, 0, socket.SOCK_STREAM):
        sock = socket.socket(family, kind, proto)
        try:
            sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
            sock.settimeout(timeout)
            opened(sock)
            sock.connect(address)
        except OSError as exc:
            sock.close()
            error = exc
            continue
        return sock
    try:
        raise error if error is not None else OSError(f"no address found for {host!r}")
    finally:
        error = None  # no reference cycle through the traceback


def _server_name(host: str) -> str:
    """What the TLS handshake is given as the server's name: the host without a fully qualified
    name's final dot, an IPv6 address without its zone (an address is checked against the
    certificate's addresses, and not sent by SNI)."""
    if ":" in host:
        return host.split("%", 1)[0]
    return host.rstrip(".")
