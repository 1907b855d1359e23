"""What the tests share: the guide's test shop, scripted local servers, samples, example values
for every field, and the helpers that talk to the simulator without the client.

No test module imports another: what two of them need lives here.
"""

from __future__ import annotations

import asyncio
import atexit
import functools
import json
import os
import socket
import struct
import threading
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import TYPE_CHECKING, Any
from xml.sax.saxutils import escape

import pytest
import requests
from hypothesis import find
from hypothesis import strategies as st
from lxml import etree

import sogenactif
from generator.views import snake
from sogenactif._dictionary import DICTIONARY
from sogenactif.seal import compute_seal, verify_seal
from sogenactif_core._metadata import FieldRule, FunctionSpec
from sogenactif_core._redact import SENSITIVE_FIELDS, kind_of
from tests.samples import GUIDE_CARD_ORDER as GUIDE_CARD_ORDER  # data, shared with bench/

if TYPE_CHECKING:
    from sogenactif.testing import Simulator

ROOT = Path(__file__).resolve().parent.parent
# What a subprocess needs on its path to import the client from the checkout: the generated
# package and the core under it.
PACKAGE_PATH = os.pathsep.join([str(ROOT / "generated"), str(ROOT / "runtime")])

# The public test shop of the Office Server JSON guide.
MERCHANT_ID = "201040040170001"
SECRET_KEY = "rxSP61eeP_oNi5TxCD7Ngy9YcwC8MLw6OlmFGGcsY54"
KEY_VERSION = 1

LIST_ITEMS: Mapping[str, str] = DICTIONARY.list_items
SOAP11 = "http://schemas.xmlsoap.org/soap/envelope/"
FUTURE = "203012"  # a card expiry date that stays in the future


def namespace(service: str) -> str:
    return DICTIONARY.services[service].soap_namespace


# --------------------------------------------------------------------------- scripted servers


@dataclass
class Recorded:
    method: str
    path: str
    headers: dict[str, str]
    body: bytes

    def json(self) -> Any:
        return json.loads(self.body)


@dataclass
class Reply:
    status: int = 200
    body: bytes = b""
    content_type: str = "application/json"
    headers: dict[str, str] = field(default_factory=dict)


class LocalServer:
    def __init__(self) -> None:
        self.requests: list[Recorded] = []
        self.reply: Callable[[Recorded], Reply] = lambda req: Reply(404, b"no reply scripted")
        server = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def do_POST(self) -> None:
                length = int(self.headers.get("Content-Length", "0"))
                body = self.rfile.read(length)
                recorded = Recorded("POST", self.path, dict(self.headers.items()), body)
                server.requests.append(recorded)
                reply = server.reply(recorded)
                self.send_response(reply.status)
                self.send_header("Content-Type", reply.content_type)
                self.send_header("Content-Length", str(len(reply.body)))
                for name, value in reply.headers.items():
                    self.send_header(name, value)
                self.end_headers()
                self.wfile.write(reply.body)

            def log_message(self, *args: Any) -> None:
                pass

        self.httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.httpd.daemon_threads = True
        # A short poll interval: shutdown() waits for it, and tests start many servers.
        self.thread = threading.Thread(
            target=lambda: self.httpd.serve_forever(poll_interval=0.02), daemon=True
        )

    @property
    def base_url(self) -> str:
        host, port = self.httpd.server_address[:2]
        assert isinstance(host, str)
        return f"http://{host}:{port}"

    def __enter__(self) -> LocalServer:
        self.thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.httpd.shutdown()
        self.httpd.server_close()


def make_client(server: LocalServer, protocol: str, kind: str = "sync", **options: Any) -> Any:
    """A client of the guide's test shop talking to ``server`` (``kind``: sync | async, see
    :class:`Awaited`)."""
    settings: dict[str, Any] = {"timeout": 5, **options}
    return either_client(
        kind,
        merchant_id=MERCHANT_ID,
        secret_key=SECRET_KEY,
        key_version=KEY_VERSION,
        environment=server.base_url,
        protocol=protocol,
        **settings,
    )


def sealed(fields: Mapping[str, Any], key: str, algorithm: str = "HMAC-SHA-256") -> dict[str, Any]:
    """``fields`` plus their seal, in the order given (responses are not sorted)."""
    out = dict(fields)
    out["seal"] = compute_seal(out, key, algorithm)
    return out


