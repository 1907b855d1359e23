"""The transport's shortcut past ``Session.post`` (a request prepared once per URL and headers,
handed to the session's own adapter) puts exactly the same bytes on the wire, and is not taken
when the session was changed in a way ``Session.post`` would honour."""

from __future__ import annotations

import socket
import ssl
import threading
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import requests
import urllib3

import sogenactif
from sogenactif import _http

REPLY = b"HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: 2\r\n\r\n{}"


class RawServer:
    """Records each request's exact bytes; answers every request with REPLY (keep-alive)."""

    def __init__(self) -> None:
        self.sock = socket.socket()
        self.sock.bind(("127.0.0.1", 0))
        self.sock.listen(8)
        self.requests: list[bytes] = []
        self.base_url = f"http://127.0.0.1:{self.sock.getsockname()[1]}"
        threading.Thread(target=self._serve, daemon=True).start()

    def _serve(self) -> None:
        while True:
            try:
                conn, _ = self.sock.accept()
            except OSError:
                return
            threading.Thread(target=self._handle, args=(conn,), daemon=True).start()

    def _handle(self, conn: socket.socket) -> None:
        buffer = b""
        with conn:
            while True:
                while b"\r\n\r\n" not in buffer:
                    data = conn.recv(65536)
                    if not data:
                        return
                    buffer += data
                head, _, rest = buffer.partition(b"\r\n\r\n")
                length = 0
                for line in head.split(b"\r\n")[1:]:
                    name, _, value = line.partition(b":")
                    if name.strip().lower() == b"content-length":
                        length = int(value)
                while len(rest) < length:
                    rest += conn.recv(65536)
                self.requests.append(head + b"\r\n\r\n" + rest[:length])
                buffer = rest[length:]
                conn.sendall(REPLY)

    def close(self) -> None:
        self.sock.close()


@pytest.fixture()
def raw() -> Iterator[RawServer]:
    server = RawServer()
    yield server
    server.close()


TIMEOUTS = _http.Timeouts(connect=5.0, read=5.0)
HEADERS = {"Content-Type": "application/json", "Accept": "application/json"}


def _post(session: requests.Session, url: str, body: bytes) -> _http.HttpReply:
    return _http.post(session, url, body, HEADERS, TIMEOUTS, 1 << 20)


def test_same_bytes_as_session_post(raw: RawServer) -> None:
    session = _http.new_session()
    url = raw.base_url + "/rs-services/v2/token/paymentTokenGenerate"
    for body in (b'{"a":"1"}', '{"é":"€"}'.encode(), b"x" * 5000):
        reply = _post(session, url, body)  # the shortcut
        assert reply.status_code == 200 and reply.body == b"{}"
        assert session.post(url, data=body, headers=HEADERS, timeout=(5.0, 5.0)).content == b"{}"
        shortcut, reference = raw.requests[-2:]
        assert shortcut == reference
    assert len(session.__dict__[_http._DIRECT][1]) == 1  # one prepared request, reused


def test_taken_only_for_an_untouched_session(raw: RawServer, monkeypatch: Any) -> None:
    url = raw.base_url + "/x"
    calls: list[str] = []
    real_send = requests.adapters.HTTPAdapter.send

    def spy(self: Any, request: Any, **kwargs: Any) -> Any:
        calls.append(request.url)
        return real_send(self, request, **kwargs)

    monkeypatch.setattr(requests.adapters.HTTPAdapter, "send", spy)
    fresh = _http.new_session()
    pooled = _http._direct_send(fresh, url, b"{}", HEADERS, TIMEOUTS)
    assert pooled is not None
    pooled.release_conn()

    seen: list[int] = []
    hooked = _http.new_session()
    hooked.hooks["response"].append(lambda r, **kw: seen.append(r.status_code))
    changed = [
        hooked,
        _http.new_session(),
        _http.new_session(),
        _http.new_session(),
        requests.Session(),  # not ours
    ]
    changed[1].headers["X-Extra"] = "1"
    changed[2].proxies = {"http": "http://127.0.0.1:9"}
    changed[3].verify = False
    for session in (changed[0], changed[2], changed[3], changed[4]):
        assert _http._direct_send(session, url, b"{}", HEADERS, TIMEOUTS) is None
    # A header added to the session is taken into account (a new prepared request).
    _post(changed[1], url, b"{}")
    assert b"X-Extra: 1" in raw.requests[-1]
    _post(hooked, url, b"{}")
    assert seen == [200]  # Session.post ran the session's hook


