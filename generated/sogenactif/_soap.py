# Copied by `python -m generator` from generator/runtime/_soap.py. Do not edit here: edit the original and regenerate.
"""SOAP transport: zeep over the WSDL and XSD the generator wrote into this package.

- The WSDL of a service is parsed once per process (whatever the number of clients) and never
  fetched from the network; the endpoint is ``<base>/services/v2/<service>``.
- zeep builds the body (``<fn><input>…</input></fn>``, lists as ``xxxList`` wrappers) and reads the
  reply (``<fnResponse><output>…</output></fnResponse>``); the HTTP exchange goes through the same
  code as REST (pooled session, timeouts, size limit, typed faults).
- XML with a DTD or entities is refused (no XXE, no billion laughs).
- The reply is turned back into the JSON shape (lists as lists), keeping unknown elements, so the
  seal is verified and the model built exactly as for REST.

Speed: zeep's own serialisation and parsing cost milliseconds per call (its generic value
objects), several times the HTTP exchange. So the usual messages take fast paths worked out once
per function from zeep's parsed schema (``_Shape``): the request tree is built with lxml in the
XSD's order (the same bytes as zeep's), and the reply is read with lxml by the rules zeep applies
(each element taken by the first remaining member of the sequence it matches, the rest kept as
``xsd:any``). Anything the fast paths do not handle exactly (a fault, a SOAP header, attributes, an
empty container, a value that is not text …) goes through zeep as before, so results and errors
stay zeep's; tests compare both paths.
"""

from __future__ import annotations

import threading
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import requests
import zeep
import zeep.exceptions
import zeep.helpers
from lxml import etree
from zeep.transports import Transport as _ZeepTransport

from ._constants import LIST_ITEMS
from ._errors import HTTPStatusError, ResponseDecodeError, SoapFaultError, UnsafeXMLError
from ._http import DEFAULT_MAX_RESPONSE_BYTES, Timeouts, new_session, post
from ._transport import WireCall

_WSDL_DIR = Path(__file__).resolve().parent / "wsdl"
_SETTINGS = zeep.Settings(
    strict=True,
    forbid_dtd=True,
    forbid_entities=True,
    forbid_external=True,
    xml_huge_tree=False,
)
_HEADERS = {"Content-Type": "text/xml; charset=utf-8", "SOAPAction": '""'}
_ITEM_OF = dict(LIST_ITEMS)


class _PackageFilesOnly(_ZeepTransport):
    """zeep's loader, allowed to read this package's WSDL/XSD files and nothing else."""

    def load(self, url: str) -> bytes:
        path = Path(url[7:] if url.startswith("file://") else url).resolve()
        if _WSDL_DIR not in path.parents:
            raise zeep.exceptions.Error(  # type: ignore[no-untyped-call]
                f"refusing to load {url}: only the packaged WSDL is used"
            )
        return path.read_bytes()


_clients: dict[str, zeep.Client] = {}
_clients_lock = threading.Lock()


def zeep_client(service: str) -> zeep.Client:
    """The parsed WSDL of ``service``: built once per process, shared by every client."""
    client = _clients.get(service)
    if client is None:
        with _clients_lock:
            client = _clients.get(service)
            if client is None:
                wsdl = _WSDL_DIR / f"{service}.wsdl"
                client = zeep.Client(  # type: ignore[no-untyped-call]
                    str(wsdl),
                    transport=_PackageFilesOnly(),  # type: ignore[no-untyped-call]
                    settings=_SETTINGS,
                )
                _clients[service] = client
    return client


class _Reply:
    """What zeep's ``process_reply`` reads from a response."""

    def __init__(self, status_code: int, content: bytes, content_type: str) -> None:
        self.status_code = status_code
        self.content = content
        self.headers = {"Content-Type": content_type or "text/xml"}
        self.encoding = None


