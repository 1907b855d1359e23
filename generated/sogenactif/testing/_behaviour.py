# Copied by `python -m generator` from generator/runtime/testing/_behaviour.py. Do not edit here: edit the original and regenerate.
"""What each function does to the simulated platform's state.

Transactions (one per ``transactionReference`` and shop; a reference already used, even by a
refused payment, gives **94** to cardOrder, walletOrder, duplicate and creditHolder):

======================  =====================================================================
status                  reached by
======================  =====================================================================
TO_VALIDATE             an accepted payment with captureMode VALIDATION; becomes EXPIRED when
                        not validated by its captureLimitDate (creation + captureDay days)
TO_CAPTURE              an accepted payment with captureMode AUTHOR_CAPTURE (the default), or a
                        validated one; captured by the remittance at the end of its capture day
                        (creation + captureDay days; the validation day once validated)
CAPTURED                after that remittance, or at once with captureMode IMMEDIATE
CANCELLED               cancel of the whole current amount (before capture)
CREDITED                refund of the whole captured amount; also a creditHolder once remitted
TO_CREDIT               a creditHolder / walletCreditHolder before its remittance
REFUSED / PENDING       a payment the test card refused (60 gives PENDING)
======================  =====================================================================

The clock is the real one plus the days :meth:`Simulator.advance_days` added; moving it on runs
the remittances of the days passed (nothing is captured while the simulated day lasts).

Operations, each refused with **24** when the status or the amounts do not allow it (and **25**
for an unknown transaction, **12** for an operationAmount of 0 or a currencyCode that is not the
transaction's):

- cancel: TO_VALIDATE or TO_CAPTURE, operationAmount <= currentAmount; lowers currentAmount,
  CANCELLED when nothing is left;
- validate: TO_VALIDATE only, operationAmount <= currentAmount; currentAmount becomes the
  validated amount (the rest is released), status TO_CAPTURE;
- refund: CAPTURED only, operationAmount <= what has not been refunded yet; CREDITED when all is
  refunded (a partial refund leaves it CAPTURED, with a lower remainingAmount);
- duplicate: a new payment on the card of an accepted transaction (``fromTransactionReference``,
  of ``fromMerchantId`` or the same shop), authorised again as a new cardOrder;
- acceptChallenge / refuseChallenge: the simulator never holds a transaction for review, so 24.

Amounts read back by getTransactionData: ``originAmount`` (authorised), ``currentAmount`` (what
the transaction stands at after cancels and validation), ``remainingAmount`` (what can still be
cancelled or validated before capture, refunded after; 0 once cancelled or credited).

Cards come from ``cardNumber`` (test card rules in ``_cards``), from a token (``panType``
TOKEN_PAN with a ``tokenPan`` from panToToken in ``cardNumber``, or a ``paymentToken`` from
paymentTokenGenerate), or from a wallet (``merchantWalletId`` + ``paymentMeanId``). Wallets and
tokens persist like transactions. Functions without a behaviour here (3-D Secure enrolment and
authentication, payment providers) are checked like every other, then answered **40** (function
not available to the shop).
"""

from __future__ import annotations

import base64
import hashlib
import json
import secrets
from collections.abc import Mapping
from datetime import timedelta
from typing import Any

from ._cards import authorise, brand_of, brands_of, expired, masked
from ._checks import Refusal
from ._platform import Behaviour, Call
from ._store import Card, PaymentMean, Token, Transaction

CAPTURE_MODES = ("AUTHOR_CAPTURE", "VALIDATION", "IMMEDIATE")
PAYMENT_TYPES = {
    "AMEX": "CARD",
    "CB": "CARD",
    "DINERS": "CARD",
    "MAESTRO": "CARD",
    "MASTERCARD": "CARD",
    "VISA": "CARD",
}


# --------------------------------------------------------------------------- helpers


