"""Sending through a ``requests.Session`` the caller supplies (``Client(session=...)``).

The session is used as it is: its adapters, proxies, certificates, hooks and ``trust_env``. Redirects
are not followed and the body is streamed so that its size stays bounded. Whether anything was
sent cannot be measured inside someone else's session: only errors that can only happen while
connecting (refused, DNS, connect timeout) count as "nothing was sent".

The call's deadline: connecting and each read wait at most what is left of it, and the watchdog
shuts the connection down if the body is still arriving when it passes. While the response
headers arrive, a session's connection cannot be reached: a server trickling its headers is
bounded there by the read timeout of each read only. The client's own pool has no such gap.
"""

from __future__ import annotations

import socket
from collections.abc import Mapping
from typing import Any

import requests
from urllib3.exceptions import ConnectTimeoutError as _U3ConnectTimeout
from urllib3.exceptions import NewConnectionError

from ._errors import (
    ConfigurationError,
    TransportError,
)
from ._http import (
    CHUNK,
    DEFAULT_MAX_RESPONSE_BYTES,
    DeadlinePassed,
    HttpReply,
    Timeouts,
    announced_too_large,
    collect,
    deadline_error,
    origin,
    read_fault,
    reason,
    remaining,
    send_fault,
    timed_out,
    too_large_announced,
    walk,
)
from ._masked import Masked
from ._watchdog import WATCHDOG

_LIBRARY = (requests.exceptions.RequestException,)
# What requests raises before it opens any connection, from the session's settings: a proxy URL
# it cannot read (InvalidProxyURL is an InvalidURL), a scheme without an adapter or a SOCKS
# proxy without its dependencies (InvalidSchema).
_UNUSABLE_SETTINGS = (requests.exceptions.InvalidURL, requests.exceptions.InvalidSchema)


class SessionSender:
    """Sends through a caller's ``requests.Session`` (closing it stays the caller's business)."""

    def __init__(
        self,
        session: requests.Session,
        timeouts: Timeouts,
        *,
        max_response_bytes: int = DEFAULT_MAX_RESPONSE_BYTES,
    ) -> None:
        self.session = session
        self.timeouts = timeouts
        self.max_response_bytes = max_response_bytes

    def __repr__(self) -> str:
        return f"<SessionSender {type(self.session).__name__}>"

    def post(
        self, url: str, body: Masked, headers: Mapping[str, str], deadline: float | None
    ) -> HttpReply:
        timeouts = self.timeouts
        where = origin(url)
        fault: TransportError | None = None
        unusable = ""
        response: requests.Response | None = None
        try:
            response = self.session.post(
                url,
                data=body.reveal(),  # revealed only as the argument
                headers=dict(headers),
                timeout=(remaining(deadline, timeouts.connect), remaining(deadline, timeouts.read)),
                stream=True,
                allow_redirects=False,
            )
        except _UNUSABLE_SETTINGS as exc:
            unusable = type(exc).__name__
        except requests.exceptions.RequestException as exc:
            fault = _send_fault(exc, where, timeouts)
        except OSError as exc:  # requests' own check of the session's certificate files
            unusable = type(exc).__name__
        if unusable:
            # Raised before any connection existed: the session's settings, not the network
            # (these were a RemoteProtocolError "may have reached the server", or a raw OSError).
            raise ConfigurationError(
                f"the requests.Session given as session= cannot send to {where}: its proxies, "
                f"certificate files or adapters are not usable ({unusable}; a SOCKS proxy needs "
                "requests[socks]). Nothing was sent."
            )
        if fault is not None:
            raise fault
        assert response is not None
        sock = _socket_of(response)
        ticket = None
        if deadline is not None and sock is not None:
            ticket = WATCHDOG.watch(deadline, lambda: _shut(sock))
        try:
            declared = announced_too_large(response.headers, self.max_response_bytes)
            if declared is not None:
                raise too_large_announced(where, declared, self.max_response_bytes)
            content = self._read(response, where, deadline)
        finally:
            response.close()  # back to the pool when read to the end, else closed
            if ticket is not None and not WATCHDOG.cancel(ticket):
                raise deadline_error(where, timeouts)
        return HttpReply(
            status_code=response.status_code,
            content_type=response.headers.get("Content-Type", ""),
            body=content,
        )

    def _read(self, response: requests.Response, where: str, deadline: float | None) -> Masked:
        fault: TransportError | None = None
        try:
            content = collect(
                response.iter_content(chunk_size=CHUNK), where, self.max_response_bytes, deadline
            )
            if isinstance(content, Masked):
                return content
            fault = content
        except DeadlinePassed:
            fault = deadline_error(where, self.timeouts)
        except requests.exceptions.ConnectionError as exc:
            fault = read_fault(
                where,
                self.timeouts,
                timed_out=timed_out(exc),
                broken=True,
                cause=reason(exc, _LIBRARY),
            )
        except requests.exceptions.RequestException as exc:
            fault = read_fault(where, self.timeouts, cause=reason(exc, _LIBRARY))
        raise fault

    def close(self) -> None:
        """The session is the caller's: it stays open."""


def _send_fault(
    exc: requests.exceptions.RequestException, where: str, timeouts: Timeouts
) -> TransportError:
    """The typed error of a failure before the response headers arrived."""
    sent = not _never_connected(exc)
    timeout = requests.exceptions.ReadTimeout if sent else requests.exceptions.ConnectTimeout
    return send_fault(
        where,
        timeouts,
        sent=sent,
        timed_out=isinstance(exc, timeout) or timed_out(exc),
        cause=reason(exc, _LIBRARY),
    )


def _never_connected(exc: BaseException) -> bool:
    """True when the fault can only have happened before a connection existed (a TLS
    handshake failure included: requests raises SSLError before sending anything)."""
    connecting = (NewConnectionError, _U3ConnectTimeout, ConnectionRefusedError, socket.gaierror)
    if isinstance(exc, (requests.exceptions.SSLError, requests.exceptions.ProxyError)):
        return True
    return any(isinstance(e, connecting) for e in walk(exc))


def _socket_of(response: requests.Response) -> socket.socket | None:
    connection: Any = getattr(response.raw, "connection", None)
    sock = getattr(connection, "sock", None)
    return sock if isinstance(sock, socket.socket) else None


def _shut(sock: socket.socket) -> None:
    try:
        sock.shutdown(socket.SHUT_RDWR)
    except OSError:
        pass
