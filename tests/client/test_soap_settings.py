"""SOAP namespaces and endpoint paths: generated from spec/ (platform.yaml's ``soap_namespaces``),
and overridable per service at run time (``Client(soap_namespaces=…, soap_paths=…)``) without
regenerating, against servers that check what they receive."""

from __future__ import annotations

from pathlib import Path

import pytest
from lxml import etree

import sogenactif
from generator.spec import load_spec
from sogenactif._dictionary import DICTIONARY
from sogenactif.testing import Simulator
from tests.support import (
    SECRET_KEY,
    LocalServer,
    Recorded,
    Reply,
    make_client,
    order,
    replaced,
    sealed,
)

SPEC = load_spec(Path(__file__).resolve().parents[2] / "spec")
SOAP11 = "http://schemas.xmlsoap.org/soap/envelope/"
CUSTOM_NS = "urn:example:cm:v2"
CUSTOM_PATH = "/custom/soap/cm"


def test_generated_namespaces_are_the_specs() -> None:
    for service in SPEC.services:
        expected = SPEC.platform.namespace(service.name)
        assert DICTIONARY.services[service.name].soap_namespace == expected
        wsdl = etree.parse(str(DICTIONARY.wsdl_dir / f"{service.name}.wsdl")).getroot()
        xsd = etree.parse(str(DICTIONARY.wsdl_dir / f"{service.name}.xsd")).getroot()
        assert wsdl.get("targetNamespace") == xsd.get("targetNamespace") == expected
    # platform.yaml's decision (evidence over analogy): all lower case.
    own = dict(SPEC.platform.soap_namespaces)
    assert own["cashManagement"] == "urn:sips:cn:contract:office:cashmanagement:v2"


@pytest.mark.parametrize(
    ("options", "message"),
    [
        ({"soap_namespaces": {"cashmanagement": CUSTOM_NS}}, "no service 'cashmanagement'"),
        ({"soap_paths": {"payments": "/x"}}, "no service 'payments'"),
        ({"soap_namespaces": {"token": ""}}, "must be a namespace URI"),
        ({"soap_namespaces": {"token": 'urn:a" b'}}, "must be a namespace URI"),
        ({"soap_namespaces": {"token": 7}}, "must be a namespace URI"),
        ({"soap_paths": {"token": "services/v2/token"}}, "must be a path starting with /"),
        ({"soap_paths": {"token": "/a?b"}}, "must be a path starting with /"),
        ({"soap_namespaces": ["token"]}, "soap_namespaces must be a mapping"),
    ],
)
def test_overrides_are_checked(options: dict[str, object], message: str) -> None:
    with pytest.raises(sogenactif.ConfigurationError, match=message):
        sogenactif.Client(merchant_id="201040040170001", secret_key="k", **options)  # type: ignore[arg-type]


def _refund_reply(request: Recorded) -> Reply:
    """A server that knows the cash-management service only under CUSTOM_PATH and CUSTOM_NS."""
    if request.path != CUSTOM_PATH:
        return Reply(404, b"not here", "text/plain")
    operation = etree.fromstring(request.body).find(f"{{{SOAP11}}}Body")[0]  # type: ignore[index]
    if etree.QName(operation).namespace != CUSTOM_NS:
        fault = (
            f'<s:Envelope xmlns:s="{SOAP11}"><s:Body><s:Fault><faultcode>s:Client</faultcode>'
            "<faultstring>unknown namespace</faultstring></s:Fault></s:Body></s:Envelope>"
        )
        return Reply(500, fault.encode(), "text/xml")
    output = sealed({"responseCode": "00", "transactionReference": "R1"}, SECRET_KEY)
    inner = "".join(f"<{k}>{v}</{k}>" for k, v in output.items())
    body = (
        f'<s:Envelope xmlns:s="{SOAP11}"><s:Body><refundResponse xmlns="{CUSTOM_NS}">'
        f"<output>{inner}</output></refundResponse></s:Body></s:Envelope>"
    )
    return Reply(200, body.encode(), "text/xml")


