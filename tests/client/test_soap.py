"""The SOAP codec, written with the standard library, against zeep as an independent reference.

- Requests: the same bytes zeep writes from the packaged WSDL, for every function, whatever the
  fields (Hypothesis), the guide's cardOrder sample included.
- Replies: what zeep reads from a reply the XSD accepts (elements in any order: xsd:all), read
  the same; and more than zeep where the XSD refuses a reply (unknown elements, unqualified
  ones): nothing received is dropped, so the seal is verified over exactly what arrived.
- Faults (SOAP 1.1 and 1.2), unsafe XML and unreadable bodies: typed errors.
"""

from __future__ import annotations

from collections.abc import Mapping
from types import SimpleNamespace
from typing import Any
from xml.sax.saxutils import escape

import pytest
import zeep
import zeep.helpers
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from lxml import etree

import sogenactif
from sogenactif._dictionary import DICTIONARY
from sogenactif_core._http import reply as http_reply
from sogenactif_core._metadata import FieldRule, FunctionSpec
from sogenactif_core._soap import SoapCodec
from sogenactif_core._transport import WireCall
from tests.support import GUIDE_CARD_ORDER, LIST_ITEMS, namespace

SOAP_ENV = "http://schemas.xmlsoap.org/soap/envelope/"
CODEC = SoapCodec(
    DICTIONARY.soap_path,
    {name: namespace(name) for name in DICTIONARY.services},
    DICTIONARY.list_items,
)
SPECS: dict[tuple[str, str], FunctionSpec[Any, Any]] = DICTIONARY.functions()
FUNCTIONS = sorted(SPECS)


# --------------------------------------------------------------------------- zeep, the reference


class _PackageFiles(zeep.transports.Transport):  # type: ignore[misc]
    def load(self, url: str) -> bytes:
        with open(url.removeprefix("file://"), "rb") as handle:
            return handle.read()


_ZEEP: dict[str, zeep.Client] = {}


def zeep_client(service: str) -> zeep.Client:
    if service not in _ZEEP:
        _ZEEP[service] = zeep.Client(
            str(DICTIONARY.wsdl_dir / f"{service}.wsdl"),
            transport=_PackageFiles(),
            settings=zeep.Settings(strict=True, forbid_dtd=True, forbid_entities=True),
        )
    return _ZEEP[service]


def zeep_shape(fields: Mapping[str, Any]) -> dict[str, Any]:
    """JSON shape -> zeep input: every list becomes its ``xxxList`` wrapper of items."""
    out: dict[str, Any] = {}
    for name, value in fields.items():
        if isinstance(value, list):
            item = LIST_ITEMS.get(name, name[:-4])
            out[name] = {item: [zeep_shape(v) if isinstance(v, Mapping) else v for v in value]}
        elif isinstance(value, Mapping):
            out[name] = zeep_shape(value)
        else:
            out[name] = value
    return out


def zeep_envelope(call: WireCall) -> bytes:
    client = zeep_client(call.service)
    message = client.create_message(client.service, call.function, input=zeep_shape(call.fields))
    return etree.tostring(message, encoding="utf-8", xml_declaration=True)


def json_shape(value: Any) -> Any:
    """zeep output -> JSON shape: wrappers as lists, absent elements dropped."""
    if isinstance(value, Mapping):
        out = {}
        for name, item in value.items():
            if item is None or name == "_value_1":
                continue
            if name in LIST_ITEMS and isinstance(item, Mapping):
                out[name] = [json_shape(v) for v in item.get(LIST_ITEMS[name]) or []]
            else:
                out[name] = json_shape(item)
        return out
    if isinstance(value, list):
        return [json_shape(v) for v in value]
    return value


def zeep_decode(call: WireCall, body: bytes) -> Any:
    client = zeep_client(call.service)
    binding = client.service._binding

    reply = SimpleNamespace(
        status_code=200, content=body, headers={"Content-Type": "text/xml"}, encoding=None
    )
    result = binding.process_reply(client, binding.get(call.function), reply)
    output = getattr(result, "output", result)
    return json_shape(zeep.helpers.serialize_object(output, dict))


# --------------------------------------------------------------------------- requests

