"""The SOAP fast paths (lxml, compiled once per function from zeep's parsed schema) give exactly
what zeep gives: the same request bytes, the same decoded reply; and whatever they do not handle
exactly they hand back to zeep (``None``), so zeep's results and errors stand."""

from __future__ import annotations

import importlib
import pkgutil
from typing import Any
from xml.sax.saxutils import escape

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import sogenactif.services
from sogenactif import _soap
from sogenactif._http import Timeouts
from sogenactif._metadata import FunctionSpec
from sogenactif._transport import WireCall

SOAP_ENV = "http://schemas.xmlsoap.org/soap/envelope/"
TRANSPORT = _soap.SoapTransport("http://127.0.0.1:9", "/services/v2/{service}", Timeouts(1, 1))


def _functions() -> list[tuple[str, str]]:
    found = []
    for info in pkgutil.iter_modules(sogenactif.services.__path__):
        module = importlib.import_module(f"sogenactif.services.{info.name}")
        for value in vars(module).values():
            if isinstance(value, FunctionSpec):
                found.append((value.service, value.name))
    return sorted(set(found))


FUNCTIONS = _functions()


def _operation(service: str, function: str) -> Any:
    op = _soap._operation(service, function)
    assert op is not None and op.input is not None and op.output is not None, function
    return op


def test_every_function_has_fast_paths() -> None:
    assert FUNCTIONS
    for service, function in FUNCTIONS:
        _operation(service, function)


# --------------------------------------------------------------------------- requests

texts = st.one_of(
    st.sampled_from(["", "0", "978", "AUTHOR_CAPTURE", "a&b<c>d\"e'f", " padded ", "é€漢字"]),
    st.text(max_size=12),
)


def _value_for(member: Any, draw: Any, depth: int) -> Any:
    if member.kind == _soap._SIMPLE:
        return draw(texts)
    if member.kind == _soap._COMPLEX and depth < 3:
        return _fields_for(member.item_shape, draw, depth + 1, required_only=False)
    if member.kind == _soap._LIST and depth < 3:
        size = draw(st.sampled_from([1, 1, 2, 3, 0]))
        if member.item_kind == _soap._SIMPLE:
            return [draw(texts) for _ in range(size)]
        return [
            _fields_for(member.item_shape, draw, depth + 1, required_only=False)
            for _ in range(size)
        ]
    return draw(texts)


def _fields_for(shape: Any, draw: Any, depth: int, required_only: bool) -> dict[str, Any]:
    fields: dict[str, Any] = {}
    for member in shape.members:
        if member.local in shape.required or (not required_only and draw(st.integers(0, 3)) == 0):
            fields[member.local] = _value_for(member, draw, depth)
    if draw(st.integers(0, 30)) == 0:
        fields["notAField"] = "x"  # zeep refuses it: so must the fast path
    keys = list(fields)
    order = draw(st.permutations(keys))
    return {k: fields[k] for k in order}


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.sampled_from(FUNCTIONS), st.data())
def test_request_bytes_are_zeeps(function: tuple[str, str], data: st.DataObject) -> None:
    service, name = function
    op = _operation(service, name)
    fields = _fields_for(op.input, data.draw, 0, required_only=False)
    call = WireCall(service=service, function=name, fields=fields)
    fast = _soap.fast_envelope(call)
    try:
        reference = TRANSPORT.zeep_envelope(call)
    except Exception as exc:  # zeep refuses it: the fast path must have left it to zeep
        assert fast is None, (fields, exc)
        return
    if fast is not None:
        assert fast == reference


def test_the_guide_sample_takes_the_fast_path() -> None:
    from tests.samples import GUIDE_CARD_ORDER

    fields = {
        **GUIDE_CARD_ORDER,
        "interfaceVersion": "IR_WS_2.55",
        "keyVersion": "1",
        "merchantId": "201040040170001",
        "seal": "00",
    }
    call = WireCall(service="checkout", function="cardOrder", fields=fields)
    fast = _soap.fast_envelope(call)
    assert fast is not None and fast == TRANSPORT.zeep_envelope(call)


# --------------------------------------------------------------------------- replies


def _prefixed(local: str, style: str) -> str:
    return {"default": local, "prefixed": f"t:{local}", "bare": local}[style]


