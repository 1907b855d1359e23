"""The simulator's HTTP side: the Office Server's REST/JSON and SOAP endpoints on one port.

- ``POST /rs-services/v2/<service>/<function>``: a JSON object in, a JSON object out. Without
  ``Content-Type: application/json`` the answer is HTTP 415 with the platform's HTML page (JSON
  guide); a body that is not a JSON object, or that nests objects and lists more than
  :data:`MAX_JSON_DEPTH` deep, gives HTTP 400; an unknown path HTTP 404.
- ``POST /services/v2/<service>``: SOAP 1.1 (or 1.2), ``<fn><input>…</input></fn>`` in the
  service's namespace (in any letter case: ``cashmanagement`` or ``cashManagement``), answered
  ``<fnResponse><output>…</output></fnResponse>``, lists as their
  ``xxxList`` wrapper of items. XML is parsed by expat without DTDs, entities or network access
  (a body with a DOCTYPE is refused whatever its encoding, UTF-16 included); an envelope that
  cannot be read or names no known operation gives a SOAP fault (HTTP 500, faultcode Client).
- ``GET /services/v2/<service>?wsdl`` and ``GET /services/v2/<service>.xsd``: the packaged WSDL
  (its address pointing at this simulator) and schema, so zeep, suds or SoapUI can be pointed at
  it. Requests are read by local names, in any order, as the schema allows (``xsd:all``); one
  without keyVersion or seal (as the dictionary's SOAP samples are) is answered responseCode 12
  with errorFieldName, not with a fault, and the answers validate against the schema.
- ``GET /``: a read-only HTML page of the transactions and the recent exchanges (``_page``).
- ``/_simulator/…``: the control interface, JSON in and out (:data:`CONTROL`; documented in
  ``docs/simulator.md``), and the pages of the simulated ACS and payment provider.

Every request gets an answer: whatever goes wrong while it is handled is answered HTTP 500 (the
log line masks card numbers). Connections are bounded, so clients that stall cannot pin threads:

- a request (its line, headers and body) must arrive whole within ``request_timeout`` seconds
  of its first byte: past it, it is answered 408 and the connection closed (a byte now and then
  does not stretch the deadline); a new connection that sends nothing for ``request_timeout``
  seconds is closed;
- a keep-alive connection waits ``idle_timeout`` seconds for its next request, then is closed;
- at most ``max_connections`` connections are served at once, each by its own thread; when all
  are taken, idle keep-alive connections are closed to make room, and a connection that still
  finds none within a second is answered 503.
"""

from __future__ import annotations

import dataclasses
import io
import json
import logging
import re
import select
import socket
import sys
import threading
import time
import traceback
from collections.abc import Callable, Mapping
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import TYPE_CHECKING, Any
from urllib.parse import parse_qs, unquote, urlsplit
from xml.sax.saxutils import escape

from .._metadata import FieldRule
from .._redact import redact, scrub_text
from .._soap import SOAP11, SOAP12, item_name, write_fields
from .._xml import MAX_DEPTH, Node, UnsafeXML, XMLError, child, local, namespace, parse, text
from ._behaviour import pa_res
from ._cards import masked
from ._page import render_page
from ._platform import Platform
from ._store import Transaction

if TYPE_CHECKING:
    from _typeshed import WriteableBuffer

    from .._dictionary import DataDictionary

logger = logging.getLogger("sogenactif.testing")

MAX_BODY_BYTES = 1_000_000
MAX_JSON_DEPTH = MAX_DEPTH  # objects and lists; Office Server requests are about 4 deep
REQUEST_TIMEOUT = 10.0
IDLE_TIMEOUT = 60.0
MAX_CONNECTIONS = 64
SLOT_WAIT = 1.0  # how long a new connection waits for a free slot before its 503

