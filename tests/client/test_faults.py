"""The fault matrix: a local server misbehaves, over REST and over SOAP, and every fault gives a
typed error that says whether the request may have reached the server, never resends, and
never quotes card data.

Everything runs on 127.0.0.1. The connect timeout uses a listening socket whose accept backlog
is full, so the kernel leaves new connections unanswered.
"""

from __future__ import annotations

import gc
import json
import re
import socket
import time
from collections.abc import Iterator
from typing import Any

import pytest
import requests

import sogenactif
from tests.support import (
    KEY_VERSION,
    MERCHANT_ID,
    SECRET_KEY,
    Connection,
    either_client,
    sealed,
    soap_reply,
)

PAN = "4973019999912764"  # passes the Luhn check
CSC = "0937"
SOAP_ENV = "http://schemas.xmlsoap.org/soap/envelope/"
TOKEN_NS = "urn:sips:cn:contract:office:token:v2"


CURRENT_PATH = ["own pool"]  # what client_for builds, set for each test by http_path
MADE: list[Any] = []  # the clients client_for made for the test running, closed after it


@pytest.fixture(autouse=True, params=["own pool", "caller's session", "async client"])
def http_path(request: pytest.FixtureRequest) -> Iterator[str]:
    """Every fault three times: through the client's own connection pool, through a
    ``requests.Session`` the caller supplies, and through ``AsyncClient`` (httpx): the same
    typed errors."""
    CURRENT_PATH[0] = str(request.param)
    yield CURRENT_PATH[0]
    CURRENT_PATH[0] = "own pool"
    # Closed, not left to the garbage collector: an async client's connections left open are
    # cyclic garbage whose finalizers run whenever a collection comes, deep inside another
    # test's recursion included (the deeply nested answer below), where they cannot run.
    while MADE:
        MADE.pop().close()


def client_for(base_url: str, protocol: str, **options: Any) -> Any:
    """A ``Client``, or an ``AsyncClient`` driven through :class:`tests.support.Awaited`."""
    options.setdefault("timeout", (1.0, 0.5))
    if CURRENT_PATH[0] == "caller's session":
        options.setdefault("session", requests.Session())
    client = either_client(
        "async" if CURRENT_PATH[0] == "async client" else "sync",
        merchant_id=MERCHANT_ID,
        secret_key=SECRET_KEY,
        key_version=KEY_VERSION,
        environment=base_url,
        protocol=protocol,
        **options,
    )
    MADE.append(client)
    return client


def call(client: Any) -> Any:
    return client.token.payment_token_generate(
        card_number=PAN, card_expiry_date="203012", card_csc_value=CSC, payment_mean_brand="VISA"
    )


def answer(protocol: str, fields: dict[str, Any]) -> tuple[bytes, str]:
    if protocol == "rest":
        return json.dumps(fields).encode(), "application/json"
    reply = soap_reply("token", "paymentTokenGenerate", fields)
    return reply.body, reply.content_type


def soap_envelope(inner: str) -> bytes:
    return (
        f'<?xml version="1.0" encoding="UTF-8"?><soap:Envelope xmlns:soap="{SOAP_ENV}">'
        f"<soap:Body>{inner}</soap:Body></soap:Envelope>"
    ).encode()


def check_error(
    exc: sogenactif.SogenactifError, error_type: type[Exception], reached: bool
) -> None:
    """The error's type, its flag, a message that agrees with the flag, nothing secret, and no
    chained library exception (those hold the request body)."""
    assert type(exc) is error_type, repr(exc)
    assert exc.may_have_reached_server is reached
    text = str(exc) + repr(exc)
    for secret in (PAN, PAN[:10], SECRET_KEY):
        assert secret not in text
    # The CSC as a number on its own: the server's port (…40937/) may hold its digits.
    assert re.search(rf"(?<!\d){CSC}(?!\d)", text) is None
    if isinstance(exc, sogenactif.TransportError):
        expected = "may have reached the server" if reached else "did not reach the server"
        assert expected in str(exc)
    elif reached:
        assert "unknown" in str(exc) or "may have been performed" in str(exc)
    assert exc.__cause__ is None
    assert exc.__context__ is None or isinstance(exc.__context__, sogenactif.SogenactifError)
    assert exc.attempts == 1


