"""The simulator's HTTP side: the Office Server's REST/JSON and SOAP endpoints on one port.

- ``POST /rs-services/v2/<service>/<function>``: a JSON object in, a JSON object out. Without
  ``Content-Type: application/json`` the answer is HTTP 415 with the platform's HTML page (JSON
  guide); a body that is not a JSON object gives HTTP 400; an unknown path HTTP 404.
- ``POST /services/v2/<service>``: SOAP 1.1 (or 1.2), ``<fn><input>…</input></fn>`` in the
  service's namespace (in any letter case: ``cashmanagement`` or ``cashManagement``), answered ``<fnResponse><output>…</output></fnResponse>``, lists as their
  ``xxxList`` wrapper of items. XML is parsed without DTDs, entities or network access (a body with
  a DOCTYPE is refused); an envelope that cannot be read or names no known operation gives a SOAP
  fault (HTTP 500, faultcode Client).
- ``GET /services/v2/<service>?wsdl`` and ``GET /services/v2/<service>.xsd``: the packaged WSDL
  (its address pointing at this simulator) and schema, so zeep, suds or SoapUI can be pointed at
  it. Requests are read by local names, in any order, as the schema allows (``xsd:all``); one
  without keyVersion or seal (as the dictionary's SOAP samples are) is answered responseCode 12
  with errorFieldName, not with a fault, and the answers validate against the schema.
- ``GET /_simulator/health``, ``GET /_simulator/transactions``, ``POST /_simulator/advance-days``
  (``{"days": 1}``): for tests that run the simulator in another process.
"""

from __future__ import annotations

import json
import logging
import re
from collections.abc import Mapping
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import TYPE_CHECKING, Any
from urllib.parse import parse_qs, urlsplit
from xml.sax.saxutils import escape

from .._metadata import FieldRule
from .._soap import SOAP11, SOAP12, item_name, write_fields
from .._xml import Node, UnsafeXML, XMLError, parse
from ._behaviour import pa_res
from ._platform import Platform

if TYPE_CHECKING:
    from .._dictionary import DataDictionary

logger = logging.getLogger("sogenactif.testing")

MAX_BODY_BYTES = 1_000_000

_REST = re.compile(r"^/rs-services/v2/([A-Za-z0-9]+)/([A-Za-z0-9]+)/?$")
_SOAP = re.compile(r"^/services/v2/([A-Za-z0-9]+)/?$")
_XSD = re.compile(r"^/services/v2/([A-Za-z0-9]+)\.xsd$")
_ADDRESS = re.compile(r'(<soap:address location=")[^"]*(")')

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


class SimulatorServer(ThreadingHTTPServer):
    """A threading HTTP server bound to one :class:`Platform`."""

    daemon_threads = True
    allow_reuse_address = True
    request_queue_size = 64

    def __init__(self, address: tuple[str, int], platform: Platform) -> None:
        self.platform = platform
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


class _SoapFault(Exception):
    pass