class SoapTransport:
    protocol = "soap"

    def __init__(
        self,
        base_url: str,
        soap_path: str,
        timeouts: Timeouts,
        *,
        session: requests.Session | None = None,
        max_response_bytes: int = DEFAULT_MAX_RESPONSE_BYTES,
    ) -> None:
        self.base_url = base_url.rstrip("/")
        self.soap_path = soap_path
        self.timeouts = timeouts
        self.max_response_bytes = max_response_bytes
        self._own_session = session is None
        self.session = session if session is not None else new_session()

    def url(self, service: str) -> str:
        return self.base_url + self.soap_path.format(service=service)

    def envelope(self, call: WireCall) -> bytes:
        """The SOAP request for ``call``, as zeep serialises it from the packaged WSDL."""
        fast = fast_envelope(call)
        if fast is not None:
            return fast
        return self.zeep_envelope(call)

    def zeep_envelope(self, call: WireCall) -> bytes:
        """The SOAP request for ``call``, serialised by zeep itself (the reference)."""
        client = zeep_client(call.service)
        message = client.create_message(  # type: ignore[no-untyped-call]
            client.service, call.function, input=to_soap_shape(call.fields)
        )
        return etree.tostring(message, encoding="utf-8", xml_declaration=True)

    def send(self, call: WireCall) -> dict[str, Any]:
        body = self.envelope(call)
        url = self.url(call.service)
        reply = post(self.session, url, body, _HEADERS, self.timeouts, self.max_response_bytes)
        # SOAP 1.1 carries faults with HTTP 500; anything else that is not 200 is an HTTP error.
        if reply.status_code not in (200, 500) or (
            reply.status_code == 500 and b"Envelope" not in reply.body[:4096]
        ):
            raise HTTPStatusError(
                f"{call.function}: HTTP {reply.status_code} from the SOAP endpoint"
                f" [{reply.content_type or 'no content type'}].",
                status_code=reply.status_code,
                content_type=reply.content_type,
            )
        return self.decode(call, reply.status_code, reply.body, reply.content_type)

    def decode(
        self, call: WireCall, status_code: int, body: bytes, content_type: str = "text/xml"
    ) -> dict[str, Any]:
        """The reply's ``output`` in the JSON shape, or a typed error."""
        # Issue 6 (no XXE): a DTD is refused before any parser sees it, so that entity bombs and
        # external entities get the same typed error whatever the parser does with them.
        if b"<!DOCTYPE" in body or b"<!ENTITY" in body:
            raise UnsafeXMLError(
                f"{call.function}: the SOAP response carries a DTD; refused unparsed (XML "
                "entities are never resolved). The transaction status is unknown."
            )
        if status_code == 200 and "multipart" not in content_type:
            fast = fast_decode(call, body)
            if fast is not None:
                return fast
        return self.zeep_decode(call, status_code, body, content_type)

    def zeep_decode(
        self, call: WireCall, status_code: int, body: bytes, content_type: str = "text/xml"
    ) -> dict[str, Any]:
        """:meth:`decode` by zeep itself: the reference, and the path of every unusual reply."""
        client = zeep_client(call.service)
        binding = client.service._binding
        try:
            result = binding.process_reply(
                client, binding.get(call.function), _Reply(status_code, body, content_type)
            )
        except zeep.exceptions.Fault as fault:
            raise SoapFaultError(
                f"{call.function}: SOAP fault {fault.code or ''}: {(fault.message or '')[:200]}",
                code=str(fault.code or ""),
                detail=etree.tostring(fault.detail, encoding="unicode")[:2000]
                if fault.detail is not None
                else "",
            ) from None
        except (zeep.exceptions.DTDForbidden, zeep.exceptions.EntitiesForbidden) as exc:
            raise UnsafeXMLError(
                f"{call.function}: the SOAP response carries a {type(exc).__name__[:-9]}; refused "
                "unparsed (XML external entities are never resolved). The transaction status "
                "is unknown."
            ) from None
        except (zeep.exceptions.Error, etree.XMLSyntaxError, ValueError) as exc:
            raise ResponseDecodeError(
                f"{call.function}: the SOAP response could not be read ({type(exc).__name__}, "
                f"{len(body)} bytes). The transaction status is unknown."
            ) from None
        output = getattr(result, "output", result) if not isinstance(result, dict) else result
        if output is None:
            raise ResponseDecodeError(
                f"{call.function}: the SOAP response has no output element. The transaction "
                "status is unknown."
            )
        decoded: dict[str, Any] = from_soap_shape(
            zeep.helpers.serialize_object(output, dict)  # type: ignore[no-untyped-call]
        )
        return decoded

    def close(self) -> None:
        if self._own_session:
            self.session.close()