def expect(client: Any, error_type: type[Exception], reached: bool) -> sogenactif.SogenactifError:
    with pytest.raises(sogenactif.SogenactifError) as info:
        call(client)
    check_error(info.value, error_type, reached)
    return info.value


# ---------------------------------------------------------------- nothing was sent


def test_connection_refused(protocol: str) -> None:
    with socket.create_server(("127.0.0.1", 0)) as probe:
        port = probe.getsockname()[1]
    # The port is closed now: the kernel refuses connections to it.
    exc = expect(client_for(f"http://127.0.0.1:{port}", protocol), sogenactif.ConnectError, False)
    assert "ConnectionRefusedError" in str(exc)


@pytest.fixture()
def full_backlog() -> Iterator[str]:
    """A listening socket that never accepts, its backlog filled: new connects get no answer."""
    listener = socket.socket()
    listener.bind(("127.0.0.1", 0))
    listener.listen(0)
    port = listener.getsockname()[1]
    fillers = []
    for _ in range(8):
        filler = socket.socket()
        filler.setblocking(False)
        try:
            filler.connect(("127.0.0.1", port))
        except BlockingIOError:
            pass
        fillers.append(filler)
    time.sleep(0.05)
    yield f"http://127.0.0.1:{port}"
    for filler in fillers:
        filler.close()
    listener.close()


def test_connect_timeout_before_anything_was_sent(full_backlog: str, protocol: str) -> None:
    client = client_for(full_backlog, protocol, timeout=5.0, connect_timeout=0.2)
    started = time.monotonic()
    exc = expect(client, sogenactif.ConnectTimeoutError, False)
    assert time.monotonic() - started < 3
    assert isinstance(exc, sogenactif.ConnectError)
    assert "0.2 s" in str(exc)


# ---------------------------------------------------------------- sent, then the exchange broke


def test_read_timeout_after_the_request_was_sent(raw_server: Any, protocol: str) -> None:
    server = raw_server(lambda conn: conn.hang())
    started = time.monotonic()
    exc = expect(client_for(server.base_url, protocol), sogenactif.ReadTimeoutError, True)
    assert time.monotonic() - started < 3
    assert len(server.requests) == 1  # it did arrive, and was not sent again
    assert "0.5 s" in str(exc)


def test_response_stops_arriving(raw_server: Any, protocol: str) -> None:
    def script(conn: Connection) -> None:
        conn.send(
            b"HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: 900\r\n\r\n{"
        )
        conn.hang()

    server = raw_server(script)
    expect(client_for(server.base_url, protocol), sogenactif.ReadTimeoutError, True)
    assert len(server.requests) == 1


def test_connection_reset_mid_response(raw_server: Any, protocol: str) -> None:
    def script(conn: Connection) -> None:
        conn.send(
            b"HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: 1000\r\n\r\n"
            + b'{"responseCode": "00", "paymentToken": "abc'
        )
        time.sleep(0.05)
        conn.reset()

    server = raw_server(script)
    expect(client_for(server.base_url, protocol), sogenactif.RemoteProtocolError, True)
    assert len(server.requests) == 1


def test_connection_closed_before_any_response(raw_server: Any, protocol: str) -> None:
    server = raw_server(lambda conn: conn.reset())
    exc = expect(client_for(server.base_url, protocol), sogenactif.RemoteProtocolError, True)
    assert "after the request was sent" in str(exc)
    assert len(server.requests) == 1


def test_body_shorter_than_announced(raw_server: Any, protocol: str) -> None:
    def script(conn: Connection) -> None:
        conn.send(b"HTTP/1.1 200 OK\r\nContent-Type: text/xml\r\nContent-Length: 500\r\n\r\n<a>")

    server = raw_server(script)  # the handler closes the socket (FIN) after the script
    expect(client_for(server.base_url, protocol), sogenactif.RemoteProtocolError, True)


