"""The generated WSDL/XSD files: valid XML Schema 1.0 that strict toolkits load, accepting what
the dictionary's SOAP samples show, what the client sends and what the simulator answers.

Decisions (see the XSD's header and spec/platform.yaml's ``soap_optional_fields``): field elements
sit in ``xsd:all`` (any order, each at most once; no wildcard, which made the content models
non-deterministic), and keyVersion and seal are optional in the schema (the samples omit them);
the simulator answers a request without them with responseCode 12, not a fault.
"""

from __future__ import annotations

import functools
from collections.abc import Iterator, Mapping
from pathlib import Path
from typing import Any

import pytest
import requests
from lxml import etree

import sogenactif
from generator.spec import load_spec
from sogenactif._dictionary import DICTIONARY
from sogenactif.seal import compute_seal
from sogenactif.testing import Simulator
from sogenactif_core._soap import SoapCodec
from tests.samples import (
    GUIDE_CARD_ORDER,
    SOAP_PAYMENT_TOKEN_GENERATE_REQUEST,
    SOAP_PAYMENT_TOKEN_GENERATE_RESPONSE,
    SOAP_SAMPLE_ORDERS,
)
from tests.support import (
    CARD_ORDER,
    LIST_ITEMS,
    MERCHANT_ID,
    SECRET_KEY,
    SOAP11,
    envelope,
    full_request,
    namespace,
    sealed,
    soap_body,
)

SPEC = load_spec(Path(__file__).resolve().parents[2] / "spec")
XSD = "http://www.w3.org/2001/XMLSchema"
WSDL = "http://schemas.xmlsoap.org/wsdl/"
SERVICES = sorted(DICTIONARY.services)
FUNCTIONS = DICTIONARY.functions()
CODEC = SoapCodec(
    DICTIONARY.soap_path,
    {name: namespace(name) for name in DICTIONARY.services},
    DICTIONARY.list_items,
)


@functools.cache
def schema(service: str) -> etree.XMLSchema:
    """The service's schema as a toolkit loads it: the WSDL's types, importing the XSD."""
    wsdl = etree.parse(str(DICTIONARY.wsdl_dir / f"{service}.wsdl"))
    types = wsdl.find(f"{{{WSDL}}}types/{{{XSD}}}schema")
    assert types is not None
    imported = types.find(f"{{{XSD}}}import")
    assert imported is not None and imported.get("schemaLocation") == f"{service}.xsd"
    return etree.XMLSchema(types)  # raises XMLSchemaParseError on a non-deterministic model


def assert_valid(service: str, element: Any) -> None:
    document = etree.fromstring(etree.tostring(element))  # the element as a document of its own
    checker = schema(service)
    assert checker.validate(document), checker.error_log.last_error


def body_child(xml: bytes) -> Any:
    root = etree.fromstring(xml)
    body = root.find(f"{{{SOAP11}}}Body")
    assert body is not None and len(body)
    return body[0]


@pytest.mark.parametrize("service", SERVICES)
def test_every_schema_loads_through_its_wsdl(service: str) -> None:
    schema(service)
    xsd = etree.parse(str(DICTIONARY.wsdl_dir / f"{service}.xsd"))
    assert xsd.findall(f".//{{{XSD}}}any") == []
    for complex_type in xsd.getroot().iter(f"{{{XSD}}}complexType"):
        name = complex_type.get("name") or ""
        model = [c for c in complex_type if c.tag != f"{{{XSD}}}annotation"]
        if name.endswith("ListType") or not name:  # list wrappers; fn / fnResponse elements
            assert [etree.QName(c).localname for c in model] == ["sequence"], name
        else:
            assert [etree.QName(c).localname for c in model] == ["all"], name


def test_the_schemas_describe_every_function_and_field_of_the_spec() -> None:
    optional = set(SPEC.platform.soap_optional_fields)
    assert optional == {"keyVersion", "seal"}
    for service, function in SPEC.iter_functions():
        xsd = etree.parse(str(DICTIONARY.wsdl_dir / f"{service.name}.xsd"))
        for kind, uses in (("Input", function.request), ("Output", function.response)):
            found = xsd.find(f"{{{XSD}}}complexType[@name='{function.name}{kind}']/{{{XSD}}}all")
            assert found is not None, (function.name, kind)
            elements = {e.get("name"): e.get("minOccurs", "1") for e in found}
            assert list(elements) == [u.name for u in uses]
            for use in uses:
                required = kind == "Input" and use.required and use.name not in optional
                assert elements[use.name] == ("1" if required else "0"), (function.name, use.name)