def _reference(call: Call) -> str:
    """The transaction's key: its transactionReference, or its Sips 1.0 reference."""
    reference = call.text("transactionReference")
    if reference:
        return reference
    s10 = call.container("s10TransactionReference")
    s10_id = s10.get("s10TransactionId")
    if isinstance(s10_id, str) and s10_id:
        day = s10.get("s10TransactionIdDate") or call.today.strftime("%Y%m%d")
        return f"S10-{s10_id}-{day}"
    # The test shop is in transactionReference mode, without references made by the platform.
    raise Refusal("12", "transactionReference")


def _reference_fields(reference: str) -> dict[str, Any]:
    if reference.startswith("S10-"):
        _, s10_id, day = reference.split("-", 2)
        return {
            "s10TransactionReference": {"s10TransactionId": s10_id, "s10TransactionIdDate": day}
        }
    return {"transactionReference": reference}


def _existing(
    call: Call, merchant_id: str | None = None, reference: str | None = None
) -> Transaction:
    found = call.store.transaction(merchant_id or call.merchant_id, reference or _reference(call))
    if found is None:
        raise Refusal("25")
    return found


def _day(text: str | None) -> str | None:
    """YYYY-MM-DD -> YYYYMMDD, the dictionary's date format."""
    return text.replace("-", "") if text else None


def _card_from_number(call: Call, number_field: str = "cardNumber") -> Card:
    """The card of a request: clear PAN, tokenPan (panType TOKEN_PAN) or paymentToken."""
    if call.has("paymentToken"):
        token = call.store.token(call.required("paymentToken"), "payment")
        if token is None:
            raise Refusal("14")
        return token.card
    pan_type = call.text("panType") or "PAN"
    number = call.required(number_field)
    expiry = call.text("cardExpiryDate")
    if pan_type == "TOKEN_PAN":
        token = call.store.token(number, "pan")
        if token is None or token.merchant_id != call.merchant_id:
            raise Refusal("14")
        return Card(token.card.pan, expiry or token.card.expiry, token.card.brand)
    if pan_type != "PAN":
        raise Refusal("40")  # client-side encryption needs keys the simulator does not have
    if not number.isdigit():
        raise Refusal("30", number_field)
    if expiry is None:
        raise Refusal("12", "cardExpiryDate")
    brand = brand_of(number)
    return Card(number, expiry, brand or "")


def _wallet_card(call: Call) -> tuple[PaymentMean, Card]:
    wallet_id = call.required("merchantWalletId")
    mean_id = call.integer("paymentMeanId", required=True)
    assert mean_id is not None
    mean = call.store.payment_mean(call.merchant_id, wallet_id, mean_id)
    if mean is None:
        raise Refusal("25")
    return mean, mean.card


def _amount(call: Call, name: str = "amount") -> int:
    value = call.integer(name, required=True)
    assert value is not None
    return value


def _remaining(t: Transaction) -> int:
    if t.status in ("TO_VALIDATE", "TO_CAPTURE"):
        return t.current_amount
    if t.status == "CAPTURED":
        return t.current_amount - t.refunded_amount
    return 0


def _payment_fields(t: Transaction) -> dict[str, Any]:
    """What a payment function answers about the transaction it created."""
    accepted = t.response_code == "00"
    details = t.details
    fields: dict[str, Any] = {
        "responseCode": t.response_code,
        "acquirerResponseCode": details.get("acquirerResponseCode"),
        "authorisationId": details.get("authorisationId") if accepted else None,
        "transactionDateTime": t.created_at,
        **_reference_fields(t.reference),
        "orderId": details.get("orderId"),
        "returnContext": details.get("returnContext"),
        "maskedPan": masked(t.card.pan),
        "cardScheme": t.card.brand
        if t.card.brand in ("VISA", "MASTERCARD", "AMEX", "CB")
        else None,
        "cardCSCResultCode": "4D" if details.get("cscGiven") else None,
        "guaranteeIndicator": "N",
        "holderAuthentStatus": "NO_AUTHENT",
        "paymentMeanBrand": t.card.brand,
        "paymentMeanType": PAYMENT_TYPES.get(t.card.brand),
        "captureDay": t.capture_day,
        "captureMode": t.capture_mode,
        "captureLimitDate": _day(t.capture_limit_date or t.capture_date),
        "transactionPlatform": "SIMU",
        "panEntryMode": details.get("panEntryMode", "MANUAL"),
        "panExpiryDate": t.card.expiry,
        "walletType": details.get("walletType"),
        "customerId": details.get("customerId"),
        "amount": t.origin_amount,
        "currencyCode": t.currency_code,
    }
    return fields