def json_reply(fields: Mapping[str, Any]) -> Reply:
    return Reply(200, json.dumps(fields).encode("utf-8"), "application/json;charset=UTF-8")


def _xml_fields(fields: Mapping[str, Any], list_items: Mapping[str, str]) -> str:
    parts = []
    for name, value in fields.items():
        if isinstance(value, list):
            item = list_items.get(name, name[:-4])
            inner = "".join(
                f"<{item}>{_xml_fields(v, list_items) if isinstance(v, Mapping) else escape(str(v))}"
                f"</{item}>"
                for v in value
            )
            parts.append(f"<{name}>{inner}</{name}>")
        elif isinstance(value, Mapping):
            parts.append(f"<{name}>{_xml_fields(value, list_items)}</{name}>")
        else:
            parts.append(f"<{name}>{escape(str(value))}</{name}>")
    return "".join(parts)


def soap_reply(
    service: str,
    function: str,
    fields: Mapping[str, Any],
    list_items: Mapping[str, str] = LIST_ITEMS,
) -> Reply:
    """The dictionary's response shape: ``<fnResponse xmlns=…><output>…</output></fnResponse>``."""
    ns = namespace(service)
    body = (
        '<?xml version="1.0" encoding="UTF-8"?>'
        '<soap:Envelope xmlns:soap="http://schemas.xmlsoap.org/soap/envelope/"><soap:Body>'
        f'<{function}Response xmlns="{ns}"><output>{_xml_fields(fields, list_items)}</output>'
        f"</{function}Response></soap:Body></soap:Envelope>"
    )
    return Reply(200, body.encode("utf-8"), "text/xml;charset=UTF-8")


def read_request(sock: socket.socket, buffer: bytes = b"") -> tuple[bytes, bytes] | None:
    """One HTTP request (its head and a body of Content-Length bytes) read from ``sock`` after
    what ``buffer`` already holds: (the request, the bytes that followed it); None when the
    peer closes first."""
    while b"\r\n\r\n" not in buffer:
        chunk = sock.recv(65536)
        if not chunk:
            return None
        buffer += chunk
    head, _, rest = buffer.partition(b"\r\n\r\n")
    length = 0
    for line in head.split(b"\r\n")[1:]:
        name, _, value = line.partition(b":")
        if name.strip().lower() == b"content-length":
            length = int(value)
    while len(rest) < length:
        chunk = sock.recv(65536)
        if not chunk:
            return None
        rest += chunk
    return head + b"\r\n\r\n" + rest[:length], rest[length:]


Script = Callable[["Connection"], None]


class Connection:
    """One accepted connection, with the request already read."""

    def __init__(self, sock: socket.socket, request: bytes, stop: threading.Event) -> None:
        self.sock = sock
        self.request = request
        self.stop = stop

    def send(self, data: bytes) -> None:
        self.sock.sendall(data)

    def reply(self, status: int, body: bytes, content_type: str, reason: str = "X") -> None:
        self.send(
            f"HTTP/1.1 {status} {reason}\r\nContent-Type: {content_type}\r\n"
            f"Content-Length: {len(body)}\r\nConnection: close\r\n\r\n".encode()
            + body
        )

    def reset(self) -> None:
        """Close with a TCP RST instead of a FIN."""
        self.sock.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
        self.sock.close()

    def hang(self) -> None:
        self.stop.wait(10)


class RawServer:
    """A TCP server on 127.0.0.1 that reads each HTTP request, then runs ``script`` on it."""

    def __init__(self, script: Script) -> None:
        self.script = script
        self.requests: list[bytes] = []
        self.connections = 0
        self.stop = threading.Event()
        self.listener = socket.create_server(("127.0.0.1", 0))
        self.port = self.listener.getsockname()[1]
        self.thread = threading.Thread(target=self._serve, daemon=True)

    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def _serve(self) -> None:
        self.listener.settimeout(0.05)  # closing a socket does not wake accept(): poll instead
        while not self.stop.is_set():
            try:
                sock, _ = self.listener.accept()
            except TimeoutError:
                continue
            except OSError:
                return
            self.connections += 1
            threading.Thread(target=self._handle, args=(sock,), daemon=True).start()

    def _handle(self, sock: socket.socket) -> None:
        sock.settimeout(10)
        try:
            received = read_request(sock)
            if received is None:
                return
            self.requests.append(received[0])
            self.script(Connection(sock, received[0], self.stop))
        except OSError:
            pass
        finally:
            try:
                sock.close()
            except OSError:
                pass

    def __enter__(self) -> RawServer:
        self.thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.stop.set()
        self.listener.close()


