"""The honest floors: the same exchange done by hand with the bare libraries underneath.

Every floor sends exactly the bytes the client sends (the body taken from the client's own sealed
call, the same headers), to the same canned server, with the same timeouts, on a kept-alive
connection, and reads the reply as the client must: the whole body, then ``json.loads`` for REST,
an lxml tree for SOAP. Nothing is checked, sealed or modelled: a floor is the least any client
on that library pays for the exchange.

REST: urllib3's pool (what the client sends through), ``http.client``, a raw socket, httpx, and
requests (the previous bench's baseline, kept as a note). SOAP: urllib3 + lxml, and plain zeep on
the generated WSDL.
"""

from __future__ import annotations

import json
import socket
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlsplit

TIMEOUT = (10.0, 30.0)  # what the client is given (connect, read); the floors use the same


@dataclass
class Side:
    """One way of making the call, and how to close what it holds."""

    label: str  # how the table names it
    call: Callable[[], Any]
    close: Callable[[], None]


def _host_port(base_url: str) -> tuple[str, int]:
    parts = urlsplit(base_url)
    assert parts.hostname is not None and parts.port is not None
    return parts.hostname, parts.port


def urllib3_pool(
    base_url: str, path: str, body: bytes, headers: Mapping[str, str], read: Callable[[bytes], Any]
) -> Side:
    """A urllib3 ``HTTPConnectionPool`` of one connection: ``urlopen`` with the body, the reply
    preloaded (urllib3's default), no retries, no redirects."""
    import urllib3

    host, port = _host_port(base_url)
    pool = urllib3.HTTPConnectionPool(host, port, maxsize=1, retries=False)
    timeout = urllib3.Timeout(connect=TIMEOUT[0], read=TIMEOUT[1])
    sent = dict(headers)

    def call() -> Any:
        reply = pool.urlopen(
            "POST", path, body=body, headers=sent, redirect=False, retries=False, timeout=timeout
        )
        return read(reply.data)

    return Side("urllib3 pool post", call, pool.close)


def urllib3_manager(
    base_url: str, path: str, body: bytes, headers: Mapping[str, str], read: Callable[[bytes], Any]
) -> Side:
    """A urllib3 ``PoolManager`` shared by threads (for the 8-thread line)."""
    import urllib3

    manager = urllib3.PoolManager(num_pools=4, maxsize=16, retries=False)
    timeout = urllib3.Timeout(connect=TIMEOUT[0], read=TIMEOUT[1])
    url = base_url + path
    sent = dict(headers)

    def call() -> Any:
        reply = manager.urlopen(
            "POST", url, body=body, headers=sent, redirect=False, retries=False, timeout=timeout
        )
        return read(reply.data)

    return Side("shared urllib3 PoolManager", call, manager.clear)


def http_client(
    base_url: str, path: str, body: bytes, headers: Mapping[str, str], read: Callable[[bytes], Any]
) -> Side:
    """The standard library's ``http.client.HTTPConnection``, kept alive."""
    import http.client

    host, port = _host_port(base_url)
    connection = http.client.HTTPConnection(host, port, timeout=TIMEOUT[1])
    sent = dict(headers)

    def call() -> Any:
        connection.request("POST", path, body=body, headers=sent)
        return read(connection.getresponse().read())

    return Side("http.client", call, connection.close)


def raw_socket(
    base_url: str, path: str, body: bytes, headers: Mapping[str, str], read: Callable[[bytes], Any]
) -> Side:
    """A socket, the request (head and body) prebuilt once and sent with one ``sendall``; the
    reply read up to its ``Content-Length``. What no HTTP library can go under."""
    host, port = _host_port(base_url)
    sock = socket.create_connection((host, port), timeout=TIMEOUT[0])
    sock.settimeout(TIMEOUT[1])
    sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
    head = f"POST {path} HTTP/1.1\r\nHost: {host}:{port}\r\n"
    head += "".join(f"{k}: {v}\r\n" for k, v in headers.items())
    head += f"Content-Length: {len(body)}\r\n\r\n"
    request = head.encode("latin-1") + body
    recv = sock.recv

    def call() -> Any:
        sock.sendall(request)
        data = recv(65536)
        end = data.find(b"\r\n\r\n")
        while end < 0:
            data += recv(65536)
            end = data.find(b"\r\n\r\n")
        lower = data[:end].lower()
        at = lower.index(b"content-length:") + 15
        length = int(lower[at : lower.find(b"\r\n", at) if b"\r\n" in lower[at:] else end])
        total = end + 4 + length
        while len(data) < total:
            data += recv(65536)
        return read(data[end + 4 : total])

    return Side("raw socket", call, sock.close)


def httpx_client(
    base_url: str, path: str, body: bytes, headers: Mapping[str, str], read: Callable[[bytes], Any]
) -> Side | None:
    """An ``httpx.Client`` (None when httpx is not installed)."""
    try:
        import httpx
    except ImportError:
        return None
    client = httpx.Client(timeout=httpx.Timeout(TIMEOUT[1], connect=TIMEOUT[0]))
    url = base_url + path
    sent = dict(headers)

    def call() -> Any:
        return read(client.post(url, content=body, headers=sent).content)

    return Side("httpx.Client post", call, client.close)


def requests_session(
    base_url: str, path: str, body: bytes, headers: Mapping[str, str], read: Callable[[bytes], Any]
) -> Side:
    """A ``requests.Session`` with ``trust_env = False`` (no proxy or netrc look-up per call):
    the previous bench's baseline, which the client itself no longer uses."""
    import requests

    session = requests.Session()
    session.trust_env = False
    url = base_url + path
    sent = dict(headers)

    def call() -> Any:
        return read(session.post(url, data=body, headers=sent, timeout=TIMEOUT).content)

    return Side("requests.Session.post", call, session.close)


REST_FLOORS = (urllib3_pool, httpx_client, http_client, raw_socket, requests_session)


def lxml_reader() -> Callable[[bytes], Any]:
    """Reads a SOAP reply into an lxml tree (no entities resolved, no network)."""
    from lxml import etree

    parser = etree.XMLParser(resolve_entities=False, no_network=True)

    def read(data: bytes) -> Any:
        return etree.fromstring(data, parser)

    return read


def json_reader(data: bytes) -> Any:
    return json.loads(data)


def zeep_client(wsdl: str, binding: str, address: str, operation: str, arguments: Any) -> Side:
    """Plain zeep on the generated WSDL, bound to the canned server: the request written and the
    reply read by zeep from the schema (its own requests session, trust_env off as above)."""
    import requests
    import zeep

    session = requests.Session()
    session.trust_env = False
    transport = zeep.Transport(session=session, timeout=TIMEOUT[1], operation_timeout=TIMEOUT[1])
    client = zeep.Client(wsdl, transport=transport)
    service = client.create_service(binding, address)
    method = getattr(service, operation)

    def call() -> Any:
        return method(**arguments)

    return Side("plain zeep", call, session.close)