def _new_payment(call: Call, card: Card, origin: str, **details: Any) -> Transaction:
    """Authorise ``card`` for the request's amount and store the transaction (94 when taken)."""
    reference = _reference(call)
    amount = _amount(call)
    currency = call.required("currencyCode")
    if call.store.reference_taken(call.merchant_id, reference):
        raise Refusal("94")
    mode = call.text("captureMode") or "AUTHOR_CAPTURE"
    if mode not in CAPTURE_MODES:
        raise Refusal("12", "captureMode")
    capture_day = call.integer("captureDay") or 0
    brand = call.text("paymentMeanBrand")
    auth = authorise(card.pan, card.expiry, call.today, brand)
    card = Card(card.pan, card.expiry, auth.brand or card.brand)
    capture_date = limit = None
    if auth.response_code == "00":
        if mode == "IMMEDIATE":
            status, capture_date = "CAPTURED", call.today.isoformat()
        elif mode == "VALIDATION":
            status = "TO_VALIDATE"
            limit = (call.today + timedelta(days=capture_day)).isoformat()
        else:
            status = "TO_CAPTURE"
            capture_date = (call.today + timedelta(days=capture_day)).isoformat()
    else:
        status = "PENDING" if auth.response_code == "60" else "REFUSED"
    info: dict[str, Any] = {
        "acquirerResponseCode": auth.acquirer_response_code,
        "cscGiven": call.has("cardCSCValue"),
        **{k: call.text(k) for k in ("orderId", "returnContext", "customerId", "orderChannel")},
        **details,
    }
    if auth.response_code == "00":
        info["authorisationId"] = f"{secrets.randbelow(10**6):06d}"
    transaction = Transaction(
        merchant_id=call.merchant_id,
        reference=reference,
        origin=origin,
        status=status,
        response_code=auth.response_code,
        currency_code=currency,
        origin_amount=amount,
        current_amount=amount if auth.response_code == "00" else 0,
        capture_mode=mode,
        capture_day=capture_day,
        created_at=call.timestamp,
        card=card,
        capture_date=capture_date,
        capture_limit_date=limit,
        details={k: v for k, v in info.items() if v is not None},
    )
    if not call.store.insert_transaction(transaction):
        raise Refusal("94")
    return transaction


# --------------------------------------------------------------------------- checkout


def card_order(call: Call) -> dict[str, Any]:
    card = _card_from_number(call)
    if not card.brand or not brands_of(card.pan):
        # Not a card: refused without a transaction (the reference stays free).
        raise Refusal("14")
    return _payment_fields(_new_payment(call, card, call.function))


def wallet_order(call: Call) -> dict[str, Any]:
    mean, card = _wallet_card(call)
    call.store.ensure_wallet(call.merchant_id, mean.wallet_id, call.timestamp)
    t = _new_payment(call, card, call.function, panEntryMode="WALLET", walletType="MERCHANT_WALLET")
    return {**_payment_fields(t), "paymentMeanId": str(mean.payment_mean_id)}


# --------------------------------------------------------------------------- cash management


def _operation_amount(call: Call, t: Transaction) -> int:
    amount = _amount(call, "operationAmount")
    if amount <= 0:
        raise Refusal("12", "operationAmount")
    currency = call.text("currencyCode")
    if currency is not None and currency != t.currency_code:
        raise Refusal("12", "currencyCode")
    return amount


