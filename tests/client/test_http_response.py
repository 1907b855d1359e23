"""The response head read without the email parser (issue 16) reads what http.client reads.

Differential: random heads and whole responses, plain and not (folded lines, lines without a
colon, bytes outside ASCII, bare carriage returns, 100 Continue, chunked, bad status lines), read
by :class:`sogenactif_core._http_response.Response` and by ``http.client.HTTPResponse``: the
same headers, the same framing decisions, the same body, or the same error.

And the content codings the client offers (gzip, deflate) undone as urllib3 undoes them, in
bounded pieces, with damage refused.
"""

from __future__ import annotations

import email.parser
import gzip
import http.client
import io
import itertools
import zlib
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from sogenactif_core import _http_response
from sogenactif_core._http import CHUNK
from sogenactif_core._http_response import (
    MAX_HEADERS,
    MAX_LINE,
    ContentCodingError,
    Response,
    decoded,
    parse_head,
)


class _Socket:
    """What http.client's response reads from: ``makefile`` over fixed bytes."""

    def __init__(self, data: bytes) -> None:
        self.data = data

    def makefile(self, mode: str) -> io.BufferedReader:
        return io.BufferedReader(io.BytesIO(self.data))  # type: ignore[arg-type]


def _read(cls: type[http.client.HTTPResponse], data: bytes, method: str = "POST") -> Any:
    """What a response class makes of ``data``: its state and body, or its error."""
    response = cls(_Socket(data), method=method)  # type: ignore[arg-type]
    try:
        response.begin()
        body = response.read()
    except Exception as exc:  # the error is what is compared
        return ("error", type(exc), str(exc))
    return (
        response.status,
        response.reason,
        response.version,
        response.headers.items(),
        [(type(d), str(d)) for d in response.headers.defects],
        response.headers.get_payload(),
        response.chunked,
        response.will_close,
        body,
    )


header_names = st.sampled_from(
    [b"Content-Type", b"Content-Length", b"Transfer-Encoding", b"Connection", b"X-Seal", b"A"]
) | st.binary(min_size=0, max_size=6)
header_values = st.sampled_from(
    [b"text/xml", b"12", b"chunked", b"close", b"keep-alive", b" padded ", b"\ttab", b""]
) | st.binary(max_size=12)
plain_lines = st.builds(
    lambda name, value, end: name + b":" + value + end,
    st.sampled_from([b"Content-Type", b"X-A", b"Server", b"a!#$%&'*+-.^_`|~9"]),
    st.text(alphabet='\t !"abcXYZ0123456789;:,./~', max_size=20).map(str.encode),
    st.sampled_from([b"\r\n", b"\n"]),
)
odd_lines = st.builds(
    lambda name, value, end: name + b":" + value + end,
    header_names,
    header_values,
    st.sampled_from([b"\r\n", b"\n", b"\r", b""]),
) | st.sampled_from(
    [b" folded continuation\r\n", b"\tfolded\r\n", b"no colon\r\n", b"From me\r\n", b":empty\r\n"]
)
endings = st.sampled_from([b"\r\n", b"\n", b""])


@settings(max_examples=400, deadline=None)
@given(st.lists(plain_lines | odd_lines, max_size=8), endings)
def test_a_head_is_read_as_http_client_reads_it(lines: list[bytes], end: bytes) -> None:
    data = b"".join(lines) + end
    expected = http.client.parse_headers(io.BytesIO(data))
    got = parse_head(_http_response.read_head_lines(io.BytesIO(data)))  # type: ignore[arg-type]
    assert got.items() == expected.items()
    assert [(type(d), str(d)) for d in got.defects] == [(type(d), str(d)) for d in expected.defects]
    assert got.get_payload() == expected.get_payload()


@settings(max_examples=200, deadline=None)
@given(st.lists(plain_lines, max_size=8))
def test_a_plain_head_never_meets_the_email_parser(lines: list[bytes]) -> None:
    data = b"".join(lines) + b"\r\n"
    original = email.parser.Parser.parsestr
    email.parser.Parser.parsestr = None  # type: ignore[assignment,method-assign]
    try:
        got = parse_head(_http_response.read_head_lines(io.BytesIO(data)))  # type: ignore[arg-type]
    finally:
        email.parser.Parser.parsestr = original  # type: ignore[method-assign]
    assert got.items() == http.client.parse_headers(io.BytesIO(data)).items()


status_lines = st.sampled_from(
    [
        b"HTTP/1.1 200 OK\r\n",
        b"HTTP/1.0 200 OK\r\n",
        b"HTTP/0.9 200 OK\r\n",
        b"HTTP/1.1 500 Internal Server Error\r\n",
        b"HTTP/1.1 204 No Content\r\n",
        b"HTTP/1.1 304 Not Modified\r\n",
        b"HTTP/1.1 100 Continue\r\nX: y\r\n\r\nHTTP/1.1 200 OK\r\n",
        b"HTTP/1.1 200\r\n",
        b"HTTP/2 200 OK\r\n",
        b"HTTP/1.1 2000 OK\r\n",
        b"ICY 200 OK\r\n",
        b"",
        b"HTTP/1.1 200 OK",
    ]
)
framing = st.lists(
    st.sampled_from(
        [
            b"Content-Length: 5\r\n",
            b"Content-Length: -1\r\n",
            b"Content-Length: x\r\n",
            b"Content-Length: 3\r\nContent-Length: 7\r\n",
            b"Transfer-Encoding: chunked\r\n",
            b"Transfer-Encoding: gzip, chunked\r\n",
            b"Connection: close\r\n",
            b"Connection: keep-alive\r\n",
            b"Keep-Alive: timeout=5\r\n",
            b"Content-Type: text/xml\r\n",
            b" folded\r\n",
            b"Server: caf\xe9\r\n",
        ]
    ),
    max_size=4,
)
bodies = st.sampled_from([b"", b"hello", b"5\r\nhello\r\n0\r\n\r\n", b"0123456789"])