texts = st.one_of(
    st.sampled_from(["", "0", "978", "AUTHOR_CAPTURE", "a&b<c>d\"e'f", " padded ", "é€漢字"]),
    st.text(st.characters(min_codepoint=0x20, max_codepoint=0xD7FF), max_size=12),
)


def _value(rule: FieldRule | None, draw: Any, depth: int) -> Any:
    if rule is not None and rule.kind == "container" and depth < 3:
        return _fields(rule.children or {}, draw, depth + 1, at_least_one=True)
    if rule is not None and rule.kind == "list" and depth < 3 and rule.item is not None:
        size = draw(st.sampled_from([1, 1, 2, 3]))
        return [_value(rule.item, draw, depth + 1) for _ in range(size)]
    return draw(texts)


def _fields(
    rules: Mapping[str, FieldRule], draw: Any, depth: int, at_least_one: bool = False
) -> dict[str, Any]:
    chosen = [name for name, rule in rules.items() if rule.required or draw(st.integers(0, 2)) == 0]
    if at_least_one and not chosen and rules:
        chosen = [next(iter(rules))]  # an empty container is not a value
    fields = {name: _value(rules[name], draw, depth) for name in chosen}
    order = draw(st.permutations(list(fields)))
    return {name: fields[name] for name in order}


def _request(fn: FunctionSpec[Any, Any], draw: Any) -> dict[str, Any]:
    fields = _fields(fn.request_fields, draw, 0)
    for name in fn.element_order:
        if name not in fn.request_fields:  # the envelope: the client always sends it
            fields[name] = draw(texts)
    fields["keyVersion"] = "1"
    fields["seal"] = "ab"
    return dict(sorted(fields.items()))


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.sampled_from(FUNCTIONS), st.data())
def test_request_bytes_are_zeeps(function: tuple[str, str], data: st.DataObject) -> None:
    fn = SPECS[function]
    call = WireCall(fn.service, fn.name, _request(fn, data.draw), spec=fn)
    assert CODEC.encode(call) == zeep_envelope(call)


def test_the_guide_sample_is_written_as_zeep_writes_it() -> None:
    fn = SPECS[("checkout", "cardOrder")]
    fields = {
        **GUIDE_CARD_ORDER,
        "interfaceVersion": "IR_WS_2.55",
        "keyVersion": "1",
        "merchantId": "201040040170001",
        "seal": "00",
    }
    call = WireCall("checkout", "cardOrder", dict(sorted(fields.items())), spec=fn)
    assert CODEC.encode(call) == zeep_envelope(call)


def test_namespaces_and_paths_can_be_overridden() -> None:
    fn = SPECS[("cashManagement", "refund")]
    codec = SoapCodec(
        DICTIONARY.soap_path,
        {**CODEC.namespaces, "cashManagement": "urn:example:cm"},
        DICTIONARY.list_items,
        paths={"cashManagement": "/services/v2/cashmanagement"},
    )
    call = WireCall("cashManagement", "refund", {"amount": "1"}, spec=fn)
    assert b'xmlns:ns0="urn:example:cm"' in codec.encode(call)
    assert codec.path(call) == "/services/v2/cashmanagement"
    assert CODEC.path(call) == "/services/v2/cashManagement"


# --------------------------------------------------------------------------- replies


def _reply_xml(fn: FunctionSpec[Any, Any], body_inner: str, style: str) -> bytes:
    ns = namespace(fn.service)
    tag = f"{fn.name}Response"
    if style == "default":
        body = f'<{tag} xmlns="{ns}"><output>{body_inner}</output></{tag}>'
    elif style == "prefixed":
        body = f'<t:{tag} xmlns:t="{ns}"><t:output>{body_inner}</t:output></t:{tag}>'
    else:  # the reply element qualified, its content not
        body = f'<t:{tag} xmlns:t="{ns}"><output>{body_inner}</output></t:{tag}>'
    return (
        f'<?xml version="1.0" encoding="UTF-8"?><soap:Envelope xmlns:soap="{SOAP_ENV}">'
        f"<soap:Body>{body}</soap:Body></soap:Envelope>"
    ).encode()