def _operated(call: Call, t: Transaction, amount: int, new_amount: int) -> dict[str, Any]:
    t.last_operation = call.function
    t.last_operation_at = call.timestamp
    call.store.update_transaction(t)
    call.store.add_operation(
        t.merchant_id, t.reference, call.function, amount, "00", t.status, call.timestamp
    )
    return {
        "responseCode": "00",
        "acquirerResponseCode": "00",
        "authorisationId": t.details.get("authorisationId"),
        "newAmount": new_amount,
        "newStatus": t.status,
        "operationDateTime": call.timestamp,
        "captureLimitDate": _day(t.capture_limit_date or t.capture_date),
        **_reference_fields(t.reference),
        "currencyCode": t.currency_code,
    }


def _refused_operation(call: Call, t: Transaction, amount: int | None) -> dict[str, Any]:
    """24, kept in the transaction's history (a raised Refusal would roll the record back)."""
    call.store.add_operation(
        t.merchant_id, t.reference, call.function, amount, "24", t.status, call.timestamp
    )
    return {"responseCode": "24"}


def cancel(call: Call) -> dict[str, Any]:
    t = _existing(call)
    amount = _operation_amount(call, t)
    if t.status not in ("TO_VALIDATE", "TO_CAPTURE") or amount > t.current_amount:
        return _refused_operation(call, t, amount)
    t.current_amount -= amount
    if t.current_amount == 0:
        t.status = "CANCELLED"
    return _operated(call, t, amount, t.current_amount)


def validate(call: Call) -> dict[str, Any]:
    t = _existing(call)
    amount = _operation_amount(call, t)
    if t.status != "TO_VALIDATE" or amount > t.current_amount:
        return _refused_operation(call, t, amount)
    t.current_amount = amount
    t.status = "TO_CAPTURE"
    t.capture_date = call.today.isoformat()
    return _operated(call, t, amount, t.current_amount)


def refund(call: Call) -> dict[str, Any]:
    t = _existing(call)
    amount = _operation_amount(call, t)
    if t.status != "CAPTURED" or amount > t.current_amount - t.refunded_amount:
        return _refused_operation(call, t, amount)
    t.refunded_amount += amount
    if t.refunded_amount == t.current_amount:
        t.status = "CREDITED"
    return _operated(call, t, amount, t.current_amount - t.refunded_amount)


def duplicate(call: Call) -> dict[str, Any]:
    source_reference = call.required("fromTransactionReference")
    source_shop = call.text("fromMerchantId") or call.merchant_id
    source = _existing(call, source_shop, source_reference)
    if source.response_code != "00":
        raise Refusal("24")
    t = _new_payment(call, source.card, call.function, fromTransactionReference=source_reference)
    return _payment_fields(t)


def challenge(call: Call) -> dict[str, Any]:
    t = _existing(call)
    return _refused_operation(call, t, None)  # never TO_CHALLENGE in the simulator


def _credit(call: Call, card: Card, **details: Any) -> dict[str, Any]:
    reference = _reference(call)
    amount = _amount(call)
    if amount <= 0:
        raise Refusal("12", "amount")
    currency = call.required("currencyCode")
    if not brands_of(card.pan):
        raise Refusal("14")
    if expired(card.expiry, call.today):
        raise Refusal("54")
    t = Transaction(
        merchant_id=call.merchant_id,
        reference=reference,
        origin=call.function,
        status="TO_CREDIT",
        response_code="00",
        currency_code=currency,
        origin_amount=amount,
        current_amount=amount,
        capture_mode="AUTHOR_CAPTURE",
        capture_day=0,
        created_at=call.timestamp,
        card=card,
        capture_date=call.today.isoformat(),
        details={k: v for k, v in details.items() if v is not None},
    )
    if not call.store.insert_transaction(t):
        raise Refusal("94")
    return {
        **_payment_fields(t),
        "newAmount": amount,
        "newStatus": t.status,
        "operationDateTime": call.timestamp,
    }