# --------------------------------------------------------------------------- the samples


def _in_envelope(fragment: str, prefixes: str = "") -> bytes:
    return (
        f'<soapenv:Envelope xmlns:soapenv="{SOAP11}" {prefixes}><soapenv:Body>{fragment}'
        "</soapenv:Body></soapenv:Envelope>"
    ).encode()


def test_the_dictionarys_soap_samples_validate() -> None:
    request = _in_envelope(SOAP_PAYMENT_TOKEN_GENERATE_REQUEST, f'xmlns:urn="{namespace("token")}"')
    assert_valid("token", body_child(request))
    assert_valid("token", body_child(_in_envelope(SOAP_PAYMENT_TOKEN_GENERATE_RESPONSE)))


def _sample_body(service: str, function: str, fields: list[tuple[str, Any]]) -> bytes:
    ns = namespace(service)

    def xml(name: str, value: Any) -> str:
        if isinstance(value, list):
            item = LIST_ITEMS[name]
            inner = "".join(f"<urn:{item}>{_children(v)}</urn:{item}>" for v in value)
            return f"<urn:{name}>{inner}</urn:{name}>"
        if isinstance(value, Mapping):
            return f"<urn:{name}>{_children(value)}</urn:{name}>"
        return f"<urn:{name}>{value}</urn:{name}>"

    def _children(values: Mapping[str, Any]) -> str:
        return "".join(xml(n, v) for n, v in values.items())

    inner = "".join(xml(n, v) for n, v in fields)
    fragment = f"<urn:{function}><urn:input>{inner}</urn:input></urn:{function}>"
    return _in_envelope(fragment, f'xmlns:urn="{ns}"')


@pytest.mark.parametrize(("service", "function"), sorted(SOAP_SAMPLE_ORDERS))
def test_the_sample_orders_the_spec_records_validate(service: str, function: str) -> None:
    assert_valid(
        service,
        body_child(_sample_body(service, function, SOAP_SAMPLE_ORDERS[(service, function)])),
    )


def test_any_order_validates_the_json_guides_sample_in_alphabetical_order() -> None:
    fields = {**GUIDE_CARD_ORDER, "interfaceVersion": "IR_WS_2.55", "merchantId": MERCHANT_ID}
    ordered = sorted(fields.items())  # the JSON sample's order, not the spec's
    assert [n for n, _ in ordered] != [
        n for n in FUNCTIONS[("checkout", "cardOrder")].element_order if n in fields
    ]
    assert_valid("checkout", body_child(_sample_body("checkout", "cardOrder", ordered)))
    reversed_cart = dict(fields)
    reversed_cart["shoppingCartDetail"] = dict(reversed(list(fields["shoppingCartDetail"].items())))
    assert_valid(
        "checkout",
        body_child(
            _sample_body("checkout", "cardOrder", sorted(reversed_cart.items(), reverse=True))
        ),
    )


def test_the_schema_still_refuses_what_is_not_the_dictionary() -> None:
    unknown = _sample_body("token", "tokenToPan", [("merchantId", "1"), ("cardNumbr", "1")])
    twice = _sample_body("token", "tokenToPan", [("userId", "a"), ("userId", "b")])
    for body in (unknown, twice):
        document = etree.fromstring(etree.tostring(body_child(body)))
        assert not schema("token").validate(document)


# --------------------------------------------------------------------------- what is sent


@pytest.mark.parametrize(("service", "function"), sorted(FUNCTIONS))
def test_every_request_the_client_sends_validates(service: str, function: str) -> None:
    fn = FUNCTIONS[(service, function)]
    sent: list[Any] = []

    def answer(call: Any) -> dict[str, Any]:
        sent.append(call)
        return sealed({"responseCode": "00"}, SECRET_KEY, "HMAC-SHA-512")

    client = sogenactif.Client(
        merchant_id=MERCHANT_ID,
        secret_key=SECRET_KEY,
        transport=sogenactif.MockTransport(answer),
        intermediate_service_provider_id="123",
        seal_algorithm="HMAC-SHA-512",
    )
    method = getattr(getattr(client, DICTIONARY.services[service].attribute), _snake(function))
    method(**full_request(fn))
    assert_valid(service, body_child(CODEC.encode(sent[0])))


