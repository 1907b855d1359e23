"""Empty values the dictionary allows (spec: ``empty_allowed``).

"Card expiry date. If the card does not have any expiry date, this field is empty" (Sogenactif
paymentTokenGenerate and addCard pages; addCard requires the field). So ``""`` is a value there:
no pattern applies to it, it fills a required field, and it is sent (JSON ``""``, SOAP an empty
element); absent still means "not sent". The client's two paths and the simulator agree.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

import sogenactif
from generator.spec import FieldDef, load_spec
from sogenactif._dictionary import DICTIONARY
from sogenactif.models.wallet import AddCardRequest
from sogenactif.seal import compute_seal
from sogenactif.testing import Simulator
from sogenactif_core import _wire
from sogenactif_core._masked import reveal_all
from sogenactif_core._metadata import FieldRule
from tests.support import FUTURE, MERCHANT_ID, SECRET_KEY, send

SPEC = load_spec(Path(__file__).resolve().parents[2] / "spec")
FUNCTIONS = DICTIONARY.functions()
ADD_CARD = FUNCTIONS[("wallet", "addCard")]


def test_the_rules_carry_the_specs_empty_values() -> None:
    allowed: set[str] = set()

    def compare(rule: FieldRule, definition: FieldDef, where: str) -> None:
        assert rule.empty_allowed is definition.empty_allowed, where
        if definition.empty_allowed:
            allowed.add(where.split(".", 2)[2])
        if definition.items is not None:
            assert rule.item is not None
            compare(rule.item, definition.items, where + "[]")
        elif definition.type == "container":
            members = SPEC.containers[definition.container or ""].fields
            for use in members:
                compare((rule.children or {})[use.name], use.field, f"{where}.{use.name}")

    for service, function in SPEC.iter_functions():
        fn = FUNCTIONS[(service.name, function.name)]
        for use in function.request:
            if use.name in fn.request_fields:
                compare(fn.request_fields[use.name], use.field, f"{fn.qualified_name}.{use.name}")
    assert allowed == {"cardExpiryDate", "panDataList[].cardExpiryDate"}
    assert ADD_CARD.request_fields["cardExpiryDate"].required


KEYWORDS = {"merchant_wallet_id": "W1", "card_number": "4100000000000000"}


@pytest.mark.parametrize("path", ["keywords", "model"])
def test_an_empty_expiry_date_is_sent_and_fills_a_required_field(path: str) -> None:
    given = {**KEYWORDS, "card_expiry_date": ""}
    if path == "keywords":
        fields = _wire.encode_keywords(ADD_CARD, given)
        assert fields is not None  # the fast path takes it, as the model path does
    else:
        fields = _wire.encode_request(ADD_CARD, AddCardRequest(**given))
    assert fields["cardExpiryDate"] == ""
    clear = reveal_all(fields)  # the card number is held masked on the wire fields
    assert json.loads(json.dumps(clear))["cardExpiryDate"] == ""


def test_absent_is_still_missing_and_other_patterns_still_refuse_empty() -> None:
    with pytest.raises(sogenactif.RequestValidationError) as info:
        _wire.encode_request(ADD_CARD, AddCardRequest.model_construct(**KEYWORDS))
    assert ("cardExpiryDate", "is required") in info.value.problems
    card_order = FUNCTIONS[("checkout", "cardOrder")]
    rule = card_order.request_fields["cardEffectiveDate"]
    assert rule.pattern and not rule.empty_allowed
    given = {"amount": 1, "currency_code": "978", "card_effective_date": ""}
    assert _wire.encode_keywords(card_order, given) is None
    problems: list[tuple[str, str]] = []
    _wire._encode_mapping({"cardEffectiveDate": ""}, {"cardEffectiveDate": rule}, (), "", problems)
    assert problems and problems[0][0] == "cardEffectiveDate"
    problems = []
    _wire._encode_mapping({"cardExpiryDate": "2029"}, ADD_CARD.request_fields, (), "", problems)
    assert [p for p, _ in problems] == ["cardExpiryDate"]  # a non-empty value keeps YYYYMM


def test_the_client_sends_it_on_both_wires() -> None:
    sent: list[Any] = []

    def answer(call: Any) -> dict[str, Any]:
        sent.append(call)
        fields = {"walletResponseCode": "00"}
        return {**fields, "seal": compute_seal(fields, SECRET_KEY)}

    transport = sogenactif.MockTransport(answer)
    client = sogenactif.Client(merchant_id=MERCHANT_ID, secret_key=SECRET_KEY, transport=transport)
    client.wallet.add_card(**KEYWORDS, card_expiry_date="")
    from sogenactif_core._soap import SoapCodec

    codec = SoapCodec(
        DICTIONARY.soap_path,
        {n: s.soap_namespace for n, s in DICTIONARY.services.items()},
        DICTIONARY.list_items,
    )
    assert sent[0].fields["cardExpiryDate"] == ""
    assert b"<ns0:cardExpiryDate></ns0:cardExpiryDate>" in codec.encode(sent[0])


# --------------------------------------------------------------------------- the simulator


@pytest.fixture(scope="module")
def sim() -> Iterator[Simulator]:
    with Simulator() as simulator:
        yield simulator


@pytest.mark.parametrize("protocol", ["rest", "soap"])
def test_the_simulator_takes_a_card_without_expiry_date(sim: Simulator, protocol: str) -> None:
    client = sogenactif.Client(
        merchant_id=sim.merchant_id,
        secret_key=sim.secret_key,
        key_version=sim.key_version,
        environment=sim.base_url,
        protocol=protocol,  # type: ignore[arg-type]
    )
    added = client.wallet.add_card(
        merchant_wallet_id=f"NOEXP-{protocol}", card_number="4100000000000000", card_expiry_date=""
    )
    assert added.wallet_response_code == "00", added.raw
    token = client.token.payment_token_generate(card_number="4100000000000000", card_expiry_date="")
    assert token.response_code == "00"


@pytest.mark.parametrize("protocol", ["rest", "soap"])
def test_the_simulator_judges_empty_values_as_the_client_does(
    sim: Simulator, protocol: str
) -> None:
    base = {"merchantWalletId": f"E-{protocol}", "cardNumber": "4100000000000000"}
    missing = send(sim, protocol, "wallet", "addCard", base)
    assert (missing["walletResponseCode"], missing.get("errorFieldName")) == (
        "12",
        "cardExpiryDate",
    )
    empty = send(sim, protocol, "wallet", "addCard", {**base, "cardExpiryDate": ""})
    assert empty["walletResponseCode"] == "00", empty
    bad = send(sim, protocol, "wallet", "addCard", {**base, "cardExpiryDate": "2029"})
    assert (bad["walletResponseCode"], bad.get("errorFieldName")) == ("30", "cardExpiryDate")
    order = {
        "amount": "100",
        "currencyCode": "978",
        "cardNumber": "4100000000000000",
        "cardExpiryDate": FUTURE,
        "transactionReference": f"EMPTYEFF{protocol}",
    }
    # "" means absent elsewhere: a pattern field left empty is not sent as a value.
    ok = send(sim, protocol, "checkout", "cardOrder", {**order, "cardEffectiveDate": ""})
    assert ok["responseCode"] == "00", ok