def credit_holder(call: Call) -> dict[str, Any]:
    return _credit(call, _card_from_number(call))


def wallet_credit_holder(call: Call) -> dict[str, Any]:
    _mean, card = _wallet_card(call)
    return _credit(call, card, panEntryMode="WALLET", walletType="MERCHANT_WALLET")


# --------------------------------------------------------------------------- diagnostic


def get_transaction_data(call: Call) -> dict[str, Any]:
    t = _existing(call)
    payment = _payment_fields(t)
    return {
        **payment,
        "responseCode": "00",
        "transactionStatus": t.status,
        "originAmount": t.origin_amount,
        "currentAmount": t.current_amount,
        "remainingAmount": _remaining(t),
        "refundedAmount": t.refunded_amount,
        "lastOperationName": t.last_operation,
        "lastOperationDateTime": t.last_operation_at,
        "paymentResponseCode": t.response_code,
        "orderChannel": t.details.get("orderChannel"),
        "automaticResponseStatus": "SENT",
    }


def get_fraud_data(call: Call) -> dict[str, Any]:
    t = _existing(call)
    return {"responseCode": "00", **_reference_fields(t.reference), "scoreColor": "GREEN"}


# --------------------------------------------------------------------------- wallet


def _mean_fields(mean: PaymentMean) -> dict[str, Any]:
    return {
        "paymentMeanId": str(mean.payment_mean_id),
        "maskedPan": masked(mean.card.pan),
        "paymentMeanAlias": mean.alias,
        "panExpiryDate": mean.card.expiry,
        "paymentMeanBrand": mean.card.brand,
        "paymentMeanType": PAYMENT_TYPES.get(mean.card.brand),
    }


def _wallet(call: Call) -> tuple[str, dict[str, str]]:
    wallet_id = call.required("merchantWalletId")
    wallet = call.store.wallet(call.merchant_id, wallet_id)
    if wallet is None:
        raise Refusal("25")
    return wallet_id, wallet


def add_card(call: Call) -> dict[str, Any]:
    wallet_id = call.required("merchantWalletId")
    pan = call.required("cardNumber")
    expiry = call.required("cardExpiryDate")
    brand = call.text("paymentMeanBrand")
    brands = brands_of(pan)
    if not brands:
        raise Refusal("14")
    if brand is not None and brand not in brands:
        raise Refusal("12", "paymentMeanBrand")
    if expired(expiry, call.today):
        raise Refusal("54")
    created = call.store.wallet(call.merchant_id, wallet_id) is None
    for mean in call.store.payment_means(call.merchant_id, wallet_id):
        if mean.card.pan == pan:
            raise Refusal("94")  # the card is already in the wallet
    call.store.ensure_wallet(call.merchant_id, wallet_id, call.timestamp)
    mean = call.store.add_payment_mean(
        call.merchant_id,
        wallet_id,
        Card(pan, expiry, brand or brands[0]),
        call.text("paymentMeanAlias") or "",
        call.timestamp,
    )
    wallet = call.store.wallet(call.merchant_id, wallet_id) or {}
    return {
        "walletResponseCode": "00",
        "responseCode": "00",
        "walletActionDateTime": call.timestamp,
        "walletCreationDateTime": wallet.get("created_at") if created or wallet else None,
        "merchantWalletId": wallet_id,
        **_mean_fields(mean),
    }


def get_wallet_data(call: Call) -> dict[str, Any]:
    wallet_id, wallet = _wallet(call)
    means = call.store.payment_means(call.merchant_id, wallet_id)
    return {
        "walletResponseCode": "00",
        "responseCode": "00",
        "merchantWalletId": wallet_id,
        "walletCreationDateTime": wallet["created_at"],
        "walletLastActionDateTime": wallet["last_action_at"],
        "walletPaymentMeanDataList": [_mean_fields(m) for m in means],
    }