@settings(max_examples=400, deadline=None)
@given(status_lines, framing, bodies, st.sampled_from(["POST", "HEAD"]))
def test_a_response_is_read_as_http_client_reads_it(
    status: bytes, headers: list[bytes], body: bytes, method: str
) -> None:
    data = status + b"".join(headers) + b"\r\n" + body
    assert _read(Response, data, method) == _read(http.client.HTTPResponse, data, method)


@pytest.mark.parametrize(
    "head",
    [
        b"X: y\r\n" * (MAX_HEADERS + 1) + b"\r\n",
        b"X: " + b"y" * MAX_LINE + b"\r\n\r\n",
    ],
    ids=["too many headers", "a header line too long"],
)
def test_the_limits_on_a_head_are_http_clients(head: bytes) -> None:
    data = b"HTTP/1.1 200 OK\r\n" + head
    got = _read(Response, data)
    assert got[0] == "error"
    assert got == _read(http.client.HTTPResponse, data)


def test_http_client_debugging_still_prints_the_headers(capsys: pytest.CaptureFixture[str]) -> None:
    response = Response(_Socket(b"HTTP/1.1 200 OK\r\nX-Seen: 1\r\n\r\n"), debuglevel=1)  # type: ignore[arg-type]
    response.begin()
    assert "X-Seen" in capsys.readouterr().out


# ---------------------------------------------------------------- content codings


def _deflate(data: bytes, wrapped: bool) -> bytes:
    packer = zlib.compressobj(wbits=zlib.MAX_WBITS if wrapped else -zlib.MAX_WBITS)
    return packer.compress(data) + packer.flush()


def _pieces(data: bytes, cuts: list[int]) -> list[bytes]:
    """``data`` cut where ``cuts`` say (as it may arrive from the socket)."""
    points = sorted({0, len(data), *(c % (len(data) + 1) for c in cuts)})
    return [data[a:b] for a, b in itertools.pairwise(points)]


def _urllib3_decoded(data: bytes, coding: str) -> bytes:
    from urllib3.response import _get_decoder

    decoder = _get_decoder(coding)
    return decoder.decompress(data) + decoder.flush()


@settings(max_examples=200, deadline=None)
@given(
    body=st.binary(max_size=3000) | st.sampled_from([b"", b"{}", b"a" * 200_000]),
    form=st.sampled_from(["gzip", "x-gzip", "deflate", "raw deflate", "two gzip members"]),
    cuts=st.lists(st.integers(min_value=0), max_size=6),
)
def test_a_coded_body_is_decoded_as_urllib3_decodes_it(
    body: bytes, form: str, cuts: list[int]
) -> None:
    if form in ("gzip", "x-gzip"):
        packed, coding = gzip.compress(body), form
    elif form == "two gzip members":
        half = len(body) // 2
        packed, coding = gzip.compress(body[:half]) + gzip.compress(body[half:]), "gzip"
    else:
        packed, coding = _deflate(body, wrapped=form == "deflate"), "deflate"
    pieces = list(decoded(_pieces(packed, cuts), coding))
    # x-gzip is gzip (RFC 9110); urllib3 before 2.1 did not know the name.
    assert b"".join(pieces) == body == _urllib3_decoded(packed, coding.removeprefix("x-"))
    assert all(0 < len(piece) <= CHUNK for piece in pieces)


def test_codings_are_undone_last_first_and_identity_is_nothing() -> None:
    body = b'{"responseCode": "00"}'
    twice = gzip.compress(_deflate(body, wrapped=True))
    assert b"".join(decoded([twice], "deflate, gzip")) == body
    assert b"".join(decoded([body], "identity")) == body
    assert b"".join(decoded([gzip.compress(body)], " GZIP , identity")) == body
    assert list(decoded([], "gzip")) == []  # no body at all
    assert b"".join(decoded([body], "")) == body  # an empty header names nothing


def test_a_small_body_that_inflates_far_is_made_a_piece_at_a_time() -> None:
    bomb = gzip.compress(b"\0" * (50 * CHUNK))
    pieces = decoded([bomb], "gzip")
    assert len(next(pieces)) == CHUNK  # the rest is not made until it is asked for


@pytest.mark.parametrize(
    ("data", "coding", "says"),
    [
        (gzip.compress(b"x" * 100)[:-5], "gzip", "ends before"),
        (gzip.compress(b"x")[:1], "gzip", "ends before"),
        (_deflate(b"x" * 100, True)[:-3], "deflate", "ends before"),
        (b"not gzip at all", "gzip", "damaged"),
        (gzip.compress(b"x") + b"trailing", "gzip", "damaged"),
        (_deflate(b"x", True) + b"more", "deflate", "goes on after"),
        (b"x", "br", "'br'"),
        (b"x", "gzip, compress", "'compress'"),
    ],
)
def test_a_damaged_or_unknown_coding_is_refused(data: bytes, coding: str, says: str) -> None:
    with pytest.raises(ContentCodingError, match=says):
        b"".join(decoded(_pieces(data, [3]), coding))
