"""SOAP 1.1 document/literal messages of the Office Server, with the standard library alone.

Request: ``<fn><input>…</input></fn>`` in the service's namespace, the fields in the dictionary's
order (``FunctionSpec.element_order``, container members in their rules' order), each list as its
``xxxList`` wrapper of one element per item. This is the body the generated WSDL describes
(``sogenactif/wsdl/<service>.wsdl``), written directly: no WSDL is parsed at run time.

Reply: ``<fnResponse><output>…</output></fnResponse>`` read leniently, by local names: elements in
any order and any namespace, unknown ones kept (a newer platform's fields), so that the response
seal is verified over exactly what was received, in the JSON shape (lists as lists). A SOAP 1.1 or
1.2 fault is a :class:`~sogenactif.SoapFaultError`; a document with a DTD or entity declarations is
refused unread (:class:`~sogenactif.UnsafeXMLError`, no XXE).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import TYPE_CHECKING, Any

from ._errors import HTTPStatusError, ResponseDecodeError, SoapFaultError, UnsafeXMLError
from ._masked import Masked, sensitive_values
from ._xml import Node, UnsafeXML, XMLError, child, escape, local, namespace, parse, render, text

if TYPE_CHECKING:
    from ._http import HttpReply
    from ._metadata import FieldRule
    from ._transport import WireCall

SOAP11 = "http://schemas.xmlsoap.org/soap/envelope/"
SOAP12 = "http://www.w3.org/2003/05/soap-envelope"
_PREFIX = "ns0"
_ROOT = f'<soap-env:Envelope xmlns:soap-env="{SOAP11}"><soap-env:Body>'
_END = "</soap-env:Body></soap-env:Envelope>"


def item_name(list_name: str, list_items: Mapping[str, str]) -> str:
    """The element of one item of list ``list_name`` ("cardList" -> "card" unless the
    dictionary says otherwise)."""
    known = list_items.get(list_name)
    if known is not None:
        return known
    return list_name[:-4] if list_name.endswith("List") and len(list_name) > 4 else list_name


def _text(value: Any) -> str:
    if type(value) is str:
        return escape(value)
    if type(value) is Masked:  # card data, written where it goes on the wire
        return _text(value.reveal())
    if isinstance(value, bool):
        return "true" if value else "false"
    return escape(str(value))


def write_fields(
    parts: list[str],
    fields: Mapping[str, Any],
    prefix: str,
    order: Iterable[str],
    rules: Mapping[str, FieldRule] | None,
    list_items: Mapping[str, str],
) -> None:
    """Append the elements of ``fields`` to ``parts``: names in ``order`` first, in that order,
    then the others in the order given. Absent (None) values are left out."""
    append = parts.append
    for name, start, end in _listing(fields, order, prefix):
        value = fields[name]
        if type(value) is str:  # most values (performance, issue 16: tested first)
            if "&" in value or "<" in value or ">" in value:
                value = escape(value)
            append(f"{start}{value}{end}")
            continue
        if value is None:
            continue
        rule = rules.get(name) if rules is not None else None
        if type(value) is dict or isinstance(value, Mapping):  # type() first: no ABC check
            children = rule.children if rule is not None else None
            append(start)
            write_fields(parts, value, prefix, children or (), children, list_items)
            append(end)
        elif isinstance(value, (list, tuple)):
            item_rule = rule.item if rule is not None else None
            item = item_rule.name if item_rule is not None else item_name(name, list_items)
            item_tag = f"{prefix}:{item}" if prefix else item
            children = item_rule.children if item_rule is not None else None
            append(start)
            for entry in value:
                if entry is None:
                    continue
                if type(entry) is str:
                    append(f"<{item_tag}>{escape(entry)}</{item_tag}>")
                elif type(entry) is dict or isinstance(entry, Mapping):
                    append(f"<{item_tag}>")
                    write_fields(parts, entry, prefix, children or (), children, list_items)
                    append(f"</{item_tag}>")
                else:
                    append(f"<{item_tag}>{_text(entry)}</{item_tag}>")
            append(end)
        else:
            append(f"{start}{_text(value)}{end}")


# Per (order, names in the order given, prefix): the names in the order they are written, each
# with its start and end tags, worked out once (performance, issue 16: a cardOrder's order holds
# 55 names, its messages about 25).
_Listing = tuple[tuple[str, str, str], ...]
_LISTINGS: dict[tuple[int, tuple[Any, ...], str], tuple[Any, _Listing]] = {}


def _listing(fields: Mapping[str, Any], order: Iterable[str], prefix: str) -> _Listing:
    """The names of ``fields``: those in ``order`` first, in that order, then the others in the
    order given; each with its tags."""
    shape = tuple(fields)
    key = (id(order), shape, prefix)
    entry = _LISTINGS.get(key)
    if entry is not None and entry[0] is order:
        return entry[1]
    listed = [name for name in order if name in fields]
    if len(listed) != len(fields):
        known = set(listed)
        listed += [name for name in fields if name not in known]
    tags = ((name, f"{prefix}:{name}" if prefix else str(name)) for name in listed)
    names = tuple((name, f"<{tag}>", f"</{tag}>") for name, tag in tags)
    if type(order) is not list and len(_LISTINGS) < 4096:  # lists are made per call: not kept
        _LISTINGS[key] = (order, names)  # the order kept too: an id is unique only while it lives
    return names


def read_fields(node: Node, list_items: Mapping[str, str]) -> dict[str, Any]:
    """The children of ``node`` in the JSON shape: list wrappers as lists, elements with children
    as mappings, text as text; empty elements are absent; a name repeated without a wrapper
    becomes a list (nothing received is dropped)."""
    if not any(map(len, node)):
        # Performance (issue 16): leaves only (most answers): their texts by local name, when no
        # name is repeated; empty elements are absent.
        leaves = {element.tag.rpartition("}")[2]: element.text for element in node}
        if len(leaves) == len(node):
            if None in leaves.values() or "" in leaves.values():
                return {name: text for name, text in leaves.items() if text}
            return leaves
    out: dict[str, Any] = {}
    for element in node:
        value = _read_value(element, list_items)
        if value is None:
            continue
        name = element.tag.rpartition("}")[2]
        if name in out:
            previous = out[name]
            out[name] = [*previous, value] if isinstance(previous, list) else [previous, value]
        else:
            out[name] = value
    return out


def _read_value(node: Node, list_items: Mapping[str, str]) -> Any:
    if not len(node):  # most elements: text
        return node.text or None
    name = node.tag.rpartition("}")[2]
    item = list_items.get(name)
    if item is None and name.endswith("List"):
        # A list the dictionary does not know yet: a wrapper of elements of one name.
        first = local(node[0])
        item = first if all(local(c) == first for c in node) else None
    if item is not None:
        items = [c for c in node if local(c) == item]
        if items:
            return [read_fields(c, list_items) if len(c) else c.text or "" for c in items]
    return read_fields(node, list_items) or None


class SoapCodec:
    """A :class:`~sogenactif_core._transport.WireCall` as a SOAP request, and the reply back."""

    protocol = "soap"
    headers: Mapping[str, str] = {"Content-Type": "text/xml; charset=utf-8", "SOAPAction": '""'}

    def __init__(
        self,
        soap_path: str,
        namespaces: Mapping[str, str],
        list_items: Mapping[str, str],
        paths: Mapping[str, str] | None = None,
    ) -> None:
        self.soap_path = soap_path
        self.namespaces = dict(namespaces)  # service -> namespace
        self.paths = dict(paths or {})  # service -> endpoint path, where not soap_path's
        self.list_items = list_items

    def path(self, call: WireCall) -> str:
        return self.paths.get(call.service) or self.soap_path.format(service=call.service)

    def encode(self, call: WireCall) -> bytes:
        ns = self.namespaces[call.service]
        spec = call.spec
        order = spec.element_order if spec is not None else ()
        rules = spec.request_fields if spec is not None else None
        tag = f"{_PREFIX}:{call.function}"
        parts = [
            "<?xml version='1.0' encoding='utf-8'?>\n",
            _ROOT,
            f'<{tag} xmlns:{_PREFIX}="{escape(ns)}"><{_PREFIX}:input>',
        ]
        write_fields(parts, call.wire_fields, _PREFIX, order, rules, self.list_items)
        parts.append(f"</{_PREFIX}:input></{tag}>{_END}")
        return "".join(parts).encode("utf-8")

    def decode(self, call: WireCall, reply: HttpReply) -> dict[str, Any]:
        """The reply's ``output`` in the JSON shape, or a typed error."""
        status = reply.status_code
        # SOAP 1.1 carries faults with HTTP 500; any other status is an HTTP error.
        if status not in (200, 500) or (
            status == 500 and b"Envelope" not in reply.body.reveal()[:4096]
        ):
            raise _status_error(call, reply)
        problem = ""
        unsafe = False
        try:
            root = parse(reply.body.reveal())
        except UnsafeXML:
            unsafe = True
        except XMLError as exc:
            problem = str(exc)
        if unsafe:
            raise UnsafeXMLError(
                f"{call.function}: the SOAP response carries a DTD or entity declarations; "
                "refused unread (XML entities are never resolved). The transaction status is "
                "unknown."
            )
        if problem:
            raise _unreadable(call, f"{problem}, {len(reply.body.reveal())} bytes")
        envelope_ns = namespace(root)
        if local(root) != "Envelope" or envelope_ns not in (SOAP11, SOAP12):
            raise _unreadable(call, "not a SOAP envelope")
        soap_body = child(root, "Body")
        content = soap_body[0] if soap_body is not None and len(soap_body) else None
        if content is None:
            raise _unreadable(call, "an empty SOAP body")
        if local(content) == "Fault" and namespace(content) == envelope_ns:
            raise _fault(call, content)
        if status != 200:
            raise _status_error(call, reply)
        if local(content) != f"{call.function}Response":
            raise _unreadable(call, f"an unexpected element {local(content)!r}")
        output = child(content, "output")
        if output is None:
            raise ResponseDecodeError(
                f"{call.function}: the SOAP response has no output element. The transaction "
                "status is unknown."
            )
        return read_fields(output, self.list_items)


