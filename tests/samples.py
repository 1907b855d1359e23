"""Samples transcribed from the Sogenactif documents in ../shared/reference/: data only, shared by
the tests (through ``tests/support.py``) and the benchmarks."""

from __future__ import annotations

from typing import Any

# The Office Server JSON guide's second cardOrder sample (with a shopping cart), minus its envelope.
GUIDE_CARD_ORDER: dict[str, Any] = {
    "amount": "1000",
    "captureDay": "0",
    "captureMode": "AUTHOR_CAPTURE",
    "cardCSCValue": "100",
    "cardExpiryDate": "202305",
    "cardNumber": "5017670000000000",
    "currencyCode": "978",
    "customerId": "customerId1",
    "customerIpAddress": "",
    "merchantTransactionDateTime": "2023-04-05T10:01:56.520+02:00",
    "orderChannel": "INTERNET",
    "orderId": "123",
    "panType": "PAN",
    "paymentPattern": "ONE_SHOT",
    "returnContext": "Mon contexte de retour",
    "shoppingCartDetail": {
        "shoppingCartItemList": [
            {
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
            for i in (1, 2)
        ],
        "shoppingCartTotalAmount": "40",
        "shoppingCartTotalTaxAmount": "960",
    },
    "transactionOrigin": "SIPS-SIM",
    "transactionReference": "SIM20230405100157",
}