def to_soap_shape(fields: Mapping[str, Any]) -> dict[str, Any]:
    """JSON shape -> zeep input: every list becomes its ``xxxList`` wrapper of items."""
    out: dict[str, Any] = {}
    for name, value in fields.items():
        if isinstance(value, list):
            item = _ITEM_OF.get(name, name[:-4] if name.endswith("List") else name)
            out[name] = {item: [to_soap_shape(v) if isinstance(v, Mapping) else v for v in value]}
        elif isinstance(value, Mapping):
            out[name] = to_soap_shape(value)
        else:
            out[name] = value
    return out


def from_soap_shape(value: Any) -> Any:
    """zeep output -> JSON shape: wrappers become lists, absent elements disappear, and elements
    zeep did not place (unknown, or out of the XSD's order: zeep hands them over raw, as the
    ``xsd:any`` value ``_value_1``) are kept under their own names."""
    if isinstance(value, Mapping):
        out: dict[str, Any] = {}
        for name, item in value.items():
            if _is_raw(item):
                for element in item if isinstance(item, list) else [item]:
                    local = etree.QName(element).localname
                    out[local] = _element_value(local, element)
                continue
            if item is None:
                continue
            if name in _ITEM_OF and isinstance(item, Mapping):
                items = item.get(_ITEM_OF[name]) or []
                out[name] = [from_soap_shape(v) for v in items]
            else:
                out[name] = from_soap_shape(item)
        return out
    if isinstance(value, list):
        return [from_soap_shape(v) for v in value]
    return value


def _is_raw(item: Any) -> bool:
    if isinstance(item, list):
        return bool(item) and all(isinstance(e, etree._Element) for e in item)
    return isinstance(item, etree._Element)


def _element_value(name: str, element: Any) -> Any:
    """A raw element as text, as a mapping of its children, or as a list for a list wrapper."""
    children = [child for child in element if isinstance(child.tag, str)]
    if name in _ITEM_OF:
        item = _ITEM_OF[name]
        return [
            _element_value(item, child)
            for child in children
            if etree.QName(child).localname == item
        ]
    if not children:
        return element.text or ""
    out: dict[str, Any] = {}
    for child in children:
        local = etree.QName(child).localname
        out[local] = _element_value(local, child)
    return out


# --------------------------------------------------------------------------- fast paths

_SOAP_ENV = "http://schemas.xmlsoap.org/soap/envelope/"
_ENVELOPE_TAG = f"{{{_SOAP_ENV}}}Envelope"
_BODY_TAG = f"{{{_SOAP_ENV}}}Body"
_SIMPLE, _COMPLEX, _LIST, _OTHER = 0, 1, 2, 3


