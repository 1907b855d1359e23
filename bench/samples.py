"""The data the benchmarks send and answer with: the Office Server JSON guide's cardOrder sample
with its shopping cart (two products), and a realistic sealed cardOrder response."""

from __future__ import annotations

import json
import re
from pathlib import Path
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

WSDL_DIR = Path(__file__).resolve().parent.parent / "generated/sogenactif/wsdl"
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


def xsd_order(service: str, type_name: str) -> list[str]:
    """The element names of complex type ``type_name`` in the service's generated XSD, in their
    sequence's order (read with a regular expression: the generated XSD is one element a line)."""
    text = (WSDL_DIR / f"{service}.xsd").read_text("utf-8")
    start = text.index(f'<xsd:complexType name="{type_name}">')
    end = text.index("</xsd:complexType>", start)
    return re.findall(r'<xsd:element name="([^"]+)"', text[start:end])


def in_xsd_order(fields: dict[str, Any], order: list[str]) -> dict[str, Any]:
    """``fields`` in the order a schema-driven server writes them (the XSD's sequence). The
    client reads replies by name in any order; zeep needs the schema's order (out of order, it
    leaves ``responseCode`` as None), so the canned SOAP reply is written in it for both."""
    rank = {name: i for i, name in enumerate(order)}
    return {name: fields[name] for name in sorted(fields, key=lambda n: rank.get(n, len(rank)))}


def zeep_shape(value: Any, list_items: dict[str, str], name: str = "") -> Any:
    """Wire fields as zeep takes them: a list as its wrapper holding the items' element."""
    if isinstance(value, dict):
        return {k: zeep_shape(v, list_items, k) for k, v in value.items()}
    if isinstance(value, list):
        item = list_items.get(name, name[:-4])
        return {item: [zeep_shape(v, list_items) for v in value]}
    return value


def cart_item(i: int) -> dict[str, str]:
    """One product of a shopping cart, as in the guide's sample."""
    return {
        "productCategory": "Physical",
        "productCode": f"CodeProd{i}",
        "productDescription": f"Prod_Description{i}",
        "productName": f"productName{i}",
        "productQuantity": "2",
        "productSKU": f"productSKU{i}",
        "productTaxRate": "0",
        "productUnitAmount": "10",
        "productUnitTaxAmount": "240",
    }


def card_order_with_cart(items: int) -> dict[str, Any]:
    """The benchmark's cardOrder keywords with a cart of ``items`` products."""
    cart = {
        "shoppingCartItemList": [cart_item(i) for i in range(1, items + 1)],
        "shoppingCartTotalAmount": str(20 * items),
        "shoppingCartTotalTaxAmount": str(480 * items),
    }
    return {**CARD_ORDER_KEYWORDS, "shopping_cart_detail": cart}