def _mean(call: Call) -> PaymentMean:
    wallet_id, _ = _wallet(call)
    mean_id = call.integer("paymentMeanId", required=True)
    assert mean_id is not None
    mean = call.store.payment_mean(call.merchant_id, wallet_id, mean_id)
    if mean is None:
        raise Refusal("25")
    return mean


def get_payment_mean_data(call: Call) -> dict[str, Any]:
    mean = _mean(call)
    return {"walletResponseCode": "00", "responseCode": "00", **_mean_fields(mean)}


def update_payment_mean(call: Call) -> dict[str, Any]:
    mean = _mean(call)
    alias = call.text("paymentMeanAlias")
    expiry = call.text("cardExpiryDate") or call.text("panExpiryDate")
    if alias is not None:
        mean.alias = alias
    if expiry is not None:
        mean.card = Card(mean.card.pan, expiry, mean.card.brand)
    call.store.update_payment_mean(call.merchant_id, mean)
    call.store.ensure_wallet(call.merchant_id, mean.wallet_id, call.timestamp)
    return {
        "walletResponseCode": "00",
        "responseCode": "00",
        "walletActionDateTime": call.timestamp,
        **_mean_fields(mean),
    }


def delete_payment_mean(call: Call) -> dict[str, Any]:
    mean = _mean(call)
    call.store.delete_payment_mean(call.merchant_id, mean.wallet_id, mean.payment_mean_id)
    call.store.ensure_wallet(call.merchant_id, mean.wallet_id, call.timestamp)
    return {
        "walletResponseCode": "00",
        "responseCode": "00",
        "walletActionDateTime": call.timestamp,
    }


def sign_off(call: Call) -> dict[str, Any]:
    wallet_id, _ = _wallet(call)
    call.store.delete_wallet(call.merchant_id, wallet_id)
    return {
        "walletResponseCode": "00",
        "responseCode": "00",
        "walletActionDateTime": call.timestamp,
    }


# --------------------------------------------------------------------------- token


def _b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode("ascii")


def payment_token_generate(call: Call) -> dict[str, Any]:
    pan = call.required("cardNumber")
    expiry = call.text("cardExpiryDate") or ""
    if not brands_of(pan):
        raise Refusal("14")
    brand = call.text("paymentMeanBrand") or brands_of(pan)[0]
    # Shaped like the dictionary's sample (a signed JWT); opaque to the integrator.
    header = _b64(b'{"typ":"JWT","alg":"HS512"}')
    payload = _b64(
        json.dumps(
            {"data": secrets.token_urlsafe(24), "useType": "PAYMENT", "simulator": True},
            separators=(",", ":"),
        ).encode("ascii")
    )
    signature = _b64(
        hashlib.sha512(f"{header}.{payload}".encode() + secrets.token_bytes(16)).digest()
    )
    token = f"{header}.{payload}.{signature}"
    consumer = call.text("paymentTokenConsumerMerchantId")
    call.store.add_token(
        Token(
            token,
            "payment",
            call.merchant_id,
            Card(pan, expiry, brand),
            {"consumer": consumer},
            call.timestamp,
        )
    )
    return {"responseCode": "00", "paymentToken": token}


def _pan_token(call: Call, card: Card) -> Token:
    existing = call.store.pan_token(call.merchant_id, card.pan)
    if existing is not None:
        return existing
    # Same length as the PAN, never a valid test card number: "9" then random digits.
    digits = "9" + "".join(str(secrets.randbelow(10)) for _ in range(len(card.pan) - 1))
    token = Token(digits, "pan", call.merchant_id, card, {}, call.timestamp)
    call.store.add_token(token)
    return token