_REST = re.compile(r"^/rs-services/v2/([A-Za-z0-9]+)/([A-Za-z0-9]+)/?$")
_SOAP = re.compile(r"^/services/v2/([A-Za-z0-9]+)/?$")
_XSD = re.compile(r"^/services/v2/([A-Za-z0-9]+)\.xsd$")
_ADDRESS = re.compile(r'(<soap:address location=")[^"]*(")')
_ONE_TRANSACTION = "/_simulator/transactions/"
_REDIRECTIONS = ("/_simulator/acs", "/_simulator/provider")

PAGE_415 = b"""<!DOCTYPE HTML PUBLIC "-//IETF//DTD HTML 2.0//EN">
<html><head>
<title>415 Unsupported Media Type</title>
</head><body>
<h1>Unsupported Media Type</h1>
<p>The supplied request data is not in a format
acceptable for processing by this resource.</p>
</body></html>
"""


def _html(status: int, title: str, text: str) -> bytes:
    return (
        f"<html><head><title>{status} {escape(title)}</title></head><body>"
        f"<h1>{escape(title)}</h1><p>{escape(text)}</p></body></html>\n"
    ).encode()


def _raw_response(status: int, reason: str, text: str) -> bytes:
    """A whole HTTP/1.1 response that closes the connection (for 408 and 503)."""
    body = _html(status, reason, text)
    head = (
        f"HTTP/1.1 {status} {reason}\r\nContent-Type: text/html\r\n"
        f"Content-Length: {len(body)}\r\nConnection: close\r\n\r\n"
    )
    return head.encode("ascii") + body


class BadRequest(ValueError):
    """A body the simulator cannot read: answered 400 with this message."""


def read_json(body: bytes) -> Any:
    """The JSON value of ``body`` (UTF-8), at most :data:`MAX_JSON_DEPTH` deep; BadRequest
    otherwise (never RecursionError, whatever the nesting)."""
    try:
        value = json.loads(body.decode("utf-8"), parse_constant=_no_constant)
    except RecursionError:
        raise BadRequest("The body nests objects or lists too deeply.") from None
    except (UnicodeDecodeError, ValueError):
        raise BadRequest("The body is not UTF-8 JSON.") from None
    if _too_deep(value, MAX_JSON_DEPTH):
        raise BadRequest(f"The body nests objects or lists more than {MAX_JSON_DEPTH} deep.")
    return value


def _too_deep(value: Any, limit: int) -> bool:
    """True when objects and lists nest more than ``limit`` deep (walked without recursion)."""
    stack: list[tuple[Any, int]] = [(value, 1)]
    while stack:
        item, depth = stack.pop()
        if isinstance(item, dict):
            children: Any = item.values()
        elif isinstance(item, list):
            children = item
        else:
            continue
        if depth > limit:
            return True
        stack.extend((child, depth + 1) for child in children)
    return False


class _Reader(io.RawIOBase):
    """A connection's socket, read against a deadline.

    :meth:`expect_request` starts the wait for a request: ``idle_timeout`` for a keep-alive
    connection (``request_timeout`` for its first request); from the request's first byte, the
    whole request must arrive within ``request_timeout``. Each read waits at most what is left,
    so a client sending a byte now and then cannot stretch it. Writes get ``request_timeout``.
    """

    def __init__(self, sock: socket.socket, request_timeout: float, idle_timeout: float) -> None:
        super().__init__()
        self.sock = sock
        self.request_timeout = request_timeout
        self.idle_timeout = idle_timeout
        self.requests = 0  # requests started on this connection
        self.started = False  # a byte of the current request has arrived
        self.timed_out = False
        self.deadline = 0.0

    def readable(self) -> bool:
        return True

    def expect_request(self) -> None:
        wait = self.idle_timeout if self.requests else self.request_timeout
        self.started = self.timed_out = False
        self.deadline = time.monotonic() + wait

    def readinto(self, buffer: WriteableBuffer) -> int:
        remaining = self.deadline - time.monotonic()
        if remaining <= 0:
            self.timed_out = True
            raise TimeoutError("the request did not arrive in time")
        self.sock.settimeout(remaining)
        try:
            count = self.sock.recv_into(buffer)
        except TimeoutError:
            self.timed_out = True
            raise
        finally:
            self.sock.settimeout(self.request_timeout)
        if count and not self.started:
            self.started = True
            self.requests += 1
            self.deadline = time.monotonic() + self.request_timeout
        return count

    @property
    def idle(self) -> bool:
        """Between two requests of a keep-alive connection, nothing of the next one received."""
        if self.started or not self.requests:
            return False
        try:
            readable, _, _ = select.select([self.sock], [], [], 0)
        except (OSError, ValueError):
            return False
        return not readable


