"""sogenactif.testing: the platform's behaviour over both protocols, with the real client.

Test cards decide authorisations; transactions move through their statuses (cancel, validate,
refund, duplicate, the remittance of the simulated day), impossible operations get 24, reused
references 94, unknown transactions 25; wallets and tokens persist. Functions still missing from
spec/ are skipped with the reason.
"""

from __future__ import annotations

import threading
from collections.abc import Iterator
from typing import Any

import pytest
import requests

import sogenactif
from sogenactif.testing import Simulator
from tests.support import CARD_ORDER, FUTURE, needs, order, send


@pytest.fixture(params=["rest", "soap"])
def c(request: pytest.FixtureRequest, sim: Simulator) -> Iterator[sogenactif.Client]:
    client = sim.client(request.param, timeout=10)
    yield client
    client.close()


def pay(c: sogenactif.Client, reference: str, **extra: Any) -> Any:
    return c.checkout.card_order(**order(reference, **extra))


def status(c: sogenactif.Client, reference: str) -> Any:
    resp = c.diagnostic.get_transaction_data(transaction_reference=reference)  # type: ignore[attr-defined]
    assert resp.response_code == "00" and resp.sealed
    return resp


def operate(c: sogenactif.Client, name: str, reference: str, amount: int) -> Any:
    method = getattr(c.cash_management, name)  # type: ignore[attr-defined]
    resp = method(operation_amount=amount, currency_code="978", transaction_reference=reference)
    assert resp.sealed
    return resp


# --------------------------------------------------------------------------- test cards


@pytest.mark.parametrize(
    ("card", "code", "brand"),
    [
        ("4100000000000000", "00", "VISA"),
        ("4100000000000005", "05", "VISA"),
        ("4100000000000051", "51", "VISA"),
        ("4100000000000002", "02", "VISA"),
        ("4100000000000047", "05", "VISA"),  # not an authorisation answer: refused
        ("4200000000000000", "00", "CB"),
        ("5100000000000000", "00", "MASTERCARD"),
        ("340000000000000", "00", "AMEX"),
        ("4907000000000600", "00", "VISA"),  # the Atos test tool's card
        ("5017670000000000", "00", "MAESTRO"),  # the JSON guide's sample card
    ],
)
def test_test_cards(sim: Simulator, c: sogenactif.Client, card: str, code: str, brand: str) -> None:
    resp = pay(c, "CARD", card=card)
    assert (resp.response_code, resp.payment_mean_brand) == (code, brand)
    assert resp.sealed
    stored = sim.transaction("CARD")
    assert stored is not None
    assert stored.status == ("TO_CAPTURE" if code == "00" else "REFUSED")
    assert (resp.authorisation_id is not None) == (code == "00")


def test_co_badged_card_uses_the_requested_brand(c: sogenactif.Client) -> None:
    assert pay(c, "COBADGE1", card="4300000000000000").payment_mean_brand == "CB"
    resp = pay(c, "COBADGE2", card="4300000000000000", payment_mean_brand="VISA")
    assert resp.payment_mean_brand == "VISA"


def test_expired_card_and_not_a_card(sim: Simulator, c: sogenactif.Client) -> None:
    expired = c.checkout.card_order(**{**order("EXPIRED"), "card_expiry_date": "201612"})
    assert expired.response_code == "54"
    not_a_card = pay(c, "NOTACARD", card="1234123412341234")
    assert not_a_card.response_code == "14"
    assert sim.transaction("NOTACARD") is None  # nothing was authorised: the reference is free
    assert pay(c, "NOTACARD").response_code == "00"


def test_reference_used_twice_is_94_even_after_a_refusal(
    sim: Simulator, c: sogenactif.Client
) -> None:
    assert pay(c, "TWICE", card="4100000000000005").response_code == "05"
    again = pay(c, "TWICE")
    assert again.response_code == "94" and again.sealed
    assert len(sim.transactions()) == 1


def test_missing_reference_is_12(c: sogenactif.Client) -> None:
    kwargs = order("X")
    del kwargs["transaction_reference"]
    resp = c.checkout.card_order(**kwargs)
    assert (resp.response_code, resp.error_field_name) == ("12", "transactionReference")