def test_the_shortcut_goes_through_the_adapters_pool_not_adapter_send(
    raw: RawServer, monkeypatch: Any
) -> None:
    calls: list[str] = []
    real_send = requests.adapters.HTTPAdapter.send

    def spy(self: Any, request: Any, **kwargs: Any) -> Any:
        calls.append(request.url)
        return real_send(self, request, **kwargs)

    monkeypatch.setattr(requests.adapters.HTTPAdapter, "send", spy)
    session = _http.new_session()
    adapter = session.get_adapter(raw.base_url)
    for _ in range(3):
        assert _post(session, raw.base_url + "/x", b"{}").body == b"{}"
    assert calls == []
    keys = adapter.poolmanager.pools.keys()
    assert len(keys) == 1
    assert adapter.poolmanager.pools[next(iter(keys))].num_connections == 1  # opened once


# What urllib3 may raise while sending, and while the body arrives: the shortcut must turn each
# into the exception HTTPAdapter.send / Response.iter_content raise, so one fault mapping serves.
u3 = urllib3.exceptions
SEND_ERRORS: list[Exception] = [
    u3.ProtocolError("Connection aborted.", ConnectionResetError(104, "reset")),
    ConnectionRefusedError(111, "refused"),
    u3.MaxRetryError(None, "/x", u3.ConnectTimeoutError(None, "timed out")),  # type: ignore[arg-type]
    u3.MaxRetryError(None, "/x", u3.NewConnectionError(None, "refused")),  # type: ignore[arg-type]
    u3.MaxRetryError(None, "/x", u3.ResponseError("too many")),  # type: ignore[arg-type]
    u3.MaxRetryError(None, "/x", u3.SSLError("bad handshake")),  # type: ignore[arg-type]
    u3.MaxRetryError(None, "/x", u3.ProxyError("proxy", OSError())),  # type: ignore[arg-type]
    u3.ClosedPoolError(None, "closed"),  # type: ignore[arg-type]
    u3.SSLError("bad record"),
    u3.ReadTimeoutError(None, "/x", "Read timed out."),  # type: ignore[arg-type]
    u3.InvalidHeader("bad"),
]
READ_ERRORS: list[Exception] = [
    u3.ProtocolError("Connection broken", ConnectionResetError(104, "reset")),
    u3.DecodeError("bad gzip"),
    u3.ReadTimeoutError(None, "/x", "Read timed out."),  # type: ignore[arg-type]
    u3.SSLError("bad record"),
]


def _session(direct: bool) -> requests.Session:
    """A session of the client's; ``direct=False`` takes the shortcut away (Session.post)."""
    session = _http.new_session()
    if not direct:
        session.__dict__.pop(_http._DIRECT)
    return session


def _fail_sending(monkeypatch: Any, error: Exception) -> None:
    def urlopen(self: Any, *args: Any, **kwargs: Any) -> Any:
        raise error

    monkeypatch.setattr(urllib3.connectionpool.HTTPConnectionPool, "urlopen", urlopen)


def _fail_reading(monkeypatch: Any, error: Exception) -> None:
    def stream(self: Any, *args: Any, **kwargs: Any) -> Iterator[bytes]:
        raise error
        yield b""

    monkeypatch.setattr(urllib3.response.HTTPResponse, "stream", stream)


@pytest.mark.parametrize("error", SEND_ERRORS, ids=lambda e: type(e).__name__)
def test_send_errors_are_those_of_adapter_send(
    raw: RawServer, monkeypatch: Any, error: Exception
) -> None:
    _fail_sending(monkeypatch, error)
    url = raw.base_url + "/x"
    with pytest.raises(Exception) as reference:  # through Session.post and HTTPAdapter.send
        _session(direct=False).post(url, data=b"{}", headers=HEADERS, timeout=(5.0, 5.0))
    with pytest.raises(Exception) as shortcut:
        _http._direct_send(_http.new_session(), url, b"{}", HEADERS, TIMEOUTS)
    assert type(shortcut.value) is type(reference.value)
    assert shortcut.value.__cause__ is None and shortcut.value.__context__ is None


