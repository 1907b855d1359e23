# Copied by `python -m generator` from generator/runtime/testing/_server.py. Do not edit here: edit the original and regenerate.
"""The simulator's HTTP side: the Office Server's REST/JSON and SOAP endpoints on one port.

- ``POST /rs-services/v2/<service>/<function>``: a JSON object in, a JSON object out. Without
  ``Content-Type: application/json`` the answer is HTTP 415 with the platform's HTML page (JSON
  guide); a body that is not a JSON object gives HTTP 400; an unknown path HTTP 404.
- ``POST /services/v2/<service>``: SOAP 1.1 (or 1.2), ``<fn><input>…</input></fn>`` in the
  service's namespace, answered ``<fnResponse><output>…</output></fnResponse>``, lists as their
  ``xxxList`` wrapper of items. XML is parsed without DTDs, entities or network access (a body with
  a DOCTYPE is refused); an envelope that cannot be read or names no known operation gives a SOAP
  fault (HTTP 500, faultcode Client).
- ``GET /services/v2/<service>?wsdl`` and ``GET /services/v2/<service>.xsd``: the packaged WSDL
  (its address pointing at this simulator) and schema, so zeep or SoapUI can be pointed at it.
- ``GET /_simulator/health``, ``GET /_simulator/transactions``, ``POST /_simulator/advance-days``
  (``{"days": 1}``): for tests that run the simulator in another process.
"""

from __future__ import annotations

import json
import logging
import re
from collections.abc import Mapping
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, urlsplit
from xml.sax.saxutils import escape

from lxml import etree

from .. import _constants
from .._metadata import FieldRule
from ._behaviour import pa_res
from ._platform import Platform

logger = logging.getLogger("sogenactif.testing")

MAX_BODY_BYTES = 1_000_000
SOAP11 = "http://schemas.xmlsoap.org/soap/envelope/"
SOAP12 = "http://www.w3.org/2003/05/soap-envelope"
WSDL_DIR = Path(__file__).resolve().parent.parent / "wsdl"

_REST = re.compile(r"^/rs-services/v2/([A-Za-z0-9]+)/([A-Za-z0-9]+)/?$")
_SOAP = re.compile(r"^/services/v2/([A-Za-z0-9]+)/?$")
_XSD = re.compile(r"^/services/v2/([A-Za-z0-9]+)\.xsd$")
_ADDRESS = re.compile(r'(<soap:address location=")[^"]*(")')
_UNSAFE_XML = re.compile(rb"<!\s*(DOCTYPE|ENTITY)", re.IGNORECASE)
_ITEM_OF: dict[str, str] = dict(_constants.LIST_ITEMS)

PAGE_415 = b"""<!DOCTYPE HTML PUBLIC "-//IETF//DTD HTML 2.0//EN">
<html><head>
<title>415 Unsupported Media Type</title>
</head><body>
<h1>Unsupported Media Type</h1>
<p>The supplied request data is not in a format
acceptable for processing by this resource.</p>
</body></html>
"""