# ---------------------------------------------------------------- the server answered, badly

HTML_415 = (
    b"<html><head><title>415 Unsupported Media Type</title></head><body><h1>Unsupported Media "
    b"Type</h1><p>The supplied request data is not in a format acceptable for processing by this "
    b"resource.</p></body></html>"
)


def test_http_415_html_page(raw_server: Any, protocol: str) -> None:
    server = raw_server(lambda conn: conn.reply(415, HTML_415, "text/html"))
    exc = expect(client_for(server.base_url, protocol), sogenactif.HTTPStatusError, True)
    assert isinstance(exc, sogenactif.HTTPStatusError)
    assert exc.status_code == 415 and exc.content_type == "text/html"
    assert "HTTP 415" in str(exc)
    if protocol == "rest":
        assert "Content-Type: application/json" in str(exc)
        # The client does send the header the guide asks for.
        assert b"Content-Type: application/json" in server.requests[0]


def test_http_500(raw_server: Any, protocol: str) -> None:
    server = raw_server(
        lambda conn: conn.reply(
            500, b"<html><body>Internal Server Error</body></html>", "text/html"
        )
    )
    exc = expect(client_for(server.base_url, protocol), sogenactif.HTTPStatusError, True)
    assert isinstance(exc, sogenactif.HTTPStatusError) and exc.status_code == 500
    assert len(server.requests) == 1


def test_redirect_is_not_followed(raw_server: Any, protocol: str) -> None:
    def script(conn: Connection) -> None:
        conn.send(
            b"HTTP/1.1 302 Found\r\nLocation: http://127.0.0.1:9/x\r\nContent-Length: 0\r\n\r\n"
        )

    server = raw_server(script)
    exc = expect(client_for(server.base_url, protocol), sogenactif.HTTPStatusError, True)
    assert isinstance(exc, sogenactif.HTTPStatusError) and exc.status_code == 302


@pytest.mark.parametrize(
    "body",
    [
        pytest.param(b"<html><body>Maintenance</body></html>", id="html"),
        pytest.param(b'{"responseCode": "00", "paymentToken": "ab', id="truncated"),
        pytest.param(b"", id="empty"),
        pytest.param(b"\xff\xfe{}", id="not-utf8"),
        pytest.param(b"[" * 100_000 + b"]" * 100_000, id="deeply-nested"),
        pytest.param(b'{"responseCode": ' + b"9" * 5000 + b"}", id="huge-integer"),
        pytest.param(b'["responseCode", "00"]', id="not-an-object"),
    ],
)
def test_unreadable_body(raw_server: Any, protocol: str, body: bytes) -> None:
    # json.loads descends until the recursion limit: a collection triggered down there runs the
    # finalizers of whatever garbage earlier tests left, which fail at that depth and reach
    # pytest as unraisable exceptions. Collected first, the parse meets only its own objects.
    gc.collect()
    if protocol == "soap" and body.startswith(b"{"):
        body = soap_envelope(f'<paymentTokenGenerateResponse xmlns="{TOKEN_NS}"><output><respon')
    server = raw_server(lambda conn: conn.reply(200, body, "application/json"))
    expect(client_for(server.base_url, protocol), sogenactif.ResponseDecodeError, True)
    assert len(server.requests) == 1


def test_seal_mismatch(raw_server: Any, protocol: str) -> None:
    fields = sealed({"responseCode": "00", "paymentToken": "tok"}, SECRET_KEY)
    fields["responseCode"] = "05"
    body, ctype = answer(protocol, fields)
    server = raw_server(lambda conn: conn.reply(200, body, ctype))
    exc = expect(client_for(server.base_url, protocol), sogenactif.SealMismatchError, True)
    assert "status is unknown" in str(exc)
    assert "must not be retried automatically" in str(exc)
    assert len(server.requests) == 1


def test_seal_over_a_value_that_is_not_text(raw_server: Any) -> None:
    body = b'{"responseCode": "00", "amount": 10.5, "seal": "00"}'
    server = raw_server(lambda conn: conn.reply(200, body, "application/json"))
    exc = expect(client_for(server.base_url, "rest"), sogenactif.SealMismatchError, True)
    assert "cannot be verified" in str(exc)