@pytest.mark.parametrize("error", READ_ERRORS, ids=lambda e: type(e).__name__)
def test_read_errors_are_those_of_iter_content(
    raw: RawServer, monkeypatch: Any, error: Exception
) -> None:
    _fail_reading(monkeypatch, error)
    url = raw.base_url + "/x"
    plain = _session(direct=False)
    with pytest.raises(Exception) as reference:
        b"".join(plain.post(url, data=b"{}", headers=HEADERS, stream=True).iter_content(65536))
    pooled = _http._direct_send(_http.new_session(), url, b"{}", HEADERS, TIMEOUTS)
    assert pooled is not None
    with pytest.raises(Exception) as shortcut:
        b"".join(_http._pooled_chunks(pooled))
    assert type(shortcut.value) is type(reference.value)


@pytest.mark.parametrize("error", [*SEND_ERRORS, *READ_ERRORS], ids=lambda e: type(e).__name__)
def test_both_paths_give_the_same_typed_error(
    raw: RawServer, monkeypatch: Any, error: Exception
) -> None:
    """End to end through ``post``: the same typed error, the same "may have reached" flag."""
    if any(error is e for e in SEND_ERRORS):
        _fail_sending(monkeypatch, error)
    else:
        _fail_reading(monkeypatch, error)
    url = raw.base_url + "/x"
    found = []
    for direct in (True, False):
        with pytest.raises(sogenactif.TransportError) as info:
            _post(_session(direct), url, b"{}")
        found.append((type(info.value), info.value.may_have_reached_server, str(info.value)))
    assert found[0] == found[1]


# --------------------------------------------------------------------------- TLS

TLS = Path(__file__).parent / "tls"


class TlsServer(RawServer):
    """RawServer behind TLS, with the self-signed certificate of tests/tls/."""

    def __init__(self) -> None:
        self.context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
        self.context.load_cert_chain(TLS / "localhost.pem", TLS / "localhost-key.pem")
        self.handshakes_failed = 0
        super().__init__()
        self.base_url = self.base_url.replace("http://", "https://")

    def _handle(self, conn: socket.socket) -> None:
        try:
            wrapped = self.context.wrap_socket(conn, server_side=True)
        except (ssl.SSLError, OSError):
            self.handshakes_failed += 1
            conn.close()
            return
        super()._handle(wrapped)


@pytest.fixture()
def tls() -> Iterator[TlsServer]:
    server = TlsServer()
    yield server
    server.close()


@pytest.mark.parametrize("direct", [True, False], ids=["pool", "session.post"])
def test_tls_certificates_are_verified_on_both_paths(
    tls: TlsServer, monkeypatch: Any, direct: bool
) -> None:
    """An unknown certificate: refused before anything is sent, whichever path."""
    session = _session(direct)
    with pytest.raises(sogenactif.ConnectError) as info:
        _post(session, tls.base_url + "/x", b'{"cardNumber":"4973019999912764"}')
    assert info.value.may_have_reached_server is False
    assert "SSL" in str(info.value)
    assert tls.requests == []


@pytest.mark.parametrize("direct", [True, False], ids=["pool", "session.post"])
def test_tls_exchange_with_a_trusted_certificate(
    tls: TlsServer, monkeypatch: Any, direct: bool
) -> None:
    # Trust tests/tls/ as requests' default CA bundle (the session keeps verify=True, so the
    # shortcut is still taken).
    monkeypatch.setattr(requests.adapters, "DEFAULT_CA_BUNDLE_PATH", str(TLS / "localhost.pem"))
    session = _session(direct)
    for _ in range(2):
        reply = _post(session, tls.base_url + "/x", b"{}")
        assert reply.status_code == 200 and reply.body == b"{}"
    assert len(tls.requests) == 2
    assert bool(session.__dict__.get(_http._DIRECT, (None, {}))[1]) is direct
