"""Both protocols against a local HTTP server: bytes sent, responses parsed, seals verified."""

from __future__ import annotations

import json
from typing import Any

import pytest
from lxml import etree

import sogenactif
from sogenactif.seal import compute_seal, verify_seal
from tests.support import (
    GUIDE_CARD_ORDER,
    MERCHANT_ID,
    SECRET_KEY,
    LocalServer,
    Recorded,
    Reply,
    json_reply,
    make_client,
    sealed,
    soap_reply,
)

# The paymentTokenGenerate page's response sample (its JSON has a trailing comma, so it is
# transcribed here as fields; its seal was made with an unpublished key and is recomputed).
PAYMENT_TOKEN = (
    "eyJ0eXAiOiJKV1QiLCJhbGciOiJIUzUxMiJ9.eyJkYXRhIjoiWXpjNU16RmtNekE0TVRGaE5HTTBOamd6TlRFd016WTRP"
    "VFl6TkRVMllqVT0iLCJwcm9jZXNzSWQiOiI3N2Q1NzYyMDFhOTM0YzAyYWVkNzc2MzJkMDMxMTBmNCIsInVzZVR5cGUi"
    "OiJQQVlNRU5UIiwicHJvY2Vzc0ludGVyZmFjZSI6IlNJUFNfTUFDSElORV9UT19NQUNISU5FIn0.j4DZnnMupH4SAbgMIp"
    "uk-fSOqnKgZs27H1qXXmfIBY48lwdYzhRGN1KspIFhH25c-5Q_osjHyUu_4URQMdcU_w"
)
SAMPLE_RESPONSE = {"paymentToken": PAYMENT_TOKEN, "responseCode": "00"}
# The page's request sample, without its envelope (merchantId, interfaceVersion, keyVersion, seal).
SAMPLE_REQUEST = {
    "cardCSCValue": "123",
    "cardExpiryDate": "202212",
    "cardNumber": "1234123412341234",
    "paymentMeanBrand": "VISA",
}
SOAP_NS = "urn:sips:cn:contract:office:token:v2"


def answer(protocol: str, fields: dict[str, Any]) -> Reply:
    if protocol == "rest":
        return json_reply(fields)
    return soap_reply("token", "paymentTokenGenerate", fields)


def sent_fields(protocol: str, request: Recorded) -> dict[str, Any]:
    """The fields of a recorded request, whatever the protocol."""
    if protocol == "rest":
        return dict(request.json())
    root = etree.fromstring(request.body)
    body = root.find("{http://schemas.xmlsoap.org/soap/envelope/}Body")
    assert body is not None
    operation = body[0]
    assert etree.QName(operation).namespace == SOAP_NS
    input_element = operation[0]
    assert etree.QName(input_element).localname == "input"
    return {etree.QName(child).localname: child.text for child in input_element}


def test_request_matches_the_dictionary_sample(server: LocalServer, protocol: str) -> None:
    server.reply = lambda req: answer(protocol, sealed(SAMPLE_RESPONSE, SECRET_KEY))
    client = make_client(server, protocol)
    client.token.payment_token_generate(
        card_csc_value="123",
        card_expiry_date="202212",
        card_number="1234123412341234",
        payment_mean_brand="VISA",
    )
    (request,) = server.requests
    fields = sent_fields(protocol, request)
    # Same fields as the dictionary's sample, plus the envelope the client fills in.
    assert fields == {
        **SAMPLE_REQUEST,
        "interfaceVersion": "TR_WS_" + sogenactif.INTERFACE_VERSION,
        "keyVersion": "1",
        "merchantId": MERCHANT_ID,
        "seal": fields["seal"],
    }
    assert verify_seal(fields, SECRET_KEY)
    if protocol == "rest":
        assert request.path == "/rs-services/v2/token/paymentTokenGenerate"
        assert request.headers["Content-Type"] == "application/json"
        # Keys in seal (ASCII) order, seal last, every value text: as in the sample.
        assert list(request.json()) == [*sorted(set(fields) - {"seal"}), "seal"]
        assert all(isinstance(v, str) for v in request.json().values())
    else:
        assert request.path == "/services/v2/token"
        assert request.headers["Content-Type"].startswith("text/xml")
        assert request.headers["SOAPAction"] == '""'