def test_s10_reference_instead_of_transaction_reference(
    sim: Simulator, c: sogenactif.Client
) -> None:
    kwargs = order("X")
    del kwargs["transaction_reference"]
    s10 = {"s10TransactionId": "123456", "s10TransactionIdDate": "20300101"}
    resp = c.checkout.card_order(**kwargs, s10_transaction_reference=s10)
    assert resp.response_code == "00"
    assert resp.raw["s10TransactionReference"] == s10
    assert pay(c, "Y", s10_transaction_reference=s10).response_code == "00"  # its own reference


def test_capture_modes_and_the_remittance(sim: Simulator, c: sogenactif.Client) -> None:
    pay(c, "AUTHOR", capture_day=1)
    pay(c, "IMMEDIATE", capture_mode="IMMEDIATE")
    pay(c, "VALIDATION", capture_mode="VALIDATION", capture_day=2)
    states = {t.reference: t.status for t in sim.transactions()}
    assert states == {"AUTHOR": "TO_CAPTURE", "IMMEDIATE": "CAPTURED", "VALIDATION": "TO_VALIDATE"}
    assert sim.advance_days(1) == 0  # day 1 is AUTHOR's capture day: remitted at its end
    assert sim.advance_days(1) == 1
    assert sim.transaction("AUTHOR").status == "CAPTURED"  # type: ignore[union-attr]
    assert sim.advance_days(1) == 1  # VALIDATION's limit (day 2) has passed unvalidated
    assert sim.transaction("VALIDATION").status == "EXPIRED"  # type: ignore[union-attr]


# --------------------------------------------------------------------------- operations


@needs("diagnostic", "getTransactionData")
@needs("cashManagement", "validate")
@needs("cashManagement", "refund")
def test_a_payment_life(sim: Simulator, c: sogenactif.Client) -> None:
    assert pay(c, "LIFE", capture_mode="VALIDATION", capture_day=5).response_code == "00"
    first = status(c, "LIFE")
    assert (first.transaction_status, first.origin_amount, first.current_amount) == (
        "TO_VALIDATE",
        2500,
        2500,
    )
    assert operate(c, "refund", "LIFE", 100).response_code == "24"  # not captured yet
    validated = operate(c, "validate", "LIFE", 2000)
    assert (validated.response_code, validated.new_status, validated.new_amount) == (
        "00",
        "TO_CAPTURE",
        2000,
    )
    assert operate(c, "validate", "LIFE", 2000).response_code == "24"  # already validated
    assert operate(c, "refund", "LIFE", 100).response_code == "24"  # still not captured
    sim.advance_days(1)  # the remittance of the validation day
    assert status(c, "LIFE").transaction_status == "CAPTURED"
    assert operate(c, "refund", "LIFE", 2001).response_code == "24"  # more than captured
    refunded = operate(c, "refund", "LIFE", 500)
    assert (refunded.response_code, refunded.new_status, refunded.new_amount) == (
        "00",
        "CAPTURED",
        1500,
    )
    after = status(c, "LIFE")
    assert (after.transaction_status, after.current_amount) == ("CAPTURED", 2000)
    if "remainingAmount" in after.raw:
        assert after.raw["remainingAmount"] in (1500, "1500")
    assert operate(c, "refund", "LIFE", 1500).new_status == "CREDITED"
    assert operate(c, "refund", "LIFE", 1).response_code == "24"
    assert operate(c, "cancel", "LIFE", 1).response_code == "24"  # captured: refund, not cancel
    names = [o.name for o in sim.operations("LIFE")]
    assert names == [
        "cardOrder",
        "refund",
        "validate",
        "validate",
        "refund",
        "remittance",
        "refund",
        "refund",
        "refund",
        "refund",
        "cancel",
    ]


@needs("cashManagement", "cancel")
def test_cancel_before_capture(sim: Simulator, c: sogenactif.Client) -> None:
    pay(c, "CANCEL", capture_day=3)
    assert operate(c, "cancel", "CANCEL", 3000).response_code == "24"  # more than authorised
    partial = operate(c, "cancel", "CANCEL", 1000)
    assert (partial.new_status, partial.new_amount) == ("TO_CAPTURE", 1500)
    whole = operate(c, "cancel", "CANCEL", 1500)
    assert (whole.new_status, whole.new_amount) == ("CANCELLED", 0)
    assert operate(c, "cancel", "CANCEL", 1).response_code == "24"
    assert sim.advance_days(10) == 0  # nothing left to capture


