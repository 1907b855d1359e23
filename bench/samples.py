"""The data the benchmarks send and answer with: the Office Server JSON guide's cardOrder sample
with its shopping cart (two products), and a realistic sealed cardOrder response."""

from __future__ import annotations

import json
from typing import Any
from xml.sax.saxutils import escape

from tests.samples import GUIDE_CARD_ORDER

MERCHANT_ID = "201040040170001"  # the guide's public test shop
SECRET_KEY = "rxSP61eeP_oNi5TxCD7Ngy9YcwC8MLw6OlmFGGcsY54"
KEY_VERSION = 1

# The guide's second cardOrder sample, minus its envelope (the client adds merchantId,
# keyVersion, interfaceVersion and the seal).
CARD_ORDER: dict[str, Any] = GUIDE_CARD_ORDER

# The sample exactly as the guide prints it (envelope included, SHA-256 requested): what the seal
# benchmark signs.
GUIDE_SAMPLE: dict[str, Any] = {
    **CARD_ORDER,
    "interfaceVersion": "IR_WS_2.49",
    "keyVersion": "1",
    "merchantId": MERCHANT_ID,
    "sealAlgorithm": "SHA-256",
}

# Keyword arguments for client.checkout.card_order: the same values, snake_case.
CARD_ORDER_KEYWORDS: dict[str, Any] = {
    "amount": 1000,
    "capture_day": 0,
    "capture_mode": "AUTHOR_CAPTURE",
    "card_csc_value": "100",
    "card_expiry_date": "202305",
    "card_number": "5017670000000000",
    "currency_code": "978",
    "customer_id": "customerId1",
    "customer_ip_address": "",
    "merchant_transaction_date_time": "2023-04-05T10:01:56.520+02:00",
    "order_channel": "INTERNET",
    "order_id": "123",
    "pan_type": "PAN",
    "payment_pattern": "ONE_SHOT",
    "return_context": "Mon contexte de retour",
    "shopping_cart_detail": CARD_ORDER["shoppingCartDetail"],
    "transaction_origin": "SIPS-SIM",
    "transaction_reference": "SIM20230405100157",
}

# A cardOrder answer with the fields an accepted card payment carries.
CARD_ORDER_RESPONSE: dict[str, Any] = {
    "acquirerResponseCode": "00",
    "authorisationId": "123456",
    "cardCSCResultCode": "4E",
    "cardScheme": "MASTERCARD",
    "complementaryCode": "00",
    "guaranteeIndicator": "Y",
    "holderAuthentStatus": "SUCCESS",
    "maskedPan": "5017##########00",
    "orderId": "123",
    "responseCode": "00",
    "returnContext": "Mon contexte de retour",
    "scoreColor": "GREEN",
    "scoreInfo": "A3;N;N#SC;N;TRANS=3:2;CUMUL=4500:250000",
    "scoreProfile": "DEFAULT",
    "transactionDateTime": "2023-04-05T10:01:58+02:00",
    "transactionReference": "SIM20230405100157",
}

REST_PATH = "/rs-services/v2/checkout/cardOrder"
SOAP_PATH = "/services/v2/checkout"
SOAP_NS = "urn:sips:cn:contract:office:checkout:v2"
SOAP_ENV = "http://schemas.xmlsoap.org/soap/envelope/"


def sealed(fields: dict[str, Any]) -> dict[str, Any]:
    from sogenactif.seal import compute_seal

    return {**fields, "seal": compute_seal(fields, SECRET_KEY)}


def json_body(fields: dict[str, Any]) -> bytes:
    return json.dumps(fields, ensure_ascii=False, separators=(",", ":")).encode("utf-8")


def _xml(fields: dict[str, Any], list_items: dict[str, str]) -> str:
    parts = []
    for name, value in fields.items():
        if isinstance(value, list):
            item = list_items.get(name, name[:-4])
            inner = "".join(
                f"<{item}>{_xml(v, list_items) if isinstance(v, dict) else escape(str(v))}</{item}>"
                for v in value
            )
            parts.append(f"<{name}>{inner}</{name}>")
        elif isinstance(value, dict):
            parts.append(f"<{name}>{_xml(value, list_items)}</{name}>")
        else:
            parts.append(f"<{name}>{escape(str(value))}</{name}>")
    return "".join(parts)


def soap_envelope(
    function: str, wrapper: str, fields: dict[str, Any], list_items: dict[str, str]
) -> bytes:
    """``<fn><wrapper>…</wrapper></fn>`` in a SOAP 1.1 envelope (the dictionary's body shape)."""
    return (
        '<?xml version="1.0" encoding="UTF-8"?>'
        f'<soap:Envelope xmlns:soap="{SOAP_ENV}"><soap:Body>'
        f'<{function} xmlns="{SOAP_NS}"><{wrapper}>{_xml(fields, list_items)}</{wrapper}>'
        f"</{function}></soap:Body></soap:Envelope>"
    ).encode()