class SimulatorServer(ThreadingHTTPServer):
    """A threading HTTP server bound to one :class:`Platform`, its connections bounded."""

    daemon_threads = True
    allow_reuse_address = True
    request_queue_size = 64

    def __init__(
        self,
        address: tuple[str, int],
        platform: Platform,
        *,
        request_timeout: float = REQUEST_TIMEOUT,
        idle_timeout: float = IDLE_TIMEOUT,
        max_connections: int = MAX_CONNECTIONS,
    ) -> None:
        if request_timeout <= 0 or idle_timeout <= 0:
            raise ValueError("timeouts are positive numbers of seconds")
        if max_connections < 1:
            raise ValueError("max_connections is at least 1")
        self.platform = platform
        self.request_timeout = request_timeout
        self.idle_timeout = idle_timeout
        self.max_connections = max_connections
        self._slots = threading.BoundedSemaphore(max_connections)
        self._connections: dict[socket.socket, _Reader] = {}
        self._connection_threads: set[threading.Thread] = set()
        self._connections_lock = threading.Lock()
        self._wsdl_cache: dict[str, bytes] = {}
        super().__init__(address, _Handler)

    @property
    def base_url(self) -> str:
        host, port = self.server_address[:2]
        return f"http://{host!s}:{port}"

    @property
    def dictionary(self) -> DataDictionary:
        return self.platform.dictionary

    def wsdl(self, service: str) -> bytes:
        cached = self._wsdl_cache.get(service)
        if cached is None:
            text = (self.dictionary.wsdl_dir / f"{service}.wsdl").read_text(encoding="utf-8")
            address = self.base_url + self.dictionary.soap_path.format(service=service)
            text = _ADDRESS.sub(lambda m: m.group(1) + escape(address) + m.group(2), text)
            cached = text.encode("utf-8")
            self._wsdl_cache[service] = cached
        return cached

    # ------------------------------------------------------------------ connections

    @property
    def connections(self) -> int:
        """How many connections are being served now."""
        with self._connections_lock:
            return len(self._connections)

    def process_request(self, request: Any, client_address: Any) -> None:
        """Serve the connection in a thread of its own, if one of the slots is free."""
        if not self._slots.acquire(blocking=False):
            self._close_idle()
            if not self._slots.acquire(timeout=SLOT_WAIT):
                self._refuse(request)
                return
        thread = threading.Thread(
            target=self._serve_connection,
            args=(request, client_address),
            name=f"sogenactif-simulator-connection-{self.server_address[1]}",
            daemon=True,
        )
        with self._connections_lock:
            self._connection_threads.add(thread)
        thread.start()

    def _serve_connection(self, request: Any, client_address: Any) -> None:
        try:
            self.process_request_thread(request, client_address)
        finally:
            with self._connections_lock:
                self._connection_threads.discard(threading.current_thread())
            self._slots.release()

    def register(self, sock: socket.socket, reader: _Reader) -> None:
        with self._connections_lock:
            self._connections[sock] = reader

    def unregister(self, sock: socket.socket) -> None:
        with self._connections_lock:
            self._connections.pop(sock, None)

    def _close_idle(self) -> None:
        """Close the keep-alive connections waiting for a next request (their threads end)."""
        with self._connections_lock:
            idle = [sock for sock, reader in self._connections.items() if reader.idle]
        for sock in idle:
            _shut(sock)

    def _refuse(self, request: socket.socket) -> None:
        """Answer 503 without reading the request (what was sent is drained, so that closing
        does not reset the connection before the client reads the answer)."""
        try:
            request.settimeout(SLOT_WAIT)
            request.sendall(
                _raw_response(503, "Service Unavailable", "Too many connections: try again.")
            )
            request.shutdown(socket.SHUT_WR)
            request.settimeout(0.1)
            while request.recv(65536):
                pass
        except OSError:
            pass
        self.shutdown_request(request)

    def handle_error(self, request: Any, client_address: Any) -> None:
        """A connection that failed outside a request's handling (the client went away …)."""
        exc = sys.exc_info()[1]
        if isinstance(exc, OSError):
            logger.debug("connection %s ended: %s", client_address, exc)
            return
        logger.error("connection %s failed:\n%s", client_address, _scrubbed_traceback(exc))

    def server_close(self) -> None:
        """Stop listening, close every connection and wait (a little) for their threads."""
        super().server_close()
        with self._connections_lock:
            sockets = list(self._connections)
            threads = list(self._connection_threads)
        for sock in sockets:
            _shut(sock)
        deadline = time.monotonic() + 2.0
        for thread in threads:
            thread.join(timeout=max(deadline - time.monotonic(), 0))