def test_response_sample_is_parsed_the_same_over_both_protocols(server: LocalServer) -> None:
    results = {}
    for protocol in ("rest", "soap"):
        server.reply = lambda req, p=protocol: answer(p, sealed(SAMPLE_RESPONSE, SECRET_KEY))
        resp = make_client(server, protocol).token.payment_token_generate(
            card_number="4100000000000000"
        )
        assert resp.response_code == "00"
        assert resp.payment_token == PAYMENT_TOKEN
        assert resp.sealed is True
        assert resp.raw["responseCode"] == "00"
        results[protocol] = resp
    assert results["rest"] == results["soap"]


def test_seal_is_verified_over_response_fields_in_any_order(
    server: LocalServer, protocol: str
) -> None:
    fields = sealed({"responseCode": "00", "paymentToken": "tok"}, SECRET_KEY)
    reordered = {"seal": fields["seal"], "paymentToken": "tok", "responseCode": "00"}
    server.reply = lambda req: answer(protocol, reordered)
    assert make_client(server, protocol).token.payment_token_generate().sealed


def test_tampered_response_seal_raises_and_is_not_retried(
    server: LocalServer, protocol: str
) -> None:
    fields = sealed(SAMPLE_RESPONSE, SECRET_KEY)
    fields["responseCode"] = "05"  # changed after sealing
    server.reply = lambda req: answer(protocol, fields)
    client = make_client(server, protocol)
    with pytest.raises(sogenactif.SealMismatchError, match="status is unknown") as info:
        client.token.payment_token_generate(card_number="4100000000000000")
    assert info.value.may_have_reached_server is True
    assert len(server.requests) == 1


def test_seal_made_with_another_key_raises(server: LocalServer, protocol: str) -> None:
    server.reply = lambda req: answer(protocol, sealed(SAMPLE_RESPONSE, "another-key"))
    with pytest.raises(sogenactif.SealMismatchError):
        make_client(server, protocol).token.payment_token_generate()


def test_unknown_fields_of_a_newer_platform_are_kept_and_sealed(
    server: LocalServer, protocol: str
) -> None:
    fields = sealed({"responseCode": "00", "brandNewField": "x", "paymentToken": "t"}, SECRET_KEY)
    server.reply = lambda req: answer(protocol, fields)
    resp = make_client(server, protocol).token.payment_token_generate()
    assert resp.model_extra == {"brandNewField": "x"}
    assert resp.raw["brandNewField"] == "x"


def test_unsigned_response_is_accepted_only_as_unsigned(server: LocalServer, protocol: str) -> None:
    server.reply = lambda req: answer(protocol, {"responseCode": "03"})
    resp = make_client(server, protocol).token.payment_token_generate()
    assert resp.sealed is False and resp.response_code == "03"
    strict = make_client(server, protocol, require_response_seal=True)
    with pytest.raises(sogenactif.UnsignedResponseError):
        strict.token.payment_token_generate()


