"""What each function does to the simulated platform's state.

Transactions (one per ``transactionReference`` and shop; a reference already used, even by a
refused payment, gives **94** to every function that creates a transaction):

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
CREDITED                refund of the whole captured amount; a creditHolder once remitted
TO_CREDIT               a creditHolder / walletCreditHolder before its remittance
REFUSED / PENDING       a payment the test card (or the 3-D Secure authentication) refused;
                        60 gives PENDING
======================  =====================================================================

The clock is the real one plus the days ``Simulator.advance_days`` added; moving it on runs
the remittances of the days passed (nothing is captured while the simulated day lasts).

Operations, refused with **24** when the status or the amounts do not allow it (kept in the
transaction's history), **25** for an unknown transaction, **12** for an operationAmount of 0 or a
currencyCode that is not the transaction's:

- cancel: TO_VALIDATE or TO_CAPTURE, operationAmount <= currentAmount; lowers currentAmount,
  CANCELLED when nothing is left;
- validate: TO_VALIDATE only, operationAmount <= currentAmount; currentAmount becomes the
  validated amount (the rest is released), status TO_CAPTURE;
- refund: CAPTURED only, operationAmount <= what has not been refunded yet; CREDITED when all is
  refunded (a partial refund leaves it CAPTURED, with a lower remainingAmount);
- duplicate: a new payment on the card of an accepted transaction (``fromTransactionReference``
  or ``s10FromTransactionReference``, of ``fromMerchantId`` or of the same shop), authorised again;
- acceptChallenge / refuseChallenge: the simulator never holds a transaction for review: 24.

getTransactionData reads back ``originAmount`` (authorised), ``currentAmount`` (after cancels and
validation), ``remainingAmount`` (what can still be cancelled or validated before capture, or
refunded after; 0 once cancelled or credited).

Cards come from ``cardNumber`` (test card rules in ``_cards``), from a token (``panType``
TOKEN_PAN with a ``tokenPan`` of panToToken or transactionToToken in ``cardNumber``; a
``paymentToken`` of paymentTokenGenerate where a function's dictionary has that field), or from a
wallet (``merchantWalletId`` + ``paymentMeanId``). Wallets and tokens persist like transactions;
a PAN has one tokenPan per shop. Wallet functions answer with walletResponseCode, whose list has
no 14 or 54: an unusable card there is 12 on ``cardNumber`` or ``cardExpiryDate``.

3-D Secure: cardCheckEnrollment / walletCheckEnrollment check the payment like cardOrder (every
test card is enrolled), keep it pending and answer redirectionStatusCode 00 with the simulator's
ACS (``<base>/_simulator/acs``), a ``paReqMessage`` and ``redirectionData``. The ACS answers the
browser with an authenticated ``PaRes`` (tests make one with ``Simulator.pa_res``;
``authenticated=False`` gives a failed authentication). cardValidateAuthenticationAndOrder then
authorises the pending payment (holderAuthentStatus SUCCESS), or refuses it with 05 after a
failed authentication; cardValidateAuthentication only reports the authentication.
Payment providers: paymentProviderInitialize keeps the payment pending and redirects to
``<base>/_simulator/provider``; paymentProviderFinalize with the same redirectionData accepts it.
Issuer wallets (walletIssuerWalletInitialize / Finalize) go the same way.
"""

from __future__ import annotations

import base64
import dataclasses
import hmac
import json
import secrets
from collections.abc import Mapping
from datetime import timedelta
from typing import Any

from ._cards import Authorisation, authorise, brand_of, brands_of, expired, masked
from ._checks import Refusal
from ._platform import Behaviour, Call
from ._store import Card, PaymentMean, Pending, Token, Transaction

CAPTURE_MODES = ("AUTHOR_CAPTURE", "VALIDATION", "IMMEDIATE")
CARD_BRANDS = frozenset({"AMEX", "CB", "DINERS", "MAESTRO", "MASTERCARD", "VISA"})
MESSAGE_VERSION_3DS = "2.2.0"
MESSAGE_VERSION_PROVIDER = "0.1"
# Signs the PaRes of the simulator's ACS (per process: a PaRes does not outlive its simulator).
_ACS_KEY = secrets.token_bytes(32)


