"""The two ways of sending: the client's own pool (its own connections to a server reached
directly, urllib3 through a proxy), and a caller's ``requests.Session``.

What requests users rely on holds on both: certificates verified (CA bundles from the options or
the environment), proxies from the options or the environment (``NO_PROXY`` honoured), no
automatic resend of a POST, pooled connections; and a call's timeout is a deadline that holds
whatever the server does.
"""

from __future__ import annotations

import socket
import ssl
import threading
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
import requests
import urllib3

import sogenactif
from sogenactif_core._http import Timeouts
from sogenactif_core._http_pool import PoolSender
from sogenactif_core._http_session import SessionSender
from sogenactif_core._http_settings import proxy_for
from sogenactif_core._masked import Masked
from tests.support import Connection, RawServer, make_client, read_request, sealed

REPLY = b"HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: 2\r\n\r\n{}"
HEADERS = {"Content-Type": "application/json", "Accept": "application/json"}
TIMEOUTS = Timeouts(connect=5.0, read=5.0, total=10.0)
TLS = Path(__file__).resolve().parents[1] / "tls"
PAN_BODY = Masked(b'{"cardNumber":"4973019999912764"}', "body")
EMPTY = Masked(b"{}", "body")


class KeepAliveServer:
    """Records each request's exact bytes; answers every request with ``reply`` (REPLY unless
    set), and keeps the connection open whatever the reply says."""

    def __init__(
        self,
        context: ssl.SSLContext | None = None,
        host: str = "127.0.0.1",
        hold: threading.Barrier | None = None,
    ) -> None:
        self.sock = socket.socket(socket.AF_INET6 if ":" in host else socket.AF_INET)
        self.sock.bind((host, 0))
        self.sock.listen(8)
        self.context = context
        self.hold = hold  # every reply waits until this many requests are being answered
        self.requests: list[bytes] = []
        self.reply = REPLY
        self.connections = 0
        self.handshakes_failed = 0
        scheme = "https" if context else "http"
        name = f"[{host}]" if ":" in host else host
        self.base_url = f"{scheme}://{name}:{self.sock.getsockname()[1]}"
        threading.Thread(target=self._serve, daemon=True).start()

    def _serve(self) -> None:
        while True:
            try:
                conn, _ = self.sock.accept()
            except OSError:
                return
            self.connections += 1
            threading.Thread(target=self._handle, args=(conn,), daemon=True).start()

    def _handle(self, conn: socket.socket) -> None:
        if self.context is not None:
            try:
                conn = self.context.wrap_socket(conn, server_side=True)
            except (ssl.SSLError, OSError):
                self.handshakes_failed += 1
                conn.close()
                return
        buffer = b""
        with conn:
            while True:
                try:
                    received = read_request(conn, buffer)
                except OSError:
                    return
                if received is None:
                    return
                request, buffer = received
                self.requests.append(request)
                if self.hold is not None:
                    self.hold.wait(timeout=10)
                conn.sendall(self.reply)

    def close(self) -> None:
        self.sock.close()


@pytest.fixture()
def raw() -> Iterator[KeepAliveServer]:
    server = KeepAliveServer()
    yield server
    server.close()


def _tls_context() -> ssl.SSLContext:
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    context.load_cert_chain(TLS / "localhost.pem", TLS / "localhost-key.pem")
    return context


@pytest.fixture()
def tls() -> Iterator[KeepAliveServer]:
    server = KeepAliveServer(_tls_context())
    yield server
    server.close()


SENDERS: dict[str, Callable[..., Any]] = {
    "own pool": lambda **kw: PoolSender(TIMEOUTS, **kw),
    "caller's session": lambda session=None, **kw: SessionSender(
        session or requests.Session(), TIMEOUTS
    ),
}


@pytest.fixture(autouse=True)
def _no_environment_settings(monkeypatch: pytest.MonkeyPatch) -> None:
    """The machine's own CA bundles and proxies must not decide these tests."""
    for name in (
        "REQUESTS_CA_BUNDLE",
        "CURL_CA_BUNDLE",
        "SSL_CERT_FILE",
        "SSL_CERT_DIR",
        "HTTP_PROXY",
        "HTTPS_PROXY",
        "ALL_PROXY",
        "NO_PROXY",
    ):
        monkeypatch.delenv(name, raising=False)
        monkeypatch.delenv(name.lower(), raising=False)


@pytest.fixture(params=list(SENDERS))
def sender_kind(request: pytest.FixtureRequest) -> str:
    return str(request.param)


# --------------------------------------------------------------------------- the exchange


