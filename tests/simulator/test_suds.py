"""A SOAP stack other than zeep (suds-community), fed only with the simulator's WSDL URL: a token, a
payment with containers and lists, a refund and a look-up, every request sealed by hand and every
answer's seal verified over what suds read. Skipped where suds is not installed."""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from typing import Any

import pytest

from sogenactif._dictionary import DICTIONARY
from sogenactif.seal import compute_seal, verify_seal
from sogenactif.testing import Simulator
from tests.samples import GUIDE_CARD_ORDER
from tests.support import FUTURE, LIST_ITEMS, envelope

suds_client = pytest.importorskip("suds.client")
sudsobject = pytest.importorskip("suds.sudsobject")


@pytest.fixture(scope="module")
def sim() -> Iterator[Simulator]:
    with Simulator() as simulator:
        yield simulator


def suds_input(fields: Mapping[str, Any]) -> dict[str, Any]:
    """JSON shape -> what suds takes: every list becomes its ``xxxList`` wrapper of items."""
    out: dict[str, Any] = {}
    for name, value in fields.items():
        if isinstance(value, list):
            items = [suds_input(v) if isinstance(v, Mapping) else v for v in value]
            out[name] = {LIST_ITEMS[name]: items}
        elif isinstance(value, Mapping):
            out[name] = suds_input(value)
        else:
            out[name] = value
    return out


def json_shape(value: Any, name: str = "") -> Any:
    """What suds read -> the JSON shape the seal is computed over (wrappers as lists)."""
    if isinstance(value, sudsobject.Object):
        fields = {key: item for key, item in value if item is not None}
        if name in LIST_ITEMS:
            items = fields.get(LIST_ITEMS[name], [])
            items = items if isinstance(items, list) else [items]
            return [json_shape(item, LIST_ITEMS[name]) for item in items]
        return {key: json_shape(item, key) for key, item in fields.items()}
    if isinstance(value, list):
        return [json_shape(item, name) for item in value]
    return str(value)


class Stack:
    """One suds client per service, built from the simulator's WSDL."""

    def __init__(self, sim: Simulator) -> None:
        self.sim = sim
        self.clients: dict[str, Any] = {}

    def call(self, service: str, function: str, fields: Mapping[str, Any]) -> dict[str, Any]:
        client = self.clients.get(service)
        if client is None:
            url = f"{self.sim.base_url}{DICTIONARY.soap_path.format(service=service)}?wsdl"
            client = self.clients[service] = suds_client.Client(url, cache=None, timeout=10)
        request = {**envelope(self.sim, service), **fields}
        request["seal"] = compute_seal(request, self.sim.secret_key)
        output = getattr(client.service, function)(input=suds_input(request))
        answer = json_shape(output)
        assert isinstance(answer, dict)
        assert verify_seal(answer, self.sim.secret_key), answer  # suds read every field sent
        return answer


def test_a_token_a_payment_a_refund_and_a_look_up_through_suds(sim: Simulator) -> None:
    stack = Stack(sim)
    token = stack.call(
        "token",
        "paymentTokenGenerate",
        {"cardNumber": "4100000000000000", "cardExpiryDate": FUTURE, "cardCSCValue": "123"},
    )
    assert token["responseCode"] == "00" and token["paymentToken"]

    payment = {
        **{k: v for k, v in GUIDE_CARD_ORDER.items() if k not in ("cardExpiryDate",)},
        "cardNumber": "4100000000000000",
        "cardExpiryDate": FUTURE,
        "captureMode": "IMMEDIATE",
        "customerContact": {"email": "jane@example.com", "firstname": "Jane"},
        "fraudData": {"allowedCardCountryList": ["FRA", "BEL"]},  # a list in a container
        "transactionReference": "SUDS1",
    }
    paid = stack.call("checkout", "cardOrder", payment)
    assert paid["responseCode"] == "00", paid
    assert paid["transactionReference"] == "SUDS1"

    refund = {"transactionReference": "SUDS1", "operationAmount": "100", "currencyCode": "978"}
    refunded = stack.call("cashManagement", "refund", refund)
    assert refunded["responseCode"] == "00", refunded

    found = stack.call("diagnostic", "getTransactionData", {"transactionReference": "SUDS1"})
    assert found["responseCode"] == "00", found
    assert found["transactionStatus"] == sim.transaction("SUDS1").status  # type: ignore[union-attr]
    assert (found["originAmount"], found["remainingAmount"]) == ("1000", "900")
    assert found["lastOperationName"] == "refund"

    refused = stack.call("checkout", "cardOrder", {"amount": "1"})
    assert (refused["responseCode"], refused["errorFieldName"]) == ("12", "currencyCode")