def _shut(sock: socket.socket) -> None:
    try:
        sock.shutdown(socket.SHUT_RDWR)
    except OSError:
        pass


def _scrubbed_traceback(exc: BaseException | None) -> str:
    if exc is None:
        return ""
    return scrub_text("".join(traceback.format_exception(exc)))


class _SoapFault(Exception):
    pass


class _Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    disable_nagle_algorithm = True  # headers and body are two writes: no 40 ms delayed-ACK stall
    server: SimulatorServer
    server_version = "SogenactifSimulator/1.0"

    # ------------------------------------------------------------------ plumbing

    def setup(self) -> None:
        super().setup()
        self.rfile.close()  # replaced by a reader against deadlines (closing frees the socket)
        server = self.server
        self._reader = _Reader(self.connection, server.request_timeout, server.idle_timeout)
        self.connection.settimeout(server.request_timeout)
        self.rfile = io.BufferedReader(self._reader)
        server.register(self.connection, self._reader)
        self._answered = False

    def finish(self) -> None:
        self.server.unregister(self.connection)
        try:
            super().finish()
        except OSError:
            pass

    def handle_one_request(self) -> None:
        reader = self._reader
        reader.expect_request()
        self._answered = False
        super().handle_one_request()  # a TimeoutError ends there, the connection to be closed
        if reader.timed_out:
            self.close_connection = True
            if reader.started and not self._answered:
                self._answered = True
                try:
                    self.wfile.write(
                        _raw_response(
                            408,
                            "Request Timeout",
                            f"The request did not arrive within {reader.request_timeout:g} s.",
                        )
                    )
                except OSError:
                    pass

    def send_response(self, code: int, message: str | None = None) -> None:
        self._answered = True
        super().send_response(code, message)

    def log_message(self, format: str, *args: Any) -> None:
        logger.debug("%s " + format, self.address_string(), *args)

    def _send(
        self,
        status: int,
        body: bytes,
        content_type: str,
        headers: Mapping[str, str] | None = None,
    ) -> None:
        self.send_response(status)
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(body)))
        for name, value in (headers or {}).items():
            self.send_header(name, value)
        if self.close_connection:
            self.send_header("Connection", "close")
        self.end_headers()
        if self.command != "HEAD":
            self.wfile.write(body)

    def _json(self, status: int, value: Any, headers: Mapping[str, str] | None = None) -> None:
        body = json.dumps(value, ensure_ascii=False, separators=(",", ":")).encode("utf-8")
        self._send(status, body, "application/json;charset=UTF-8", headers)

    def _body(self) -> bytes | None:
        """The request body, or None after answering 411/413."""
        length_header = self.headers.get("Content-Length")
        if length_header is None:
            if self.headers.get("Transfer-Encoding"):
                self.close_connection = True
                self._send(
                    411, _html(411, "Length Required", "Send a Content-Length."), "text/html"
                )
                return None
            return b""
        try:
            length = int(length_header)
        except ValueError:
            length = -1
        if length < 0 or length > MAX_BODY_BYTES:
            self.close_connection = True
            self._send(
                413, _html(413, "Payload Too Large", "The request is too large."), "text/html"
            )
            return None
        body = self.rfile.read(length)
        if len(body) < length:  # the client closed the connection mid-body
            self.close_connection = True
            raise ConnectionAbortedError("the request body ended early")
        return body

    def _guarded(self, route: Callable[[], None]) -> None:
        """Run ``route``; anything it raises (but a broken connection or a timeout, which end
        the connection) is answered 500, and logged with card numbers masked."""
        try:
            route()
        except (TimeoutError, ConnectionError):
            raise
        except Exception as exc:
            logger.error(
                "%s %s failed:\n%s",
                self.command,
                urlsplit(self.path).path,
                _scrubbed_traceback(exc),
            )
            if not self._answered:
                self.close_connection = True
                self._send(
                    500,
                    _html(500, "Internal Server Error", "The simulator failed: see its log."),
                    "text/html",
                )

    # ------------------------------------------------------------------ routes

    def do_POST(self) -> None:
        self._guarded(self._post)

    def do_GET(self) -> None:
        self._guarded(self._get)

    def do_HEAD(self) -> None:
        self._guarded(self._get)

    def _post(self) -> None:
        url = urlsplit(self.path)
        body = self._body()
        if body is None:
            return
        rest = _REST.match(url.path)
        if rest is not None:
            self._rest(rest.group(1), rest.group(2), body)
            return
        soap = _SOAP.match(url.path)
        if soap is not None and soap.group(1) in self.server.dictionary.services:
            self._soap(soap.group(1), body)
            return
        if url.path in _REDIRECTIONS:
            self._redirection_page(url.path, body.decode("utf-8", "replace"))
            return
        if url.path.startswith("/_simulator/"):
            self._control("POST", url.path, url.query, body)
            return
        self._send(404, _html(404, "Not Found", f"No function at {url.path}."), "text/html")

    def _get(self) -> None:
        url = urlsplit(self.path)
        soap = _SOAP.match(url.path)
        query = url.query.lower()
        dictionary = self.server.dictionary
        if soap is not None and soap.group(1) in dictionary.services and query in ("wsdl", "wsd"):
            self._send(200, self.server.wsdl(soap.group(1)), "text/xml;charset=UTF-8")
            return
        xsd = _XSD.match(url.path)
        if xsd is not None and xsd.group(1) in dictionary.services:
            body = (dictionary.wsdl_dir / f"{xsd.group(1)}.xsd").read_bytes()
            self._send(200, body, "text/xml;charset=UTF-8")
            return
        if url.path in _REDIRECTIONS:
            self._redirection_page(url.path, url.query)
            return
        if url.path.startswith("/_simulator/"):
            self._control("GET", url.path, url.query, b"")
            return
        if url.path in ("/", ""):
            self._page(url.query)
            return
        self._send(404, _html(404, "Not Found", f"Nothing at {url.path}."), "text/html")

    # ------------------------------------------------------------------ REST

    def _rest(self, service: str, function: str, body: bytes) -> None:
        platform = self.server.platform
        exchanges = platform.exchanges
        if (service, function) not in platform.entries:
            exchanges.record("REST", service, function, 404, None, None, "no such function")
            self._send(
                404, _html(404, "Not Found", f"No function {service}/{function}."), "text/html"
            )
            return
        if self.headers.get_content_type() != "application/json":
            note = f"Content-Type {self.headers.get_content_type()}, not application/json"
            exchanges.record("REST", service, function, 415, None, None, note)
            self._send(415, PAGE_415, "text/html;charset=UTF-8")
            return
        try:
            fields = read_json(body)
            if not isinstance(fields, dict):
                raise BadRequest("The body is not a JSON object.")
        except BadRequest as problem:
            exchanges.record("REST", service, function, 400, None, None, str(problem))
            self._send(400, _html(400, "Bad Request", str(problem)), "text/html")
            return
        response = platform.handle(service, function, fields)
        exchanges.record("REST", service, function, 200, fields, response)
        self._json(200, response)

    # ------------------------------------------------------------------ SOAP

    def _soap(self, service: str, body: bytes) -> None:
        exchanges = self.server.platform.exchanges
        content_type = self.headers.get_content_type()
        if content_type not in ("text/xml", "application/soap+xml"):
            note = f"Content-Type {content_type}, not text/xml or application/soap+xml"
            exchanges.record("SOAP", service, "", 415, None, None, note)
            self._send(415, PAGE_415, "text/html;charset=UTF-8")
            return
        try:
            function, fields, soap_ns = self._soap_request(service, body)
        except _SoapFault as fault:
            exchanges.record("SOAP", service, "", 500, None, None, f"SOAP fault: {fault}")
            self._soap_fault(str(fault), SOAP11)
            return
        response = self.server.platform.handle(service, function, fields)
        exchanges.record("SOAP", service, function, 200, fields, response)
        ns = escape(self.server.dictionary.services[service].soap_namespace, {'"': "&quot;"})
        parts = [
            '<?xml version="1.0" encoding="UTF-8"?>',
            f'<soap:Envelope xmlns:soap="{soap_ns}"><soap:Body>',
            f'<{function}Response xmlns="{ns}"><output>',
        ]
        write_fields(parts, response, "", list(response), None, self.server.dictionary.list_items)
        parts.append(f"</output></{function}Response></soap:Body></soap:Envelope>")
        media = "text/xml" if soap_ns == SOAP11 else "application/soap+xml"
        self._send(200, "".join(parts).encode("utf-8"), f"{media};charset=UTF-8")

    def _soap_request(self, service: str, body: bytes) -> tuple[str, dict[str, Any], str]:
        problem = ""
        try:
            root = parse(body)
        except UnsafeXML:
            problem = "DTDs and entity declarations are not allowed"
        except XMLError as exc:
            problem = f"the request is not well-formed XML ({exc})"
        if problem:
            raise _SoapFault(problem)
        soap_ns = namespace(root)
        if local(root) != "Envelope" or soap_ns not in (SOAP11, SOAP12):
            raise _SoapFault("the request is not a SOAP envelope")
        soap_body = child(root, "Body")
        operation = soap_body[0] if soap_body is not None and len(soap_body) else None
        if operation is None:
            raise _SoapFault("the SOAP body is empty")
        operation_ns, operation_name = namespace(operation), local(operation)
        ns = self.server.dictionary.services[service].soap_namespace
        entries = self.server.platform.entries
        # The namespace as the dictionary spells it, in any letter case: clients built on either
        # spelling of a namespace the evidence leaves open (cashmanagement / cashManagement) get
        # through; answers use the dictionary's.
        if operation_ns.lower() != ns.lower() or (service, operation_name) not in entries:
            raise _SoapFault(f"no operation {{{operation_ns}}}{operation_name} in {service}")
        input_element = operation[0] if len(operation) else None
        if input_element is None or local(input_element) != "input":
            raise _SoapFault(f"{operation_name} has no input element")
        fn = entries[(service, operation_name)].fn
        fields = _from_xml(input_element, fn.request_fields, self.server.dictionary.list_items)
        return operation_name, fields, soap_ns

    def _soap_fault(self, message: str, soap_ns: str) -> None:
        envelope = (
            f'<?xml version="1.0" encoding="UTF-8"?><soap:Envelope xmlns:soap="{soap_ns}">'
            "<soap:Body><soap:Fault><faultcode>soap:Client</faultcode>"
            f"<faultstring>{escape(message)}</faultstring></soap:Fault></soap:Body></soap:Envelope>"
        )
        self._send(500, envelope.encode("utf-8"), "text/xml;charset=UTF-8")

    # ------------------------------------------------------------------ the page and control

    def _page(self, query: str) -> None:
        params = parse_qs(query)
        refresh = _whole(params.get("refresh", [""])[0], 0, 3600)
        limit = _whole(params.get("limit", [""])[0], 1, 10_000) or 100
        page = render_page(self.server.platform, self.server.base_url, refresh=refresh, limit=limit)
        self._send(200, page, "text/html;charset=UTF-8")

    def _control(self, method: str, path: str, query: str, body: bytes) -> None:
        """The ``/_simulator/…`` endpoints (:data:`CONTROL`): JSON in, JSON out."""
        platform = self.server.platform
        params = {name: values[0] for name, values in parse_qs(query).items()}
        if path.startswith(_ONE_TRANSACTION) and len(path) > len(_ONE_TRANSACTION):
            allowed, action = "GET", "transaction"
        elif path in CONTROL:
            allowed, action = CONTROL[path]
        else:
            self._json(404, {"error": f"no control endpoint {path}", "endpoints": sorted(CONTROL)})
            return
        if method != allowed:
            self._json(
                405, {"error": f"{path} takes {allowed}, not {method}"}, headers={"Allow": allowed}
            )
            return
        try:
            if body.strip():
                decoded = read_json(body)
                if not isinstance(decoded, dict):
                    raise BadRequest("The body is not a JSON object.")
                params.update(decoded)
            self._json(200, _ACTIONS[action](platform, params, path))
        except _NotFound as missing:
            self._json(404, {"error": str(missing)})
        except (BadRequest, ValueError) as problem:
            self._json(400, {"error": str(problem)})

    def _redirection_page(self, path: str, form_text: str) -> None:
        """The ACS (3-D Secure) or the payment provider's page: it sends the browser straight back
        to the merchant, the cardholder authenticated or the payment approved."""
        form = {k: v[0] for k, v in parse_qs(form_text).items()}
        if path.endswith("/acs"):
            target = form.get("TermUrl", "")
            fields = {"PaRes": pa_res(form.get("PaReq", "")), "MD": form.get("MD", "")}
        else:
            # Back to the merchantReturnUrl given to paymentProviderInitialize.
            store = self.server.platform.store
            with store.atomic():
                pending = store.pending(form.get("redirection_data", ""))
            target = str(pending.fields.get("merchantReturnUrl", "")) if pending else ""
            fields = {
                "redirection_data": form.get("redirection_data", ""),
                "message_version": form.get("message_version", ""),
            }
        inputs = "".join(
            f'<input type="hidden" name="{escape(k)}" value="{escape(v, {chr(34): "&quot;"})}">'
            for k, v in fields.items()
        )
        page = (
            "<html><head><title>Simulator</title></head>"
            '<body onload="document.forms[0].submit()">'
            f'<form method="POST" action="{escape(target, {chr(34): "&quot;"})}">{inputs}'
            '<input type="submit" value="Continue"></form></body></html>'
        )
        self._send(200, page.encode("utf-8"), "text/html;charset=UTF-8")


