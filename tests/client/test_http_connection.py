"""The sync sender's own connections to a server reached directly (``_http_connection``) and the
TLS context they connect with (``_http_settings.new_context``), against what urllib3 did for the
same server: its context's settings, its way of trying a name's addresses, TCP_NODELAY, the name
given to the TLS handshake."""

from __future__ import annotations

import socket
import ssl
from typing import Any

import pytest
from urllib3.util.ssl_ import create_urllib3_context

from sogenactif_core._http_connection import Connection, _open, _server_name
from sogenactif_core._http_settings import new_context

SETTINGS = (
    "minimum_version",
    "maximum_version",
    "options",
    "verify_mode",
    "check_hostname",
    "verify_flags",
    "post_handshake_auth",
    "hostname_checks_common_name",
    "keylog_filename",
)


def settings(context: ssl.SSLContext) -> dict[str, Any]:
    return {name: getattr(context, name) for name in SETTINGS}


@pytest.mark.parametrize("verify", [True, False])
def test_the_context_has_urllib3s_settings(
    verify: bool, tmp_path: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("SSLKEYLOGFILE", raising=False)
    theirs = create_urllib3_context(cert_reqs=ssl.CERT_REQUIRED if verify else ssl.CERT_NONE)
    assert settings(new_context(verify)) == settings(theirs)
    assert new_context(True).check_hostname and new_context(True).verify_mode == ssl.CERT_REQUIRED
    # The session keys go where SSLKEYLOGFILE says, as urllib3 writes them (a debugging aid).
    monkeypatch.setenv("SSLKEYLOGFILE", str(tmp_path / "keys.log"))
    theirs = create_urllib3_context(cert_reqs=ssl.CERT_REQUIRED if verify else ssl.CERT_NONE)
    assert new_context(verify).keylog_filename == theirs.keylog_filename == str(
        tmp_path / "keys.log"
    )


def test_the_name_given_to_the_handshake() -> None:
    """As urllib3 gives it: no final dot, an IPv6 address without its zone (an address is
    checked against the certificate's addresses and not sent by SNI)."""
    assert _server_name("office-server.sips-services.com.") == "office-server.sips-services.com"
    assert _server_name("localhost") == "localhost"
    assert _server_name("fe80::1%eth0") == "fe80::1"
    assert _server_name("::1") == "::1"
    assert _server_name("127.0.0.1") == "127.0.0.1"


def test_a_names_addresses_are_tried_in_turn(monkeypatch: pytest.MonkeyPatch) -> None:
    """The first address refuses, the second accepts: connected to the second, the first
    socket closed, each socket handed to ``opened`` before it connects (the watchdog's)."""
    listener = socket.create_server(("127.0.0.1", 0))
    refusing = socket.create_server(("127.0.0.1", 0))
    refused_port = refusing.getsockname()[1]
    refusing.close()  # nothing listens there now
    port = listener.getsockname()[1]
    addresses = [("127.0.0.1", refused_port), ("127.0.0.1", port)]

    def getaddrinfo(host: str, port: int, *args: Any) -> list[Any]:
        assert host == "shop.example"
        return [(socket.AF_INET, socket.SOCK_STREAM, 6, "", a) for a in addresses]

    monkeypatch.setattr(socket, "getaddrinfo", getaddrinfo)
    opened: list[socket.socket] = []
    conn = Connection("shop.example", 443, None)
    conn.connect(5.0, opened.append)
    try:
        assert conn.sock is opened[1] and conn.sock.getpeername() == ("127.0.0.1", port)
        assert opened[0].fileno() == -1  # closed
        assert conn.sock.getsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY)
        assert conn.sock.gettimeout() == 5.0
        assert conn.is_connected and not conn.is_verified
    finally:
        conn.close()
        listener.close()
    assert conn.is_closed and not conn.is_connected
    # Every address refuses: the last one's error, every socket closed.
    addresses = [("127.0.0.1", refused_port)] * 2
    opened.clear()
    with pytest.raises(ConnectionRefusedError):
        _open("shop.example", 443, 5.0, opened.append)
    assert len(opened) == 2 and all(s.fileno() == -1 for s in opened)


def test_a_name_without_addresses_is_the_systems_error(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(socket, "getaddrinfo", lambda *args: [])
    with pytest.raises(OSError, match=r"no address found for 'shop\.example'"):
        Connection("shop.example", 80, None).connect(1.0, lambda sock: None)