class _Member:
    """One element of a complex type's sequence."""

    __slots__ = (
        "close",
        "index",
        "item_close",
        "item_kind",
        "item_open",
        "item_shape",
        "item_tag",
        "kind",
        "local",
        "ns",
        "open",
        "tag",
    )

    def __init__(self, index: int, local: str, ns: str) -> None:
        self.index = index
        self.local = local
        self.ns = ns
        self.tag = f"{{{ns}}}{local}" if ns else local
        self.kind = _OTHER
        self.item_tag = ""  # _LIST: the item element, its kind and shape
        self.item_kind = _OTHER
        self.item_shape: _Shape | None = None  # _COMPLEX: the members; _LIST: the item's
        # The tags as text, with the prefix zeep writes ("" when the member's namespace is not
        # the operation's: then the text writer hands over to the lxml one).
        self.open = self.close = self.item_open = self.item_close = ""


class _Shape:
    """A complex type as the fast paths use it: its members in sequence order, by local name."""

    __slots__ = ("by_name", "has_any", "members", "ns", "required")

    def __init__(self) -> None:
        self.members: list[_Member] = []
        self.by_name: dict[str, _Member] = {}
        self.required: frozenset[str] = frozenset()
        self.has_any = False
        self.ns = ""


def _shape_of(xsd_type: Any, memo: dict[int, tuple[Any, _Shape | None]]) -> _Shape | None:
    """The shape of a zeep complex type, or None when it uses what the fast paths do not handle
    (attributes, choices, nested groups, repeated members, an ``xsd:any`` that is not last).
    ``memo`` holds the types too: an id is only unique while its object lives."""
    if id(xsd_type) in memo:
        return memo[id(xsd_type)][1]
    from zeep.xsd import Any as XsdAny
    from zeep.xsd import Element
    from zeep.xsd.types.builtins import String

    memo[id(xsd_type)] = (xsd_type, None)  # a type that contains itself is left to zeep
    if getattr(xsd_type, "attributes", None) or not hasattr(xsd_type, "elements"):
        return None
    shape = _Shape()
    required: set[str] = set()
    elements = list(xsd_type.elements)
    namespaces: set[str] = set()
    for position, (name, element) in enumerate(elements):
        if isinstance(element, XsdAny):
            if position != len(elements) - 1 or element.max_occurs != "unbounded":
                return None
            shape.has_any = True
            continue
        if not isinstance(element, Element) or element.max_occurs != 1 or name != element.name:
            return None
        qname = etree.QName(element.qname)
        member = _Member(position, qname.localname, qname.namespace or "")
        namespaces.add(member.ns)
        element_type = element.type
        item = _ITEM_OF.get(member.local)
        if type(element_type) is String:
            member.kind = _SIMPLE
        elif item is not None:
            # A list wrapper (see to_soap_shape / from_soap_shape): one item element, repeated.
            inner = list(getattr(element_type, "elements", ()))
            if (
                len(inner) == 1
                and isinstance(inner[0][1], Element)
                and inner[0][1].max_occurs == "unbounded"
                and etree.QName(inner[0][1].qname).localname == item
                and not getattr(element_type, "attributes", None)
            ):
                item_element = inner[0][1]
                member.item_tag = etree.QName(item_element.qname).text
                if type(item_element.type) is String:
                    member.kind, member.item_kind = _LIST, _SIMPLE
                else:
                    member.item_shape = _shape_of(item_element.type, memo)
                    if member.item_shape is not None:
                        member.kind, member.item_kind = _LIST, _COMPLEX
        else:
            member.item_shape = _shape_of(element_type, memo)
            if member.item_shape is not None:
                member.kind = _COMPLEX
        if element.min_occurs:
            required.add(member.local)
        shape.members.append(member)
        shape.by_name[member.local] = member
    if len(namespaces) > 1 or len(shape.by_name) != len(shape.members):
        return None
    shape.ns = namespaces.pop() if namespaces else ""
    shape.required = frozenset(required)
    memo[id(xsd_type)] = (xsd_type, shape)
    return shape