# --------------------------------------------------------------------------- helpers


def _s10(container: Mapping[str, Any], call: Call) -> str | None:
    s10_id = container.get("s10TransactionId")
    if isinstance(s10_id, str) and s10_id:
        day = container.get("s10TransactionIdDate") or call.today.strftime("%Y%m%d")
        return f"S10-{s10_id}-{day}"
    return None


def _reference(call: Call, name: str = "transactionReference", s10: str = "") -> str:
    """A transaction's key: its transactionReference, or its Sips 1.0 reference."""
    reference = call.text(name)
    if reference:
        return reference
    key = _s10(call.container(s10 or "s10" + name[0].upper() + name[1:]), call)
    if key:
        return key
    # The test shop is in transactionReference mode, without references made by the platform.
    raise Refusal("12", name)


def _reference_fields(reference: str, prefix: str = "") -> dict[str, Any]:
    name = f"{prefix}TransactionReference" if prefix else "transactionReference"
    if reference.startswith("S10-"):
        _, s10_id, day = reference.split("-", 2)
        s10 = "s10" + name[0].upper() + name[1:]
        return {s10: {"s10TransactionId": s10_id, "s10TransactionIdDate": day}}
    return {name: reference}


def _existing(
    call: Call, merchant_id: str | None = None, reference: str | None = None
) -> Transaction:
    found = call.store.transaction(merchant_id or call.merchant_id, reference or _reference(call))
    if found is None:
        raise Refusal("25")
    return found


def _source(call: Call) -> Transaction:
    """The transaction named by fromTransactionReference (and fromMerchantId)."""
    reference = _reference(call, "fromTransactionReference", "s10FromTransactionReference")
    return _existing(call, call.text("fromMerchantId") or call.merchant_id, reference)


def _day(text: str | None) -> str | None:
    """YYYY-MM-DD -> YYYYMMDD."""
    return text.replace("-", "") if text else None


def _card(call: Call) -> Card:
    """The card of a request: a clear PAN, a tokenPan (panType TOKEN_PAN), or the card behind a
    paymentToken of paymentTokenGenerate (for the functions whose dictionary has that field)."""
    if call.has("paymentToken"):
        payment = call.store.token(call.required("paymentToken"), "payment")
        if payment is None or payment.merchant_id != call.merchant_id:
            raise Refusal("14")
        return payment.card
    pan_type = call.text("panType") or "PAN"
    number = call.required("cardNumber")
    expiry = call.text("cardExpiryDate")
    if expiry is None and call.fields.get("cardExpiryDate") == "":
        expiry = ""  # a card without an expiry date: the dictionary allows the empty value
    if pan_type == "TOKEN_PAN":
        token = call.store.token(number, "pan")
        if token is None or token.merchant_id != call.merchant_id:
            raise Refusal("14")
        return Card(token.card.pan, expiry or token.card.expiry, token.card.brand)
    if pan_type != "PAN":
        raise Refusal("40")  # client-side encryption needs keys the simulator does not have
    # "N19, or ANS128 when the card number is a token" (the dictionary's cardNumber): a token
    # of this shop (panToToken's tokenPan) stands for its card; any other text is unknown.
    token = call.store.token(number, "pan")
    if token is not None and token.merchant_id == call.merchant_id:
        return Card(token.card.pan, expiry or token.card.expiry, token.card.brand)
    if not number.isdigit():
        raise Refusal("14")
    if expiry is None:
        raise Refusal("12", "cardExpiryDate")
    brand = brand_of(number)
    if brand is None:
        raise Refusal("14")  # not a card: refused before any authorisation
    return Card(number, expiry, brand)