@pytest.mark.parametrize(
    ("kwargs", "field", "reason"),
    [
        # N19, or ANS128 for a token: neither allows "€", nor 129 characters.
        ({"card_number": "4100 0000 0000 000€"}, "cardNumber", "digits, at most 19"),
        ({"card_number": "4" * 129}, "cardNumber", "at most 128"),
        ({"card_expiry_date": "202913"}, "cardExpiryDate", "N6"),
        (  # a closed list (the page gives it whole)
            {"payment_mean_brand_selection_status": "APPLIED"},
            "paymentMeanBrandSelectionStatus",
            "not a value of paymentMeanBrandSelectionStatus (a closed list)",
        ),
        # an open list still refuses a value it says may only be returned, and its format
        ({"payment_mean_brand": "UNKNOWN"}, "paymentMeanBrand", "may only be returned"),
        ({"payment_mean_brand": "V" * 21}, "paymentMeanBrand", "at most 20"),
        ({"card_csc_value": 123}, "cardCSCValue", "valid string"),
    ],
)
def test_bad_request_is_refused_before_sending(
    server: LocalServer, protocol: str, kwargs: dict[str, Any], field: str, reason: str
) -> None:
    client = make_client(server, protocol)
    with pytest.raises(sogenactif.RequestValidationError) as info:
        client.token.payment_token_generate(**kwargs)
    assert info.value.fields == [field]
    assert reason in str(info.value)
    assert info.value.may_have_reached_server is False
    assert server.requests == []
    for value in kwargs.values():
        assert str(value) not in str(info.value)  # the value is never echoed


def test_unknown_keyword_is_refused(server: LocalServer) -> None:
    client = make_client(server, "rest")
    with pytest.raises(sogenactif.RequestValidationError, match="cardNumbr: is not a field"):
        client.token.payment_token_generate(cardNumbr="4100000000000000")  # type: ignore[call-arg]
    assert server.requests == []


def test_request_model_or_keywords(server: LocalServer) -> None:
    from sogenactif.models.token import PaymentTokenGenerateRequest

    server.reply = lambda req: answer("rest", sealed(SAMPLE_RESPONSE, SECRET_KEY))
    client = make_client(server, "rest")
    request = PaymentTokenGenerateRequest(card_number="4100000000000000", payment_mean_brand="CB")
    client.token.payment_token_generate(request)
    assert server.requests[0].json()["paymentMeanBrand"] == "CB"
    with pytest.raises(sogenactif.RequestValidationError, match="not both"):
        client.token.payment_token_generate(request, card_number="4100000000000000")


def test_seal_algorithm_option_is_sent_and_used(server: LocalServer, protocol: str) -> None:
    server.reply = lambda req: answer(protocol, sealed(SAMPLE_RESPONSE, SECRET_KEY, "HMAC-SHA-512"))
    client = make_client(server, protocol, seal_algorithm="HMAC-SHA-512")
    assert client.token.payment_token_generate().sealed
    fields = sent_fields(protocol, server.requests[0])
    assert fields["sealAlgorithm"] == "HMAC-SHA-512"
    assert fields["seal"] == compute_seal(fields, SECRET_KEY, "HMAC-SHA-512")
    assert len(fields["seal"]) == 128


def test_client_repr_hides_the_secret() -> None:
    client = sogenactif.Client(merchant_id=MERCHANT_ID, secret_key=SECRET_KEY)
    assert SECRET_KEY not in repr(client) and SECRET_KEY not in str(vars(client))


@pytest.mark.parametrize(
    ("options", "message"),
    [
        ({"merchant_id": "12"}, "15-digit"),
        ({"secret_key": ""}, "secret key"),
        ({"key_version": 0}, "positive"),
        ({"environment": "staging"}, "environment must be"),
        ({"protocol": "grpc"}, "protocol"),
        ({"seal_algorithm": "MD5"}, "seal_algorithm"),
        ({"timeout": -1}, "positive"),
    ],
)
def test_bad_configuration_is_refused(options: dict[str, Any], message: str) -> None:
    base = {"merchant_id": MERCHANT_ID, "secret_key": SECRET_KEY}
    with pytest.raises(sogenactif.ConfigurationError, match=message):
        sogenactif.Client(**{**base, **options})


def test_json_body_is_utf8_once(server: LocalServer) -> None:
    """Non-ASCII text goes out as UTF-8 bytes, once (the seal is over the same bytes)."""
    from sogenactif.models.checkout import CardOrderRequest  # noqa: F401 - checkout exists

    server.reply = lambda req: answer("rest", sealed(SAMPLE_RESPONSE, SECRET_KEY))
    make_client(server, "rest").token.payment_token_generate(card_number="4100000000000000")
    body = server.requests[0].body
    assert json.loads(body.decode("utf-8"))["cardNumber"] == "4100000000000000"