class _Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    disable_nagle_algorithm = True  # headers and body are two writes: no 40 ms delayed-ACK stall
    server: SimulatorServer
    server_version = "SogenactifSimulator/1.0"

    # ------------------------------------------------------------------ plumbing

    def log_message(self, format: str, *args: Any) -> None:
        logger.debug("%s " + format, self.address_string(), *args)

    def _send(self, status: int, body: bytes, content_type: str) -> None:
        self.send_response(status)
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(body)))
        if self.close_connection:
            self.send_header("Connection", "close")
        self.end_headers()
        if self.command != "HEAD":
            self.wfile.write(body)

    def _json(self, status: int, value: Any) -> None:
        body = json.dumps(value, ensure_ascii=False, separators=(",", ":")).encode("utf-8")
        self._send(status, body, "application/json;charset=UTF-8")

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
        return self.rfile.read(length)

    # ------------------------------------------------------------------ routes

    def do_POST(self) -> None:
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
        if url.path == "/_simulator/advance-days":
            self._advance(url.query, body)
            return
        if url.path in ("/_simulator/acs", "/_simulator/provider"):
            self._redirection_page(url.path, body.decode("utf-8", "replace"))
            return
        self._send(404, _html(404, "Not Found", f"No function at {url.path}."), "text/html")

    def do_GET(self) -> None:
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
        platform = self.server.platform
        if url.path == "/_simulator/health":
            self._json(200, {"status": "ok", "requests": platform.served})
            return
        if url.path == "/_simulator/transactions":
            merchant = parse_qs(url.query).get("merchantId", [None])[0]
            with platform.store.atomic():
                found = platform.store.transactions(merchant)
            self._json(200, [_public(t.as_dict()) for t in found])
            return
        if url.path in ("/_simulator/acs", "/_simulator/provider"):
            self._redirection_page(url.path, url.query)
            return
        if url.path in ("/", ""):
            lines = ["Sogenactif Office Server simulator", ""]
            for service, function in sorted(platform.entries):
                lines.append(
                    f"POST {dictionary.rest_path.format(service=service, function=function)}"
                )
            lines += [""] + [
                f"SOAP {dictionary.soap_path.format(service=s)}?wsdl" for s in dictionary.services
            ]
            self._send(200, ("\n".join(lines) + "\n").encode(), "text/plain;charset=UTF-8")
            return
        self._send(404, _html(404, "Not Found", f"Nothing at {url.path}."), "text/html")

    def do_HEAD(self) -> None:
        self.do_GET()

    # ------------------------------------------------------------------ REST

    def _rest(self, service: str, function: str, body: bytes) -> None:
        platform = self.server.platform
        if (service, function) not in platform.entries:
            self._send(
                404, _html(404, "Not Found", f"No function {service}/{function}."), "text/html"
            )
            return
        if self.headers.get_content_type() != "application/json":
            self._send(415, PAGE_415, "text/html;charset=UTF-8")
            return
        try:
            fields = json.loads(body.decode("utf-8"), parse_constant=_no_constant)
        except (UnicodeDecodeError, ValueError):
            self._send(400, _html(400, "Bad Request", "The body is not UTF-8 JSON."), "text/html")
            return
        if not isinstance(fields, dict):
            self._send(
                400, _html(400, "Bad Request", "The body is not a JSON object."), "text/html"
            )
            return
        self._json(200, platform.handle(service, function, fields))

    # ------------------------------------------------------------------ SOAP

    def _soap(self, service: str, body: bytes) -> None:
        content_type = self.headers.get_content_type()
        if content_type not in ("text/xml", "application/soap+xml"):
            self._send(415, PAGE_415, "text/html;charset=UTF-8")
            return
        try:
            function, fields, soap_ns = self._soap_request(service, body)
        except _SoapFault as fault:
            self._soap_fault(str(fault), SOAP11)
            return
        response = self.server.platform.handle(service, function, fields)
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
        soap_ns = root.namespace
        if root.local != "Envelope" or soap_ns not in (SOAP11, SOAP12):
            raise _SoapFault("the request is not a SOAP envelope")
        soap_body = root.child("Body")
        operation = soap_body.children[0] if soap_body is not None and soap_body.children else None
        if operation is None:
            raise _SoapFault("the SOAP body is empty")
        ns = self.server.dictionary.services[service].soap_namespace
        entries = self.server.platform.entries
        # The namespace as the dictionary spells it, in any letter case: clients built on either
        # spelling of a namespace the evidence leaves open (cashmanagement / cashManagement) get
        # through; answers use the dictionary's.
        if operation.namespace.lower() != ns.lower() or (service, operation.local) not in entries:
            raise _SoapFault(
                f"no operation {{{operation.namespace}}}{operation.local} in {service}"
            )
        input_element = operation.children[0] if operation.children else None
        if input_element is None or input_element.local != "input":
            raise _SoapFault(f"{operation.local} has no input element")
        fn = entries[(service, operation.local)].fn
        fields = _from_xml(input_element, fn.request_fields, self.server.dictionary.list_items)
        return operation.local, fields, soap_ns

    def _soap_fault(self, message: str, soap_ns: str) -> None:
        envelope = (
            f'<?xml version="1.0" encoding="UTF-8"?><soap:Envelope xmlns:soap="{soap_ns}">'
            "<soap:Body><soap:Fault><faultcode>soap:Client</faultcode>"
            f"<faultstring>{escape(message)}</faultstring></soap:Fault></soap:Body></soap:Envelope>"
        )
        self._send(500, envelope.encode("utf-8"), "text/xml;charset=UTF-8")

    # ------------------------------------------------------------------ admin

    def _advance(self, query: str, body: bytes) -> None:
        days_text = parse_qs(query).get("days", [None])[0]
        if days_text is None and body.strip():
            try:
                decoded = json.loads(body)
                days_text = str(decoded.get("days", 1)) if isinstance(decoded, dict) else None
            except ValueError:
                days_text = None
        try:
            days = int(days_text or "1")
            changed = self.server.platform.advance_days(days)
        except ValueError as exc:
            self._json(400, {"error": str(exc)})
            return
        self._json(
            200, {"changed": changed, "today": self.server.platform.now().date().isoformat()}
        )

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


def _no_constant(name: str) -> Any:
    raise ValueError(f"{name} is not JSON")


def _public(transaction: Mapping[str, Any]) -> dict[str, Any]:
    """A transaction without its card number (masked) for the admin listing."""
    out = dict(transaction)
    card = dict(out.get("card") or {})
    pan = str(card.pop("pan", ""))
    card["maskedPan"] = pan[:4] + "#" * max(len(pan) - 6, 0) + pan[-2:] if pan else ""
    out["card"] = card
    return out


def _from_xml(
    parent: Node, rules: Mapping[str, FieldRule] | None, list_items: Mapping[str, str]
) -> dict[str, Any]:
    """The children of ``parent`` in the JSON shape, read with the dictionary's rules."""
    out: dict[str, Any] = {}
    for element in parent.children:
        rule = rules.get(element.local) if rules is not None else None
        out[element.local] = _value(element, rule, list_items)
    return out


def _value(element: Node, rule: FieldRule | None, list_items: Mapping[str, str]) -> Any:
    name = element.local
    kind = rule.kind if rule is not None else None
    children = element.children
    if kind in ("list", "container") and not children and element.text.strip():
        return element.text  # text where a structure is expected: the checks answer 30
    if kind == "list" or (kind is None and name in list_items):
        item_rule = rule.item if rule is not None else None
        item = item_rule.name if item_rule is not None else item_name(name, list_items)
        return [_value(child, item_rule, list_items) for child in children if child.local == item]
    if kind == "container" or (kind is None and children):
        return _from_xml(element, rule.children if rule is not None else None, list_items)
    if children:
        # Elements where text is expected: keep the structure, the checks answer 30.
        return _from_xml(element, None, list_items)
    return element.text
