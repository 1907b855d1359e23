"""http.client's response, its head read without the email parser when it is plain.

Performance (issue 16): ``http.client`` reads a response's header lines with ``email``'s
``FeedParser``, made for mail: 15 µs for a head of two headers in a loop, and about a tenth of
the CPU a REST call spends between its exchanges (sampled with py-spy), for the client and for
the bare urllib3 and ``http.client`` floors alike. A head whose every line is ``Name: value`` in
printable ASCII is made into the same ``HTTPMessage`` directly, as the parser makes it
(``set_raw`` of the name, and of the value without its leading blanks and line end); any other
head (a folded line, a line without a colon, a byte outside printable ASCII, no blank line at
the end) goes through ``http.client``'s own parsing, whose leniency then decides. Everything
``begin()`` works out from the headers (chunked, length, whether the connection closes) is
``http.client``'s, unchanged from CPython 3.11 to 3.13.

The sync sender reads the replies of the servers it reaches directly with this class alone
(:func:`decoded` undoes their content coding); through a proxy, its connections use it
(``response_class``, http.client's extension point) and urllib3 wraps it as it wraps
http.client's.
"""

from __future__ import annotations

import email.parser
import re
import zlib
from collections.abc import Iterable, Iterator
from http.client import (
    CONTINUE,
    NO_CONTENT,
    NOT_MODIFIED,
    HTTPException,
    HTTPMessage,
    HTTPResponse,
    LineTooLong,
    UnknownProtocol,
)
from typing import IO

from ._http import CHUNK

# http.client's limits on a head: the length of a line, the number of lines.
MAX_LINE = 65536
MAX_HEADERS = 100

# Every line "Name: value" (a name of email's header-name characters: printable ASCII but the
# colon; a value of printable ASCII and tabs), then the blank line that ends the head.
_PLAIN_HEAD = re.compile(rb"(?:[!-9;-~]+:[\t -~]*\r?\n)*\r?\n")


def read_head_lines(fp: IO[bytes]) -> list[bytes]:
    """The header lines up to and including the blank line (or the end of the stream), with
    http.client's limits and errors."""
    lines: list[bytes] = []
    while True:
        line = fp.readline(MAX_LINE + 1)
        if len(line) > MAX_LINE:
            raise LineTooLong("header line")
        lines.append(line)
        if len(lines) > MAX_HEADERS:
            raise HTTPException(f"got more than {MAX_HEADERS} headers")
        if line in (b"\r\n", b"\n", b""):
            return lines


def parse_head(lines: list[bytes]) -> HTTPMessage:
    """The headers of ``lines`` as ``http.client.parse_headers`` gives them."""
    head = b"".join(lines)
    if _PLAIN_HEAD.fullmatch(head):
        message = HTTPMessage()
        for line in lines[:-1]:
            name, _, value = line.decode("ascii").partition(":")
            message.set_raw(name, value.lstrip(" \t").rstrip("\r\n"))
        message.set_payload("")  # what the parser leaves after the blank line
        return message
    parsed = email.parser.Parser(_class=HTTPMessage).parsestr(head.decode("iso-8859-1"))
    assert isinstance(parsed, HTTPMessage)
    return parsed


class Response(HTTPResponse):
    """``http.client.HTTPResponse`` with its head read by :func:`parse_head`."""

    def begin(self) -> None:
        if self.headers is not None or self.debuglevel > 0:
            super().begin()  # already begun; or headers to print (http.client's debugging)
            return
        # From here, http.client's begin() (CPython 3.11-3.13) with parse_head for the headers.
        while True:
            version, status, reason = self._read_status()
            if status != CONTINUE:
                break
            read_head_lines(self.fp)  # the headers of a 100 Continue are skipped
        self.code = self.status = status
        self.reason = reason.strip()
        if version in ("HTTP/1.0", "HTTP/0.9"):
            self.version = 10
        elif version.startswith("HTTP/1."):
            self.version = 11
        else:
            raise UnknownProtocol(version)
        self.headers = self.msg = parse_head(read_head_lines(self.fp))
        transfer_encoding = self.headers.get("transfer-encoding")
        if transfer_encoding and transfer_encoding.lower() == "chunked":
            self.chunked = True
            self.chunk_left = None
        else:
            self.chunked = False
        self.will_close = self._check_close()
        self.length = None
        length = self.headers.get("content-length")
        if length and not self.chunked:
            try:
                self.length = int(length)
            except ValueError:
                self.length = None
            else:
                if self.length < 0:  # a negative length is ignored
                    self.length = None
        if status in (NO_CONTENT, NOT_MODIFIED) or 100 <= status < 200 or self._method == "HEAD":
            self.length = 0
        if not self.will_close and not self.chunked and self.length is None:
            self.will_close = True  # no length, not chunked: the body ends when the server closes


class ContentCodingError(ValueError):
    """A body whose content coding cannot be undone; the message says why, never what it
    held."""


_GZIP = 16 + zlib.MAX_WBITS  # zlib's wbits for a gzip member
_INFLATED = frozenset({"gzip", "x-gzip", "deflate"})  # what the client offers (and x-gzip)


def decoded(chunks: Iterable[bytes], coding: str) -> Iterator[bytes]:
    """The body arriving in ``chunks`` with its ``Content-Encoding`` (``coding``) undone, the
    last coding applied first, in pieces of at most ``CHUNK`` bytes: however far a small body
    inflates, no more is made than the reader takes (it stops at its limit). gzip (several
    members included), and deflate (zlib-wrapped as RFC 9110 says, or raw as some servers
    send it); ``identity``, or no name, is nothing to undo. Any other coding, a damaged body,
    or one that ends too soon or goes on after its end, is a :class:`ContentCodingError`."""
    names = [name for name in (part.strip().lower() for part in coding.split(",")) if name]
    unknown = [name for name in names if name not in _INFLATED and name != "identity"]
    if unknown:
        raise ContentCodingError(f"is encoded as {unknown[0][:40]!r}, which the client cannot read")
    pieces = iter(chunks)
    for name in reversed(names):
        if name != "identity":
            pieces = _inflate(pieces, gzip=name != "deflate")
    return pieces


def _inflate(chunks: Iterator[bytes], gzip: bool) -> Iterator[bytes]:
    label = "gzip" if gzip else "deflate"
    decoder: zlib._Decompress | None = None
    pending = b""
    try:
        for data in chunks:
            if decoder is None:
                pending += data
                if len(pending) < 2:  # deflate's two first bytes tell its form
                    continue
                data, pending = pending, b""
                decoder = zlib.decompressobj(_GZIP if gzip else _deflate_bits(data))
            while data:
                if decoder.eof:  # data after the end: another gzip member, else damage
                    if not gzip:
                        raise ContentCodingError(f"goes on after the end of its {label} data")
                    decoder = zlib.decompressobj(_GZIP)
                piece = decoder.decompress(data, CHUNK)
                data = decoder.unconsumed_tail or (decoder.unused_data if decoder.eof else b"")
                if piece:
                    yield piece
    except zlib.error:
        raise ContentCodingError(f"could not be decoded ({label} data damaged)") from None
    if pending or (decoder is not None and not decoder.eof):
        raise ContentCodingError(f"ends before the end of its {label} data")


def _deflate_bits(head: bytes) -> int:
    """zlib's wbits for a deflate body starting with ``head``: a zlib wrapper (RFC 1950: a
    method of 8 and a check that the two first bytes are a multiple of 31) or raw data."""
    wrapped = head[0] & 0x0F == 8 and (head[0] << 8 | head[1]) % 31 == 0
    return zlib.MAX_WBITS if wrapped else -zlib.MAX_WBITS
