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


# The SOAP samples of the Sogenactif paymentTokenGenerate page (Release 24.2,
# shared/reference/sogenactif-data-dictionary-paymentTokenGenerate.txt), verbatim. The page prints
# them without their envelope, and the request without a declaration of its "urn" prefix. Unlike
# the page's JSON samples, the request carries neither keyVersion nor seal, and the response no
# seal (fact sheet, shared/reference/sips-office-facts.md, section 3.5).
SOAP_PAYMENT_TOKEN_GENERATE_REQUEST = """\
<urn:paymentTokenGenerate>
         <urn:input>
            <urn:merchantId>001112233440000</urn:merchantId>
            <urn:interfaceVersion>TR_WS_2.41</urn:interfaceVersion>
            <urn:cardNumber>1234123412341234</urn:cardNumber>
            <urn:cardExpiryDate>202212</urn:cardExpiryDate>
            <urn:cardCSCValue>123</urn:cardCSCValue>
            <urn:paymentMeanBrand>VISA</urn:paymentMeanBrand>
         </urn:input>
      </urn:paymentTokenGenerate>"""
SOAP_PAYMENT_TOKEN_GENERATE_RESPONSE = """\
<paymentTokenGenerateResponse xmlns="urn:sips:cn:contract:office:token:v2">
         <output>
            <responseCode>00</responseCode>
            <paymentToken>eyJ0eXAiOiJKV1QiLCJhbGciOiJIUzUxMiJ9.eyJkYXRhIjoiWXpjNU16RmtNekE0TVRGaE5HTTBOamd6TlRFd016WTRPVFl6TkRVMllqVT0iLCJwcm9jZXNzSWQiOiI3N2Q1NzYyMDFhOTM0YzAyYWVkNzc2MzJkMDMxMTBmNCIsInVzZVR5cGUiOiJQQVlNRU5UIiwicHJvY2Vzc0ludGVyZmFjZSI6IlNJUFNfTUFDSElORV9UT19NQUNISU5FIn0.j4DZnnMupH4SAbgMIpuk-fSOqnKgZs27H1qXXmfIBY48lwdYzhRGN1KspIFhH25c-5Q_osjHyUu_4URQMdcU_w</paymentToken>
         </output>
      </paymentTokenGenerateResponse>"""

# The element order of the other SOAP request samples the spec records (in the notes and comments
# of spec/services/*.yaml: Sogenactif getWalletData, updatePaymentMean, deletePaymentMean,
# refuseChallenge and paymentProviderFinalize pages, the Worldline tokenToPan page; addresses
# there). Only the order was transcribed: the values are ours. None carries keyVersion or seal.
SOAP_SAMPLE_ORDERS: dict[tuple[str, str], list[tuple[str, Any]]] = {
    ("wallet", "getWalletData"): [
        ("merchantId", "011223344550000"),
        ("interfaceVersion", "WR_WS_2.53"),
        ("merchantWalletId", "1205987"),
    ],
    ("wallet", "updatePaymentMean"): [
        ("merchantId", "011223344550000"),
        ("interfaceVersion", "WR_WS_2.53"),
        ("merchantWalletId", "1205987"),
        ("paymentMeanId", "14"),
        ("paymentMeanAlias", "my card"),
    ],
    ("wallet", "deletePaymentMean"): [
        ("merchantId", "011223344550000"),
        ("interfaceVersion", "WR_WS_2.53"),
        ("merchantWalletId", "1205987"),
        ("paymentMeanId", "14"),
    ],
    ("cashManagement", "refuseChallenge"): [
        ("comment", "fraud"),
        ("interfaceVersion", "CR_WS_2.55"),
        ("merchantId", "011223344550000"),
        ("operationOrigin", "BO"),
        ("transactionReference", "TREFEXA2015"),
    ],
    ("checkout", "paymentProviderFinalize"): [
        ("merchantId", "011223344550000"),
        ("transactionReference", "TREFEXA2015"),
        ("interfaceVersion", "IR_WS_2.53"),
        ("redirectionData", "mErTbq8l9Bv"),
        ("messageVersion", "0.1"),
    ],
    ("token", "tokenToPan"): [
        ("merchantId", "011223344550000"),
        ("interfaceVersion", "TR_WS_2.53"),
        ("userId", "gestionnaire"),
        ("tokenPanDataList", [{"tokenPanId": "1", "tokenPan": "tKn7Qz9xWv3Lr8"}]),
    ],
}