def _status_error(call: WireCall, reply: HttpReply) -> HTTPStatusError:
    return HTTPStatusError(
        f"{call.function}: HTTP {reply.status_code} from the SOAP endpoint"
        f" [{reply.content_type or 'no content type'}].",
        status_code=reply.status_code,
        content_type=reply.content_type,
    )


def _unreadable(call: WireCall, what: str) -> ResponseDecodeError:
    return ResponseDecodeError(
        f"{call.function}: the SOAP response could not be read ({what}). The transaction "
        "status is unknown."
    )


def _fault(call: WireCall, fault: Node) -> SoapFaultError:
    """A SOAP 1.1 (faultcode, faultstring, detail) or 1.2 (Code, Reason, Detail) fault."""
    code_node = child(fault, "faultcode")
    if code_node is not None:
        string_node = child(fault, "faultstring")
        code = text(code_node).strip()
        message = text(string_node).strip() if string_node is not None else ""
        detail_node = child(fault, "detail")
    else:
        value = child(fault, "Code")
        value = child(value, "Value") if value is not None else None
        code = text(value).strip() if value is not None else ""
        reason = child(fault, "Reason")
        reason_text = child(reason, "Text") if reason is not None else None
        message = text(reason_text).strip() if reason_text is not None else ""
        detail_node = child(fault, "Detail")
    detail = "".join(render(c) for c in detail_node) if detail_node is not None else ""
    if detail_node is not None and not detail:
        detail = text(detail_node).strip()
    return SoapFaultError(
        f"{call.function}: SOAP fault {code}: {message[:200]}",
        code=code,
        detail=detail[:2000],
        known=sensitive_values(call.wire_fields),
    )