class _Operation:
    """What the fast paths need to know of one function, worked out once per process from zeep's
    parsed WSDL."""

    def __init__(self, service: str, function: str) -> None:
        from zeep.xsd import Element

        client = zeep_client(service)
        operation = client.service._binding.get(function)
        memo: dict[int, tuple[Any, _Shape | None]] = {}
        self.request_tag = self.input_tag = self.reply_tag = self.output_tag = ""
        self.output_local = ""
        self.input: _Shape | None = None
        self.output: _Shape | None = None
        self.ns = ""
        # document/literal: the body holds <fn> (its one part), which holds <input>.
        request_element, reply_element = operation.input.body, operation.output.body
        if not isinstance(request_element, Element) or not isinstance(reply_element, Element):
            return
        self.ns = etree.QName(request_element.qname).namespace or ""
        self.request_tag = etree.QName(request_element.qname).text
        self.reply_tag = etree.QName(reply_element.qname).text
        for wrapper, role in ((request_element, "input"), (reply_element, "output")):
            inner = list(getattr(wrapper.type, "elements", ()))
            if len(inner) != 1 or not isinstance(inner[0][1], Element):
                continue
            element = inner[0][1]
            if element.max_occurs != 1 or getattr(wrapper.type, "attributes", None):
                continue
            tag = etree.QName(element.qname).text
            if role == "input":
                self.input_tag, self.input = tag, _shape_of(element.type, memo)
            else:
                self.output_tag, self.output = tag, _shape_of(element.type, memo)
                self.output_local = etree.QName(element.qname).localname
        # The prefix zeep gives the service's namespace (it writes xmlns:ns0="urn:…").
        prefixes = client.wsdl.types.prefix_map
        self.prefix = next((p for p, uri in prefixes.items() if uri == self.ns), "ns0")
        self.head = self.tail = b""
        if self.input is not None:
            _text_tags(self.input, self.prefix, self.ns, set())
            # The text writer's frame: lxml's own rendering of the envelope around a marker.
            marker = "FASTPATHMARKER"
            skeleton = _skeleton(self)
            skeleton[1].text = marker
            rendered = etree.tostring(skeleton[0], encoding="utf-8", xml_declaration=True)
            head, found, tail = rendered.partition(marker.encode("ascii"))
            if found:
                self.head, self.tail = head, tail


def _text_tags(shape: _Shape, prefix: str, ns: str, done: set[int]) -> None:
    if id(shape) in done:
        return
    done.add(id(shape))
    for member in shape.members:
        if member.ns == ns:
            member.open, member.close = f"<{prefix}:{member.local}>", f"</{prefix}:{member.local}>"
            item = member.item_tag.rpartition("}")[2]
            if member.item_tag == f"{{{ns}}}{item}":
                member.item_open, member.item_close = f"<{prefix}:{item}>", f"</{prefix}:{item}>"
        if member.item_shape is not None:
            _text_tags(member.item_shape, prefix, ns, done)


def _skeleton(op: _Operation) -> tuple[Any, Any]:
    """``<soap-env:Envelope><soap-env:Body><ns0:fn><ns0:input>`` as zeep builds it.

    Returns the root and the input element."""
    root = etree.Element(_ENVELOPE_TAG, nsmap={"soap-env": _SOAP_ENV})
    body = etree.SubElement(root, _BODY_TAG)
    wrapper = etree.SubElement(body, op.request_tag, nsmap={op.prefix: op.ns})
    return root, etree.SubElement(wrapper, op.input_tag)


_operations: dict[tuple[str, str], _Operation | None] = {}
_operations_lock = threading.Lock()


def _operation(service: str, function: str) -> _Operation | None:
    key = (service, function)
    if key in _operations:
        return _operations[key]
    with _operations_lock:
        if key not in _operations:
            try:
                _operations[key] = _Operation(service, function)
            except Exception:  # a WSDL the fast paths do not understand: zeep does it all
                _operations[key] = None
        return _operations[key]


class _Fallback(Exception):
    """The fast path cannot do this one exactly as zeep would: zeep does it."""