# ---------------------------------------------------------------- SOAP only


def test_soap_fault(raw_server: Any) -> None:
    fault = soap_envelope(
        "<soap:Fault><faultcode>soap:Server</faultcode>"
        f"<faultstring>Invalid field cardNumber={PAN}</faultstring>"
        f"<detail><reason>card {PAN} refused</reason></detail></soap:Fault>"
    )
    server = raw_server(lambda conn: conn.reply(500, fault, "text/xml; charset=utf-8"))
    exc = expect(client_for(server.base_url, "soap"), sogenactif.SoapFaultError, True)
    assert isinstance(exc, sogenactif.SoapFaultError)
    assert "soap:Server" in exc.code or "Server" in exc.code
    assert "Invalid field cardNumber=****2764" in str(exc)  # the server's words, PAN masked
    assert PAN not in exc.detail and "****2764" in exc.detail


def test_soap_fault_with_http_200(raw_server: Any) -> None:
    fault = soap_envelope(
        "<soap:Fault><faultcode>soap:Client</faultcode><faultstring>bad</faultstring></soap:Fault>"
    )
    server = raw_server(lambda conn: conn.reply(200, fault, "text/xml"))
    expect(client_for(server.base_url, "soap"), sogenactif.SoapFaultError, True)


def test_soap_entities_are_refused_not_resolved(raw_server: Any, tmp_path: Any) -> None:
    secret_file = tmp_path / "secret.txt"
    secret_file.write_text("TOP-SECRET-FILE-CONTENT")
    evil = (
        f'<?xml version="1.0"?><!DOCTYPE r [<!ENTITY xxe SYSTEM "file://{secret_file}">]>'
        f'<soap:Envelope xmlns:soap="{SOAP_ENV}"><soap:Body>'
        f'<paymentTokenGenerateResponse xmlns="{TOKEN_NS}"><output><responseCode>&xxe;'
        "</responseCode></output></paymentTokenGenerateResponse></soap:Body></soap:Envelope>"
    ).encode()
    server = raw_server(lambda conn: conn.reply(200, evil, "text/xml"))
    exc = expect(client_for(server.base_url, "soap"), sogenactif.UnsafeXMLError, True)
    assert isinstance(exc, sogenactif.ResponseDecodeError)
    assert "TOP-SECRET" not in str(exc) and "TOP-SECRET" not in repr(vars(exc))


def test_soap_external_dtd_is_never_fetched(raw_server: Any) -> None:
    spy = raw_server(lambda conn: conn.reply(200, b"<!ENTITY x 'y'>", "text/plain"))
    evil = (
        f'<?xml version="1.0"?><!DOCTYPE r SYSTEM "{spy.base_url}/evil.dtd">'
        f'<soap:Envelope xmlns:soap="{SOAP_ENV}"><soap:Body/></soap:Envelope>'
    ).encode()
    server = raw_server(lambda conn: conn.reply(200, evil, "text/xml"))
    expect(client_for(server.base_url, "soap"), sogenactif.UnsafeXMLError, True)
    time.sleep(0.05)
    assert spy.connections == 0


def test_soap_billion_laughs(raw_server: Any) -> None:
    entities = '<!ENTITY a0 "lol">' + "".join(
        f'<!ENTITY a{i} "{("&a" + str(i - 1) + ";") * 10}">' for i in range(1, 10)
    )
    evil = (
        f'<?xml version="1.0"?><!DOCTYPE r [{entities}]>'
        f'<soap:Envelope xmlns:soap="{SOAP_ENV}"><soap:Body>&a9;</soap:Body></soap:Envelope>'
    ).encode()
    server = raw_server(lambda conn: conn.reply(200, evil, "text/xml"))
    started = time.monotonic()
    expect(client_for(server.base_url, "soap"), sogenactif.UnsafeXMLError, True)
    assert time.monotonic() - started < 2


# ---------------------------------------------------------------- size