def _snake(name: str) -> str:
    return "".join("_" + c.lower() if c.isupper() else c for c in name)


# --------------------------------------------------------------------------- what is answered


@pytest.fixture(scope="module")
def sim() -> Iterator[Simulator]:
    with Simulator() as simulator:
        yield simulator


def _post(sim: Simulator, service: str, function: str, fields: Mapping[str, Any]) -> Any:
    reply = requests.post(
        f"{sim.base_url}/services/v2/{service}",
        data=soap_body(service, function, fields),
        headers={"Content-Type": "text/xml; charset=utf-8", "SOAPAction": '""'},
        timeout=10,
    )
    assert reply.status_code == 200, reply.text
    answer = body_child(reply.content)
    assert_valid(service, answer)
    output = answer[0]
    return {etree.QName(e).localname: e for e in output}


def test_the_simulators_answers_validate(sim: Simulator) -> None:
    def call(service: str, function: str, fields: Mapping[str, Any]) -> Any:
        request = sealed({**envelope(sim, service), **fields}, sim.secret_key)
        return _post(sim, service, function, request)

    cart_order = {**CARD_ORDER, "transactionReference": "XSD1", "captureMode": "IMMEDIATE"}
    cart_order["shoppingCartDetail"] = GUIDE_CARD_ORDER["shoppingCartDetail"]
    assert call("checkout", "cardOrder", cart_order)["responseCode"].text == "00"
    looked_up = call("diagnostic", "getTransactionData", {"transactionReference": "XSD1"})
    assert looked_up["responseCode"].text == "00"
    refund = {"transactionReference": "XSD1", "operationAmount": "100", "currencyCode": "978"}
    assert call("cashManagement", "refund", refund)["responseCode"].text == "00"
    token = {"cardNumber": "4100000000000000", "cardExpiryDate": "203012"}
    assert call("token", "paymentTokenGenerate", token)["responseCode"].text == "00"
    wallet = {"merchantWalletId": "XSDW", "cardNumber": "4100000000000000", "cardExpiryDate": ""}
    assert call("wallet", "addCard", wallet)["walletResponseCode"].text == "00"
    assert (
        call("wallet", "getWalletData", {"merchantWalletId": "XSDW"})["walletResponseCode"].text
        == "00"
    )
    refused = call("checkout", "cardOrder", {"amount": "1"})  # 12, with errorFieldName
    assert refused["responseCode"].text == "12" and "errorFieldName" in refused


def test_a_request_shaped_like_the_samples_gets_an_answer_not_a_fault(sim: Simulator) -> None:
    """No keyVersion, no seal: the schema accepts it; the platform refuses it with a code."""
    fields = {
        "merchantId": sim.merchant_id,
        "interfaceVersion": "TR_WS_2.55",
        "cardNumber": "4100000000000000",
        "cardExpiryDate": "203012",
    }
    assert_valid("token", body_child(soap_body("token", "paymentTokenGenerate", fields)))
    answer = _post(sim, "token", "paymentTokenGenerate", fields)
    assert answer["responseCode"].text == "12"
    assert answer["errorFieldName"].text == "keyVersion"
    with_key = _post(sim, "token", "paymentTokenGenerate", {**fields, "keyVersion": "1"})
    assert (with_key["responseCode"].text, with_key["errorFieldName"].text) == ("12", "seal")
    assert "seal" in with_key  # from here on the platform can seal its answers


def test_a_sealed_request_in_the_samples_order_is_performed(sim: Simulator) -> None:
    fields = dict(SOAP_SAMPLE_ORDERS[("token", "tokenToPan")])
    fields["merchantId"] = sim.merchant_id
    fields["interfaceVersion"] = "TR_WS_2.55"
    fields["keyVersion"] = "1"
    fields["seal"] = compute_seal(fields, sim.secret_key)
    answer = _post(sim, "token", "tokenToPan", fields)
    # Past the seal (34) and the dictionary's checks (12, 30): the token is merely unknown here.
    code = answer["responseCode"].text
    assert code not in ("12", "30", "34") and "errorFieldName" not in answer, code