def _slots(model: Any) -> list[tuple[str, Any]]:
    return [(info.alias or name, info.annotation) for name, info in model.model_fields.items()]


def _xml_value(name: str, annotation: Any, draw: Any, depth: int, prefix: str) -> tuple[str, Any]:
    """An element and the JSON-shaped value it stands for."""
    import typing

    args = [a for a in typing.get_args(annotation) if a is not type(None)] or [annotation]
    target = args[0]
    tag = f"{prefix}{name}"
    if typing.get_origin(target) is list and depth < 2:
        (item_type,) = typing.get_args(target)
        item = LIST_ITEMS.get(name, name[:-4])
        values, parts = [], []
        for _ in range(draw(st.integers(1, 3))):
            if hasattr(item_type, "model_fields"):
                inner, value = _xml_children(item_type, draw, depth + 1, prefix)
                if not value:
                    continue
            else:
                value = draw(texts.filter(bool))
                inner = escape(value)
            parts.append(f"<{prefix}{item}>{inner}</{prefix}{item}>")
            values.append(value)
        return f"<{tag}>{''.join(parts)}</{tag}>", values or None
    if hasattr(target, "model_fields") and depth < 2:
        inner, value = _xml_children(target, draw, depth + 1, prefix)
        return f"<{tag}>{inner}</{tag}>", value or None
    value = draw(texts.filter(bool))
    return f"<{tag}>{escape(value)}</{tag}>", value


def _xml_children(model: Any, draw: Any, depth: int, prefix: str) -> tuple[str, dict[str, Any]]:
    parts, values = [], {}
    for name, annotation in _slots(model):
        if name == "seal" or draw(st.integers(0, 2)):
            continue
        xml, value = _xml_value(name, annotation, draw, depth, prefix)
        if value is not None:
            parts.append(xml)
            values[name] = value
    return "".join(parts), values


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.sampled_from(FUNCTIONS), st.sampled_from(["default", "prefixed", "bare"]), st.data())
def test_replies_are_read_as_zeep_reads_them(
    function: tuple[str, str], style: str, data: st.DataObject
) -> None:
    fn = SPECS[function]
    prefix = "t:" if style == "prefixed" else ""
    inner, expected = _xml_children(fn.response_model, data.draw, 0, prefix)
    body = _reply_xml(fn, inner, style)
    call = WireCall(fn.service, fn.name, {})
    ours = CODEC.decode(call, http_reply(200, "text/xml", body))
    assert ours == expected
    # zeep reads an empty <output/> as no output at all (we read {}); unqualified children
    # ("bare") are outside the schema (elementFormDefault qualified): strict zeep refuses them.
    if expected and style != "bare":
        assert ours == zeep_decode(call, body)


def test_elements_out_of_order_or_unknown_are_kept_where_zeep_refuses_them() -> None:
    fn = SPECS[("checkout", "cardOrder")]
    inner = (
        "<transactionReference>R1</transactionReference><newField>n</newField>"
        "<responseCode>00</responseCode><amount>2500</amount>"
        "<newList><newItem>a</newItem><newItem>b</newItem></newList>"
    )
    call = WireCall(fn.service, fn.name, {})
    body = _reply_xml(fn, inner, "default")
    ours = CODEC.decode(call, http_reply(200, "text/xml", body))
    assert ours == {
        "transactionReference": "R1",
        "newField": "n",
        "responseCode": "00",
        "amount": "2500",
        "newList": ["a", "b"],
    }
    # A strict toolkit refuses an element its schema lacks (the XSD has no wildcard, to stay
    # deterministic); the elements it knows it reads in any order, as we do.
    with pytest.raises(zeep.exceptions.XMLParseError, match="newField"):
        zeep_decode(call, body)
    known = "".join(
        f"<{k}>{v}</{k}>" for k, v in (("transactionReference", "R1"), ("responseCode", "00"))
    )
    known_body = _reply_xml(fn, known + "<authorisationId>A1</authorisationId>", "default")
    assert zeep_decode(call, known_body) == CODEC.decode(
        call, http_reply(200, "text/xml", known_body)
    )


# --------------------------------------------------------------------------- errors