def _xml_for(member: Any, draw: Any, depth: int, style: str) -> str:
    tag = _prefixed(member.local, style)
    choice = draw(st.integers(0, 40))
    if choice == 0:
        return f"<{tag}/>"
    if choice == 1:
        return f'<{tag} xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" xsi:nil="true"/>'
    if member.kind == _soap._SIMPLE or depth >= 3:
        text = draw(texts)
        if choice == 2:
            return f"<{tag}>  {escape(text)}<!-- c -->  </{tag}>"
        return f"<{tag}>{escape(text)}</{tag}>"
    if member.kind == _soap._COMPLEX:
        return f"<{tag}>{_children_xml(member.item_shape, draw, depth + 1, style)}</{tag}>"
    if member.kind == _soap._LIST:
        item = _prefixed(member.item_tag.rpartition("}")[2], style)
        parts = []
        for _ in range(draw(st.sampled_from([1, 1, 2, 3, 0]))):
            if member.item_kind == _soap._SIMPLE:
                parts.append(f"<{item}>{escape(draw(texts))}</{item}>")
            else:
                inner = _children_xml(member.item_shape, draw, depth + 1, style)
                parts.append(f"<{item}>{inner}</{item}>")
        if draw(st.integers(0, 20)) == 0:
            parts.append("<stray>1</stray>")
        return f"<{tag}>{''.join(parts)}</{tag}>"
    return f"<{tag}>x</{tag}>"


def _children_xml(shape: Any, draw: Any, depth: int, style: str) -> str:
    chosen = [m for m in shape.members if draw(st.integers(0, 3)) == 0]
    if draw(st.booleans()):
        chosen = draw(st.permutations(chosen))  # out of the XSD's order
    parts = [_xml_for(m, draw, depth, style) for m in chosen]
    if draw(st.integers(0, 5)) == 0:
        parts.insert(draw(st.integers(0, len(parts))), "<unknownField>u</unknownField>")
    if draw(st.integers(0, 20)) == 0:
        parts.append('<o:other xmlns:o="urn:other">o</o:other>')
    if draw(st.integers(0, 20)) == 0 and parts:
        parts.append(parts[0])  # a repeated element
    return "\n  ".join(parts) if draw(st.booleans()) else "".join(parts)


def _reply_xml(op: Any, draw: Any) -> bytes:
    style = draw(st.sampled_from(["default", "prefixed", "bare"]))
    ns = op.ns
    reply_local = op.reply_tag.rpartition("}")[2]
    inner = _children_xml(op.output, draw, 0, style)
    if style == "default":
        body = f'<{reply_local} xmlns="{ns}"><output>{inner}</output></{reply_local}>'
    elif style == "prefixed":
        body = f'<t:{reply_local} xmlns:t="{ns}"><t:output>{inner}</t:output></t:{reply_local}>'
    else:  # the reply element qualified, its content not
        body = f'<t:{reply_local} xmlns:t="{ns}"><output>{inner}</output></t:{reply_local}>'
    header = "<soap:Header><h>1</h></soap:Header>" if draw(st.integers(0, 15)) == 0 else ""
    return (
        f'<?xml version="1.0" encoding="UTF-8"?><soap:Envelope xmlns:soap="{SOAP_ENV}">'
        f"{header}<soap:Body>{body}</soap:Body></soap:Envelope>"
    ).encode()


def _reference(call: WireCall, body: bytes) -> Any:
    try:
        return TRANSPORT.zeep_decode(call, 200, body, "text/xml")
    except Exception as exc:
        return exc


@settings(max_examples=400, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.sampled_from(FUNCTIONS), st.data())
def test_decoded_replies_are_zeeps(function: tuple[str, str], data: st.DataObject) -> None:
    service, name = function
    op = _operation(service, name)
    body = _reply_xml(op, data.draw)
    call = WireCall(service=service, function=name, fields={})
    fast = _soap.fast_decode(call, body)
    reference = _reference(call, body)
    if fast is None:
        return
    assert not isinstance(reference, Exception), (body, reference)
    assert fast == reference, body
    assert list(fast) == list(reference), body  # the same order of names, too


def test_a_plain_reply_takes_the_fast_path() -> None:
    op = _operation("checkout", "cardOrder")
    members = [m.local for m in op.output.members if m.kind == _soap._SIMPLE][:5]
    for names in (members, members[::-1]):  # in the XSD's order, then not
        inner = "".join(f"<{m}>v{i}</{m}>" for i, m in enumerate(names))
        body = (
            f'<soap:Envelope xmlns:soap="{SOAP_ENV}"><soap:Body><cardOrderResponse '
            f'xmlns="{op.ns}"><output>{inner}</output></cardOrderResponse></soap:Body>'
            "</soap:Envelope>"
        ).encode()
        call = WireCall(service="checkout", function="cardOrder", fields={})
        fast = _soap.fast_decode(call, body)
        assert fast is not None and fast == _reference(call, body)
        assert list(fast) == list(_reference(call, body))


@pytest.mark.parametrize(
    "inner",
    [
        "<soap:Fault><faultcode>soap:Server</faultcode><faultstring>no</faultstring></soap:Fault>",
        "<other/>",
        "",
    ],
)
def test_faults_and_odd_bodies_go_to_zeep(inner: str) -> None:
    body = (
        f'<soap:Envelope xmlns:soap="{SOAP_ENV}"><soap:Body>{inner}</soap:Body></soap:Envelope>'
    ).encode()
    call = WireCall(service="checkout", function="cardOrder", fields={})
    assert _soap.fast_decode(call, body) is None