# --------------------------------------------------------------------------- control actions


class _NotFound(LookupError):
    pass


def _whole(text: Any, low: int, high: int) -> int:
    """A whole number between low and high written in a query string; 0 when absent or not."""
    if isinstance(text, int) and not isinstance(text, bool):
        value = text
    elif isinstance(text, str) and text.strip().isdigit():
        value = int(text)
    else:
        return 0
    return min(max(value, low), high)


def _days(params: Mapping[str, Any]) -> int:
    value = params.get("days", 1)
    if isinstance(value, bool) or not isinstance(value, (int, str)):
        raise BadRequest("days is a whole number of days")
    text = str(value).strip()
    if not text.isdigit():
        raise BadRequest("days is a whole number of days (0 or more)")
    return int(text)


def _clock(platform: Platform) -> dict[str, Any]:
    return {"today": platform.now().date().isoformat(), "dayOffset": platform.store.day_offset()}


def _health(platform: Platform, params: Mapping[str, Any], path: str) -> Any:
    with platform.store.atomic():
        count = platform.store.count_transactions()
    return {"status": "ok", "requests": platform.served, "transactions": count, **_clock(platform)}


def _advance(platform: Platform, params: Mapping[str, Any], path: str) -> Any:
    changed = platform.advance_days(_days(params))
    return {"changed": changed, **_clock(platform)}