def _decode(body: str, status: int = 200) -> dict[str, Any]:
    call = WireCall("token", "paymentTokenGenerate", {})
    return CODEC.decode(call, http_reply(status, "text/xml", body.encode()))


def test_soap_11_and_12_faults() -> None:
    with pytest.raises(sogenactif.SoapFaultError) as info:
        _decode(
            f'<s:Envelope xmlns:s="{SOAP_ENV}"><s:Body><s:Fault><faultcode>s:Server</faultcode>'
            "<faultstring>boom</faultstring><detail><why>late</why></detail></s:Fault>"
            "</s:Body></s:Envelope>",
            500,
        )
    assert info.value.code == "s:Server" and "boom" in str(info.value)
    assert info.value.detail == "<why>late</why>"
    soap12 = "http://www.w3.org/2003/05/soap-envelope"
    with pytest.raises(sogenactif.SoapFaultError) as info:
        _decode(
            f'<e:Envelope xmlns:e="{soap12}"><e:Body><e:Fault><e:Code><e:Value>e:Sender'
            "</e:Value></e:Code><e:Reason><e:Text>bad</e:Text></e:Reason></e:Fault></e:Body>"
            "</e:Envelope>",
            500,
        )
    assert info.value.code == "e:Sender" and "bad" in str(info.value)


@pytest.mark.parametrize(
    "body",
    [
        "<notsoap/>",
        f'<s:Envelope xmlns:s="{SOAP_ENV}"><s:Body/></s:Envelope>',
        f'<s:Envelope xmlns:s="{SOAP_ENV}"><s:Body><otherResponse/></s:Body></s:Envelope>',
        f'<s:Envelope xmlns:s="{SOAP_ENV}"><s:Body><paymentTokenGenerateResponse/></s:Body>'
        "</s:Envelope>",
        "<a>" * 100 + "</a>" * 100,
        "\ufeff<unclosed>",
    ],
)
def test_unreadable_replies(body: str) -> None:
    with pytest.raises(sogenactif.ResponseDecodeError) as info:
        _decode(body)
    assert info.value.may_have_reached_server is True


@pytest.mark.parametrize("encoding", ["utf-8", "utf-16"])
def test_a_doctype_is_refused_whatever_the_encoding(encoding: str) -> None:
    text = (
        f'<?xml version="1.0" encoding="{encoding}"?><!DOCTYPE r [<!ENTITY x "y">]>'
        f'<s:Envelope xmlns:s="{SOAP_ENV}"><s:Body>&x;</s:Body></s:Envelope>'
    )
    call = WireCall("token", "paymentTokenGenerate", {})
    with pytest.raises(sogenactif.UnsafeXMLError):
        CODEC.decode(call, http_reply(200, "text/xml", text.encode(encoding)))


def test_xml_depth_is_bounded() -> None:
    """The reader refuses documents nested deeper than MAX_DEPTH, and reads one that deep."""
    from sogenactif_core import _xml

    def nested(depth: int) -> bytes:
        return ("<a>" * depth + "x" + "</a>" * depth).encode()

    for prolog in ("", "<!-- the guarded parser -->"):  # both ways of parsing
        node = _xml.parse((prolog + nested(_xml.MAX_DEPTH).decode()).encode())
        for _ in range(_xml.MAX_DEPTH - 1):
            node = node[0]
        assert _xml.text(node) == "x" and len(node) == 0
        with pytest.raises(_xml.XMLError, match="nested more than"):
            _xml.parse((prolog + nested(_xml.MAX_DEPTH + 1).decode()).encode())
    # Many elements, shallow: read (the depth is measured only past MAX_DEPTH elements).
    wide = "<a>" + "<b><c>1</c></b>" * 200 + "</a>"
    assert len(_xml.parse(wide.encode())) == 200