def test_namespace_and_path_overrides_reach_a_server_that_checks_them() -> None:
    with LocalServer() as server:
        server.reply = _refund_reply
        refund = {"transaction_reference": "R1", "operation_amount": 100, "currency_code": "978"}
        default = make_client(server, "soap")
        with pytest.raises(sogenactif.HTTPStatusError):  # the dictionary's path: 404
            default.cash_management.refund(**refund)
        assert server.requests[-1].path == "/services/v2/cashManagement"
        path_only = make_client(server, "soap", soap_paths={"cash_management": CUSTOM_PATH})
        with pytest.raises(sogenactif.SoapFaultError, match="unknown namespace"):
            path_only.cash_management.refund(**refund)
        both = make_client(
            server,
            "soap",
            soap_namespaces={"cashManagement": CUSTOM_NS},
            soap_paths={"cashManagement": CUSTOM_PATH},
        )
        response = both.cash_management.refund(**refund)
        assert response.response_code == "00" and response.sealed
        assert f'xmlns:ns0="{CUSTOM_NS}"'.encode() in server.requests[-1].body
        # Other services keep the dictionary's namespace and path.
        with pytest.raises(sogenactif.HTTPStatusError):  # 404: this server has no token service
            both.token.payment_token_generate(card_number="4100000000000000")
        last = server.requests[-1]
        assert last.path == "/services/v2/token"
        assert DICTIONARY.services["token"].soap_namespace.encode() in last.body


class _RenamedSimulator(Simulator):
    """A platform whose cash-management namespace is not the dictionary's."""

    _dictionary = replaced(
        DICTIONARY,
        services={
            **DICTIONARY.services,
            "cashManagement": replaced(
                DICTIONARY.services["cashManagement"], soap_namespace=CUSTOM_NS
            ),
        },
    )


def test_a_wrong_namespace_is_a_setting_not_a_release() -> None:
    with _RenamedSimulator() as sim:
        options = {
            "merchant_id": sim.merchant_id,
            "secret_key": sim.secret_key,
            "key_version": sim.key_version,
            "environment": sim.base_url,
            "protocol": "soap",
        }
        client = sogenactif.Client(**options)  # type: ignore[arg-type]
        assert (
            client.checkout.card_order(**order("NS1", capture_mode="IMMEDIATE")).response_code
            == "00"
        )
        with pytest.raises(sogenactif.SoapFaultError):
            client.cash_management.refund(
                transaction_reference="NS1", operation_amount=100, currency_code="978"
            )
        fixed = sogenactif.Client(**options, soap_namespaces={"cashManagement": CUSTOM_NS})  # type: ignore[arg-type]
        refund = fixed.cash_management.refund(
            transaction_reference="NS1", operation_amount=100, currency_code="978"
        )
        assert refund.response_code == "00" and refund.sealed


def test_the_simulator_accepts_both_spellings_of_cash_management(sim: Simulator) -> None:
    camel = "urn:sips:cn:contract:office:cashManagement:v2"
    assert DICTIONARY.services["cashManagement"].soap_namespace != camel
    for namespaces in ({}, {"cashManagement": camel}):
        client = sogenactif.Client(
            merchant_id=sim.merchant_id,
            secret_key=sim.secret_key,
            key_version=sim.key_version,
            environment=sim.base_url,
            protocol="soap",
            soap_namespaces=namespaces,
        )
        reference = f"SP{len(namespaces)}"
        assert (
            client.checkout.card_order(**order(reference, capture_mode="IMMEDIATE")).response_code
            == "00"
        )
        refund = client.cash_management.refund(
            transaction_reference=reference, operation_amount=100, currency_code="978"
        )
        assert refund.response_code == "00"


@pytest.fixture()
def sim() -> object:
    with Simulator() as simulator:
        yield simulator