def _wallet_card(call: Call) -> tuple[PaymentMean, Card]:
    mean = call.store.payment_mean(
        call.merchant_id, call.required("merchantWalletId"), call.required("paymentMeanId")
    )
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
    """What the payment functions answer about a transaction (each keeps its own fields)."""
    accepted = t.response_code == "00"
    details = t.details
    brand = t.card.brand
    return {
        "responseCode": t.response_code,
        "acquirerResponseCode": details.get("acquirerResponseCode"),
        "authorisationId": details.get("authorisationId") if accepted else None,
        "transactionDateTime": t.created_at,
        **_reference_fields(t.reference),
        "amount": t.origin_amount,
        "currencyCode": t.currency_code,
        "orderId": details.get("orderId"),
        "returnContext": details.get("returnContext"),
        "maskedPan": masked(t.card.pan) if t.card.pan else None,
        "tokenPan": details.get("tokenPan"),
        "cardScheme": brand if brand in ("VISA", "MASTERCARD", "AMEX", "CB") else None,
        "cardCSCResultCode": "4D" if details.get("cscGiven") else None,
        "guaranteeIndicator": details.get("guaranteeIndicator", "N"),
        "holderAuthentStatus": details.get("holderAuthentStatus", "NO_AUTHENT"),
        "holderAuthentProgram": details.get("holderAuthentProgram"),
        "paymentMeanBrand": brand,
        "paymentMeanType": "CARD" if brand in CARD_BRANDS else details.get("paymentMeanType"),
        "captureDay": t.capture_day,
        "captureMode": t.capture_mode,
        "transactionPlatform": "SIMU",
        "panEntryMode": details.get("panEntryMode", "MANUAL" if t.card.pan else None),
        "walletType": details.get("walletType"),
    }