def test_huge_response_announced(raw_server: Any, protocol: str) -> None:
    def script(conn: Connection) -> None:
        conn.send(
            b"HTTP/1.1 200 OK\r\nContent-Type: application/json\r\n"
            b"Content-Length: 10000000000\r\n\r\n{"
        )
        conn.hang()

    server = raw_server(script)
    exc = expect(client_for(server.base_url, protocol), sogenactif.ResponseTooLargeError, True)
    assert "was not read" in str(exc)


def test_huge_response_streamed_without_length(raw_server: Any, protocol: str) -> None:
    sent = []

    def script(conn: Connection) -> None:
        conn.send(
            b"HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nTransfer-Encoding: chunked\r\n\r\n"
        )
        chunk = b"a" * 65536
        try:
            for _ in range(200):  # 13 MB, far beyond the limit: the client must stop first
                conn.send(b"%x\r\n%s\r\n" % (len(chunk), chunk))
                sent.append(len(chunk))
        except OSError:
            pass

    server = raw_server(script)
    client = client_for(server.base_url, protocol, max_response_bytes=256 * 1024)
    exc = expect(client, sogenactif.ResponseTooLargeError, True)
    assert "262144 bytes" in str(exc)


def test_default_limit_is_a_few_megabytes(raw_server: Any) -> None:
    body = b'{"x": "' + b"a" * (5 * 1024 * 1024) + b'"}'
    server = raw_server(lambda conn: conn.reply(200, body, "application/json"))
    with pytest.raises(sogenactif.ResponseTooLargeError):
        call(client_for(server.base_url, "rest"))


# ---------------------------------------------------------------- timeouts are explicit


def test_timeouts_default_and_explicit() -> None:
    for protocol in ("rest", "soap"):
        client = sogenactif.Client(
            merchant_id=MERCHANT_ID, secret_key=SECRET_KEY, protocol=protocol
        )  # type: ignore[arg-type]
        assert (client.timeouts.connect, client.timeouts.read) == (10.0, 30.0)
        assert client.timeouts.total == 30.0  # the whole call
        assert client.transport.timeouts == client.timeouts  # type: ignore[attr-defined]
        custom = sogenactif.Client(
            merchant_id=MERCHANT_ID,
            secret_key=SECRET_KEY,
            protocol=protocol,
            timeout=(2, 7),  # type: ignore[arg-type]
        )
        assert (custom.timeouts.connect, custom.timeouts.read) == (2.0, 7.0)
        assert custom.timeouts.total == 9.0
    with pytest.raises(sogenactif.ConfigurationError, match="connect timeout"):
        sogenactif.Client(merchant_id=MERCHANT_ID, secret_key=SECRET_KEY, connect_timeout=0)


# ---------------------------------------------------------------- compressed answers


def coded(ctype: str, coding: str, payload: bytes, framing: str = "") -> Any:
    """A server script answering ``payload`` (already coded and framed) with that coding;
    ``framing`` defaults to the payload's length."""
    framing = framing or f"Content-Length: {len(payload)}"

    def script(conn: Connection) -> None:
        conn.send(
            f"HTTP/1.1 200 OK\r\nContent-Type: {ctype}\r\nContent-Encoding: {coding}\r\n"
            f"{framing}\r\n\r\n".encode()
            + payload
        )

    return script


def test_gzip_answer_is_decoded_and_its_size_checked(raw_server: Any, protocol: str) -> None:
    import gzip

    fields = sealed({"responseCode": "00", "paymentToken": "tok"}, SECRET_KEY)
    body, ctype = answer(protocol, fields)
    server = raw_server(coded(ctype, "gzip", gzip.compress(body)))
    response = call(client_for(server.base_url, protocol))
    assert response.response_code == "00" and response.sealed
    assert b"gzip" in server.requests[0]  # offered, as requests offers it
    # A small compressed body that inflates past the limit is stopped while it inflates.
    server = raw_server(coded(ctype, "gzip", gzip.compress(b" " * (3 * 1024 * 1024))))
    client = client_for(server.base_url, protocol, max_response_bytes=1024 * 1024)
    expect(client, sogenactif.ResponseTooLargeError, True)