def _reset(platform: Platform, params: Mapping[str, Any], path: str) -> Any:
    platform.reset()
    return {"status": "reset", **_clock(platform)}


def _transactions(platform: Platform, params: Mapping[str, Any], path: str) -> Any:
    merchant = params.get("merchantId")
    limit = _whole(params.get("limit"), 0, sys.maxsize) if "limit" in params else None
    with platform.store.atomic():
        found = platform.store.transactions(str(merchant) if merchant is not None else None, limit)
    return [public_transaction(t) for t in found]


def _transaction(platform: Platform, params: Mapping[str, Any], path: str) -> Any:
    reference = unquote(path[len(_ONE_TRANSACTION) :])
    merchant = str(params.get("merchantId") or platform.default_merchant_id)
    store = platform.store
    with store.atomic():
        found = store.transaction(merchant, reference)
        operations = store.operations(merchant, reference) if found is not None else []
    if found is None:
        raise _NotFound(f"no transaction {reference} of shop {merchant}")
    return {**public_transaction(found), "operations": [dataclasses.asdict(o) for o in operations]}


def _exchanges(platform: Platform, params: Mapping[str, Any], path: str) -> Any:
    return [e.as_dict() for e in platform.exchanges.recent()]


#: The control endpoints: path -> (HTTP method, action). Also ``GET
#: /_simulator/transactions/<reference>[?merchantId=…]``: one transaction with its operations.
CONTROL: dict[str, tuple[str, str]] = {
    "/_simulator/health": ("GET", "health"),
    "/_simulator/transactions": ("GET", "transactions"),
    "/_simulator/exchanges": ("GET", "exchanges"),
    "/_simulator/advance-days": ("POST", "advance"),
    "/_simulator/reset": ("POST", "reset"),
}