def test_own_pool_sends_exactly_what_it_is_given_and_reuses_its_connection(
    raw: KeepAliveServer,
) -> None:
    sender = PoolSender(TIMEOUTS)
    url = raw.base_url + "/rs-services/v2/token/paymentTokenGenerate"
    for body in (b'{"a":"1"}', '{"é":"€"}'.encode(), b"x" * 5000):
        reply = sender.post(url, Masked(body, "body"), HEADERS, None)
        assert reply.status_code == 200 and reply.body.reveal() == b"{}"
        head, _, sent = raw.requests[-1].partition(b"\r\n\r\n")
        assert sent == body
        assert head.startswith(b"POST /rs-services/v2/token/paymentTokenGenerate HTTP/1.1\r\n")
        assert f"Content-Length: {len(body)}".encode() in head
        assert b"Content-Type: application/json" in head
    assert raw.connections == 1  # pooled: one connection for every call
    sender.close()


@pytest.mark.parametrize("scheme", ["http", "https"])
def test_own_pool_sends_head_and_body_in_one_write(
    raw: KeepAliveServer, tls: KeepAliveServer, scheme: str, monkeypatch: Any
) -> None:
    """Performance (issue 16): one ``sendall`` per request holds the head and the body, small
    or not. The server gets the whole request."""
    writes: list[bytes] = []
    for cls in (socket.socket, ssl.SSLSocket):
        original = cls.sendall

        def record(self: Any, data: Any, *args: Any, _original: Any = original) -> Any:
            if bytes(data) != REPLY:  # the test server's own writes, in this process too
                writes.append(bytes(data))
            return _original(self, data, *args)

        monkeypatch.setattr(cls, "sendall", record)
    server = raw if scheme == "http" else tls
    sender = PoolSender(TIMEOUTS, verify=str(TLS / "localhost.pem"))
    url = server.base_url + "/rs-services/v2/checkout/cardOrder"
    small, large = PAN_BODY, Masked(b"x" * (256 * 1024), "body")
    for body in (small, small, large):
        writes.clear()
        reply = sender.post(url, body, HEADERS, time.monotonic() + 10)
        assert reply.status_code == 200
        head, _, sent = server.requests[-1].partition(b"\r\n\r\n")
        assert sent == body.reveal()
        assert head.count(b"Content-Length:") == 1
        assert f"Content-Length: {len(body.reveal())}".encode() in head
        assert writes == [server.requests[-1]]
    sender.close()


@pytest.mark.parametrize(
    "reply",
    [
        b"HTTP/1.1 200 OK\r\nConnection: close\r\nContent-Length: 2\r\n\r\n{}",
        b"HTTP/1.0 200 OK\r\nContent-Length: 2\r\n\r\n{}",
    ],
    ids=["Connection: close", "HTTP/1.0"],
)
def test_own_pool_does_not_reuse_a_connection_its_reply_closes(
    raw: KeepAliveServer, reply: bytes
) -> None:
    """A reply that says the connection ends with it: read, then the connection is closed and
    the next call opens another (even if the server kept it open)."""
    raw.reply = reply
    sender = PoolSender(TIMEOUTS)
    for _ in range(2):
        answered = sender.post(raw.base_url + "/x", PAN_BODY, HEADERS, None)
        assert answered.status_code == 200 and answered.body.reveal() == b"{}"
    assert raw.connections == 2
    sender.close()


def test_own_pool_refuses_a_coding_it_did_not_offer(raw: KeepAliveServer) -> None:
    raw.reply = b"HTTP/1.1 200 OK\r\nContent-Encoding: br\r\nContent-Length: 2\r\n\r\n{}"
    sender = PoolSender(TIMEOUTS)
    with pytest.raises(sogenactif.RemoteProtocolError, match="'br'") as info:
        sender.post(raw.base_url + "/x", PAN_BODY, HEADERS, None)
    assert info.value.may_have_reached_server is True
    raw.reply = REPLY
    assert sender.post(raw.base_url + "/x", PAN_BODY, HEADERS, None).status_code == 200
    assert raw.connections == 2  # the connection of the refused reply was not used again
    sender.close()


def test_own_pool_keeps_the_connections_of_eight_servers() -> None:
    """The connections of a URL are found once (issue 16); the sender keeps those of eight
    servers (as urllib3's pool manager did): with more, or after ``close()``, the idle ones are
    closed and calls go on, pooled again."""
    servers = [KeepAliveServer() for _ in range(10)]  # more servers than the sender keeps
    try:
        sender = PoolSender(TIMEOUTS)
        for _ in range(2):
            for server in servers:
                for path in ("/rs-services/v2/a/b", "/rs-services/v2/a/c"):
                    reply = sender.post(server.base_url + path, PAN_BODY, HEADERS, None)
                    assert reply.status_code == 200 and reply.body.reveal() == b"{}"
        assert all(len(s.requests) == 4 for s in servers)
        # Servers used first were dropped: a new connection for each, never a failure.
        assert all(s.connections == 2 for s in servers)
        sender.close()
        assert sender.post(servers[0].base_url + "/x", PAN_BODY, HEADERS, None).status_code == 200
        before = servers[0].connections
        sender.post(servers[0].base_url + "/x", PAN_BODY, HEADERS, None)
        assert servers[0].connections == before  # pooled again
        sender.close()
    finally:
        for server in servers:
            server.close()