@needs("cashManagement", "cancel")
def test_operations_on_unknown_refused_or_foreign_transactions(
    sim: Simulator, c: sogenactif.Client
) -> None:
    assert operate(c, "cancel", "NOSUCH", 100).response_code == "25"
    pay(c, "REFUSED", card="4100000000000005")
    assert operate(c, "cancel", "REFUSED", 100).response_code == "24"
    pay(c, "EUROS")
    wrong_currency = c.cash_management.cancel(  # type: ignore[attr-defined]
        operation_amount=100, currency_code="840", transaction_reference="EUROS"
    )
    assert (wrong_currency.response_code, wrong_currency.error_field_name) == ("12", "currencyCode")
    other = sim.add_shop("002001000000001", "002001000000001_KEY1")
    foreign = sim.client(c.protocol, shop=other)  # type: ignore[arg-type]
    assert operate(foreign, "cancel", "EUROS", 100).response_code == "25"


@needs("cashManagement", "duplicate")
def test_duplicate(sim: Simulator, c: sogenactif.Client) -> None:
    pay(c, "SOURCE", capture_mode="IMMEDIATE")
    dup = c.cash_management.duplicate(  # type: ignore[attr-defined]
        from_transaction_reference="SOURCE",
        transaction_reference="COPY",
        amount=1200,
        currency_code="978",
    )
    assert dup.response_code == "00"
    copy = sim.transaction("COPY")
    assert copy is not None and copy.origin_amount == 1200 and copy.status == "TO_CAPTURE"
    assert copy.card.pan == sim.transaction("SOURCE").card.pan  # type: ignore[union-attr]
    again = c.cash_management.duplicate(  # type: ignore[attr-defined]
        from_transaction_reference="SOURCE",
        transaction_reference="COPY",
        amount=1200,
        currency_code="978",
    )
    assert again.response_code == "94"
    missing = c.cash_management.duplicate(  # type: ignore[attr-defined]
        from_transaction_reference="NOSUCH",
        transaction_reference="COPY2",
        amount=1200,
        currency_code="978",
    )
    assert missing.response_code == "25"


@needs("cashManagement", "acceptChallenge")
def test_accept_challenge_is_impossible(c: sogenactif.Client) -> None:
    pay(c, "CHALLENGE")
    resp = c.cash_management.accept_challenge(transaction_reference="CHALLENGE")  # type: ignore[attr-defined]
    assert resp.response_code == "24"


@needs("diagnostic", "getTransactionData")
def test_get_transaction_data(c: sogenactif.Client) -> None:
    pay(c, "READ", order_id="ORD101", capture_day=2)
    resp = status(c, "READ")
    assert resp.transaction_status == "TO_CAPTURE"
    assert resp.raw.get("maskedPan", "4100##########00") == "4100##########00"
    unknown = c.diagnostic.get_transaction_data(transaction_reference="NOSUCH")  # type: ignore[attr-defined]
    assert unknown.response_code == "25" and unknown.sealed


def test_every_function_of_the_spec_is_played(sim: Simulator) -> None:
    served = set(sim.platform.entries)
    assert {("checkout", "cardOrder"), ("token", "paymentTokenGenerate")} <= served
    assert served <= set(sim.platform.behaviours), served - set(sim.platform.behaviours)


def test_a_function_without_behaviour_is_checked_then_answered_40(sim: Simulator) -> None:

    del sim.platform.behaviours[("checkout", "cardOrder")]
    assert send(sim, "rest", "checkout", "cardOrder", CARD_ORDER)["responseCode"] == "40"
    missing = {k: v for k, v in CARD_ORDER.items() if k != "amount"}
    refused = send(sim, "soap", "checkout", "cardOrder", missing)
    assert (refused["responseCode"], refused["errorFieldName"]) == ("12", "amount")


# --------------------------------------------------------------------------- wallets and tokens