def _soap_input_as_json(body: bytes) -> dict[str, Any]:
    """A recorded SOAP request's <input> back in the JSON shape (lists unwrapped)."""
    from sogenactif._dictionary import DICTIONARY

    root = etree.fromstring(body)
    operation = root.find("{http://schemas.xmlsoap.org/soap/envelope/}Body")[0]  # type: ignore[index]
    return _as_json(operation[0], DICTIONARY.list_items)


def _as_json(element: Any, list_items: Any) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for child in element:
        name = etree.QName(child).localname
        if name in list_items:
            out[name] = [
                _as_json(item, list_items) if len(item) else item.text or "" for item in child
            ]
        elif len(child):
            out[name] = _as_json(child, list_items)
        else:
            out[name] = child.text or ""
    return out


def test_card_order_matches_the_guide_sample(server: LocalServer, protocol: str) -> None:
    from sogenactif.models.checkout import CardOrderRequest

    def reply(req: Recorded) -> Reply:
        fields = sealed(
            {"responseCode": "00", "transactionReference": "SIM20230405100157"},
            SECRET_KEY,
            "SHA-256",
        )
        if protocol == "rest":
            return json_reply(fields)
        return soap_reply("checkout", "cardOrder", fields)

    server.reply = reply
    client = make_client(server, protocol, seal_algorithm="SHA-256")
    # The sample's values given as a request model built from its camelCase JSON.
    resp = client.checkout.card_order(CardOrderRequest.model_validate(GUIDE_CARD_ORDER))
    assert resp.response_code == "00" and resp.sealed
    (request,) = server.requests
    sent = request.json() if protocol == "rest" else _soap_input_as_json(request.body)
    envelope = {"interfaceVersion", "keyVersion", "merchantId", "seal", "sealAlgorithm"}
    assert {k: v for k, v in sent.items() if k not in envelope} == GUIDE_CARD_ORDER
    assert sent["interfaceVersion"] == "IR_WS_" + sogenactif.INTERFACE_VERSION
    assert sent["sealAlgorithm"] == "SHA-256"
    assert verify_seal(sent, SECRET_KEY, "SHA-256")
    if protocol == "rest":  # same key order as the sample at every level, seal last
        assert list(sent) == [*sorted(set(sent) - {"seal"}), "seal"]
        item = sent["shoppingCartDetail"]["shoppingCartItemList"][0]
        assert list(item) == sorted(item)


def test_card_order_keywords_with_ints_and_models(server: LocalServer) -> None:
    from sogenactif.models.common import ShoppingCartDetail, ShoppingCartItem

    server.reply = lambda req: json_reply(sealed({"responseCode": "00"}, SECRET_KEY))
    make_client(server, "rest").checkout.card_order(
        amount=1000,
        currency_code="978",
        card_number="4100000000000000",
        card_expiry_date="203012",
        transaction_reference="REF1",
        shopping_cart_detail=ShoppingCartDetail(
            shopping_cart_item_list=[ShoppingCartItem(product_code="P1", product_quantity=2)],
            shopping_cart_total_amount=40,
        ),
    )
    sent = server.requests[0].json()
    assert sent["amount"] == "1000"
    assert sent["shoppingCartDetail"] == {
        "shoppingCartItemList": [{"productCode": "P1", "productQuantity": "2"}],
        "shoppingCartTotalAmount": "40",
    }


def test_card_order_container_problems_name_the_path(server: LocalServer) -> None:
    client = make_client(server, "rest")
    with pytest.raises(sogenactif.RequestValidationError) as info:
        client.checkout.card_order(
            amount=1000,
            currency_code="978",
            transaction_reference="REF1",
            shopping_cart_detail={
                "shoppingCartItemList": [{"productCode": "P1"}, {"productCode": "x" * 999}]
            },
        )
    assert info.value.fields == ["shoppingCartDetail.shoppingCartItemList[1].productCode"]
    assert server.requests == []