# --------------------------------------------------------------------------- every function


def generated_functions() -> list[tuple[str, str, FunctionSpec[Any, Any]]]:
    """(client attribute, method, spec) of every function of the generated dictionary."""
    out = [
        (DICTIONARY.services[fn.service].attribute, snake(fn.name), fn)
        for fn in DICTIONARY.functions().values()
    ]
    return sorted(out, key=lambda t: t[2].qualified_name)


FUNCTIONS = generated_functions()

# Card data and secrets, put in every sensitive field by example().
PAN = "4973019999912764"  # Luhn-valid
PAN2 = "5017674000000002"  # Luhn-valid, in a field the spec does not know
CSC = "0937"
TOKEN = "tKn7Qz9xWv3Lr8"
PASSWORD = "Pw9zQx7Kv3"


def secret_for(name: str, rule: FieldRule) -> str | None:
    kind = SENSITIVE_FIELDS.get(name) or kind_of(name, "x")
    candidates = {"pan": [PAN], "csc": [CSC], "token": [TOKEN, PAN], "secret": [PASSWORD]}
    for value in candidates.get(kind or "", []):
        if rule.regex is None or rule.regex.match(value):
            return value
    return None


def example(name: str, rule: FieldRule) -> Any:
    """A valid value for ``rule``: the secret of its kind when the field is sensitive."""
    if rule.kind == "container":
        return {n: example(n, r) for n, r in (rule.children or {}).items()}
    if rule.kind == "list":
        assert rule.item is not None
        return [example(rule.item.name, rule.item)]
    if rule.kind == "boolean":
        return True
    if rule.enum_values:
        return sorted(v for v in rule.enum_values if v)[0]
    secret = secret_for(name, rule)
    if secret is not None:
        return secret
    if rule.regex is None:
        return "1"
    return _shortest_match(rule.regex.pattern)


@functools.cache
def _shortest_match(pattern: str) -> str:
    return find(st.from_regex(pattern, fullmatch=True), lambda v: len(v) > 0)


def full_request(fn: FunctionSpec[Any, Any]) -> dict[str, Any]:
    """Keyword arguments filling every request field of ``fn``."""
    wire_to_keyword = {wire: kw for kw, wire in fn.keywords.items()}
    return {wire_to_keyword[n]: example(n, r) for n, r in fn.request_fields.items()}


# --------------------------------------------------------------------------- the simulator, raw


@functools.cache
def _functions() -> frozenset[tuple[str, str]]:
    return frozenset(DICTIONARY.functions())


def has(service: str, function: str) -> bool:
    """Whether the generated package has this function."""
    return (service, function) in _functions()


def needs(service: str, function: str) -> pytest.MarkDecorator:
    return pytest.mark.skipif(
        not has(service, function), reason=f"{service}.{function} is not in spec/ yet"
    )


def order(reference: str, card: str = "4100000000000000", **extra: Any) -> dict[str, Any]:
    """cardOrder keywords."""
    return {
        "amount": 2500,
        "currency_code": "978",
        "card_number": card,
        "card_expiry_date": FUTURE,
        "card_csc_value": "123",
        "transaction_reference": reference,
        **extra,
    }


def envelope(sim: Simulator, service: str, version: str | None = None) -> dict[str, Any]:
    prefix = DICTIONARY.services[service].interface_prefix
    return {
        "interfaceVersion": prefix + (version or DICTIONARY.interface_version),
        "keyVersion": str(sim.key_version),
        "merchantId": sim.merchant_id,
    }


def _xml(parent: Any, ns: str, fields: Mapping[str, Any]) -> None:
    for name, value in fields.items():
        element = etree.SubElement(parent, f"{{{ns}}}{name}")
        if isinstance(value, Mapping):
            _xml(element, ns, value)
        elif isinstance(value, list):
            item = LIST_ITEMS.get(name, name[:-4])
            for v in value:
                child = etree.SubElement(element, f"{{{ns}}}{item}")
                if isinstance(v, Mapping):
                    _xml(child, ns, v)
                else:
                    child.text = str(v)
        else:
            element.text = str(value)