@needs("wallet", "addCard")
@needs("wallet", "getWalletData")
def test_wallet(sim: Simulator, c: sogenactif.Client) -> None:
    w = c.wallet  # type: ignore[attr-defined]
    added = w.add_card(
        merchant_wallet_id="W1", card_number="4100000000000000", card_expiry_date=FUTURE
    )
    assert added.wallet_response_code == "00" and added.sealed
    assert (
        w.add_card(
            merchant_wallet_id="W1", card_number="4100000000000000", card_expiry_date=FUTURE
        ).wallet_response_code
        == "94"
    )
    w.add_card(merchant_wallet_id="W1", card_number="5100000000000000", card_expiry_date=FUTURE)
    data = w.get_wallet_data(merchant_wallet_id="W1")
    assert data.wallet_response_code == "00"
    means = data.raw["walletPaymentMeanDataList"]
    assert [m["maskedPan"] for m in means] == ["4100##########00", "5100##########00"]
    assert w.get_wallet_data(merchant_wallet_id="NOWALLET").wallet_response_code == "25"
    if hasattr(w, "delete_payment_mean"):
        first_id = means[0]["paymentMeanId"]
        deleted = w.delete_payment_mean(merchant_wallet_id="W1", payment_mean_id=str(first_id))
        assert deleted.wallet_response_code == "00"
        left = w.get_wallet_data(merchant_wallet_id="W1").raw["walletPaymentMeanDataList"]
        assert [m["maskedPan"] for m in left] == ["5100##########00"]
    if hasattr(c.checkout, "wallet_order"):
        mean_id = w.get_wallet_data(merchant_wallet_id="W1").raw["walletPaymentMeanDataList"][0][
            "paymentMeanId"
        ]
        paid = c.checkout.wallet_order(  # type: ignore[attr-defined]
            merchant_wallet_id="W1",
            payment_mean_id=str(mean_id),
            amount=990,
            currency_code="978",
            transaction_reference="WALLETPAY",
        )
        assert paid.response_code == "00"
        assert sim.transaction("WALLETPAY").card.pan == "5100000000000000"  # type: ignore[union-attr]


@needs("token", "panToToken")
def test_pan_to_token_then_pay_with_the_token(sim: Simulator, c: sogenactif.Client) -> None:
    resp = c.token.pan_to_token(  # type: ignore[attr-defined]
        pan_data_list=[
            {"panId": "1", "pan": "4100000000000000", "cardExpiryDate": FUTURE},
            {"panId": "2", "pan": "1234"},
        ]
    )
    assert resp.response_code == "01"  # partial success: the second is no card
    tokens = [t for t in resp.raw.get("responseTokenPanDataList", []) if t.get("tokenPan")]
    assert len(tokens) == 1
    token = tokens[0]["tokenPan"]
    again = c.token.pan_to_token(pan_data_list=[{"panId": "3", "pan": "4100000000000000"}])  # type: ignore[attr-defined]
    assert again.raw["responseTokenPanDataList"][0]["tokenPan"] == token  # one token per PAN
    paid = c.checkout.card_order(
        amount=700,
        currency_code="978",
        card_number=token,
        pan_type="TOKEN_PAN",
        transaction_reference="BYTOKEN",
    )
    assert paid.response_code == "00"
    assert sim.transaction("BYTOKEN").card.pan == "4100000000000000"  # type: ignore[union-attr]


def test_payment_token_persists(sim: Simulator, c: sogenactif.Client) -> None:
    resp = c.token.payment_token_generate(card_number="4100000000000000", card_expiry_date=FUTURE)
    assert resp.response_code == "00"
    stored = sim.store.token(resp.payment_token or "", "payment")
    assert stored is not None and stored.card.brand == "VISA"
    refused = c.token.payment_token_generate(card_number="1234123412341234")
    assert refused.response_code == "14"
    missing = c.token.payment_token_generate(card_expiry_date=FUTURE)
    assert (missing.response_code, missing.error_field_name) == ("12", "cardNumber")


# --------------------------------------------------------------------------- concurrency