# Documents the C parser reads (plain) and those the guarded expat handlers read: every one that
# could hold a declaration goes the guarded way, so a DOCTYPE is refused whatever the encoding.
@pytest.mark.parametrize(
    ("document", "plain"),
    [
        (b'<?xml version="1.0" encoding="UTF-8"?><a>1</a>', True),
        (b"\xef\xbb\xbf<a>1</a>", True),
        (b"<?xml version='1.0' encoding='us-ascii'?><a>1</a>", True),
        (b"<a><!-- a comment --></a>", False),
        (b"<a><![CDATA[1]]></a>", False),
        (b'<?xml version="1.0" encoding="ISO-8859-1"?><a>\xe9</a>', False),
        (b'<?xml version="1.0" encoding="cp500"?><a>1</a>', False),
        ('<?xml version="1.0"?><a>1</a>'.encode("utf-16-le"), False),  # no BOM: "<" then NUL
        ('<?xml version="1.0"?><a>1</a>'.encode("utf-16"), False),
        (b" <a>1</a>", False),
    ],
)
def test_only_documents_that_cannot_declare_anything_take_the_c_parser(
    document: bytes, plain: bool
) -> None:
    from sogenactif_core import _xml

    assert _xml._plain(document) is plain


@pytest.mark.parametrize("encoding", ["utf-16-le", "utf-16-be", "utf-16"])
def test_a_doctype_in_utf16_without_a_declaration_is_refused(encoding: str) -> None:
    from sogenactif_core import _xml

    document = '<!DOCTYPE r [<!ENTITY x "y">]><r>&x;</r>'.encode(encoding)
    with pytest.raises(_xml.UnsafeXML):
        _xml.parse(document)


def test_both_parsers_read_the_same_tree_and_name_the_same_errors() -> None:
    from sogenactif_core import _xml

    body = '<s:E xmlns:s="urn:s"><s:B>x<c a="1">é &amp; &lt;</c>y<d/></s:B></s:E>'
    plain = _xml.parse(body.encode())
    guarded = _xml.parse(("<!-- -->" + body).encode())
    for a, b in ((plain, guarded), (plain[0], guarded[0]), (plain[0][0], guarded[0][0])):
        assert (a.tag, a.attrib, _xml.text(a), len(a)) == (b.tag, b.attrib, _xml.text(b), len(b))
    assert _xml.text(plain[0]) == "xy" and _xml.text(plain[0][0]) == "é & <"
    assert _xml.local(plain) == "E" and _xml.namespace(plain) == "urn:s"
    bad = "<a>\n<b></a>"
    with pytest.raises(_xml.XMLError) as fast:
        _xml.parse(bad.encode())
    with pytest.raises(_xml.XMLError) as slow:
        _xml.parse(("<!-- -->" + bad).encode())
    assert str(fast.value) == str(slow.value) == "mismatched tag at line 2, column 5"
    with pytest.raises(_xml.XMLError, match="undefined entity"):
        _xml.parse(b"<a>&x;</a>")


@pytest.mark.parametrize(
    ("inner", "expected"),
    [
        ("<a>1</a><b/><c></c><d> </d>", {"a": "1", "d": " "}),  # empty elements are absent
        ("<a>1</a><a>2</a>", {"a": ["1", "2"]}),  # a name repeated without a wrapper: a list
        ("<a>1</a><a/>", {"a": "1"}),
        ("<a/><a>2</a><b>3</b>", {"a": "2", "b": "3"}),
        ('<x:a xmlns:x="urn:x">1</x:a><a>2</a>', {"a": ["1", "2"]}),  # by local name
        ("<a>1</a><c><d>2</d></c>", {"a": "1", "c": {"d": "2"}}),  # not leaves only
    ],
)
def test_an_output_of_leaves_reads_as_every_other_output(inner: str, expected: Any) -> None:
    """Issue 16: an element whose children are all leaves is read in one pass (most answers);
    repeated or empty names take the general path, which gives the same shapes."""
    from sogenactif_core._soap import _read_value, read_fields
    from sogenactif_core._xml import parse

    node = parse(f"<o>{inner}</o>".encode())
    assert read_fields(node, {}) == expected
    general: dict[str, Any] = {}  # the general loop, for comparison
    for element in node:
        value = _read_value(element, {})
        name = element.tag.rpartition("}")[2]
        if value is not None:
            previous = general.get(name)
            general[name] = (
                value
                if previous is None
                else [*previous, value]
                if isinstance(previous, list)
                else [previous, value]
            )
    assert general == expected