def soap_body(service: str, function: str, fields: Mapping[str, Any]) -> bytes:
    ns = namespace(service)
    root = etree.Element(f"{{{SOAP11}}}Envelope", nsmap={"soapenv": SOAP11, "urn": ns})
    body = etree.SubElement(root, f"{{{SOAP11}}}Body")
    operation = etree.SubElement(body, f"{{{ns}}}{function}")
    _xml(etree.SubElement(operation, f"{{{ns}}}input"), ns, fields)
    return etree.tostring(root, xml_declaration=True, encoding="UTF-8")


def _from_xml(element: Any) -> Any:
    children = [c for c in element if isinstance(c.tag, str)]
    name = etree.QName(element).localname
    if name in LIST_ITEMS:
        return [_from_xml(c) for c in children]
    if not children:
        return element.text or ""
    return {etree.QName(c).localname: _from_xml(c) for c in children}


def post(
    sim: Simulator, protocol: str, service: str, function: str, fields: Mapping[str, Any]
) -> dict[str, Any]:
    """Post ``fields`` as they are; the response fields, in the order received."""
    if protocol == "rest":
        reply = requests.post(
            f"{sim.base_url}/rs-services/v2/{service}/{function}",
            data=json.dumps(fields).encode(),
            headers={"Content-Type": "application/json"},
            timeout=10,
        )
        assert reply.status_code == 200, reply.text
        decoded: dict[str, Any] = reply.json()
        return decoded
    reply = requests.post(
        f"{sim.base_url}/services/v2/{service}",
        data=soap_body(service, function, fields),
        headers={"Content-Type": "text/xml; charset=utf-8", "SOAPAction": '""'},
        timeout=10,
    )
    assert reply.status_code == 200, reply.text
    root = etree.fromstring(reply.content)
    (wrapper,) = root.find(f"{{{SOAP11}}}Body")
    assert etree.QName(wrapper).localname == f"{function}Response"
    assert etree.QName(wrapper).namespace == namespace(service)
    (output,) = wrapper
    assert etree.QName(output).localname == "output"
    out = _from_xml(output)
    assert isinstance(out, dict)
    return out


def send(
    sim: Simulator,
    protocol: str,
    service: str,
    function: str,
    fields: Mapping[str, Any],
    *,
    version: str | None = None,
) -> dict[str, Any]:
    """``fields`` with the default shop's envelope, sealed; the response, its seal checked."""
    request = sealed({**envelope(sim, service, version), **fields}, sim.secret_key)
    response = post(sim, protocol, service, function, request)
    assert verify_seal(response, sim.secret_key), response
    return response


CARD_ORDER = {
    "amount": "2500",
    "currencyCode": "978",
    "cardNumber": "4100000000000000",
    "cardExpiryDate": FUTURE,
    "transactionReference": "RAW1",
}


# --------------------------------------------------------------------------- both clients

_LOOP: asyncio.AbstractEventLoop | None = None


def _loop() -> asyncio.AbstractEventLoop:
    """One event loop for the awaited calls of the sync test suites (closed at exit)."""
    global _LOOP
    if _LOOP is None:
        _LOOP = asyncio.new_event_loop()
        atexit.register(_close_loop, _LOOP)
    return _LOOP


def _close_loop(loop: asyncio.AbstractEventLoop) -> None:
    """Finish what the clients the tests left open still hold (httpx's response streams are
    async generators), then close the loop."""
    pending = asyncio.all_tasks(loop)
    for task in pending:
        task.cancel()
    if pending:  # gather() of nothing looks for a running loop
        loop.run_until_complete(asyncio.gather(*pending, return_exceptions=True))
    loop.run_until_complete(loop.shutdown_asyncgens())
    loop.close()