def _new_payment(
    call: Call,
    card: Card,
    *,
    auth: Authorisation | None = None,
    amount_field: str = "amount",
    **details: Any,
) -> Transaction:
    """Authorise ``card`` for the request's amount and store the transaction (94 when taken)."""
    reference = _reference(call)
    amount = _amount(call, amount_field)
    currency = call.required("currencyCode")
    if call.store.reference_taken(call.merchant_id, reference):
        raise Refusal("94")
    mode = call.text("captureMode") or "AUTHOR_CAPTURE"
    if mode not in CAPTURE_MODES:
        raise Refusal("12", "captureMode")
    capture_day = call.integer("captureDay") or 0
    if auth is None:
        auth = authorise(card.pan, card.expiry, call.today, call.text("paymentMeanBrand"))
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
    kept = ("orderId", "returnContext", "customerId", "customerIpAddress", "orderChannel")
    info: dict[str, Any] = {
        "acquirerResponseCode": auth.acquirer_response_code,
        "cscGiven": call.has("cardCSCValue"),
        "paymentPattern": call.text("paymentPattern"),
        **{name: call.text(name) for name in kept},
        **details,
    }
    if call.text("panType") == "TOKEN_PAN":
        info["tokenPan"] = call.text("cardNumber")
    if auth.response_code == "00":
        info["authorisationId"] = f"{secrets.randbelow(10**6):06d}"
    transaction = Transaction(
        merchant_id=call.merchant_id,
        reference=reference,
        origin=call.function,
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
    return _payment_fields(_new_payment(call, _card(call)))


def wallet_order(call: Call) -> dict[str, Any]:
    mean, card = _wallet_card(call)
    call.store.ensure_wallet(call.merchant_id, mean.wallet_id, call.timestamp)
    t = _new_payment(call, card, panEntryMode="WALLET", walletType="MERCHANT_WALLET")
    return _payment_fields(t)


def _pending(call: Call, kind: str, card: Card, **details: Any) -> Pending:
    """Check the payment as its order would, then keep it for its second step."""
    reference = _reference(call)
    _amount(call)
    call.required("currencyCode")
    if call.store.reference_taken(call.merchant_id, reference):
        raise Refusal("94")
    mode = call.text("captureMode")
    if mode is not None and mode not in CAPTURE_MODES:
        raise Refusal("12", "captureMode")
    pending = Pending(
        secrets.token_urlsafe(24),
        kind,
        call.merchant_id,
        reference,
        dict(call.fields),
        card,
        details,
        call.timestamp,
    )
    call.store.add_pending(pending)
    return pending


def _pending_of(call: Call, kind: str) -> Pending:
    """The pending payment of ``kind`` that redirectionData names: 25 when this shop has none,
    12 when the request names another transaction."""
    pending = call.store.pending(call.required("redirectionData"))
    if pending is None or pending.kind != kind or pending.merchant_id != call.merchant_id:
        raise Refusal("25")
    if call.has("transactionReference") or call.has("s10TransactionReference"):
        if _reference(call) != pending.reference:
            raise Refusal("12", "transactionReference")
    return pending


def _wallet_payment_of(call: Call, pending: Pending) -> Transaction:
    """The payment a provider or an issuer wallet approved, out of its pending state."""
    order = dataclasses.replace(call, fields=pending.fields)
    accepted = Authorisation("00", None, pending.card.brand)
    t = _new_payment(order, pending.card, auth=accepted, paymentMeanType="WALLET")
    call.store.delete_pending(pending.token)
    return t


def _pa_req(pending: Pending) -> str:
    return base64.b64encode(
        json.dumps(
            {"reference": pending.reference, "maskedPan": masked(pending.card.pan)},
            separators=(",", ":"),
        ).encode()
    ).decode("ascii")


def pa_res(pa_req: str, authenticated: bool = True) -> str:
    """The PaRes the simulator's ACS gives for ``pa_req`` (a cardholder who passed or failed)."""
    status = "Y" if authenticated else "N"
    mac = hmac.new(_ACS_KEY, f"{status}:{pa_req}".encode(), "sha256").hexdigest()[:32]
    return base64.b64encode(f"{status}:{mac}".encode()).decode("ascii")


def _authentication(call: Call) -> tuple[Pending, bool]:
    """The pending payment of redirectionData and whether its cardholder authenticated."""
    pending = _pending_of(call, "3ds")
    given = call.required("paResMessage")
    pa_req = _pa_req(pending)
    for authenticated in (True, False):
        if hmac.compare_digest(pa_res(pa_req, authenticated).encode(), given.encode()):
            return pending, authenticated
    raise Refusal("12", "paResMessage")  # not a PaRes of the simulator's ACS for this payment


def _check_enrollment(call: Call, card: Card, **details: Any) -> dict[str, Any]:
    pending = _pending(call, "3ds", card, **details)
    return {
        "responseCode": "00",
        "redirectionStatusCode": "00",
        "redirectionUrl": f"{call.platform.base_url}/_simulator/acs",
        "redirectionData": pending.token,
        "paReqMessage": _pa_req(pending),
        "messageVersion": MESSAGE_VERSION_3DS,
    }


def card_check_enrollment(call: Call) -> dict[str, Any]:
    card = _card(call)
    return _check_enrollment(call, card)


def wallet_check_enrollment(call: Call) -> dict[str, Any]:
    mean, card = _wallet_card(call)
    return _check_enrollment(
        call, card, panEntryMode="WALLET", walletType="MERCHANT_WALLET", wallet=mean.wallet_id
    )


def card_validate_authentication(call: Call) -> dict[str, Any]:
    _pending_payment, authenticated = _authentication(call)
    return {
        "responseCode": "00",
        "holderAuthentResponseCode": "00" if authenticated else "05",
        "holderAuthentStatus": "SUCCESS" if authenticated else "FAILURE",
        "holderAuthentMethod": "NOT_SPECIFIED",
        "holderAuthentProgram": "3DS_V2",
    }


def card_validate_authentication_and_order(call: Call) -> dict[str, Any]:
    pending, authenticated = _authentication(call)
    order = dataclasses.replace(call, fields=pending.fields)
    authentication = {
        "holderAuthentStatus": "SUCCESS" if authenticated else "FAILURE",
        "holderAuthentProgram": "3DS_V2",
        "guaranteeIndicator": "Y" if authenticated else "N",
    }
    refused = None if authenticated else Authorisation("05", None, pending.card.brand)
    t = _new_payment(order, pending.card, auth=refused, **pending.details, **authentication)
    call.store.delete_pending(pending.token)
    return _payment_fields(t)


def payment_provider_initialize(call: Call) -> dict[str, Any]:
    brand = call.text("paymentMeanBrand") or "PAYPAL"
    pending = _pending(call, "provider", Card("", "", brand))
    return {
        "responseCode": "00",
        "redirectionStatusCode": "00",
        "redirectionUrl": f"{call.platform.base_url}/_simulator/provider",
        "redirectionData": pending.token,
        "messageVersion": MESSAGE_VERSION_PROVIDER,
        "paymentProviderSessionId": pending.token[:16],
    }


def payment_provider_finalize(call: Call) -> dict[str, Any]:
    return _payment_fields(_wallet_payment_of(call, _pending_of(call, "provider")))


def wallet_issuer_wallet_initialize(call: Call) -> dict[str, Any]:
    """An issuer wallet (PAYLIB …) payment: pending until the cardholder comes back from the
    wallet's page (the simulator's provider page), then walletIssuerWalletFinalize."""
    brand = call.text("paymentMeanBrand") or "PAYLIB"
    pending = _pending(call, "issuer-wallet", Card("", "", brand))
    return {
        "responseCode": "00",
        "redirectionUrl": f"{call.platform.base_url}/_simulator/provider",
        "redirectionData": pending.token,
        "messageVersion": MESSAGE_VERSION_PROVIDER,
    }


def wallet_issuer_wallet_finalize(call: Call) -> dict[str, Any]:
    """The simulator finds the payment by the redirectionData its page posted back (our reading
    of the function, see spec/services/checkout.yaml): without it, 12."""
    t = _wallet_payment_of(call, _pending_of(call, "issuer-wallet"))
    return {"responseCode": _payment_fields(t).get("responseCode", "00")}


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
        "captureLimitDate": _day(t.capture_date),
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
    source = _source(call)
    if source.response_code != "00" or not source.card.pan:
        raise Refusal("24")
    t = _new_payment(
        call,
        source.card,
        fromTransactionReference=source.reference,
        fromMerchantId=source.merchant_id,
    )
    return _payment_fields(t)


def challenge(call: Call) -> dict[str, Any]:
    return _refused_operation(call, _existing(call), None)  # never TO_CHALLENGE here


def _credit(call: Call, card: Card, **details: Any) -> dict[str, Any]:
    reference = _reference(call)
    amount = _amount(call)
    if amount <= 0:
        raise Refusal("12", "amount")
    currency = call.required("currencyCode")
    if expired(card.expiry, call.today):
        raise Refusal("54")
    if call.store.reference_taken(call.merchant_id, reference):
        raise Refusal("94")
    kept = ("orderId", "returnContext", "customerId", "customerIpAddress", "orderChannel")
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
        details={
            k: v for k, v in {**{n: call.text(n) for n in kept}, **details}.items() if v is not None
        },
    )
    if not call.store.insert_transaction(t):
        raise Refusal("94")
    return _payment_fields(t)