def test_own_pool_keeps_at_most_pool_size_idle_connections() -> None:
    """Four calls at once open four connections; a pool of two keeps two of them, and the next
    four calls at once reuse those two and open two more."""
    server = KeepAliveServer(hold=threading.Barrier(4))
    sender = PoolSender(TIMEOUTS, pool_size=2)
    url = server.base_url + "/rs-services/v2/a/b"
    try:
        for opened in (4, 6):
            calls = [
                threading.Thread(target=sender.post, args=(url, EMPTY, HEADERS, None))
                for _ in range(4)
            ]
            for call in calls:
                call.start()
            for call in calls:
                call.join(timeout=10)
            assert server.connections == opened
        assert len(server.requests) == 8
    finally:
        sender.close()
        server.close()


def test_own_pool_a_call_in_progress_when_the_sender_closes() -> None:
    """``close()`` closes the idle connections; a call in progress is answered on its own,
    which is then closed rather than kept: the next call opens a new one."""
    hold = threading.Barrier(2)  # the reply waits until the test lets it go
    server = KeepAliveServer(hold=hold)
    sender = PoolSender(TIMEOUTS)
    url = server.base_url + "/x"
    replies: list[int] = []
    call = threading.Thread(
        target=lambda: replies.append(sender.post(url, EMPTY, HEADERS, None).status_code)
    )
    call.start()
    while not server.requests:
        time.sleep(0.01)
    sender.close()
    hold.wait(timeout=10)  # now the reply goes
    call.join(timeout=10)
    server.hold = None  # the next calls are answered at once
    assert replies == [200]
    assert sender.post(url, EMPTY, HEADERS, None).status_code == 200
    assert server.connections == 2
    sender.close()
    server.close()