_ACTIONS: dict[str, Callable[[Platform, Mapping[str, Any], str], Any]] = {
    "health": _health,
    "transactions": _transactions,
    "transaction": _transaction,
    "exchanges": _exchanges,
    "advance": _advance,
    "reset": _reset,
}


def _no_constant(name: str) -> Any:
    raise ValueError(f"{name} is not JSON")


def public_transaction(t: Transaction) -> dict[str, Any]:
    """A transaction as the control interface shows it: its card number masked as the platform
    masks it (``4100##########00``), its details through the core's redaction."""
    out = t.as_dict()
    card = out["card"]
    out["card"] = {
        "maskedPan": masked(t.card.pan) if t.card.pan else "",
        "expiry": card.get("expiry", ""),
        "brand": card.get("brand", ""),
    }
    out["details"] = redact(t.details)
    return out


def _from_xml(
    parent: Node, rules: Mapping[str, FieldRule] | None, list_items: Mapping[str, str]
) -> dict[str, Any]:
    """The children of ``parent`` in the JSON shape, read with the dictionary's rules."""
    out: dict[str, Any] = {}
    for element in parent:
        name = local(element)
        out[name] = _value(element, rules.get(name) if rules is not None else None, list_items)
    return out


def _value(element: Node, rule: FieldRule | None, list_items: Mapping[str, str]) -> Any:
    name = local(element)
    kind = rule.kind if rule is not None else None
    children = len(element)
    if kind in ("list", "container") and not children and text(element).strip():
        return text(element)  # text where a structure is expected: the checks answer 30
    if kind == "list" or (kind is None and name in list_items):
        item_rule = rule.item if rule is not None else None
        item = item_rule.name if item_rule is not None else item_name(name, list_items)
        return [_value(c, item_rule, list_items) for c in element if local(c) == item]
    if kind == "container" or (kind is None and children):
        return _from_xml(element, rule.children if rule is not None else None, list_items)
    if children:
        # Elements where text is expected: keep the structure, the checks answer 30.
        return _from_xml(element, None, list_items)
    return text(element)