def credit_holder(call: Call) -> dict[str, Any]:
    return _credit(call, _card(call))


def wallet_credit_holder(call: Call) -> dict[str, Any]:
    _mean, card = _wallet_card(call)
    return _credit(call, card, panEntryMode="WALLET", walletType="MERCHANT_WALLET")


# --------------------------------------------------------------------------- diagnostic


def get_transaction_data(call: Call) -> dict[str, Any]:
    t = _existing(call)
    details = t.details
    source = details.get("fromTransactionReference")
    return {
        **_payment_fields(t),
        "responseCode": "00",
        "transactionStatus": t.status,
        "merchantId": t.merchant_id,
        **(_reference_fields(source, "from") if source else {}),
        "originAmount": t.origin_amount,
        "currentAmount": t.current_amount,
        "remainingAmount": _remaining(t),
        "captureLimitDate": _day(t.capture_limit_date or t.capture_date),
        "lastOperationName": t.last_operation,
        "lastOperationDateTime": t.last_operation_at,
        "orderChannel": details.get("orderChannel"),
        "paymentPattern": details.get("paymentPattern"),
        "customerId": details.get("customerId"),
        "customerIpAddress": details.get("customerIpAddress"),
        "panExpiryDate": t.card.expiry or None,
        "paymentAttemptNumber": 1,
    }


def get_fraud_data(call: Call) -> dict[str, Any]:
    _existing(call)
    return {"responseCode": "00", "scoreColor": "GREEN", "scoreValue": "0"}


# --------------------------------------------------------------------------- wallet


