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