_PARSER = etree.XMLParser(
    resolve_entities=False,
    no_network=True,
    load_dtd=False,
    dtd_validation=False,
    huge_tree=False,
    remove_comments=True,
    remove_pis=True,
)


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

    def wsdl(self, service: str) -> bytes:
        cached = self._wsdl_cache.get(service)
        if cached is None:
            text = (WSDL_DIR / f"{service}.wsdl").read_text(encoding="utf-8")
            address = self.base_url + _constants.SOAP_PATH.format(service=service)
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
        if soap is not None and soap.group(1) in _constants.SERVICES:
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
        if soap is not None and soap.group(1) in _constants.SERVICES and query in ("wsdl", "wsd"):
            self._send(200, self.server.wsdl(soap.group(1)), "text/xml;charset=UTF-8")
            return
        xsd = _XSD.match(url.path)
        if xsd is not None and xsd.group(1) in _constants.SERVICES:
            body = (WSDL_DIR / f"{xsd.group(1)}.xsd").read_bytes()
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
                    f"POST {_constants.REST_PATH.format(service=service, function=function)}"
                )
            lines += [""] + [
                f"SOAP {_constants.SOAP_PATH.format(service=s)}?wsdl" for s in _constants.SERVICES
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
        ns = _constants.SOAP_NAMESPACE.format(service=service)
        envelope = etree.Element(f"{{{soap_ns}}}Envelope", nsmap={"soap": soap_ns})
        soap_body = etree.SubElement(envelope, f"{{{soap_ns}}}Body")
        wrapper = etree.SubElement(
            soap_body,
            f"{{{ns}}}{function}Response",
            nsmap={None: ns},  # type: ignore[dict-item]  # lxml-stubs: the default namespace
        )
        output = etree.SubElement(wrapper, f"{{{ns}}}output")
        _to_xml(output, ns, response)
        reply = etree.tostring(envelope, encoding="UTF-8", xml_declaration=True)
        media = "text/xml" if soap_ns == SOAP11 else "application/soap+xml"
        self._send(200, reply, f"{media};charset=UTF-8")

    def _soap_request(self, service: str, body: bytes) -> tuple[str, dict[str, Any], str]:
        if _UNSAFE_XML.search(body):
            raise _SoapFault("DTDs and entity declarations are not allowed")
        try:
            root = etree.fromstring(body, _PARSER)
        except etree.XMLSyntaxError as exc:
            raise _SoapFault(f"the request is not well-formed XML ({exc.msg})") from None
        soap_ns = etree.QName(root).namespace
        if etree.QName(root).localname != "Envelope" or soap_ns not in (SOAP11, SOAP12):
            raise _SoapFault("the request is not a SOAP envelope")
        assert soap_ns is not None
        soap_body = root.find(f"{{{soap_ns}}}Body")
        operation = _first_element(soap_body) if soap_body is not None else None
        if operation is None:
            raise _SoapFault("the SOAP body is empty")
        name = etree.QName(operation)
        ns = _constants.SOAP_NAMESPACE.format(service=service)
        if name.namespace != ns or (service, name.localname) not in self.server.platform.entries:
            raise _SoapFault(f"no operation {{{name.namespace}}}{name.localname} in {service}")
        input_element = _first_element(operation)
        if input_element is None or etree.QName(input_element).localname != "input":
            raise _SoapFault(f"{name.localname} has no input element")
        fn = self.server.platform.entries[(service, name.localname)].fn
        fields = _from_xml(input_element, fn.request_fields)
        return name.localname, fields, soap_ns

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


def _first_element(parent: Any) -> Any:
    for child in parent:
        if isinstance(child.tag, str):
            return child
    return None


def _elements(parent: Any) -> list[Any]:
    return [child for child in parent if isinstance(child.tag, str)]


def _from_xml(parent: Any, rules: Mapping[str, FieldRule] | None) -> dict[str, Any]:
    """The children of ``parent`` in the JSON shape, read with the dictionary's rules."""
    out: dict[str, Any] = {}
    for element in _elements(parent):
        name = etree.QName(element).localname
        rule = rules.get(name) if rules is not None else None
        out[name] = _value(element, name, rule)
    return out


def _value(element: Any, name: str, rule: FieldRule | None) -> Any:
    kind = rule.kind if rule is not None else None
    children = _elements(element)
    if kind in ("list", "container") and not children and (element.text or "").strip():
        return element.text  # text where a structure is expected: the checks answer 30
    if kind == "list" or (kind is None and name in _ITEM_OF):
        item_rule = rule.item if rule is not None else None
        item_name = _ITEM_OF.get(name, name[:-4] if name.endswith("List") else name)
        return [
            _value(child, item_name, item_rule)
            for child in children
            if etree.QName(child).localname == item_name
        ]
    if kind == "container" or (kind is None and children):
        return _from_xml(element, rule.children if rule is not None else None)
    if children:
        # Elements where text is expected: keep the structure, the checks answer 30.
        return _from_xml(element, None)
    return element.text or ""


def _to_xml(parent: Any, ns: str, fields: Mapping[str, Any]) -> None:
    for name, value in fields.items():
        element = etree.SubElement(parent, f"{{{ns}}}{name}")
        if isinstance(value, Mapping):
            _to_xml(element, ns, value)
        elif isinstance(value, list):
            item_name = _ITEM_OF.get(name, name[:-4] if name.endswith("List") else name)
            for item in value:
                child = etree.SubElement(element, f"{{{ns}}}{item_name}")
                if isinstance(item, Mapping):
                    _to_xml(child, ns, item)
                else:
                    child.text = _text(item)
        else:
            element.text = _text(value)


def _text(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)