def _mean_fields(mean: PaymentMean) -> dict[str, Any]:
    return {
        "paymentMeanId": str(mean.payment_mean_id),
        "maskedPan": masked(mean.card.pan),
        "paymentMeanAlias": mean.alias,
        "panExpiryDate": mean.card.expiry,
        "paymentMeanBrand": mean.card.brand,
        "paymentMeanCoBadgingBrandList": list(brands_of(mean.card.pan)[1:]),
    }


def _wallet(call: Call) -> tuple[str, dict[str, str]]:
    wallet_id = call.required("merchantWalletId")
    wallet = call.store.wallet(call.merchant_id, wallet_id)
    if wallet is None:
        raise Refusal("25")
    return wallet_id, wallet


def add_card(call: Call) -> dict[str, Any]:
    wallet_id = call.required("merchantWalletId")
    try:
        card = _card(call)
    except Refusal as refusal:
        # walletResponseCode has no 14: an unusable card number is an invalid field.
        raise Refusal("12", "cardNumber") if refusal.code == "14" else refusal from None
    brand = call.text("paymentMeanBrand")
    brands = brands_of(card.pan)
    if brand is not None and brand not in brands:
        raise Refusal("12", "paymentMeanBrand")
    if expired(card.expiry, call.today):
        raise Refusal("12", "cardExpiryDate")  # no 54 in walletResponseCode either
    for mean in call.store.payment_means(call.merchant_id, wallet_id):
        if mean.card.pan == card.pan:
            raise Refusal("94")  # the card is already in the wallet
    call.store.ensure_wallet(call.merchant_id, wallet_id, call.timestamp)
    mean = call.store.add_payment_mean(
        call.merchant_id,
        wallet_id,
        Card(card.pan, card.expiry, brand or card.brand),
        call.text("paymentMeanAlias") or "",
        call.timestamp,
    )
    return {
        "walletResponseCode": "00",
        "walletActionDateTime": call.timestamp,
        **_mean_fields(mean),
    }


def get_wallet_data(call: Call) -> dict[str, Any]:
    wallet_id, wallet = _wallet(call)
    means = call.store.payment_means(call.merchant_id, wallet_id)
    return {
        "walletResponseCode": "00",
        "walletCreationDateTime": wallet["created_at"],
        "walletLastActionDateTime": wallet["last_action_at"],
        "walletPaymentMeanDataList": [_mean_fields(m) for m in means],
    }


def _mean(call: Call) -> PaymentMean:
    wallet_id, _ = _wallet(call)
    mean = call.store.payment_mean(call.merchant_id, wallet_id, call.required("paymentMeanId"))
    if mean is None:
        raise Refusal("25")
    return mean


def get_payment_mean_data(call: Call) -> dict[str, Any]:
    return {"walletResponseCode": "00", "walletPaymentMeanData": _mean_fields(_mean(call))}


def update_payment_mean(call: Call) -> dict[str, Any]:
    mean = _mean(call)
    alias = call.text("paymentMeanAlias")
    if alias is not None:
        mean.alias = alias
    call.store.update_payment_mean(call.merchant_id, mean)
    call.store.ensure_wallet(call.merchant_id, mean.wallet_id, call.timestamp)
    return {"walletResponseCode": "00", "walletActionDateTime": call.timestamp}


def delete_payment_mean(call: Call) -> dict[str, Any]:
    mean = _mean(call)
    call.store.delete_payment_mean(call.merchant_id, mean.wallet_id, mean.payment_mean_id)
    call.store.ensure_wallet(call.merchant_id, mean.wallet_id, call.timestamp)
    return {"walletResponseCode": "00", "walletActionDateTime": call.timestamp}


def sign_off(call: Call) -> dict[str, Any]:
    wallet_id, _ = _wallet(call)
    call.store.delete_wallet(call.merchant_id, wallet_id)
    return {"walletResponseCode": "00", "walletActionDateTime": call.timestamp}


# --------------------------------------------------------------------------- token


def _b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode("ascii")