class Awaited:
    """A ``sogenactif.AsyncClient`` driven from sync test code: each call is awaited on one
    event loop, so that the suites written for ``Client`` run against ``AsyncClient`` as well
    (the fault matrix, the secrets search, the bad-input suite)."""

    def __init__(self, client: sogenactif.AsyncClient) -> None:
        self.client = client

    def __getattr__(self, name: str) -> Any:
        value = getattr(self.client, name)
        if hasattr(value, "_client") and hasattr(value, "_call"):  # a service
            return _AwaitedService(value)
        return value

    def close(self) -> None:
        _loop().run_until_complete(self.client.aclose())


class _AwaitedService:
    def __init__(self, service: Any) -> None:
        self.service = service

    def __getattr__(self, name: str) -> Callable[..., Any]:
        method = getattr(self.service, name)

        def call(*args: Any, **kwargs: Any) -> Any:
            return _loop().run_until_complete(method(*args, **kwargs))

        return call


def either_client(kind: str, **options: Any) -> Any:
    """A ``Client``, or an ``AsyncClient`` behind :class:`Awaited` (``kind``: sync | async)."""
    if kind == "async":
        return Awaited(sogenactif.AsyncClient(**options))
    return sogenactif.Client(**options)


# --------------------------------------------------------------------------- an integrator's suite


def run_pytest_project(folder: Path, tests: str, *, env: Mapping[str, str] | None = None) -> str:
    """Run ``tests`` (a test module's text) in ``folder`` as an integrator's suite, with the
    simulator's plugin named by ``-p``, in a fresh interpreter; its output (it must pass)."""
    import subprocess
    import sys
    import textwrap

    test_file = folder / "test_integrator.py"
    test_file.write_text(textwrap.dedent(tests))
    result = subprocess.run(
        [
            sys.executable,
            "-m",
            "pytest",
            "-q",
            "-p",
            "sogenactif.testing.pytest_plugin",
            "-p",
            "no:cacheprovider",
            str(test_file),
        ],
        cwd=folder,
        env=dict(env) if env is not None else {**os.environ, "PYTHONPATH": PACKAGE_PATH},
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    return result.stdout


# --------------------------------------------------------------------------- card data in frames

SPACED_PAN = " ".join(PAN[i : i + 4] for i in range(0, 16, 4))
LIBRARY = (str(ROOT / "runtime"), str(ROOT / "generated"))


def _clear_values(value: Any, depth: int = 0) -> Iterator[str]:
    """Every str and bytes inside ``value`` through dicts, lists, tuples and sets."""
    if depth > 20:
        return
    if isinstance(value, str):
        yield value
    elif isinstance(value, (bytes, bytearray)):
        yield bytes(value).decode("utf-8", "replace")
    elif isinstance(value, dict):
        for key, item in value.items():
            yield from _clear_values(key, depth + 1)
            yield from _clear_values(item, depth + 1)
    elif isinstance(value, (list, tuple, set, frozenset)):
        for item in value:
            yield from _clear_values(item, depth + 1)


def leaks_card_data(text: str) -> list[str]:
    found = [s for s in (PAN, SPACED_PAN, TOKEN, SECRET_KEY) if s in text]
    if text == CSC or f'"{CSC}"' in text or f">{CSC}<" in text:
        found.append("CSC")
    return found


def assert_no_card_data_in_frames(exc: BaseException) -> None:
    """No library frame of ``exc``'s traceback holds card data or the key in clear."""
    frames = 0
    tb = exc.__traceback__
    while tb is not None:
        frame = tb.tb_frame
        if frame.f_code.co_filename.startswith(LIBRARY):
            frames += 1
            for name, value in frame.f_locals.items():
                for text in _clear_values(value):
                    assert not leaks_card_data(text), (
                        frame.f_code.co_name,
                        name,
                        leaks_card_data(text),
                    )
        tb = tb.tb_next
    assert frames > 0, "no library frame in the traceback"
    for text in (str(exc), repr(exc), repr(vars(exc))):
        assert not leaks_card_data(text), text


def replaced(made: Any, **changes: Any) -> Any:
    """A copy of one of the core's plain classes (FieldRule, FunctionSpec, DataDictionary,
    ServiceFacts …), made again by its constructor with ``changes``: what
    ``dataclasses.replace`` does for a dataclass (nothing cached is carried over)."""
    import inspect

    names = [n for n in inspect.signature(type(made)).parameters if n != "self"]
    return type(made)(**{**{n: getattr(made, n) for n in names}, **changes})