def test_http_clients_debugging_shows_the_reply_head_alone(
    raw: KeepAliveServer, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """``http.client.HTTPConnection.debuglevel`` (a requests user's way of seeing the traffic)
    prints the reply's status and headers, as it did under urllib3's connections; never the
    request, whose body holds card data."""
    import http.client

    monkeypatch.setattr(http.client.HTTPConnection, "debuglevel", 1)
    sender = PoolSender(TIMEOUTS)
    assert sender.post(raw.base_url + "/x", PAN_BODY, HEADERS, None).status_code == 200
    sender.close()
    printed = capsys.readouterr().out
    assert "reply: 'HTTP/1.1 200 OK\\r\\n'" in printed and "header: Content-Type:" in printed
    assert "4973019999912764" not in printed and "POST" not in printed


def test_connections_are_given_back_last_first_and_kept_within_bounds() -> None:
    from sogenactif_core._http_pool import _Connections

    connections = _Connections(("127.0.0.1", 9), None, 2, b"Host: x\r\n")
    a, b, c = (connections.take() for _ in range(3))  # none idle: three new, not connected
    assert len({id(a), id(b), id(c)}) == 3 and a.is_closed and (a.host, a.port) == ("127.0.0.1", 9)
    servers = {}
    for conn in (a, b, c):  # connected, as the sender leaves them after a call
        conn.sock, servers[id(conn)] = socket.socketpair()
    for conn in (a, b, c):
        connections.give_back(conn)
    assert c.is_closed and not a.is_closed and not b.is_closed  # two kept, the third closed
    assert connections.take() is b  # the one given back last
    servers[id(b)].close()  # closed by the server while idle: readable (end of file)
    connections.give_back(b)
    assert connections.take() is b and b.is_closed  # closed, to be connected again
    connections.close()
    assert a.is_closed
    b.sock = servers[id(a)]
    connections.give_back(b)
    assert b.is_closed  # given back after close(): closed, not kept
    assert connections.take() is not b
    for server in servers.values():
        server.close()


def test_own_pool_percent_encodes_the_request_target(raw: KeepAliveServer) -> None:
    """As urllib3's pool did: what a request line cannot hold is percent-encoded, an escape
    already made is kept."""
    sender = PoolSender(TIMEOUTS)
    sender.post(raw.base_url + "/a b/caf\u00e9/%41?x=1 2", EMPTY, HEADERS, None)
    assert raw.requests[-1].startswith(b"POST /a%20b/caf%C3%A9/%41?x=1%202 HTTP/1.1\r\n")
    sender.close()


def test_own_pool_reaches_an_ipv6_address() -> None:
    try:
        server = KeepAliveServer(host="::1")
    except OSError:
        pytest.skip("no IPv6 loopback on this machine")
    sender = PoolSender(TIMEOUTS)
    try:
        for _ in range(2):
            assert sender.post(server.base_url + "/x", EMPTY, HEADERS, None).status_code == 200
        assert server.connections == 1
        assert b"\r\nHost: [::1]:" in server.requests[-1]
    finally:
        sender.close()
        server.close()


def test_a_client_sends_its_user_agent_and_offers_compression(raw: KeepAliveServer) -> None:
    client = sogenactif.Client(
        merchant_id="201040040170001",
        secret_key="k",
        environment=raw.base_url,
    )
    try:
        client.token.payment_token_generate(card_number="4100000000000000")
    except sogenactif.SogenactifError:
        pass  # "{}" is no answer of the platform's: only what was sent matters here
    head = raw.requests[-1].split(b"\r\n\r\n")[0]
    assert b"Accept-Encoding: gzip, deflate" in head
    assert b"User-Agent: sogenactif/" in head


def test_no_post_is_ever_resent_by_the_pool(monkeypatch: Any) -> None:
    """A connection closed by the server as the request arrives: one attempt, a typed error."""
    served: list[bytes] = []

    def script(conn: Connection) -> None:
        served.append(conn.request)
        conn.reset()

    with RawServer(script) as server:
        with pytest.raises(sogenactif.RemoteProtocolError) as info:
            PoolSender(TIMEOUTS).post(server.base_url + "/x", EMPTY, HEADERS, None)
        assert info.value.may_have_reached_server is True
        assert len(served) == 1


# --------------------------------------------------------------------------- certificates


def test_unknown_certificates_are_refused_before_anything_is_sent(
    tls: KeepAliveServer, sender_kind: str
) -> None:
    sender = SENDERS[sender_kind]()
    with pytest.raises(sogenactif.ConnectError) as info:
        sender.post(tls.base_url + "/x", PAN_BODY, HEADERS, None)
    assert info.value.may_have_reached_server is False
    assert "nothing was sent" in str(info.value)
    assert tls.requests == []


def test_a_hostname_mismatch_says_nothing_was_sent(sender_kind: str) -> None:
    """The certificate (trusted) names 127.0.0.1 and localhost; the server answers at 127.0.0.2."""
    server = KeepAliveServer(_tls_context(), host="127.0.0.2")
    try:
        session = requests.Session()
        session.verify = str(TLS / "localhost.pem")
        sender = (
            PoolSender(TIMEOUTS, verify=str(TLS / "localhost.pem"))
            if sender_kind == "own pool"
            else SessionSender(session, TIMEOUTS)
        )
        with pytest.raises(sogenactif.ConnectError) as info:
            sender.post(server.base_url + "/x", PAN_BODY, HEADERS, None)
        assert info.value.may_have_reached_server is False
        assert server.requests == []
    finally:
        server.close()


def test_trusted_certificates_from_the_verify_option(tls: KeepAliveServer) -> None:
    sender = PoolSender(TIMEOUTS, verify=str(TLS / "localhost.pem"))
    for _ in range(2):
        reply = sender.post(tls.base_url + "/x", EMPTY, HEADERS, None)
        assert reply.status_code == 200 and reply.body.reveal() == b"{}"
    assert len(tls.requests) == 2 and tls.connections == 1


def test_a_server_named_by_its_host_name_is_checked_by_that_name(tls: KeepAliveServer) -> None:
    """``https://localhost:…``: the name goes to the handshake (SNI) and the certificate is
    checked against it (the server listens on 127.0.0.1 alone: a first address of ``localhost``
    that refuses, ``::1``, is passed over)."""
    sender = PoolSender(TIMEOUTS, verify=str(TLS / "localhost.pem"))
    url = tls.base_url.replace("127.0.0.1", "localhost") + "/x"
    assert sender.post(url, EMPTY, HEADERS, None).status_code == 200
    assert b"\r\nHost: localhost:" in tls.requests[-1]
    sender.close()


@pytest.mark.parametrize("variable", ["REQUESTS_CA_BUNDLE", "CURL_CA_BUNDLE", "SSL_CERT_FILE"])
def test_trusted_certificates_from_the_environment(
    tls: KeepAliveServer, monkeypatch: Any, variable: str
) -> None:
    monkeypatch.setenv(variable, str(TLS / "localhost.pem"))
    reply = PoolSender(TIMEOUTS).post(tls.base_url + "/x", EMPTY, HEADERS, None)
    assert reply.status_code == 200
    # trust_env=False: the environment is not read, the default bundle does not know it.
    with pytest.raises(sogenactif.ConnectError):
        PoolSender(TIMEOUTS, trust_env=False).post(tls.base_url + "/x", EMPTY, HEADERS, None)


def test_verification_is_off_only_when_asked(tls: KeepAliveServer) -> None:
    with pytest.warns(urllib3.exceptions.InsecureRequestWarning):
        reply = PoolSender(TIMEOUTS, verify=False).post(tls.base_url + "/x", EMPTY, HEADERS, None)
    assert reply.status_code == 200


def test_a_callers_session_keeps_its_own_certificate_settings(tls: KeepAliveServer) -> None:
    session = requests.Session()
    session.verify = str(TLS / "localhost.pem")
    reply = SessionSender(session, TIMEOUTS).post(tls.base_url + "/x", EMPTY, HEADERS, None)
    assert reply.status_code == 200


@pytest.mark.parametrize("setting", ["verify", "cert", "socks proxy", "proxy without a host"])
def test_a_callers_session_that_cannot_send_is_a_configuration_error(
    tls: KeepAliveServer, setting: str
) -> None:
    """requests refuses these before it opens any connection. They were a RemoteProtocolError
    saying the request "may have reached the server" (a SOCKS proxy without PySocks, a proxy URL
    without a host), or a raw OSError (a certificate file that is not there). They are now a
    ConfigurationError saying nothing was sent, and the server saw nothing."""
    session = requests.Session()
    session.trust_env = False
    if setting == "verify":
        session.verify = "/no/such/bundle.pem"
    elif setting == "cert":
        session.cert = "/no/such/cert.pem"
    elif setting == "socks proxy":
        try:
            import socks  # noqa: F401 - PySocks: requests would then try the proxy
        except ImportError:
            pass
        else:
            pytest.skip("PySocks is installed")
        session.proxies = {"https": "socks5://user:s3cret@127.0.0.1:1080"}
    else:
        session.proxies = {"https": "http://"}
    with pytest.raises(sogenactif.ConfigurationError) as refused:
        SessionSender(session, TIMEOUTS).post(tls.base_url + "/x", EMPTY, HEADERS, None)
    assert "Nothing was sent" in str(refused.value) and "s3cret" not in str(refused.value)
    assert refused.value.may_have_reached_server is False
    assert tls.requests == []


# --------------------------------------------------------------------------- proxies


class ForwardProxy(KeepAliveServer):
    """Stands in for an HTTP proxy: records the absolute-URI requests and answers them."""


def test_proxy_from_the_environment_and_no_proxy(raw: KeepAliveServer, monkeypatch: Any) -> None:
    proxy = ForwardProxy()
    try:
        monkeypatch.setenv("HTTP_PROXY", proxy.base_url)
        target = raw.base_url.replace("127.0.0.1", "shop.invalid") + "/rs-services/v2/x/y"
        reply = PoolSender(TIMEOUTS).post(target, EMPTY, HEADERS, None)
        assert reply.status_code == 200
        assert proxy.requests and proxy.requests[-1].startswith(f"POST {target} ".encode())
        # NO_PROXY covers the host: straight to the server.
        monkeypatch.setenv("NO_PROXY", "127.0.0.1")
        before = len(proxy.requests)
        PoolSender(TIMEOUTS).post(raw.base_url + "/direct", EMPTY, HEADERS, None)
        assert len(proxy.requests) == before
        assert raw.requests[-1].startswith(b"POST /direct ")
        # trust_env=False: the environment's proxy is ignored.
        PoolSender(TIMEOUTS, trust_env=False).post(raw.base_url + "/d2", EMPTY, HEADERS, None)
        assert len(proxy.requests) == before
    finally:
        proxy.close()


@pytest.mark.parametrize("kind", ["sync", "async"])
@pytest.mark.parametrize(
    "value",
    [
        "socks5://user:s3cret@127.0.0.1:1080",
        "http://user:s3cret@",  # no host
        "http://user:s3cret@proxy:99999",  # no port
        "http://user:s3cret@[::1",
        "user:s3cret@pro xy:3128",
    ],
)
def test_an_unusable_proxy_from_the_environment_is_refused_alike(
    raw: KeepAliveServer, monkeypatch: Any, kind: str, value: str
) -> None:
    """``ALL_PROXY=socks5://…``: the sync client wrapped urllib3's refusal as a ConnectError
    naming only "ConfigurationError", the async client let httpx's ImportError through (no
    typed error at all); a proxy without a host or with a bad port failed as a connection error
    naming the server, not the proxy (and "[::1" as a raw ValueError on the async client). Both
    now refuse them as a ConfigurationError that names the variables and the ways out, shows no
    password, and sends nothing; NO_PROXY for the host still works."""
    pytest.importorskip("httpx")
    monkeypatch.setenv("ALL_PROXY", value)
    monkeypatch.delenv("NO_PROXY", raising=False)
    monkeypatch.delenv("no_proxy", raising=False)
    options = {"merchant_id": "201040040170001", "secret_key": "k", "environment": raw.base_url}
    with pytest.raises(sogenactif.ConfigurationError) as refused:
        if kind == "sync":
            sogenactif.Client(**options).token.payment_token_generate(
                card_number="4100000000000000"
            )
        else:
            sogenactif.AsyncClient(**options)
    message = str(refused.value)
    assert "HTTP_PROXY or ALL_PROXY" in message and "not an http:// or https:// proxy" in message
    assert "NO_PROXY" in message and "Nothing was sent" in message
    assert "s3cret" not in message and "user" not in message
    assert raw.requests == []
    monkeypatch.setenv("NO_PROXY", "127.0.0.1")
    if kind == "sync":
        reply = PoolSender(TIMEOUTS).post(raw.base_url + "/direct", EMPTY, HEADERS, None)
        assert reply.status_code == 200
    else:
        import asyncio

        from sogenactif_core._http_async import HttpxSender

        async def post() -> int:
            sender = HttpxSender(TIMEOUTS, raw.base_url)
            try:
                return (
                    await sender.post(raw.base_url + "/direct", EMPTY, HEADERS, None)
                ).status_code
            finally:
                await sender.aclose()

        assert asyncio.run(post()) == 200
    assert raw.requests[-1].startswith(b"POST /direct ")


def test_proxy_option_with_credentials(raw: KeepAliveServer) -> None:
    proxy = ForwardProxy()
    try:
        url = proxy.base_url.replace("http://", "http://us%40er:p%3Ass@")
        sender = PoolSender(TIMEOUTS, proxies={"http": url})
        sender.post(raw.base_url + "/x", EMPTY, HEADERS, None)
        head = proxy.requests[-1].split(b"\r\n\r\n")[0].lower()
        # "us@er:p:ss" in base64
        assert b"proxy-authorization: basic dxnazxi6cdpzcw==" in head
        assert raw.requests == []
    finally:
        proxy.close()


class TunnelProxy:
    """An HTTP proxy for HTTPS: records each CONNECT request exactly as received (with anything
    sent after it before the tunnel opened), then relays bytes both ways."""

    def __init__(self) -> None:
        self.sock = socket.socket()
        self.sock.bind(("127.0.0.1", 0))
        self.sock.listen(8)
        self.connects: list[bytes] = []
        self.base_url = f"http://127.0.0.1:{self.sock.getsockname()[1]}"
        threading.Thread(target=self._serve, daemon=True).start()

    def _serve(self) -> None:
        while True:
            try:
                conn, _ = self.sock.accept()
            except OSError:
                return
            threading.Thread(target=self._tunnel, args=(conn,), daemon=True).start()

    def _tunnel(self, conn: socket.socket) -> None:
        received = b""
        while b"\r\n\r\n" not in received:
            data = conn.recv(65536)
            if not data:
                return
            received += data
        self.connects.append(received)
        host, _, port = received.split(b" ")[1].decode().rpartition(":")
        upstream = socket.create_connection((host, int(port)))
        conn.sendall(b"HTTP/1.1 200 Connection established\r\n\r\n")

        def relay(source: socket.socket, target: socket.socket) -> None:
            try:
                while data := source.recv(65536):
                    target.sendall(data)
            except OSError:
                pass
            finally:
                for s in (source, target):
                    try:
                        s.shutdown(socket.SHUT_RDWR)
                    except OSError:
                        pass

        threading.Thread(target=relay, args=(upstream, conn), daemon=True).start()
        relay(conn, upstream)

    def close(self) -> None:
        self.sock.close()


def test_https_through_a_proxy_tunnel_sends_the_body_only_inside_it(tls: KeepAliveServer) -> None:
    """The body goes out with the request's head (issue 16), never with the proxy's CONNECT:
    the proxy sees a bare CONNECT, the server the whole request, through one tunnel."""
    proxy = TunnelProxy()
    try:
        sender = PoolSender(
            TIMEOUTS, proxies={"https": proxy.base_url}, verify=str(TLS / "localhost.pem")
        )
        for _ in range(2):
            reply = sender.post(tls.base_url + "/rs-services/v2/x/y", PAN_BODY, HEADERS, None)
            assert reply.status_code == 200 and reply.body.reveal() == b"{}"
            head, _, sent = tls.requests[-1].partition(b"\r\n\r\n")
            assert sent == PAN_BODY.reveal()
            assert head.startswith(b"POST /rs-services/v2/x/y HTTP/1.1\r\n")
        assert len(proxy.connects) == 1  # one tunnel, kept
        connect = proxy.connects[0]
        assert connect.startswith(f"CONNECT {tls.base_url.removeprefix('https://')} ".encode())
        assert connect.endswith(b"\r\n\r\n") and PAN_BODY.reveal() not in connect
        sender.close()
    finally:
        proxy.close()


def test_proxy_choice_by_scheme(monkeypatch: Any) -> None:
    monkeypatch.setenv("HTTPS_PROXY", "proxy.example:3128")
    assert proxy_for("https://office-server.example/x", None, True) == "http://proxy.example:3128"
    assert proxy_for("http://office-server.example/x", None, True) is None
    monkeypatch.setenv("NO_PROXY", ".example")
    assert proxy_for("https://office-server.example/x", None, True) is None
    assert proxy_for("https://a/x", {"all": "http://p:1"}, True) == "http://p:1"
    assert proxy_for("https://a/x", {}, True) is None  # an explicit empty mapping: no proxy


def test_proxy_and_session_options_do_not_mix() -> None:
    with pytest.raises(sogenactif.ConfigurationError, match="session"):
        sogenactif.Client(
            merchant_id="201040040170001",
            secret_key="k",
            session=requests.Session(),
            proxies={"https": "http://p:1"},
        )


# --------------------------------------------------------------------------- deadlines


def _trickle(fast: bytes, slow: bytes, every: float = 0.2) -> Callable[[Connection], None]:
    """Send ``fast`` at once, then ``slow`` a byte at a time."""

    def script(conn: Connection) -> None:
        conn.send(fast)
        for byte in slow:
            if conn.stop.is_set():
                return
            conn.send(bytes([byte]))
            time.sleep(every)

    return script


SLOW_HEAD = b"HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nX-Padding: " + b"a" * 400
SLOW_BODY = (
    b"HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: 400\r\n\r\n",
    b"{" + b" " * 398 + b"}",
)


def _endless_chunks(conn: Connection) -> None:
    conn.send(
        b"HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nTransfer-Encoding: chunked\r\n\r\n"
    )
    while not conn.stop.is_set():
        conn.send(b"1\r\n \r\n")
        time.sleep(0.2)


SCRIPTS = {
    "slow headers": _trickle(b"", SLOW_HEAD),
    "slow body": _trickle(SLOW_BODY[0], SLOW_BODY[1]),
    "endless chunks": _endless_chunks,
}


@pytest.mark.parametrize("script", list(SCRIPTS))
def test_the_timeout_is_a_deadline_whatever_the_server_does(protocol: str, script: str) -> None:
    """Each read gets a byte within its read timeout; the call still ends at its deadline."""
    with RawServer(SCRIPTS[script]) as server:
        client = sogenactif.Client(
            merchant_id="201040040170001",
            secret_key="k",
            environment=server.base_url,
            protocol=protocol,  # type: ignore[arg-type]
            timeout=1.5,
        )
        started = time.monotonic()
        with pytest.raises(sogenactif.ReadTimeoutError) as info:
            client.token.payment_token_generate(card_number="4100000000000000")
        elapsed = time.monotonic() - started
    assert 1.4 < elapsed < 2.0, elapsed
    assert info.value.may_have_reached_server is True
    assert "1.5 s" in str(info.value)


def test_a_callers_session_is_bounded_while_the_body_arrives(protocol: str) -> None:
    with RawServer(SCRIPTS["slow body"]) as server:
        client = sogenactif.Client(
            merchant_id="201040040170001",
            secret_key="k",
            environment=server.base_url,
            protocol=protocol,  # type: ignore[arg-type]
            timeout=1.5,
            session=requests.Session(),
        )
        started = time.monotonic()
        with pytest.raises(sogenactif.ReadTimeoutError):
            client.token.payment_token_generate(card_number="4100000000000000")
    assert time.monotonic() - started < 2.0


def test_the_deadline_leaves_the_pool_usable(raw: KeepAliveServer) -> None:
    """After a call ended by its deadline, the same client works against a good server."""
    with RawServer(SCRIPTS["slow body"]) as slow:
        sender = PoolSender(Timeouts(connect=1.0, read=1.0, total=0.8))
        with pytest.raises(sogenactif.ReadTimeoutError):
            sender.post(slow.base_url + "/x", EMPTY, HEADERS, time.monotonic() + 0.8)
        reply = sender.post(raw.base_url + "/x", EMPTY, HEADERS, time.monotonic() + 5)
        assert reply.status_code == 200


def test_retries_wait_within_the_deadline(server: Any) -> None:
    """A retry whose wait would end past the deadline is not made: the 90 is returned."""
    from tests.support import SECRET_KEY, json_reply

    server.reply = lambda req: json_reply(sealed({"responseCode": "90"}, SECRET_KEY))
    client = make_client(
        server,
        "rest",
        timeout=1.0,
        retry=sogenactif.RetryPolicy(max_attempts=5, backoff=0.6, max_backoff=5, jitter=False),
    )
    started = time.monotonic()
    response = client.diagnostic.get_transaction_data(transaction_reference="REF1")
    assert response.response_code == "90"
    assert time.monotonic() - started < 1.0
    assert len(server.requests) == 2  # the 0.6 s wait fits, the next 1.2 s one would not


# --------------------------------------------------------------------------- TLS contexts
# Loading a CA bundle costs 15–20 ms of CPU; urllib3 given only its path loads it for every new
# connection. One context per source of trusted certificates is shared instead; a client
# certificate goes into a context of the client's own (tls_context).


def _mutual_tls_context() -> ssl.SSLContext:
    """The test server's context, asking every client for a certificate it trusts (ours)."""
    context = _tls_context()
    context.verify_mode = ssl.CERT_REQUIRED
    context.load_verify_locations(TLS / "localhost.pem")
    return context


def test_one_context_serves_every_client_trusting_the_same_certificates(
    tmp_path: Path,
) -> None:
    from sogenactif_core._http_settings import tls_context

    bundle = tmp_path / "bundle.pem"
    bundle.write_bytes((TLS / "localhost.pem").read_bytes())
    shared = tls_context(str(bundle), None, False)
    assert tls_context(str(bundle), None, False) is shared
    assert shared.verify_mode == ssl.CERT_REQUIRED and shared.check_hostname
    assert tls_context(True, None, False) is tls_context(True, None, False)  # certifi's
    assert tls_context(True, None, False) is not shared
    # A client certificate: a context of the client's own, the shared one left as it was.
    own = tls_context(
        str(bundle), (str(TLS / "localhost.pem"), str(TLS / "localhost-key.pem")), False
    )
    assert own is not shared and own.verify_mode == ssl.CERT_REQUIRED and own.check_hostname
    # The bundle changed on disk: made again.
    stat = bundle.stat()
    import os

    os.utime(bundle, (stat.st_atime, stat.st_mtime + 10))
    assert tls_context(str(bundle), None, False) is not shared
    off = tls_context(False, None, False)
    assert off.verify_mode == ssl.CERT_NONE and not off.check_hostname


def test_new_connections_load_no_certificates(
    tls: KeepAliveServer, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Every connection of a client uses the context made once (urllib3 is given no bundle to
    load): counted over new connections after closing the pool."""
    loads: list[Any] = []
    real = ssl.SSLContext.load_verify_locations

    def counting(self: ssl.SSLContext, *args: Any, **kwargs: Any) -> None:
        loads.append(args)
        real(self, *args, **kwargs)

    sender = PoolSender(TIMEOUTS, verify=str(TLS / "localhost.pem"))
    monkeypatch.setattr(ssl.SSLContext, "load_verify_locations", counting)
    for _ in range(3):
        assert sender.post(tls.base_url + "/x", EMPTY, HEADERS, None).status_code == 200
        sender.close()  # the next call opens a new connection
    assert tls.connections >= 3 and loads == []


@pytest.mark.parametrize("kind", ["sync", "async"])
def test_a_client_certificate_is_presented_by_its_client_alone(kind: str) -> None:
    """Mutual TLS: the client given ``cert`` is let in; a client made after it, without one, is
    refused by the server: the certificate went into a context of its own, not a shared one."""
    import asyncio

    from sogenactif_core._http_async import HttpxSender

    server = KeepAliveServer(_mutual_tls_context())
    ca = str(TLS / "localhost.pem")
    pair = (str(TLS / "localhost.pem"), str(TLS / "localhost-key.pem"))

    def post(**options: Any) -> int:
        if kind == "sync":
            sender = PoolSender(TIMEOUTS, verify=ca, **options)
            try:
                return sender.post(server.base_url + "/x", EMPTY, HEADERS, None).status_code
            finally:
                sender.close()

        async def one() -> int:
            sender = HttpxSender(TIMEOUTS, server.base_url, verify=ca, **options)
            try:
                reply = await sender.post(server.base_url + "/x", EMPTY, HEADERS, None)
                return reply.status_code
            finally:
                await sender.aclose()

        return asyncio.run(one())

    try:
        assert post(cert=pair) == 200
        with pytest.raises(sogenactif.TransportError):
            post()
        for _ in range(200):  # the server's thread counts it once its side of the handshake ends
            if server.handshakes_failed:
                break
            time.sleep(0.01)
        assert server.handshakes_failed >= 1
        assert post(cert=pair) == 200
    finally:
        server.close()


def test_plain_http_makes_no_tls_context(
    raw: KeepAliveServer, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A client speaking plain HTTP (the simulator, a local gateway) loads no certificates: the
    cold start pays nothing for TLS it does not use."""
    from sogenactif_core import _http_pool

    def refuse(*args: Any) -> Any:
        raise AssertionError("a TLS context was made for plain HTTP")

    monkeypatch.setattr(_http_pool, "tls_context", refuse)
    sender = PoolSender(TIMEOUTS)
    assert sender.post(raw.base_url + "/x", EMPTY, HEADERS, None).status_code == 200
    sender.close()