def fast_envelope(call: WireCall) -> bytes | None:
    """The request zeep would write for ``call`` (the same bytes), or None to let zeep write it.

    Plain printable ASCII text (nearly every request) is written as text, escaped as lxml escapes
    it; anything else is built as an lxml tree and serialised by lxml, as zeep does."""
    op = _operation(call.service, call.function)
    if op is None or op.input is None:
        return None
    if op.head and call.fields:
        parts: list[str] = []
        try:
            _write(parts, call.fields, op.input)
        except _Fallback:
            pass
        else:
            return op.head + "".join(parts).encode("ascii") + op.tail
    root, target = _skeleton(op)
    try:
        _render(target, call.fields, op.input)
    except (_Fallback, ValueError, TypeError):
        return None
    return etree.tostring(root, encoding="utf-8", xml_declaration=True)


def _write(parts: list[str], fields: Mapping[str, Any], shape: _Shape) -> None:
    """:func:`_render` as text, for values of printable ASCII only."""
    by_name = shape.by_name
    for name in fields:
        if name not in by_name:
            raise _Fallback(name)
    append = parts.append
    for member in shape.members:
        value = fields.get(member.local)
        if value is None:
            if member.local in shape.required:
                raise _Fallback(member.local)
            continue
        if not member.open:
            raise _Fallback(member.local)
        kind = member.kind
        if kind == _SIMPLE and type(value) is str:
            append(member.open)
            append(_text(value))
            append(member.close)
        elif kind == _COMPLEX and type(value) is dict and value:
            assert member.item_shape is not None
            append(member.open)
            _write(parts, value, member.item_shape)
            append(member.close)
        elif kind == _LIST and type(value) is list and value and member.item_open:
            append(member.open)
            for item in value:
                if member.item_kind == _SIMPLE and type(item) is str:
                    append(member.item_open)
                    append(_text(item))
                    append(member.item_close)
                elif member.item_kind == _COMPLEX and type(item) is dict and item:
                    assert member.item_shape is not None
                    append(member.item_open)
                    _write(parts, item, member.item_shape)
                    append(member.item_close)
                else:
                    raise _Fallback(member.local)
            append(member.close)
        else:
            raise _Fallback(member.local)


def _text(value: str) -> str:
    """Printable ASCII text escaped as lxml escapes element text; anything else: lxml."""
    if not (value.isascii() and value.isprintable()):
        raise _Fallback("text lxml should write")
    if "&" in value:
        value = value.replace("&", "&amp;")
    if "<" in value:
        value = value.replace("<", "&lt;")
    if ">" in value:
        value = value.replace(">", "&gt;")
    return value


def _render(parent: Any, fields: Mapping[str, Any], shape: _Shape) -> None:
    by_name = shape.by_name
    for name in fields:
        if name not in by_name:
            raise _Fallback(name)  # zeep refuses unknown names
    sub = etree.SubElement
    for member in shape.members:
        value = fields.get(member.local)
        if value is None:
            if member.local in shape.required:
                raise _Fallback(member.local)
            continue
        kind = member.kind
        if kind == _SIMPLE and type(value) is str:
            sub(parent, member.tag).text = value
        elif kind == _COMPLEX and type(value) is dict and value:
            assert member.item_shape is not None
            _render(sub(parent, member.tag), value, member.item_shape)
        elif kind == _LIST and type(value) is list and value:
            wrapper = sub(parent, member.tag)
            for item in value:
                if member.item_kind == _SIMPLE and type(item) is str:
                    sub(wrapper, member.item_tag).text = item
                elif member.item_kind == _COMPLEX and type(item) is dict and item:
                    assert member.item_shape is not None
                    _render(sub(wrapper, member.item_tag), item, member.item_shape)
                else:
                    raise _Fallback(member.local)
        else:
            raise _Fallback(member.local)


_parsers = threading.local()


