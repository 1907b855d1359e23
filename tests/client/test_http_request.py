"""The request head the sync sender writes itself (``_http_request``) is, byte for byte, the one
urllib3's connection writes through ``http.client`` for the same request, and is refused where
``http.client`` refuses it (issue 16)."""

from __future__ import annotations

import http.client
from typing import Any
from urllib.parse import quote

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from urllib3.connection import HTTPConnection

from sogenactif_core._http_request import HeadWriter, header_lines, host_line, request_line

SAFE = "!#$%&'()*+,/:;=?@[]~"  # _http_pool._TARGET_SAFE


class _Socket:
    """Records what http.client writes."""

    def __init__(self) -> None:
        self.written = b""

    def sendall(self, data: bytes) -> None:
        self.written += bytes(data)

    def settimeout(self, timeout: Any) -> None:
        pass


def urllib3_head(host: str, port: int, target: str, headers: dict[str, str], body: bytes) -> bytes:
    """What urllib3's connection writes before the body, as the sender used to call it (the
    body's length given as the last header)."""
    conn = HTTPConnection(host, port)
    conn.sock = _Socket()
    conn.request("POST", target, body=body, headers={**headers, "Content-Length": str(len(body))})
    written: bytes = conn.sock.written
    assert written.endswith(body)
    return written[: len(written) - len(body)]


def ours(host: str, port: int, target: str, headers: dict[str, str], body: bytes) -> bytes:
    return HeadWriter().head(request_line(target), host_line(host, port, 80), headers, len(body))


names = st.text(
    st.characters(min_codepoint=0x21, max_codepoint=0x7E, blacklist_characters=":"),
    min_size=1,
    max_size=12,
)
values = st.text(st.characters(min_codepoint=0x20, max_codepoint=0xFF), max_size=30).map(str.strip)
hosts = st.one_of(
    st.from_regex(r"[a-z0-9]([a-z0-9-]{0,10}[a-z0-9])?(\.[a-z]{2,6}){0,2}\.?", fullmatch=True),
    st.ip_addresses(v=4).map(str),
    st.ip_addresses(v=6).map(str),
)
paths = st.text(st.characters(codec="utf-8"), max_size=40)  # no lone surrogate


@settings(max_examples=300, deadline=None)
@given(
    host=hosts,
    port=st.sampled_from([80, 443, 8080, 1]),
    path=paths,
    extra=st.dictionaries(names, values, max_size=4),
    accept_encoding=st.booleans(),
    own_host=st.booleans(),
    body=st.binary(max_size=64),
)
def test_the_head_is_the_one_urllib3_writes(
    host: str,
    port: int,
    path: str,
    extra: dict[str, str],
    accept_encoding: bool,
    own_host: bool,
    body: bytes,
) -> None:
    target = quote("/" + path, safe=SAFE)
    reserved = {"user-agent", "accept-encoding", "host", "content-length", "transfer-encoding"}
    headers = {n: v for n, v in extra.items() if n.lower() not in reserved}
    headers["User-Agent"] = "sogenactif/1.0"  # the client always sends one (urllib3 adds its own)
    if accept_encoding:
        headers["Accept-Encoding"] = "gzip, deflate"
    if own_host:
        headers["Host"] = "example.test"
    assert ours(host, port, target, headers, body) == urllib3_head(
        host, port, target, headers, body
    )


@pytest.mark.skipif(
    not hasattr(http.client, "_strip_ipv6_iface"), reason="this Python keeps the zone"
)
def test_an_ipv6_zone_is_left_out_of_the_host_as_http_client_does() -> None:
    headers = {"User-Agent": "x"}
    assert ours("fe80::1%eth0", 8080, "/", headers, b"") == urllib3_head(
        "fe80::1%eth0", 8080, "/", headers, b""
    )
    assert host_line("fe80::1%eth0", 8080, 80) == b"Host: [fe80::1]:8080\r\n"


def test_host_lines() -> None:
    assert host_line("example.com.", 443, 443) == b"Host: example.com\r\n"
    assert host_line("::1", 80, 80) == b"Host: [::1]\r\n"
    assert host_line("127.0.0.1", 8443, 443) == b"Host: 127.0.0.1:8443\r\n"


@settings(max_examples=300, deadline=None)
@given(name=st.text(max_size=6), value=st.text(max_size=6))
def test_headers_are_refused_where_http_client_refuses_them(name: str, value: str) -> None:
    conn = http.client.HTTPConnection("x")
    conn.putrequest("POST", "/", skip_host=True, skip_accept_encoding=True)
    try:
        conn.putheader(name, value)
        refused = False
    except ValueError:  # UnicodeEncodeError included
        refused = True
    if name.lower() in ("content-length", "transfer-encoding"):
        refused = True  # framing is the sender's
    try:
        header_lines({name: value})
        assert not refused
    except ValueError:
        assert refused


def test_a_refused_value_is_not_shown() -> None:
    with pytest.raises(ValueError) as info:
        header_lines({"X-Token": "4973019999912764\r\nX: y"})
    assert "X-Token" in str(info.value) and "4973" not in str(info.value)
    with pytest.raises(ValueError) as info:
        header_lines({"X-Token": "4973019999912764\u20ac"})
    assert (
        "X-Token" in str(info.value)
        and "4973" not in str(info.value)
        and "\u20ac" not in str(info.value)
    )


@pytest.mark.parametrize("target", ["/a b", "/a\r\nX: y", "/\x00", "/\x7f"])
def test_a_target_http_client_refuses_is_refused(target: str) -> None:
    with pytest.raises(ValueError):
        request_line(target)
    with pytest.raises(http.client.InvalidURL):
        http.client.HTTPConnection("x").putrequest("POST", target)


def test_the_lines_of_a_set_of_headers_are_worked_out_once() -> None:
    writer = HeadWriter()
    headers = {"User-Agent": "a", "Content-Type": "text/xml"}
    first = writer.head(b"POST / HTTP/1.1\r\n", b"Host: h\r\n", headers, 3)
    assert first == (
        b"POST / HTTP/1.1\r\nHost: h\r\nAccept-Encoding: identity\r\nUser-Agent: a\r\n"
        b"Content-Type: text/xml\r\nContent-Length: 3\r\n\r\n"
    )
    assert writer.head(b"POST / HTTP/1.1\r\n", b"Host: h\r\n", dict(headers), 3) == first
    assert len(writer._lines) == 1
    for index in range(HeadWriter.KEPT + 10):  # bounded
        writer.head(b"POST / HTTP/1.1\r\n", b"Host: h\r\n", {"X": str(index)}, 0)
    assert len(writer._lines) == HeadWriter.KEPT