@needs("cashManagement", "refund")
def test_concurrent_refunds_never_exceed_the_captured_amount(
    sim: Simulator, c: sogenactif.Client
) -> None:
    pay(c, "SHARED", capture_mode="IMMEDIATE")  # 2500 captured
    codes: list[str] = []
    lock = threading.Lock()

    def refund() -> None:
        code = operate(c, "refund", "SHARED", 300).response_code
        with lock:
            codes.append(code)

    threads = [threading.Thread(target=refund) for _ in range(12)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert codes.count("00") == 8 and codes.count("24") == 4  # 8 x 300 <= 2500 < 9 x 300
    stored = sim.transaction("SHARED")
    assert stored is not None and stored.refunded_amount == 2400


# --------------------------------------------------------------------------- more functions


def enrol(c: sogenactif.Client, reference: str, card: str = "4100000000000000") -> Any:
    resp = c.checkout.card_check_enrollment(  # type: ignore[attr-defined]
        amount=3000,
        currency_code="978",
        card_number=card,
        card_expiry_date=FUTURE,
        transaction_reference=reference,
        capture_mode="VALIDATION",
    )
    assert resp.sealed
    return resp


@needs("checkout", "cardCheckEnrollment")
@needs("checkout", "cardValidateAuthenticationAndOrder")
def test_3ds_payment(sim: Simulator, c: sogenactif.Client) -> None:
    first = enrol(c, "THREEDS")
    assert (first.response_code, first.redirection_status_code) == ("00", "00")
    assert first.redirection_url == f"{sim.base_url}/_simulator/acs"
    assert sim.transaction("THREEDS") is None  # nothing authorised before the authentication
    # The browser's trip to the ACS: it answers with an auto-posted form carrying the PaRes.
    page = requests.post(
        first.redirection_url,
        data={"PaReq": first.pa_req_message, "TermUrl": "https://shop.example/3ds", "MD": "s1"},
        timeout=5,
    )
    pa_res = page.text.split('name="PaRes" value="', 1)[1].split('"', 1)[0]
    assert pa_res == sim.pa_res(first.pa_req_message)
    checked = c.checkout.card_validate_authentication(  # type: ignore[attr-defined]
        redirection_data=first.redirection_data,
        pa_res_message=pa_res,
        message_version=first.message_version,
        transaction_reference="THREEDS",
    )
    assert (checked.response_code, checked.holder_authent_status) == ("00", "SUCCESS")
    bad = c.checkout.card_validate_authentication_and_order(  # type: ignore[attr-defined]
        redirection_data=first.redirection_data,
        pa_res_message="bm90IGEgcGFyZXM=",
        message_version=first.message_version,
        transaction_reference="THREEDS",
    )
    assert (bad.response_code, bad.error_field_name) == ("12", "paResMessage")
    paid = c.checkout.card_validate_authentication_and_order(  # type: ignore[attr-defined]
        redirection_data=first.redirection_data,
        pa_res_message=pa_res,
        message_version=first.message_version,
        transaction_reference="THREEDS",
    )
    assert (paid.response_code, paid.holder_authent_status, paid.amount) == ("00", "SUCCESS", 3000)
    stored = sim.transaction("THREEDS")
    assert stored is not None and stored.status == "TO_VALIDATE"
    again = c.checkout.card_validate_authentication_and_order(  # type: ignore[attr-defined]
        redirection_data=first.redirection_data,
        pa_res_message=pa_res,
        message_version=first.message_version,
    )
    assert again.response_code == "25"  # the pending payment is gone
    reused = enrol(c, "THREEDS")
    assert (reused.response_code, reused.redirection_status_code) == ("94", "94")


@needs("checkout", "cardValidateAuthenticationAndOrder")
def test_3ds_failed_authentication_is_refused(sim: Simulator, c: sogenactif.Client) -> None:
    first = enrol(c, "THREEDSNO")
    paid = c.checkout.card_validate_authentication_and_order(  # type: ignore[attr-defined]
        redirection_data=first.redirection_data,
        pa_res_message=sim.pa_res(first.pa_req_message, authenticated=False),
        message_version=first.message_version,
    )
    assert (paid.response_code, paid.holder_authent_status) == ("05", "FAILURE")
    assert sim.transaction("THREEDSNO").status == "REFUSED"  # type: ignore[union-attr]


@needs("checkout", "paymentProviderFinalize")
def test_payment_provider(sim: Simulator, c: sogenactif.Client) -> None:
    init = c.checkout.payment_provider_initialize(  # type: ignore[attr-defined]
        amount=1990,
        currency_code="978",
        payment_mean_brand="PAYPAL",
        merchant_return_url="https://shop.example/back",
        transaction_reference="PROVIDER",
    )
    assert (init.response_code, init.redirection_status_code) == ("00", "00")
    assert init.redirection_url.endswith("/_simulator/provider")
    page = requests.post(
        init.redirection_url,
        data={"redirection_data": init.redirection_data, "message_version": init.message_version},
        timeout=5,
    )
    assert 'action="https://shop.example/back"' in page.text
    done = c.checkout.payment_provider_finalize(  # type: ignore[attr-defined]
        redirection_data=init.redirection_data,
        message_version=init.message_version,
        transaction_reference="PROVIDER",
    )
    assert (done.response_code, done.payment_mean_brand) == ("00", "PAYPAL")
    assert sim.transaction("PROVIDER").status == "TO_CAPTURE"  # type: ignore[union-attr]


@needs("checkout", "walletIssuerWalletFinalize")
def test_wallet_issuer_wallet(sim: Simulator, c: sogenactif.Client) -> None:
    init = c.checkout.wallet_issuer_wallet_initialize(
        amount=1290,
        currency_code="978",
        payment_mean_brand="PAYLIB",
        merchant_return_url="https://shop.example/back",
        transaction_reference="ISSUERWALLET",
    )
    assert init.response_code == "00" and init.redirection_url.endswith("/_simulator/provider")
    page = requests.post(
        init.redirection_url, data={"redirection_data": init.redirection_data}, timeout=5
    )
    assert 'action="https://shop.example/back"' in page.text
    done = c.checkout.wallet_issuer_wallet_finalize(
        redirection_data=init.redirection_data, transaction_reference="ISSUERWALLET"
    )
    assert done.response_code == "00"
    t = sim.transaction("ISSUERWALLET")
    assert t is not None and t.status == "TO_CAPTURE" and t.origin_amount == 1290
    replay = c.checkout.wallet_issuer_wallet_finalize(redirection_data=init.redirection_data)
    assert replay.response_code == "25"  # a redirection is finalized once


@needs("cashManagement", "creditHolder")
@needs("cashManagement", "walletCreditHolder")
def test_credits(sim: Simulator, c: sogenactif.Client) -> None:
    credit = c.cash_management.credit_holder(  # type: ignore[attr-defined]
        amount=500,
        currency_code="978",
        card_number="4100000000000000",
        card_expiry_date=FUTURE,
        transaction_reference="CREDIT",
    )
    assert (credit.response_code, credit.masked_pan) == ("00", "4100##########00")
    c.wallet.add_card(  # type: ignore[attr-defined]
        merchant_wallet_id="WC", card_number="5100000000000000", card_expiry_date=FUTURE
    )
    wallet_credit = c.cash_management.wallet_credit_holder(  # type: ignore[attr-defined]
        amount=700,
        currency_code="978",
        merchant_wallet_id="WC",
        payment_mean_id="1",
        transaction_reference="WCREDIT",
    )
    assert wallet_credit.response_code == "00"
    assert {t.reference: t.status for t in sim.transactions()} == {
        "CREDIT": "TO_CREDIT",
        "WCREDIT": "TO_CREDIT",
    }
    sim.advance_days(1)
    assert {t.status for t in sim.transactions()} == {"CREDITED"}
    unknown_mean = c.cash_management.wallet_credit_holder(  # type: ignore[attr-defined]
        amount=700,
        currency_code="978",
        merchant_wallet_id="WC",
        payment_mean_id="9",
        transaction_reference="WCREDIT2",
    )
    assert unknown_mean.response_code == "25"


@needs("cashManagement", "duplicate")
def test_duplicate_across_shops_and_s10(sim: Simulator, c: sogenactif.Client) -> None:
    pay(c, "ORIGIN")
    other = sim.add_shop("002001000000001", "002001000000001_KEY1")
    foreign = sim.client(c.protocol, shop=other, timeout=10)  # type: ignore[arg-type]
    dup = foreign.cash_management.duplicate(  # type: ignore[attr-defined]
        from_transaction_reference="ORIGIN",
        from_merchant_id=sim.merchant_id,
        transaction_reference="COPY",
        amount=100,
        currency_code="978",
    )
    assert dup.response_code == "00"
    assert sim.transaction("COPY", other.merchant_id) is not None
    s10 = {"s10TransactionId": "000042", "s10TransactionIdDate": "20300101"}
    kwargs = order("X")
    del kwargs["transaction_reference"]
    c.checkout.card_order(**kwargs, s10_transaction_reference=s10)
    from_s10 = c.cash_management.duplicate(  # type: ignore[attr-defined]
        s10_from_transaction_reference=s10,
        transaction_reference="FROMS10",
        amount=100,
        currency_code="978",
    )
    assert from_s10.response_code == "00"
    data = status(c, "FROMS10")
    assert data.raw["s10FromTransactionReference"] == s10


@needs("cashManagement", "refuseChallenge")
@needs("diagnostic", "getFraudData")
def test_challenges_and_fraud_data(c: sogenactif.Client) -> None:
    pay(c, "FRAUD")
    refused = c.cash_management.refuse_challenge(transaction_reference="FRAUD")  # type: ignore[attr-defined]
    assert refused.response_code == "24"
    fraud = c.diagnostic.get_fraud_data(transaction_reference="FRAUD")  # type: ignore[attr-defined]
    assert fraud.response_code == "00" and fraud.sealed
    assert c.diagnostic.get_fraud_data(transaction_reference="NONE").response_code == "25"  # type: ignore[attr-defined]


@needs("wallet", "getPaymentMeanData")
@needs("wallet", "updatePaymentMean")
@needs("wallet", "signOff")
def test_wallet_payment_means(sim: Simulator, c: sogenactif.Client) -> None:
    w = c.wallet  # type: ignore[attr-defined]
    added = w.add_card(
        merchant_wallet_id="W2",
        card_number="4300000000000000",
        card_expiry_date=FUTURE,
        payment_mean_alias="perso",
    )
    mean_id = added.payment_mean_id
    assert (
        w.add_card(
            merchant_wallet_id="W2", card_number="1234123412341234", card_expiry_date=FUTURE
        ).error_field_name
        == "cardNumber"
    )
    assert (
        w.add_card(
            merchant_wallet_id="W2", card_number="4100000000000000", card_expiry_date="201601"
        ).error_field_name
        == "cardExpiryDate"
    )
    assert (
        w.update_payment_mean(
            merchant_wallet_id="W2", payment_mean_id=mean_id, payment_mean_alias="pro"
        ).wallet_response_code
        == "00"
    )
    data = w.get_payment_mean_data(merchant_wallet_id="W2", payment_mean_id=mean_id)
    mean = data.raw["walletPaymentMeanData"]
    assert (mean["paymentMeanAlias"], mean["paymentMeanBrand"]) == ("pro", "CB")
    assert mean["paymentMeanCoBadgingBrandList"] == ["VISA"]
    assert w.sign_off(merchant_wallet_id="W2").wallet_response_code == "00"
    assert w.get_wallet_data(merchant_wallet_id="W2").wallet_response_code == "25"
    assert (
        w.get_payment_mean_data(
            merchant_wallet_id="W2", payment_mean_id=mean_id
        ).wallet_response_code
        == "25"
    )


@needs("token", "tokenToPan")
@needs("token", "transactionToToken")
def test_token_round_trips(sim: Simulator, c: sogenactif.Client) -> None:
    pay(c, "TOKENISED", card="5100000000000000")
    from_transaction = c.token.transaction_to_token(from_transaction_reference="TOKENISED")  # type: ignore[attr-defined]
    assert from_transaction.response_code == "00"
    token = from_transaction.token_pan
    back = c.token.token_to_pan(  # type: ignore[attr-defined]
        token_pan_data_list=[
            {"tokenPanId": "a", "tokenPan": token},
            {"tokenPanId": "b", "tokenPan": "999"},
        ]
    )
    assert back.response_code == "01"
    assert back.raw["responsePanDataList"] == [
        {"tokenPanId": "a", "pan": "5100000000000000"},
        {"tokenPanId": "b"},
    ]
    other = sim.add_shop("002001000000001", "002001000000001_KEY1")
    foreign = sim.client(c.protocol, shop=other, timeout=10)  # type: ignore[arg-type]
    stolen = foreign.token.token_to_pan(
        token_pan_data_list=[{"tokenPanId": "a", "tokenPan": token}]
    )  # type: ignore[attr-defined]
    assert stolen.response_code == "14"  # a token is its shop's