def pan_to_token(call: Call) -> dict[str, Any]:
    results: list[dict[str, Any]] = []
    failed = 0
    for index, item in enumerate(call.items("panDataList")):
        if not isinstance(item, Mapping):
            raise Refusal("30", f"panDataList[{index}]")
        pan = str(item.get("pan") or "")
        pan_id = item.get("panId")
        if not brands_of(pan):
            failed += 1
            results.append({"panId": pan_id, "responseCode": "14"})
            continue
        token = _pan_token(
            call, Card(pan, str(item.get("cardExpiryDate") or ""), brands_of(pan)[0])
        )
        results.append(
            {
                "panId": pan_id,
                "tokenPan": token.token,
                "responseCode": "00",
                "maskedPan": masked(pan),
            }
        )
    code = "00" if not failed else ("01" if failed < len(results) else "14")
    return {"responseCode": code, "responseTokenPanDataList": results, "tokenPanDataList": results}


def token_to_pan(call: Call) -> dict[str, Any]:
    results: list[dict[str, Any]] = []
    failed = 0
    for list_name, id_name in (("tokenPanDataList", "tokenPanId"), ("panDataList", "panId")):
        for index, item in enumerate(call.items(list_name)):
            if not isinstance(item, Mapping):
                raise Refusal("30", f"{list_name}[{index}]")
            value = str(item.get("tokenPan") or item.get("pan") or "")
            token = call.store.token(value, "pan")
            if token is None or token.merchant_id != call.merchant_id:
                failed += 1
                results.append({id_name: item.get(id_name), "responseCode": "14"})
                continue
            results.append(
                {
                    id_name: item.get(id_name),
                    "tokenPanId": item.get("tokenPanId"),
                    "panId": item.get("panId") or item.get("tokenPanId"),
                    "pan": token.card.pan,
                    "cardExpiryDate": token.card.expiry,
                    "responseCode": "00",
                }
            )
    code = "00" if not failed else ("01" if failed < len(results) else "14")
    return {"responseCode": code, "responsePanDataList": results, "panDataList": results}


def transaction_to_token(call: Call) -> dict[str, Any]:
    source_shop = call.text("fromMerchantId") or call.merchant_id
    t = _existing(call, source_shop, call.required("fromTransactionReference"))
    token = _pan_token(call, t.card)
    return {
        "responseCode": "00",
        "tokenPan": token.token,
        "maskedPan": masked(t.card.pan),
        "panExpiryDate": t.card.expiry,
        "paymentMeanBrand": t.card.brand,
        "merchantExternalId": call.text("merchantExternalId"),
    }


def not_available(call: Call) -> dict[str, Any]:
    """Checked like every function, then refused: the simulator does not play this one."""
    return {call.entry.code_field: "40"}


BEHAVIOURS: dict[tuple[str, str], Behaviour] = {
    ("checkout", "cardOrder"): card_order,
    ("checkout", "walletOrder"): wallet_order,
    ("cashManagement", "cancel"): cancel,
    ("cashManagement", "validate"): validate,
    ("cashManagement", "refund"): refund,
    ("cashManagement", "duplicate"): duplicate,
    ("cashManagement", "acceptChallenge"): challenge,
    ("cashManagement", "refuseChallenge"): challenge,
    ("cashManagement", "creditHolder"): credit_holder,
    ("cashManagement", "walletCreditHolder"): wallet_credit_holder,
    ("diagnostic", "getTransactionData"): get_transaction_data,
    ("diagnostic", "getFraudData"): get_fraud_data,
    ("wallet", "addCard"): add_card,
    ("wallet", "getWalletData"): get_wallet_data,
    ("wallet", "getPaymentMeanData"): get_payment_mean_data,
    ("wallet", "updatePaymentMean"): update_payment_mean,
    ("wallet", "deletePaymentMean"): delete_payment_mean,
    ("wallet", "signOff"): sign_off,
    ("token", "paymentTokenGenerate"): payment_token_generate,
    ("token", "panToToken"): pan_to_token,
    ("token", "tokenToPan"): token_to_pan,
    ("token", "transactionToToken"): transaction_to_token,
}