def _parser() -> Any:
    """An lxml parser like zeep's (comments dropped, no entities, no network, no huge trees);
    one per thread: lxml parsers must not be shared between threads."""
    parser = getattr(_parsers, "parser", None)
    if parser is None:
        parser = etree.XMLParser(
            remove_comments=True,
            resolve_entities=False,
            no_network=True,
            load_dtd=False,
            huge_tree=False,
        )
        _parsers.parser = parser
    return parser


def fast_decode(call: WireCall, body: bytes) -> dict[str, Any] | None:
    """What :meth:`SoapTransport.zeep_decode` gives for a plain reply, or None to let zeep read
    it (faults, headers, DTDs, attributes, empty containers, anything unusual)."""
    op = _operation(call.service, call.function)
    if op is None or op.output is None:
        return None
    try:
        root = etree.fromstring(body, _parser())
    except (etree.XMLSyntaxError, ValueError):
        return None  # zeep says what is wrong with it
    if root.tag != _ENVELOPE_TAG or root.getroottree().docinfo.doctype:
        return None
    parts = list(root)
    if len(parts) != 1 or parts[0].tag != _BODY_TAG:
        return None  # a SOAP header, or something else: zeep
    replies = list(parts[0])
    if len(replies) != 1 or replies[0].tag != op.reply_tag or replies[0].attrib:
        return None  # a fault, or not the expected reply
    outputs = list(replies[0])
    output = outputs[0] if len(outputs) == 1 else None
    if output is None or output.attrib or output.tag not in (op.output_tag, op.output_local):
        return None  # (zeep also takes an unqualified <output>)
    if not len(output):
        return None  # zeep reads an empty output as no output at all
    try:
        return _decode(output, op.output)
    except _Fallback:
        return None


def _decode(element: Any, shape: _Shape) -> dict[str, Any]:
    """zeep's reading of a sequence: each child is taken by the first remaining member it matches
    (same local name, and the same namespace when both have one); from the first child that no
    remaining member takes, the children are ``xsd:any``, kept raw and read by
    :func:`_element_value`, as :func:`from_soap_shape` does."""
    out: dict[str, Any] = {}
    by_name = shape.by_name
    position = 0
    extras: list[Any] = []
    for child in element:
        tag = child.tag
        if type(tag) is not str:
            raise _Fallback("not an element")
        if extras:
            extras.append(child)
            continue
        if tag[0] == "{":
            ns, _, local = tag[1:].partition("}")
        else:
            ns, local = "", tag
        member = by_name.get(local)
        if member is None or member.index < position or (ns and member.ns and ns != member.ns):
            extras.append(child)  # zeep's sequence stops here
            continue
        position = member.index + 1  # members skipped on the way are absent
        if child.attrib:
            raise _Fallback("attributes")
        kind = member.kind
        if kind == _SIMPLE:
            if len(child):
                raise _Fallback("children in a simple element")
            text = child.text
            if text is not None:  # an empty element is absent, as with zeep
                out[local] = text
        elif kind == _COMPLEX and len(child):
            assert member.item_shape is not None
            out[local] = _decode(child, member.item_shape)
        elif kind == _LIST and len(child):
            values: list[Any] = []
            for item in child:
                if item.tag != member.item_tag or item.attrib:
                    raise _Fallback("not an item")
                if member.item_kind == _SIMPLE and not len(item):
                    values.append(item.text)
                elif member.item_kind == _COMPLEX and len(item):
                    assert member.item_shape is not None
                    values.append(_decode(item, member.item_shape))
                else:
                    raise _Fallback("item")
            out[local] = values
        else:
            raise _Fallback("empty container or list, or an unknown kind")
    if extras:
        if not shape.has_any:
            raise _Fallback("unexpected elements")
        for child in extras:
            qname = etree.QName(child)
            if child.attrib or qname.namespace not in (None, shape.ns):
                raise _Fallback("an extra element zeep might read otherwise")
            out[qname.localname] = _element_value(qname.localname, child)
    return out