@pytest.mark.parametrize("form", ["deflate", "raw deflate", "chunked gzip"])
def test_other_compressed_answers_are_decoded(raw_server: Any, protocol: str, form: str) -> None:
    """deflate as RFC 9110 writes it (zlib-wrapped) and as some servers send it (raw), and a
    gzip body in chunks: read alike on every path."""
    import gzip
    import zlib

    fields = sealed({"responseCode": "00", "paymentToken": "tok"}, SECRET_KEY)
    body, ctype = answer(protocol, fields)
    if form == "chunked gzip":
        packed, coding = gzip.compress(body), "gzip"
        half = len(packed) // 2
        framed = b"".join(b"%x\r\n%s\r\n" % (len(p), p) for p in (packed[:half], packed[half:]))
        framing, payload = "Transfer-Encoding: chunked", framed + b"0\r\n\r\n"
    else:
        packer = zlib.compressobj(wbits=zlib.MAX_WBITS if form == "deflate" else -zlib.MAX_WBITS)
        packed, coding = packer.compress(body) + packer.flush(), "deflate"
        framing, payload = "", packed
    server = raw_server(coded(ctype, coding, payload, framing))
    response = call(client_for(server.base_url, protocol))
    assert response.response_code == "00" and response.sealed


def answered_or_reached(client: Any) -> None:
    """What requests and httpx make of an answer they judge each their own way: a sealed
    response, or a typed error that says the request may have reached the server."""
    try:
        response = call(client)
    except sogenactif.SogenactifError as exc:
        assert exc.may_have_reached_server is True
    else:
        assert response.sealed


def test_damaged_gzip_answer(raw_server: Any, protocol: str, http_path: str) -> None:
    """A gzip body cut before its check (CRC and length): the client's own pool refuses it;
    requests and httpx do not check the end of gzip data."""
    import gzip

    body, ctype = answer(protocol, sealed({"responseCode": "00"}, SECRET_KEY))
    server = raw_server(coded(ctype, "gzip", gzip.compress(body)[:-6]))
    if http_path != "own pool":
        answered_or_reached(client_for(server.base_url, protocol))
        return
    exc = expect(client_for(server.base_url, protocol), sogenactif.RemoteProtocolError, True)
    assert "gzip" in str(exc)


def test_compressed_body_shorter_than_announced(raw_server: Any, protocol: str) -> None:
    """Whole gzip data, but fewer bytes than the Content-Length announced, then the end of the
    connection: a body cut short, though what came inflates."""
    import gzip

    body, ctype = answer(protocol, sealed({"responseCode": "00"}, SECRET_KEY))
    packed = gzip.compress(body)
    # The handler closes the socket (FIN) after the script.
    server = raw_server(coded(ctype, "gzip", packed, f"Content-Length: {len(packed) + 10}"))
    expect(client_for(server.base_url, protocol), sogenactif.RemoteProtocolError, True)


@pytest.mark.parametrize(
    "lengths",
    [[b"5", b"9"], [b"5, 9"], [b"+5"], [b"-5"]],
    ids=["two headers", "two values", "a sign", "negative"],
)
def test_a_content_length_that_is_not_one_number_is_refused(
    raw_server: Any, protocol: str, http_path: str, lengths: list[bytes]
) -> None:
    """Read as absent (http.client's way), such a length would leave the body to end with the
    connection; the client's own pool refuses it, as urllib3 refuses two that differ."""
    body, ctype = answer(protocol, sealed({"responseCode": "00"}, SECRET_KEY))

    def script(conn: Connection) -> None:
        head = b"".join(b"Content-Length: %s\r\n" % value for value in lengths)
        conn.send(b"HTTP/1.1 200 OK\r\nContent-Type: %s\r\n%s\r\n" % (ctype.encode(), head) + body)

    server = raw_server(script)
    if http_path != "own pool":
        answered_or_reached(client_for(server.base_url, protocol))
        return
    exc = expect(client_for(server.base_url, protocol), sogenactif.RemoteProtocolError, True)
    assert "Content-Length" in str(exc)