def payment_token_generate(call: Call) -> dict[str, Any]:
    card = _card(call) if call.has("cardExpiryDate") else _card_without_expiry(call)
    brand = call.text("paymentMeanBrand") or card.brand
    # Shaped like the dictionary's sample (a signed JWT); opaque to the integrator.
    header = _b64(b'{"typ":"JWT","alg":"HS512"}')
    payload = _b64(
        json.dumps(
            {"data": secrets.token_urlsafe(24), "useType": "PAYMENT", "simulator": True},
            separators=(",", ":"),
        ).encode("ascii")
    )
    signature = _b64(hmac.new(_ACS_KEY, f"{header}.{payload}".encode(), "sha512").digest())
    token = f"{header}.{payload}.{signature}"
    consumer = call.text("paymentTokenConsumerMerchantId")
    call.store.add_token(
        Token(
            token,
            "payment",
            call.merchant_id,
            Card(card.pan, card.expiry, brand),
            {"consumer": consumer},
            call.timestamp,
        )
    )
    return {"responseCode": "00", "paymentToken": token}


def _card_without_expiry(call: Call) -> Card:
    number = call.required("cardNumber")
    brand = brand_of(number)
    if brand is None:
        raise Refusal("14")
    return Card(number, "", brand)


def _pan_token(call: Call, card: Card) -> Token:
    existing = call.store.pan_token(call.merchant_id, card.pan)
    if existing is not None:
        return existing
    # As long as the PAN, never a test card number: "9" then random digits.
    digits = "9" + "".join(str(secrets.randbelow(10)) for _ in range(len(card.pan) - 1))
    token = Token(digits, "pan", call.merchant_id, card, {}, call.timestamp)
    call.store.add_token(token)
    return token


def _partial(failed: int, total: int) -> str:
    """00 when all items succeeded, 01 (partial success) when some did, 14 when none did."""
    if not failed:
        return "00"
    return "01" if failed < total else "14"


def pan_to_token(call: Call) -> dict[str, Any]:
    results: list[dict[str, Any]] = []
    failed = 0
    for item in call.items("panDataList"):
        pan = str(item.get("pan") or "") if isinstance(item, Mapping) else ""
        pan_id = item.get("panId") if isinstance(item, Mapping) else None
        brand = brand_of(pan)
        if brand is None:
            failed += 1
            results.append({"panId": pan_id})
            continue
        token = _pan_token(call, Card(pan, str(item.get("cardExpiryDate") or ""), brand))
        results.append({"panId": pan_id, "tokenPan": token.token})
    return {"responseCode": _partial(failed, len(results)), "responseTokenPanDataList": results}


def token_to_pan(call: Call) -> dict[str, Any]:
    results: list[dict[str, Any]] = []
    failed = 0
    for item in call.items("tokenPanDataList"):
        value = str(item.get("tokenPan") or "") if isinstance(item, Mapping) else ""
        token_id = item.get("tokenPanId") if isinstance(item, Mapping) else None
        token = call.store.token(value, "pan")
        if token is None or token.merchant_id != call.merchant_id:
            failed += 1
            results.append({"tokenPanId": token_id})
            continue
        results.append({"tokenPanId": token_id, "pan": token.card.pan})
    return {"responseCode": _partial(failed, len(results)), "responsePanDataList": results}


def transaction_to_token(call: Call) -> dict[str, Any]:
    t = _source(call)
    if not t.card.pan:
        raise Refusal("24")  # paid without a card (payment provider)
    return {"responseCode": "00", "tokenPan": _pan_token(call, t.card).token}


BEHAVIOURS: dict[tuple[str, str], Behaviour] = {
    ("checkout", "cardOrder"): card_order,
    ("checkout", "walletOrder"): wallet_order,
    ("checkout", "cardCheckEnrollment"): card_check_enrollment,
    ("checkout", "walletCheckEnrollment"): wallet_check_enrollment,
    ("checkout", "cardValidateAuthentication"): card_validate_authentication,
    ("checkout", "cardValidateAuthenticationAndOrder"): card_validate_authentication_and_order,
    ("checkout", "paymentProviderInitialize"): payment_provider_initialize,
    ("checkout", "paymentProviderFinalize"): payment_provider_finalize,
    ("checkout", "walletIssuerWalletInitialize"): wallet_issuer_wallet_initialize,
    ("checkout", "walletIssuerWalletFinalize"): wallet_issuer_wallet_finalize,
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


def not_available(call: Call) -> dict[str, Any]:
    """Checked like every function, then refused: the simulator does not play this one."""
    return {call.entry.code_field: "40"}
