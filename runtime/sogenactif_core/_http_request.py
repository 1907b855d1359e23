"""The head of the POST the sync sender writes on its own connections.

Performance (issue 16): ``http.client`` writes a request's head a line at a time, encoding and
checking each header with a regular expression as it goes, then urllib3 wraps the reply in an
object of its own: 100 µs of a 270 µs exchange on the benchmark's loopback, against 166 µs for
the same bytes written at once and read by ``http.client``'s response alone. Every request of
the client is alike (a POST, a few fixed headers, a body of known length), so its head is put
together from parts checked once: the request line per URL, the ``Host`` line per server and
the header lines per set of headers. The bytes are those ``http.client`` and urllib3 write for
the same request (``tests/client/test_http_request.py`` compares them): the request line, the
``Host``, ``Accept-Encoding: identity`` unless one is given, the headers in their order, then
``Content-Length``.
"""

from __future__ import annotations

import re
from collections.abc import Mapping

# http.client's checks of a header's name and value (putheader), and of a request target.
_LEGAL_NAME = re.compile(rb"[^:\s][^:\r\n]*")
_ILLEGAL_VALUE = re.compile(rb"\n(?![ \t])|\r(?![ \t\n])")
_ILLEGAL_TARGET = re.compile("[\x00-\x20\x7f]")

# Framing is the sender's: a body of known length, in one piece.
_FRAMING = frozenset({"content-length", "transfer-encoding"})


def request_line(target: str) -> bytes:
    """``POST <target> HTTP/1.1`` and its line end; ``target`` (a path and query, already
    percent-encoded) checked as ``http.client`` checks it."""
    if _ILLEGAL_TARGET.search(target):
        raise ValueError("the request target holds a control character or a space")
    return b"POST %s HTTP/1.1\r\n" % target.encode("ascii")


def host_line(host: str, port: int, default_port: int) -> bytes:
    """The ``Host`` header line ``http.client`` writes for a connection to ``host``:``port``
    (urllib3's connections drop a fully qualified name's final dot; an IPv6 address is
    bracketed, without its zone; the port only when it is not the scheme's)."""
    host = host.rstrip(".")
    try:
        value = host.encode("ascii")
    except UnicodeEncodeError:
        value = host.encode("idna")
    if ":" in host:
        value = b"[" + value.split(b"%", 1)[0] + b"]"
    if port != default_port:
        value = b"%s:%d" % (value, port)
    return b"Host: %s\r\n" % value


def header_lines(headers: Mapping[str, str]) -> tuple[bytes, bool]:
    """The lines of ``headers`` as ``http.client`` writes them (``Accept-Encoding: identity``
    first unless one is given), and whether they give their own ``Host``. A name or value that
    ``http.client`` would refuse is a ``ValueError`` naming the header, never showing its
    value."""
    names = {name.lower() for name in headers}
    if not names.isdisjoint(_FRAMING):
        raise ValueError("Content-Length and Transfer-Encoding are the sender's to write")
    lines = [] if "accept-encoding" in names else [b"Accept-Encoding: identity\r\n"]
    for name, value in headers.items():
        raw_name = name.encode("ascii", "replace")  # "?" is no header character: refused
        if not name.isascii() or not _LEGAL_NAME.fullmatch(raw_name):
            raise ValueError(f"invalid header name {name!r}")
        try:
            raw_value = value.encode("latin-1")
        except UnicodeEncodeError:
            raise ValueError(f"the value of the header {name!r} is not Latin-1 text") from None
        if _ILLEGAL_VALUE.search(raw_value):
            raise ValueError(f"invalid value of the header {name!r}")
        lines.append(b"%s: %s\r\n" % (raw_name, raw_value))
    return b"".join(lines), "host" in names


class HeadWriter:
    """Puts a request's head together; the lines of each set of headers are worked out once
    (a client sends one set; a bounded number is kept)."""

    __slots__ = ("_lines",)

    KEPT = 64

    def __init__(self) -> None:
        self._lines: dict[tuple[tuple[str, str], ...], tuple[bytes, bool]] = {}

    def head(self, line: bytes, host: bytes, headers: Mapping[str, str], length: int) -> bytes:
        """The whole head, its blank line included, of a POST whose request line is ``line``,
        sent to the server whose ``Host`` line is ``host``, with a body of ``length`` bytes."""
        key = tuple(headers.items())
        found = self._lines.get(key)
        if found is None:
            found = header_lines(headers)
            if len(self._lines) < self.KEPT:
                self._lines[key] = found
        lines, own_host = found
        if own_host:
            return b"%s%sContent-Length: %d\r\n\r\n" % (line, lines, length)
        return b"%s%s%sContent-Length: %d\r\n\r\n" % (line, host, lines, length)
